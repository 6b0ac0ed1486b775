/* fuzz_http - libFuzzer harness: any bytes as a request to the web API,
 * as the CGI side hands it over: the first line is the query string,
 * the second the Content-Type, the rest the body, posted to /predict
 * and to /corrections (the store in a temporary folder). The model is
 * the shipped one, so run it from the top of the tree. PNG and JPEG
 * bodies start netpbm's converters. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "img/pgmio.h"
#include "web/app.h"
#include "web/http.h"

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
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            s[i] = ' ';
    *p += len + (nl != NULL), *n -= len + (nl != NULL);
    return s;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    static const char *const paths[] = { "/predict", "/corrections" };
    char store[] = "/tmp/fuzz_http.XXXXXX";
    struct web_config cfg = {
        .model_path = "models/mnist.model", .store = store,
        .page_path = "scripts/cgi/index.html", .origin = "*",
        .max_body = 1 << 20, .max_pixels = 1 << 20,
    };
    struct web_app app;
    char *query = take_line(&data, &n), *type = take_line(&data, &n);

    pm_init("fuzz_http", 0);
    pgmio_init();
    if (mkdtemp(store) == NULL)
        abort();
    web_app_init(&app, &cfg);
    for (int i = 0; i < 2; i++) {
        struct http_request rq = {
            .method = "POST", .path = paths[i], .query = query,
            .content_type = type, .body_state = HTTP_BODY_OK, .body = data,
            .body_len = n, .announced = n,
        };
        char *out;
        size_t len;
        FILE *mem = open_memstream(&out, &len);

        web_answer(&app, &rq, mem, stderr);
        fclose(mem);
        if (len < 8 || memcmp(out, "Status: ", 8) != 0)
            abort();            /* every answer starts with its status */
        free(out);
    }
    web_app_free(&app);
    free(query), free(type);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf -- %s", store);
    if (system(cmd) != 0)
        abort();
    return 0;
}
