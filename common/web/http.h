/* http - the one home of our HTTP: the request as the web server hands
 * it over (CGI variables or FastCGI parameters, and the body), the
 * answer's status line and headers, the JSON error shape, the body
 * limits and the media types. Both ways of running the web program
 * (cmd/digits-cgi.c: a CGI process per request, or a FastCGI responder
 * that stays up) fill a struct http_request and call web_answer
 * (web/app.h); nothing else in the tree writes a status or a header.
 *
 * Answers are CGI responses: a Status line first (busybox httpd reads
 * it only there), the headers every answer carries, a blank line, the
 * body. A FastCGI server takes the same bytes. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HTTP_MAX_BODY_DEFAULT ((size_t)8 << 20)  /* bytes, DIGITS_MAX_BODY */
#define HTTP_MAX_BODY_LIMIT ((size_t)1 << 30)    /* the most it may be set to */
/* Pixels of an uploaded image (DIGITS_MAX_PIXELS): a 12-megapixel
 * phone photo passes; decoding the most it allows takes under a second
 * of CPU and under 100 MB in all (README, "Security"). */
#define HTTP_MAX_PIXELS_DEFAULT ((size_t)4096 * 3072)

/* What became of the body before the request reached web_answer. */
enum http_body {
    HTTP_BODY_OK,               /* body holds CONTENT_LENGTH bytes */
    HTTP_BODY_NONE,             /* no or an unreadable CONTENT_LENGTH */
    HTTP_BODY_TOO_BIG,          /* over the limit: not read */
    HTTP_BODY_SHORT,            /* fewer bytes came than announced */
};

struct http_request {
    const char *method;         /* REQUEST_METHOD, "GET" when unset */
    const char *path;           /* PATH_INFO, "/" when unset or empty */
    const char *query;          /* QUERY_STRING, "" when unset */
    const char *content_type;   /* CONTENT_TYPE, "" when unset */
    /* The client and the headers the write checks use; NULL when
     * unset (web/origin.h). */
    const char *origin;         /* HTTP_ORIGIN */
    const char *referer;        /* HTTP_REFERER */
    const char *host;           /* HTTP_HOST */
    const char *scheme;         /* REQUEST_SCHEME, or "https" for HTTPS=on */
    const char *requested_with; /* HTTP_X_REQUESTED_WITH */
    const char *remote_addr;    /* REMOTE_ADDR */
    const char *redirect_status; /* REDIRECT_STATUS: the server's own
                                 * error, handed to us to answer */
    const char *accept;         /* HTTP_ACCEPT, NULL when unset */
    enum http_body body_state;
    const uint8_t *body;
    size_t body_len, announced; /* announced: CONTENT_LENGTH */
};

/* CONTENT_LENGTH checked against max before a byte is read: sets *n and
 * returns HTTP_BODY_OK, or HTTP_BODY_NONE (NULL, empty, not all digits)
 * or HTTP_BODY_TOO_BIG (more than max; *n is then max + 1). */
enum http_body http_body_length(size_t *n, const char *content_length,
                                size_t max);

/* The reason phrase of status ("Not Found"); "Error" for one we never
 * send. */
const char *http_reason(int status);

/* Starts an answer: the Status line and the headers every answer
 * carries (CORS for origin, none when origin is NULL; no sniffing, no
 * caching). The caller adds
 * its own headers, then a blank line ("\r\n") and the body. */
void http_head(FILE *out, int status, const char *origin);

/* A whole JSON answer: http_head, Content-Type, and the body text,
 * which is JSON made by the caller (one line). */
void http_json(FILE *out, int status, const char *origin, const char *json);

/* A whole error answer: {"error":"msg"} with msg escaped. */
void http_error(FILE *out, int status, const char *origin, const char *msg);

/* The media types of a body. */
enum http_media { MEDIA_UNKNOWN, MEDIA_PNM, MEDIA_PNG, MEDIA_JPEG };

/* What a 415 answer lists as accepted. */
#define HTTP_ACCEPTED_TYPES "image/png, image/jpeg, " \
    "image/x-portable-graymap (-pixmap, -bitmap, -anymap), " \
    "multipart/form-data (one field, image or file), " \
    "application/octet-stream, application/x-www-form-urlencoded " \
    "or none (read by the bytes)"

/* The media type of a body from its Content-Type, or from its first
 * bytes when the type says nothing (none, application/octet-stream, or
 * curl's default for --data-binary, application/x-www-form-urlencoded).
 * Returns -1 for a type that is not an image we take (the caller
 * answers 415); MEDIA_UNKNOWN when the bytes match nothing. */
int http_media_type(enum http_media *kind, const char *content_type,
                    const uint8_t *body, size_t n);

/* Finds key in a query string ("a=1&b=2") and copies its raw value
 * (not decoded) into out (cap bytes). Returns 1 found, 0 absent, -1
 * found but cap or more bytes long. The last occurrence wins. */
int http_query_get(char *out, size_t cap, const char *query,
                   const char *key);

#endif
