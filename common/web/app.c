/* app - see app.h. Each answer is decided in full before a byte of it
 * is written, so a failure is never half an answer. */
#define _POSIX_C_SOURCE 200809L
#include "web/app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/mnist.h"
#include "img/pgmio.h"
#include "img/preproc.h"
#include "nn/number.h"
#include "store/feedback.h"
#include "web/convert.h"
#include "web/html.h"
#include "web/limit.h"
#include "web/multipart.h"
#include "web/origin.h"

#define MSGLEN (ERRLEN + 256)    /* room for a 415's list of types */

void
web_app_init(struct web_app *app, const struct web_config *cfg)
{
    memset(app, 0, sizeof *app);
    app->cfg = *cfg;
}

static void
unload(struct web_app *app)
{
    if (app->loaded) {
        infer_free(&app->in);
        model_free(&app->m);
        app->loaded = 0;
    }
}

void
web_app_free(struct web_app *app)
{
    unload(app);
}

/* Whether a and b are the same file, unchanged. The change time, to the
 * nanosecond, too: a model copied then renamed into place often gets the
 * inode number its predecessor but one had (ext4 reuses them), the same
 * size (the same architecture) and, copied with its time kept or within
 * the same second, the same mtime; no one can set the change time. */
static int
same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Makes app's model the one now at the model path. Returns 0, or -1
 * (the reason in app->model_err) when there is none that loads. A file
 * that failed is not tried again until it changes. */
static int
current_model(struct web_app *app)
{
    struct stat st;

    if (stat(app->cfg.model_path, &st) != 0) {
        unload(app);
        app->tried = 0;
        snprintf(app->model_err, ERRLEN, "%.150s: %s", app->cfg.model_path,
                 strerror(errno));
        return -1;
    }
    if (app->tried && same_file(&st, &app->st))
        return app->loaded ? 0 : -1;
    unload(app);
    /* st was taken before the load: if the file is replaced meanwhile,
     * the next request sees a change and loads again. */
    app->st = st, app->tried = 1;
    if (model_load_path(&app->m, app->cfg.model_path, app->model_err) != 0)
        return -1;
    infer_init(&app->in, &app->m, 1, 1);
    app->loaded = 1;
    if (infer_probe(&app->in) != 0) {
        unload(app);
        snprintf(app->model_err, ERRLEN, "%.150s: the output is not finite "
                 "on a plain image (the weights overflow)",
                 app->cfg.model_path);
        return -1;
    }
    return 0;
}

/* The body as one PNM image in memory: the body itself, or what the
 * converter made of a PNG or JPEG (*conv, to free). Returns 0, or an
 * HTTP status with the reason in msg. */
static int
body_pnm(const uint8_t **pnm, size_t *len, uint8_t **conv,
         const struct web_app *app, const struct http_request *rq,
         char *msg, FILE *log)
{
    enum http_media kind;
    char err[ERRLEN];

    *conv = NULL;
    /* msg is MSGLEN bytes: the type named is cut to fit beside the list. */
    if (http_media_type(&kind, rq->content_type, rq->body, rq->body_len)) {
        snprintf(msg, MSGLEN, "unsupported media type: got Content-Type "
                 "%.60s; accepted: %s", rq->content_type,
                 HTTP_ACCEPTED_TYPES);
        return 415;
    }
    if (kind == MEDIA_UNKNOWN) {
        snprintf(msg, MSGLEN, "not an image: the bytes sent as %.60s are not "
                 "PNG, JPEG or PNM; accepted: %s", *rq->content_type ?
                 rq->content_type : "(no Content-Type)", HTTP_ACCEPTED_TYPES);
        return 415;
    }
    if (kind == MEDIA_PNM) {
        *pnm = rq->body, *len = rq->body_len;
        return 0;
    }
    switch (convert_to_pnm(conv, len, rq->body, rq->body_len, kind,
                           app->cfg.max_pixels, err)) {
    case 0: *pnm = *conv; return 0;
    case 1: snprintf(msg, MSGLEN, "%s", err); return 400;
    case 2: snprintf(msg, MSGLEN, "%s", err); return 413;
    default:
        fprintf(log, "%s: %s\n", progname(), err);
        snprintf(msg, MSGLEN, "internal error (see the server log)");
        return 500;
    }
}

