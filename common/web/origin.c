/* origin - see origin.h. */
#include "web/origin.h"

#include <stdio.h>
#include <string.h>

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static int
is_ipv6_char(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
           (c >= '0' && c <= '9') || c == ':' || c == '.';
}

/* Reads "host[:port]" at s into o (o->scheme already set), up to the
 * first of stop (or the end); *end is where it stopped. Returns 0 or
 * -1. */
static int
parse_authority(struct origin *o, const char *s, const char **end)
{
    size_t n = 0;
    unsigned long port = 0;

    if (*s == '[') {                            /* an IPv6 address */
        o->host[n++] = *s++;
        while (is_ipv6_char(*s) && n < ORIGIN_HOST_MAX - 1)
            o->host[n++] = lower(*s++);
        if (*s != ']' || n < 3)
            return -1;
        o->host[n++] = *s++;
    } else {
        while (is_name_char(*s) && n < ORIGIN_HOST_MAX)
            o->host[n++] = lower(*s++);
        if (n == 0 || is_name_char(*s))         /* none, or too long */
            return -1;
    }
    o->host[n] = '\0';
    o->port = strcmp(o->scheme, "https") == 0 ? 443 : 80;
    if (*s == ':') {
        int digits = 0;

        for (s++; *s >= '0' && *s <= '9'; s++, digits++)
            if ((port = port * 10 + (unsigned long)(*s - '0')) > 65535)
                return -1;
        if (digits == 0 || port == 0)
            return -1;
        o->port = (unsigned)port;
    }
    *end = s;
    return 0;
}

int
origin_parse(struct origin *o, const char *s, int with_path)
{
    const char *end;

    memset(o, 0, sizeof *o);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < 5 && *s != ':' && *s != '\0'; i++, s++)
        o->scheme[i] = lower(*s);
    if ((strcmp(o->scheme, "http") != 0 && strcmp(o->scheme, "https") != 0)
        || strncmp(s, "://", 3) != 0 || parse_authority(o, s + 3, &end))
        return -1;
    if (*end == '\0' || (with_path && (*end == '/' || *end == '?' ||
                                       *end == '#')))
        return 0;
    return -1;                  /* "user@host", junk after the port, ... */
}

int
origin_from_host(struct origin *o, const char *scheme, const char *host)
{
    const char *end;

    memset(o, 0, sizeof *o);
    snprintf(o->scheme, sizeof o->scheme, "%s",
             scheme != NULL && strcmp(scheme, "https") == 0 ? "https"
                                                             : "http");
    if (host == NULL || parse_authority(o, host, &end) != 0 || *end != '\0')
        return -1;
    return 0;
}

int
origin_equal(const struct origin *a, const struct origin *b)
{
    return strcmp(a->scheme, b->scheme) == 0 &&
           strcmp(a->host, b->host) == 0 && a->port == b->port;
}

int
origin_listed(const struct origin *o, const char *list)
{
    char one[ORIGIN_HOST_MAX + 32];
    struct origin x;

    for (const char *p = list; p != NULL && *p != '\0';) {
        size_t len = strcspn(p, " ,");

        if (len > 0 && len < sizeof one) {
            memcpy(one, p, len);
            one[len] = '\0';
            if (origin_parse(&x, one, 0) == 0 && origin_equal(o, &x))
                return 1;
        }
        p += len;
        p += *p != '\0';
    }
    return 0;
}

/* Does the media type t (up to ';' or the end) equal name, ignoring
 * case and spaces? */
static int
type_is(const char *t, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < n; i++)
        if (lower(t[i]) != name[i])
            return 0;
    t += n;
    while (*t == ' ' || *t == '\t')
        t++;
    return *t == '\0' || *t == ';';
}

int
origin_simple_type(const char *content_type)
{
    const char *t = content_type == NULL ? "" : content_type;

    while (*t == ' ' || *t == '\t')
        t++;
    return *t == '\0' || *t == ';' ||
           type_is(t, "application/x-www-form-urlencoded") ||
           type_is(t, "multipart/form-data") || type_is(t, "text/plain");
}

/* Is o the server's own origin, or a configured one? */
static int
trusted(const struct origin *o, const struct http_request *rq,
        const char *allowed)
{
    struct origin own;

    return (origin_from_host(&own, rq->scheme, rq->host) == 0 &&
            origin_equal(o, &own)) || origin_listed(o, allowed);
}

int
origin_check_write(const struct http_request *rq, const char *allowed,
                   char *msg, size_t cap)
{
    struct origin o;
    int has_origin = rq->origin != NULL && rq->origin[0] != '\0';
    int has_referer = rq->referer != NULL && rq->referer[0] != '\0';

    if (has_origin || has_referer) {
        if ((has_origin ? origin_parse(&o, rq->origin, 0)
                        : origin_parse(&o, rq->referer, 1)) == 0 &&
            trusted(&o, rq, allowed))
            return 0;
        snprintf(msg, cap, "corrections are taken only from this site's "
                 "own page (the request's %s is another site)",
                 has_origin ? "Origin" : "Referer");
        return -1;
    }
    if ((rq->requested_with != NULL && rq->requested_with[0] != '\0') ||
        !origin_simple_type(rq->content_type))
        return 0;
    snprintf(msg, cap, "a correction with no Origin or Referer needs an "
             "image Content-Type or an X-Requested-With header");
    return -1;
}
