/* infer - see infer.h. */
#include "infer.h"

#include <stdlib.h>
#include <string.h>

#include "threads.h"
#include "util.h"

void
infer_init(struct infer *in, const struct model *m, int n_threads,
           int chunk)
{
    in->n_threads = n_threads;
    in->workers = xcalloc((size_t)n_threads, sizeof *in->workers);
    for (int t = 0; t < n_threads; t++) {
        in->workers[t].m = m;
        net_work_init(&in->workers[t].work, &m->arch, chunk, 0);
    }
}

void
infer_free(struct infer *in)
{
    for (int t = 0; t < in->n_threads; t++)
        net_work_free(&in->workers[t].work);
    free(in->workers);
    memset(in, 0, sizeof *in);
}

static void *
infer_worker_run(void *arg)
{
    struct infer_worker *iw = arg;
    struct net_work *w = &iw->work;

    for (int i = 0; i < iw->n; i += w->max_n) {
        int n = iw->n - i < w->max_n ? iw->n - i : w->max_n;

        net_input(w->act[0], iw->pixels + (size_t)i * NET_IN_PIXELS,
                  (size_t)n);
        net_forward(w, &iw->m->arch, iw->m->params, n, NULL);
        memcpy(iw->prob + (size_t)i * ARCH_N_CLASSES, w->prob,
               (size_t)n * ARCH_N_CLASSES * sizeof(float));
    }
    return NULL;
}

void
infer_run(struct infer *in, float *prob, const uint8_t *pixels, int n)
{
    int T = n < in->n_threads ? (n > 0 ? n : 1) : in->n_threads;

    for (int t = 0; t < T; t++) {
        int lo = (int)((long long)n * t / T);
        int hi = (int)((long long)n * (t + 1) / T);

        in->workers[t].pixels = pixels + (size_t)lo * NET_IN_PIXELS;
        in->workers[t].prob = prob + (size_t)lo * ARCH_N_CLASSES;
        in->workers[t].n = hi - lo;
    }
    threads_run(infer_worker_run, in->workers, sizeof *in->workers, T);
}
