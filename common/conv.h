/* conv - 2-D convolution, stride 1, zero padding, channels last.
 *
 * Sizes: N images, C input channels, H x W input, F filters of K x K,
 * pad zeros on every side, output OH = H + 2 pad - K + 1 (OW alike),
 * P = OH * OW output positions, D = K * K * C values under one filter.
 *
 *   x   (N, H, W, C)    input              w (F, K, K, C)  weights
 *   y   (N, OH, OW, F)  output             b (F)           biases
 *   col (P, D)          scratch: one image unrolled, row p = the D inputs
 *                       under the filter at output position p
 *
 * The fast path unrolls each image (im2col) and calls gemm: y_n = col w^T.
 * Backward recomputes col instead of storing N of them: the unroll costs
 * far less than the multiply, and memory stays at one image's worth.
 * conv2d_forward_ref is the direct six-deep loop, for the tests. */
#ifndef CONV_H
#define CONV_H

struct conv_shape {
    int C, H, W, F, K, pad, OH, OW;
};

/* y = conv(x, w) + b. col and ws (gemm workspace) are scratch. */
void conv2d_forward(float *y, float *col, float *ws, const float *x,
                    const float *w, const float *b, int N,
                    const struct conv_shape *s);
/* Adds into dx, dw, db; dx may be NULL (the first layer needs none).
 * col and dcol are (P, D) scratch, ws gemm's workspace. */
void conv2d_backward(float *dx, float *dw, float *db, float *col,
                     float *dcol, float *ws, const float *dy,
                     const float *x, const float *w, int N,
                     const struct conv_shape *s);
void conv2d_forward_ref(float *y, const float *x, const float *w,
                        const float *b, int N, const struct conv_shape *s);

#endif
