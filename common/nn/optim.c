/* optim - see optim.h. */
#include "nn/optim.h"

#include "nn/kern.h"

static void
sgd_range(float *w, float *v, const float *g, size_t n, float lr,
          float momentum, float decay)
{
    for (size_t i = 0; i < n; i++) {
        v[i] = momentum * v[i] + (g[i] + decay * w[i]);
        w[i] -= lr * v[i];
    }
}

void
sgd_step_range(float *params, float *velocity, const float *grads,
               const struct arch *a, float lr, float momentum, float decay,
               size_t lo, size_t hi)
{
    KERN_DISPATCH(sgd_step_range, (params, velocity, grads, a, lr, momentum,
                                   decay, lo, hi));
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];
        size_t w0 = l->off_w, w1 = l->off_w + l->n_w;
        size_t b0 = l->off_b, b1 = l->off_b + l->n_b;

        /* The part of this layer's weights, then biases, in [lo, hi). */
        w0 = w0 > lo ? w0 : lo, w1 = w1 < hi ? w1 : hi;
        b0 = b0 > lo ? b0 : lo, b1 = b1 < hi ? b1 : hi;
        if (w0 < w1)
            sgd_range(params + w0, velocity + w0, grads + w0, w1 - w0, lr,
                      momentum, decay);
        if (b0 < b1)
            sgd_range(params + b0, velocity + b0, grads + b0, b1 - b0, lr,
                      momentum, 0.0f);
    }
}
