/* pgmio - reading and writing netpbm image streams through libnetpbm.
 *
 * libnetpbm reports a malformed image by printing a message and exiting.
 * This file alone intercepts that (pm_setjmpbuf and a message hook), so
 * every caller gets the usual 0/-1 and a reason it can prefix with the
 * image's index. Images come back as 8-bit grey, whatever they were:
 * PBM, PGM or PPM (luminance), PAM grey or RGB (alpha ignored), any
 * maxval up to 65535. */
#ifndef PGMIO_H
#define PGMIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Reads a request body of exactly n bytes (a CGI's CONTENT_LENGTH) from
 * fp into memory and returns a stream over it, so a body shorter than
 * announced (the client went away) or longer is refused before any of
 * it is parsed. Returns NULL with a reason in err (ERRLEN bytes); *status
 * is then 1 (wrong length) or 2 (read error, out of memory). The buffer
 * lives until the process exits, as stdin would. */
FILE *pgmio_open_body(FILE *fp, size_t n, int *status, char *err);

#endif
