/* canvas - see canvas.h. Every stroke is cut into short straight pieces
 * and each piece touches only the pixels of its own bounding box, so a
 * picture costs its ink, not its canvas, until canvas_photo. */
#include "img/canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void
canvas_init(struct canvas *c, int w, int h)
{
    if (w < 1 || h < 1 || w > 4096 || h > 4096)
        fatal(2, "canvas of %dx%d: out of range", w, h);
    c->ink = xcalloc((size_t)w * h, sizeof(float));
    c->w = w, c->h = h;
}

void
canvas_free(struct canvas *c)
{
    free(c->ink);
    memset(c, 0, sizeof *c);
}

void
canvas_ink(struct canvas *c, int x, int y, double a)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h || a <= 0)
        return;
    float *p = c->ink + (size_t)y * c->w + x;
    float v = a > 1 ? 1.0f : (float)a;

    *p = v > *p ? v : *p;
}

/* The pixels within reach of a shape centred around the box x0..x1,
 * y0..y1 grown by m, clipped to the canvas. */
static void
reach(const struct canvas *c, int box[4], double x0, double y0, double x1,
      double y1, double m)
{
    box[0] = (int)floor(fmin(x0, x1) - m);
    box[1] = (int)floor(fmin(y0, y1) - m);
    box[2] = (int)ceil(fmax(x0, x1) + m);
    box[3] = (int)ceil(fmax(y0, y1) + m);
    box[0] = box[0] < 0 ? 0 : box[0];
    box[1] = box[1] < 0 ? 0 : box[1];
    box[2] = box[2] > c->w - 1 ? c->w - 1 : box[2];
    box[3] = box[3] > c->h - 1 ? c->h - 1 : box[3];
}

void
canvas_line(struct canvas *c, double x0, double y0, double x1, double y1,
            double pen)
{
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    int box[4];

    reach(c, box, x0, y0, x1, y1, pen / 2 + 1);
    for (int y = box[1]; y <= box[3]; y++)
        for (int x = box[0]; x <= box[2]; x++) {
            double px = x + 0.5 - x0, py = y + 0.5 - y0;
            double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;

            t = t < 0 ? 0 : t > 1 ? 1 : t;
            /* Coverage falls from 1 to 0 over the pixel at the pen's
             * edge: a cheap anti-aliasing. */
            canvas_ink(c, x, y, pen / 2 + 0.5 - hypot(px - t * dx,
                                                        py - t * dy));
        }
}

void
canvas_disc(struct canvas *c, double x, double y, double r)
{
    int box[4];

    reach(c, box, x, y, x, y, r + 1);
    for (int py = box[1]; py <= box[3]; py++)
        for (int px = box[0]; px <= box[2]; px++)
            canvas_ink(c, px, py, r + 0.5 - hypot(px + 0.5 - x, py + 0.5 - y));
}

/* Point i of the curve, for i out of range too: wrapped when closed,
 * else the end point repeated (the end's tangent is then its chord). */
static const double *
point(const double *xy, int n, int closed, int i)
{
    if (closed)
        return xy + 2 * ((i % n + n) % n);
    return xy + 2 * (i < 0 ? 0 : i >= n ? n - 1 : i);
}

void
canvas_curve(struct canvas *c, const double *xy, int n, int closed,
             double pen)
{
    if (n == 1) {
        canvas_disc(c, xy[0], xy[1], pen / 2);
        return;
    }
    for (int i = 0; i < (closed ? n : n - 1); i++) {
        const double *p0 = point(xy, n, closed, i - 1);
        const double *p1 = point(xy, n, closed, i);
        const double *p2 = point(xy, n, closed, i + 1);
        const double *p3 = point(xy, n, closed, i + 2);
        /* Pieces of about 1.5 px along the chord; the spline's bulge
         * is at most about half its chord again. */
        int steps = 1 + (int)(hypot(p2[0] - p1[0], p2[1] - p1[1]) / 1.5);
        double px = p1[0], py = p1[1];

        for (int s = 1; s <= steps; s++) {
            double t = (double)s / steps, t2 = t * t, t3 = t2 * t;
            /* Catmull-Rom: the cubic through p1 and p2 whose tangents
             * there are (p2 - p0) / 2 and (p3 - p1) / 2. */
            double a = -0.5 * t3 + t2 - 0.5 * t, b = 1.5 * t3 - 2.5 * t2 + 1;
            double d = -1.5 * t3 + 2 * t2 + 0.5 * t, e = 0.5 * t3 - 0.5 * t2;
            double x = a * p0[0] + b * p1[0] + d * p2[0] + e * p3[0];
            double y = a * p0[1] + b * p1[1] + d * p2[1] + e * p3[1];

            canvas_line(c, px, py, x, y, pen);
            px = x, py = y;
        }
    }
}

/* g (w x h) blurred by a 3x3 box, the edges averaging what they have. */
static void
box_blur(float *g, int w, int h)
{
    float *t = xmalloc_array((size_t)w * h, sizeof(float));

    memcpy(t, g, (size_t)w * h * sizeof(float));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float sum = 0;
            int n = 0;

            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    if (y + dy >= 0 && y + dy < h && x + dx >= 0 &&
                        x + dx < w)
                        sum += t[(size_t)(y + dy) * w + x + dx], n++;
            g[(size_t)y * w + x] = sum / (float)n;
        }
    free(t);
}

void
canvas_photo(uint8_t *out, const struct canvas *c, struct rng *r)
{
    size_t n = (size_t)c->w * c->h;

    if (rng_uniform(r) < 0.3f) {
        for (size_t i = 0; i < n; i++)
            out[i] = (uint8_t)lroundf(255.0f * (1.0f - c->ink[i]));
        return;
    }
    float paper = 180 + 70 * rng_uniform(r), ink = 10 + 70 * rng_uniform(r);
    float gx = 30 * (rng_uniform(r) - 0.5f) / (float)c->w;
    float gy = 30 * (rng_uniform(r) - 0.5f) / (float)c->h;
    int blur = rng_uniform(r) < 0.5f;
    float sd = 1 + 4 * rng_uniform(r);
    float *g = xmalloc_array(n, sizeof(float));

    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            size_t i = (size_t)y * c->w + x;
            float p = paper + gx * ((float)x - c->w / 2.0f) +
                      gy * ((float)y - c->h / 2.0f);

            g[i] = p * (1 - c->ink[i]) + ink * c->ink[i];
        }
    if (blur)
        box_blur(g, c->w, c->h);
    for (size_t i = 0; i < n; i++) {
        float v = g[i] + sd * rng_normal(r);

        out[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lroundf(v));
    }
    free(g);
}
