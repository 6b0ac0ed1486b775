/* mkimage - test inputs for preproc, drawn here so no binary image is
 * committed:
 *
 *   mkimage shape KIND W H X Y SIZE dark|light
 *       one W x H image with a shape of SIZE px whose bounding box has
 *       its top left corner at (X, Y): KIND is rect (SIZE x SIZE/2,
 *       filled), ring (outer diameter SIZE, width SIZE/8) or line (a
 *       diagonal SIZE x SIZE, 3 px wide); dark ink on light paper or
 *       light ink on dark;
 *   mkimage photo [--thin | --canvas N] SEED < digits.pgm > photos.pgm
 *       each 28x28 digit made into a "photo": enlarged 4-10x, dark ink
 *       on uneven grey paper (200-240 with a slope), placed off-centre
 *       on a canvas of 100-600 px, blurred a little, with noise; --thin
 *       first thins the enlarged ink to strokes 1-2 px wide; --canvas N
 *       makes every canvas N x N with the digit enlarged 10x;
 *   mkimage photo --faint SEED < digits.pgm > photos.pgm
 *       a pencil on a phone photo: the digit enlarged 4-10x and thinned
 *       to strokes 1-3 px wide, ink only 40-80 levels darker than the
 *       paper (170-240) and uneven along the stroke (pressure, grain),
 *       on half the digits broken by 2-4 gaps; paper lit unevenly (a
 *       slope and a soft shadow up to 40 levels deep), blurred by one
 *       or two [1 2 1] passes, noise of 2-5 levels; canvas as photo;
 *   mkimage number [--apart | --touching] SEED COUNT MIN MAX LABELS
 *                  TRUTH < digits.pgm
 *       COUNT pictures of numbers of MIN-MAX (1-8) of the digits side
 *       by side (paint_number), each a screen drawing or a photo
 *       (canvas_photo): --apart 1-7 MNIST pixels between the digits'
 *       ink, as numbers are written; --touching -2 to 0, overlapping
 *       or touching; neither, -2 to 7. LABELS is the digits' label
 *       file, and TRUTH gets each number, a line each. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/rng.h"
#include "core/util.h"
#include "img/canvas.h"
#include "img/dataset.h"
#include "img/paint.h"
#include "img/pgmio.h"

static int
in_shape(const char *kind, int x, int y, int size)
{
    double c = (size - 1) / 2.0, r = hypot(x - c, y - c);

    if (strcmp(kind, "rect") == 0)
        return x >= 0 && x < size && y >= 0 && y < size / 2;
    if (strcmp(kind, "ring") == 0)
        return r <= size / 2.0 && r >= size / 2.0 - size / 8.0;
    if (strcmp(kind, "line") == 0)
        return x >= 0 && y >= 0 && x < size && y < size && abs(x - y) <= 1;
    fatal(1, "unknown shape %s", kind);
}

static int
shape(char **a)
{
    int w = atoi(a[1]), h = atoi(a[2]), x0 = atoi(a[3]), y0 = atoi(a[4]);
    int size = atoi(a[5]), dark = strcmp(a[6], "dark") == 0;
    uint8_t *img = xmalloc((size_t)w * h);

    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int ink = in_shape(a[0], x - x0, y - y0, size);

            img[(size_t)y * w + x] = (uint8_t)(ink == dark ? 0 : 255);
        }
    if (pgmio_write(stdout, img, w, h) != 0)
        fatal(2, "write error");
    free(img);
    return 0;
}

/* Bilinear sample of the 28x28 digit d at (y, x), 0 outside. */
static double
bilinear(const uint8_t *d, double y, double x)
{
    int y0 = (int)floor(y), x0 = (int)floor(x);
    double fy = y - y0, fx = x - x0, v = 0;

    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (y0 + i >= 0 && y0 + i < 28 && x0 + j >= 0 && x0 + j < 28)
                v += (i ? fy : 1 - fy) * (j ? fx : 1 - fx) *
                     d[(y0 + i) * 28 + x0 + j];
    return v;
}

/* Zhang-Suen: may (x, y) go in this sub-iteration? Its 8 neighbours
 * p2..p9 clockwise from north; it must have 2-6 ink neighbours, one
 * 0->1 transition around it, and (by pass) an open side. */
static int
removable(const uint8_t *ink, int S, int x, int y, int pass)
{
    int p[8] = { ink[(y - 1) * S + x], ink[(y - 1) * S + x + 1],
                 ink[y * S + x + 1], ink[(y + 1) * S + x + 1],
                 ink[(y + 1) * S + x], ink[(y + 1) * S + x - 1],
                 ink[y * S + x - 1], ink[(y - 1) * S + x - 1] };
    int n = 0, t = 0;

    for (int i = 0; i < 8; i++) {
        n += p[i];
        t += !p[i] && p[(i + 1) % 8];
    }
    if (n < 2 || n > 6 || t != 1)
        return 0;
    if (pass == 0)
        return !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6]);
    return !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]);
}

