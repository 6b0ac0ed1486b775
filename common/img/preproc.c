/* preproc - see preproc.h. */
#include "img/preproc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/ink.h"
#include "img/segment.h"

_Static_assert(PREPROC_MAX_IMAGES >= SEG_MAX * SEG_SPAN + 1 &&
               PREPROC_MAX_DIGITS == SEG_MAX, "room for every span");

#define MAX_WORK 512            /* larger inputs are block-averaged first */
#define MID 80                  /* working size after the crop */
#define BOX 20                  /* the digit's longer side in the output */
#define STROKE_RATIO 0.11f      /* MNIST's stroke width / digit size */

/* Light paper (so dark ink) if the median of the outer band is light. */
static int
paper_is_light(const struct img *g)
{
    size_t hist[256] = { 0 }, n = 0;
    int t = g->w < g->h ? g->w / 10 : g->h / 10;   /* a tenth: wide enough
                                                     that a scan border
                                                     is a minority */

    t = t < 1 ? 1 : t;
    for (int y = 0; y < g->h; y++) {
        int inner = y >= t && y < g->h - t;     /* only the side bands */

        for (int x = 0; x < g->w; x++) {
            if (inner && x == t)
                x = g->w - t > t ? g->w - t : t;
            hist[(int)g->v[(size_t)y * g->w + x]]++;
            n++;
        }
    }
    return hist_quantile(hist, n, 0.5) > 127;
}

/* g = in (w x h bytes) averaged over k x k blocks (partial at the
 * right and bottom edges). */
static void
block_mean(struct img *g, const uint8_t *in, int w, int h, int k)
{
    uint32_t *sum = xcalloc((size_t)g->w, sizeof(uint32_t));

    for (int y = 0; y < h; y++) {
        const uint8_t *row = in + (size_t)y * w;

        for (int xo = 0; xo < g->w; xo++) {
            uint32_t s = 0;

            for (int x = xo * k; x < xo * k + k && x < w; x++)
                s += row[x];
            sum[xo] += s;
        }
        if (y % k != k - 1 && y != h - 1)
            continue;
        float *out = g->v + (size_t)(y / k) * g->w;
        int rows = y % k + 1;
        for (int xo = 0; xo < g->w; xo++) {
            int cols = w - xo * k < k ? w - xo * k : k;

            out[xo] = (float)sum[xo] / (float)(rows * cols);
            sum[xo] = 0;
        }
    }
    free(sum);
}

/* block_mean for k = 2 and even sides, the usual case for a photo, in
 * a loop the compiler can vectorise. */
static void
halve(struct img *g, const uint8_t *in, int w)
{
    for (int y = 0; y < g->h; y++) {
        const uint8_t *a = in + (size_t)2 * y * w, *b = a + w;
        float *out = g->v + (size_t)y * g->w;

        for (int x = 0; x < g->w; x++)
            out[x] = (float)(a[2 * x] + a[2 * x + 1] + b[2 * x] +
                             b[2 * x + 1]) * 0.25f;
    }
}

/* in (w x h bytes) as floats, block-averaged by an integer factor so
 * neither side exceeds MAX_WORK, and inverted if the ink is dark. */
static struct img
load_working(const uint8_t *in, int w, int h, enum preproc_polarity pol,
             int *scale)
{
    int k = ((w > h ? w : h) + MAX_WORK - 1) / MAX_WORK;

    *scale = k;
    struct img g = img_new((w + k - 1) / k, (h + k - 1) / k);

    if (k == 2 && w % 2 == 0 && h % 2 == 0)
        halve(&g, in, w);
    else
        block_mean(&g, in, w, h, k);
    if (pol == POLARITY_DARK_INK ||
        (pol == POLARITY_AUTO && paper_is_light(&g)))
        for (size_t i = 0; i < (size_t)g.w * g.h; i++)
            g.v[i] = 255.0f - g.v[i];
    return g;
}

