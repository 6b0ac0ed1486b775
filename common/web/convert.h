/* convert - PNG and JPEG bodies to PNM through netpbm's own converters
 * (pngtopam, jpegtopnm): our C never decodes those formats itself
 * (DESIGN.md), so an upload in them costs one child process.
 *
 * The body goes to the child through an anonymous temporary file
 * (tmpfile(): already unlinked, so a crash leaves nothing behind), its
 * PNM comes back through a pipe and is cut off at a cap, and the child
 * runs under a CPU-time limit. A PNG's size is read from its header and
 * checked before the child starts; one whose header gives no size is
 * refused. */
#ifndef CONVERT_H
#define CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "web/http.h"

#define CONVERT_CPU_SECONDS 5   /* a converter's CPU time, at most */
#define CONVERT_MEMORY ((rlim_t)1 << 30)    /* its address space */

/* Converts body (n bytes of kind MEDIA_PNG or MEDIA_JPEG) into a new
 * buffer *out of *out_len bytes (free() it) holding a PNM image of at
 * most max_pixels pixels. Returns 0; 1 when the image is not valid
 * (err says why, for the client); 2 when it has more than max_pixels;
 * -1 when the converter could not be run (err for the server's log). */
int convert_to_pnm(uint8_t **out, size_t *out_len, const uint8_t *body,
                   size_t n, enum http_media kind, size_t max_pixels,
                   char *err);

#endif
