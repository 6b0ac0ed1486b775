/* ink - see ink.h. */
#include "img/ink.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define INK_FRACTION 0.3f       /* of the brightest ink: surely ink */
#define WEAK_FRACTION 0.1f      /* of the brightest ink: ink if joined */
#define MIN_CONTRAST 24.0f      /* grey levels ink must rise over paper */
#define FAINT_SNR 20.0f         /* brightest ink under this many noise
                                   deviations: faint, judged by lines */
#define MIN_NOISE 1.0f          /* below this deviation, no noise to beat */
#define NDIR 8                  /* directions of the line mean */
#define TAPS 9                  /* its length: bridges a 4 px skip, and
                                   follows a pencil's curves */
#define FAINT_WEAK 3.5f         /* line-mean deviations: ink if joined */
#define FAINT_STRONG 7.0f       /* line-mean deviations: surely ink */
#define FAINT_FOUND 10.0f       /* line-mean deviations the brightest ink
                                   must reach, or else one piece must
                                   span FAINT_SPAN px: on blank noisy
                                   paper the line mean's peaks stay
                                   under 10, and short */
#define FAINT_SPAN (2 * TAPS)
#define NEAR 0.15f              /* of the digit's size: a piece this
                                   close joins it, however small */

struct comp {
    size_t area, in_band;       /* pixels, and those in the outer band */
    float peak;                 /* its brightest pixel */
    int x0, y0, x1, y1;         /* bounding box, inclusive */
};

struct img
img_new(int w, int h)
{
    struct img im = { xcalloc((size_t)w * h, sizeof(float)), w, h };

    return im;
}

/* The value with fraction q of the n samples of hist below it. */
int
hist_quantile(const size_t *hist, size_t n, double q)
{
    size_t want = (size_t)(q * (double)n), seen = 0;

    for (int v = 0; v < 256; v++) {
        seen += hist[v];
        if (seen > want)
            return v;
    }
    return 255;
}

/* The ink thresholds, as in edge detection's hysteresis: a piece of ink
 * is what rises above *weak, all connected, and reaches *strong
 * somewhere. A thin stroke blurred to a third of the ink's contrast
 * then stays joined to the rest of its digit. Returns -1 if nothing
 * stands out from the paper. */
static int
ink_thresholds(float *strong, float *weak, float *top_out,
               const struct img *g)
{
    size_t hist[256] = { 0 }, n = (size_t)g->w * g->h;

    for (size_t i = 0; i < n; i++)
        hist[(int)g->v[i]]++;
    /* 99.5th percentile, not the maximum: a few hot pixels of noise
     * must not set the scale. With very little ink, the top of it. */
    float top = (float)hist_quantile(hist, n, 0.995);
    *top_out = top;
    if (top < MIN_CONTRAST) {
        for (top = 255; top > 0 && hist[(int)top] == 0; top--)
            ;
        *top_out = top;
        if (top < MIN_CONTRAST)
            return -1;
    }
    /* The paper's noise: most pixels are paper, so the 90th percentile
     * of what is left after subtracting it is a noise level. */
    float noise = (float)hist_quantile(hist, n, 0.9);
    *strong = INK_FRACTION * top;
    *weak = WEAK_FRACTION * top > 2 * noise ? WEAK_FRACTION * top
                                            : 2 * noise;
    *weak = *weak < *strong ? *weak : *strong;
    return 0;
}

/* Flood-fills the 8-connected piece of mask at start with label id,
 * gathering its statistics. stack has room for every pixel. */
static void
fill(int32_t *label, int32_t *stack, const struct img *g, float thr,
     size_t start, int32_t id, struct comp *c, int band)
{
    size_t top = 0;

    memset(c, 0, sizeof *c);
    c->x0 = g->w, c->y0 = g->h, c->x1 = c->y1 = -1;
    label[start] = id;
    stack[top++] = (int32_t)start;
    while (top > 0) {
        size_t p = (size_t)stack[--top];
        int x = (int)(p % (size_t)g->w), y = (int)(p / (size_t)g->w);

        c->area++;
        c->peak = g->v[p] > c->peak ? g->v[p] : c->peak;
        c->in_band += x < band || y < band || x >= g->w - band ||
                      y >= g->h - band;
        c->x0 = x < c->x0 ? x : c->x0, c->x1 = x > c->x1 ? x : c->x1;
        c->y0 = y < c->y0 ? y : c->y0, c->y1 = y > c->y1 ? y : c->y1;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx, ny = y + dy;
                size_t q = (size_t)ny * g->w + nx;

                if (nx < 0 || ny < 0 || nx >= g->w || ny >= g->h ||
                    label[q] != 0 || g->v[q] <= thr)
                    continue;
                label[q] = id;
                stack[top++] = (int32_t)q;
            }
    }
}

