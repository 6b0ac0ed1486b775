/* optim - stochastic gradient descent with momentum and weight decay:
 *     v = momentum * v + (g + decay * w)      (decay on weights only)
 *     w = w - lr * v
 * over the whole parameter block; biases are not decayed (shrinking them
 * regularises nothing and only biases the outputs). */
#ifndef OPTIM_H
#define OPTIM_H

#include <stddef.h>

#include "nn/arch.h"

/* The step for parameters [lo, hi) of the block only, so that threads
 * can each update their own range. */
void sgd_step_range(float *params, float *velocity, const float *grads,
                    const struct arch *a, float lr, float momentum,
                    float decay, size_t lo, size_t hi);

#endif
