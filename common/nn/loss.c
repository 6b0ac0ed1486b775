/* loss - see loss.h. */
#include "nn/loss.h"

#include <math.h>
#include <stddef.h>

#include "nn/kern.h"

void
softmax_forward(float *prob, const float *logits, int N, int K)
{
    KERN_DISPATCH(softmax_forward, (prob, logits, N, K));
    for (int n = 0; n < N; n++) {
        const float *z = logits + (size_t)n * K;
        float *p = prob + (size_t)n * K, max = z[0];
        double sum = 0.0;

        /* Subtracting the max changes nothing mathematically but keeps
         * expf's argument <= 0, so it cannot overflow to inf. */
        for (int k = 1; k < K; k++)
            if (z[k] > max)
                max = z[k];
        for (int k = 0; k < K; k++) {
            p[k] = expf(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < K; k++)
            p[k] = (float)(p[k] / sum);
    }
}

double
crossentropy_sum(const float *prob, const uint8_t *labels, int N, int K)
{
    KERN_DISPATCH_RET(crossentropy_sum, (prob, labels, N, K));
    double sum = 0.0;

    /* Clamp so a probability that underflowed to 0 gives a large finite
     * loss instead of inf. */
    for (int n = 0; n < N; n++) {
        float p = prob[(size_t)n * K + labels[n]];

        if (isnan(p))
            return NAN;             /* let the caller see the blow-up */
        sum -= log(p > 1e-30f ? p : 1e-30f);
    }
    return sum;
}

void
softmax_crossentropy_backward(float *dlogits, const float *prob,
                              const uint8_t *labels, int N, int K,
                              float scale)
{
    KERN_DISPATCH(softmax_crossentropy_backward, (dlogits, prob, labels, N, K,
                                                  scale));
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++) {
            size_t i = (size_t)n * K + k;

            dlogits[i] = scale * (prob[i] - (k == labels[n] ? 1.0f : 0.0f));
        }
}
