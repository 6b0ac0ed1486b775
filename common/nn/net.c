/* net - see net.h. */
#define _DEFAULT_SOURCE         /* madvise, MADV_HUGEPAGE */
#include "nn/net.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/mnist.h"
#include "core/rng.h"
#include "core/util.h"
#include "nn/act.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "nn/pool.h"

/* MNIST's pixel mean and standard deviation (of values scaled to [0, 1]):
 * centred inputs make the first steps of SGD far better conditioned. */
#define PIXEL_MEAN 0.1307f
#define PIXEL_STD 0.3081f

static struct conv_shape
conv_shape_of(const struct layer *l)
{
    struct conv_shape s = { l->C, l->H, l->W, l->F, l->K, l->pad, l->OH,
                            l->OW };
    return s;
}

/* Reserves bytes (rounded up to 64, a cache line) at *off in the arena
 * base; returns where, or NULL while base is NULL (the sizing pass). */
static void *
take(char *base, size_t *off, size_t n, size_t size)
{
    size_t bytes, at = *off;

    if (mul_size(&bytes, n, size) != 0 || bytes > SIZE_MAX - 64 - at)
        fatal(2, "network buffers too large");
    *off = at + (bytes + 63) / 64 * 64;
    return base != NULL ? base + at : NULL;
}

/* Lays every buffer of w out in base (NULL: only count); returns the
 * bytes used. */
static size_t
layout(struct net_work *w, const struct arch *a, char *base)
{
    size_t off = 0, col = 0, n = (size_t)w->max_n;

    w->act[0] = take(base, &off, n * MNIST_PIXELS, sizeof(float));
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];
        size_t out = n * l->n_out;

        /* ReLU and dropout work in place: no layer's backward needs its
         * own input once these have run (ReLU's mask is the same read
         * from its output), so they share their input's buffer, and
         * backward, their gradient's. */
        int in_place = l->kind == LAYER_RELU || l->kind == LAYER_DROPOUT;

        if (in_place)
            w->act[i + 1] = w->act[i];
        else
            w->act[i + 1] = take(base, &off, out, sizeof(float));
        if (w->training && in_place && i > 0)
            w->dact[i + 1] = w->dact[i];
        else if (w->training)
            w->dact[i + 1] = take(base, &off, out, sizeof(float));
        if (l->kind == LAYER_MAXPOOL)
            w->arg[i] = take(base, &off, out, sizeof(int32_t));
        if (l->kind == LAYER_DROPOUT && w->training)
            w->mask[i] = take(base, &off, out, sizeof(float));
        if (l->kind == LAYER_CONV) {
            struct conv_shape s = conv_shape_of(l);

            if (conv2d_col_floats(&s) > col)
                col = conv2d_col_floats(&s);
        }
        if (l->kind == LAYER_DENSE && dense_tmp_floats(w->max_n, l->F) > col)
            col = dense_tmp_floats(w->max_n, l->F);
    }
    w->prob = take(base, &off, n * MNIST_OUTPUTS, sizeof(float));
    w->col = take(base, &off, col, sizeof(float));
    if (w->training)
        w->dcol = take(base, &off, col, sizeof(float));
    w->ws = take(base, &off, GEMM_WS_FLOATS, sizeof(float));
    return off;
}

/* The arena: 2 MB aligned and, where the system has transparent huge
 * pages, backed by them: the first touch of a 4 KB page costs a fault
 * (several microseconds in a virtual machine), and a single image's
 * buffers span about 140 of them, a third of cnn-infer's run time; a
 * huge page takes one. */
static void *
arena_alloc(size_t len)
{
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;

    if (len >= huge / 2 && posix_memalign(&p, huge, (len + huge - 1) /
                                          huge * huge) == 0) {
#ifdef MADV_HUGEPAGE
        madvise(p, (len + huge - 1) / huge * huge, MADV_HUGEPAGE);
#endif
        return p;
    }
    return xmalloc(len);
}

void
net_work_init(struct net_work *w, const struct arch *a, int max_n,
              int training)
{
    memset(w, 0, sizeof *w);
    w->max_n = max_n;
    w->training = training;
    w->arena_len = layout(w, a, NULL);
    w->arena = arena_alloc(w->arena_len);
    layout(w, a, w->arena);
}

void
net_work_free(struct net_work *w)
{
    free(w->arena);
    memset(w, 0, sizeof *w);
}

/* The floats layer l's prepared weights take (0: none). */
static size_t
prep_floats(const struct layer *l)
{
    struct conv_shape s = conv_shape_of(l);

    if (l->kind == LAYER_CONV)
        return conv2d_prep_floats(&s);
    if (l->kind == LAYER_DENSE)
        return dense_prep_floats((int)l->n_in, l->F);
    return 0;
}

void
net_prepare(struct net_prep *p, const struct arch *a, const float *params)
{
    size_t total = 0, off = 0;

    memset(p, 0, sizeof *p);
    for (int i = 0; i < a->n_layers; i++)
        total += prep_floats(&a->layers[i]);
    p->block = xmalloc_array(total > 0 ? total : 1, sizeof(float));
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];
        struct conv_shape s = conv_shape_of(l);
        float *wp = p->block + off;

        if (prep_floats(l) == 0)
            continue;
        if (l->kind == LAYER_CONV)
            conv2d_prepare(wp, params + l->off_w, &s);
        else
            dense_prepare(wp, params + l->off_w, (int)l->n_in, l->F);
        p->wp[i] = wp;
        off += prep_floats(l);
    }
}

