/* convert - PNG and JPEG bodies to PNM through netpbm's own converters
 * (pngtopam, jpegtopnm): our C never decodes those formats itself
 * (DESIGN.md), so an upload in them costs one child process.
 *
 * The body goes to the child through an anonymous temporary file
 * (tmpfile(): already unlinked, so a crash leaves nothing behind). Its
 * PNM comes back through a pipe and is read row by row as grey, so the
 * web process holds a byte a pixel, never the converter's 3 or 6.
 *
 * Limits before work: the size in the PNG's IHDR or the JPEG's frame
 * header is read first, and the image refused unread when there is none,
 * when it has more than max_pixels, or when decoding it would take more
 * than CONVERT_DECODE_BYTES (pngtopam holds the whole decoded picture;
 * a progressive JPEG, all its coefficients). The child then runs under
 * limits of CPU time, address space and file size (its messages). */
#ifndef CONVERT_H
#define CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "web/http.h"

#define CONVERT_CPU_SECONDS 2   /* a converter's CPU time, at most */
#define CONVERT_MEMORY ((rlim_t)128 << 20)  /* its address space */
#define CONVERT_ERR_BYTES ((rlim_t)64 << 10) /* what it may say */
/* What decoding an image may take, from its header: a 4096x3072 PNG
 * of 8-bit RGB (under a second of pngtopam's CPU on the build machine)
 * or a 12-megapixel progressive colour JPEG pass, 16-bit or RGBA PNGs
 * of that size do not. */
#define CONVERT_DECODE_BYTES ((uint64_t)48 << 20)

/* Converts body (n bytes of kind MEDIA_PNG or MEDIA_JPEG) into a new
 * buffer *out of *out_len bytes (free() it) holding a PNM image of at
 * most max_pixels pixels (a raw PGM). Returns 0; 1 when the image is not
 * valid (err says why, for the client); 2 when it is over a limit
 * (pixels, decoding memory, CPU time; err names it);
 * -1 when the converter could not be run (err for the server's log). */
int convert_to_pnm(uint8_t **out, size_t *out_len, const uint8_t *body,
                   size_t n, enum http_media kind, size_t max_pixels,
                   char *err);

#endif
