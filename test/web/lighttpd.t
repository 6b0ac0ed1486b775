#!/bin/sh
# The page and the API under lighttpd, configured as `make serve` does:
# every endpoint and error status, CORS, uploads of each type, hostile
# query strings, concurrent writers, the store's contents afterwards,
# and 8 clients for 10 s with no failed request. Also the CGI alone with
# no model (503).
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000
export FEEDBACK_DIR DIGITS_MAX_BODY
start_lighttpd || { echo "Bail out! lighttpd did not start: $(cat "$T/lighttpd.log")"; exit 1; }
page=$base/
# With a static busybox installed (scripts/deps), the CGI runs under its
# sh, as under `make serve`; busybox.t runs it under /bin/sh.
if bb=$(command -v busybox) && ! ldd "$bb" > /dev/null 2>&1; then
    grep -q "^cgi.assign = ( \"/digits.cgi\" => \"$top/build/cgi-sh/sh\" )" \
        "$T/lighttpd.conf"
    ok $? "the CGI runs under the static busybox sh"
    [ "$(readlink "$top/build/cgi-sh/sh")" = "$bb" ]; ok $? "... a link to $bb"
else
    ok 0 "# SKIP no static busybox: the CGI runs under /bin/sh"
    ok 0 "# SKIP no static busybox"
fi
. "$top/test/web/api.sh"

# Load: 8 connections for 10 s posting a real digit.
cat > "$T/post.lua" <<LUA
local f = io.open("$T/seven.pgm", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "image/x-portable-graymap"
LUA
wrk -t2 -c8 -d10s -s "$T/post.lua" "$base/predict" > "$T/wrk" 2>&1
ok $? "wrk: 8 clients for 10 s against /predict"
n=$(awk '/requests in/ { print $1 }' "$T/wrk")
[ "${n:-0}" -gt 100 ]; ok $? "... answered $n requests"
grep -Eq 'Non-2xx|Socket errors' "$T/wrk"; ok $(( ! $? )) "... none failed"
diag "$(grep -E 'Requests/sec|Latency ' "$T/wrk")"

# The CGI by itself: no model is a 503, a corrupt one too.
cgi() {
    env -i PATH=/usr/bin:/bin REQUEST_METHOD=GET PATH_INFO=/ping "$@" \
        "$top/scripts/cgi/digits.cgi" > "$T/cgi.out" 2> "$T/cgi.err"
}
cgi DIGITS_MODEL="$T/none.model"
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "no model: 503"
grep -q '^{"error":"no model is installed' "$T/cgi.out"; ok $? "... saying so"
head -c 1000 "$top/models/mnist.model" > "$T/cut.model"
cgi DIGITS_MODEL="$T/cut.model"
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "a truncated model: 503"
printf 'x' | env -i PATH=/usr/bin:/bin REQUEST_METHOD=POST PATH_INFO=/predict \
    CONTENT_LENGTH=1 CONTENT_TYPE=$pgm DIGITS_MODEL="$T/none.model" \
    "$top/scripts/cgi/digits.cgi" > "$T/cgi.out" 2>&1
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "/predict with no model: 503"
ls /tmp | grep -c '^digits-cgi\.' > "$T/left" || true
is "$(cat "$T/left")" 0 "no temporary directory left behind"

done_testing
