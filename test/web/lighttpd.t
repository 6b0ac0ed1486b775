#!/bin/sh
# The page and the API under lighttpd, configured as `make serve` does
# (bin/digits-cgi as a FastCGI responder): every endpoint and error
# status, CORS, uploads of each type, hostile query strings, concurrent
# writers, the store's contents afterwards, 8 clients for 10 s with no
# failed request, and a model renamed into place served without a
# restart. Also the program alone as a CGI with no model (503).
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000 DIGITS_MODEL=$T/served.model
export FEEDBACK_DIR DIGITS_MAX_BODY DIGITS_MODEL
# api.sh sends some 100 corrections from one address in a few seconds.
DIGITS_WRITES_PER_MINUTE=0
export DIGITS_WRITES_PER_MINUTE
cp "$top/models/mnist.model" "$DIGITS_MODEL"
start_lighttpd fastcgi || { echo "Bail out! lighttpd did not start: $(cat "$T/lighttpd.log")"; exit 1; }
page=$base/
grep -q '^fastcgi.server = ( "/" => ((' "$T/lighttpd.conf"; ok $? "lighttpd runs digits-cgi as FastCGI"
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

# A new model renamed into place, as scripts/retrain promotes one: the
# running responders serve it from the next request on.
old_id=$(cnn-infer --model "$DIGITS_MODEL" --check)
idx2pgm --count 200 "$mnist" > "$T/few.pgm"
idx2pgm --count 200 "$top/data/mnist/t10k-labels-idx1-ubyte" > "$T/few.labels"
printf 'dense 10\n' > "$T/tiny.arch"
cnn-train --arch "$T/tiny.arch" --images "$T/few.pgm" --labels "$T/few.labels" \
    --epochs 1 --threads 1 --checkpoint-path "$T/new.model" > /dev/null 2>&1
new_id=$(cnn-infer --model "$T/new.model" --check)
[ "$new_id" != "$old_id" ]; ok $? "a second model to swap in ($old_id, $new_id)"
mv "$T/new.model" "$DIGITS_MODEL"
i=0 seen=0
while [ $i -lt 4 ]; do         # each of the two workers, twice
    curl -s "$base/ping" | grep -q "\"model\":\"${new_id#ok }\"" && seen=$((seen + 1))
    i=$((i + 1))
done
is "$seen" 4 "after the rename, every /ping names the new model"
post /predict "$T/seven.pgm" $pgm
grep -q "\"model\":\"${new_id#ok }\"}\$" "$T/body"; ok $? "... and /predict answers with it"

# The program alone, as a CGI: no model is a 503, a corrupt one too.
cgi() {
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 "$@" \
        "$top/bin/digits-cgi" > "$T/cgi.out" 2> "$T/cgi.err"
}
cgi REQUEST_METHOD=GET PATH_INFO=/ping DIGITS_MODEL="$T/none.model"
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "no model: 503"
grep -q '^{"error":"no model that loads is installed' "$T/cgi.out"; ok $? "... saying so"
grep -q 'none.model' "$T/cgi.err"; ok $? "... and naming the file in the server's log"
head -c 1000 "$top/models/mnist.model" > "$T/cut.model"
cgi REQUEST_METHOD=GET PATH_INFO=/ping DIGITS_MODEL="$T/cut.model"
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "a truncated model: 503"
printf 'x' | cgi REQUEST_METHOD=POST PATH_INFO=/predict CONTENT_LENGTH=1 \
    CONTENT_TYPE=$pgm DIGITS_MODEL="$T/none.model"
head -n 1 "$T/cgi.out" | grep -q '^Status: 503'; ok $? "/predict with no model: 503"
"$top/bin/digits-cgi" < /dev/null > /dev/null 2> "$T/cgi.err"
is "$?" 1 "started by hand, not by a server: exit 1"
grep -q 'not started by a web server' "$T/cgi.err"; ok $? "... saying so"

done_testing
