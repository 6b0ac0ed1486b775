/* cnn-infer - classify a stream of 28x28 grey images with a trained
 * model: one prediction line (or JSON object) per image, in order.
 *
 * Images are read and classified in chunks, so a stream of any length
 * runs in bounded memory and a single image answers without waiting for
 * more input. Each chunk is split across threads (common/nn/infer.c).
 *
 * --preproc runs preproc's code (common/img/preproc.c) on each image first.
 * It exists for the web page's request path: on a small machine every
 * process a request starts costs about a millisecond, and `preproc |
 * cnn-infer` under a shell capture was measured to cap a CGI below 400
 * requests/s with programs that did nothing at all. The answers are the
 * same bytes as the pipeline's (test/cli/cnn-infer.t checks). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/json.h"
#include "core/mnist.h"
#include "core/threads.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "img/preproc.h"
#include "nn/infer.h"

#define CHUNK 256               /* images read before classifying */
#define WORK_BYTES (4 << 20)    /* activation memory per thread */
#define MAX_PIXELS 25000000     /* largest image --preproc takes, as preproc */

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--model FILE] [--json [--echo-input]] "
            "[--threads N]\n       [--preproc [--body N [--http ORIGIN]]] "
            "[FILE]\n"
            "       %s [--model FILE] [--json] --check\n", progname(),
            progname());
    if (fp == stdout)
        fputs("Classify 28x28 PGM images: one line per image,\n"
              "PRED CONF P0 ... P9 (or one JSON object with --json).\n"
              "  --model FILE  model file (default models/mnist.model)\n"
              "  --json        write JSON lines\n"
              "  --echo-input  with --json, add \"input\": the 28x28 "
              "pixels, base64\n"
              "  --check       load the model, print its id and exit\n"
              "  --preproc     take images of any size and prepare each "
              "as preproc does\n"
              "  --body N      with --preproc: the input is a request body "
              "of exactly N\n"
              "                bytes holding one image (CGI's "
              "CONTENT_LENGTH)\n"
              "  --http ORIGIN with --body: answer as a CGI program: a "
              "Status line,\n"
              "                CORS headers for ORIGIN, Content-Type, "
              "the JSON\n"
              "                (or {\"error\":...})\n"
              "  --threads N   worker threads (default: all cores)\n"
              "  --help        show this help\n"
              "FILE defaults to standard input.\n", fp);
    exit(status);
}

/* One answer: p the ten probabilities; input the image when it is to be
 * echoed (--json --echo-input), else NULL. */
static void
print_one(const float *p, int json, const uint8_t *input,
          const char *model_id)
{
    int best = infer_argmax(p);

    if (json)
        printf("{\"prediction\":%d,\"confidence\":%.6f,\"probabilities\":[",
               best, p[best]);
    else
        printf("%d %.6f", best, p[best]);
    for (int k = 0; k < MNIST_CLASSES; k++)
        printf(json ? "%s%.6f" : "%s%.6f", json && k == 0 ? "" :
               json ? "," : " ", p[k]);
    if (json && input != NULL) {
        fputs("],\"input\":\"", stdout);
        json_put_base64(stdout, input, MNIST_PIXELS);
        printf("\",\"model\":\"%s\"}", model_id);
    } else if (json) {
        printf("],\"model\":\"%s\"}", model_id);
    }
    if (putchar('\n') == EOF)
        fatal(2, "write error on standard output: %s", strerror(errno));
}

/* Reads the next image into pix (MNIST_PIXELS bytes), through
 * preproc_image when pre is set. Returns as pgmio_read, and -3 when
 * preprocessing refuses the image (reason in err). */
static int
read_next(uint8_t *pix, int pre, int *w, int *h, FILE *fp, char *err)
{
    uint8_t *any;
    int rc;

    if (!pre)
        return pgmio_read(pix, MNIST_PIXELS, w, h, fp, err);
    rc = pgmio_read_alloc(&any, MAX_PIXELS, w, h, fp, err);
    if (rc != 1)
        return rc == -2 ? -1 : rc;
    rc = preproc_image(pix, any, *w, *h, POLARITY_AUTO, NULL, err);
    free(any);
    *w = *h = MNIST_SIDE;
    return rc == 0 ? 1 : -3;
}

/* Ends the program: the message on stderr and exit status. With --http
 * (http, the CORS origin, set) the client first gets a CGI answer with
 * the HTTP status code and {"error": text}; text NULL means the message
 * itself. */
/* The head of a CGI answer (--http): status, CORS for origin, type. */
static void
put_head(const char *origin, const char *status)
{
    printf("Status: %s\r\nAccess-Control-Allow-Origin: %s\r\nVary: Origin"
           "\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store"
           "\r\nContent-Type: application/json\r\n\r\n", status, origin);
}

