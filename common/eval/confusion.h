/* confusion - the statistics of a classifier's answers against the
 * truth: a 10x10 confusion matrix, accuracy, per-class precision, recall
 * and F1, the most confused pairs, and the expected calibration error
 * of the confidences. Also the matrix drawn as an RGB heatmap.
 *
 * "-" (not a digit) may be a label or a prediction: class MNIST_NOT_DIGIT.
 * Once one is counted the matrix has 11 rows and columns, the last the
 * rejected answers, and the rejection rate and the accuracy on the
 * accepted answers mean something. */
#ifndef CONFUSION_H
#define CONFUSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/mnist.h"

#define CONF_BINS 10            /* calibration bins of width 0.1 */

struct confusion {
    size_t m[MNIST_OUTPUTS][MNIST_OUTPUTS];   /* m[true][predicted] */
    size_t n;                   /* answers counted */
    size_t n_conf;              /* of which had a confidence */
    size_t bin_n[CONF_BINS], bin_correct[CONF_BINS];
    double bin_conf[CONF_BINS]; /* sum of confidences in the bin */
};

/* Parses "LABEL PRED [CONF [P0 ... P9]]" (single spaces or tabs, as
 * paste and cnn-infer write it) in place; LABEL and PRED are a digit or
 * "-" (MNIST_NOT_DIGIT). *conf is -1 without CONF.
 * Returns 0, or -1 with the reason in err (ERRLEN bytes). */
int confusion_parse(int *label, int *pred, double *conf, char *line,
                    char *err);

void confusion_init(struct confusion *c);
/* Counts one answer; conf < 0 means none was given. */
void confusion_add(struct confusion *c, int label, int pred, double conf);

/* Rows and columns in use: MNIST_OUTPUTS once a "-" was counted, else
 * MNIST_CLASSES. */
int confusion_classes(const struct confusion *c);

double confusion_accuracy(const struct confusion *c);
/* Answers that were "-" (*rejected), and the accuracy on the others
 * (0 when there are none). */
double confusion_accepted(const struct confusion *c, size_t *rejected);
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
 * count); each cell shows its count, and the axes are labelled 0-9
 * (and "-"). */
uint8_t *confusion_heatmap(const struct confusion *c, int *w, int *h);

#endif
