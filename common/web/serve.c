/* serve - see serve.h. */
#define _POSIX_C_SOURCE 200809L
#include "web/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "web/fcgi.h"

#define IO_TIMEOUT_S 30         /* a server that stalls mid-request */
#define MAX_WORKERS 256
#define MAX_CONNS 64            /* connections one worker holds */
#define ORPHAN_CHECK_MS 1000    /* how often a worker looks for its parent */

/* The request's fields from a lookup (getenv, or a FastCGI request). */
static void
fill_request(struct http_request *rq, const char *method, const char *path,
             const char *query, const char *type)
{
    rq->method = method != NULL && *method != '\0' ? method : "GET";
    rq->path = path != NULL && *path != '\0' ? path : "/";
    rq->query = query != NULL ? query : "";
    rq->content_type = type != NULL ? type : "";
}

/* The client's fields of rq from a lookup of CGI variables or FastCGI
 * parameters by name. */
typedef const char *lookup_fn(const void *ctx, const char *name);

static void
fill_client(struct http_request *rq, lookup_fn *get, const void *ctx)
{
    const char *https = get(ctx, "HTTPS");

    rq->origin = get(ctx, "HTTP_ORIGIN");
    rq->referer = get(ctx, "HTTP_REFERER");
    rq->host = get(ctx, "HTTP_HOST");
    rq->scheme = get(ctx, "REQUEST_SCHEME");
    if ((rq->scheme == NULL || rq->scheme[0] == '\0') && https != NULL &&
        (strcmp(https, "on") == 0 || strcmp(https, "1") == 0))
        rq->scheme = "https";
    /* A Host that reaches us without its port (nginx in front of
     * fcgiwrap hands on the name alone): the server's port, from
     * SERVER_PORT, when it is not the scheme's own. */
    static char host[300];
    const char *port = get(ctx, "SERVER_PORT");
    int dflt = rq->scheme != NULL && strcmp(rq->scheme, "https") == 0
               ? 443 : 80;
    if (rq->host != NULL && strchr(rq->host, ':') == NULL &&
        rq->host[0] != '[' && port != NULL && strlen(port) <= 5 &&
        port[0] != '\0' && strspn(port, "0123456789") == strlen(port) &&
        atoi(port) != dflt && strlen(rq->host) < sizeof host - 8) {
        snprintf(host, sizeof host, "%s:%s", rq->host, port);
        rq->host = host;
    }
    rq->requested_with = get(ctx, "HTTP_X_REQUESTED_WITH");
    rq->remote_addr = get(ctx, "REMOTE_ADDR");
    rq->redirect_status = get(ctx, "REDIRECT_STATUS");
    rq->accept = get(ctx, "HTTP_ACCEPT");
}

static const char *
env_get(const void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

static const char *
param_get(const void *ctx, const char *name)
{
    return fcgi_param(ctx, name);
}

/* Runs web_answer into memory; *out (free it) and *len are the answer. */
static void
answer(struct web_app *app, const struct http_request *rq, char **out,
       size_t *len)
{
    FILE *mem = open_memstream(out, len);

    if (mem == NULL)
        fatal(2, "open_memstream: %s", strerror(errno));
    web_answer(app, rq, mem, stderr);
    if (fclose(mem) != 0)
        fatal(2, "out of memory for an answer");
}

int
serve_cgi(struct web_app *app)
{
    struct http_request rq = { 0 };
    uint8_t *body = NULL;
    size_t n, len;
    char *out;

    fill_request(&rq, getenv("REQUEST_METHOD"), getenv("PATH_INFO"),
                 getenv("QUERY_STRING"), getenv("CONTENT_TYPE"));
    fill_client(&rq, env_get, NULL);
    rq.body_state = http_body_length(&n, getenv("CONTENT_LENGTH"),
                                     app->cfg.max_body);
    rq.announced = n;
    if (rq.body_state == HTTP_BODY_OK && n > 0) {
        /* Exactly the announced bytes: a server need not close stdin. */
        body = xmalloc(n);
        rq.body_len = fread(body, 1, n, stdin);
        if (rq.body_len < n)
            rq.body_state = HTTP_BODY_SHORT;
    }
    rq.body = body;
    answer(app, &rq, &out, &len);
    free(body);
    if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
        free(out);
        return 2;
    }
    free(out);
    return 0;
}

/* Reads and answers the next request on connection fd. Returns 1 to
 * keep the connection, 0 when it is done (closed by the server, not
 * kept, or broken). */
