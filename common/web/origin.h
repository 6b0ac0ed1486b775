/* origin - who may write to the feedback store: the Origin header of a
 * request (or, without one, its Referer) against the server's own
 * origin and the ones configured (DIGITS_CORS_ORIGIN).
 *
 * A page on another site can make a browser send a "simple" request
 * (a POST whose Content-Type is none, text/plain, a form's) without
 * asking first, but the browser then names that page in Origin, and in
 * Referer unless the page turned it off. A request that names neither
 * is refused, unless it carries what only a preflight would let a page
 * send: a Content-Type outside the simple ones, or X-Requested-With.
 * Our preflight refuses foreign origins on the write path, so those
 * come only from our own page, or from curl and scripts. */
#ifndef ORIGIN_H
#define ORIGIN_H

#include <stddef.h>

#include "web/http.h"

#define ORIGIN_HOST_MAX 255

/* An origin: scheme (http or https, lower case), host (lower case; an
 * IPv6 address keeps its brackets) and port (the scheme's default when
 * none is given). */
struct origin {
    char scheme[6];
    char host[ORIGIN_HOST_MAX + 1];
    unsigned port;
};

/* Parses "scheme://host[:port]". With with_path (a Referer), a path,
 * query or fragment may follow and is ignored; a user name ("user@")
 * is refused either way. Returns 0, or -1 for anything else (so
 * "null", which a sandboxed page sends, is -1). */
int origin_parse(struct origin *o, const char *s, int with_path);

/* The server's own origin from the request's scheme ("http" when NULL
 * or empty) and its Host header ("name[:port]"). Returns 0, or -1 when
 * host is missing or malformed. */
int origin_from_host(struct origin *o, const char *scheme, const char *host);

int origin_equal(const struct origin *a, const struct origin *b);

/* Is o one of the origins in list (separated by spaces or commas)?
 * Entries that are not origins, "*" among them, match nothing. */
int origin_listed(const struct origin *o, const char *list);

/* Is content_type one a page may send without a preflight: none,
 * application/x-www-form-urlencoded, multipart/form-data, text/plain
 * (parameters and case ignored)? */
int origin_simple_type(const char *content_type);

/* May rq write? allowed is the configured list (may be NULL). Returns
 * 0 when it may; else -1 with the reason for the client in msg (cap
 * bytes). */
int origin_check_write(const struct http_request *rq, const char *allowed,
                       char *msg, size_t cap);

#endif