/* The paper's brightness near block (bx, by): the 25th percentile of the
 * block, so ink (light, after inversion) covering up to three quarters
 * of a block does not count as paper. */
static float
block_paper(const struct img *g, int B, int bx, int by)
{
    size_t hist[256] = { 0 }, n = 0;

    for (int y = by * B; y < (by + 1) * B && y < g->h; y++)
        for (int x = bx * B; x < (bx + 1) * B && x < g->w; x++, n++)
            hist[(int)g->v[(size_t)y * g->w + x]]++;
    return (float)hist_quantile(hist, n, 0.25);
}

static int
cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;

    return (x > y) - (x < y);
}

/* The median of the up to 8 blocks around block (bx, by) of paper. */
static float
around(const float *paper, int nbx, int nby, int bx, int by)
{
    float v[8];
    int n = 0;

    for (int y = by - 1; y <= by + 1; y++)
        for (int x = bx - 1; x <= bx + 1; x++)
            if (x >= 0 && y >= 0 && x < nbx && y < nby && (x != bx ||
                y != by))
                v[n++] = paper[y * nbx + x];
    qsort(v, (size_t)n, sizeof(float), cmp_float);
    return n > 0 ? v[n / 2] : paper[by * nbx + bx];
}

/* A block where thick strokes cover more than three quarters is not
 * paper: paper varies smoothly, so a block far above the blocks around
 * it (3 median deviations of all blocks, at least 16 levels) is replaced
 * by their median. Judged against its neighbours, not the whole page: a
 * shadow darkens (lightens, inverted) many blocks together and is paper. */
static void
drop_ink_blocks(float *paper, int nbx, int nby)
{
    size_t n = (size_t)nbx * nby;
    float *v = xmalloc_array(n, sizeof(float));
    float *ref = xmalloc_array(n, sizeof(float));

    memcpy(v, paper, n * sizeof(float));
    qsort(v, n, sizeof(float), cmp_float);
    float median = v[n / 2];
    for (size_t i = 0; i < n; i++)
        v[i] = fabsf(paper[i] - median);
    qsort(v, n, sizeof(float), cmp_float);
    float margin = 3 * v[n / 2] > 16 ? 3 * v[n / 2] : 16;
    for (int by = 0; by < nby; by++)
        for (int bx = 0; bx < nbx; bx++)
            ref[by * nbx + bx] = around(paper, nbx, nby, bx, by);
    for (size_t i = 0; i < n; i++)
        if (paper[i] > ref[i] + margin)
            paper[i] = ref[i];
    free(v), free(ref);
}

/* Linear interpolation weight: where c lies between block centres. */
static void
between(int *i0, int *i1, float *t, float c, int B, int nb)
{
    float f = c / (float)B - 0.5f;

    *i0 = f < 0 ? 0 : (int)f;
    *i0 = *i0 > nb - 1 ? nb - 1 : *i0;
    *i1 = *i0 + 1 < nb ? *i0 + 1 : *i0;
    *t = f - (float)*i0;
    *t = *t < 0 ? 0 : *t > 1 ? 1 : *t;
}

