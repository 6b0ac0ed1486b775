/* serve - the two ways web_answer (web/app.h) reaches a web server: a
 * CGI process that answers one request and exits, and a FastCGI
 * responder that accepts connections on a socket until it is stopped.
 * Both turn what the server hands over into a struct http_request, with
 * the body read only after its announced length passed the limit, and
 * write the answer in one piece. */
#ifndef SERVE_H
#define SERVE_H

#include "web/app.h"

/* CGI: the request from the environment and standard input, the answer
 * to standard output. Returns the exit status (0, or 2 if the answer
 * could not be written). */
int serve_cgi(struct web_app *app);

/* A listening socket for address: a Unix socket when it holds a '/'
 * (a stale socket file left by a killed server is replaced; a live one
 * is an error), else HOST:PORT over TCP. Exits 1 on a bad address, 2
 * when it cannot listen. */
int serve_listen(const char *address);

/* FastCGI on the listening socket fd with n_workers processes. Each
 * holds several connections and answers their requests one at a time.
 * This process only watches: a worker that dies is replaced, and
 * SIGINT, SIGTERM or SIGHUP stop them all and remove the Unix socket
 * file. n_workers 0: this process is the one worker, as when a server
 * that manages its own processes (lighttpd) started it. Returns the
 * exit status. */
int serve_fastcgi(struct web_app *app, int fd, int n_workers);

#endif
