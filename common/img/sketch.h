/* sketch - a drawing as a hand makes it: strokes through key points in
 * free units, bent, jittered and slanted, then fitted onto a canvas of
 * a random size and drawn with one pen.
 *
 * Generators describe the shape (a letter, a star, a zigzag) in
 * whatever units suit them; sketch_draw alone decides pixels: canvas
 * size, scale, position and pen width, with margins that keep the ink
 * clear of the frame (preproc drops ink along the frame as a scan's
 * edge). Strokes are canvas_curve splines, so a few points make a smooth
 * stroke and a corner is marked, not approximated. */
#ifndef SKETCH_H
#define SKETCH_H

#include "core/rng.h"
#include "img/canvas.h"

#define SKETCH_POINTS 640       /* enough for every generator of ours */
#define SKETCH_STROKES 96

struct sketch {
    double xy[SKETCH_POINTS][2];
    unsigned char corner[SKETCH_POINTS];  /* 1: a sharp turn there */
    int first[SKETCH_STROKES + 1];        /* stroke s: points first[s] .. */
    unsigned char closed[SKETCH_STROKES]; /* ... first[s + 1] - 1 */
    double dot[SKETCH_STROKES];           /* > 0: a dot of this radius */
    int n_strokes, n_points;
};

/* Empties s. */
void sketch_begin(struct sketch *s);

/* Adds a point to the stroke being drawn; corner 1 makes a sharp turn
 * there. The caller keeps within SKETCH_POINTS (assert). */
void sketch_point(struct sketch *s, double x, double y, int corner);

/* Ends the stroke being drawn (nothing if it has no point); closed 1
 * joins its last point back to its first. */
void sketch_lift(struct sketch *s, int closed);

/* A dot of radius r (units) at (x, y), a stroke of its own. */
void sketch_dot(struct sketch *s, double x, double y, double r);

/* Adds the strokes written in glyph notation: points "xy", two decimal
 * digits on a 10 x 10 grid (x right, y down), separated by spaces; "xy!"
 * is a corner, "xy." a dot; "|" lifts the pen; a stroke that ends where
 * it began is closed. Returns 0, or -1 (nothing added) on bad notation. */
int sketch_glyph(struct sketch *s, const char *notation);

/* Moves every point by a normal offset of standard deviation sd units
 * (a hand never hits its key points). */
void sketch_jitter(struct sketch *s, double sd, struct rng *r);

/* Every point p becomes (a p.x + b p.y, c p.x + d p.y); dots scale by
 * the square root of |ad - bc|. */
void sketch_affine(struct sketch *s, double a, double b, double c,
                   double d);

/* Rotation by deg degrees, then slant (x += slant * -y: positive leans
 * right) and x stretched by aspect. */
void sketch_hand(struct sketch *s, double deg, double slant, double aspect);

/* Initialises c (the caller canvas_free()s it) to 60-200 px a side and
 * draws s on it: scaled to fill 45-80 % of the room within margins of a
 * tenth, placed at random, with a pen of 3-12 % of the drawing's size
 * (at least 1.2 px), times pen_scale. s needs at least one point. */
void sketch_draw(struct canvas *c, const struct sketch *s, double pen_scale,
                 struct rng *r);

#endif
