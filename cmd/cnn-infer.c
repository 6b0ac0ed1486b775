/* cnn-infer - classify a stream of 28x28 grey images with a trained
 * model: one prediction line (or JSON object) per image, in order.
 *
 * Images are read and classified in chunks, so a stream of any length
 * runs in bounded memory and a single image answers without waiting for
 * more input. Each chunk is split across threads (common/nn/infer.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/json.h"
#include "core/mnist.h"
#include "core/threads.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "nn/infer.h"

#define CHUNK 256               /* images read before classifying */
#define WORK_BYTES (4 << 20)    /* activation memory per thread */

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--model FILE] [--json [--echo-input]] "
            "[--threads N]\n       [--no-reject] [FILE]\n"
            "       %s [--model FILE] [--json] --check\n", progname(),
            progname());
    if (fp == stdout)
        fputs("Classify 28x28 PGM images: one line per image,\n"
              "PRED CONF P0 ... P9 (or one JSON object with --json); PRED "
              "is - when\nthe image holds no single digit.\n"
              "  --model FILE  model file (default models/mnist.model)\n"
              "  --json        write JSON lines\n"
              "  --echo-input  with --json, add \"input\": the 28x28 "
              "pixels, base64\n"
              "  --no-reject   always name a digit, even for a picture the "
              "model\n                takes for no digit\n"
              "  --check       load the model, print its id and exit\n"
              "  --threads N   worker threads (default: all cores)\n"
              "  --help        show this help\n"
              "FILE defaults to standard input.\n", fp);
    exit(status);
}

struct opts {
    const char *model, *file;
    int json, echo, check, threads, no_reject;
};

/* One answer: p a row of MNIST_OUTPUTS probabilities; input the image
 * when it is to be echoed (--json --echo-input), else NULL. */
static void
print_one(const float *p, const struct opts *o, const uint8_t *input,
          const char *model_id)
{
    int guess = infer_argmax(p);
    int verdict = o->no_reject ? guess : infer_verdict(p);

    if (o->json) {
        json_put_prediction(stdout, verdict, guess, p, input, model_id);
    } else {
        if (verdict == MNIST_NOT_DIGIT)
            printf("- %.6f", p[verdict]);
        else
            printf("%d %.6f", verdict, p[verdict]);
        for (int k = 0; k < MNIST_CLASSES; k++)
            printf(" %.6f", p[k]);
    }
    if (putchar('\n') == EOF)
        fatal(2, "write error on standard output: %s", strerror(errno));
}

/* Activation floats one image needs in inference, for sizing chunks. */
static size_t
floats_per_image(const struct arch *a)
{
    size_t n = MNIST_PIXELS + MNIST_OUTPUTS;

    for (int i = 0; i < a->n_layers; i++)
        n += a->layers[i].n_out;
    return n;
}


static void
parse_opts(struct opts *o, int argc, char *argv[])
{
    static const struct option opts[] = {
        { "model",      required_argument, NULL, 'm' },
        { "json",       no_argument,       NULL, 'j' },
        { "threads",    required_argument, NULL, 't' },
        { "echo-input", no_argument,       NULL, 'e' },
        { "check",      no_argument,       NULL, 'c' },
        { "no-reject",  no_argument,       NULL, 'r' },
        { "help",       no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'j': o->json = 1; break;
        case 'e': o->echo = 1; break;
        case 'c': o->check = 1; break;
        case 'r': o->no_reject = 1; break;
        case 't': o->threads = (int)parse_count(optarg, 1, 64, "--threads");
                  break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1 || (o->check && argc != optind) ||
        (o->echo && !o->json))
        usage(stderr, 1);
    o->file = argc - optind == 1 ? argv[optind] : NULL;
}

/* --check: the model loads; its id. */
static void
check_model(const struct opts *o)
{
    struct model m;
    char err[ERRLEN];

    struct infer in;

    if (model_load_path(&m, o->model, err) != 0)
        fatal(1, "%s", err);
    infer_init(&in, &m, 1, 1);
    if (infer_probe(&in) != 0)
        fatal(1, "%s: the output is not finite on a plain image (the "
              "weights overflow)", o->model);
    infer_free(&in);
    printf(o->json ? "{\"status\":\"ok\",\"model\":\"%s\"}\n" : "ok %s\n",
           m.id);
    model_free(&m);
}

/* Classifies the stream fp (called name in messages) chunk by chunk. */
static void
run_stream(struct infer *in, const struct model *m, FILE *fp,
           const char *name, const struct opts *o)
{
    uint8_t *pix = xmalloc_array(CHUNK, MNIST_PIXELS);
    float *prob = xmalloc_array(CHUNK, MNIST_OUTPUTS * sizeof(float));
    char err[ERRLEN];
    size_t index = 0;
    int w = 0, h = 0, rc = 1;

    while (rc == 1) {
        int n = 0;

        while (n < CHUNK && (rc = pgmio_read(pix + (size_t)n * MNIST_PIXELS,
                                             MNIST_PIXELS, &w, &h, fp,
                                             err)) == 1) {
            if (w != MNIST_SIDE || h != MNIST_SIDE)
                break;
            n++;
        }
        if (rc == -2)
            rc = 1;             /* too big: reported as a wrong size */
        int bad = infer_run(in, prob, pix, n);
        if (bad >= 0)
            fatal(2, "%s: image %zu: the model's output is not finite (its "
                  "weights overflow): the model is broken", name,
                  index + (size_t)bad + 1);
        for (int i = 0; i < n; i++)
            print_one(prob + (size_t)i * MNIST_OUTPUTS, o,
                      o->echo ? pix + (size_t)i * MNIST_PIXELS : NULL,
                      m->id);
        index += (size_t)n;
        if (rc == 1 && (w != MNIST_SIDE || h != MNIST_SIDE))
            fatal(1, "%s: image %zu: %dx%d, expected 28x28 (run preproc "
                  "first)", name, index + 1, w, h);
        if (rc < 0)
            fatal(1, "%s: image %zu: %s", name, index + 1, err);
    }
    free(pix), free(prob);
}

int
main(int argc, char *argv[])
{
    struct opts o = { .model = "models/mnist.model",
                      .threads = threads_default(64) };
    const char *name;
    char err[ERRLEN];
    struct model m;
    struct infer in;
    FILE *fp;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    parse_opts(&o, argc, argv);
    if (o.check) {
        check_model(&o);
        finish_stdout();
        return 0;
    }
    fp = open_input(o.file, &name);
    if (model_load_path(&m, o.model, err) != 0)
        fatal(1, "%s", err);
    size_t per = WORK_BYTES / (floats_per_image(&m.arch) * sizeof(float));
    infer_init(&in, &m, o.threads, per < 1 ? 1 : per > CHUNK ? CHUNK
                                                          : (int)per);
    run_stream(&in, &m, fp, name, &o);
    close_input(fp);
    infer_free(&in);
    model_free(&m);
    finish_stdout();
    return 0;
}
