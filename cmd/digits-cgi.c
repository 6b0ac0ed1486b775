/* digits-cgi - the web page and its API (web/app.h) for any web server,
 * in one of two ways:
 *
 *   CGI       a process per request: any CGI server (lighttpd mod_cgi,
 *             busybox httpd, Apache mod_cgi, nginx + fcgiwrap);
 *   FastCGI   a process that stays up with its model loaded, for
 *             lighttpd mod_fastcgi (which starts it with the listening
 *             socket as standard input), or, with --listen, for nginx
 *             fastcgi_pass and Apache mod_proxy_fcgi.
 *
 * A process per request pays for process creation, which on some
 * machines costs 15-20 ms: more than the whole answer. FastCGI pays it
 * once. Both read the same settings from the environment and answer
 * through the same code, so they answer with the same bytes. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netpbm/pam.h>

#include "core/home.h"
#include "core/threads.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "web/app.h"
#include "web/http.h"
#include "web/serve.h"

/* Corrections one client may send a minute, and the bytes the store's
 * meta.csv may reach (about 160,000 records, with their images about
 * 650 MB): DIGITS_WRITES_PER_MINUTE and DIGITS_STORE_MAX, 0 for none. */
#define WRITES_PER_MINUTE 30
#define STORE_MAX ((size_t)16 << 20)

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--listen ADDRESS [--workers N]]\n", progname());
    if (fp == stdout)
        fputs("Serve the digits page and API as a CGI program or a FastCGI "
              "responder.\n"
              "  --listen ADDRESS  FastCGI on a Unix socket (a path with a "
              "'/')\n"
              "                    or ADDRESS:PORT (numeric), instead of CGI\n"
              "  --workers N       FastCGI processes (default: the "
              "cores)\n"
              "  --help            show this help\n"
              "Without --listen: CGI when GATEWAY_INTERFACE is set, "
              "FastCGI when\nstandard input is a listening socket.\n"
              "Settings (environment): DIGITS_HOME, DIGITS_MODEL, "
              "FEEDBACK_DIR,\nDIGITS_PAGE, DIGITS_CORS_ORIGIN, "
              "DIGITS_MAX_BODY, DIGITS_MAX_PIXELS,\n"
              "DIGITS_WRITES_PER_MINUTE, DIGITS_STORE_MAX, DIGITS_RUN_TOKEN.\n", fp);
    exit(status);
}

/* The project folder (core/home.h): DIGITS_HOME, the folder above the
 * one that holds this program, or PREFIX/share/digits once installed. */
static const char *
find_home(char *buf, const char *argv0)
{
    if (home_find(buf, argv0) != 0)
        fatal(1, "cannot find the project folder from %s: set DIGITS_HOME",
              argv0);
    return buf;
}

/* $name, or home/rel when it is unset or empty (in buf). */
static const char *
setting(char *buf, const char *name, const char *home, const char *rel)
{
    const char *v = getenv(name);

    if (v != NULL && *v != '\0')
        return v;
    snprintf(buf, PATH_MAX, "%s/%s", home, rel);
    return buf;
}

/* The settings, from the environment. DIGITS_CORS_ORIGIN is a list of
 * origins (spaces or commas between them): those that may write besides
 * the server's own, the first of them also the Access-Control-Allow-Origin
 * of every other answer. One that is not printable ASCII would break a
 * header line: it falls back to "*", and to none that may write. */
static void
read_config(struct web_config *c, char bufs[5][PATH_MAX], const char *argv0)
{
    const char *home = find_home(bufs[0], argv0), *o, *mb;
    size_t n;

    c->model_path = setting(bufs[1], "DIGITS_MODEL", home,
                            "models/mnist.model");
    c->store = setting(bufs[2], "FEEDBACK_DIR", home, "feedback");
    c->page_path = setting(bufs[3], "DIGITS_PAGE", home,
                           "scripts/cgi/index.html");
    c->origin = "*";
    c->write_origins = NULL;
    if ((o = getenv("DIGITS_CORS_ORIGIN")) != NULL && *o != '\0') {
        o += strspn(o, " ,");
        n = strcspn(o, " ,");
        snprintf(bufs[4], PATH_MAX, "%.*s", (int)n, o);
        c->origin = bufs[4];
        c->write_origins = o;
        for (; *o != '\0'; o++)
            if (*o < 0x20 || *o > 0x7e)
                c->origin = "*", c->write_origins = NULL;
        if (c->origin[0] == '\0')
            c->origin = "*";
    }
    c->max_body = HTTP_MAX_BODY_DEFAULT;
    mb = getenv("DIGITS_MAX_BODY");
    if (mb != NULL && *mb != '\0' &&
        http_body_length(&n, mb, HTTP_MAX_BODY_LIMIT) == HTTP_BODY_OK &&
        n > 0)
        c->max_body = n;
    c->writes_per_minute = WRITES_PER_MINUTE;
    mb = getenv("DIGITS_WRITES_PER_MINUTE");
    if (mb != NULL && *mb != '\0' &&
        http_body_length(&n, mb, 1000000) == HTTP_BODY_OK)
        c->writes_per_minute = (int)n;
    c->store_max = STORE_MAX;
    mb = getenv("DIGITS_STORE_MAX");
    if (mb != NULL && *mb != '\0' &&
        http_body_length(&n, mb, SIZE_MAX / 2) == HTTP_BODY_OK)
        c->store_max = n;
    c->max_pixels = HTTP_MAX_PIXELS_DEFAULT;
    mb = getenv("DIGITS_MAX_PIXELS");
    if (mb != NULL && *mb != '\0' &&
        http_body_length(&n, mb, PGMIO_MAX_PIXELS) == HTTP_BODY_OK && n > 0)
        c->max_pixels = n;
    /* Up to 32 letters and digits, or none: it is written into JSON. */
    c->run_token = getenv("DIGITS_RUN_TOKEN");
    if (c->run_token != NULL && (*c->run_token == '\0' ||
        strlen(c->run_token) > 32 ||
        strspn(c->run_token, "0123456789abcdefghijklmnopqrstuvwxyz"
               "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(c->run_token)))
        c->run_token = NULL;
}

/* Is fd a socket that listens (lighttpd's FCGI_LISTENSOCK_FILENO)? */
static int
is_listening(int fd)
{
    int type, on = 0;
    socklen_t len = sizeof type;
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
        return 0;
    len = sizeof on;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0)
        return on;
    return getpeername(fd, (struct sockaddr *)&peer, &plen) != 0 &&
           errno == ENOTCONN;
}

int
main(int argc, char *argv[])
{
    static const struct option opts[] = {
        { "listen",  required_argument, NULL, 'l' },
        { "workers", required_argument, NULL, 'w' },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char bufs[5][PATH_MAX];
    const char *listen_on = NULL;
    int c, workers = threads_default(64);
    struct web_config cfg;
    struct web_app app;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': listen_on = optarg; break;
        case 'w': workers = (int)parse_count(optarg, 1, 256, "--workers");
                  break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc != optind)
        usage(stderr, 1);
    read_config(&cfg, bufs, argv[0]);
    web_app_init(&app, &cfg);
    if (listen_on != NULL)
        return serve_fastcgi(&app, serve_listen(listen_on), workers);
    if (is_listening(0))
        return serve_fastcgi(&app, 0, 0);
    if (getenv("GATEWAY_INTERFACE") == NULL)
        fatal(1, "not started by a web server (no GATEWAY_INTERFACE, and "
              "standard input is no listening socket): see --help");
    return serve_cgi(&app);
}