/* The digit enlarged s times (S = 28 s square), ink 0-255. */
static double *
enlarge(const uint8_t *d, int s, int thin)
{
    int S = 28 * s;
    double *big = xcalloc((size_t)S * S, sizeof(double));

    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            big[y * S + x] = bilinear(d, (y + 0.5) / s - 0.5, (x + 0.5) / s
                                    - 0.5);
    if (!thin)
        return big;
    /* Thin the binary ink to its 1 px skeleton (Zhang and Suen's two
     * sub-iterations, repeated until nothing changes), then, on half the
     * digits, thicken to 2 px: strokes a pixel or two wide. */
    uint8_t *ink = xmalloc((size_t)S * S), *del = xmalloc((size_t)S * S);
    for (int i = 0; i < S * S; i++)
        ink[i] = big[i] > 100;
    /* Only ink pixels away from the edge can go: keep a list of them. */
    int *todo = xmalloc_array((size_t)S * S, sizeof(int)), n = 0;
    for (int y = 1; y < S - 1; y++)
        for (int x = 1; x < S - 1; x++)
            if (ink[y * S + x])
                todo[n++] = y * S + x;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int pass = 0; pass < 2; pass++) {
            int m = 0;

            for (int i = 0; i < n; i++)
                del[todo[i]] = (uint8_t)removable(ink, S, todo[i] % S,
                                                  todo[i] / S, pass);
            for (int i = 0; i < n; i++)
                if (del[todo[i]])
                    ink[todo[i]] = 0, changed = 1;
                else
                    todo[m++] = todo[i];
            n = m;
        }
    }
    free(todo);
    for (int i = 0; i < S * S; i++)
        big[i] = ink[i] || (thin > 1 && i % S + 1 < S && ink[i + 1]) ? 255
                                                                   : 0;
    free(ink), free(del);
    return big;
}

/* One photo of digit d into a new canvas (*w x *h). */
static uint8_t *
photo(const uint8_t *d, struct rng *r, int thin, int canvas, int *w, int *h)
{
    int s = 4 + (int)rng_below(r, 7), S = 28 * s;
    int W = S + 20 + (int)rng_below(r, (uint32_t)(600 - S - 19));
    int H = S + 20 + (int)rng_below(r, (uint32_t)(600 - S - 19));

    if (canvas > 0)                     /* a fixed size, for benchmarks */
        s = 10, S = 280, W = H = canvas;
    int ox = (int)rng_below(r, (uint32_t)(W - S)), oy = (int)rng_below(r,
                                                   (uint32_t)(H - S));
    double paper = 200 + 40 * rng_uniform(r), ink = 20 + 40 * rng_uniform(r);
    double gx = (rng_uniform(r) - 0.5) * 30 / W, gy = (rng_uniform(r) - 0.5)
                                                     * 30 / H;
    double *big = enlarge(d, s, thin ? 1 + (int)rng_below(r, 2) : 0);
    double *c = xmalloc_array((size_t)W * H, 8);
    uint8_t *out = xmalloc((size_t)W * H);

    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double p = paper + gx * (x - W / 2.0) + gy * (y - H / 2.0);
            int in = x >= ox && x < ox + S && y >= oy && y < oy + S;
            double v = in ? big[(y - oy) * S + x - ox] / 255.0 : 0;

            c[(size_t)y * W + x] = p * (1 - v) + ink * v;
        }
    for (int y = 0; y < H; y++)             /* 3x3 box blur, and noise */
        for (int x = 0; x < W; x++) {
            double sum = 0;
            int n = 0;

            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    if (y + dy >= 0 && y + dy < H && x + dx >= 0 &&
                        x + dx < W)
                        sum += c[(size_t)(y + dy) * W + x + dx], n++;
            /* Noise of standard deviation 4: the sum of four uniform
             * numbers (16 bits each of one draw) is near enough to
             * normal, and far cheaper. */
            uint64_t b = rng_next(r);
            double u = ((double)(b & 0xffff) + (double)(b >> 16 & 0xffff) +
                        (double)(b >> 32 & 0xffff) + (double)(b >> 48)) /
                       65536.0 - 2.0;
            double v = sum / n + 4 * 1.7320508 * u;
            out[(size_t)y * W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255
                                               : v + 0.5);
        }
    free(big), free(c);
    *w = W, *h = H;
    return out;
}

/* Approximately normal noise of standard deviation 1/sqrt(3): the sum
 * of four 16-bit uniform numbers of one draw, centred. */
static double
noise4(struct rng *r)
{
    uint64_t b = rng_next(r);

    return ((double)(b & 0xffff) + (double)(b >> 16 & 0xffff) +
            (double)(b >> 32 & 0xffff) + (double)(b >> 48)) / 65536.0 - 2.0;
}

