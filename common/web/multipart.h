/* multipart - the one file of a multipart/form-data body (RFC 7578), as
 * an HTML form, `curl -F image=@x.png` or a Python client sends it.
 *
 * Strict on purpose, since the body is hostile until checked: exactly
 * one part, named "image" or "file"; no preamble; at most
 * MULTIPART_MAX_HEADERS header lines of MULTIPART_MAX_LINE bytes each;
 * no Content-Transfer-Encoding but the identity ones. The file's name,
 * if one is sent, is never read, so nothing from the client can become
 * a path. The body is never copied: the file is a view into it, and its
 * size was bounded by the body limit before a byte was read (web/http.h).
 * The rejected alternative, accepting any number of fields and picking
 * the image among them, gains nothing for a one-image API and gives a
 * hostile client more to play with. */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */
#define MULTIPART_MAX_LINE 1024     /* bytes of one part header line */
#define MULTIPART_MAX_HEADERS 8     /* header lines of the part */
#define MULTIPART_MAX_TYPE 128      /* bytes of the part's Content-Type */

/* The file in a form body: a view into the body, and its media type. */
struct multipart_file {
    const uint8_t *data;            /* inside the body passed in */
    size_t len;
    char type[MULTIPART_MAX_TYPE];  /* the part's Content-Type, "" if none */
};

/* Is content_type multipart/form-data (any case, any parameters)? */
int multipart_is_form(const char *content_type);

/* Finds the one part of body (n bytes) sent as content_type, which must
 * be multipart/form-data with a boundary parameter. Returns 0 with f
 * filled (f->data points into body, which must outlive it), or -1 with
 * a one-line reason for the client in err (ERRLEN bytes). */
int multipart_file(struct multipart_file *f, const char *content_type,
                   const uint8_t *body, size_t n, char *err);

#endif
