/* confmat - score predictions against labels: accuracy, the confusion
 * matrix, per-class precision, recall and F1, the most confused pairs,
 * calibration; optionally a heatmap image and the misclassified images.
 *
 * Input lines are "LABEL PRED [CONF [P0 ... P9]]", which is what
 * `paste -d ' ' labels predictions` gives for cnn-infer's output. The
 * statistics live in common/eval/confusion.c; this file reads, writes and
 * reports where input is wrong. */
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
#include "eval/confusion.h"
#include "img/pgmio.h"

#define MAX_LINE 4096
#define MAX_PIXELS ((size_t)4096 * 4096)

struct opts {
    const char *heatmap, *images, *mistakes;
};

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--heatmap FILE] [--images STREAM --mistakes DIR]"
            "\n", progname());
    if (fp == stdout)
        fputs("Score LABEL PRED [CONF [P0 ... P9]] lines from stdin.\n"
              "  --heatmap FILE   also write the matrix as a heatmap (PPM)\n"
              "  --images STREAM  the images the lines are about, in order\n"
              "  --mistakes DIR   write each misclassified image there as\n"
              "                   mis_INDEX_trueT_predP.pgm (needs --images)"
              "\n  --help           show this help\n", fp);
    exit(status);
}

static void
write_file(const char *path, const char *head, const uint8_t *data,
           size_t n)
{
    FILE *fp = fopen(path, "wb");

    if (fp == NULL)
        fatal(2, "%s: %s", path, strerror(errno));
    if (fputs(head, fp) == EOF || fwrite(data, 1, n, fp) != n ||
        fclose(fp) != 0)
        fatal(2, "%s: write error: %s", path, strerror(errno));
}

/* A class's name in the report: the digit, or "-" for not a digit. */
static const char *
class_name(int k)
{
    static const char names[MNIST_OUTPUTS][2] = {
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "-"
    };

    return names[k];
}

/* Reads the image for line `line` and saves it if it was misclassified. */
static void
mistake(FILE *images, uint8_t *pix, const struct opts *o, size_t line,
        int label, int pred)
{
    char err[ERRLEN], path[4096];
    int w, h, rc = pgmio_read(pix, MAX_PIXELS, &w, &h, images, err);

    if (rc == 0)
        fatal(1, "%s: fewer images than lines (none for line %zu)",
              o->images, line);
    if (rc < 0)
        fatal(1, "%s: image %zu: %s", o->images, line, err);
    if (label == pred)
        return;
    snprintf(path, sizeof path, "%s/mis_%05zu_true%s_pred%s.pgm",
             o->mistakes, line - 1, class_name(label), class_name(pred));
    if (pgmio_save(path, pix, w, h) != 0)
        fatal(2, "%s: %s", path, strerror(errno));
}

/* The rejected answers (prediction "-") and how the accepted fared;
 * printed only once a "-" was seen, so a digits-only report is as
 * before. */
static void
report_rejected(const struct confusion *c)
{
    size_t rejected;
    double acc = confusion_accepted(c, &rejected);

    if (confusion_classes(c) == MNIST_CLASSES)
        return;
    printf("rejected %zu rate %.4f accepted %zu accepted_accuracy %.4f\n",
           rejected, c->n > 0 ? (double)rejected / (double)c->n : 0.0,
           c->n - rejected, acc);
}

static void
report(const struct confusion *c)
{
    int truth[5], pred[5], n, K = confusion_classes(c);
    size_t count[5], right = 0;

    for (int k = 0; k < K; k++)
        right += c->m[k][k];
    printf("accuracy %.4f correct %zu total %zu\n", confusion_accuracy(c),
           right, c->n);
    report_rejected(c);
    printf("\nconfusion matrix (rows: true label, columns: predicted%s)\n"
           "true\\pred", K > MNIST_CLASSES ? "; -: not a digit" : "");
    for (int p = 0; p < K; p++)
        printf(" %6s", class_name(p));
    for (int t = 0; t < K; t++) {
        printf("\n%9s", class_name(t));
        for (int p = 0; p < K; p++)
            printf(" %6zu", c->m[t][p]);
    }
    printf("\n\n");
    for (int k = 0; k < K; k++) {
        double pr, re, f1;
        size_t support = 0;

        for (int p = 0; p < K; p++)
            support += c->m[k][p];
        confusion_class(c, k, &pr, &re, &f1);
        printf("class %s precision %.4f recall %.4f f1 %.4f support %zu\n",
               class_name(k), pr, re, f1, support);
    }
    n = confusion_top_pairs(c, 5, truth, pred, count);
    for (int i = 0; i < n; i++)
        printf("%sconfused true %s predicted %s count %zu\n", i ? "" : "\n",
               class_name(truth[i]), class_name(pred[i]), count[i]);
    if (c->n_conf == c->n && c->n > 0)
        printf("\nece %.4f bins %d\n", confusion_ece(c), CONF_BINS);
}

static void
write_heatmap(const struct confusion *c, const char *path)
{
    int w, h;
    uint8_t *img = confusion_heatmap(c, &w, &h);
    char head[64];

    snprintf(head, sizeof head, "P6\n%d %d\n255\n", w, h);
    write_file(path, head, img, (size_t)w * h * 3);
    free(img);
}

int
main(int argc, char *argv[])
{
    static const struct option lo[] = {
        { "heatmap", 1, NULL, 'H' }, { "images", 1, NULL, 'I' },
        { "mistakes", 1, NULL, 'm' }, { "help", 0, NULL, 'h' },
        /* The old name of --heatmap, refused by name: getopt_long would
         * otherwise take it as an abbreviation of --images. */
        { "image", 1, NULL, 'O' },
        { NULL, 0, NULL, 0 },
    };
    struct opts o = { NULL, NULL, NULL };
    struct confusion c;
    char line[MAX_LINE + 2], err[ERRLEN];
    FILE *images = NULL;
    uint8_t *pix = NULL;
    size_t lineno = 0;
    int ch;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'H': o.heatmap = optarg; break;
        case 'I': o.images = optarg; break;
        case 'm': o.mistakes = optarg; break;
        case 'O': fatal(1, "--image: the heatmap is --heatmap FILE; the "
                        "images read are --images");
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (optind != argc || (o.images == NULL) != (o.mistakes == NULL))
        usage(stderr, 1);
    if (o.images != NULL) {
        images = open_input(o.images, NULL);
        pix = xmalloc(MAX_PIXELS);
        if (mkdir(o.mistakes, 0777) != 0 && errno != EEXIST)
            fatal(2, "%s: %s", o.mistakes, strerror(errno));
    }
    confusion_init(&c);
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strlen(line);
        int label, pred;
        double conf;

        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(stdin))
            fatal(1, "line %zu: longer than %d bytes", lineno, MAX_LINE);
        if (confusion_parse(&label, &pred, &conf, line, err) != 0)
            fatal(1, "line %zu: %s", lineno, err);
        confusion_add(&c, label, pred, conf);
        if (images != NULL)
            mistake(images, pix, &o, lineno, label, pred);
    }
    if (ferror(stdin))
        fatal(2, "read error: %s", strerror(errno));
    if (c.n == 0)
        fatal(1, "no input lines");
    if (images != NULL && pgmio_read(pix, MAX_PIXELS, &(int){ 0 },
                                     &(int){ 0 }, images, err) != 0)
        fatal(1, "%s: more images than the %zu lines", o.images, lineno);
    report(&c);
    if (o.heatmap != NULL)
        write_heatmap(&c, o.heatmap);
    free(pix);
    finish_stdout();
    return 0;
}
