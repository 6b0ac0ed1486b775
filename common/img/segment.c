/* segment - see segment.h. */
#include "img/segment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define MAX_PIECES 256          /* more kept pieces: noise, not digits */
#define OVERLAP 0.5f            /* of the narrower width: one digit */
#define TALL_PIECE 0.6f         /* of the tallest piece: two such ... */
#define OVERLAP_TALL 0.8f       /* ... are one digit if this overlap */
#define MAIN_AREA 0.25f         /* of the largest group: a main digit */
#define SMALL_HEIGHT 0.45f      /* of H: a fragment, joins a digit ... */
#define SMALL_AREA 0.15f        /* ... near it, if under this share of
                                   the largest group's ink */
#define JOIN_GAP 0.3f           /* of H: how far a fragment may be */
#define SPECK_AREA 0.05f        /* of the largest group, and ... */
#define SPECK_HEIGHT 0.25f      /* ... of H: a speck, dropped */
#define MIN_ASPECT 1.2f         /* width / height of touching digits */
#define STEP_COST 0.05f         /* a cut's sideways step, in ink units */
#define MIN_SLICE 0.05f         /* of the group's ink: a slice */
#define TALL 0.5f               /* of the part's height: a digit */
#define SEG_CUTS (SEG_MAX * 2)  /* cuts in one picture, at most */

struct group {
    int x0, y0, x1, y1;
    long area;
    int32_t id;                 /* 0: merged away or dropped */
};

static int
find(int32_t *parent, int32_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

static void
absorb(struct group *a, struct group *b)
{
    a->x0 = b->x0 < a->x0 ? b->x0 : a->x0;
    a->y0 = b->y0 < a->y0 ? b->y0 : a->y0;
    a->x1 = b->x1 > a->x1 ? b->x1 : a->x1;
    a->y1 = b->y1 > a->y1 ? b->y1 : a->y1;
    a->area += b->area;
    b->id = 0;
}

static int
overlap(const struct group *a, const struct group *b)
{
    int lo = a->x0 > b->x0 ? a->x0 : b->x0, hi = a->x1 < b->x1 ? a->x1
                                                             : b->x1;
    return hi - lo + 1;
}

/* One digit of all the kept ink. */
static int
whole(struct segmentation *s, const uint8_t *keep, int32_t nl,
      const int box[4])
{
    for (int32_t l = 0; l < nl; l++)
        s->group_of[l] = l > 0 && keep[l] ? 1 : 0;
    s->n = 1, s->n_cuts = 0;
    s->d[0] = (struct seg_part){ 1, 1, -1, -1,
                                 { box[0], box[1], box[2], box[3] } };
    return 1;
}

/* Step 1: pieces into groups by overlapping columns. g[0..n-1] hold the
 * pieces; merged ones get id 0. */
static void
merge_columns(struct group *g, int n, int32_t *parent)
{
    int top = 0;

    for (int i = 0; i < n; i++)
        top = g[i].y1 - g[i].y0 + 1 > top ? g[i].y1 - g[i].y0 + 1 : top;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n && g[i].id; j++) {
                int wi = g[i].x1 - g[i].x0 + 1, wj = g[j].x1 - g[j].x0 + 1;
                int tall = g[i].y1 - g[i].y0 + 1 >= TALL_PIECE * (float)top
                           && g[j].y1 - g[j].y0 + 1 >= TALL_PIECE *
                                                       (float)top;

                if (!g[j].id || overlap(&g[i], &g[j]) <
                    (tall ? OVERLAP_TALL : OVERLAP) *
                    (float)(wi < wj ? wi : wj))
                    continue;
                parent[find(parent, g[j].id)] = find(parent, g[i].id);
                absorb(&g[i], &g[j]);
                changed = 1;
            }
    }
}

/* Step 2: flat pieces (a 5's flag, a 7's bar) join the group whose
 * columns they overlap most; small ones join the nearest group within
 * JOIN_GAP, and specks go. */
