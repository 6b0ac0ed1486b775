/* paint - see paint.h. */
#include "img/paint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define PI 3.14159265358979

/* Uniform in [lo, hi). */
static double
between(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

/* A canvas of 60-200 px a side. */
static void
any_canvas(struct canvas *c, struct rng *r)
{
    int w = 60 + (int)rng_below(r, 141), h = 60 + (int)rng_below(r, 141);

    canvas_init(c, w, h);
}

/* A filled shape: a radius that wanders with the angle (four random
 * harmonics; never a hole, so never a 0), and a few splashes. */
void
paint_blob(struct canvas *c, struct rng *r)
{
    double amp[4], phase[4];

    any_canvas(c, r);
    double m = fmin(c->w, c->h), R = m * between(r, 0.1, 0.22);
    double reach = 1.75 * R;                   /* 1 + the harmonics + splash */
    double cx = between(r, reach + 0.07 * c->w, c->w - reach - 0.07 * c->w);
    double cy = between(r, reach + 0.07 * c->h, c->h - reach - 0.07 * c->h);
    for (int k = 0; k < 4; k++) {
        amp[k] = between(r, 0, 0.2 / (1 + 0.5 * k));
        phase[k] = between(r, 0, 2 * PI);
    }
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy, a = atan2(dy, dx);
            double rad = R;

            for (int k = 0; k < 4; k++)
                rad += R * amp[k] * cos((k + 2) * a + phase[k]);
            canvas_ink(c, x, y, rad + 0.5 - hypot(dx, dy));
        }
    for (int i = (int)rng_below(r, 4); i > 0; i--) {
        double a = between(r, 0, 2 * PI), d = R * between(r, 1.2, 1.55);
        canvas_disc(c, cx + d * cos(a), cy + d * sin(a),
                    R * between(r, 0.05, 0.15));
    }
}

/* 1-4 dots or taps, in a box no taller than wide (a column of dots is
 * a dotted 1); a lone dot is a tiny tap half the time. */
void
paint_dots(struct canvas *c, struct rng *r)
{
    int n = 1 + (int)rng_below(r, 4);

    any_canvas(c, r);
    double m = fmin(c->w, c->h), big = m * between(r, 0.03, 0.12);
    double bw = c->w * between(r, 0.2, 0.75), bh = fmin(bw, c->h * 0.75);
    double x0 = between(r, 0.12 * c->w, 0.88 * c->w - bw);
    double y0 = between(r, 0.12 * c->h, 0.88 * c->h - bh);
    for (int i = 0; i < n; i++) {
        int tap = n == 1 ? rng_below(r, 2) == 0 : rng_below(r, 4) == 0;
        double rad = tap ? between(r, 1.5, 3.5) : between(r, 2, 2 + big);
        double x = between(r, x0, x0 + bw), y = between(r, y0, y0 + bh);
        canvas_disc(c, x, y, rad);
    }
}

/* Specks everywhere, of varied size and darkness, over 0.5-4 % of the
 * paper. Each is at least 2 px across (preproc takes a single pixel
 * for noise of the camera, not ink). */
