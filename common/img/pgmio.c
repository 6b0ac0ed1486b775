/* pgmio - see pgmio.h.
 *
 * The one piece of mutable static state outside util.c lives here:
 * libnetpbm's message hook takes no context pointer, so the text of its
 * last error has to be kept in a file-level buffer. Only the thread that
 * reads images (main) ever touches it. */
#define _POSIX_C_SOURCE 200809L
#include "img/pgmio.h"

#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>
#include <netpbm/pgm.h>

#include "core/util.h"

static char last_netpbm_error[ERRLEN];

/* How much of struct pam we use, up to and including tuple_type: what
 * libnetpbm's PAM_STRUCT_SIZE(tuple_type) means, without its member
 * access through a null pointer (undefined behaviour). */
#define PAM_HEADER_SIZE (offsetof(struct pam, tuple_type) + \
                         sizeof ((struct pam *)0)->tuple_type)

static void
keep_message(const char *msg)
{
    size_t n = strlen(msg);

    while (n > 0 && msg[n - 1] == '\n')
        n--;
    if (n >= sizeof last_netpbm_error)
        n = sizeof last_netpbm_error - 1;
    memcpy(last_netpbm_error, msg, n);
    last_netpbm_error[n] = '\0';
}

void
pgmio_init(void)
{
    pm_setusererrormsgfn(keep_message);
}

static uint8_t
to_grey(const struct pam *pam, const tuple t)
{
    double v;

    if (pam->depth >= 3)                      /* ITU-R 601 luminance */
        v = 0.299 * t[0] + 0.587 * t[1] + 0.114 * t[2];
    else
        v = t[0];
    return (uint8_t)(v * 255.0 / pam->maxval + 0.5);
}

/* Reads the raster of an image whose header is in pam; longjmps out
 * through libnetpbm on a read error. */
static void
read_raster(uint8_t *pix, struct pam *pam, tuple *row, gray *grow)
{
    if (pam->format == RPGM_FORMAT && pam->maxval == 255) {
        /* Raw 8-bit grey, most of what we read: after libnetpbm has
         * parsed the header, the raster is exactly its bytes, so read
         * them as they are (a big photo's conversion through libnetpbm's
         * rows took longer than all of preproc's work on it). */
        size_t n = (size_t)pam->width * pam->height;

        if (fread(pix, 1, n, pam->file) != n)
            pm_error("%s reading the raster", feof(pam->file)
                     ? "end of file" : "error");
        return;
    }
    if (PGM_FORMAT_TYPE(pam->format) == PGM_TYPE && pam->maxval == 255) {
        /* Plain 8-bit grey: libnetpbm's grey rows skip the tuple layer. */
        for (int y = 0; y < pam->height; y++) {
            uint8_t *out = pix + (size_t)y * pam->width;

            pgm_readpgmrow(pam->file, grow, pam->width, pam->maxval,
                           pam->format);
            for (int x = 0; x < pam->width; x++)
                out[x] = (uint8_t)grow[x];
        }
        return;
    }
    for (int y = 0; y < pam->height; y++) {
        uint8_t *out = pix + (size_t)y * pam->width;

        pnm_readpamrow(pam, row);
        if (pam->depth == 1 && pam->maxval == 255)   /* the usual case */
            for (int x = 0; x < pam->width; x++)
                out[x] = (uint8_t)row[x][0];
        else
            for (int x = 0; x < pam->width; x++)
                out[x] = to_grey(pam, row[x]);
    }
}

/* The body of pgmio_read and pgmio_read_alloc: with pix NULL, the
 * raster goes into a new buffer at *out (only once the header has passed
 * the size check). */
