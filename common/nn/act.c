/* act - see act.h. */
#include "nn/act.h"

#include <stdint.h>

#include "core/rng.h"
#include "nn/kern.h"

void
relu_forward(float *y, const float *x, size_t n)
{
    KERN_DISPATCH(relu_forward, (y, x, n));
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void
relu_backward(float *dx, const float *dy, const float *x, size_t n)
{
    KERN_DISPATCH(relu_backward, (dx, dy, x, n));
    for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

void
dropout_forward(float *y, float *mask, const float *x, size_t n, float rate,
                struct rng *r)
{
    KERN_DISPATCH(dropout_forward, (y, mask, x, n, rate, r));
    float scale = 1.0f / (1.0f - rate);
    /* Each 64-bit draw decides two values, 32 bits each: a value is
     * dropped when its bits fall below rate * 2^32. */
    uint32_t cut = (uint32_t)((double)rate * 4294967296.0 > 4294967295.0
                              ? 4294967295.0 : (double)rate * 4294967296.0);
    size_t i = 0;

    for (; i + 2 <= n; i += 2) {
        uint64_t bits = rng_next(r);
        float m0 = (uint32_t)bits < cut ? 0.0f : scale;
        float m1 = (uint32_t)(bits >> 32) < cut ? 0.0f : scale;

        mask[i] = m0, mask[i + 1] = m1;
        y[i] = x[i] * m0, y[i + 1] = x[i + 1] * m1;
    }
    if (i < n) {                        /* an odd last value: low bits */
        mask[i] = (uint32_t)rng_next(r) < cut ? 0.0f : scale;
        y[i] = x[i] * mask[i];
    }
}

void
dropout_backward(float *dx, const float *dy, const float *mask, size_t n)
{
    KERN_DISPATCH(dropout_backward, (dx, dy, mask, n));
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];
}
