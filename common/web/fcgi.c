/* fcgi - see fcgi.h. Record layout (FastCGI 1.0): an 8-byte header
 * (version 1, type, request id and content length big-endian, padding
 * length, a reserved byte), the content, the padding. */
#define _POSIX_C_SOURCE 200809L
#include "web/fcgi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/util.h"
#include "web/http.h"

enum {
    BEGIN_REQUEST = 1, ABORT_REQUEST = 2, END_REQUEST = 3, PARAMS = 4,
    STDIN = 5, STDOUT = 6, DATA = 8, GET_VALUES = 9,
    GET_VALUES_RESULT = 10, UNKNOWN_TYPE = 11,
};
enum { ROLE_RESPONDER = 1, FLAG_KEEP_CONN = 1 };
enum { REQUEST_COMPLETE = 0, CANT_MPX_CONN = 1, UNKNOWN_ROLE = 3 };
#define HEADER_LEN 8
#define MAX_CONTENT 65535
#define RECORD_MAX (HEADER_LEN + MAX_CONTENT + 255)

struct header {
    int type, padding;
    uint16_t id;
    size_t len;
};

/* Reads exactly n bytes. Returns 1, 0 at end of file before the first
 * byte, or -1 (a read error, or the end of file inside). */
static int
read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static int
write_full(int fd, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        buf += w, n -= (size_t)w;
    }
    return 0;
}

static void
put_header(uint8_t *p, int type, uint16_t id, size_t len)
{
    p[0] = 1, p[1] = (uint8_t)type;
    p[2] = (uint8_t)(id >> 8), p[3] = (uint8_t)id;
    p[4] = (uint8_t)(len >> 8), p[5] = (uint8_t)len;
    p[6] = p[7] = 0;
}

/* Reads one record into buf (RECORD_MAX bytes): its content then starts
 * at buf. Returns as read_full; -1 with err set. */
static int
read_record(struct header *h, uint8_t *buf, int fd, char *err)
{
    int rc = read_full(fd, buf, HEADER_LEN);

    if (rc <= 0) {
        if (rc < 0)
            snprintf(err, ERRLEN, "connection closed inside a record");
        return rc;
    }
    if (buf[0] != 1) {
        snprintf(err, ERRLEN, "FastCGI version %d, expected 1", buf[0]);
        return -1;
    }
    h->type = buf[1];
    h->id = (uint16_t)(buf[2] << 8 | buf[3]);
    h->len = (size_t)buf[4] << 8 | buf[5];
    h->padding = buf[6];
    if (read_full(fd, buf, h->len + (size_t)h->padding) != 1 &&
        h->len + (size_t)h->padding > 0) {
        snprintf(err, ERRLEN, "connection closed inside a record");
        return -1;
    }
    return 1;
}

/* Sends a record with content body (len bytes). */
static int
send_record(int fd, int type, uint16_t id, const uint8_t *body, size_t len)
{
    uint8_t rec[HEADER_LEN + 64];

    if (len > sizeof rec - HEADER_LEN)
        return -1;
    put_header(rec, type, id, len);
    memcpy(rec + HEADER_LEN, body, len);
    return write_full(fd, rec, HEADER_LEN + len);
}

static int
send_end(int fd, uint16_t id, int protocol_status)
{
    uint8_t body[8] = { 0, 0, 0, 0, (uint8_t)protocol_status, 0, 0, 0 };

    return send_record(fd, END_REQUEST, id, body, sizeof body);
}

/* Reads one name-value length (1 byte, or 4 with the top bit set) at
 * *p, which must stay below end. Returns 0, or -1 if it runs past. */
static int
get_length(size_t *out, const uint8_t **p, const uint8_t *end)
{
    if (*p >= end)
        return -1;
    if (**p < 0x80) {
        *out = *(*p)++;
        return 0;
    }
    if (end - *p < 4)
        return -1;
    *out = (size_t)((*p)[0] & 0x7f) << 24 | (size_t)(*p)[1] << 16 |
           (size_t)(*p)[2] << 8 | (*p)[3];
    *p += 4;
    return 0;
}

/* Answers GET_VALUES: each name we know, with its value. The content
 * is a list of name-value pairs whose values are empty; we only look
 * for the three names the spec defines. */