static void
join_fragments(struct group *g, int n, int32_t *parent, float H,
               long largest)
{
    for (int i = 0; i < n; i++) {
        int h = g[i].y1 - g[i].y0 + 1, best = -1, gap = 1 << 30;

        if (!g[i].id || h >= SMALL_HEIGHT * H)
            continue;
        for (int j = 0; j < n; j++) {
            int hj = g[j].y1 - g[j].y0 + 1;

            if (j == i || !g[j].id || hj < SMALL_HEIGHT * H)
                continue;
            int d = -overlap(&g[i], &g[j]);
            if (d < gap)
                gap = d, best = j;
        }
        if (best >= 0 && (gap < 0 || (g[i].area < SMALL_AREA *
            (float)largest && (float)gap <= JOIN_GAP * H))) {
            parent[find(parent, g[i].id)] = find(parent, g[best].id);
            absorb(&g[best], &g[i]);
        } else if (g[i].area < SPECK_AREA * (float)largest &&
                   h < SPECK_HEIGHT * H) {
            parent[find(parent, g[i].id)] = 0;
            g[i].id = 0;
        }
    }
}

/* Whether (x, y) is the part's ink, at least half of top. */
static int
ink_at(const struct segmentation *s, const struct img *im,
       const int32_t *label, const struct seg_part *part, int x, int y,
       float top)
{
    size_t p = (size_t)y * im->w + x;

    return seg_owns(s, part, label[p], x, y) && im->v[p] >= 0.5f * top;
}

/* The cheapest path from the part's top row to its bottom row, one
 * pixel sideways per row at most, within columns [lo, hi], through the
 * part's ink (a pixel of at least half of top costs 1, fainter ones
 * their share of top, a diagonal step's pixel sqrt(2) times that) or
 * around it (free), so that crossing a stroke costs about its width
 * (stroke_width) at any angle; written
 * into cut (h rows, the rows above and below continuing its ends).
 * Returns the ink it crosses. */
static float
cut_path(int16_t *cut, const struct segmentation *s, const struct img *im,
         const int32_t *label, const struct seg_part *part, int lo,
         int hi, float top)
{
    int W = hi - lo + 1, y0 = part->box[1], rows = part->box[3] - y0 + 1;
    float *D = xmalloc_array((size_t)W * rows, sizeof(float));
    int8_t *from = xmalloc_array((size_t)W * rows, 1);

    for (int r = 0; r < rows; r++) {
        int y = y0 + r;

        for (int i = 0; i < W; i++) {
            size_t p = (size_t)y * im->w + lo + i;
            float c = !seg_owns(s, part, label[p], lo + i, y) ? 0.0f
                      : im->v[p] >= 0.5f * top ? 1.0f : im->v[p] / top;
            float best = c, side = STEP_COST + 1.41421356f * c;
            int8_t step = 0;

            if (r > 0) {
                const float *up = D + (size_t)(r - 1) * W;

                best = up[i] + c;
                if (i > 0 && up[i - 1] + side < best)
                    best = up[i - 1] + side, step = -1;
                if (i + 1 < W && up[i + 1] + side < best)
                    best = up[i + 1] + side, step = 1;
            }
            D[(size_t)r * W + i] = best;
            from[(size_t)r * W + i] = step;
        }
    }
    /* The cheapest end; of equals, the one nearest the middle. */
    int at = -1;
    for (int i = 0; i < W; i++) {
        float d = D[(size_t)(rows - 1) * W + i];

        if (at < 0 || d < D[(size_t)(rows - 1) * W + at] - 1e-4f ||
            (d <= D[(size_t)(rows - 1) * W + at] + 1e-4f &&
             abs(2 * i - W) < abs(2 * at - W)))
            at = i;
    }
    float cost = D[(size_t)(rows - 1) * W + at];
    for (int r = rows - 1; r >= 0; r--) {
        cut[y0 + r] = (int16_t)(lo + at);
        at += from[(size_t)r * W + at];
    }
    for (int y = 0; y < y0; y++)
        cut[y] = cut[y0];
    for (int y = part->box[3] + 1; y < im->h; y++)
        cut[y] = cut[part->box[3]];
    free(D), free(from);
    return cost;
}

/* The box of part's pixels into part->box, within the box `within`;
 * returns their ink (0 if none). */