/* The body's length as announced and as read: 0, or a status. */
static int
check_body(const struct web_app *app, const struct http_request *rq,
           char *msg)
{
    switch (rq->body_state) {
    case HTTP_BODY_NONE:
        snprintf(msg, MSGLEN, "Content-Length is required");
        return 411;
    case HTTP_BODY_TOO_BIG:
        snprintf(msg, MSGLEN, "the body is over %zu bytes",
                 app->cfg.max_body);
        return 413;
    case HTTP_BODY_SHORT:
        snprintf(msg, MSGLEN, "the body is %zu bytes, not the %zu announced",
                 rq->body_len, rq->announced);
        return 400;
    case HTTP_BODY_OK:
        break;
    }
    if (rq->body_len == 0) {
        snprintf(msg, MSGLEN, "the body is empty");
        return 400;
    }
    return 0;
}

/* A form's body (multipart/form-data) stands for the one file in it:
 * *part is rq with the file's bytes and type (in f) for the body's.
 * Returns 0, or 400 with the reason in msg. */
static int
unwrap_form(struct http_request *part, struct multipart_file *f,
            const struct http_request *rq, char *msg)
{
    char err[ERRLEN];

    *part = *rq;
    if (!multipart_is_form(rq->content_type))
        return 0;
    if (multipart_file(f, rq->content_type, rq->body, rq->body_len, err)) {
        snprintf(msg, MSGLEN, "multipart/form-data: %s", err);
        return 400;
    }
    part->body = f->data, part->body_len = f->len;
    part->content_type = f->type;
    return 0;
}

/* The picture in the request's body, grey (*pix, to free). Returns 0,
 * or an HTTP status with the reason in msg. */
static int
body_picture(uint8_t **pix, int *w, int *h, const struct web_app *app,
             const struct http_request *rq, char *msg, FILE *log)
{
    const uint8_t *pnm = NULL;
    uint8_t *conv;
    char err[ERRLEN];
    size_t len = 0;
    struct multipart_file form;
    struct http_request part;
    int rc = check_body(app, rq, msg);

    if (rc != 0 || (rc = unwrap_form(&part, &form, rq, msg)) ||
        (rc = body_pnm(&pnm, &len, &conv, app, &part, msg, log)))
        return rc;
    rc = pgmio_read_mem(pix, app->cfg.max_pixels, w, h, pnm, len, err);
    free(conv);
    if (rc == 0)
        snprintf(msg, MSGLEN, "no image in the body");
    else if (rc == -2)
        snprintf(msg, MSGLEN, "image 1: %dx%d is more than %zu pixels",
                 *w, *h, app->cfg.max_pixels);
    else if (rc < 0)
        snprintf(msg, MSGLEN, "image 1: %s", err);
    return rc == 1 ? 0 : rc == -2 ? 413 : 400;
}

/* The candidate digits of the picture in the request's body (out, room
 * for PREPROC_MAX_IMAGES; split 0 for one, the whole ink), their count
 * into *n and the slices into *slices. Returns 0, or an HTTP status
 * with the reason in msg. */
static int
body_digits(struct preproc_digit *out, int split, int *n, int *slices,
            const struct web_app *app, const struct http_request *rq,
            char *msg, FILE *log)
{
    char err[ERRLEN];
    uint8_t *pix;
    int w, h, rc = body_picture(&pix, &w, &h, app, rq, msg, log);

    if (rc != 0)
        return rc;
    rc = preproc_split(out, split, slices, pix, w, h, POLARITY_AUTO, NULL,
                       err);
    free(pix);
    if (rc == PREPROC_NO_INK) {
        snprintf(msg, MSGLEN, "no digit found: draw or upload a digit");
        return 422;
    }
    *n = rc;
    return 0;
}

/* An error answer: a page for a browser's form post (web/html.h), else
 * JSON. */
static void
fail(const struct web_app *app, const struct http_request *rq, FILE *out,
     int status, const char *acao, const char *msg)
{
    (void)app;
    if (html_wanted(rq->accept))
        html_error(out, status, acao, msg);
    else
        http_error(out, status, acao, msg);
}

/* /predict: the number in the picture. One digit is answered as cnn-infer
 * --json answers an image; several as a number (json_put_number); a
 * browser's form post, as a page. */
