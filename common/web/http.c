/* http - see http.h. */
#include "web/http.h"

#include <string.h>

#include "core/json.h"

enum http_body
http_body_length(size_t *n, const char *content_length, size_t max)
{
    const char *s = content_length;
    size_t v = 0;

    *n = 0;
    if (s == NULL || *s == '\0')
        return HTTP_BODY_NONE;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return HTTP_BODY_NONE;
        /* Stop counting past max: no overflow however many digits. */
        if (v <= max)
            v = v * 10 + (size_t)(*s - '0');
    }
    if (v > max) {
        *n = max + 1;
        return HTTP_BODY_TOO_BIG;
    }
    *n = v;
    return HTTP_BODY_OK;
}

const char *
http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default:  return "Error";
    }
}

void
http_head(FILE *out, int status, const char *origin)
{
    fprintf(out, "Status: %d %s\r\n", status, http_reason(status));
    if (origin != NULL)
        fprintf(out, "Access-Control-Allow-Origin: %s\r\n", origin);
    fputs("Vary: Origin\r\n"
          "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n",
          out);
}

void
http_json(FILE *out, int status, const char *origin, const char *json)
{
    http_head(out, status, origin);
    fprintf(out, "Content-Type: application/json\r\n\r\n%s\n", json);
}

void
http_error(FILE *out, int status, const char *origin, const char *msg)
{
    http_head(out, status, origin);
    fputs("Content-Type: application/json\r\n\r\n{\"error\":\"", out);
    json_put_text(out, msg);
    fputs("\"}\n", out);
}

/* Does the media type t (up to ';' or the end) equal name, ignoring
 * case and the spaces before a parameter? */
static int
media_is(const char *t, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < n; i++) {
        char c = t[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return 0;
    }
    t += n;
    while (*t == ' ' || *t == '\t')
        t++;
    return *t == '\0' || *t == ';';
}

static enum http_media
sniff(const uint8_t *b, size_t n)
{
    size_t i = 0;

    /* White space may come before a PNM header, as pgmio reads it. */
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
                     b[i] == '\r' || b[i] == '\v' || b[i] == '\f'))
        i++;
    if (n - i >= 2 && b[i] == 'P' && b[i + 1] >= '1' && b[i + 1] <= '7')
        return MEDIA_PNM;
    if (n >= 4 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
        return MEDIA_PNG;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return MEDIA_JPEG;
    return MEDIA_UNKNOWN;
}

int
http_media_type(enum http_media *kind, const char *content_type,
                const uint8_t *body, size_t n)
{
    static const struct { const char *name; enum http_media kind; } types[] = {
        { "image/png", MEDIA_PNG }, { "image/jpeg", MEDIA_JPEG },
        { "image/jpg", MEDIA_JPEG }, { "image/pjpeg", MEDIA_JPEG },
        { "image/x-portable-graymap", MEDIA_PNM },
        { "image/x-portable-pixmap", MEDIA_PNM },
        { "image/x-portable-bitmap", MEDIA_PNM },
        { "image/x-portable-anymap", MEDIA_PNM },
        { "image/x-portable-arbitrarymap", MEDIA_PNM },
    };
    const char *t = content_type == NULL ? "" : content_type;

    while (*t == ' ' || *t == '\t')
        t++;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (media_is(t, types[i].name)) {
            *kind = types[i].kind;
            return 0;
        }
    if (*t != '\0' && *t != ';' && !media_is(t, "application/octet-stream") &&
        !media_is(t, "application/x-www-form-urlencoded"))
        return -1;
    *kind = sniff(body, n);
    return 0;
}

int
http_query_get(char *out, size_t cap, const char *query, const char *key)
{
    size_t klen = strlen(key);
    int found = 0;

    for (const char *p = query; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '&');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = len - klen - 1;

            if (vlen >= cap)
                found = -1;
            else {
                memcpy(out, p + klen + 1, vlen);
                out[vlen] = '\0';
                found = 1;
            }
        } else if (len == klen && strncmp(p, key, klen) == 0) {
            out[0] = '\0';      /* "key" alone: present, empty */
            found = cap > 0 ? 1 : -1;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return found;
}