void
net_prep_free(struct net_prep *p)
{
    free(p->block);
    memset(p, 0, sizeof *p);
}

void
net_input(float *x, const uint8_t *pixels, size_t n)
{
    for (size_t i = 0; i < n * MNIST_PIXELS; i++)
        x[i] = ((float)pixels[i] / 255.0f - PIXEL_MEAN) / PIXEL_STD;
}

static void
dropout_layer_forward(struct net_work *w, const struct layer *l, int i,
                      int n, const struct net_key *key)
{
    for (int s = 0; s < n; s++) {
        size_t off = (size_t)s * l->n_out;
        struct rng r;

        rng_init(&r, key->seed, key->step, key->first + (uint64_t)s,
                 (uint64_t)i);
        dropout_forward(w->act[i + 1] + off, w->mask[i] + off,
                        w->act[i] + off, l->n_out, l->rate, &r);
    }
}

/* In inference, what the convolution layer i takes over from the layers
 * after it (a ReLU, and a 2x2 max-pool after that where it can), and how
 * many it takes: those are then skipped. Training (a key, or buffers
 * made for training: a backward may follow) keeps every layer's output
 * and the pool's argmax. */
static enum conv_fuse
conv_fusion(const struct net_work *w, const struct arch *a, int i,
            const struct net_key *key, int *taken)
{
    const struct layer *l = &a->layers[i];
    struct conv_shape s = conv_shape_of(l);

    *taken = 0;
    if (key != NULL || w->training || i + 1 >= a->n_layers ||
        a->layers[i + 1].kind != LAYER_RELU)
        return CONV_PLAIN;
    *taken = 1;
    if (i + 2 >= a->n_layers || a->layers[i + 2].kind != LAYER_MAXPOOL ||
        a->layers[i + 2].K != 2 || !conv2d_can_pool(&s))
        return CONV_RELU;
    *taken = 2;
    return CONV_RELU_POOL2;
}

void
net_forward(struct net_work *w, const struct arch *a, const float *params,
            int n, const struct net_key *key)
{
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];
        const float *x = w->act[i];
        float *y = w->act[i + 1];
        struct conv_shape s = conv_shape_of(l);
        const float *wp = w->prep != NULL && key == NULL ? w->prep->wp[i]
                                                         : NULL;
        enum conv_fuse fuse;
        int taken;

        switch (l->kind) {
        case LAYER_CONV:
            fuse = conv_fusion(w, a, i, key, &taken);
            conv2d_forward(w->act[i + 1 + taken], w->col, w->ws, x,
                           params + l->off_w, wp, params + l->off_b, n, fuse,
                           &s);
            i += taken;
            break;
        case LAYER_MAXPOOL:
            maxpool_forward(y, w->arg[i], x, n, l->C, l->H, l->W, l->K);
            break;
        case LAYER_RELU:
            relu_forward(y, x, (size_t)n * l->n_in);
            break;
        case LAYER_DENSE:
            dense_forward(y, w->col, w->ws, x, params + l->off_w, wp,
                          params + l->off_b, n, (int)l->n_in, l->F);
            break;
        case LAYER_DROPOUT:
            if (key != NULL)
                dropout_layer_forward(w, l, i, n, key);
            /* inference: the identity, and y is x already */
            break;
        }
    }
    softmax_forward(w->prob, w->act[a->n_layers], n, a->n_classes);
}

void
net_backward(struct net_work *w, const struct arch *a, const float *params,
             float *grads, const uint8_t *labels, int n, float scale)
{
    softmax_crossentropy_backward(w->dact[a->n_layers], w->prob, labels, n,
                                  a->n_classes, scale);
    for (int i = a->n_layers - 1; i >= 0; i--) {
        const struct layer *l = &a->layers[i];
        const float *x = w->act[i], *dy = w->dact[i + 1];
        float *dx = i > 0 ? w->dact[i] : NULL;   /* no gradient for pixels */
        struct conv_shape s = conv_shape_of(l);

        switch (l->kind) {
        case LAYER_CONV:
            conv2d_backward(dx, grads + l->off_w, grads + l->off_b, w->col,
                            w->dcol, w->ws, dy, x, params + l->off_w, n, &s);
            break;
        case LAYER_MAXPOOL:
            if (dx != NULL)
                maxpool_backward(dx, dy, w->arg[i], n, l->C, l->H, l->W,
                                 l->K);
            break;
        case LAYER_RELU:
            if (dx != NULL)
                relu_backward(dx, dy, x, (size_t)n * l->n_in);
            break;
        case LAYER_DENSE:
            dense_backward(dx, grads + l->off_w, grads + l->off_b, w->ws, dy,
                           x, params + l->off_w, n, (int)l->n_in, l->F);
            break;
        case LAYER_DROPOUT:
            if (dx != NULL)
                dropout_backward(dx, dy, w->mask[i], (size_t)n * l->n_in);
            break;
        }
    }
}

void
net_init_params(float *params, const struct arch *a, uint64_t seed)
{
    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];
        size_t fan_in = l->n_w / (size_t)(l->F > 0 ? l->F : 1);
        float sd = sqrtf(2.0f / (float)(fan_in > 0 ? fan_in : 1));
        struct rng r;

        rng_init(&r, seed, 0x1417, (uint64_t)i, 0);
        for (size_t j = 0; j < l->n_w; j++)
            params[l->off_w + j] = sd * rng_normal(&r);
        for (size_t j = 0; j < l->n_b; j++)
            params[l->off_b + j] = 0.0f;
    }
}
