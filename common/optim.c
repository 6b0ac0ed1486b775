/* optim - see optim.h. */
#include "optim.h"

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
sgd_step(float *params, float *velocity, const float *grads,
         const struct arch *a, float lr, float momentum, float decay)
{
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];

        sgd_range(params + l->off_w, velocity + l->off_w, grads + l->off_w,
                  l->n_w, lr, momentum, decay);
        sgd_range(params + l->off_b, velocity + l->off_b, grads + l->off_b,
                  l->n_b, lr, momentum, 0.0f);
    }
}
