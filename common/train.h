/* train - one step of minibatch SGD, data-parallel over threads.
 *
 * The batch of B images is cut into n_threads contiguous slices. Each
 * worker runs forward and backward on its slice into its own gradient
 * block; after the join the blocks are added in thread order and the
 * optimizer takes one step. Dropout draws from streams keyed by the
 * image's place in the batch (net_key), so the same seed and the same
 * thread count give the same model bytes on every run. */
#ifndef TRAIN_H
#define TRAIN_H

#include <stdint.h>

#include "model.h"
#include "net.h"

struct train_worker {
    const struct model *m;
    struct net_work work;
    float *grads;               /* this worker's gradient block */
    const uint8_t *pixels;      /* its slice of the batch (n, 784) */
    const uint8_t *labels;
    int first, n;               /* slice position in the batch, size */
    int batch;                  /* B, for the 1/B loss scale */
    uint64_t seed, step;
    double loss;                /* summed cross-entropy of the slice */
    int correct;                /* argmax == label count of the slice */
};

struct trainer {
    struct model *m;
    int n_threads, max_batch;
    float *velocity;            /* SGD momentum, n_params */
    struct train_worker *workers;
};

struct train_hyper {
    float lr, momentum, decay;
    uint64_t seed;
};

/* Allocates workers for batches up to max_batch (exits 2 if out of
 * memory); trainer_free releases everything. */
void trainer_init(struct trainer *t, struct model *m, int n_threads,
                  int max_batch);
void trainer_free(struct trainer *t);

/* One SGD step on B (<= max_batch) images (B, 784) and labels (B, each
 * 0-9). Returns the batch's summed loss; *correct gets how many images
 * the pre-step model classified right. */
double trainer_step(struct trainer *t, const uint8_t *pixels,
                    const uint8_t *labels, int B, uint64_t step,
                    const struct train_hyper *h, int *correct);

#endif
