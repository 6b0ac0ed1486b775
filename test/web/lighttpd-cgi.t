#!/bin/sh
# The same HTTP tests as lighttpd.t with digits-cgi as a plain CGI
# program under lighttpd's mod_cgi: a process per request.
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000
export FEEDBACK_DIR DIGITS_MAX_BODY
# api.sh sends some 100 corrections from one address in a few seconds.
DIGITS_WRITES_PER_MINUTE=0
export DIGITS_WRITES_PER_MINUTE
start_lighttpd cgi || { echo "Bail out! lighttpd did not start: $(cat "$T/lighttpd.log")"; exit 1; }
page=$base/
grep -q '^cgi.assign = ( "/digits.cgi" => "" )' "$T/lighttpd.conf"; ok $? "lighttpd runs digits-cgi as a CGI"
. "$top/test/web/api.sh"

done_testing
