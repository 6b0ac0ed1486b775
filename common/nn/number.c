/* number - see number.h. */
#include "nn/number.h"

#include <math.h>
#include <string.h>

#include "core/mnist.h"
#include "nn/infer.h"

int
number_decode(struct number_read *r, const int *first, const int *last,
              const float *prior, const float *prob, int n, int n_slices)
{
    double best[NUMBER_MAX_SLICES + 1];
    int via[NUMBER_MAX_SLICES + 1];

    memset(r, 0, sizeof *r);
    if (n_slices < 1 || n_slices > NUMBER_MAX_SLICES || n < 1 ||
        n > NUMBER_MAX_IMAGES)
        return -1;
    best[0] = 0.0, via[0] = -1;
    for (int k = 1; k <= n_slices; k++) {
        best[k] = -INFINITY, via[k] = -1;
        for (int i = 0; i < n; i++) {
            if (last[i] != k || first[i] < 0 || first[i] >= k ||
                best[first[i]] == -INFINITY)
                continue;
            const float *p = prob + (size_t)i * MNIST_OUTPUTS;
            float top = p[infer_argmax(p)];
            double s = best[first[i]] + log(top > 1e-6f ? top : 1e-6f) +
                       log(prior[i] > 1e-6f ? prior[i] : 1e-6f);

            if (s > best[k])
                best[k] = s, via[k] = i;
        }
    }
    if (via[n_slices] < 0)
        return -1;
    int rev[NUMBER_MAX_SLICES], m = 0;
    for (int k = n_slices; k > 0; k = first[via[k]])
        rev[m++] = via[k];
    r->confidence = 1.0f;
    float worst = 0.0f;
    for (int j = 0; j < m; j++) {
        int i = rev[m - 1 - j];
        const float *p = prob + (size_t)i * MNIST_OUTPUTS;
        int v = infer_verdict(p);

        r->chosen[j] = i, r->verdict[j] = v;
        r->guess[j] = (char)('0' + infer_argmax(p));
        if (v == MNIST_NOT_DIGIT) {
            r->rejected = 1;
            worst = p[v] > worst ? p[v] : worst;
        } else if (m > 1 && p[v] < NUMBER_MIN_DIGIT) {
            r->rejected = 1;    /* a digit of a number, not read */
            worst = 1.0f - p[v] > worst ? 1.0f - p[v] : worst;
        } else {
            r->text[j] = (char)('0' + v);
            r->confidence *= p[v];
        }
    }
    r->n = m;
    if (r->rejected) {
        r->confidence = worst;
        r->text[0] = '\0';
    }
    return 0;
}

void
number_gather(const struct number_read *r, const float *prob,
              const uint8_t *pix, float *p, uint8_t *in, int *guess)
{
    for (int j = 0; j < r->n; j++) {
        memcpy(p + (size_t)j * MNIST_OUTPUTS, prob + (size_t)r->chosen[j] *
               MNIST_OUTPUTS, MNIST_OUTPUTS * sizeof(float));
        memcpy(in + (size_t)j * MNIST_PIXELS, pix + (size_t)r->chosen[j] *
               MNIST_PIXELS, MNIST_PIXELS);
        guess[j] = r->guess[j] - '0';
    }
}
