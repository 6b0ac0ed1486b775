/* multipart - see multipart.h. Every index is checked against the body's
 * length before it is read; the body need not end in a NUL. */
#include "web/multipart.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

/* Does s (n bytes) equal the lower-case name, ignoring case? */
static int
same_word(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return 0;
    }
    return 1;
}

/* Does the value s begin with the word name, then end or a ';'? */
static int
starts_with_word(const char *s, const char *name)
{
    size_t n = strlen(name);

    while (*s == ' ' || *s == '\t')
        s++;
    if (strlen(s) < n || !same_word(s, n, name))
        return 0;
    s += n;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0' || *s == ';';
}

int
multipart_is_form(const char *content_type)
{
    return content_type != NULL &&
           starts_with_word(content_type, "multipart/form-data");
}

static int
is_token_char(char c)
{
    return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* The value of parameter name in a header value ("type; a=1;
 * name=\"x\""), unquoted, into out (cap bytes). Returns 1 found, 0
 * absent, -1 malformed, given twice or cap bytes or more. Quoted values
 * take no backslash escapes: no client we serve needs them. */
static int
param(char *out, size_t cap, const char *s, const char *name)
{
    int found = 0;

    s = strchr(s, ';');
    while (s != NULL && *s == ';') {
        const char *attr, *val;
        size_t alen, vlen;

        for (s++; *s == ' ' || *s == '\t'; s++)
            ;
        for (attr = s; is_token_char(*s) && *s != '='; s++)
            ;
        alen = (size_t)(s - attr);
        if (alen == 0 || *s++ != '=')
            return -1;
        if (*s == '"') {
            for (val = ++s; *s != '"' && *s != '\0' && *s != '\\'; s++)
                ;
            if (*s != '"')
                return -1;
            vlen = (size_t)(s++ - val);
        } else {
            for (val = s; is_token_char(*s); s++)
                ;
            vlen = (size_t)(s - val);
            if (vlen == 0)
                return -1;
        }
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != ';' && *s != '\0')
            return -1;
        if (same_word(attr, alen, name)) {
            if (found || vlen >= cap)
                return -1;
            memcpy(out, val, vlen);
            out[vlen] = '\0';
            found = 1;
        }
    }
    return found;
}

/* RFC 2046's boundary: 1 to 70 of its characters, no space at the end. */
static int
good_boundary(const char *b)
{
    size_t n = strlen(b);

    if (n == 0 || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'z') ||
              (b[i] >= 'A' && b[i] <= 'Z') ||
              strchr("'()+_,-./:=? ", b[i]) != NULL))
            return 0;
    return 1;
}

/* One header line of the part (NUL-terminated, no CRLF) into f and
 * *named. Returns 0, or -1 with the reason in err. */
static int
part_header(struct multipart_file *f, int *named, int *disposed,
            const char *line, char *err)
{
    const char *colon = strchr(line, ':'), *v;
    char name[MULTIPART_MAX_LINE + 1];
    size_t n;

    for (v = line; is_token_char(*v); v++)
        ;
    if (colon == NULL || v != colon || colon == line) {
        snprintf(err, ERRLEN, "a part header line is not \"Name: value\"");
        return -1;
    }
    n = (size_t)(colon - line);
    for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
        ;
    if (same_word(line, n, "content-disposition")) {
        int rc = param(name, sizeof name, v, "name");

        if (*disposed || !starts_with_word(v, "form-data") || rc < 0) {
            snprintf(err, ERRLEN, "the part's Content-Disposition is not "
                     "one form-data; name=\"image\"");
            return -1;
        }
        *disposed = 1;
        *named = rc == 1 && (strcmp(name, "image") == 0 ||
                             strcmp(name, "file") == 0);
    } else if (same_word(line, n, "content-type")) {
        if (strlen(v) >= sizeof f->type || f->type[0] != '\0') {
            snprintf(err, ERRLEN, "the part's Content-Type is too long or "
                     "given twice");
            return -1;
        }
        snprintf(f->type, sizeof f->type, "%s", v);
    } else if (same_word(line, n, "content-transfer-encoding") &&
               !starts_with_word(v, "binary") &&
               !starts_with_word(v, "8bit") && !starts_with_word(v, "7bit")) {
        snprintf(err, ERRLEN, "the part has a Content-Transfer-Encoding: "
                 "send the file's bytes as they are");
        return -1;
    }
    return 0;
}

