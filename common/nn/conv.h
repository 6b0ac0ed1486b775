/* conv - 2-D convolution, stride 1, zero padding, channels last.
 *
 * Sizes: N images, C input channels, H x W input, F filters of K x K,
 * pad zeros on every side, output OH = H + 2 pad - K + 1 (OW alike),
 * P = OH * OW output positions, D = K * K * C values under one filter.
 *
 *   x   (N, H, W, C)    input              w (F, K, K, C)  weights
 *   y   (N, OH, OW, F)  output             b (F)           biases
 *   col (R, D)          scratch: R rows of the batch unrolled; row r is
 *                       the D inputs under the filter at output position
 *                       r % P of image r / P
 *
 * The fast path unrolls the batch chunk by chunk (im2col) and calls gemm
 * once per chunk: y = col w^T. A chunk is as many rows as fit in
 * CONV_COL_FLOATS, so the unrolled copy stays in the L2 cache while gemm
 * reads it, whatever the layer: a big early layer (24x24 outputs) is cut
 * inside an image, a small late one (8x8) spans several images and still
 * makes a matrix tall enough for the kernel to run at speed. Backward
 * recomputes col rather than keeping the whole batch unrolled: the
 * unroll costs far less than the multiply. Two shapes take other roads
 * to the same answers: a 3x3 filter over 8 or more channels goes through
 * Winograd's transforms (winograd.h), 2.25 times fewer multiplies, and a
 * single input channel is multiplied directly, filters across vector
 * lanes (its depth, K*K, is too shallow for gemm). conv2d_forward_ref is
 * the direct six-deep loop, for the tests. */
#ifndef CONV_H
#define CONV_H

#include <stddef.h>

#define CONV_COL_FLOATS (64 * 1024)     /* 256 KB: half an L2 */

struct conv_shape {
    int C, H, W, F, K, pad, OH, OW;
};

/* Rows per chunk, and the floats a col (or dcol) buffer needs. */
int conv2d_chunk(const struct conv_shape *s);
size_t conv2d_col_floats(const struct conv_shape *s);

/* Weights prepared once for many forward calls (inference): the
 * floats they take, 0 for a layer that has no use for them, and
 * conv2d_prepare, which fills wp from w (exits 2 if out of memory).
 * They hold for the kernel level that made them (kern.h). */
size_t conv2d_prep_floats(const struct conv_shape *s);
void conv2d_prepare(float *wp, const float *w, const struct conv_shape *s);
/* What the forward does on the way out, for inference: nothing; a ReLU;
 * a ReLU and a 2x2 max-pool (y is then (N, OH/2, OW/2, F)), where
 * conv2d_can_pool says so. Each gives the bits of the separate layers. */
enum conv_fuse { CONV_PLAIN, CONV_RELU, CONV_RELU_POOL2 };
int conv2d_can_pool(const struct conv_shape *s);
/* y = conv(x, w) + b, then fuse, from wp (conv2d_prepare's) if not NULL,
 * the same bits. col and ws (gemm workspace) are scratch. */
void conv2d_forward(float *y, float *col, float *ws, const float *x,
                    const float *w, const float *wp, const float *b, int N,
                    enum conv_fuse fuse, const struct conv_shape *s);
/* Writes dx, dw and db, never adds to them (no caller zeroes first):
 * this batch's gradients alone. dx may be NULL (the first layer needs
 * none); N >= 1. col and dcol are conv2d_col_floats() scratch, ws gemm's
 * workspace. */
void conv2d_backward(float *dx, float *dw, float *db, float *col,
                     float *dcol, float *ws, const float *dy,
                     const float *x, const float *w, int N,
                     const struct conv_shape *s);
void conv2d_forward_ref(float *y, const float *x, const float *w,
                        const float *b, int N, const struct conv_shape *s);

#endif
