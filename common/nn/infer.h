/* infer - class probabilities for many images on several threads. Each
 * thread takes a contiguous range of the images and runs it through its
 * own net_work in chunks, so memory stays at n_threads chunks of
 * activations however many images there are. */
#ifndef INFER_H
#define INFER_H

#include <stdint.h>

#include "nn/model.h"
#include "nn/net.h"

struct infer_worker {
    const struct model *m;
    struct net_work work;
    const uint8_t *pixels;      /* this worker's images (n, 784) */
    float *prob;                /* their probabilities (n, 10) */
    int n;
};

struct infer {
    int n_threads, chunk;
    struct infer_worker *workers;
    struct net_prep prep;       /* the model's weights, prepared once */
    size_t n_seen;              /* images run since the weights changed */
};

/* The model's weights are prepared for the kernels (net_prepare) once
 * this many images have run: preparing costs about what a few images
 * do (the weights packed into new memory, a page fault per 4 KB), so a
 * process that classifies a single image, a CGI request, never pays for
 * it, and a stream or a server does at once or soon. The answers are
 * the same bits either way. */
#define INFER_PREPARE_AT 8

/* Sets up n_threads workers, each of which will take up to chunk images
 * at a time; their buffers are allocated on first use (exits 2 if out of
 * memory). If the model's weights change afterwards (training), call
 * infer_update before the next run. infer_free releases it all. */
void infer_init(struct infer *in, const struct model *m, int n_threads,
                int chunk);
void infer_update(struct infer *in);
void infer_free(struct infer *in);

/* prob (n, MNIST_OUTPUTS) = softmax(net(pixels (n, 784))): the ten
 * digits, then "not a digit" (0 for a network without that class).
 * Returns -1, or the index of the first image whose probabilities are
 * not all finite (a model with weights so large that its sums overflow,
 * though each weight is finite): the caller must not print them. */
int infer_run(struct infer *in, float *prob, const uint8_t *pixels, int n);

/* Runs three probe images (blank, all ink, a checkerboard): -1 if any
 * output is not finite, a model no answer of which can be trusted;
 * else 0. */
int infer_probe(struct infer *in);

/* The fraction of n images (n, 784) whose verdict (infer_verdict) is
 * their label, MNIST_NOT_DIGIT for "not a digit" (0 for n == 0). It
 * calls infer_update first: the weights may have changed since. */
double infer_accuracy(struct infer *in, const uint8_t *pixels,
                      const uint8_t *labels, size_t n);

/* The most probable of the ten digits in a row of MNIST_OUTPUTS
 * probabilities (the forced choice); the first one on a tie. */
int infer_argmax(const float *prob);

/* The verdict on a row: MNIST_NOT_DIGIT when "not a digit" has at least
 * INFER_REJECT_AT of the probability, else infer_argmax. Between a half
 * and this, the answer is the best digit with its low confidence: on
 * photos of digits, rejecting at 0.5 turned away 54 of 10,000, at 0.7
 * 34, while generated pictures of no digit were still rejected 98.6%
 * and 98.0% of the time (scripts/bench-honest). */
#define INFER_REJECT_AT 0.7f
int infer_verdict(const float *prob);

#endif
