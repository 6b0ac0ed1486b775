/* number - see number.h. */
#define _POSIX_C_SOURCE 200809L
#include "nn/number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"
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

int
number_parse_line(char *line, int *slices, int *first, int *last,
                  float *prior, char *err)
{
    char *tok, *save = NULL, *end;
    int n = -1;

    for (tok = strtok_r(line, " \t\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\n", &save), n++) {
        long a, b;

        if (n < 0) {
            a = strtol(tok, &end, 10);
            if (end == tok || *end != '\0' || a < 0 ||
                a > NUMBER_MAX_SLICES) {
                snprintf(err, ERRLEN, "'%.20s' is not a slice count "
                         "(0-%d)", tok, NUMBER_MAX_SLICES);
                return -1;
            }
            *slices = (int)a;
            continue;
        }
        if (n == NUMBER_MAX_IMAGES) {
            snprintf(err, ERRLEN, "more than %d images", NUMBER_MAX_IMAGES);
            return -1;
        }
        a = strtol(tok, &end, 10);
        if (end == tok || *end != '-' || a < 0 || a >= *slices)
            goto bad;
        b = strtol(end + 1, &end, 10);
        if (end == tok || *end != ':' || b <= a || b > *slices)
            goto bad;
        char *pe;
        double p = strtod(end + 1, &pe);
        if (pe == end + 1 || (*pe != '\0' && *pe != ':') || !(p > 0.0) ||
            p > 1.0)
            goto bad;
        first[n] = (int)a, last[n] = (int)b, prior[n] = (float)p;
    }
    if (n < 0) {
        snprintf(err, ERRLEN, "an empty line");
        return -1;
    }
    if ((*slices == 0) != (n == 0)) {
        snprintf(err, ERRLEN, "%d slices but %d images", *slices, n);
        return -1;
    }
    return n;
bad:
    snprintf(err, ERRLEN, "image %d: '%.30s' is not A-B:P with 0 <= A < B "
             "<= %d and 0 < P <= 1", n + 1, tok, *slices);
    return -1;
}
