/* pool - max pooling over S x S windows with stride S, channels last.
 *   x (N, H, W, C)   y (N, OH, OW, C) with OH = H / S, OW = W / S
 *   arg (N, OH, OW, C): for each output, the index within its image's x
 *   of the maximum, which is all backward needs. Rows and columns past
 *   OH*S or OW*S are dropped, as floor division says. */
#ifndef POOL_H
#define POOL_H

#include <stdint.h>

void maxpool_forward(float *y, int32_t *arg, const float *x, int N, int C,
                     int H, int W, int S);
/* Writes all of dx (no caller zeroes it): zero but for dy at each
 * output's argmax, image by image. */
void maxpool_backward(float *dx, const float *dy, const int32_t *arg, int N,
                      int C, int H, int W, int S);

#endif