static void
predict(struct web_app *app, const struct http_request *rq, FILE *out,
        FILE *log)
{
    static struct preproc_digit cand[PREPROC_MAX_IMAGES];
    static float prob[PREPROC_MAX_IMAGES * MNIST_OUTPUTS];
    static uint8_t pix[PREPROC_MAX_IMAGES * MNIST_PIXELS];
    static struct number_cand nc[PREPROC_MAX_IMAGES];
    struct number_read r;
    char msg[MSGLEN];
    int status, n, slices;

    if (current_model(app) != 0) {
        fprintf(log, "%s: %s\n", progname(), app->model_err);
        fail(app, rq, out, 503, app->cfg.origin, "no model that loads is "
             "installed on the server");
        return;
    }
    if ((status = body_digits(cand, 1, &n, &slices, app, rq, msg, log))) {
        fail(app, rq, out, status, app->cfg.origin, msg);
        return;
    }
    for (int i = 0; i < n; i++) {
        memcpy(pix + (size_t)i * MNIST_PIXELS, cand[i].pix, MNIST_PIXELS);
        nc[i] = (struct number_cand){ cand[i].first, cand[i].last,
                                      cand[i].prior, { cand[i].x, cand[i].y,
                                                       cand[i].w, cand[i].h } };
    }
    if (infer_run(&app->in, prob, pix, n) >= 0 ||
        number_decode(&r, nc, prob, n, slices) != 0) {
        fprintf(log, "%s: %d candidates over %d slices: no finite reading "
                "that covers them\n", progname(), n, slices);
        fail(app, rq, out, 500, app->cfg.origin, "internal error (see the "
             "server log)");
        return;
    }
    if (html_wanted(rq->accept)) {
        float p[PREPROC_MAX_DIGITS * MNIST_OUTPUTS];
        uint8_t in[PREPROC_MAX_DIGITS * MNIST_PIXELS];
        int guess[PREPROC_MAX_DIGITS];

        number_gather(&r, prob, pix, p, in, guess);
        html_prediction(out, app->cfg.origin, r.rejected ? NULL : r.text,
                        r.confidence, r.n, r.verdict, guess, p, in,
                        app->m.id);
        return;
    }
    http_head(out, 200, app->cfg.origin);
    fputs("Content-Type: application/json\r\n\r\n", out);
    if (r.n == 1) {
        const float *p = prob + (size_t)r.chosen[0] * MNIST_OUTPUTS;

        json_put_prediction(out, r.verdict[0], infer_argmax(p), p,
                            pix + (size_t)r.chosen[0] * MNIST_PIXELS,
                            app->m.id);
    } else {
        float p[PREPROC_MAX_DIGITS * MNIST_OUTPUTS];
        uint8_t in[PREPROC_MAX_DIGITS * MNIST_PIXELS];
        int guess[PREPROC_MAX_DIGITS];

        number_gather(&r, prob, pix, p, in, guess);
        json_put_number(out, r.rejected ? NULL : r.text, r.confidence,
                        r.guess, r.n, r.verdict, guess, p, in, app->m.id);
    }
    fputc('\n', out);
}

/* The query of /corrections into rec: label=D (required), predicted=D
 * (or empty), model=HEX. Returns 0, or 400 with the reason in msg. No
 * value is decoded: the patterns admit no '%'. */
static int
parse_query(struct feedback_record *rec, const char *query, char *msg)
{
    char v[FEEDBACK_MODEL_MAX + 1], err[ERRLEN];
    int rc;

    memset(rec, 0, sizeof *rec);
    rec->predicted = -1;
    snprintf(rec->source, sizeof rec->source, "web");
    rc = http_query_get(v, sizeof v, query, "label");
    if (rc == 0) {
        snprintf(msg, MSGLEN, "label is missing: ?label=D, the right digit");
        return 400;
    }
    if (rc < 0 || feedback_parse_digit(&rec->label, v, "label", err) != 0) {
        snprintf(msg, MSGLEN, "label: must be one digit 0-9");
        return 400;
    }
    rc = http_query_get(v, sizeof v, query, "predicted");
    if (rc != 0 && (rc < 0 || (v[0] != '\0' &&
                    feedback_parse_digit(&rec->predicted, v, "predicted",
                                         err) != 0))) {
        snprintf(msg, MSGLEN, "predicted: must be one digit 0-9");
        return 400;
    }
    rc = http_query_get(v, sizeof v, query, "model");
    if (rc != 0 && (rc < 0 || feedback_check_model(v, err) != 0)) {
        snprintf(msg, MSGLEN, "model: must be 1 to %d hex digits",
                 FEEDBACK_MODEL_MAX);
        return 400;
    }
    if (rc > 0)
        snprintf(rec->model, sizeof rec->model, "%s", v);
    return 0;
}

/* The Access-Control-Allow-Origin of an answer on the write path: the
 * request's own Origin once origin_check_write took it (so a configured
 * site can read the answer), else the configured one. */
static const char *
write_acao(const struct web_app *app, const struct http_request *rq)
{
    return rq->origin != NULL && rq->origin[0] != '\0' ? rq->origin
                                                        : app->cfg.origin;
}

