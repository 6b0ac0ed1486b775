/* confusion - the statistics of a classifier's answers against the
 * truth: a 10x10 confusion matrix, accuracy, per-class precision, recall
 * and F1, the most confused pairs, and the expected calibration error
 * of the confidences. Also the matrix drawn as an RGB heatmap. */
#ifndef CONFUSION_H
#define CONFUSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/mnist.h"

#define CONF_BINS 10            /* calibration bins of width 0.1 */

struct confusion {
    size_t m[MNIST_CLASSES][MNIST_CLASSES];   /* m[true][predicted] */
    size_t n;                   /* answers counted */
    size_t n_conf;              /* of which had a confidence */
    size_t bin_n[CONF_BINS], bin_correct[CONF_BINS];
    double bin_conf[CONF_BINS]; /* sum of confidences in the bin */
};

/* Parses "LABEL PRED [CONF [P0 ... P9]]" (single spaces or tabs, as
 * paste and cnn-infer write it) in place. *conf is -1 without CONF.
 * Returns 0, or -1 with the reason in err (ERRLEN bytes). */
int confusion_parse(int *label, int *pred, double *conf, char *line,
                    char *err);

void confusion_init(struct confusion *c);
/* Counts one answer; conf < 0 means none was given. */
void confusion_add(struct confusion *c, int label, int pred, double conf);

double confusion_accuracy(const struct confusion *c);
/* Precision, recall and F1 of class k (0 where undefined). */
void confusion_class(const struct confusion *c, int k, double *precision,
                     double *recall, double *f1);
/* Expected calibration error over CONF_BINS equal-width bins:
 * sum over bins of (bin size / n) * |accuracy - mean confidence|. */
double confusion_ece(const struct confusion *c);
/* The n largest off-diagonal cells, largest first (ties: lower true
 * label, then lower predicted label first); cells with count 0 are
 * left out. Returns how many were found (<= n). */
int confusion_top_pairs(const struct confusion *c, int n, int *truth,
                        int *pred, size_t *count);

/* The matrix as a heatmap: a new RGB image (3 bytes a pixel, *w x *h,
 * free() it) with one square cell per (true, predicted) pair, rows true
 * and columns predicted, coloured on a log scale, log(1 + count) /
 * log(1 + largest count), from white (0) to dark blue (the largest
 * count); each cell shows its count, and the axes are labelled 0-9. */
uint8_t *confusion_heatmap(const struct confusion *c, int *w, int *h);

#endif
