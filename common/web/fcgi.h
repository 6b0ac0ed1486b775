/* fcgi - the responder side of FastCGI 1.0, enough for a web server that
 * keeps our process (and its loaded model) between requests: lighttpd's
 * mod_fastcgi, nginx's fastcgi_pass, Apache's mod_proxy_fcgi.
 *
 * A connection carries one request at a time (we answer FCGI_MPXS_CONNS
 * 0; a second concurrent request id is refused with CANT_MPX_CONN), and
 * is kept open between requests when the server asks for it. Everything
 * read is checked before use: record lengths come from the peer, so the
 * parameters and the body are capped, and a malformed stream ends the
 * connection rather than the process. Reads are blocking reads of an fd
 * (a socket, or for tests and fuzzing a pipe or file). */
#ifndef FCGI_H
#define FCGI_H

#include <stddef.h>
#include <stdint.h>

#define FCGI_MAX_PARAMS_BYTES 65536     /* all names and values together */
#define FCGI_MAX_PARAMS 256             /* pairs kept; later ones dropped */

struct fcgi_param {
    const char *name, *value;           /* point into the request's buffer */
};

/* One request as read from the connection. The caller owns it:
 * fcgi_request_free releases what fcgi_read_request allocated. */
struct fcgi_request {
    uint16_t id;
    int keep_conn;                      /* the server reuses the connection */
    struct fcgi_param params[FCGI_MAX_PARAMS];
    int n_params;
    char *param_buf;                    /* NUL-terminated names and values */
    uint8_t *body;                      /* the stdin stream */
    size_t body_len;
    int body_too_big;                   /* over max_body: dropped */
};

/* Reads the next request from fd: BEGIN_REQUEST, its PARAMS stream and
 * its STDIN stream. Management records (GET_VALUES) are answered on fd
 * as they come; an unknown management type gets UNKNOWN_TYPE. Keeps at
 * most max_body bytes of the body: a longer one (or one announced
 * longer) is read to its end and dropped, with body_too_big set, so the
 * connection stays usable. Returns 1 with rq filled, 0 when
 * the peer closed the connection between requests, or -1 with a reason
 * in err (ERRLEN bytes): a protocol error, a read error, or parameters
 * over the limits. On 0 and -1 nothing needs freeing. */
int fcgi_read_request(struct fcgi_request *rq, int fd, size_t max_body,
                      char *err);

void fcgi_request_free(struct fcgi_request *rq);

/* The value of parameter name, or NULL when the request has none. */
const char *fcgi_param(const struct fcgi_request *rq, const char *name);

/* Sends data (a CGI-style answer: header lines, blank line, body) as the
 * STDOUT stream of request id, then END_REQUEST. Returns 0, or -1 on a
 * write error (errno set). */
int fcgi_write_response(int fd, uint16_t id, const void *data, size_t n);

#endif
