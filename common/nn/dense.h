/* dense - fully connected layer: y = x W^T + b
 *   x (N, C) input rows    w (F, C) one weight row per output
 *   b (F)    bias          y (N, F) output rows
 * The fast versions call gemm (ws is its workspace); the _ref versions
 * are the plain loops they must agree with, and follow the same rules. */
#ifndef DENSE_H
#define DENSE_H

#include <stddef.h>

/* tmp holds dense_tmp_floats(N, F) floats (none for a few rows). */
size_t dense_tmp_floats(int N, int F);
/* Weights prepared once for many forward calls (inference): W^T packed
 * as gemm's B, dense_prep_floats(C, F) floats at wp. They hold for the
 * kernel level that made them (kern.h). */
size_t dense_prep_floats(int C, int F);
void dense_prepare(float *wp, const float *w, int C, int F);
/* y = x W^T + b, from wp (dense_prepare's) if not NULL, the same bits. */
void dense_forward(float *y, float *tmp, float *ws, const float *x,
                   const float *w, const float *wp, const float *b, int N,
                   int C, int F);
/* Backward writes dx, dw and db, never adds to them (no caller zeroes
 * first; the big dw is only written, never read): the gradients of this
 * batch alone. dx may be NULL for the first layer; N >= 1. */
void dense_backward(float *dx, float *dw, float *db, float *ws,
                    const float *dy, const float *x, const float *w, int N,
                    int C, int F);
/* db (F) = the column sums of dy (rows, F), row by row: the gradient of
 * a bias added to every row (a convolution's too); rows >= 1. */
void dense_bias_backward(float *db, const float *dy, size_t rows, int F);
void dense_forward_ref(float *y, const float *x, const float *w,
                       const float *b, int N, int C, int F);
void dense_backward_ref(float *dx, float *dw, float *db, const float *dy,
                        const float *x, const float *w, int N, int C, int F);

#endif