/* The store's cap and the client's rate: 0 to go on, or 1 when it has
 * answered (507, or 429 with Retry-After). The rate table failing is
 * logged and lets the write go on: the store then answers for itself. */
static int
refuse_write(const struct web_app *app, const struct http_request *rq,
             const char *acao, FILE *out, FILE *log)
{
    struct timespec ts;
    char err[ERRLEN];
    int retry, per = app->cfg.writes_per_minute;

    if (app->cfg.store_max > 0 &&
        limit_store_full(app->cfg.store, app->cfg.store_max)) {
        fprintf(log, "%s: %s: the store has reached DIGITS_STORE_MAX\n",
                progname(), app->cfg.store);
        http_error(out, 507, acao, "the feedback store is full: no more "
                   "corrections are taken");
        return 1;
    }
    if (per <= 0)
        return 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    switch (limit_take(&retry, app->cfg.store, rq->remote_addr, per,
                       ts.tv_sec + ts.tv_nsec / 1e9, err)) {
    case 1:
        http_head(out, 429, acao);
        fprintf(out, "Retry-After: %d\r\nContent-Type: application/json"
                "\r\n\r\n{\"error\":\"too many corrections from your "
                "address: at most %d a minute; try again in %d s\"}\n",
                retry, per, retry);
        return 1;
    case -1:
        fprintf(log, "%s: %s\n", progname(), err);
        break;
    }
    return 0;
}

static void
corrections(struct web_app *app, const struct http_request *rq, FILE *out,
            FILE *log)
{
    struct feedback_record rec;
    struct preproc_digit d;
    char msg[MSGLEN], err[ERRLEN];
    const char *acao;
    int status, rc, n, slices;

    if (origin_check_write(rq, app->cfg.write_origins, msg, MSGLEN) != 0) {
        http_error(out, 403, NULL, msg);
        return;
    }
    acao = write_acao(app, rq);
    if (refuse_write(app, rq, acao, out, log))
        return;
    if ((status = parse_query(&rec, rq->query, msg)) != 0 ||
        (status = body_digits(&d, 0, &n, &slices, app, rq, msg, log))) {
        fail(app, rq, out, status, acao, msg);
        return;
    }
    if ((rc = feedback_add(app->cfg.store, &rec, d.pix, err)) < 0) {
        int full = errno == ENOSPC || errno == EDQUOT || errno == EROFS ||
                   errno == EACCES || errno == EPERM;

        fprintf(log, "%s: %s: %s\n", progname(), app->cfg.store, err);
        fail(app, rq, out, full ? 503 : 500, acao, full
             ? "the feedback store is full or read-only: corrections "
               "cannot be stored now" : "the feedback store could "
             "not be written (see the server log)");
        return;
    }
    if (html_wanted(rq->accept)) {
        html_stored(out, acao, rec.id, rc == 1, rec.label, rec.predicted);
        return;
    }
    http_head(out, 200, acao);
    fputs("Content-Type: application/json\r\n\r\n", out);
    json_put_stored(out, rec.id, rc == 1);
    fputc('\n', out);
}

static void
ping(struct web_app *app, FILE *out, FILE *log)
{
    char json[96 + MODEL_ID_LEN];

    if (current_model(app) != 0) {
        fprintf(log, "%s: %s\n", progname(), app->model_err);
        http_error(out, 503, app->cfg.origin, "no model that loads is "
                   "installed on the server");
        return;
    }
    if (app->cfg.run_token != NULL)
        snprintf(json, sizeof json, "{\"status\":\"ok\",\"model\":\"%s\","
                 "\"run\":\"%.32s\"}", app->m.id, app->cfg.run_token);
    else
        snprintf(json, sizeof json, "{\"status\":\"ok\",\"model\":\"%s\"}",
                 app->m.id);
    http_json(out, 200, app->cfg.origin, json);
}

static void
page(const struct web_app *app, FILE *out, FILE *log)
{
    FILE *fp = fopen(app->cfg.page_path, "rb");
    char buf[8192];
    size_t n;

    if (fp == NULL) {
        fprintf(log, "%s: %s: %s\n", progname(), app->cfg.page_path,
                strerror(errno));
        http_error(out, 500, app->cfg.origin, "the page is missing on the "
                   "server (see the server log)");
        return;
    }
    http_head(out, 200, app->cfg.origin);
    fputs("Content-Type: text/html; charset=utf-8\r\n"
          "Content-Security-Policy: default-src 'none'; script-src "
          "'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
          "connect-src 'self'\r\n\r\n", out);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        fwrite(buf, 1, n, out);
    fclose(fp);
}

/* Answers 405 unless the request's method is want; returns 1 if it
 * answered. */
