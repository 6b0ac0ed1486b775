/* fuzz_origin - libFuzzer harness: any bytes as the headers the write
 * check reads. Lines: Origin, Referer, Host, scheme, Content-Type,
 * X-Requested-With, the configured list. Checks that what parses is
 * an origin a header may carry, and that the verdict is consistent. */
#include <stdlib.h>
#include <string.h>

#include "web/origin.h"

/* The next line of *p (n bytes left) as a new string; advances. */
static char *
take_line(const unsigned char **p, size_t *n)
{
    const unsigned char *nl = memchr(*p, '\n', *n);
    size_t len = nl != NULL ? (size_t)(nl - *p) : *n;
    char *s = malloc(len + 1);

    if (s == NULL)
        abort();
    memcpy(s, *p, len);
    s[len] = '\0';
    *p += len + (nl != NULL), *n -= len + (nl != NULL);
    return s;
}

static void
check(const struct origin *o)
{
    if (strcmp(o->scheme, "http") != 0 && strcmp(o->scheme, "https") != 0)
        abort();
    if (o->port == 0 || o->port > 65535 || o->host[0] == '\0')
        abort();
    for (const char *c = o->host; *c != '\0'; c++)
        if (*c <= ' ' || *c > '~' || *c == '@' || *c == '/' ||
            (*c >= 'A' && *c <= 'Z'))
            abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    char *f[7];
    struct origin o, p;
    char msg[256];

    for (int i = 0; i < 7; i++)
        f[i] = take_line(&data, &n);
    if (origin_parse(&o, f[0], 0) == 0) {
        check(&o);
        if (origin_parse(&p, f[0], 1) != 0 || !origin_equal(&o, &p))
            abort();            /* an origin is also a Referer */
    }
    if (origin_parse(&o, f[1], 1) == 0)
        check(&o);
    if (origin_from_host(&o, f[3], f[2]) == 0)
        check(&o);
    struct http_request rq = {
        .method = "POST", .path = "/corrections", .query = "",
        .origin = f[0], .referer = f[1], .host = f[2], .scheme = f[3],
        .content_type = f[4], .requested_with = f[5],
    };
    if (origin_check_write(&rq, f[6], msg, sizeof msg) == 0 && f[0][0] != '\0')
        if (origin_parse(&o, f[0], 0) != 0)
            abort();            /* an Origin taken is a valid one */
    for (int i = 0; i < 7; i++)
        free(f[i]);
    return 0;
}
