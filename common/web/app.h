/* app - the page and the API: what each path answers. It calls the
 * library directly (pgmio, preproc, the network, the feedback store),
 * so a request costs no process of ours; only a PNG or JPEG upload
 * starts netpbm's converter (web/convert.h).
 *
 *   GET  /             the page
 *   GET  /ping         {"status":"ok","model":"ID"[,"run":"TOKEN"]}
 *   POST /predict      an image -> the prediction (json_put_prediction)
 *   POST /corrections  an image, ?label=D[&predicted=D][&model=HEX]
 *                      -> {"id":"...","duplicate":false}, stored
 *   OPTIONS *          the CORS preflight, 204 (403 for a write
 *                      from a foreign origin)
 *
 * /corrections takes a write only from the server's own origin or one
 * of cfg.write_origins (web/origin.h), checked before anything else;
 * then from a client under its rate (429) into a store under its cap
 * (507), web/limit.h, before the body is decoded.
 *
 * The model is loaded when first needed and its file's identity (device,
 * inode, size, time) is checked on every request that uses it, so a
 * model that scripts/retrain renames into place is served from the next
 * request on, with no restart. */
#ifndef APP_H
#define APP_H

#include <stdio.h>
#include <sys/stat.h>

#include "core/util.h"
#include "nn/infer.h"
#include "nn/model.h"
#include "web/http.h"

struct web_config {
    const char *model_path;     /* the model file */
    const char *store;          /* the feedback store's folder */
    const char *page_path;      /* the page, one HTML file */
    const char *origin;         /* Access-Control-Allow-Origin */
    const char *write_origins;  /* who else may write (web/origin.h):
                                 * origins separated by spaces or commas;
                                 * NULL: the server's own only */
    size_t max_body;            /* bytes of a request body */
    size_t max_pixels;          /* pixels of an uploaded image */
    int writes_per_minute;      /* per client (web/limit.h); 0: no limit */
    size_t store_max;           /* bytes of meta.csv; 0: no cap */
    const char *run_token;      /* named by /ping, so that scripts/serve
                                   knows its own server; NULL: none */
};

struct web_app {
    struct web_config cfg;
    struct model m;
    struct infer in;
    int loaded;                 /* m and in hold the model */
    int tried;                  /* st is the file last tried */
    struct stat st;
    char model_err[ERRLEN];     /* why the file at st did not load */
};

/* Starts with no model loaded; cfg's strings must outlive app. */
void web_app_init(struct web_app *app, const struct web_config *cfg);
void web_app_free(struct web_app *app);

/* Answers rq: writes the whole CGI-style answer (status, headers, blank
 * line, body) to out. Failures of ours, as opposed to the client's, are
 * also described on log, a line each, for the server's log. */
void web_answer(struct web_app *app, const struct http_request *rq,
                FILE *out, FILE *log);

#endif
