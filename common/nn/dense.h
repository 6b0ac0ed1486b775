/* dense - fully connected layer: y = x W^T + b
 *   x (N, C) input rows    w (F, C) one weight row per output
 *   b (F)    bias          y (N, F) output rows
 * The fast versions call gemm (ws is its workspace); the _ref versions
 * are the plain loops they must agree with. */
#ifndef DENSE_H
#define DENSE_H

#include <stddef.h>

/* tmp holds dense_tmp_floats(N, F) floats (none for a few rows). */
size_t dense_tmp_floats(int N, int F);
void dense_forward(float *y, float *tmp, float *ws, const float *x,
                   const float *w, const float *b, int N, int C, int F);
/* Writes dx, dw and db (the gradients of this batch alone: no need to
 * zero them first, and the big dw is only written, never read); dx may be
 * NULL for the first layer. */
void dense_backward(float *dx, float *dw, float *db, float *ws,
                    const float *dy, const float *x, const float *w, int N,
                    int C, int F);
void dense_forward_ref(float *y, const float *x, const float *w,
                       const float *b, int N, int C, int F);
void dense_backward_ref(float *dx, float *dw, float *db, const float *dy,
                        const float *x, const float *w, int N, int C, int F);

#endif