/* Labels the pieces of ink above thr; returns them (free()) and their
 * count; label (w x h) gets each pixel's piece number, 0 for none. */
static struct comp *
find_pieces(int32_t *label, const struct img *g, float thr, size_t *count)
{
    size_t n = (size_t)g->w * g->h, cap = 16, k = 0;
    struct comp *c = xmalloc_array(cap, sizeof *c);
    int32_t *stack = xmalloc_array(n, sizeof(int32_t));
    int band = (g->w < g->h ? g->w : g->h) / 20;

    band = band < 1 ? 1 : band;
    memset(label, 0, n * sizeof(int32_t));
    for (size_t p = 0; p < n; p++) {
        if (g->v[p] <= thr || label[p] != 0)
            continue;
        if (k == cap) {
            cap *= 2;
            c = realloc(c, cap * sizeof *c);
            if (c == NULL)
                fatal(2, "out of memory labelling ink");
        }
        fill(label, stack, g, thr, p, (int32_t)(k + 1), &c[k], band);
        k++;
    }
    free(stack);
    *count = k;
    return c;
}

/* A piece that may be ink: sure ink somewhere, not a scan border
 * (mostly inside the outer band), not a lone pixel. */
static int
is_candidate(const struct comp *c, float strong)
{
    return c->in_band * 10 < c->area * 8 && c->peak > strong &&
           c->area >= 2;
}

static void
grow_box(int box[4], const struct comp *c)
{
    box[0] = c->x0 < box[0] ? c->x0 : box[0];
    box[1] = c->y0 < box[1] ? c->y0 : box[1];
    box[2] = c->x1 > box[2] ? c->x1 : box[2];
    box[3] = c->y1 > box[3] ? c->y1 : box[3];
}

/* Which pieces are the digit: candidates not much smaller than the
 * largest (5%), then, since a pencil skips and a faint stroke breaks,
 * smaller ones (0.5%) lying within NEAR of the digit's box so far, until
 * no more join. Specks far from the digit stay out. */
static uint8_t *
choose_pieces(const struct comp *c, size_t k, float strong, int box[4])
{
    uint8_t *keep = xcalloc(k + 1, 1);
    size_t largest = 0;

    for (size_t i = 0; i < k; i++)
        if (is_candidate(&c[i], strong) && c[i].area > largest)
            largest = c[i].area;
    box[0] = box[1] = 1 << 30, box[2] = box[3] = -1;
    for (size_t i = 0; i < k; i++)
        if (is_candidate(&c[i], strong) && c[i].area * 20 >= largest) {
            keep[i + 1] = 1;
            grow_box(box, &c[i]);
        }
    for (int grown = box[2] >= 0, pass = 0; grown && pass < 16; pass++) {
        int side = box[2] - box[0] > box[3] - box[1] ? box[2] - box[0]
                                                     : box[3] - box[1];
        int gap = (int)(NEAR * (float)(side + 1)) + 1;

        grown = 0;
        for (size_t i = 0; i < k; i++) {
            if (keep[i + 1] || !is_candidate(&c[i], strong) ||
                c[i].area * 200 < largest || c[i].x0 > box[2] + gap ||
                c[i].x1 < box[0] - gap || c[i].y0 > box[3] + gap ||
                c[i].y1 < box[1] - gap)
                continue;
            keep[i + 1] = 1;
            grow_box(box, &c[i]);
            grown = 1;
        }
    }
    return keep;
}

float
ink_noise(const struct img *g)
{
    size_t hist[256] = { 0 }, n = 0;

    for (int y = 0; y < g->h; y++)
        for (int x = 0; x + 1 < g->w; x++, n++) {
            float d = 4.0f * fabsf(g->v[(size_t)y * g->w + x + 1] -
                                   g->v[(size_t)y * g->w + x]);

            hist[d > 255.0f ? 255 : (int)d]++;
        }
    if (n == 0)
        return 0.0f;
    return ((float)hist_quantile(hist, n, 0.5) + 0.5f) / 4.0f / 0.954f;
}

/* e = for each pixel of g, the largest mean of g along a segment of TAPS
 * pixels centred on it, over NDIR directions; taps beyond the image
 * read its edge (a copy padded by TAPS / 2 spares the checks). */