static double
part_box(struct seg_part *part, const struct segmentation *s,
         const struct img *im, const int32_t *label, const int within[4])
{
    double ink = 0.0;
    int b[4] = { 1 << 30, 1 << 30, -1, -1 };

    for (int y = within[1]; y <= within[3]; y++)
        for (int x = within[0]; x <= within[2]; x++) {
            size_t p = (size_t)y * im->w + x;

            if (!seg_owns(s, part, label[p], x, y))
                continue;
            ink += im->v[p];
            b[0] = x < b[0] ? x : b[0], b[1] = y < b[1] ? y : b[1];
            b[2] = x > b[2] ? x : b[2], b[3] = y > b[3] ? y : b[3];
        }
    memcpy(part->box, b, sizeof b);
    return ink;
}

/* The part's stroke width: the median over its ink (above half of top)
 * of each pixel's shorter run of ink, across or down: a stroke's width
 * whichever way it runs. top is its ink's 95th percentile. */
static float
stroke_width(const struct segmentation *s, const struct img *im,
             const int32_t *label, const struct seg_part *part, float *top)
{
    const int *b = part->box;
    int w = b[2] - b[0] + 1, h = b[3] - b[1] + 1;
    size_t hist[256] = { 0 }, n = 0;

    for (int y = b[1]; y <= b[3]; y++)
        for (int x = b[0]; x <= b[2]; x++) {
            size_t p = (size_t)y * im->w + x;

            if (seg_owns(s, part, label[p], x, y)) {
                hist[im->v[p] > 255.0f ? 255 : (int)im->v[p]]++;
                n++;
            }
        }
    *top = (float)hist_quantile(hist, n, 0.95) + 1.0f;
    uint16_t *run = xcalloc((size_t)w * h, sizeof(uint16_t));
    for (int y = 0; y < h; y++)         /* run lengths across */
        for (int x = 0; x < w;) {
            int e = x;

            while (e < w && ink_at(s, im, label, part, b[0] + e, b[1] + y,
                                   *top))
                e++;
            for (int i = x; i < e; i++)
                run[(size_t)y * w + i] = (uint16_t)(e - x);
            x = e > x ? e : x + 1;
        }
    memset(hist, 0, sizeof hist);
    n = 0;
    for (int x = 0; x < w; x++)         /* down, and the shorter */
        for (int y = 0; y < h;) {
            int e = y;

            while (e < h && ink_at(s, im, label, part, b[0] + x, b[1] + e,
                                   *top))
                e++;
            for (int i = y; i < e; i++) {
                int r = run[(size_t)i * w + x] < e - y
                        ? run[(size_t)i * w + x] : e - y;

                hist[r > 255 ? 255 : r]++;
                n++;
            }
            y = e > y ? e : y + 1;
        }
    free(run);
    return n > 0 ? (float)hist_quantile(hist, n, 0.5) : 1.0f;
}

/* How many separate runs of ink (at least half of top) the cut c
 * crosses in part. */
static int
crossings(const struct segmentation *s, const struct img *im,
          const int32_t *label, const struct seg_part *part, int c,
          float top)
{
    int runs = 0;

    for (int y = part->box[1], in = 0; y <= part->box[3]; y++) {
        int on = ink_at(s, im, label, part, s->cuts[(size_t)c * s->h + y],
                        y, top);

        runs += on && !in;
        in = on;
    }
    return runs;
}

/* How tall the part's ink of at least half of top is; its area into
 * *area. */
static int
strong_height(const struct segmentation *s, const struct img *im,
              const int32_t *label, const struct seg_part *part, float top,
              long *area)
{
    int y0 = -1, y1 = -1;

    *area = 0;
    for (int y = part->box[1]; y <= part->box[3]; y++)
        for (int x = part->box[0]; x <= part->box[2]; x++)
            if (ink_at(s, im, label, part, x, y, top)) {
                y0 = y0 < 0 ? y : y0, y1 = y;
                ++*area;
            }
    return y0 < 0 ? 0 : y1 - y0 + 1;
}

/* Step 3: part (a group, or a piece of one between cuts) into s as one
 * slice, or as two or more where digits may touch: the path of least
 * ink through all but the outer tenth of its width is a cut when it
 * crosses ink in one place, at most CUT_STROKES stroke widths of it,
 * and leaves on each side ink at least TALL of the part's height tall
 * and MIN_SLICE of the group's ink. Returns -1 when s is full. */
