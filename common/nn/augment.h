/* augment - random small distortions of a 28x28 training image: a
 * rotation, a scaling and a shift, composed into one affine map and
 * resampled bilinearly (so strokes stay smooth, no blocky edges). The
 * network then sees a slightly different digit every epoch, which is
 * the cheapest way to make it generalise to handwriting it never saw. */
#ifndef AUGMENT_H
#define AUGMENT_H

#include <stdint.h>

struct rng;

struct augment {
    float max_shift;            /* pixels, each direction */
    float max_rotate;           /* degrees, each direction */
    float max_scale;            /* relative, e.g. 0.1 for 0.9 .. 1.1 */
};

/* dst (28x28) = src (28x28) under a transform drawn from r. */
void augment_image(uint8_t *dst, const uint8_t *src, const struct augment *p,
                   struct rng *r);

#endif
