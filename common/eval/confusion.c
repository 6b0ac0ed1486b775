/* confusion - see confusion.h. */
#include "eval/confusion.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/glyph.h"

#define CELL 60                 /* heatmap cell side, pixels */
#define MARGIN 40               /* room for the axis labels */

int
confusion_parse(int *label, int *pred, double *conf, char *line,
                char *err)
{
    char *f[13], *p = line;
    int n = 0;

    while (*p != '\0' && n < 13) {
        f[n++] = p;
        p += strcspn(p, " \t");
        if (*p != '\0')
            *p++ = '\0';
    }
    if (*p != '\0' || (n != 2 && n != 3 && n != 13)) {
        snprintf(err, ERRLEN, "expected LABEL PRED [CONF [P0 ... P9]], "
                 "got %d%s fields", n, *p != '\0' ? " or more" : "");
        return -1;
    }
    for (int i = 0; i < 2; i++)
        if (strlen(f[i]) != 1 || ((f[i][0] < '0' || f[i][0] > '9') &&
                                  f[i][0] != '-')) {
            snprintf(err, ERRLEN, "%s '%.12s' is not a digit 0-9 or -",
                     i == 0 ? "label" : "prediction", f[i]);
            return -1;
        }
    *label = f[0][0] == '-' ? MNIST_NOT_DIGIT : f[0][0] - '0';
    *pred = f[1][0] == '-' ? MNIST_NOT_DIGIT : f[1][0] - '0';
    *conf = -1.0;
    for (int i = 2; i < n; i++) {
        char *end;
        double v;

        errno = 0;
        v = strtod(f[i], &end);
        if (f[i][0] == '\0' || *end != '\0' || errno != 0 ||
            !(v >= 0.0 && v <= 1.0)) {
            snprintf(err, ERRLEN, "field %d '%.12s' is not a probability "
                     "0-1", i + 1, f[i]);
            return -1;
        }
        if (i == 2)
            *conf = v;
    }
    return 0;
}

void
confusion_init(struct confusion *c)
{
    memset(c, 0, sizeof *c);
}

void
confusion_add(struct confusion *c, int label, int pred, double conf)
{
    c->m[label][pred]++;
    c->n++;
    if (conf < 0.0)
        return;
    int b = conf >= 1.0 ? CONF_BINS - 1 : (int)(conf * CONF_BINS);
    c->n_conf++;
    c->bin_n[b]++;
    c->bin_conf[b] += conf;
    c->bin_correct[b] += label == pred;
}

int
confusion_classes(const struct confusion *c)
{
    for (int k = 0; k < MNIST_OUTPUTS; k++)
        if (c->m[k][MNIST_NOT_DIGIT] > 0 || c->m[MNIST_NOT_DIGIT][k] > 0)
            return MNIST_OUTPUTS;
    return MNIST_CLASSES;
}

double
confusion_accuracy(const struct confusion *c)
{
    size_t right = 0;

    for (int k = 0; k < MNIST_OUTPUTS; k++)
        right += c->m[k][k];
    return c->n > 0 ? (double)right / (double)c->n : 0.0;
}

double
confusion_accepted(const struct confusion *c, size_t *rejected)
{
    size_t right = 0;

    *rejected = 0;
    for (int k = 0; k < MNIST_OUTPUTS; k++) {
        *rejected += c->m[k][MNIST_NOT_DIGIT];
        right += k < MNIST_CLASSES ? c->m[k][k] : 0;
    }
    return c->n > *rejected ? (double)right / (double)(c->n - *rejected)
                            : 0.0;
}

void
confusion_class(const struct confusion *c, int k, double *precision,
                double *recall, double *f1)
{
    size_t predicted = 0, actual = 0;

    for (int j = 0; j < MNIST_OUTPUTS; j++) {
        predicted += c->m[j][k];
        actual += c->m[k][j];
    }
    *precision = predicted > 0 ? (double)c->m[k][k] / (double)predicted : 0;
    *recall = actual > 0 ? (double)c->m[k][k] / (double)actual : 0;
    *f1 = *precision + *recall > 0
          ? 2 * *precision * *recall / (*precision + *recall) : 0;
}