static int
answer_get_values(int fd, const uint8_t *q, size_t n)
{
    static const char *const known[][2] = {
        { "FCGI_MAX_CONNS", "1" }, { "FCGI_MAX_REQS", "1" },
        { "FCGI_MPXS_CONNS", "0" },
    };
    const uint8_t *end = q + n;
    uint8_t out[64];
    size_t len = 0;

    while (q < end) {
        size_t nl, vl;

        if (get_length(&nl, &q, end) || get_length(&vl, &q, end) ||
            nl > (size_t)(end - q) || vl > (size_t)(end - q) - nl)
            break;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
            size_t kl = strlen(known[k][0]);

            if (nl == kl && memcmp(q, known[k][0], kl) == 0 &&
                len + 2 + kl + 1 <= sizeof out) {
                out[len++] = (uint8_t)kl, out[len++] = 1;
                memcpy(out + len, known[k][0], kl);
                len += kl;
                out[len++] = (uint8_t)known[k][1][0];
            }
        }
        q += nl + vl;
    }
    return send_record(fd, GET_VALUES_RESULT, 0, out, len);
}

/* Turns the raw PARAMS stream (n bytes at raw) into NUL-terminated
 * names and values in rq->param_buf, indexed by rq->params. A pair's
 * two lengths take at least 2 bytes, and its two NULs as many, so the
 * result fits in n + 1 bytes. */
static int
parse_params(struct fcgi_request *rq, const uint8_t *raw, size_t n,
             char *err)
{
    const uint8_t *p = raw, *end = raw + n;
    char *out = rq->param_buf = xmalloc(n + 1);

    while (p < end) {
        size_t nl, vl;

        if (get_length(&nl, &p, end) || get_length(&vl, &p, end) ||
            nl > (size_t)(end - p) || vl > (size_t)(end - p) - nl) {
            snprintf(err, ERRLEN, "a parameter runs past its stream");
            return -1;
        }
        if (rq->n_params == FCGI_MAX_PARAMS) {
            p += nl + vl;       /* the rest (a client's many headers) */
            continue;
        }
        rq->params[rq->n_params].name = out;
        memcpy(out, p, nl), out += nl, *out++ = '\0', p += nl;
        rq->params[rq->n_params++].value = out;
        memcpy(out, p, vl), out += vl, *out++ = '\0', p += vl;
    }
    return 0;
}

/* Appends n bytes to a growing buffer of at most max bytes. Returns 0,
 * or -1 if it would grow past max (nothing appended). */
