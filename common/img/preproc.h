/* preproc - turn a photo, scan or canvas drawing of one digit into the
 * 28x28 image the network expects, made the way MNIST was made:
 *
 *   1. polarity: the paper is the median of the outer tenth; if
 *      it is light the image is inverted, so ink is always light;
 *   2. background: a coarse grid of block lower quartiles, interpolated,
 *      is the paper's (uneven) brightness, and is subtracted; a block far
 *      above its neighbours is ink and takes their median instead;
 *   3. ink (ink.c): 8-connected pieces above 10% of the brightest ink
 *      (and above the paper's noise) that reach 30% somewhere; where
 *      the ink is faint next to the noise (a thin pencil line), the
 *      image is first replaced by its largest mean along 9 px lines in
 *      8 directions, less the local mean, and the thresholds are 3.5
 *      and 7 deviations of that mean's noise. Lines along the frame
 *      (scan borders) are dropped, and so are pieces much smaller than
 *      the largest (specks) unless within 15% of the digit's size of
 *      its box: a broken pencil stroke is one digit;
 *   4. crop to the ink's bounding box and scale (aspect kept) so the
 *      longer side is 80 px, area-averaged;
 *   5. stroke width: measured as 2 * area / perimeter and brought into
 *      MNIST's range (about 11% of the digit's size) by dilation or
 *      erosion, so a thin brush and a marker end up alike;
 *   6. scale to 20 px (4x4 block averages: anti-aliased);
 *   7. pad into 28x28 with the centre of mass on the centre pixel;
 *   8. a light 3x3 smoothing, then stretch so the brightest pixel is 255.
 *
 * For a picture of several digits (preproc_split), step 3 is followed
 * by segment.c's: the kept ink is divided into digits, left to right,
 * and steps 4-8 make a 28x28 image of each.
 *
 * The work happens at a fixed 80 px after step 4, so its cost beyond
 * one pass over the input does not grow with the photo's size. */
#ifndef PREPROC_H
#define PREPROC_H

#include <stddef.h>
#include <stdint.h>

#include "core/mnist.h"

#define PREPROC_MAX_DIGITS 16   /* digits one picture may hold */
#define PREPROC_MAX_IMAGES 65   /* candidate digits of one picture */

enum preproc_polarity { POLARITY_AUTO, POLARITY_DARK_INK,
                        POLARITY_LIGHT_INK };

/* Intermediate images for a person to look at (NULL: not wanted). Each
 * is allocated by preproc_image and freed by preproc_dump_free. */
struct preproc_dump {
    uint8_t *ink;               /* step 3: the kept ink, input size */
    int ink_w, ink_h;
    uint8_t *crop[PREPROC_MAX_DIGITS];  /* step 5, each digit's: */
    int crop_w[PREPROC_MAX_DIGITS];     /* cropped, 80 px, strokes */
    int crop_h[PREPROC_MAX_DIGITS];     /* fixed */
    int n_crop;
};

/* A candidate digit of a picture: its 28x28 image, the slices it
 * holds (first to last - 1, see preproc_split), the chance the geometry
 * gives it (seg_span), and where it was found (its ink's box, in the
 * input's pixels). */
struct preproc_digit {
    uint8_t pix[MNIST_PIXELS];
    int first, last;
    float prior;
    int x, y, w, h;
};

/* What preproc_image returns for an image with no ink in it: a blank
 * page, a flat photo. Callers tell it from other failures by this code,
 * never by the message. */
#define PREPROC_NO_INK (-2)

/* out (28x28, white digit on black) from the grey image in (w x h).
 * Returns 0, or PREPROC_NO_INK with the reason in err (ERRLEN bytes).
 * Allocates its scratch and frees it. */
int preproc_image(uint8_t *out, const uint8_t *in, int w, int h,
                  enum preproc_polarity polarity, struct preproc_dump *dump,
                  char *err);

/* The candidate digits of the grey image in (w x h), into out (room
 * for PREPROC_MAX_IMAGES). With split 0 there is one, the whole ink,
 * as preproc_image makes it. With split 1 the ink is cut into slices
 * left to right (*n_slices of them; segment.h), each a digit or a part
 * of one, and out gets every run of neighbouring slices that may be one
 * digit, ordered by first slice, then by length: a picture of "42" with
 * the digits apart gives two, slices 0-1 and 1-2; with the digits
 * touching, maybe also the two together, 0-2; and, when no run joins
 * all the slices, all the ink once more as the last candidate (with a
 * tiny prior, SEG_WHOLE_PRIOR). Which runs make the number is the
 * network's call (nn/number.h). Returns how many images,
 * or PREPROC_NO_INK. */
int preproc_split(struct preproc_digit *out, int split, int *n_slices,
                  const uint8_t *in, int w, int h,
                  enum preproc_polarity polarity, struct preproc_dump *dump,
                  char *err);

void preproc_dump_free(struct preproc_dump *d);

#endif
