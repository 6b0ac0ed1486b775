/* nondigits - write a stream of pictures that hold no single digit
 * (letters, symbols, scribbles, shapes, blobs, dots, noise, numbers of
 * several digits), dark ink on light paper, to teach and test a
 * network's "not a digit" answer.
 *
 * Picture i (from 0) is of the i-th kind of the list, round and round,
 * and is drawn from its own random stream (seed, i): the output depends
 * on the options alone, and a kind's share is exact. The several-digit
 * pictures need real digits; they come from an MNIST stream held in
 * memory (at most DIGITS_MAX of them). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/rng.h"
#include "core/util.h"
#include "img/canvas.h"
#include "img/nondigit.h"
#include "img/pgmio.h"

#define DIGITS_MAX 70000        /* all of MNIST; 55 MB */
#define KINDS_MAX 64            /* names in one --kinds */

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--count N] [--seed N] [--kinds LIST] "
            "[--digits FILE]\n", progname());
    if (fp == stdout)
        fputs("Write pictures that hold no single digit as a PGM stream.\n"
              "  --count N      write N pictures (default 1000)\n"
              "  --seed N       random seed (default 1)\n"
              "  --kinds LIST   comma-separated, in turn (default all):\n"
              "                 letters,symbols,scribbles,shapes,blobs,\n"
              "                 dots,noise,several\n"
              "  --digits FILE  MNIST 28x28 PGM stream for several\n"
              "                 (without it, the default skips several)\n"
              "  --help         show this help\n", fp);
    exit(status);
}

/* The kinds named in list (comma-separated) into kinds; returns their
 * number. An empty or unknown name exits 1. */
static int
parse_kinds(int *kinds, const char *list)
{
    int n = 0;

    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        char name[32];

        if (len == 0 || len >= sizeof name)
            fatal(1, "--kinds: '%s': expected names separated by commas",
                  list);
        memcpy(name, p, len);
        name[len] = '\0';
        if (n == KINDS_MAX)
            fatal(1, "--kinds: more than %d names", KINDS_MAX);
        if ((kinds[n++] = nondigit_kind(name)) < 0)
            fatal(1, "--kinds: unknown kind '%s' (try --help)", name);
        p += len;
        if (*p == '\0')
            return n;
    }
}

/* Reads the 28x28 images of the stream at path into a new buffer
 * (free() it); sets *n. Anything else exits 1 naming the image. */
static uint8_t *
read_digits(const char *path, size_t *n)
{
    const char *name;
    FILE *fp = open_input(path, &name);
    size_t cap = 1024;
    uint8_t *d = xmalloc_array(cap, 784);
    char err[ERRLEN];
    int w, h, rc;

    *n = 0;
    while ((rc = pgmio_read(d + *n * 784, 784, &w, &h, fp, err)) == 1 ||
           rc == -2) {
        if (rc == -2 || w != 28 || h != 28)
            fatal(1, "%s: image %zu: %dx%d, expected 28x28 (an MNIST "
                  "stream from idx2pgm)", name, *n + 1, w, h);
        if (++*n == DIGITS_MAX) {
            if (getc(fp) != EOF)
                fatal(1, "%s: more than %d images", name, DIGITS_MAX);
            break;
        }
        if (*n == cap) {
            uint8_t *more = realloc(d, (cap *= 2) * 784);
            if (more == NULL)
                fatal(2, "out of memory reading %s", name);
            d = more;
        }
    }
    if (rc < 0)
        fatal(1, "%s: image %zu: %s", name, *n + 1, err);
    if (*n == 0)
        fatal(1, "%s: no images", name);
    close_input(fp);
    return d;
}

/* Drops several from kinds when there are no digits for it: an error
 * if it was asked for by name, silence if it came with the default. */
static int
drop_several(int *kinds, int n, int named)
{
    int m = 0;

    for (int i = 0; i < n; i++)
        if (kinds[i] != NONDIGIT_SEVERAL)
            kinds[m++] = kinds[i];
        else if (named)
            fatal(1, "--kinds several needs --digits FILE (an MNIST "
                  "stream, e.g. from idx2pgm)");
    return m;
}

static void
write_pictures(const int *kinds, int n_kinds, size_t count, uint64_t seed,
               const uint8_t *digits, size_t n_digits)
{
    for (size_t i = 0; i < count; i++) {
        struct canvas c;
        struct rng r;

        rng_init(&r, seed, i, 0, 0);
        nondigit_draw(&c, kinds[i % (size_t)n_kinds], digits, n_digits, &r);
        uint8_t *pix = xmalloc((size_t)c.w * c.h);
        canvas_photo(pix, &c, &r);
        if (pgmio_write(stdout, pix, c.w, c.h) != 0)
            fatal(2, "write error: %s", strerror(errno));
        free(pix);
        canvas_free(&c);
    }
}

int
main(int argc, char *argv[])
{
    static const struct option opts[] = {
        { "count",  required_argument, NULL, 'n' },
        { "seed",   required_argument, NULL, 's' },
        { "kinds",  required_argument, NULL, 'k' },
        { "digits", required_argument, NULL, 'd' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    size_t count = 1000, seed = 1, n_digits = 0;
    const char *list = NULL, *digits_path = NULL;
    int kinds[KINDS_MAX], n_kinds = 0, c;
    uint8_t *digits = NULL;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': count = parse_count(optarg, 0, SIZE_MAX, "--count"); break;
        case 's': seed = parse_count(optarg, 0, SIZE_MAX, "--seed"); break;
        case 'k': list = optarg; break;
        case 'd': digits_path = optarg; break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc != optind)
        usage(stderr, 1);
    if (list != NULL)
        n_kinds = parse_kinds(kinds, list);
    else
        for (; n_kinds < NONDIGIT_N_KINDS; n_kinds++)
            kinds[n_kinds] = n_kinds;
    if (digits_path != NULL)
        digits = read_digits(digits_path, &n_digits);
    else
        n_kinds = drop_several(kinds, n_kinds, list != NULL);
    write_pictures(kinds, n_kinds, count, (uint64_t)seed, digits, n_digits);
    free(digits);
    finish_stdout();
    return 0;
}