static int
refuse_method(const struct web_app *app, const struct http_request *rq,
              const char *want, FILE *out)
{
    if (strcmp(rq->method, want) == 0)
        return 0;
    http_head(out, 405, app->cfg.origin);
    fprintf(out, "Allow: %s%s, OPTIONS\r\nContent-Type: application/json"
            "\r\n\r\n{\"error\":\"method not allowed: use %s\"}\n", want,
            strcmp(want, "GET") == 0 ? ", HEAD" : "", want);
    return 1;
}

/* The CORS preflight: for the write path, only from an origin that may
 * write (a foreign page is told no, so it cannot send what a request
 * without Origin needs: X-Requested-With or an image type). */
static void
preflight(const struct web_app *app, const struct http_request *rq,
          FILE *out)
{
    const char *acao = app->cfg.origin;
    char msg[MSGLEN];

    if (strcmp(rq->path, "/corrections") == 0) {
        if (origin_check_write(rq, app->cfg.write_origins, msg, MSGLEN)) {
            http_error(out, 403, NULL, msg);
            return;
        }
        acao = write_acao(app, rq);
    }
    http_head(out, 204, acao);
    fputs("Access-Control-Allow-Methods: GET, HEAD, POST, OPTIONS\r\n"
          "Access-Control-Allow-Headers: Content-Type, X-Requested-With\r\n"
          "Access-Control-Max-Age: 86400\r\n\r\n", out);
}

/* The web server's own error (lighttpd's server.error-handler points
 * at /server-error and says which in REDIRECT_STATUS: a body over its
 * limit, headers too large, a client too slow), answered as ours are:
 * JSON, with the CORS header. */
static void
server_error(const struct web_app *app, const struct http_request *rq,
             FILE *out)
{
    long st;
    char msg[MSGLEN];

    if (parse_long(&st, rq->redirect_status, 400, 599) != 0)
        st = 500;
    switch (st) {
    case 400: snprintf(msg, MSGLEN, "the request is malformed"); break;
    case 408: snprintf(msg, MSGLEN, "the request came too slowly"); break;
    case 411: snprintf(msg, MSGLEN, "Content-Length is required"); break;
    case 413: snprintf(msg, MSGLEN, "the body is over %zu bytes",
                       app->cfg.max_body); break;
    case 414: snprintf(msg, MSGLEN, "the URL is too long"); break;
    case 431: snprintf(msg, MSGLEN, "the request's headers are too large");
              break;
    default:  snprintf(msg, MSGLEN, "%s (the web server)", http_reason(st));
    }
    http_error(out, (int)st, app->cfg.origin, msg);
}

/* HEAD: the answer GET would get, headers only. */
static void
head_only(struct web_app *app, const struct http_request *rq, FILE *out,
          FILE *log)
{
    struct http_request get = *rq;
    char *buf = NULL, *end;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    if (mem == NULL) {
        fprintf(log, "%s: open_memstream: %s\n", progname(), strerror(errno));
        http_error(out, 500, app->cfg.origin, "internal error (see the "
                   "server log)");
        return;
    }
    get.method = "GET";
    web_answer(app, &get, mem, log);
    if (fclose(mem) != 0 || buf == NULL) {
        free(buf);
        http_error(out, 500, app->cfg.origin, "internal error");
        return;
    }
    end = strstr(buf, "\r\n\r\n");
    fwrite(buf, 1, end != NULL ? (size_t)(end - buf) + 4 : len, out);
    free(buf);
}

void
web_answer(struct web_app *app, const struct http_request *rq, FILE *out,
           FILE *log)
{
    const char *p = rq->path;

    if (rq->redirect_status != NULL && strcmp(p, "/server-error") == 0) {
        server_error(app, rq, out);
    } else if (strcmp(rq->method, "HEAD") == 0) {
        head_only(app, rq, out, log);
    } else if (strcmp(rq->method, "OPTIONS") == 0) {
        preflight(app, rq, out);
    } else if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0) {
        if (!refuse_method(app, rq, "GET", out))
            page(app, out, log);
    } else if (strcmp(p, "/ping") == 0) {
        if (!refuse_method(app, rq, "GET", out))
            ping(app, out, log);
    } else if (strcmp(p, "/predict") == 0) {
        if (!refuse_method(app, rq, "POST", out))
            predict(app, rq, out, log);
    } else if (strcmp(p, "/corrections") == 0) {
        if (!refuse_method(app, rq, "POST", out))
            corrections(app, rq, out, log);
    } else {
        http_error(out, 404, app->cfg.origin,
                   "no such page: try /, /ping, /predict or /corrections");
    }
}