static int
serve_request(struct web_app *app, int fd)
{
    struct fcgi_request frq;
    struct http_request rq = { 0 };
    char err[ERRLEN], *out;
    size_t len;
    int rc = fcgi_read_request(&frq, fd, app->cfg.max_body, err);

    if (rc <= 0) {
        if (rc < 0)
            fprintf(stderr, "%s: FastCGI: %s\n", progname(), err);
        return 0;
    }
    fill_request(&rq, fcgi_param(&frq, "REQUEST_METHOD"),
                 fcgi_param(&frq, "PATH_INFO"),
                 fcgi_param(&frq, "QUERY_STRING"),
                 fcgi_param(&frq, "CONTENT_TYPE"));
    fill_client(&rq, param_get, &frq);
    rq.body_state = http_body_length(&rq.announced,
                                     fcgi_param(&frq, "CONTENT_LENGTH"),
                                     app->cfg.max_body);
    if (frq.body_too_big)
        rq.body_state = HTTP_BODY_TOO_BIG;
    else if (rq.body_state == HTTP_BODY_OK && frq.body_len != rq.announced)
        rq.body_state = HTTP_BODY_SHORT;
    rq.body = frq.body, rq.body_len = frq.body_len;
    answer(app, &rq, &out, &len);
    rc = fcgi_write_response(fd, frq.id, out, len) == 0 && frq.keep_conn;
    free(out);
    fcgi_request_free(&frq);
    return rc;
}

/* Takes a new connection from the listening socket, if another worker
 * has not. Returns its fd, or -1. */
static int
take_connection(int lfd)
{
    struct timeval tv = { IO_TIMEOUT_S, 0 };
    int one = 1, fd = accept(lfd, NULL, NULL);

    if (fd < 0) {
        if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN &&
            errno != EWOULDBLOCK)
            fprintf(stderr, "%s: accept: %s\n", progname(), strerror(errno));
        return -1;
    }
    /* Blocking reads with a time-out: a request, once begun, is read
     * whole; a server stalled in the middle of one costs 30 s, not a
     * worker. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);     /* not for the converters */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One worker, for ever: it holds up to MAX_CONNS connections, since a
 * server such as nginx keeps idle ones open between requests, and
 * answers whichever brings a request; while it holds fewer, it also
 * takes new ones. The listening socket is non-blocking, so a worker
 * that loses the race for a connection to another goes back to poll. */
static _Noreturn void
work(struct web_app *app, int lfd)
{
    struct pollfd p[MAX_CONNS + 1];
    pid_t parent = getppid();
    int n = 0;                  /* connections, in p[1..n] */

    signal(SIGPIPE, SIG_IGN);   /* a server that went away: EPIPE */
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    for (;;) {
        p[0].fd = n < MAX_CONNS ? lfd : -1;
        p[0].events = POLLIN;
        int rc = poll(p, (nfds_t)n + 1, ORPHAN_CHECK_MS);
        if (rc < 0 && errno != EINTR)
            fatal(2, "poll: %s", strerror(errno));
        /* Whoever started us (our supervisor, or lighttpd) is gone,
         * killed without a chance to stop us: nobody would ever stop
         * this process, so it stops itself. */
        if (getppid() != parent)
            exit(0);
        if (rc <= 0)
            continue;
        for (int i = n; i >= 1; i--) {
            if (p[i].revents == 0 || serve_request(app, p[i].fd))
                continue;
            close(p[i].fd);
            p[i] = p[n--];
        }
        if (p[0].revents != 0) {
            int fd = take_connection(lfd);

            if (fd >= 0)
                p[++n] = (struct pollfd){ .fd = fd, .events = POLLIN };
        }
    }
}

static pid_t
start_worker(struct web_app *app, int lfd, const sigset_t *old)
{
    pid_t pid = fork();

    if (pid == 0) {
        sigprocmask(SIG_SETMASK, old, NULL);
        work(app, lfd);
    }
    if (pid < 0)
        fprintf(stderr, "%s: fork: %s\n", progname(), strerror(errno));
    return pid;
}

static void
on_child(int sig)
{
    (void)sig;                  /* only so that SIGCHLD is not discarded */
}

/* Removes the socket file of a Unix socket fd. */
static void
remove_socket(int fd)
{
    struct sockaddr_un sun;
    socklen_t len = sizeof sun;

    if (getsockname(fd, (struct sockaddr *)&sun, &len) == 0 &&
        sun.sun_family == AF_UNIX && sun.sun_path[0] == '/')
        unlink(sun.sun_path);
}

/* Reaps dead workers and starts new ones in their place. Workers that
 * keep dying at once would spin: more than 100 replacements with no
 * pause of a minute between two of them, and the server gives up. */
