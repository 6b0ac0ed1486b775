/* segment - where the digits of a picture of several ("42", "2026") may
 * lie, left to right: preproc's step for whole numbers.
 *
 * Geometry proposes and the network decides. This file works on the
 * pieces ink_find kept (8-connected, labelled) and cuts the ink into
 * slices, every cut a place where two digits may meet; the spans of one
 * to SEG_SPAN neighbouring slices are the candidate digits, and the
 * caller asks the network which spans make the number (nn/number.c).
 *
 *   1. groups: pieces whose columns overlap by at least half the
 *      narrower one's width are one digit (the broken strokes of a
 *      pencil, a 7's bar written apart), unless both are tall, which
 *      then takes 80%; merged until nothing changes;
 *   2. the tallest of the big groups sets the digit height H; a flat
 *      piece (under 45% of H high) joins the group whose columns it
 *      overlaps (a 5's flag), or the nearest within 30% of H if it is
 *      small; a speck (under 5% of the ink and 25% of H) goes;
 *   3. cuts inside a group, for touching digits: in a group at least
 *      1.2 times as wide as high, the path of least ink from top to
 *      bottom (a shortest path that may step one pixel sideways per
 *      row, so it follows a slanted gap; not through the outer tenth
 *      of the width) is a cut when it crosses ink in one place only, at
 *      most CUT_STROKES stroke widths of it, and leaves on each side
 *      ink at least half the part's height tall and 5% of the group's
 *      ink. Both sides are tried again. Within one digit such a path
 *      mostly crosses two strokes or more (a 0 its top and bottom);
 *   4. neighbouring groups closer than SOFT_GAP of H may also be one
 *      digit (a pencil 0 broken into two arcs): a span may hold both.
 *
 * Each boundary between slices has a prior, the chance that it lies
 * between two digits before the network looks: 1 between groups
 * further apart than SOFT_GAP, from APART_NEAR (boxes touching) to
 * APART_FAR (SOFT_GAP apart) between closer ones, and APART_CUT for a
 * cut through ink (which may as well be inside one digit). nn/number.c weighs each candidate's reading by them.
 *
 * A picture with more slices than SEG_MAX is taken whole. */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stdint.h>

#include "img/ink.h"

#define SEG_MAX 16              /* slices in one picture */
#define SEG_SPAN 4              /* slices one digit may take */
#define CUT_STROKES 2.0f        /* ink a cut between digits may cross,
                                   in stroke widths, in one place */
#define SOFT_GAP 0.1f           /* of H: groups this close may be one */
#define APART_NEAR 0.3f         /* groups touching: two digits; ... */
#define APART_FAR 0.95f         /* ... SOFT_GAP apart */
#define APART_CUT 0.3f          /* the sides of a cut: two digits */
#define SEG_WHOLE_PRIOR 0.001f  /* all the ink, where no span joins it */

/* Some ink of the picture: the pieces of groups g0..g1 (ids in left to
 * right order), in g0 only right of cut_left, in g1 only up to and on
 * cut_right (cuts are rows of segmentation.cuts, -1 for none). */
struct seg_part {
    int32_t g0, g1;
    int cut_left, cut_right;
    int box[4];                 /* its pixels' x0, y0, x1, y1, inclusive */
};

struct segmentation {
    int n;                      /* slices, left to right */
    struct seg_part d[SEG_MAX];
    float apart[SEG_MAX];       /* apart[i]: the chance, before the
                                   network looks, that slices i and i + 1
                                   are two digits (1: surely) */
    int32_t *group_of;          /* label -> group, 0 for no digit's */
    int16_t *cuts;              /* n_cuts rows of h: the column a cut
                                   passes in each row */
    int n_cuts, h;
};

/* Cuts the pieces kept by ink_find (label over g, keep, box) into
 * slices. With split 0, or a picture of more than SEG_MAX slices, the
 * result is one slice of all the kept ink. Returns the number of slices
 * (>= 1); segment_free releases s. Out of memory exits 2. */
int segment(struct segmentation *s, const struct img *g,
            const int32_t *label, const uint8_t *keep, const int box[4],
            int split);
void segment_free(struct segmentation *s);

/* Slices i..j (i <= j) as one part, into *span, and its prior into
 * *prior: the chance that the boundaries inside it are not between
 * digits and that the one after it is (apart[]). Returns 0, or -1 when
 * they may not be one digit (more than SEG_SPAN, or a boundary between
 * digits for sure). */
int seg_span(struct seg_part *span, float *prior,
             const struct segmentation *s, int i, int j);

/* Whether pixel (x, y), of piece label lab, belongs to part p. */
static inline int
seg_owns(const struct segmentation *s, const struct seg_part *p,
         int32_t lab, int x, int y)
{
    int32_t g = s->group_of[lab];

    return g != 0 && g >= p->g0 && g <= p->g1 &&
           (g != p->g0 || p->cut_left < 0 ||
            x > s->cuts[(long)p->cut_left * s->h + y]) &&
           (g != p->g1 || p->cut_right < 0 ||
            x <= s->cuts[(long)p->cut_right * s->h + y]);
}

/* Whether pixel (x, y) may join part p as its faint edge: no other
 * group's piece, and inside p's cuts. */
static inline int
seg_may_edge(const struct segmentation *s, const struct seg_part *p,
             int32_t lab, int x, int y)
{
    int32_t g = s->group_of[lab];

    return (g == 0 || (g >= p->g0 && g <= p->g1)) &&
           (p->cut_left < 0 || x > s->cuts[(long)p->cut_left * s->h + y])
           && (p->cut_right < 0 ||
               x <= s->cuts[(long)p->cut_right * s->h + y]);
}

#endif
