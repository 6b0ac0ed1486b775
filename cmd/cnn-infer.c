/* cnn-infer - classify a stream of 28x28 grey images with a trained
 * model: one prediction line (or JSON object) per image, in order.
 *
 * Images are read and classified in chunks, so a stream of any length
 * runs in bounded memory and a single image answers without waiting for
 * more input. Each chunk is split across threads (common/nn/infer.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/home.h"
#include "core/json.h"
#include "core/mnist.h"
#include "core/threads.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "nn/infer.h"
#include "nn/kern.h"
#include "nn/number.h"

#define CHUNK 256               /* images read before classifying */
#define WORK_BYTES (4 << 20)    /* activation memory per thread */

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--model FILE] [--json [--echo-input]] "
            "[--threads N]\n       [--no-reject] [--groups FILE] [--bf16] "
            "[FILE]\n"
            "       %s [--model FILE] [--json] --check\n", progname(),
            progname());
    if (fp == stdout)
        fputs("Classify 28x28 PGM images: one line per image,\n"
              "PRED CONF P0 ... P9 (or one JSON object with --json); PRED "
              "is - when\nthe image holds no single digit.\n"
              "  --model FILE  model file (default models/mnist.model in "
              "$DIGITS_HOME,\n"
              "                the folder above bin/, or "
              "PREFIX/share/digits)\n"
              "  --json        write JSON lines\n"
              "  --echo-input  with --json, add \"input\": the 28x28 "
              "pixels, base64\n"
              "  --no-reject   always name a digit, even for a picture the "
              "model\n                takes for no digit\n"
              "  --groups FILE read numbers: FILE is preproc --split "
              "--groups's; one\n                line per picture, NUMBER "
              "CONF D:C ... (- when one of its\n                digits is "
              "not a digit), or one JSON object with --json\n"
              "  --check       load the model, print its id and exit\n"
              "  --threads N   worker threads (default: all cores)\n"
              "  --bf16        BF16 products, float sums (see cnn-infer(1))\n"
              "  --help        show this help\n"
              "FILE defaults to standard input.\n", fp);
    if (fp == stdout)
        kern_help(fp);
    exit(status);
}

struct opts {
    const char *model, *file, *groups;
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
        { "groups",     required_argument, NULL, 'g' },
        { "bf16",       no_argument,       NULL, 'b' },
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
        case 'g': o->groups = optarg; break;
        case 'b': kern_bf16 = 1; break;
        case 't': o->threads = (int)parse_count(optarg, 1, 64, "--threads");
                  break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1 || (o->check && argc != optind) ||
        (o->echo && !o->json) || (o->groups && o->no_reject))
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

/* One number's answer, from its n candidates' probabilities. */
static void
print_number(const struct number_read *r, const float *prob,
             const uint8_t *pix, const struct opts *o, const char *model_id)
{
    if (o->json) {
        float p[NUMBER_MAX_SLICES * MNIST_OUTPUTS];
        uint8_t in[NUMBER_MAX_SLICES * MNIST_PIXELS];
        int guess[NUMBER_MAX_SLICES];

        number_gather(r, prob, pix, p, in, guess);
        json_put_number(stdout, r->rejected || r->n == 0 ? NULL : r->text,
                        r->confidence, r->guess, r->n, r->verdict, guess, p,
                        o->echo ? in : NULL, model_id);
    } else {
        printf("%s %.6f", r->rejected || r->n == 0 ? "-" : r->text,
               r->confidence);
        for (int j = 0; j < r->n; j++) {
            const float *p = prob + (size_t)r->chosen[j] * MNIST_OUTPUTS;

            if (r->verdict[j] == MNIST_NOT_DIGIT)
                printf(" -:%.6f", p[MNIST_NOT_DIGIT]);
            else
                printf(" %d:%.6f", r->verdict[j], p[r->verdict[j]]);
        }
    }
    if (putchar('\n') == EOF)
        fatal(2, "write error on standard output: %s", strerror(errno));
}

/* --groups: reads each picture's candidates from fp, as its line in the
 * groups file says, and prints its number. */
static void
run_groups(struct infer *in, const struct model *m, FILE *fp,
           const char *name, const struct opts *o)
{
    uint8_t *pix = xmalloc_array(NUMBER_MAX_IMAGES, MNIST_PIXELS);
    float *prob = xmalloc_array(NUMBER_MAX_IMAGES,
                                MNIST_OUTPUTS * sizeof(float));
    static struct number_cand cand[NUMBER_MAX_IMAGES];
    FILE *gf = fopen(o->groups, "r");
    char line[8192], err[ERRLEN];
    size_t index = 0, lineno = 0;

    if (gf == NULL)
        fatal(1, "%s: %s", o->groups, strerror(errno));
    while (fgets(line, sizeof line, gf) != NULL) {
        int slices = 0, w, h, rc;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(gf))
            fatal(1, "%s: line %zu: too long", o->groups, lineno);
        int n = number_parse_line(line, &slices, cand, err);
        if (n < 0)
            fatal(1, "%s: line %zu: %s", o->groups, lineno, err);
        for (int i = 0; i < n; i++, index++) {
            rc = pgmio_read(pix + (size_t)i * MNIST_PIXELS, MNIST_PIXELS, &w,
                            &h, fp, err);
            if (rc == 0)
                fatal(1, "%s: %s line %zu wants image %zu, and the stream "
                      "has ended", name, o->groups, lineno, index + 1);
            if (rc < 0 && rc != -2)
                fatal(1, "%s: image %zu: %s", name, index + 1, err);
            if (rc == -2 || w != MNIST_SIDE || h != MNIST_SIDE)
                fatal(1, "%s: image %zu: %dx%d, expected 28x28 (run preproc "
                      "first)", name, index + 1, w, h);
        }
        struct number_read r = { 0 };
        if (n > 0) {
            int bad = infer_run(in, prob, pix, n);
            if (bad >= 0)
                fatal(2, "%s: image %zu: the model's output is not finite "
                      "(its weights overflow): the model is broken", name,
                      index - (size_t)n + (size_t)bad + 1);
            if (number_decode(&r, cand, prob, n, slices) != 0)
                fatal(1, "%s: line %zu: the images do not cover the %d "
                      "slices", o->groups, lineno, slices);
        } else {
            r.rejected = 1, r.confidence = 1.0f;
        }
        print_number(&r, prob, pix, o, m->id);
    }
    if (ferror(gf))
        fatal(2, "%s: %s", o->groups, strerror(errno));
    fclose(gf);
    int w, h;
    if (pgmio_read(pix, MNIST_PIXELS, &w, &h, fp, err) != 0)
        fatal(1, "%s: image %zu: more images than %s has lines for", name,
              index + 1, o->groups);
    free(pix), free(prob);
}

int
main(int argc, char *argv[])
{
    struct opts o = { .threads = threads_default(64) };
    const char *name;
    char err[ERRLEN], model_path[PATH_MAX];
    struct model m;
    struct infer in;
    FILE *fp;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    parse_opts(&o, argc, argv);
    /* The project's model, wherever the program is run from (core/home.h). */
    if (o.model == NULL)
        o.model = home_file(model_path, argv[0], "models/mnist.model") == 0 ?
                  model_path : "models/mnist.model";
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
    if (o.groups != NULL)
        run_groups(&in, &m, fp, name, &o);
    else
        run_stream(&in, &m, fp, name, &o);
    close_input(fp);
    infer_free(&in);
    model_free(&m);
    finish_stdout();
    return 0;
}
