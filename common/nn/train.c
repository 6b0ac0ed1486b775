/* train - see train.h. */
#include "nn/train.h"

#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/threads.h"
#include "core/util.h"
#include "nn/infer.h"
#include "nn/loss.h"
#include "nn/optim.h"

void
trainer_init(struct trainer *t, struct model *m, int n_threads,
             int max_batch)
{
    size_t n = m->arch.n_params;

    memset(t, 0, sizeof *t);
    t->m = m;
    t->n_threads = n_threads;
    t->max_batch = max_batch;
    t->chunk = TRAIN_CHUNK;
    if ((max_batch + t->chunk - 1) / t->chunk > TRAIN_MAX_CHUNKS)
        t->chunk = (max_batch + TRAIN_MAX_CHUNKS - 1) / TRAIN_MAX_CHUNKS;
    t->max_chunks = (max_batch + t->chunk - 1) / t->chunk;
    t->velocity = xcalloc(n, sizeof(float));
    t->grads = xmalloc_array((size_t)t->max_chunks * n, sizeof(float));
    t->chunk_loss = xcalloc((size_t)t->max_chunks, sizeof(double));
    t->chunk_correct = xcalloc((size_t)t->max_chunks, sizeof(int));
    t->workers = xcalloc((size_t)n_threads, sizeof *t->workers);
    for (int i = 0; i < n_threads; i++) {
        t->workers[i].t = t;
        t->workers[i].index = i;
        net_work_init(&t->workers[i].work, &m->arch, t->chunk, 1);
    }
}

void
trainer_free(struct trainer *t)
{
    for (int i = 0; i < t->n_threads; i++)
        net_work_free(&t->workers[i].work);
    free(t->workers);
    free(t->velocity);
    free(t->grads);
    free(t->chunk_loss);
    free(t->chunk_correct);
    memset(t, 0, sizeof *t);
}

/* How many of n rows of K probabilities have their label most
 * probable (of all K classes, "not a digit" included). */
static int
count_correct(const float *prob, const uint8_t *labels, int n, int K)
{
    int correct = 0;

    for (int i = 0; i < n; i++) {
        const float *p = prob + (size_t)i * K;
        int best = 0;

        for (int k = 1; k < K; k++)
            if (p[k] > p[best])
                best = k;
        correct += best == labels[i];
    }
    return correct;
}

/* Forward and backward of chunk c into its own gradient block. */
static void
run_chunk(struct trainer *t, struct net_work *w, int c)
{
    const struct arch *a = &t->m->arch;
    int first = c * t->chunk;
    int n = t->batch - first < t->chunk ? t->batch - first : t->chunk;
    const uint8_t *labels = t->labels + first;
    float *grads = t->grads + (size_t)c * a->n_params;
    struct net_key key = { t->hyper->seed, t->step, (uint64_t)first };

    net_input(w->act[0], t->pixels + (size_t)first * MNIST_PIXELS,
              (size_t)n);
    net_forward(w, a, t->m->params, n, &key);
    t->chunk_loss[c] = crossentropy_sum(w->prob, labels, n, a->n_classes);
    t->chunk_correct[c] = count_correct(w->prob, labels, n, a->n_classes);
    net_backward(w, a, t->m->params, grads, labels, n,
                 1.0f / (float)t->batch);
}

static void *
gradient_worker(void *arg)
{
    struct train_worker *tw = arg;
    struct trainer *t = tw->t;
    int c;

    while ((c = atomic_fetch_add(&t->next_chunk, 1)) < t->n_chunks)
        run_chunk(t, &tw->work, c);
    return NULL;
}

/* Adds the chunk blocks into block 0 and steps the optimizer, over this
 * worker's share of the parameters. */
static void *
update_worker(void *arg)
{
    struct train_worker *tw = arg;
    struct trainer *t = tw->t;
    size_t n = t->m->arch.n_params;
    size_t lo = n * (size_t)tw->index / (size_t)t->n_threads;
    size_t hi = n * (size_t)(tw->index + 1) / (size_t)t->n_threads;

    for (int c = 1; c < t->n_chunks; c++) {
        const float *g = t->grads + (size_t)c * n;

        for (size_t j = lo; j < hi; j++)
            t->grads[j] += g[j];
    }
    sgd_step_range(t->m->params, t->velocity, t->grads, &t->m->arch,
                   t->hyper->lr, t->hyper->momentum, t->hyper->decay, lo,
                   hi);
    return NULL;
}

double
trainer_step(struct trainer *t, const uint8_t *pixels, const uint8_t *labels,
             int B, uint64_t step, const struct train_hyper *h, int *correct)
{
    double loss = 0.0;
    int T;

    t->pixels = pixels, t->labels = labels, t->batch = B;
    t->step = step, t->hyper = h;
    t->n_chunks = (B + t->chunk - 1) / t->chunk;
    atomic_store(&t->next_chunk, 0);
    T = t->n_threads < t->n_chunks ? t->n_threads : t->n_chunks;
    threads_run(gradient_worker, t->workers, sizeof *t->workers, T);
    threads_run(update_worker, t->workers, sizeof *t->workers,
                t->n_threads);
    *correct = 0;
    for (int c = 0; c < t->n_chunks; c++) {
        loss += t->chunk_loss[c];
        *correct += t->chunk_correct[c];
    }
    return loss;
}
