/* winograd - 3x3 convolution by Winograd's minimal filtering, F(2x2, 3x3)
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2015): forward, and the gradients of input and weights.
 *
 * The output is cut into 2x2 tiles; tile t reads a 4x4 patch d of the
 * input (zero outside the image). With the fixed matrices B, G and A of
 * the method,
 *
 *   V = B^T d B   (4x4, per tile and input channel)
 *   U = G g G^T   (4x4, per filter and input channel; g is 3x3)
 *   Y = A^T M A   (2x2 outputs), where M = sum over channels of U .* V
 *
 * For each of the 16 positions xi of the 4x4 tile that sum over channels
 * is one matrix product, M[xi] (tiles x F) = V[xi] (tiles x C) . U[xi]
 * (C x F), which gemm does: 16 multiplies per 2x2 outputs and channel
 * pair where direct convolution needs 4 x 9 = 36, 2.25 times fewer. The
 * transforms are additions only. Backward runs the same steps transposed:
 *
 *   dM = A dY A^T,  dU[xi] = sum over tiles of V[xi]^T dM[xi],
 *   dg = G^T dU G,  dV[xi] = dM[xi] U[xi]^T,
 *   dd = B dV B^T  (summed into dx: patches overlap)
 *
 * Tiles go through in groups small enough that V and M stay in the
 * cache. The answers differ from direct convolution only by rounding. */
#ifndef WINOGRAD_H
#define WINOGRAD_H

#include <stddef.h>

#include "nn/conv.h"

/* Whether the layer is one this file handles (3x3 filters over enough
 * channels for the matrix products to pay). */
int wino_applies(const struct conv_shape *s);
/* Scratch floats wino_forward's and wino_backward's buf must hold, and
 * wino_backward's dbuf. */
size_t wino_buf_floats(const struct conv_shape *s);
size_t wino_dbuf_floats(const struct conv_shape *s);

/* The weights prepared for forward (transformed and packed as gemm's
 * B): wino_prep_floats floats at up, made with U (16 C F floats) as
 * scratch. They hold for the kernel level that made them (kern.h). */
size_t wino_prep_floats(const struct conv_shape *s);
void wino_prepare(float *up, float *U, const float *w,
                  const struct conv_shape *s);
/* y = conv(x, w) + b, from up (wino_prepare's) if not NULL, else from
 * w, prepared into buf on each call. */
void wino_forward(float *y, float *buf, float *ws, const float *x,
                  const float *w, const float *up, const float *b, int N,
                  enum conv_fuse fuse, const struct conv_shape *s);
/* Writes dx (unless NULL) and dw, never adds to them (no caller zeroes
 * first); the bias gradient is the caller's. N >= 1. */
void wino_backward(float *dx, float *dw, float *buf, float *dbuf, float *ws,
                   const float *dy, const float *x, const float *w, int N,
                   const struct conv_shape *s);

#endif