static int
replace_dead(struct web_app *app, int lfd, pid_t *pids, int n,
             const sigset_t *old, int *replaced, double *last)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (int i = 0; i < n; i++)
            if (pids[i] == pid) {
                fprintf(stderr, "%s: worker %ld ended (status %d); starting "
                        "another\n", progname(), (long)pid, status);
                if (now_seconds() - *last > 60)
                    *replaced = 0;
                *last = now_seconds();
                if (++*replaced > 100)
                    return -1;
                pids[i] = start_worker(app, lfd, old);
            }
    return 0;
}

int
serve_fastcgi(struct web_app *app, int lfd, int n_workers)
{
    pid_t pids[MAX_WORKERS];
    sigset_t stop, old;
    int sig, replaced = 0, rc = 0;
    double last = 0;

    fcntl(lfd, F_SETFD, FD_CLOEXEC);
    if (n_workers == 0) {
        /* The server that started us stops us (SIGTERM): a Ctrl-C to
         * its process group is the server's to handle, and a worker it
         * took would be started again in the middle of its shutdown.
         * Signals blocked by the server outlive exec: unblock them. */
        sigemptyset(&stop);
        sigprocmask(SIG_SETMASK, &stop, NULL);
        signal(SIGINT, SIG_IGN), signal(SIGHUP, SIG_IGN);
        signal(SIGTERM, SIG_DFL);
        work(app, lfd);
    }
    n_workers = n_workers > MAX_WORKERS ? MAX_WORKERS : n_workers;
    signal(SIGCHLD, on_child);
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT), sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP), sigaddset(&stop, SIGCHLD);
    sigprocmask(SIG_BLOCK, &stop, &old);
    for (int i = 0; i < n_workers; i++)
        pids[i] = start_worker(app, lfd, &old);
    while (sigwait(&stop, &sig) == 0 && sig == SIGCHLD)
        if (replace_dead(app, lfd, pids, n_workers, &old, &replaced,
                         &last) != 0) {
            fprintf(stderr, "%s: workers keep dying: stopping\n",
                    progname());
            rc = 2;
            break;
        }
    for (int i = 0; i < n_workers; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    remove_socket(lfd);
    return rc;
}

/* A Unix socket at path, replacing a stale socket file. */
static int
listen_unix(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    int probe = socket(AF_UNIX, SOCK_STREAM, 0);

    if (strlen(path) >= sizeof sun.sun_path)
        fatal(1, "%s: the socket path is too long", path);
    if (fd < 0 || probe < 0)
        fatal(2, "socket: %s", strerror(errno));
    memcpy(sun.sun_path, path, strlen(path) + 1);
    if (connect(probe, (struct sockaddr *)&sun, sizeof sun) == 0)
        fatal(1, "%s: another server is listening there", path);
    struct stat st;
    if (errno == ECONNREFUSED && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);           /* a stale socket of a killed server */
    close(probe);
    if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
        fatal(2, "%s: %s", path, strerror(errno));
    return fd;
}

/* A TCP socket for ADDRESS:PORT, the address numeric (IPv4, or IPv6
 * in brackets): a name would need the resolver, which a static program
 * cannot load. */
static int
listen_tcp(const char *address)
{
    const char *colon = strrchr(address, ':');
    struct sockaddr_in v4 = { .sin_family = AF_INET };
    struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };
    char host[64];
    long port;
    size_t hl;
    int fd, one = 1, six = address[0] == '[';

    if (colon == NULL || parse_long(&port, colon + 1, 1, 65535) != 0)
        fatal(1, "%s: not a socket path (with a '/') or ADDRESS:PORT",
              address);
    hl = (size_t)(colon - address) - (six ? 2 : 0);
    if (hl >= sizeof host || (six && colon[-1] != ']'))
        fatal(1, "%s: not a numeric address", address);
    memcpy(host, address + six, hl);
    host[hl] = '\0';
    v4.sin_port = v6.sin6_port = htons((uint16_t)port);
    if (six ? inet_pton(AF_INET6, host, &v6.sin6_addr) != 1
            : inet_pton(AF_INET, host, &v4.sin_addr) != 1)
        fatal(1, "%s: not a numeric address", address);
    if ((fd = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM, 0)) < 0)
        fatal(2, "socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (six ? bind(fd, (struct sockaddr *)&v6, sizeof v6)
            : bind(fd, (struct sockaddr *)&v4, sizeof v4))
        fatal(2, "%s: %s", address, strerror(errno));
    return fd;
}

int
serve_listen(const char *address)
{
    int fd = strchr(address, '/') != NULL ? listen_unix(address)
                                          : listen_tcp(address);

    if (listen(fd, 128) != 0)
        fatal(2, "listen: %s", strerror(errno));
    return fd;
}