/* g -= paper brightness, interpolated between block centres; clamp at 0. */
static void
subtract_background(struct img *g)
{
    int B = (g->w > g->h ? g->w : g->h) / 8;
    B = B < 8 ? 8 : B;
    int nbx = (g->w + B - 1) / B, nby = (g->h + B - 1) / B;
    float *paper = xmalloc_array((size_t)nbx * nby, sizeof(float));

    for (int by = 0; by < nby; by++)
        for (int bx = 0; bx < nbx; bx++)
            paper[by * nbx + bx] = block_paper(g, B, bx, by);
    drop_ink_blocks(paper, nbx, nby);
    int *xi = xmalloc_array((size_t)g->w, 2 * sizeof(int));
    float *xt = xmalloc_array((size_t)g->w, sizeof(float));
    for (int x = 0; x < g->w; x++)
        between(&xi[2 * x], &xi[2 * x + 1], &xt[x], (float)x + 0.5f, B, nbx);
    for (int y = 0; y < g->h; y++) {
        int y0, y1;
        float ty;

        between(&y0, &y1, &ty, (float)y + 0.5f, B, nby);
        const float *top = paper + y0 * nbx, *bot = paper + y1 * nbx;
        float *v = g->v + (size_t)y * g->w;
        for (int x = 0; x < g->w; x++) {
            int x0 = xi[2 * x], x1 = xi[2 * x + 1];
            float tx = xt[x];
            float t = top[x0] * (1 - tx) + top[x1] * tx;
            float b = bot[x0] * (1 - tx) + bot[x1] * tx;
            float d = v[x] - (t * (1 - ty) + b * ty);

            v[x] = d > 0 ? d : 0;
        }
    }
    free(paper), free(xi), free(xt);
}

/* Part d of s cut out of g: its box, holding its pixels and the faint
 * edge around them (the anti-aliasing a threshold would cut off), all
 * else zero; stretched so the 95th percentile of its ink is 255. */
static struct img
digit_crop(const struct img *g, const int32_t *label,
           const struct segmentation *s, const struct seg_part *d)
{
    const int *box = d->box;
    int bw = box[2] - box[0] + 1, bh = box[3] - box[1] + 1;
    struct img out = img_new(bw, bh);
    size_t hist[256] = { 0 }, m = 0;

    for (int y = box[1]; y <= box[3]; y++)
        for (int x = box[0]; x <= box[2]; x++) {
            size_t p = (size_t)y * g->w + x;
            int own = seg_owns(s, d, label[p], x, y), near = own;

            for (int dy = -1; dy <= 1 && !near; dy++)
                for (int dx = -1; dx <= 1 && !near; dx++) {
                    int nx = x + dx, ny = y + dy;

                    near = nx >= 0 && ny >= 0 && nx < g->w && ny < g->h &&
                           seg_owns(s, d, label[(size_t)ny * g->w + nx],
                                    nx, ny);
                }
            near = near && (own || seg_may_edge(s, d, label[p], x, y));
            out.v[(size_t)(y - box[1]) * bw + x - box[0]] = near ? g->v[p]
                                                                 : 0.0f;
            if (own) {
                hist[(int)g->v[p]]++;
                m++;
            }
        }
    float scale = 255.0f / (float)(hist_quantile(hist, m, 0.95) + 1);
    for (size_t p = 0; p < (size_t)bw * bh; p++)
        out.v[p] = out.v[p] * scale > 255.0f ? 255.0f : out.v[p] * scale;
    return out;
}

/* dst[j * dstep] for j < nd = src[i * sstep], i < ns, area-averaged:
 * destination pixel j covers source span [j s, (j + 1) s), s = ns / nd,
 * and each source pixel counts by how much of it lies in the span. */
static void
resample_line(float *dst, int dstep, int nd, const float *src, int sstep,
              int ns)
{
    double s = (double)ns / nd;

    for (int j = 0; j < nd; j++) {
        double lo = j * s, hi = (j + 1) * s, sum = 0.0;

        for (int i = (int)lo; i < ns && i < hi; i++) {
            double a = lo > i ? lo : i, b = hi < i + 1 ? hi : i + 1;

            sum += (b - a) * src[(size_t)i * sstep];
        }
        dst[(size_t)j * dstep] = (float)(sum / s);
    }
}

/* The sw x sh region of src at (x0, y0), resampled to dw x dh. */
static struct img
resample(const struct img *src, int x0, int y0, int sw, int sh, int dw,
         int dh)
{
    struct img tmp = img_new(dw, sh), dst = img_new(dw, dh);

    for (int y = 0; y < sh; y++)
        resample_line(tmp.v + (size_t)y * dw, 1, dw,
                      src->v + (size_t)(y0 + y) * src->w + x0, 1, sw);
    for (int x = 0; x < dw; x++)
        resample_line(dst.v + x, dw, dh, tmp.v + x, dw, sh);
    free(tmp.v);
    return dst;
}