static _Noreturn void fail(const char *http, int code, int status,
                           const char *text, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static _Noreturn void
fail(const char *http, int code, int status, const char *text,
     const char *fmt, ...)
{
    char msg[ERRLEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (http != NULL) {
        put_head(http, code == 400 ? "400 Bad Request" :
                 code == 422 ? "422 Unprocessable Entity" : code == 503 ?
                 "503 Service Unavailable" : "500 Internal Server Error");
        fputs("{\"error\":\"", stdout);
        json_put_text(stdout, text != NULL ? text : msg);
        fputs("\"}\n", stdout);
        fflush(stdout);
    }
    fatal(status, "%s", msg);
}

/* The web page's request path (--body): one image, read whole and
 * checked before a byte is written, so a failure is never half an
 * answer. With --http the answer is a CGI response; its status says
 * what went wrong: 400 a bad image, 422 no digit in it. */
static void
answer_body(struct infer *in, const struct model *m, FILE *fp, int json,
            int echo, const char *http)
{
    uint8_t pix[MNIST_PIXELS];
    float prob[MNIST_CLASSES];
    char err[ERRLEN];
    int w, h, rc = read_next(pix, 1, &w, &h, fp, err);

    if (rc == 0)
        fail(http, 400, 1, "no image in the body", "stdin: no image");
    if (rc == -3 && strstr(err, "no ink") != NULL)
        fail(http, 422, 1, "no digit found: draw or upload a digit",
             "stdin: image 1: %s", err);
    if (rc < 0) {
        char text[ERRLEN + 16];

        snprintf(text, sizeof text, "image 1: %s", err);
        fail(http, 400, 1, text, "stdin: %s", text);
    }
    if (getc(fp) != EOF)
        fail(http, 400, 1, "the body holds more than one image",
             "stdin: the body holds more than one image");
    infer_run(in, prob, pix, 1);
    if (http != NULL)
        put_head(http, "200 OK");
    print_one(prob, json, echo ? pix : NULL, m->id);
}

/* Activation floats one image needs in inference, for sizing chunks. */
static size_t
floats_per_image(const struct arch *a)
{
    size_t n = MNIST_PIXELS + MNIST_CLASSES;

    for (int i = 0; i < a->n_layers; i++)
        n += a->layers[i].n_out;
    return n;
}

struct opts {
    const char *model, *file, *http;
    int json, echo, check, pre, threads;
    size_t body;
};

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
    static const struct option opts[] = {
        { "model",   required_argument, NULL, 'm' },
        { "json",    no_argument,       NULL, 'j' },
        { "threads", required_argument, NULL, 't' },
        { "echo-input", no_argument,    NULL, 'e' },
        { "check",   no_argument,       NULL, 'c' },
        { "preproc", no_argument,       NULL, 'p' },
        { "body",    required_argument, NULL, 'b' },
        { "http",    required_argument, NULL, 'H' },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "m:jt:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'j': o->json = 1; break;
        case 'e': o->echo = 1; break;
        case 'c': o->check = 1; break;
        case 'p': o->pre = 1; break;
        case 'H': o->http = optarg, o->json = 1; break;
        case 'b': o->body = parse_count(optarg, 1, (size_t)1 << 30, "--body");
                  break;
        case 't': o->threads = (int)parse_count(optarg, 1, 64, "--threads");
                  break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1 || (o->check && argc != optind) ||
        (o->echo && !o->json) || (o->body > 0 && !o->pre) ||
        (o->http != NULL && o->body == 0))
        usage(stderr, 1);
    for (const char *s = o->http; s != NULL && *s != '\0'; s++)
        if (*s < 0x20 || *s > 0x7e)
            fatal(1, "--http: the origin must be printable ASCII");
    o->file = argc - optind == 1 ? argv[optind] : NULL;
}

/* --check: the model loads; its id. */
static void
check_model(const struct opts *o)
{
    struct model m;
    char err[ERRLEN];

    if (model_load_path(&m, o->model, err) != 0)
        fatal(1, "%s", err);
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
    float *prob = xmalloc_array(CHUNK, MNIST_CLASSES * sizeof(float));
    char err[ERRLEN];
    size_t index = 0;
    int w = 0, h = 0, rc = 1;

    while (rc == 1) {
        int n = 0;

        while (n < CHUNK && (rc = read_next(pix + (size_t)n * MNIST_PIXELS,
                                            o->pre, &w, &h, fp, err)) == 1) {
            if (w != MNIST_SIDE || h != MNIST_SIDE)
                break;
            n++;
        }
        if (rc == -2)
            rc = 1;             /* too big: reported as a wrong size */
        infer_run(in, prob, pix, n);
        for (int i = 0; i < n; i++)
            print_one(prob + (size_t)i * MNIST_CLASSES, o->json,
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
    const char *name = "stdin";
    char err[ERRLEN];
    struct model m;
    struct infer in;
    FILE *fp = stdin;
    int rc;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    parse_opts(&o, argc, argv);
    if (o.check) {
        check_model(&o);
        finish_stdout();
        return 0;
    }
    if (o.file != NULL && (fp = fopen(name = o.file, "rb")) == NULL)
        fatal(1, "%s: %s", name, strerror(errno));
    if (model_load_path(&m, o.model, err) != 0)
        fail(o.http, 503, 1, "the model does not load", "%s", err);
    if (o.body > 0 && (fp = pgmio_open_body(fp, o.body, &rc, err)) == NULL)
        fail(o.http, rc == 1 ? 400 : 500, rc, err, "%s: %s", name, err);
    size_t per = WORK_BYTES / (floats_per_image(&m.arch) * sizeof(float));
    infer_init(&in, &m, o.threads, per < 1 ? 1 : per > CHUNK ? CHUNK
                                                          : (int)per);
    if (o.body > 0)
        answer_body(&in, &m, fp, o.json, o.echo, o.http);
    else
        run_stream(&in, &m, fp, name, &o);
    infer_free(&in);
    model_free(&m);
    finish_stdout();
    return 0;
}
