/* infer - see infer.h. */
#include "nn/infer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/threads.h"
#include "core/util.h"

void
infer_init(struct infer *in, const struct model *m, int n_threads,
           int chunk)
{
    memset(in, 0, sizeof *in);
    in->n_threads = n_threads;
    in->chunk = chunk;
    in->workers = xcalloc((size_t)n_threads, sizeof *in->workers);
    for (int t = 0; t < n_threads; t++)
        in->workers[t].m = m;
}

/* Gives worker t room for min(n, chunk) images. Buffers are sized on
 * first use and only grow: a single image (the web page's case) then
 * costs one image's worth of memory, not n_threads chunks of it. */
static void
worker_reserve(struct infer *in, struct infer_worker *iw, int n)
{
    int want = n < in->chunk ? n : in->chunk;

    if (want <= iw->work.max_n)
        return;
    net_work_free(&iw->work);
    net_work_init(&iw->work, &iw->m->arch, want, 0);
    iw->work.prep = &in->prep;
}

void
infer_update(struct infer *in)
{
    net_prep_free(&in->prep);           /* prepared again when it pays */
    in->n_seen = 0;
}

void
infer_free(struct infer *in)
{
    for (int t = 0; t < in->n_threads; t++)
        net_work_free(&in->workers[t].work);
    free(in->workers);
    net_prep_free(&in->prep);
    memset(in, 0, sizeof *in);
}

static void *
infer_worker_run(void *arg)
{
    struct infer_worker *iw = arg;
    struct net_work *w = &iw->work;
    int K = iw->m->arch.n_classes;

    for (int i = 0; i < iw->n; i += w->max_n) {
        int n = iw->n - i < w->max_n ? iw->n - i : w->max_n;

        net_input(w->act[0], iw->pixels + (size_t)i * MNIST_PIXELS,
                  (size_t)n);
        net_forward(w, &iw->m->arch, iw->m->params, n, NULL);
        for (int j = 0; j < n; j++) {
            float *row = iw->prob + (size_t)(i + j) * MNIST_OUTPUTS;

            /* A network without "not a digit" leaves its column 0. */
            memcpy(row, w->prob + (size_t)j * K, (size_t)K * sizeof(float));
            for (int k = K; k < MNIST_OUTPUTS; k++)
                row[k] = 0;
        }
    }
    return NULL;
}

int
infer_run(struct infer *in, float *prob, const uint8_t *pixels, int n)
{
    int T = n < in->n_threads ? (n > 0 ? n : 1) : in->n_threads;
    const struct model *m = in->workers[0].m;

    in->n_seen += (size_t)n;
    if (in->prep.block == NULL && in->n_seen >= INFER_PREPARE_AT)
        net_prepare(&in->prep, &m->arch, m->params);

    for (int t = 0; t < T; t++) {
        int lo = (int)((long long)n * t / T);
        int hi = (int)((long long)n * (t + 1) / T);

        in->workers[t].pixels = pixels + (size_t)lo * MNIST_PIXELS;
        in->workers[t].prob = prob + (size_t)lo * MNIST_OUTPUTS;
        in->workers[t].n = hi - lo;
        worker_reserve(in, &in->workers[t], hi - lo);
    }
    threads_run(infer_worker_run, in->workers, sizeof *in->workers, T);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < MNIST_OUTPUTS; k++)
            if (!isfinite(prob[(size_t)i * MNIST_OUTPUTS + k]))
                return i;
    return -1;
}

double
infer_accuracy(struct infer *in, const uint8_t *pixels,
               const uint8_t *labels, size_t n)
{
    float *prob = xmalloc_array(n, MNIST_OUTPUTS * sizeof(float));
    size_t correct = 0;

    infer_update(in);
    infer_run(in, prob, pixels, (int)n);
    for (size_t i = 0; i < n; i++)
        correct += infer_verdict(prob + i * MNIST_OUTPUTS) == labels[i];
    free(prob);
    return n > 0 ? (double)correct / (double)n : 0.0;
}

int
infer_verdict(const float *prob)
{
    return prob[MNIST_NOT_DIGIT] >= INFER_REJECT_AT ? MNIST_NOT_DIGIT
                                                   : infer_argmax(prob);
}

int
infer_argmax(const float *prob)
{
    int best = 0;

    for (int k = 1; k < MNIST_CLASSES; k++)
        if (prob[k] > prob[best])
            best = k;
    return best;
}

int
infer_probe(struct infer *in)
{
    uint8_t pix[3 * MNIST_PIXELS];
    float prob[3 * MNIST_OUTPUTS];

    memset(pix, 0, MNIST_PIXELS);
    memset(pix + MNIST_PIXELS, 255, MNIST_PIXELS);
    for (int i = 0; i < MNIST_PIXELS; i++)
        pix[2 * MNIST_PIXELS + i] = (uint8_t)((i / MNIST_SIDE + i) % 2 * 255);
    return infer_run(in, prob, pix, 3) >= 0 ? -1 : 0;
}
