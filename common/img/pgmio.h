/* pgmio - reading and writing netpbm image streams through libnetpbm.
 *
 * libnetpbm reports a malformed image by printing a message and exiting.
 * This file alone intercepts that (pm_setjmpbuf and a message hook), so
 * every caller gets the usual 0/-1 and a reason it can prefix with the
 * image's index. Images come back as 8-bit grey, whatever they were:
 * PBM, PGM or PPM (luminance), PAM grey or RGB (alpha ignored), any
 * maxval up to 65535.
 *
 * One set of header rules, for every program and the web alike (the
 * web's sniffer, in http.c, follows the first): white space may come
 * before a header, as between the images of a stream; the header, its
 * comments included, holds only printable ASCII and white space, and
 * at most 4096 bytes; P1-P6 end with exactly one white-space byte after
 * the last number (not a '#', which libnetpbm would take as a comment
 * running into the raster); P7 (PAM) ends with the line "ENDHDR". */
#ifndef PGMIO_H
#define PGMIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The largest image any of our programs takes by default: a photo of
 * 25 megapixels, 25 MB as grey. */
#define PGMIO_MAX_PIXELS 25000000

/* Installs the message hook. Call once in main, after pm_init. */
void pgmio_init(void);

/* Reads the next image of the stream fp into pix (room for cap pixels).
 * Returns 1 with *w, *h set; 0 at a clean end of stream; -1 with a
 * reason in err (ERRLEN bytes). An image of more than cap pixels is
 * refused after its header, before anything is allocated: -2, with *w,
 * *h and err saying its size. */
int pgmio_read(uint8_t *pix, size_t cap, int *w, int *h, FILE *fp,
               char *err);

/* pgmio_read into a new buffer of exactly *w x *h bytes at *pix (free()
 * it), allocated only after the header has passed the max_pixels check.
 * Returns as pgmio_read; *pix is NULL unless 1 is returned. */
int pgmio_read_alloc(uint8_t **pix, size_t max_pixels, int *w, int *h,
                     FILE *fp, char *err);

/* Writes one raw PGM (P5, maxval 255). Returns 0, or -1 on a write
 * error (errno set). */
int pgmio_write(FILE *fp, const uint8_t *pix, int w, int h);

/* pgmio_write to a new file at path. Returns 0, or -1 (errno set). */
int pgmio_save(const char *path, const uint8_t *pix, int w, int h);

/* Reads the one image held in the n bytes at buf, as pgmio_read_alloc
 * does. Returns 1; 0 when buf holds no image at all; -1 with a reason in
 * err, also when anything but white space follows the first image; -2
 * for more than max_pixels. */
int pgmio_read_mem(uint8_t **pix, size_t max_pixels, int *w, int *h,
                   const uint8_t *buf, size_t n, char *err);

#endif