/* Grey dilation (grow > 0) or erosion (grow < 0) by a (2r+1)^2 square,
 * one axis at a time. */
static void
morph(struct img *g, int r, int grow)
{
    struct img t = img_new(g->w, g->h);

    for (int pass = 0; pass < 2; pass++) {
        int len = pass ? g->h : g->w, lines = pass ? g->w : g->h;
        int step = pass ? g->w : 1, next = pass ? 1 : g->w;

        for (int l = 0; l < lines; l++)
            for (int i = 0; i < len; i++) {
                const float *line = g->v + (size_t)l * next;
                float best = line[(size_t)i * step];

                for (int d = -r; d <= r; d++)
                    if (i + d >= 0 && i + d < len) {
                        float v = line[(size_t)(i + d) * step];

                        best = grow ? (v > best ? v : best)
                                    : (v < best ? v : best);
                    }
                t.v[(size_t)l * next + (size_t)i * step] = best;
            }
        memcpy(g->v, t.v, (size_t)g->w * g->h * sizeof(float));
    }
    free(t.v);
}

/* Brings the strokes of g (a digit MID px on its longer side) to MNIST's
 * width: 2 * area / perimeter of the ink estimates the width of strokes
 * much longer than wide. */
static void
normalise_strokes(struct img *g)
{
    size_t area = 0, edge = 0;
    float target = STROKE_RATIO * MID;

    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            if (g->v[(size_t)y * g->w + x] < 128.0f)
                continue;
            area++;
            edge += x == 0 || y == 0 || x == g->w - 1 || y == g->h - 1 ||
                    g->v[(size_t)y * g->w + x - 1] < 128.0f ||
                    g->v[(size_t)y * g->w + x + 1] < 128.0f ||
                    g->v[(size_t)(y - 1) * g->w + x] < 128.0f ||
                    g->v[(size_t)(y + 1) * g->w + x] < 128.0f;
        }
    if (area == 0 || edge == 0)
        return;
    /* MNIST itself has bold digits, so only real extremes are changed:
     * hairlines grow to the usual width; blobs shrink to a bold one. */
    float width = 2.0f * (float)area / (float)edge;
    if (width < 0.75f * target)
        morph(g, (int)lroundf((target - width) / 2.0f) > 0
                 ? (int)lroundf((target - width) / 2.0f) : 1, 1);
    else if (width > 2.5f * target)
        morph(g, (int)lroundf((width - 1.8f * target) / 2.0f), 0);
}

/* out (28x28) = the small digit d placed so its centre of mass is on the
 * centre, lightly smoothed, stretched so the brightest pixel is 255. */
