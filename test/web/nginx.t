#!/bin/sh
# The same HTTP tests as lighttpd.t, under nginx: digits-cgi started by
# hand as a FastCGI responder on a Unix socket (--listen, two workers),
# nginx passing every path to it over kept-alive connections.
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000
export FEEDBACK_DIR DIGITS_MAX_BODY
# api.sh sends some 100 corrections from one address in a few seconds.
DIGITS_WRITES_PER_MINUTE=0
export DIGITS_WRITES_PER_MINUTE
start_nginx || { echo "Bail out! nginx or digits-cgi did not start: $(cat "$T/nginx.log" "$T/fcgi.log" 2>/dev/null)"; exit 1; }
page=$base/
. "$top/test/web/api.sh"

# Stopping: SIGTERM ends the workers and removes the socket file.
kill -TERM "$fcgi_pid"
wait "$fcgi_pid"
is "$?" 0 "SIGTERM: digits-cgi --listen exits 0"
[ ! -e "$T/digits.sock" ]; ok $? "... and removes its socket"

done_testing
