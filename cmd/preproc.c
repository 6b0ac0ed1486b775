/* preproc - turn photographed, scanned or drawn digits (any PNM image,
 * any size) into the 28x28 white-on-black images cnn-infer reads, made
 * the way MNIST was made. The method is in common/img/preproc.c; this file
 * reads the stream, writes the results and names the image at fault. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netpbm/pam.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "img/preproc.h"

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--polarity auto|dark-ink|light-ink] "
            "[--max-pixels N]\n               [--dump-dir DIR] "
            "[--skip-blank] [--split [--groups FILE]] [FILE]\n",
            progname());
    if (fp == stdout)
        fputs("Make each image of a PNM stream a 28x28 MNIST-like digit.\n"
              "  --polarity P    auto (default): decide from the paper;\n"
              "                  dark-ink or light-ink to force it\n"
              "  --max-pixels N  refuse larger images (default 25000000)\n"
              "  --skip-blank    leave out an image with no ink (said on "
              "stderr)\n                  instead of stopping there\n"
              "  --split         a picture may hold several digits (a "
              "number): write\n                  each candidate digit, "
              "left to right\n"
              "  --groups FILE   with --split, write there a line per "
              "picture: its\n                  number of slices, then "
              "for each image A-B:P:X,Y,W,H,\n                  the slices "
              "it holds, their prior and its box\n                  (see "
              "preproc(1))\n"
              "  --dump-dir DIR  also write each image's intermediate steps\n"
              "                  there: N-ink.pgm and N-crop.pgm "
              "(N-crop-D.pgm\n                  for digit D of several)\n"
              "  --help          show this help\n"
              "FILE defaults to standard input.\n", fp);
    exit(status);
}

static void
write_pgm(const char *path, const uint8_t *pix, int w, int h)
{
    if (pgmio_save(path, pix, w, h) != 0)
        fatal(2, "%s: %s", path, strerror(errno));
}

static void
dump_steps(const char *dir, size_t index, const struct preproc_dump *d)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%zu-ink.pgm", dir, index);
    write_pgm(path, d->ink, d->ink_w, d->ink_h);
    for (int i = 0; i < d->n_crop; i++) {
        if (d->n_crop == 1)
            snprintf(path, sizeof path, "%s/%zu-crop.pgm", dir, index);
        else
            snprintf(path, sizeof path, "%s/%zu-crop-%d.pgm", dir, index,
                     i + 1);
        write_pgm(path, d->crop[i], d->crop_w[i], d->crop_h[i]);
    }
}

static enum preproc_polarity
parse_polarity(const char *s)
{
    if (strcmp(s, "auto") == 0)
        return POLARITY_AUTO;
    if (strcmp(s, "dark-ink") == 0)
        return POLARITY_DARK_INK;
    if (strcmp(s, "light-ink") == 0)
        return POLARITY_LIGHT_INK;
    fatal(1, "--polarity: '%s' is not auto, dark-ink or light-ink", s);
}

int
main(int argc, char *argv[])
{
    static const struct option lo[] = {
        { "polarity", 1, NULL, 'p' }, { "max-pixels", 1, NULL, 'm' },
        { "dump-dir", 1, NULL, 'd' }, { "skip-blank", 0, NULL, 's' },
        { "split", 0, NULL, 'S' }, { "groups", 1, NULL, 'g' },
        { "help", 0, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    enum preproc_polarity pol = POLARITY_AUTO;
    size_t max_pixels = PGMIO_MAX_PIXELS, index = 0;
    const char *dump_dir = NULL, *groups_path = NULL, *name;
    static struct preproc_digit out[PREPROC_MAX_IMAGES];
    uint8_t *pix;
    char err[ERRLEN];
    FILE *fp, *groups = NULL;
    int c, w, h, rc, skip_blank = 0, split = 0;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'p': pol = parse_polarity(optarg); break;
        case 'm': max_pixels = parse_count(optarg, 1, (size_t)1 << 31,
                                           "--max-pixels"); break;
        case 'd': dump_dir = optarg; break;
        case 's': skip_blank = 1; break;
        case 'S': split = 1; break;
        case 'g': groups_path = optarg; break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1 || (groups_path != NULL && !split))
        usage(stderr, 1);
    fp = open_input(argc - optind == 1 ? argv[optind] : NULL, &name);
    if (dump_dir != NULL && mkdir(dump_dir, 0777) != 0 && errno != EEXIST)
        fatal(2, "%s: %s", dump_dir, strerror(errno));
    if (groups_path != NULL && (groups = fopen(groups_path, "w")) == NULL)
        fatal(2, "%s: %s", groups_path, strerror(errno));
    while ((rc = pgmio_read_alloc(&pix, max_pixels, &w, &h, fp, err)) == 1) {
        struct preproc_dump d = { 0 };

        index++;
        int slices;
        rc = preproc_split(out, split, &slices, pix, w, h, pol,
                           dump_dir ? &d : NULL, err);
        free(pix);
        if (rc == PREPROC_NO_INK && skip_blank) {
            fprintf(stderr, "%s: %s: image %zu: %s: left out\n", progname(),
                    name, index, err);
            preproc_dump_free(&d);
            if (groups != NULL && (fputs("0\n", groups) == EOF ||
                                   fflush(groups) != 0))
                fatal(2, "%s: %s", groups_path, strerror(errno));
            continue;
        }
        if (rc < 0)
            fatal(1, "%s: image %zu: %s", name, index, err);
        if (dump_dir != NULL)
            dump_steps(dump_dir, index, &d);
        preproc_dump_free(&d);
        /* The line first, and at once: a reader of a FIFO learns how
         * many images to take before they come. */
        if (groups != NULL) {
            fprintf(groups, "%d", slices);
            for (int i = 0; i < rc; i++)
                fprintf(groups, " %d-%d:%.4f:%d,%d,%d,%d", out[i].first,
                        out[i].last, out[i].prior, out[i].x, out[i].y,
                        out[i].w, out[i].h);
            if (fputc('\n', groups) == EOF || fflush(groups) != 0)
                fatal(2, "%s: %s", groups_path, strerror(errno));
        }
        for (int i = 0; i < rc; i++)
            if (pgmio_write(stdout, out[i].pix, MNIST_SIDE, MNIST_SIDE) != 0)
                fatal(2, "write error: %s", strerror(errno));
    }
    if (rc == -2)
        fatal(1, "%s: image %zu: %dx%d is more than %zu pixels "
              "(--max-pixels)", name, index + 1, w, h, max_pixels);
    if (rc < 0)
        fatal(1, "%s: image %zu: %s", name, index + 1, err);
    if (index == 0)
        fatal(1, "%s: no image", name);
    if (groups != NULL && (fflush(groups) != 0 || ferror(groups) ||
                           fclose(groups) != 0))
        fatal(2, "%s: write error", groups_path);
    finish_stdout();
    return 0;
}