static void
specks(struct canvas *c, struct rng *r)
{
    size_t n = (size_t)(c->w * c->h * between(r, 0.0015, 0.012));

    for (size_t i = 0; i < n; i++) {
        double x = between(r, 0, c->w), y = between(r, 0, c->h);
        double rad = between(r, 0.8, 2), a = between(r, 0.5, 1);

        for (int py = (int)(y - rad - 1); py <= (int)(y + rad + 1); py++)
            for (int px = (int)(x - rad - 1); px <= (int)(x + rad + 1); px++)
                canvas_ink(c, px, py, a * fmin(1, rad + 0.5 -
                           hypot(px + 0.5 - x, py + 0.5 - y)));
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Smooth random values: uniform on a grid of g px, interpolated. */
static void
smooth_field(double *f, int w, int h, int g, struct rng *r)
{
    int gw = w / g + 2, gh = h / g + 2;
    double *v = xmalloc_array((size_t)gw * gh, sizeof(double));

    for (int i = 0; i < gw * gh; i++)
        v[i] = rng_uniform(r);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = x / g, j = y / g;
            double fx = (double)(x % g) / g, fy = (double)(y % g) / g;
            /* smoothstep weights: no creases along the grid lines */
            fx = fx * fx * (3 - 2 * fx), fy = fy * fy * (3 - 2 * fy);
            double top = v[j * gw + i] * (1 - fx) + v[j * gw + i + 1] * fx;
            double bot = v[(j + 1) * gw + i] * (1 - fx) +
                         v[(j + 1) * gw + i + 1] * fx;
            f[(size_t)y * w + x] = top * (1 - fy) + bot * fy;
        }
    free(v);
}

/* Blotches: the top 8-30 % of a smooth random field inked, with a
 * soft edge. */
static void
blotches(struct canvas *c, struct rng *r)
{
    size_t n = (size_t)c->w * c->h;
    double *f = xmalloc_array(n, sizeof(double));
    double *sorted = xmalloc_array(n, sizeof(double));

    smooth_field(f, c->w, c->h, 6 + (int)rng_below(r, 11), r);
    memcpy(sorted, f, n * sizeof(double));
    qsort(sorted, n, sizeof(double), cmp_double);
    double thr = sorted[(size_t)((double)n * between(r, 0.7, 0.92))];
    for (size_t i = 0; i < n; i++)
        canvas_ink(c, (int)(i % (size_t)c->w), (int)(i / (size_t)c->w),
                   (f[i] - thr) * 20);
    free(f), free(sorted);
}

/* Hairs and scratches: 30-90 short strokes anywhere. */
static void
hairs(struct canvas *c, struct rng *r)
{
    for (int n = 30 + (int)rng_below(r, 61); n > 0; n--) {
        double x = between(r, 0, c->w), y = between(r, 0, c->h);
        double a = between(r, 0, 2 * PI), l = between(r, 3, 15);
        double pen = between(r, 1, 2);
        canvas_line(c, x, y, x + l * cos(a), y + l * sin(a), pen);
    }
}

void
paint_noise(struct canvas *c, struct rng *r)
{
    int which = (int)rng_below(r, 4);

    any_canvas(c, r);
    if (which == 0 || which == 3)
        specks(c, r);
    if (which == 1 || which == 3)
        blotches(c, r);
    if (which == 2)
        hairs(c, r);
}

/* The bounding box of a 28x28 digit's ink: x0 y0 x1 y1 (inclusive); the
 * whole square if it has none. */
static void
ink_box(int box[4], const uint8_t *d)
{
    box[0] = box[1] = 28, box[2] = box[3] = -1;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
            if (d[y * 28 + x] > 32) {
                box[0] = x < box[0] ? x : box[0];
                box[1] = y < box[1] ? y : box[1];
                box[2] = x > box[2] ? x : box[2];
                box[3] = y > box[3] ? y : box[3];
            }
    if (box[2] < 0)
        box[0] = box[1] = 0, box[2] = box[3] = 27;
}

/* Bilinear sample of the 28x28 digit d at (x, y) as coverage, 0 outside. */
static double
sample(const uint8_t *d, double x, double y)
{
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0, v = 0;

    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (y0 + i >= 0 && y0 + i < 28 && x0 + j >= 0 && x0 + j < 28)
                v += (i ? fy : 1 - fy) * (j ? fx : 1 - fx) *
                     d[(y0 + i) * 28 + x0 + j];
    return v / 255;
}

/* Digits side by side, overlapping, touching or apart, with a little
 * up and down: a number, not a digit. Positions are in MNIST
 * pixels, then the whole is enlarged 1.5-4 times. */
void
paint_number(struct canvas *c, const uint8_t *digits, size_t n_digits,
             int k, size_t *chosen, double gap_lo, double gap_hi,
             struct rng *r)
{
    const uint8_t *d[PAINT_MAX_DIGITS];
    double at[PAINT_MAX_DIGITS][2], x = 0, gw = 0, y0 = 1e9, y1 = -1e9;
    int box[4];

    if (k < 1 || k > PAINT_MAX_DIGITS)
        k = 2 + (int)rng_below(r, 3);
    for (int i = 0; i < k; i++) {
        size_t pick = (size_t)rng_below(r, (uint32_t)n_digits);

        d[i] = digits + 784 * pick;
        if (chosen != NULL)
            chosen[i] = pick;
        ink_box(box, d[i]);
        at[i][0] = x - box[0];
        at[i][1] = between(r, -2, 2);
        y0 = fmin(y0, at[i][1] + box[1]), y1 = fmax(y1, at[i][1] + box[3] + 1);
        gw = fmax(gw, x + box[2] + 1 - box[0]);
        x = gw + between(r, gap_lo, gap_hi);
    }
    double gh = y1 - y0;
    double s = fmin(between(r, 1.5, 4), 300 / gw);
    int w = (int)(gw * s / between(r, 0.6, 0.85));
    int h = (int)(gh * s / between(r, 0.5, 0.8));
    double ox = (w - gw * s) * between(r, 0.3, 0.7);
    double oy = (h - gh * s) * between(r, 0.3, 0.7) - y0 * s;
    canvas_init(c, w, h);
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++)
            for (int i = 0; i < k; i++)
                canvas_ink(c, px, py, sample(d[i], (px + 0.5 - ox) / s -
                           at[i][0] - 0.5, (py + 0.5 - oy) / s - at[i][1]
                           - 0.5));
}
