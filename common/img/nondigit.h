/* nondigit - pictures that hold no single digit, as people draw or
 * photograph them by mistake or to test a recogniser: letters, symbols,
 * scribbles, shapes, blobs, dots and taps, noise, and numbers of several
 * digits. They teach a network its "not a digit" answer, so none of them
 * may look like one digit: letters a person could write as a digit (O,
 * I, S, Z, b, g, q, ...), strokes that are a lone line or a lone ring,
 * and tall narrow brackets are left out (see nondigits(1) for the
 * lists and the reasons).
 *
 * Everything is drawn from strokes designed here (no font), with a
 * random hand (slant, size, aspect, pen, jitter) and a random photo
 * (canvas_photo); the picture depends on the rng alone. */
#ifndef NONDIGIT_H
#define NONDIGIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "img/canvas.h"

enum nondigit_kind {
    NONDIGIT_LETTERS, NONDIGIT_SYMBOLS, NONDIGIT_SCRIBBLES,
    NONDIGIT_SHAPES, NONDIGIT_BLOBS, NONDIGIT_DOTS, NONDIGIT_NOISE,
    NONDIGIT_SEVERAL, NONDIGIT_N_KINDS
};

/* The name of a kind ("letters", ...), or NULL out of range. */
const char *nondigit_name(int kind);

/* The kind called name, or -1. */
int nondigit_kind(const char *name);

/* Draws one picture of kind on c, which it initialises (canvas_init) at
 * a size of its choosing; the caller canvas_free()s it. digits holds
 * n_digits MNIST images of 28x28 bytes (light digit on black), used
 * only by NONDIGIT_SEVERAL, which needs n_digits >= 1. */
void nondigit_draw(struct canvas *c, int kind, const uint8_t *digits,
                   size_t n_digits, struct rng *r);

#endif
