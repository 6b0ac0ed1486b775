/* cnn-infer - classify a stream of 28x28 grey images with a trained
 * model: one prediction line (or JSON object) per image, in order.
 *
 * Images are read and classified in chunks, so a stream of any length
 * runs in bounded memory and a single image answers without waiting for
 * more input. Each chunk is split across threads (common/infer.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "infer.h"
#include "pgmio.h"
#include "threads.h"
#include "util.h"

#define CHUNK 256               /* images read before classifying */
#define WORK_BYTES (4 << 20)    /* activation memory per thread */

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--model FILE] [--json] [--threads N] [FILE]\n",
            progname());
    if (fp == stdout)
        fputs("Classify 28x28 PGM images: one line per image,\n"
              "PRED CONF P0 ... P9 (or one JSON object with --json).\n"
              "  --model FILE  model file (default models/mnist.model)\n"
              "  --json        write JSON lines\n"
              "  --threads N   worker threads (default: all cores)\n"
              "  --help        show this help\n"
              "FILE defaults to standard input.\n", fp);
    exit(status);
}

static void
print_one(const float *p, int json, const char *model_id)
{
    int best = infer_argmax(p);

    if (json)
        printf("{\"prediction\":%d,\"confidence\":%.6f,\"probabilities\":[",
               best, p[best]);
    else
        printf("%d %.6f", best, p[best]);
    for (int k = 0; k < ARCH_N_CLASSES; k++)
        printf(json ? "%s%.6f" : "%s%.6f", json && k == 0 ? "" :
               json ? "," : " ", p[k]);
    if (json)
        printf("],\"model\":\"%s\"}", model_id);
    if (putchar('\n') == EOF)
        fatal(2, "write error on standard output: %s", strerror(errno));
}

/* Activation floats one image needs in inference, for sizing chunks. */
static size_t
floats_per_image(const struct arch *a)
{
    size_t n = NET_IN_PIXELS + ARCH_N_CLASSES;

    for (int i = 0; i < a->n_layers; i++)
        n += a->layers[i].n_out;
    return n;
}

int
main(int argc, char *argv[])
{
    static const struct option opts[] = {
        { "model",   required_argument, NULL, 'm' },
        { "json",    no_argument,       NULL, 'j' },
        { "threads", required_argument, NULL, 't' },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *model_path = "models/mnist.model", *name = "stdin";
    int c, json = 0, threads = threads_default(64), w, h, rc = 1;
    char err[ERRLEN];
    struct model m;
    struct infer in;
    FILE *fp = stdin;
    size_t index = 0;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    while ((c = getopt_long(argc, argv, "m:jt:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'j': json = 1; break;
        case 't': threads = (int)parse_count(optarg, 1, 64, "--threads");
                  break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1)
        usage(stderr, 1);
    if (argc - optind == 1) {
        name = argv[optind];
        if ((fp = fopen(name, "rb")) == NULL)
            fatal(1, "%s: %s", name, strerror(errno));
    }
    if (model_load_path(&m, model_path, err) != 0)
        fatal(1, "%s", err);
    size_t per = WORK_BYTES / (floats_per_image(&m.arch) * sizeof(float));
    infer_init(&in, &m, threads, per < 1 ? 1 : per > CHUNK ? CHUNK : (int)per);

    uint8_t *pix = xmalloc_array(CHUNK, NET_IN_PIXELS);
    float *prob = xmalloc_array(CHUNK, ARCH_N_CLASSES * sizeof(float));
    while (rc == 1) {
        int n = 0;

        while (n < CHUNK && (rc = pgmio_read(pix + (size_t)n * NET_IN_PIXELS,
                                             NET_IN_PIXELS, &w, &h, fp,
                                             err)) == 1) {
            if (w != ARCH_IN_W || h != ARCH_IN_H)
                break;
            n++;
        }
        if (rc == -2)
            rc = 1;             /* too big: reported as a wrong size */
        infer_run(&in, prob, pix, n);
        for (int i = 0; i < n; i++)
            print_one(prob + (size_t)i * ARCH_N_CLASSES, json, m.id);
        index += (size_t)n;
        if (rc == 1 && (w != ARCH_IN_W || h != ARCH_IN_H))
            fatal(1, "%s: image %zu: %dx%d, expected 28x28 (run preproc "
                  "first)", name, index + 1, w, h);
        if (rc < 0)
            fatal(1, "%s: image %zu: %s", name, index + 1, err);
    }
    free(pix), free(prob);
    infer_free(&in);
    model_free(&m);
    finish_stdout();
    return 0;
}
