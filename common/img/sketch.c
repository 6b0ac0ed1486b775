/* sketch - see sketch.h. Points are stored once; a corner is doubled
 * only when the stroke goes to the canvas, so jitter moves both copies
 * together. */
#include "img/sketch.h"

#include <assert.h>
#include <math.h>

#include "core/util.h"

void
sketch_begin(struct sketch *s)
{
    s->n_strokes = 0;
    s->n_points = 0;
    s->first[0] = 0;
}

void
sketch_point(struct sketch *s, double x, double y, int corner)
{
    assert(s->n_points < SKETCH_POINTS);
    s->xy[s->n_points][0] = x;
    s->xy[s->n_points][1] = y;
    s->corner[s->n_points++] = (unsigned char)corner;
}

void
sketch_lift(struct sketch *s, int closed)
{
    if (s->n_points == s->first[s->n_strokes])
        return;
    assert(s->n_strokes < SKETCH_STROKES);
    s->closed[s->n_strokes] = (unsigned char)closed;
    s->dot[s->n_strokes] = 0;
    s->first[++s->n_strokes] = s->n_points;
}

void
sketch_dot(struct sketch *s, double x, double y, double r)
{
    sketch_lift(s, 0);
    sketch_point(s, x, y, 0);
    sketch_lift(s, 0);
    s->dot[s->n_strokes - 1] = r;
}

/* Ends the glyph's stroke that began at point b: closed if it came
 * back to where it began. */
static void
glyph_lift(struct sketch *s, int b)
{
    int e = s->n_points - 1;

    if (e - b >= 3 && s->xy[e][0] == s->xy[b][0] &&
        s->xy[e][1] == s->xy[b][1]) {
        s->n_points--;
        sketch_lift(s, 1);
    } else {
        sketch_lift(s, 0);
    }
}

int
sketch_glyph(struct sketch *s, const char *p)
{
    struct sketch undo = *s;
    int b = s->n_points;

    sketch_lift(s, 0);
    while (*p != '\0') {
        if (*p == ' ') {
            p++;
        } else if (*p == '|') {
            glyph_lift(s, b);
            b = s->n_points, p++;
        } else if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' &&
                   p[1] <= '9' && s->n_points < SKETCH_POINTS - 1 &&
                   s->n_strokes < SKETCH_STROKES - 2) {
            if (p[2] == '.') {
                sketch_dot(s, p[0] - '0', p[1] - '0', 0.6);
                b = s->n_points;
            } else {
                sketch_point(s, p[0] - '0', p[1] - '0', p[2] == '!');
            }
            p += 2 + (p[2] == '.' || p[2] == '!');
        } else {
            *s = undo;
            return -1;
        }
    }
    glyph_lift(s, b);
    return 0;
}

void
sketch_jitter(struct sketch *s, double sd, struct rng *r)
{
    for (int i = 0; i < s->n_points; i++) {
        s->xy[i][0] += sd * rng_normal(r);
        s->xy[i][1] += sd * rng_normal(r);
    }
}

void
sketch_affine(struct sketch *s, double a, double b, double c, double d)
{
    for (int i = 0; i < s->n_points; i++) {
        double x = s->xy[i][0], y = s->xy[i][1];

        s->xy[i][0] = a * x + b * y;
        s->xy[i][1] = c * x + d * y;
    }
    for (int k = 0; k < s->n_strokes; k++)
        s->dot[k] *= sqrt(fabs(a * d - b * c));
}

void
sketch_hand(struct sketch *s, double deg, double slant, double aspect)
{
    double t = deg * 3.14159265358979 / 180, cs = cos(t), sn = sin(t);

    sketch_affine(s, cs, -sn, sn, cs);
    sketch_affine(s, aspect, -slant * aspect, 0, 1);
}

/* The bounding box of s, dots included: x0 y0 x1 y1. */
static void
bounds(double box[4], const struct sketch *s)
{
    box[0] = box[1] = INFINITY, box[2] = box[3] = -INFINITY;
    for (int k = 0; k < s->n_strokes; k++)
        for (int i = s->first[k]; i < s->first[k + 1]; i++) {
            double m = s->dot[k];

            box[0] = fmin(box[0], s->xy[i][0] - m);
            box[1] = fmin(box[1], s->xy[i][1] - m);
            box[2] = fmax(box[2], s->xy[i][0] + m);
            box[3] = fmax(box[3], s->xy[i][1] + m);
        }
}

/* Stroke k of s on c, each point mapped to (x scale + ox, y scale + oy),
 * corners doubled. */
static void
draw_stroke(struct canvas *c, const struct sketch *s, int k, double scale,
            double ox, double oy, double pen)
{
    double xy[4 * SKETCH_POINTS];
    int n = 0;

    for (int i = s->first[k]; i < s->first[k + 1]; i++)
        for (int twice = 0; twice <= s->corner[i]; twice++) {
            xy[2 * n] = s->xy[i][0] * scale + ox;
            xy[2 * n + 1] = s->xy[i][1] * scale + oy;
            n++;
        }
    if (s->dot[k] > 0)
        canvas_disc(c, xy[0], xy[1], fmax(s->dot[k] * scale, pen * 0.6));
    else
        canvas_curve(c, xy, n, s->closed[k], pen);
}

void
sketch_draw(struct canvas *c, const struct sketch *s, double pen_scale,
            struct rng *r)
{
    int w = 60 + (int)rng_below(r, 141), h = 60 + (int)rng_below(r, 141);
    double box[4], fill = 0.45 + 0.35 * rng_uniform(r);

    bounds(box, s);
    double bw = fmax(box[2] - box[0], 1e-6), bh = fmax(box[3] - box[1], 1e-6);
    double scale = fill * fmin(0.8 * w / bw, 0.8 * h / bh);
    /* The room left within the margins, shared out at random. */
    double ox = 0.1 * w + (0.8 * w - bw * scale) * rng_uniform(r);
    double oy = 0.1 * h + (0.8 * h - bh * scale) * rng_uniform(r);
    double size = fmax(bw, bh) * scale;
    double pen = fmax(1.2, size * (0.03 + 0.09 * rng_uniform(r)));

    canvas_init(c, w, h);
    for (int k = 0; k < s->n_strokes; k++)
        draw_stroke(c, s, k, scale, ox - box[0] * scale, oy - box[1] * scale,
                    pen * pen_scale);
}
