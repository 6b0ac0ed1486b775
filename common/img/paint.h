/* paint - the pictures of nondigit.h that are not strokes of a pen but
 * painted straight onto a canvas, pixel by pixel: filled blobs, dots
 * and taps, noise, and numbers of several MNIST digits. Each function
 * initialises c (canvas_init, 60-200 px a side; a number as wide as it
 * needs, at most about 500 px) and the caller canvas_free()s it. The
 * picture depends on r alone. */
#ifndef PAINT_H
#define PAINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "img/canvas.h"

/* One filled irregular shape, never with a hole, and 0-3 splashes. */
void paint_blob(struct canvas *c, struct rng *r);

/* 1-4 dots of random sizes; a lone dot is a tiny tap half the time. */
void paint_dots(struct canvas *c, struct rng *r);

/* Specks, smooth blotches, or short hairs over the whole canvas. */
void paint_noise(struct canvas *c, struct rng *r);

/* k (1-8; 0 for 2-4 at random) of the n_digits (>= 1) 28x28 digits
 * (light on black, MNIST's way) side by side as a number, the gap
 * between their ink gap_lo to gap_hi MNIST pixels (below 0: they
 * overlap); which ones, left to right, into chosen[k] when it is not
 * NULL. */
#define PAINT_MAX_DIGITS 8
void paint_number(struct canvas *c, const uint8_t *digits, size_t n_digits,
                  int k, size_t *chosen, double gap_lo, double gap_hi,
                  struct rng *r);

#endif