static void
place(uint8_t *out, const struct img *d)
{
    float field[MNIST_SIDE * MNIST_SIDE] = { 0 };
    float soft[MNIST_SIDE * MNIST_SIDE], max = 0.0f;
    double sum = 0.0, sx = 0.0, sy = 0.0;
    const double mid = (MNIST_SIDE - 1) / 2.0;

    for (int y = 0; y < d->h; y++)
        for (int x = 0; x < d->w; x++) {
            double v = d->v[(size_t)y * d->w + x];

            sum += v, sx += v * x, sy += v * y;
        }
    int ox = (int)lround(mid - (sum > 0 ? sx / sum : d->w / 2.0));
    int oy = (int)lround(mid - (sum > 0 ? sy / sum : d->h / 2.0));
    ox = ox < 0 ? 0 : ox > MNIST_SIDE - d->w ? MNIST_SIDE - d->w : ox;
    oy = oy < 0 ? 0 : oy > MNIST_SIDE - d->h ? MNIST_SIDE - d->h : oy;
    for (int y = 0; y < d->h; y++)
        for (int x = 0; x < d->w; x++)
            field[(oy + y) * MNIST_SIDE + ox + x] =
                d->v[(size_t)y * d->w + x];
    /* Half the pixel, half its [1 2 1] x [1 2 1] / 16 neighbourhood. */
    for (int y = 0; y < MNIST_SIDE; y++)
        for (int x = 0; x < MNIST_SIDE; x++) {
            float blur = 0.0f;

            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;

                    if (yy >= 0 && xx >= 0 && yy < MNIST_SIDE &&
                        xx < MNIST_SIDE)
                        blur += field[yy * MNIST_SIDE + xx] *
                                (float)((2 - abs(dx)) * (2 - abs(dy))) / 16;
                }
            soft[y * MNIST_SIDE + x] = 0.5f * field[y * MNIST_SIDE + x]
                                         + 0.5f * blur;
            max = soft[y * MNIST_SIDE + x] > max
                  ? soft[y * MNIST_SIDE + x] : max;
        }
    for (int i = 0; i < MNIST_SIDE * MNIST_SIDE; i++)
        out[i] = (uint8_t)lroundf(max > 0 ? soft[i] * 255.0f / max : 0.0f);
}

static uint8_t *
to_bytes(const struct img *g)
{
    uint8_t *b = xmalloc((size_t)g->w * g->h);

    for (size_t i = 0; i < (size_t)g->w * g->h; i++)
        b[i] = (uint8_t)(g->v[i] > 255.0f ? 255 : lroundf(g->v[i]));
    return b;
}

/* out (28x28) from a digit's crop (its box, ink stretched): steps 4-8.
 * The crop at MID px goes to *dump_crop when not NULL. */
static void
finish_digit(uint8_t *out, const struct img *crop, uint8_t **dump_crop,
             int *dump_w, int *dump_h)
{
    int bw = crop->w, bh = crop->h;
    int mw = bw >= bh ? MID : (int)lround((double)MID * bw / bh);
    int mh = bh >= bw ? MID : (int)lround((double)MID * bh / bw);
    struct img mid = resample(crop, 0, 0, bw, bh, mw < 1 ? 1 : mw,
                              mh < 1 ? 1 : mh);

    normalise_strokes(&mid);
    if (dump_crop != NULL)
        *dump_crop = to_bytes(&mid), *dump_w = mid.w, *dump_h = mid.h;
    int sw = (int)lround((double)mid.w * BOX / MID);
    int sh = (int)lround((double)mid.h * BOX / MID);
    struct img small = resample(&mid, 0, 0, mid.w, mid.h, sw < 1 ? 1 : sw,
                                sh < 1 ? 1 : sh);
    free(mid.v);
    place(out, &small);
    free(small.v);
}

/* What emit needs besides the candidate. */
struct emit {
    const struct img *g;
    const int32_t *label;
    const struct segmentation *s;
    int k, w, h;                /* the working scale, the input's size */
    struct preproc_dump *dump;
    struct img *shown;          /* the dump's ink, or no pixels */
};

/* One candidate into out: the part's 28x28 image, its slices and prior,
 * and its box in the input's pixels. A single slice also goes into the
 * dump. */
static void
emit(struct preproc_digit *out, const struct emit *e,
     const struct seg_part *part, int first, int last, float prior)
{
    const int *b = part->box;
    struct img crop = digit_crop(e->g, e->label, e->s, part);
    struct preproc_dump *dump = e->dump;
    int slice = last == first + 1;

    for (int y = 0; y < crop.h && e->shown->v != NULL && slice; y++)
        for (int x = 0; x < crop.w; x++) {
            float *v = &e->shown->v[(size_t)(b[1] + y) * e->g->w + b[0] + x];
            float c = crop.v[(size_t)y * crop.w + x];

            *v = c > *v ? c : *v;
        }
    int dumped = dump != NULL && dump->n_crop < PREPROC_MAX_DIGITS && slice;
    finish_digit(out->pix, &crop, dumped ? &dump->crop[dump->n_crop] : NULL,
                 dumped ? &dump->crop_w[dump->n_crop] : NULL,
                 dumped ? &dump->crop_h[dump->n_crop] : NULL);
    if (dumped)
        dump->n_crop++;
    free(crop.v);
    out->first = first, out->last = last, out->prior = prior;
    out->x = b[0] * e->k, out->y = b[1] * e->k;
    out->w = (b[2] + 1) * e->k > e->w ? e->w - out->x
                                      : (b[2] + 1 - b[0]) * e->k;
    out->h = (b[3] + 1) * e->k > e->h ? e->h - out->y
                                      : (b[3] + 1 - b[1]) * e->k;
}

