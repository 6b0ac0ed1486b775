/* pgmio - see pgmio.h.
 *
 * The header of every image is read here first, byte by byte, under one
 * set of rules (see pgmio.h), and only then handed to libnetpbm to
 * parse, from a copy in memory; libnetpbm must consume exactly those
 * bytes, and then reads the raster from the stream itself. So what a
 * header may hold does not depend on libnetpbm's leniency (it skips a
 * comment's bytes unread, and takes a '#' right after the maxval as a
 * comment that runs into the raster) or on which program reads it.
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

#define HEADER_CAP 4096         /* longer than any header we have seen */

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/* A header being read: its bytes so far, and where they came from. */
struct header {
    char b[HEADER_CAP];
    size_t n;
    FILE *fp;
    char *err;
};

/* Reads the next header byte into hd; -1 with err at EOF, past
 * HEADER_CAP, or for a byte that is neither printable ASCII nor white
 * space (a comment's bytes included). */
static int
next_byte(struct header *hd)
{
    int c = getc(hd->fp);

    if (c == EOF) {
        snprintf(hd->err, ERRLEN, "%s in the header", ferror(hd->fp)
                 ? "read error" : "end of file");
        return -1;
    }
    if (hd->n == HEADER_CAP) {
        snprintf(hd->err, ERRLEN, "header longer than %d bytes", HEADER_CAP);
        return -1;
    }
    if ((c < 0x20 || c > 0x7e) && !is_space(c)) {
        snprintf(hd->err, ERRLEN, "header byte %zu is not printable ASCII "
                 "(0x%02x)", hd->n + 1, c);
        return -1;
    }
    hd->b[hd->n++] = (char)c;
    return c;
}

/* P1-P6: WIDTH HEIGHT [MAXVAL], each after white space or comments
 * ('#' to the end of the line); the last one ends with exactly one
 * white-space byte, and the raster starts after it. */
static int
read_pnm_fields(struct header *hd, int n_fields)
{
    int c;

    for (int f = 0; f < n_fields; f++) {
        do {                    /* white space and comments */
            if ((c = next_byte(hd)) == '#')
                while (c >= 0 && c != '\n')
                    c = next_byte(hd);
            if (c < 0)
                return -1;
        } while (is_space(c));
        if (c < '0' || c > '9') {
            snprintf(hd->err, ERRLEN, "header byte %zu: a number was "
                     "expected", hd->n);
            return -1;
        }
        while ((c = next_byte(hd)) >= '0' && c <= '9')
            ;
        if (c < 0)
            return -1;
        if (!is_space(c) && (c != '#' || f == n_fields - 1)) {
            snprintf(hd->err, ERRLEN, "header byte %zu: white space was "
                     "expected after the number", hd->n);
            return -1;
        }
        if (c == '#')
            hd->n--, ungetc(c, hd->fp);  /* the loop above reads it */
    }
    return 0;
}

/* P7 (PAM): lines up to and including the line "ENDHDR". */
static int
read_pam_lines(struct header *hd)
{
    for (;;) {
        size_t start = hd->n;
        int c;

        while ((c = next_byte(hd)) != '\n')
            if (c < 0)
                return -1;
        if (hd->n - start == 7 && memcmp(hd->b + start, "ENDHDR", 6) == 0)
            return 0;
    }
}

/* Reads the header of the next image of fp into hd, white space before
 * it skipped (as between the images of a stream). Returns 1; 0 at the
 * end of the stream; -1 with a reason in hd->err. */
static int
read_header(struct header *hd)
{
    int c;

    hd->n = 0;
    while ((c = getc(hd->fp)) != EOF && is_space(c))
        ;
    if (c == EOF) {
        if (!ferror(hd->fp))
            return 0;
        snprintf(hd->err, ERRLEN, "read error");
        return -1;
    }
    ungetc(c, hd->fp);
    if (next_byte(hd) != 'P' || (c = next_byte(hd)) < '1' || c > '7') {
        snprintf(hd->err, ERRLEN, "not a PNM image (P1 to P7)");
        return -1;
    }
    if (c == '7')
        return read_pam_lines(hd) == 0 ? 1 : -1;
    return read_pnm_fields(hd, c == '1' || c == '4' ? 2 : 3) == 0 ? 1 : -1;
}

/* libnetpbm parses the header read by read_header, from memory, and
 * must take all of it; pam->file is then fp, for the raster. Longjmps
 * out through libnetpbm on a malformed header (*hfp is to be closed). */
static int
parse_header(struct pam *pam, struct header *hd, FILE *volatile *hfp)
{
    if ((*hfp = fmemopen(hd->b, hd->n, "rb")) == NULL) {
        snprintf(hd->err, ERRLEN, "fmemopen: %s", strerror(errno));
        return -1;
    }
    pnm_readpaminit(*hfp, pam, PAM_HEADER_SIZE);
    if (ftell(*hfp) != (long)hd->n) {
        snprintf(hd->err, ERRLEN, "malformed header");
        return -1;
    }
    fclose(*hfp);
    *hfp = NULL;
    pam->file = hd->fp;
    return 0;
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
    struct header *volatile hd = xmalloc(sizeof *hd);
    FILE *volatile hfp = NULL;
    tuple *volatile row = NULL;
    gray *volatile grow = NULL;
    uint8_t *volatile mine = NULL;
    int got;

    last_netpbm_error[0] = '\0';
    pm_setjmpbufsave(&jb, &old);
    if (setjmp(jb) != 0) {
        pm_setjmpbuf(old);
        if (row != NULL)
            pnm_freepamrow(row);
        if (grow != NULL)
            pgm_freerow(grow);
        if (hfp != NULL)
            fclose(hfp);
        free(hd);
        free(mine);
        snprintf(err, ERRLEN, "%s", last_netpbm_error[0] ? last_netpbm_error
                 : "malformed image");
        return -1;
    }
    hd->fp = fp;
    hd->err = err;
    if ((got = read_header(hd)) <= 0 || parse_header(&pam, hd, &hfp) != 0) {
        pm_setjmpbuf(old);
        if (hfp != NULL)
            fclose(hfp);
        free(hd);
        return got <= 0 ? got : -1;
    }
    free(hd);
    hd = NULL;
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
