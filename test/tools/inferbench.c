/* inferbench - in-process inference timing, for scripts/bench:
 *
 *   inferbench MODEL PGM RUNS
 *
 * loads MODEL and the 28x28 images of the PGM stream, then RUNS times
 * classifies one image alone (the web page's case: one request, one
 * image) on one thread, the images in turn, and prints the median of
 * those times and the kernel level that ran them:
 *
 *   infer_single kernels avx2 ms_median 0.123 runs 1000
 *
 * The model's set-up (loading, preparing the weights) is not timed, as
 * ONNX Runtime's session is not in its figure. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "nn/infer.h"
#include "nn/kern.h"
#include "nn/model.h"

static int
by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
    char err[ERRLEN];
    struct model m;
    struct infer in;
    float prob[MNIST_OUTPUTS];
    size_t n = 0, cap = 1024;
    int w, h, rc;
    FILE *fp;

    set_progname(argv[0]);
    pgmio_init();
    if (argc != 4)
        fatal(1, "usage: inferbench MODEL PGM RUNS");
    size_t runs = parse_count(argv[3], 1, 1000000, "RUNS");
    if (model_load_path(&m, argv[1], err) != 0)
        fatal(1, "%s", err);
    if ((fp = fopen(argv[2], "rb")) == NULL)
        fatal(1, "%s: cannot open", argv[2]);
    uint8_t *pix = xmalloc_array(cap, MNIST_PIXELS);
    while ((rc = pgmio_read(pix + n * MNIST_PIXELS, MNIST_PIXELS, &w, &h,
                            fp, err)) == 1 && w == MNIST_SIDE &&
           h == MNIST_SIDE && n + 1 < cap)
        n++;
    fclose(fp);
    if (n == 0)
        fatal(1, "%s: no 28x28 image", argv[2]);
    infer_init(&in, &m, 1, 1);
    infer_run(&in, prob, pix, 1);               /* buffers, caches warm */
    double *t = xmalloc_array(runs, sizeof *t);
    for (size_t r = 0; r < runs; r++) {
        double t0 = now_seconds();

        infer_run(&in, prob, pix + r % n * MNIST_PIXELS, 1);
        t[r] = now_seconds() - t0;
    }
    qsort(t, runs, sizeof *t, by_value);
    printf("infer_single kernels %s ms_median %.4f runs %zu\n",
           kern_active_name(), t[runs / 2] * 1e3, runs);
    infer_free(&in);
    model_free(&m);
    free(pix), free(t);
    return 0;
}