/* The offset of the first "\r\n" in b[from, to), or to when none. */
static size_t
find_crlf(const uint8_t *b, size_t from, size_t to)
{
    for (size_t i = from; i + 1 < to; i++)
        if (b[i] == '\r' && b[i + 1] == '\n')
            return i;
    return to;
}

/* The part's header lines, from *at to the blank line after them (*at
 * then just past it). Returns 0, or -1 with the reason in err. */
static int
part_headers(struct multipart_file *f, size_t *at, const uint8_t *body,
             size_t n, char *err)
{
    char line[MULTIPART_MAX_LINE + 1];
    int named = 0, disposed = 0;

    for (int lines = 0;; lines++) {
        size_t p = *at, to = n - p > MULTIPART_MAX_LINE + 2 ?
                             p + MULTIPART_MAX_LINE + 2 : n;
        size_t e = find_crlf(body, p, to);

        if (e == to) {
            snprintf(err, ERRLEN, "a part header line is over %d bytes or "
                     "has no end", MULTIPART_MAX_LINE);
            return -1;
        }
        *at = e + 2;
        if (e == p)
            break;
        if (lines == MULTIPART_MAX_HEADERS) {
            snprintf(err, ERRLEN, "the part has more than %d header lines",
                     MULTIPART_MAX_HEADERS);
            return -1;
        }
        for (size_t i = p; i < e; i++)
            if ((body[i] < 0x20 && body[i] != '\t') || body[i] == 0x7f) {
                snprintf(err, ERRLEN, "a part header line holds a control "
                         "character");
                return -1;
            }
        memcpy(line, body + p, e - p);
        line[e - p] = '\0';
        if (part_header(f, &named, &disposed, line, err) != 0)
            return -1;
    }
    if (!named) {
        snprintf(err, ERRLEN, "no field named image or file (Content-"
                 "Disposition: form-data; name=\"image\")");
        return -1;
    }
    return 0;
}

/* The offset of the next "\r\n" delim (dlen bytes) at or after from, or
 * n when there is none. */
static size_t
find_delimiter(const uint8_t *b, size_t from, size_t n, const char *delim,
               size_t dlen)
{
    for (size_t i = from; i < n && n - i >= dlen + 2; i++)
        if (b[i] == '\r' && b[i + 1] == '\n' &&
            memcmp(b + i + 2, delim, dlen) == 0)
            return i;
    return n;
}

int
multipart_file(struct multipart_file *f, const char *content_type,
               const uint8_t *body, size_t n, char *err)
{
    char bnd[MULTIPART_MAX_BOUNDARY + 1], delim[MULTIPART_MAX_BOUNDARY + 3];
    size_t dlen, p, q;

    memset(f, 0, sizeof *f);
    if (!multipart_is_form(content_type) ||
        param(bnd, sizeof bnd, content_type, "boundary") != 1 ||
        !good_boundary(bnd)) {
        snprintf(err, ERRLEN, "multipart/form-data needs one boundary "
                 "parameter of 1 to %d characters", MULTIPART_MAX_BOUNDARY);
        return -1;
    }
    dlen = (size_t)snprintf(delim, sizeof delim, "--%s", bnd);
    if (n < dlen + 2 || memcmp(body, delim, dlen) != 0) {
        snprintf(err, ERRLEN, "the body does not begin with its boundary");
        return -1;
    }
    p = dlen;
    if (body[p] != '\r' || body[p + 1] != '\n') {
        snprintf(err, ERRLEN, "the form holds no part, or its first "
                 "boundary line is malformed");
        return -1;
    }
    p += 2;
    if (part_headers(f, &p, body, n, err) != 0)
        return -1;
    if ((q = find_delimiter(body, p, n, delim, dlen)) == n) {
        snprintf(err, ERRLEN, "the form's closing boundary is missing");
        return -1;
    }
    f->data = body + p, f->len = q - p;
    p = q + 2 + dlen;
    if (n - p < 2 || body[p] != '-' || body[p + 1] != '-') {
        snprintf(err, ERRLEN, "the form has more than one part: send the "
                 "image alone, in a field named image or file");
        return -1;
    }
    p += 2;
    if (p != n && !(n - p == 2 && body[p] == '\r' && body[p + 1] == '\n')) {
        snprintf(err, ERRLEN, "bytes follow the form's closing boundary");
        return -1;
    }
    if (f->len == 0) {
        snprintf(err, ERRLEN, "the file in the form is empty");
        return -1;
    }
    return 0;
}
