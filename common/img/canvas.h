/* canvas - an ink layer to draw on with a round pen, and a "photo" of it
 * as dark ink on light paper, for programs that make pictures to train
 * and test on.
 *
 * Ink is coverage in [0, 1]. Drawing keeps the larger of the old and the
 * new coverage, so crossing strokes do not darken (a felt pen, not
 * alpha blending), and the order of strokes never matters. Curves are
 * Catmull-Rom splines through their points: a hand's stroke passes
 * through its key points smoothly, and a point given twice in a row
 * becomes a corner (the spline's tangent there is the chord's). */
#ifndef CANVAS_H
#define CANVAS_H

#include <stdint.h>

#include "core/rng.h"

/* Coordinates are in pixels, (0, 0) the top left corner of the top left
 * pixel, whose centre is (0.5, 0.5); x right, y down. */
struct canvas {
    float *ink;                 /* w x h, row-major, coverage 0..1 */
    int w, h;
};

/* A blank canvas of w x h pixels (both 1..4096); canvas_free() releases
 * it and leaves the struct zeroed. Out of memory exits 2. */
void canvas_init(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);

/* A straight stroke from (x0, y0) to (x1, y1) of a round pen pen pixels
 * wide, anti-aliased; clipped at the edges. */
void canvas_line(struct canvas *c, double x0, double y0, double x1,
                 double y1, double pen);

/* A smooth stroke through the n points xy[0..2n-1] (x, y pairs). Open,
 * the ends have the tangent of their chord; closed, it runs on from the
 * last point back to the first (which is not repeated). n = 1 is a dot
 * of the pen's width. */
void canvas_curve(struct canvas *c, const double *xy, int n, int closed,
                  double pen);

/* A filled disc of radius r, anti-aliased. */
void canvas_disc(struct canvas *c, double x, double y, double r);

/* Sets the coverage of pixel (x, y) to at least a (0..1). */
void canvas_ink(struct canvas *c, int x, int y, double a);

/* out (c->w x c->h bytes): the canvas as a person would send it, chosen
 * by r: three in ten a clean screen drawing (black on white); the rest a
 * photo: ink of grey 10-80 on paper of 180-250 with a gentle slope in
 * lighting, half of them blurred by a 3x3 box, with noise of standard
 * deviation 1-5 levels. Allocates its scratch and frees it. */
void canvas_photo(uint8_t *out, const struct canvas *c, struct rng *r);

#endif