static int
read_image(uint8_t *pix, uint8_t **out, size_t cap, int *w, int *h,
           FILE *fp, char *err)
{
    jmp_buf jb, *old;
    struct pam pam;
    tuple *volatile row = NULL;
    gray *volatile grow = NULL;
    uint8_t *volatile mine = NULL;
    int eof;

    last_netpbm_error[0] = '\0';
    pm_setjmpbufsave(&jb, &old);
    if (setjmp(jb) != 0) {
        pm_setjmpbuf(old);
        if (row != NULL)
            pnm_freepamrow(row);
        if (grow != NULL)
            pgm_freerow(grow);
        free(mine);
        snprintf(err, ERRLEN, "%s", last_netpbm_error[0] ? last_netpbm_error
                 : "malformed image");
        return -1;
    }
    pnm_nextimage(fp, &eof);
    if (eof) {
        pm_setjmpbuf(old);
        return 0;
    }
    pnm_readpaminit(fp, &pam, PAM_HEADER_SIZE);
    if (pam.width < 1 || pam.height < 1 ||
        (size_t)pam.width > cap / (size_t)pam.height ||
        (pam.depth != 1 && pam.depth != 2 && pam.depth != 3 &&
         pam.depth != 4)) {
        pm_setjmpbuf(old);
        if (pam.depth < 1 || pam.depth > 4)
            snprintf(err, ERRLEN, "unsupported depth %u (expected grey or "
                     "RGB, optionally with alpha)", pam.depth);
        else
            snprintf(err, ERRLEN, "%dx%d is too large (limit %zu pixels)",
                     pam.width, pam.height, cap);
        *w = pam.width, *h = pam.height;
        return pam.depth < 1 || pam.depth > 4 ? -1 : -2;
    }
    if (pix == NULL)
        mine = xmalloc((size_t)pam.width * pam.height);
    row = pnm_allocpamrow(&pam);
    grow = pgm_allocrow(pam.width);
    read_raster(pix != NULL ? pix : mine, &pam, row, grow);
    pgm_freerow(grow);
    pnm_freepamrow(row);
    pm_setjmpbuf(old);
    *w = pam.width, *h = pam.height;
    if (out != NULL)
        *out = mine;
    return 1;
}

int
pgmio_read(uint8_t *pix, size_t cap, int *w, int *h, FILE *fp, char *err)
{
    return read_image(pix, NULL, cap, w, h, fp, err);
}

int
pgmio_read_alloc(uint8_t **pix, size_t max_pixels, int *w, int *h,
                 FILE *fp, char *err)
{
    *pix = NULL;
    return read_image(NULL, pix, max_pixels, w, h, fp, err);
}

/* Written directly: a P5 header is one line of text, and libnetpbm's
 * writers would only add a conversion to its row type and an exit on
 * error that we would have to catch again. */
int
pgmio_write(FILE *fp, const uint8_t *pix, int w, int h)
{
    if (fprintf(fp, "P5\n%d %d\n255\n", w, h) < 0)
        return -1;
    return fwrite(pix, 1, (size_t)w * h, fp) == (size_t)w * h ? 0 : -1;
}

int
pgmio_save(const char *path, const uint8_t *pix, int w, int h)
{
    FILE *fp = fopen(path, "wb");
    int rc;

    if (fp == NULL)
        return -1;
    rc = pgmio_write(fp, pix, w, h);
    return fclose(fp) != 0 ? -1 : rc;
}

int
pgmio_read_mem(uint8_t **pix, size_t max_pixels, int *w, int *h,
               const uint8_t *buf, size_t n, char *err)
{
    /* fmemopen does not write to a buffer opened for reading. */
    FILE *fp = n > 0 ? fmemopen((void *)(uintptr_t)buf, n, "rb") : NULL;
    int rc, c;

    *pix = NULL;
    if (n == 0)
        return 0;
    if (fp == NULL) {
        snprintf(err, ERRLEN, "%s", strerror(errno));
        return -1;
    }
    rc = pgmio_read_alloc(pix, max_pixels, w, h, fp, err);
    while (rc == 1 && (c = getc(fp)) != EOF)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            snprintf(err, ERRLEN, "more than one image");
            free(*pix), *pix = NULL;
            rc = -1;
        }
    fclose(fp);
    return rc;
}
