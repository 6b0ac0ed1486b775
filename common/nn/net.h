/* net - a whole network: its parameter layout, the buffers one thread
 * needs to run it on a slice of a batch, and forward/backward as flat
 * lists of layer calls.
 *
 * Parameters live in one float block (arch.n_params long), gradients in
 * another of the same layout; each layer's weights start at off_w and
 * its biases at off_b. Activations are per thread (struct net_work), so
 * threads never share a buffer they write. */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <stdint.h>

#include "nn/arch.h"


/* What makes a training pass's random choices (dropout) reproducible:
 * image i of the slice draws from stream (seed, step, first + i, layer),
 * so the masks do not depend on how a batch is split across threads. */
struct net_key {
    uint64_t seed, step, first;
};

struct net_work {
    int max_n;                          /* images it is sized for */
    int training;                       /* has gradient buffers */
    float *act[ARCH_MAX_LAYERS + 1];    /* act[0] input, act[i+1] = layer
                                           i's output, (max_n, n_out); a
                                           ReLU or dropout layer works in
                                           place, in its input's buffer */
    float *dact[ARCH_MAX_LAYERS + 1];   /* their gradients (training;
                                           none for the input) */
    int32_t *arg[ARCH_MAX_LAYERS];      /* maxpool argmax */
    float *mask[ARCH_MAX_LAYERS];       /* dropout masks (training) */
    float *prob;                        /* (max_n, n_classes) softmax */
    float *col, *dcol;                  /* conv unroll scratch */
    float *ws;                          /* gemm workspace */
    void *arena;                        /* all of the above, one block */
    size_t arena_len;
    const struct net_prep *prep;        /* prepared weights, or NULL */
};

/* Weights prepared once for inference (dense and Winograd layers packed
 * as the kernels read them), shared by every thread that runs the same
 * parameters: wp[i] is layer i's, or NULL where it has none. Inference
 * with them gives the same bits as without, on the kernel level that
 * prepared them (kern.h); training changes the weights, so it has none. */
struct net_prep {
    const float *wp[ARCH_MAX_LAYERS];
    float *block;                       /* all of them */
};

/* Prepares params for inference (exits 2 if out of memory);
 * net_prep_free releases them. */
void net_prepare(struct net_prep *p, const struct arch *a,
                 const float *params);
void net_prep_free(struct net_prep *p);

/* Allocates buffers for up to max_n images (exits 2 if out of memory);
 * net_work_free releases them and zeroes w (safe to call twice). */
void net_work_init(struct net_work *w, const struct arch *a, int max_n,
                   int training);
void net_work_free(struct net_work *w);

/* act[0] (n, 784) = pixels (n, 784) scaled to MNIST's mean 0, std 1. */
void net_input(float *x, const uint8_t *pixels, size_t n);

/* Runs the n images in w->act[0] through the net; w->prob gets the
 * class probabilities. key NULL means inference (dropout is the
 * identity); otherwise it is a training pass and must have w->training. */
void net_forward(struct net_work *w, const struct arch *a,
                 const float *params, int n, const struct net_key *key);

/* After a training forward of the same n images: writes to grads (all
 * of it: no need to zero it first) the gradient of scale * (sum of their
 * cross-entropy losses). */
void net_backward(struct net_work *w, const struct arch *a,
                  const float *params, float *grads, const uint8_t *labels,
                  int n, float scale);

/* He initialisation: weights ~ N(0, 2 / fan_in), biases 0. */
void net_init_params(float *params, const struct arch *a, uint64_t seed);

#endif
