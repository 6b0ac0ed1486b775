/* act - see act.h. */
#include "act.h"

#include "rng.h"

void
relu_forward(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void
relu_backward(float *dx, const float *dy, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
}

void
dropout_forward(float *y, float *mask, const float *x, size_t n, float rate,
                struct rng *r)
{
    float scale = 1.0f / (1.0f - rate);

    for (size_t i = 0; i < n; i++) {
        mask[i] = rng_uniform(r) < rate ? 0.0f : scale;
        y[i] = x[i] * mask[i];
    }
}

void
dropout_backward(float *dx, const float *dy, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] += dy[i] * mask[i];
}
