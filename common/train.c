/* train - see train.h. */
#include "train.h"

#include <stdlib.h>
#include <string.h>

#include "infer.h"
#include "loss.h"
#include "optim.h"
#include "threads.h"
#include "util.h"

void
trainer_init(struct trainer *t, struct model *m, int n_threads,
             int max_batch)
{
    int per = (max_batch + n_threads - 1) / n_threads;

    t->m = m;
    t->n_threads = n_threads;
    t->max_batch = max_batch;
    t->velocity = xcalloc(m->arch.n_params, sizeof(float));
    t->workers = xcalloc((size_t)n_threads, sizeof *t->workers);
    for (int i = 0; i < n_threads; i++) {
        t->workers[i].m = m;
        t->workers[i].grads = xmalloc_array(m->arch.n_params, sizeof(float));
        net_work_init(&t->workers[i].work, &m->arch, per, 1);
    }
}

void
trainer_free(struct trainer *t)
{
    for (int i = 0; i < t->n_threads; i++) {
        free(t->workers[i].grads);
        net_work_free(&t->workers[i].work);
    }
    free(t->workers);
    free(t->velocity);
    memset(t, 0, sizeof *t);
}

static int
count_correct(const float *prob, const uint8_t *labels, int n)
{
    int correct = 0;

    for (int i = 0; i < n; i++)
        correct += infer_argmax(prob + (size_t)i * ARCH_N_CLASSES) ==
                   labels[i];
    return correct;
}

static void *
train_worker_run(void *arg)
{
    struct train_worker *tw = arg;
    struct net_work *w = &tw->work;
    const struct arch *a = &tw->m->arch;
    struct net_key key = { tw->seed, tw->step, (uint64_t)tw->first };

    memset(tw->grads, 0, a->n_params * sizeof(float));
    tw->loss = 0.0, tw->correct = 0;
    if (tw->n == 0)
        return NULL;
    net_input(w->act[0], tw->pixels, (size_t)tw->n);
    net_forward(w, a, tw->m->params, tw->n, &key);
    tw->loss = crossentropy_sum(w->prob, tw->labels, tw->n, ARCH_N_CLASSES);
    tw->correct = count_correct(w->prob, tw->labels, tw->n);
    net_backward(w, a, tw->m->params, tw->grads, tw->labels, tw->n,
                 1.0f / (float)tw->batch);
    return NULL;
}

double
trainer_step(struct trainer *t, const uint8_t *pixels, const uint8_t *labels,
             int B, uint64_t step, const struct train_hyper *h, int *correct)
{
    size_t n_params = t->m->arch.n_params;
    float *sum = t->workers[0].grads;
    double loss = 0.0;

    for (int i = 0; i < t->n_threads; i++) {
        struct train_worker *tw = &t->workers[i];

        tw->first = (int)((long long)B * i / t->n_threads);
        tw->n = (int)((long long)B * (i + 1) / t->n_threads) - tw->first;
        tw->pixels = pixels + (size_t)tw->first * NET_IN_PIXELS;
        tw->labels = labels + tw->first;
        tw->batch = B, tw->seed = h->seed, tw->step = step;
    }
    threads_run(train_worker_run, t->workers, sizeof *t->workers,
                t->n_threads);
    /* Reduce in thread order: the sum's rounding is then fixed by the
     * thread count alone, never by which thread finished first. */
    *correct = 0;
    for (int i = 0; i < t->n_threads; i++) {
        loss += t->workers[i].loss;
        *correct += t->workers[i].correct;
        for (size_t j = 0; i > 0 && j < n_params; j++)
            sum[j] += t->workers[i].grads[j];
    }
    sgd_step(t->m->params, t->velocity, sum, &t->m->arch, h->lr,
             h->momentum, h->decay);
    return loss;
}