/* Cuts n gaps of radius rad into the 1 px skeleton big (S x S): around
 * random ink pixels, as a pencil skips on the paper. */
static void
cut_gaps(double *big, int S, int n, int rad, struct rng *r)
{
    int n_ink = 0;

    for (int i = 0; i < S * S; i++)
        n_ink += big[i] > 0;
    for (int g = 0; g < n && n_ink > 0; g++) {
        int k = (int)rng_below(r, (uint32_t)n_ink), i = 0;

        while (big[i] == 0 || k-- > 0)
            i++;
        for (int dy = -rad; dy <= rad; dy++)
            for (int dx = -rad; dx <= rad; dx++) {
                int x = i % S + dx, y = i / S + dy;

                if (x >= 0 && y >= 0 && x < S && y < S &&
                    dx * dx + dy * dy <= rad * rad)
                    big[y * S + x] = 0;
            }
        n_ink = 0;
        for (int j = 0; j < S * S; j++)
            n_ink += big[j] > 0;
    }
}

/* The pencil strokes of d enlarged s times (S = 28 s square): the 1 px
 * skeleton, maybe broken, grown to 1-3 px, its darkness (0-1) varying
 * with pressure along the stroke and with the grain of the paper. */
static double *
pencil(const uint8_t *d, int s, struct rng *r)
{
    int S = 28 * s, width = 1 + (int)rng_below(r, 3);
    double *big = enlarge(d, s, 1);
    double *out = xcalloc((size_t)S * S, sizeof(double));
    double fx = 0.05 + 0.1 * rng_uniform(r), fy = 0.05 + 0.1 * rng_uniform(r);
    double ph = 6.2831853 * rng_uniform(r);

    if (rng_below(r, 2))
        cut_gaps(big, S, 2 + (int)rng_below(r, 3), 1 + (int)rng_below(r,
                 (uint32_t)(1 + s / 2)), r);
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) {
            int on = 0;

            for (int dy = 0; dy < width && !on; dy++)
                for (int dx = 0; dx < width && !on; dx++)
                    on = y + dy - width / 2 >= 0 && y + dy - width / 2 < S &&
                         x + dx - width / 2 >= 0 && x + dx - width / 2 < S &&
                         big[(y + dy - width / 2) * S + x + dx - width / 2];
            if (on)
                out[y * S + x] = (0.9 + 0.1 * sin(fx * x + fy * y + ph)) *
                                 (0.8 + 0.2 * rng_uniform(r));
        }
    free(big);
    return out;
}

/* c (W x H) blurred in place by the separable [1 2 1] / 4 kernel. */
static void
blur121(double *c, int W, int H)
{
    double *t = xmalloc_array((size_t)W * H, sizeof(double));

    for (int pass = 0; pass < 2; pass++) {
        int len = pass ? H : W, step = pass ? W : 1;

        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int i = pass ? y : x;
                size_t p = (size_t)y * W + x;
                double a = c[i > 0 ? p - step : p];
                double b = c[i + 1 < len ? p + step : p];

                t[p] = (a + 2 * c[p] + b) / 4;
            }
        memcpy(c, t, (size_t)W * H * sizeof(double));
    }
    free(t);
}

/* One faint pencil photo of digit d into a new canvas (*w x *h). */
static uint8_t *
faint_photo(const uint8_t *d, struct rng *r, int *w, int *h)
{
    int s = 4 + (int)rng_below(r, 7), S = 28 * s;
    int W = S + 20 + (int)rng_below(r, (uint32_t)(600 - S - 19));
    int H = S + 20 + (int)rng_below(r, (uint32_t)(600 - S - 19));
    int ox = (int)rng_below(r, (uint32_t)(W - S)), oy = (int)rng_below(r,
                                                   (uint32_t)(H - S));
    double paper = 170 + 70 * rng_uniform(r), ink = 40 + 40 * rng_uniform(r);
    double gx = (rng_uniform(r) - 0.5) * 60 / W, gy = (rng_uniform(r) - 0.5)
                                                     * 60 / H;
    double sx = W * rng_uniform(r), sy = H * rng_uniform(r);
    double sr = (W + H) * (0.2 + 0.3 * rng_uniform(r)), depth = 40 *
                rng_uniform(r), sd = 2 + 3 * rng_uniform(r);
    int blurs = 1 + (int)rng_below(r, 2);
    double *big = pencil(d, s, r);
    double *c = xmalloc_array((size_t)W * H, sizeof(double));
    uint8_t *out = xmalloc((size_t)W * H);

    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double p = paper + gx * (x - W / 2.0) + gy * (y - H / 2.0) -
                       depth * exp(-((x - sx) * (x - sx) + (y - sy) *
                                   (y - sy)) / (sr * sr));
            int in = x >= ox && x < ox + S && y >= oy && y < oy + S;

            c[(size_t)y * W + x] = p - (in ? ink * big[(y - oy) * S + x
                                                      - ox] : 0);
        }
    for (int i = 0; i < blurs; i++)
        blur121(c, W, H);
    for (size_t i = 0; i < (size_t)W * H; i++) {
        double v = c[i] + sd * 1.7320508 * noise4(r);

        out[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
    }
    free(big), free(c);
    *w = W, *h = H;
    return out;
}

