/* dataset - a labelled set of 28x28 images held in memory: the image
 * stream read through pgmio, the label stream parsed strictly (one digit
 * per line, nothing else), and the two checked against each other. */
#ifndef DATASET_H
#define DATASET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DATASET_MAX ((size_t)10 << 20)     /* images in one set */

struct dataset {
    size_t n;
    uint8_t *pixels;            /* (n, 784) */
    uint8_t *labels;            /* (n), or NULL before labels are read */
};

/* Reads every image of a stream; each must be 28x28. Returns 0, or -1
 * with "image N: reason" in err (N counts from 1). Frees on failure. */
int dataset_read_images(struct dataset *d, FILE *fp, char *err);

/* Reads the label stream for d's images: one line each, a digit 0-9 or
 * "-" for "not a digit" (stored as MNIST_NOT_DIGIT). Returns 0, or -1
 * with "line N: reason" or a count mismatch in err. */
int dataset_read_labels(struct dataset *d, FILE *fp, char *err);

void dataset_free(struct dataset *d);

#endif
