#!/bin/sh
# The same HTTP tests as lighttpd.t, under busybox httpd: digits-cgi as a
# plain CGI program linked into a cgi-bin folder, the API under
# /cgi-bin/digits.cgi/.
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000
export FEEDBACK_DIR DIGITS_MAX_BODY
# api.sh sends some 100 corrections from one address in a few seconds.
DIGITS_WRITES_PER_MINUTE=0
export DIGITS_WRITES_PER_MINUTE
start_busybox || { echo "Bail out! busybox httpd did not start: $(cat "$T/busybox.log")"; exit 1; }
page=$base
. "$top/test/web/api.sh"

done_testing