static int
append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n,
       size_t max)
{
    if (n > max - *len)
        return -1;
    if (*len + n > *cap) {
        size_t c = *cap < 4096 ? 4096 : *cap;

        while (c < *len + n)
            c = c > max / 2 ? max : c * 2;
        uint8_t *nb = realloc(*buf, c);
        if (nb == NULL)
            fatal(2, "out of memory for a %zu-byte request", c);
        *buf = nb, *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

/* The state of one request being read. */
struct reading {
    int state;                  /* 0 no request, 1 params, 2 stdin */
    uint8_t *raw;               /* the PARAMS stream */
    size_t raw_len, raw_cap, body_cap;
};

/* A record that belongs to no request of ours, or a management record.
 * Returns 0 to go on, -1 on a write error. */
static int
other_record(const struct header *h, const uint8_t *c, int fd,
             const struct reading *r, const struct fcgi_request *rq)
{
    if (h->id == 0 && h->type == GET_VALUES)
        return answer_get_values(fd, c, h->len);
    if (h->id == 0) {
        uint8_t body[8] = { (uint8_t)h->type };

        return send_record(fd, UNKNOWN_TYPE, 0, body, sizeof body);
    }
    if (h->type == BEGIN_REQUEST && r->state != 0 && h->id != rq->id)
        return send_end(fd, h->id, CANT_MPX_CONN);
    return 0;                   /* a stray record of a finished request */
}

/* BEGIN_REQUEST: starts a request unless its role is not ours. */
static int
begin(struct fcgi_request *rq, struct reading *r, const struct header *h,
      const uint8_t *c, int fd, char *err)
{
    if (h->len != 8) {
        snprintf(err, ERRLEN, "BEGIN_REQUEST of %zu bytes", h->len);
        return -1;
    }
    if ((c[0] << 8 | c[1]) != ROLE_RESPONDER)
        return send_end(fd, h->id, UNKNOWN_ROLE) == 0 ? 0 : -1;
    rq->id = h->id;
    rq->keep_conn = c[2] & FLAG_KEEP_CONN;
    r->state = 1;
    return 0;
}

/* Reads records until the request is complete (1) or fails (-1). */
static int
read_records(struct fcgi_request *rq, struct reading *r, uint8_t *rec,
             int fd, size_t max_body, char *err)
{
    for (;;) {
        struct header h;
        int rc = read_record(&h, rec, fd, err);

        if (rc == 0 && r->state != 0)
            snprintf(err, ERRLEN, "connection closed inside a request");
        if (rc <= 0)
            return rc == 0 && r->state == 0 ? 0 : -1;
        if (h.id == 0 || (r->state != 0 && h.id != rq->id) ||
            (r->state == 0 && h.type != BEGIN_REQUEST)) {
            if (other_record(&h, rec, fd, r, rq) != 0)
                return -1;
        } else if (h.type == BEGIN_REQUEST) {
            if (r->state != 0) {
                snprintf(err, ERRLEN, "request %u begun twice", h.id);
                return -1;
            }
            if (begin(rq, r, &h, rec, fd, err) != 0)
                return -1;
        } else if (h.type == ABORT_REQUEST) {
            if (send_end(fd, rq->id, REQUEST_COMPLETE) != 0)
                return -1;
            fcgi_request_free(rq);
            r->state = 0, r->raw_len = 0, r->body_cap = 0;
        } else if (h.type == PARAMS && r->state == 1) {
            if (h.len == 0) {
                size_t n;

                if (parse_params(rq, r->raw, r->raw_len, err) != 0)
                    return -1;
                r->state = 2;
                /* An announced body over the limit is not kept: it is
                 * read and dropped, so the connection stays in step. */
                if (http_body_length(&n, fcgi_param(rq, "CONTENT_LENGTH"),
                                     max_body) == HTTP_BODY_TOO_BIG)
                    rq->body_too_big = 1;
            } else if (append(&r->raw, &r->raw_len, &r->raw_cap, rec,
                              h.len, FCGI_MAX_PARAMS_BYTES) != 0) {
                snprintf(err, ERRLEN, "parameters over %d bytes",
                         FCGI_MAX_PARAMS_BYTES);
                return -1;
            }
        } else if (h.type == STDIN && r->state == 2) {
            if (h.len == 0)
                return 1;
            if (!rq->body_too_big &&
                append(&rq->body, &rq->body_len, &r->body_cap, rec, h.len,
                       max_body) != 0) {
                rq->body_too_big = 1;
                free(rq->body), rq->body = NULL, rq->body_len = 0;
            }
        } else if (h.type != DATA) {
            snprintf(err, ERRLEN, "record type %d out of place", h.type);
            return -1;
        }
    }
}

int
fcgi_read_request(struct fcgi_request *rq, int fd, size_t max_body,
                  char *err)
{
    struct reading r = { 0 };
    uint8_t *rec = xmalloc(RECORD_MAX);

    memset(rq, 0, sizeof *rq);
    int rc = read_records(rq, &r, rec, fd, max_body, err);
    free(rec), free(r.raw);
    if (rc != 1)
        fcgi_request_free(rq);
    return rc;
}

void
fcgi_request_free(struct fcgi_request *rq)
{
    free(rq->param_buf);
    free(rq->body);
    memset(rq, 0, sizeof *rq);
}

const char *
fcgi_param(const struct fcgi_request *rq, const char *name)
{
    for (int i = 0; i < rq->n_params; i++)
        if (strcmp(rq->params[i].name, name) == 0)
            return rq->params[i].value;
    return NULL;
}

int
fcgi_write_response(int fd, uint16_t id, const void *data, size_t n)
{
    size_t n_rec = n / MAX_CONTENT + 1;
    uint8_t *out = xmalloc(n + (n_rec + 2) * HEADER_LEN + 8);
    const uint8_t *p = data;
    size_t len = 0;

    /* One buffer, one write: over TCP, small writes in a row would wait
     * on each other (Nagle), and a server reads the answer whole. */
    for (size_t done = 0; done < n;) {
        size_t k = n - done < MAX_CONTENT ? n - done : MAX_CONTENT;

        put_header(out + len, STDOUT, id, k);
        memcpy(out + len + HEADER_LEN, p + done, k);
        len += HEADER_LEN + k, done += k;
    }
    put_header(out + len, STDOUT, id, 0);
    len += HEADER_LEN;
    put_header(out + len, END_REQUEST, id, 8);
    memset(out + len + HEADER_LEN, 0, 8);
    len += HEADER_LEN + 8;
    int rc = write_full(fd, out, len);
    free(out);
    return rc;
}