int
preproc_split(struct preproc_digit *out, int split, int *n_slices,
              const uint8_t *in, int w, int h,
              enum preproc_polarity polarity, struct preproc_dump *dump,
              char *err)
{
    int k;
    struct img g = load_working(in, w, h, polarity, &k);
    int32_t *label = xmalloc_array((size_t)g.w * g.h, sizeof(int32_t));
    struct segmentation s;
    uint8_t *keep;
    int box[4], n = 0;

    float noise = ink_noise(&g);
    subtract_background(&g);
    if (ink_find(label, &keep, box, &g, noise) != 0) {
        free(g.v), free(label);
        snprintf(err, ERRLEN, "no ink found");
        return PREPROC_NO_INK;
    }
    *n_slices = segment(&s, &g, label, keep, box, split);
    free(keep);
    struct img shown = dump != NULL ? img_new(g.w, g.h) : (struct img){ 0 };
    struct emit e = { &g, label, &s, k, w, h, dump, &shown };
    int whole = 0;
    for (int i = 0; i < s.n; i++)
        for (int j = i; j < s.n; j++) {
            struct seg_part span;
            float prior;

            if (seg_span(&span, &prior, &s, i, j) != 0)
                break;
            emit(&out[n++], &e, &span, i, j + 1, prior);
            whole |= i == 0 && j == s.n - 1;
        }
    /* A picture of pieces no span joins may still be one digit drawn in
     * strokes far apart: all of its ink, once more, as the last
     * candidate (nn/number.c takes it only when the pieces make no
     * number). */
    if (!whole) {
        struct seg_part all = { s.d[0].g0, s.d[s.n - 1].g1, -1, -1,
                                { s.d[0].box[0], s.d[0].box[1],
                                  s.d[0].box[2], s.d[0].box[3] } };

        for (int i = 1; i < s.n; i++) {
            const int *b = s.d[i].box;

            all.box[0] = b[0] < all.box[0] ? b[0] : all.box[0];
            all.box[1] = b[1] < all.box[1] ? b[1] : all.box[1];
            all.box[2] = b[2] > all.box[2] ? b[2] : all.box[2];
            all.box[3] = b[3] > all.box[3] ? b[3] : all.box[3];
        }
        emit(&out[n++], &e, &all, 0, s.n, SEG_WHOLE_PRIOR);
    }
    if (dump != NULL) {
        dump->ink = to_bytes(&shown), dump->ink_w = g.w, dump->ink_h = g.h;
        free(shown.v);
    }
    segment_free(&s);
    free(g.v), free(label);
    return n;
}

int
preproc_image(uint8_t *out, const uint8_t *in, int w, int h,
              enum preproc_polarity polarity, struct preproc_dump *dump,
              char *err)
{
    struct preproc_digit d;
    int slices, rc = preproc_split(&d, 0, &slices, in, w, h, polarity, dump,
                                   err);

    if (rc < 0)
        return rc;
    memcpy(out, d.pix, MNIST_PIXELS);
    return 0;
}

void
preproc_dump_free(struct preproc_dump *d)
{
    free(d->ink);
    for (int i = 0; i < d->n_crop; i++)
        free(d->crop[i]);
    memset(d, 0, sizeof *d);
}
