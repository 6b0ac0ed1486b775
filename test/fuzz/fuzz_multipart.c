/* fuzz_multipart - libFuzzer harness: any bytes as a form. The first
 * line is the Content-Type, the rest the body. A file found must lie
 * inside the body, and its type must be a string. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "web/multipart.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    const unsigned char *nl = memchr(data, '\n', n);
    size_t tlen = nl != NULL ? (size_t)(nl - data) : n;
    char *type = malloc(tlen + 1), err[ERRLEN];
    struct multipart_file f;
    const uint8_t *body = nl != NULL ? nl + 1 : data + n;
    size_t blen = n - (size_t)(body - data);
    /* A copy of exactly blen bytes: the sanitizer sees any read past it. */
    uint8_t *copy = malloc(blen > 0 ? blen : 1);

    if (type == NULL || copy == NULL)
        abort();
    memcpy(type, data, tlen);
    type[tlen] = '\0';
    memcpy(copy, body, blen);
    if (multipart_file(&f, type, copy, blen, err) == 0 &&
        (f.data < copy || f.len == 0 || f.len > blen ||
         (size_t)(f.data - copy) > blen - f.len ||
         memchr(f.type, '\0', sizeof f.type) == NULL))
        abort();
    free(copy);
    free(type);
    return 0;
}