static int
add_part(struct segmentation *s, const struct img *im, const int32_t *label,
         struct seg_part part, double group_ink)
{
    int w = part.box[2] - part.box[0] + 1, h = part.box[3] - part.box[1] + 1;
    struct seg_part left = part, right = part;
    int c = s->n_cuts;
    float top;

    if ((float)w < MIN_ASPECT * (float)h || w < 6 || c >= SEG_CUTS)
        goto whole;
    float t = stroke_width(s, im, label, &part, &top);
    float cost = cut_path(s->cuts + (size_t)c * s->h, s, im, label, &part,
                          part.box[0] + w / 10, part.box[2] - w / 10, top);
    if (cost > CUT_STROKES * t || crossings(s, im, label, &part, c, top) > 1)
        goto whole;
    left.cut_right = c, right.cut_left = c;
    s->n_cuts++;
    long la, ra;
    double li = part_box(&left, s, im, label, part.box);
    double ri = part_box(&right, s, im, label, part.box);
    if (li < MIN_SLICE * group_ink || ri < MIN_SLICE * group_ink ||
        strong_height(s, im, label, &left, top, &la) < TALL * (float)h ||
        strong_height(s, im, label, &right, top, &ra) < TALL * (float)h) {
        s->n_cuts--;
        goto whole;
    }
    if (add_part(s, im, label, left, group_ink) != 0)
        return -1;
    return add_part(s, im, label, right, group_ink);
whole:
    if (s->n >= SEG_MAX)
        return -1;
    s->d[s->n++] = part;
    return 0;
}

/* Step 3 for a group: its ink, then its slices. */
static int
add_group(struct segmentation *s, const struct img *im,
          const int32_t *label, const struct group *gr)
{
    struct seg_part part = { gr->id, gr->id, -1, -1,
                             { gr->x0, gr->y0, gr->x1, gr->y1 } };

    return add_part(s, im, label, part,
                    part_box(&part, s, im, label, part.box));
}

/* The chance that groups gap (of H) apart are two digits: APART_NEAR
 * when their boxes touch or overlap, rising to APART_FAR at SOFT_GAP,
 * and sure beyond. */
static float
gap_apart(float gap)
{
    if (gap > SOFT_GAP)
        return 1.0f;
    if (gap <= 0.0f)
        return APART_NEAR;
    return APART_NEAR + (APART_FAR - APART_NEAR) * gap / SOFT_GAP;
}

static int
by_x(const void *a, const void *b)
{
    const struct group *p = a, *q = b;
    int pc = p->x0 + p->x1, qc = q->x0 + q->x1;

    return (pc > qc) - (pc < qc);
}

/* The groups left after merging, renumbered 1.. from left to right
 * (group_of too); their count. */
static int
order_groups(struct segmentation *s, struct group *gr, int n,
             int32_t *parent, const int32_t *index, int32_t nl)
{
    int32_t *new_id = xcalloc((size_t)n + 1, sizeof(int32_t));
    int k = 0;

    for (int i = 0; i < n; i++)
        if (gr[i].id)
            gr[k++] = gr[i];
    qsort(gr, (size_t)k, sizeof *gr, by_x);
    for (int i = 0; i < k; i++) {
        new_id[gr[i].id] = i + 1;
        gr[i].id = i + 1;
    }
    for (int32_t l = 1; l < nl; l++)
        if (index[l]) {
            int32_t root = find(parent, index[l]);

            s->group_of[l] = root == 0 ? 0 : new_id[root];
        }
    free(new_id);
    return k;
}

