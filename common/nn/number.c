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

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Whether the chosen digits stand as a number is written: heights
 * within NUMBER_HEIGHTS of their median, widths at most NUMBER_WIDE of
 * it, centres on one line (within NUMBER_LINE of the median height),
 * and no gap over NUMBER_GAP of it.
 * Hairs and specks scattered over a picture read as 1s, one by one;
 * as a whole they are no number. */
static int
laid_out(const struct number_read *r, const struct number_cand *c)
{
    int h[NUMBER_MAX_SLICES], cy[NUMBER_MAX_SLICES];

    for (int j = 0; j < r->n; j++) {
        const int *b = c[r->chosen[j]].box;

        h[j] = b[3], cy[j] = 2 * b[1] + b[3];
    }
    qsort(h, (size_t)r->n, sizeof h[0], cmp_int);
    qsort(cy, (size_t)r->n, sizeof cy[0], cmp_int);
    float hm = (float)h[r->n / 2], mid = (float)cy[r->n / 2] / 2.0f;
    for (int j = 0; j < r->n; j++) {
        const int *b = c[r->chosen[j]].box;

        if ((float)b[3] * NUMBER_HEIGHTS < hm ||
            (float)b[2] > NUMBER_WIDE * hm ||
            (float)b[3] > NUMBER_HEIGHTS * hm ||
            fabsf((float)b[1] + (float)b[3] / 2.0f - mid) > NUMBER_LINE * hm)
            return 0;
        if (j > 0) {
            const int *a = c[r->chosen[j - 1]].box;

            if ((float)(b[0] - a[0] - a[2]) > NUMBER_GAP * hm)
                return 0;
        }
    }
    return 1;
}

/* r as the reading of the m candidates chosen[], left to right: each
 * one's verdict, the text, and whether it is refused. */
static void
judge(struct number_read *r, const int *chosen, int m,
      const struct number_cand *c, const float *prob)
{
    float worst = 0.0f;

    memset(r, 0, sizeof *r);
    r->confidence = 1.0f;
    for (int j = 0; j < m; j++) {
        int i = chosen[j];
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
    if (!r->rejected && m > 1 && !laid_out(r, c)) {
        r->rejected = 1, r->scattered = 1;
        worst = 1.0f - r->confidence;
    }
    if (r->rejected) {
        r->confidence = worst;
        r->text[0] = '\0';
    }
}

int
number_decode(struct number_read *r, const struct number_cand *c,
              const float *prob, int n, int n_slices)
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
            if (c[i].last != k || c[i].first < 0 || c[i].first >= k ||
                best[c[i].first] == -INFINITY)
                continue;
            const float *p = prob + (size_t)i * MNIST_OUTPUTS;
            float top = p[infer_argmax(p)];
            double s = best[c[i].first] + log(top > 1e-6f ? top : 1e-6f) +
                       log(c[i].prior > 1e-6f ? c[i].prior : 1e-6f);

            if (s > best[k])
                best[k] = s, via[k] = i;
        }
    }
    if (via[n_slices] < 0)
        return -1;
    int rev[NUMBER_MAX_SLICES], chosen[NUMBER_MAX_SLICES], m = 0;
    for (int k = n_slices; k > 0; k = c[via[k]].first)
        rev[m++] = via[k];
    for (int j = 0; j < m; j++)
        chosen[j] = rev[m - 1 - j];
    judge(r, chosen, m, c, prob);
    /* Pieces that make no number may still make one digit (a pencil
     * digit in several strokes): the candidate of all of them, if it
     * reads as a digit, is the answer. So it is when all of them stand
     * no wider than one digit and read surely as one. */
    for (int i = 0; i < n && m > 1; i++) {
        struct number_read whole;

        if (c[i].first != 0 || c[i].last != n_slices)
            continue;
        judge(&whole, &i, 1, c, prob);
        if (!whole.rejected &&
            (r->rejected || ((float)c[i].box[2] <= NUMBER_NARROW *
                             (float)c[i].box[3] &&
                             whole.confidence >= NUMBER_SURE)))
            *r = whole;
        break;
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

/* A whole number 0..max at *s ended by sep ('\0' for the end of the
 * token); moves *s past it. Returns 0, or -1. */
static int
take_int(const char **s, char sep, long max, int *v)
{
    char *end;

    if (**s < '0' || **s > '9')
        return -1;
    long x = strtol(*s, &end, 10);
    if (*end != sep || x < 0 || x > max)
        return -1;
    *v = (int)x;
    *s = sep != '\0' ? end + 1 : end;
    return 0;
}

/* One candidate, "A-B:P:X,Y,W,H", into c. Returns 0, or -1. */
static int
parse_cand(struct number_cand *c, const char *tok, int slices)
{
    const char *s = tok;
    char *end;

    if (take_int(&s, '-', slices - 1, &c->first) != 0 ||
        take_int(&s, ':', slices, &c->last) != 0 || c->last <= c->first ||
        *s < '0' || *s > '9')
        return -1;
    double p = strtod(s, &end);
    if (*end != ':' || !(p > 0.0) || p > 1.0)
        return -1;
    c->prior = (float)p;
    s = end + 1;
    for (int k = 0; k < 4; k++)
        if (take_int(&s, k < 3 ? ',' : '\0', 1 << 30, &c->box[k]) != 0)
            return -1;
    return c->box[2] > 0 && c->box[3] > 0 ? 0 : -1;
}

int
number_parse_line(char *line, int *slices, struct number_cand *c, char *err)
{
    char *tok, *save = NULL, *end;
    int n = -1;

    for (tok = strtok_r(line, " \t\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\n", &save), n++) {
        if (n < 0) {
            long a = strtol(tok, &end, 10);

            if (*tok < '0' || *tok > '9' || *end != '\0' ||
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
        if (parse_cand(&c[n], tok, *slices) != 0) {
            snprintf(err, ERRLEN, "image %d: '%.40s' is not A-B:P:X,Y,W,H "
                     "with 0 <= A < B <= %d, 0 < P <= 1 and W, H > 0",
                     n + 1, tok, *slices);
            return -1;
        }
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
}