double
confusion_ece(const struct confusion *c)
{
    double ece = 0.0;

    for (int b = 0; b < CONF_BINS && c->n_conf > 0; b++)
        if (c->bin_n[b] > 0)
            ece += (double)c->bin_n[b] / (double)c->n_conf *
                   fabs((double)c->bin_correct[b] / (double)c->bin_n[b] -
                        c->bin_conf[b] / (double)c->bin_n[b]);
    return ece;
}

int
confusion_top_pairs(const struct confusion *c, int n, int *truth, int *pred,
                    size_t *count)
{
    int found = 0;

    for (; found < n; found++) {
        size_t best = 0;

        for (int t = 0; t < MNIST_OUTPUTS; t++)
            for (int p = 0; p < MNIST_OUTPUTS; p++) {
                int taken = 0;

                for (int i = 0; i < found; i++)
                    taken |= truth[i] == t && pred[i] == p;
                if (t != p && !taken && c->m[t][p] > best) {
                    best = c->m[t][p];
                    truth[found] = t, pred[found] = p;
                }
            }
        if (best == 0)
            break;
        count[found] = best;
    }
    return found;
}

/* Fills cell (t, p) with its colour and writes its count in it. */
static void
draw_cell(uint8_t *img, int w, int h, const struct confusion *c, int t,
          int p, double log_max)
{
    static const uint8_t white[3] = { 255, 255, 255 }, black[3] = { 0 };
    static const uint8_t faint[3] = { 200, 200, 200 };
    double f = log_max > 0 ? log1p((double)c->m[t][p]) / log_max : 0.0;
    uint8_t rgb[3] = { (uint8_t)(255 - f * (255 - 8)),
                       (uint8_t)(255 - f * (255 - 48)),
                       (uint8_t)(255 - f * (255 - 107)) };
    int x0 = MARGIN + p * CELL, y0 = MARGIN + t * CELL;
    char text[24];

    for (int y = y0 + 1; y < y0 + CELL; y++)
        for (int x = x0 + 1; x < x0 + CELL; x++)
            memcpy(img + ((size_t)y * w + x) * 3, rgb, 3);
    snprintf(text, sizeof text, "%zu", c->m[t][p]);
    int scale = glyph_width(text, 2) <= CELL - 6 ? 2 : 1;
    glyph_draw(img, w, h, x0 + (CELL - glyph_width(text, scale)) / 2,
               y0 + (CELL - GLYPH_ROWS * scale) / 2, text, scale,
               c->m[t][p] == 0 ? faint : f > 0.5 ? white : black);
}

uint8_t *
confusion_heatmap(const struct confusion *c, int *w, int *h)
{
    static const uint8_t grey[3] = { 96, 96, 96 };
    size_t max = 0;
    int K = confusion_classes(c), W = MARGIN + K * CELL + 1, H = W;
    uint8_t *img = xmalloc((size_t)W * H * 3);

    memset(img, 255, (size_t)W * H * 3);
    for (int t = 0; t < K; t++)
        for (int p = 0; p < K; p++)
            max = c->m[t][p] > max ? c->m[t][p] : max;
    for (int t = 0; t < K; t++)
        for (int p = 0; p < K; p++)
            draw_cell(img, W, H, c, t, p, log1p((double)max));
    for (int k = 0; k < K; k++) {
        char d[2] = { k == MNIST_NOT_DIGIT ? '-' : (char)('0' + k), '\0' };
        int mid = MARGIN + k * CELL + CELL / 2;

        glyph_draw(img, W, H, mid - GLYPH_COLS, MARGIN / 2 - GLYPH_ROWS, d,
                   2, grey);                       /* predicted, on top */
        glyph_draw(img, W, H, MARGIN / 2 - GLYPH_COLS, mid - GLYPH_ROWS, d,
                   2, grey);                       /* true, on the left */
    }
    *w = W, *h = H;
    return img;
}
