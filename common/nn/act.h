/* act - element-wise layers over n floats: ReLU and (inverted) dropout.
 * Dropout keeps each value with probability 1 - rate and scales kept
 * values by 1 / (1 - rate), so inference is the identity and needs no
 * rescaling. The mask (0 or the scale) is what backward needs. Both
 * backwards write all of dx, never add to it (no caller zeroes it). */
#ifndef ACT_H
#define ACT_H

#include <stddef.h>

struct rng;

void relu_forward(float *y, const float *x, size_t n);
/* dx = dy where x > 0, else 0 (x may be ReLU's output: the same test).
 * dx may be dy: the network runs it in place. */
void relu_backward(float *dx, const float *dy, const float *x, size_t n);

/* y = x * mask, drawing mask from r. */
void dropout_forward(float *y, float *mask, const float *x, size_t n,
                     float rate, struct rng *r);
/* dx = dy * mask; dx may be dy. */
void dropout_backward(float *dx, const float *dy, const float *mask,
                      size_t n);

#endif
