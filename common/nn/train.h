/* train - one step of minibatch SGD, data-parallel over threads.
 *
 * A batch of B images is cut into chunks of a fixed size (TRAIN_CHUNK,
 * or more for very large batches so there are at most TRAIN_MAX_CHUNKS).
 * Threads take chunks from a shared counter until none are left, so a
 * thread on a busier core simply does fewer of them; each chunk's
 * gradient goes into that chunk's own block. Then the threads add the
 * blocks up in chunk order, each thread over its own range of
 * parameters, and take the optimizer step on that range.
 *
 * Every sum is therefore made in an order fixed by the batch alone, and
 * dropout draws from streams keyed by the image's place in the batch
 * (net_key): the same seed gives the same model bytes whatever the
 * thread count and whatever the scheduling. */
#ifndef TRAIN_H
#define TRAIN_H

#include <stdatomic.h>
#include <stdint.h>

#include "nn/model.h"
#include "nn/net.h"

#define TRAIN_CHUNK 32
#define TRAIN_MAX_CHUNKS 32

struct train_hyper {
    float lr, momentum, decay;
    uint64_t seed;
};

struct trainer;

struct train_worker {
    struct trainer *t;
    struct net_work work;       /* activations for one chunk */
    int index;                  /* worker number, for its parameter range */
};

struct trainer {
    struct model *m;
    int n_threads, max_batch, chunk, max_chunks;
    float *velocity;            /* SGD momentum, n_params */
    float *grads;               /* max_chunks blocks of n_params */
    double *chunk_loss;         /* summed cross-entropy of each chunk */
    int *chunk_correct;         /* argmax == label count of each chunk */
    struct train_worker *workers;
    /* The step under way, read by the workers. */
    const uint8_t *pixels, *labels;
    int batch, n_chunks;
    uint64_t step;
    const struct train_hyper *hyper;
    atomic_int next_chunk;
};

/* Allocates workers and gradient blocks for batches up to max_batch
 * (exits 2 if out of memory); trainer_free releases everything. */
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
