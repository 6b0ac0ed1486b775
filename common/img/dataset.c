/* dataset - see dataset.h. */
#include "img/dataset.h"

#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/pgmio.h"

int
dataset_read_images(struct dataset *d, FILE *fp, char *err)
{
    size_t cap = 1024;
    uint8_t one[MNIST_PIXELS + 1];
    char why[ERRLEN];
    int w, h, rc;

    memset(d, 0, sizeof *d);
    d->pixels = xmalloc_array(cap, MNIST_PIXELS);
    /* Room for 28x28 and one more pixel: a bigger image is refused by
     * pgmio before it is read (-2), a smaller one is caught below. */
    while ((rc = pgmio_read(one, sizeof one, &w, &h, fp, why)) != 0) {
        if (rc == -1)
            break;
        if (w != MNIST_SIDE || h != MNIST_SIDE) {
            snprintf(err, ERRLEN, "image %zu: %dx%d, expected 28x28 (run "
                     "preproc first)", d->n + 1, w, h);
            dataset_free(d);
            return -1;
        }
        if (d->n == DATASET_MAX) {
            snprintf(err, ERRLEN, "more than %zu images", DATASET_MAX);
            dataset_free(d);
            return -1;
        }
        if (d->n == cap) {
            cap *= 2;
            uint8_t *p = realloc(d->pixels, cap * MNIST_PIXELS);
            if (p == NULL)
                fatal(2, "out of memory reading images");
            d->pixels = p;
        }
        memcpy(d->pixels + d->n * MNIST_PIXELS, one, MNIST_PIXELS);
        d->n++;
    }
    if (rc < 0) {
        snprintf(err, ERRLEN, "image %zu: %.200s", d->n + 1, why);
        dataset_free(d);
        return -1;
    }
    return 0;
}

int
dataset_read_labels(struct dataset *d, FILE *fp, char *err)
{
    char line[16];
    size_t n = 0;

    d->labels = xmalloc(d->n > 0 ? d->n : 1);
    while (fgets(line, sizeof line, fp) != NULL) {
        size_t len = strlen(line);

        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len != 1 || ((line[0] < '0' || line[0] > '9') &&
                         line[0] != '-')) {
            snprintf(err, ERRLEN, "line %zu: '%.12s' is not a label 0-9 "
                     "or -", n + 1, line);
            return -1;
        }
        if (n == d->n) {
            snprintf(err, ERRLEN, "more labels than the %zu images", d->n);
            return -1;
        }
        d->labels[n++] = line[0] == '-' ? MNIST_NOT_DIGIT
                                        : (uint8_t)(line[0] - '0');
    }
    if (ferror(fp)) {
        snprintf(err, ERRLEN, "read error");
        return -1;
    }
    if (n != d->n) {
        snprintf(err, ERRLEN, "%zu labels for %zu images", n, d->n);
        return -1;
    }
    return 0;
}

void
dataset_free(struct dataset *d)
{
    free(d->pixels);
    free(d->labels);
    memset(d, 0, sizeof *d);
}