static int
photos(int thin, int canvas, unsigned long seed)
{
    uint8_t d[784];
    char err[ERRLEN];
    int w, h, rc;
    size_t i = 0;

    while ((rc = pgmio_read(d, sizeof d, &w, &h, stdin, err)) == 1) {
        struct rng r;
        int W, H;

        if (w != 28 || h != 28)
            fatal(1, "image %zu is not 28x28", i + 1);
        rng_init(&r, seed, i++, 0, 0);
        uint8_t *img = thin < 0 ? faint_photo(d, &r, &W, &H)
                                : photo(d, &r, thin, canvas, &W, &H);
        if (pgmio_write(stdout, img, W, H) != 0)
            fatal(2, "write error");
        free(img);
    }
    if (rc != 0)
        fatal(1, "image %zu: %s", i + 1, err);
    return 0;
}

static int
numbers(char **a, double gap_lo, double gap_hi)
{
    unsigned long seed = strtoul(a[0], NULL, 10);
    long count = atol(a[1]);
    int lo = atoi(a[2]), hi = atoi(a[3]);
    struct dataset ds;
    char err[ERRLEN];
    FILE *lf = fopen(a[4], "r"), *tf = fopen(a[5], "w");

    if (lf == NULL || tf == NULL)
        fatal(2, "%s or %s: cannot open", a[4], a[5]);
    if (lo < 1 || hi < lo || hi > PAINT_MAX_DIGITS || count < 1)
        fatal(1, "number: bad COUNT, MIN or MAX");
    if (dataset_read_images(&ds, stdin, err) != 0 ||
        dataset_read_labels(&ds, lf, err) != 0)
        fatal(1, "%s", err);
    for (long i = 0; i < count; i++) {
        struct rng r;
        struct canvas c;
        size_t chosen[PAINT_MAX_DIGITS];

        rng_init(&r, seed, (uint64_t)i, 0, 0);
        int k = lo + (int)rng_below(&r, (uint32_t)(hi - lo + 1));
        paint_number(&c, ds.pixels, ds.n, k, chosen, gap_lo, gap_hi, &r);
        uint8_t *pix = xmalloc((size_t)c.w * c.h);
        canvas_photo(pix, &c, &r);
        if (pgmio_write(stdout, pix, c.w, c.h) != 0)
            fatal(2, "write error");
        for (int j = 0; j < k; j++)
            fputc('0' + ds.labels[chosen[j]], tf);
        fputc('\n', tf);
        free(pix);
        canvas_free(&c);
    }
    if (fclose(tf) != 0)
        fatal(2, "%s: write error", a[5]);
    fclose(lf);
    dataset_free(&ds);
    return 0;
}

int
main(int argc, char *argv[])
{
    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    if (argc == 9 && strcmp(argv[1], "shape") == 0)
        return shape(argv + 2);
    if (argc == 8 && strcmp(argv[1], "number") == 0)
        return numbers(argv + 2, -2, 7);
    if (argc == 9 && strcmp(argv[1], "number") == 0 &&
        strcmp(argv[2], "--apart") == 0)
        return numbers(argv + 3, 1, 7);
    if (argc == 9 && strcmp(argv[1], "number") == 0 &&
        strcmp(argv[2], "--touching") == 0)
        return numbers(argv + 3, -2, 0);
    if (argc == 3 && strcmp(argv[1], "photo") == 0)
        return photos(0, 0, strtoul(argv[2], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "photo") == 0 &&
        strcmp(argv[2], "--thin") == 0)
        return photos(1, 0, strtoul(argv[3], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "photo") == 0 &&
        strcmp(argv[2], "--faint") == 0)
        return photos(-1, 0, strtoul(argv[3], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "photo") == 0 &&
        strcmp(argv[2], "--canvas") == 0 && atoi(argv[3]) >= 300)
        return photos(0, atoi(argv[3]), strtoul(argv[4], NULL, 10));
    fprintf(stderr, "usage: mkimage shape KIND W H X Y SIZE dark|light\n"
            "       mkimage photo [--thin | --faint | --canvas N] SEED "
            "< digits.pgm\n"
            "       mkimage number [--apart | --touching] SEED COUNT MIN MAX "
            "LABELS TRUTH\n              < digits.pgm\n");
    return 1;
}