static struct img
line_mean(const struct img *g)
{
    const int M = TAPS / 2, PW = g->w + 2 * M;
    struct img e = img_new(g->w, g->h), pad = img_new(PW, g->h + 2 * M);
    ptrdiff_t off[NDIR][TAPS];

    for (int y = 0; y < pad.h; y++)
        for (int x = 0; x < PW; x++) {
            int xx = x - M < 0 ? 0 : x - M >= g->w ? g->w - 1 : x - M;
            int yy = y - M < 0 ? 0 : y - M >= g->h ? g->h - 1 : y - M;

            pad.v[(size_t)y * PW + x] = g->v[(size_t)yy * g->w + xx];
        }
    for (int d = 0; d < NDIR; d++)
        for (int t = 0; t < TAPS; t++) {
            double a = 3.14159265358979 * d / NDIR;

            off[d][t] = lround((t - M) * sin(a)) * PW +
                        lround((t - M) * cos(a));
        }
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            const float *c = pad.v + (size_t)(y + M) * PW + x + M;
            float best = -1e30f;

            for (int d = 0; d < NDIR; d++) {
                float sum = 0.0f;

                for (int t = 0; t < TAPS; t++)
                    sum += c[off[d][t]];
                best = sum > best ? sum : best;
            }
            e.v[(size_t)y * g->w + x] = best / TAPS;
        }
    free(pad.v);
    return e;
}

/* g less its mean over the (2 r + 1)^2 square around each pixel (cut
 * at the edges), from an integral image: what the paper subtraction
 * left of shadows and slopes goes, a thin stroke stays. */
static void
minus_local_mean(struct img *g, int r)
{
    size_t W = (size_t)g->w + 1;
    double *sum = xcalloc(W * ((size_t)g->h + 1), sizeof(double));

    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++)
            sum[(y + 1) * W + x + 1] = g->v[(size_t)y * g->w + x] +
                sum[y * W + x + 1] + sum[(y + 1) * W + x] - sum[y * W + x];
    for (int y = 0; y < g->h; y++) {
        int y0 = y - r < 0 ? 0 : y - r, y1 = y + r >= g->h ? g->h : y + r + 1;

        for (int x = 0; x < g->w; x++) {
            int x0 = x - r < 0 ? 0 : x - r;
            int x1 = x + r >= g->w ? g->w : x + r + 1;
            double s = sum[y1 * W + x1] - sum[y0 * W + x1] -
                       sum[y1 * W + x0] + sum[y0 * W + x0];

            g->v[(size_t)y * g->w + x] -= (float)(s / ((y1 - y0) *
                                                       (x1 - x0)));
        }
    }
    free(sum);
}

/* Faint ink: g becomes its line mean less the paper's typical line mean
 * (the median: most pixels are paper), and the thresholds are set in
 * deviations of that mean's noise (from its upper quartile). Returns
 * the brightest ink in those deviations. */
static float
faint_thresholds(float *strong, float *weak, struct img *g)
{
    minus_local_mean(g, TAPS);
    struct img e = line_mean(g);
    size_t hist[256] = { 0 }, n = (size_t)e.w * e.h;

    /* In eighths of a level, from -8 (and below) up. */
    for (size_t i = 0; i < n; i++) {
        float b = 8.0f * (e.v[i] + 8.0f);

        hist[b < 0.0f ? 0 : b > 255.0f ? 255 : (int)b]++;
    }
    float median = (float)hist_quantile(hist, n, 0.5) / 8.0f - 8.0f;
    float sd = ((float)hist_quantile(hist, n, 0.75) / 8.0f - 8.0f -
                median) / 0.674f;
    sd = sd < 0.125f ? 0.125f : sd;
    float top = 0.0f;
    for (size_t i = 0; i < n; i++) {
        e.v[i] = e.v[i] > median ? e.v[i] - median : 0.0f;
        top = e.v[i] > top ? e.v[i] : top;
    }
    free(g->v);
    *g = e;
    *strong = FAINT_STRONG * sd;
    *weak = FAINT_WEAK * sd;
    return top / sd;
}

int
ink_find(int32_t *label, uint8_t **keep, int box[4], struct img *g,
         float noise)
{
    float strong = 0.0f, weak = 0.0f, top = 0.0f;
    size_t k = 0;

    *keep = NULL;
    int clear = ink_thresholds(&strong, &weak, &top, g) == 0;
    float found = FAINT_FOUND;
    if (noise >= MIN_NOISE && (!clear || top < FAINT_SNR * noise))
        found = faint_thresholds(&strong, &weak, g);
    else if (!clear)
        return -1;
    struct comp *pieces = find_pieces(label, g, weak, &k);
    *keep = choose_pieces(pieces, k, strong, box);
    int span = 0;
    for (size_t i = 0; i < k; i++)
        if ((*keep)[i + 1]) {
            span = pieces[i].x1 - pieces[i].x0 > span
                   ? pieces[i].x1 - pieces[i].x0 : span;
            span = pieces[i].y1 - pieces[i].y0 > span
                   ? pieces[i].y1 - pieces[i].y0 : span;
        }
    free(pieces);
    if (box[2] < 0 || (found < FAINT_FOUND && span < FAINT_SPAN)) {
        free(*keep);
        *keep = NULL;
        return -1;
    }
    return 0;
}