int
segment(struct segmentation *s, const struct img *g, const int32_t *label,
        const uint8_t *keep, const int box[4], int split)
{
    size_t npix = (size_t)g->w * g->h;
    int32_t nl = 1;

    memset(s, 0, sizeof *s);
    s->h = g->h;
    for (size_t p = 0; p < npix; p++)
        nl = label[p] >= nl ? label[p] + 1 : nl;
    s->group_of = xcalloc((size_t)nl, sizeof(int32_t));
    int n = 0;
    for (int32_t l = 1; l < nl; l++)
        n += keep[l] != 0;
    if (!split || n > MAX_PIECES)
        return whole(s, keep, nl, box);

    /* The kept pieces, by label; piece i is group id i + 1. */
    struct group *gr = xcalloc((size_t)n, sizeof *gr);
    int32_t *index = xcalloc((size_t)nl, sizeof(int32_t));
    int32_t *parent = xmalloc_array((size_t)n + 1, sizeof(int32_t));
    n = 0;
    for (int32_t l = 1; l < nl; l++)
        if (keep[l]) {
            index[l] = ++n;
            gr[n - 1] = (struct group){ 1 << 30, 1 << 30, -1, -1, 0, n };
        }
    for (int i = 0; i <= n; i++)
        parent[i] = i;
    for (int y = box[1]; y <= box[3]; y++)
        for (int x = box[0]; x <= box[2]; x++) {
            int32_t i = index[label[(size_t)y * g->w + x]];

            if (i == 0)
                continue;
            struct group *p = &gr[i - 1];
            p->x0 = x < p->x0 ? x : p->x0, p->x1 = x > p->x1 ? x : p->x1;
            p->y0 = y < p->y0 ? y : p->y0, p->y1 = y > p->y1 ? y : p->y1;
            p->area++;
        }

    merge_columns(gr, n, parent);
    long largest = 0;
    for (int i = 0; i < n; i++)
        largest = gr[i].id && gr[i].area > largest ? gr[i].area : largest;
    float H = 1.0f;
    for (int i = 0; i < n; i++)
        if (gr[i].id && gr[i].area >= MAIN_AREA * (float)largest &&
            gr[i].y1 - gr[i].y0 + 1 > H)
            H = (float)(gr[i].y1 - gr[i].y0 + 1);
    join_fragments(gr, n, parent, H, largest);
    int groups = order_groups(s, gr, n, parent, index, nl);

    s->cuts = xmalloc_array((size_t)SEG_CUTS * (size_t)g->h,
                            sizeof(int16_t));
    int full = groups == 0;
    for (int i = 0; i < groups && !full; i++) {
        int first = s->n;

        full = add_group(s, g, label, &gr[i]) != 0;
        for (int k = first; k + 1 < s->n; k++)
            s->apart[k] = APART_CUT;
        if (s->n > 0)
            s->apart[s->n - 1] = 1.0f;
        if (i + 1 < groups && s->n > 0 && s->n < SEG_MAX)
            s->apart[s->n - 1] = gap_apart((float)(gr[i + 1].x0 -
                                                   gr[i].x1 - 1) / H);
    }
    free(gr), free(index), free(parent);
    if (full) {
        free(s->cuts);
        s->cuts = NULL;
        memset(s->apart, 0, sizeof s->apart);
        s->n = 0;
        return whole(s, keep, nl, box);
    }
    return s->n;
}

int
seg_span(struct seg_part *span, float *prior, const struct segmentation *s,
         int i, int j)
{
    if (i < 0 || j >= s->n || j < i || j - i + 1 > SEG_SPAN)
        return -1;
    *prior = j + 1 < s->n ? s->apart[j] : 1.0f;
    for (int k = i; k < j; k++) {
        if (s->apart[k] >= 1.0f)
            return -1;
        *prior *= 1.0f - s->apart[k];
    }
    span->g0 = s->d[i].g0, span->g1 = s->d[j].g1;
    span->cut_left = s->d[i].cut_left, span->cut_right = s->d[j].cut_right;
    for (int c = 0; c < 4; c++)
        span->box[c] = s->d[i].box[c];
    for (int k = i + 1; k <= j; k++) {
        const int *b = s->d[k].box;

        span->box[0] = b[0] < span->box[0] ? b[0] : span->box[0];
        span->box[1] = b[1] < span->box[1] ? b[1] : span->box[1];
        span->box[2] = b[2] > span->box[2] ? b[2] : span->box[2];
        span->box[3] = b[3] > span->box[3] ? b[3] : span->box[3];
    }
    return 0;
}

void
segment_free(struct segmentation *s)
{
    free(s->group_of);
    free(s->cuts);
    memset(s, 0, sizeof *s);
}
