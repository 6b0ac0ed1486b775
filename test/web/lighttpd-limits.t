#!/bin/sh
# lighttpd as `make serve` configures it, against slow and oversized
# requests: 300 clients that each send a tenth of a body and then
# nothing hold their connections while /ping still answers within a
# second, and lighttpd drops them once idle; lighttpd's own errors
# (body over the limit, headers too large) are JSON with the CORS
# header, like the program's. Under FastCGI and under CGI.
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_MAX_BODY=400000
export FEEDBACK_DIR DIGITS_MAX_BODY

# json_error CODE DESCRIPTION: the answer in $T/hdr and $T/body is a
# JSON error with that status and the CORS header.
json_error() {
    is "$code" "$1" "$2: $1"
    grep -qi '^content-type: application/json' "$T/hdr" &&
        grep -q '^{"error":"' "$T/body"
    ok $? "... as JSON: $(head -c 80 "$T/body")"
    grep -qi '^access-control-allow-origin: \*' "$T/hdr"; ok $? "... with the CORS header"
}

for mode in fastcgi cgi; do
    start_lighttpd $mode || { echo "Bail out! lighttpd did not start: $(cat "$T/lighttpd.log")"; exit 1; }
    head -c 500000 /dev/zero > "$T/big"
    code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' --data-binary "@$T/big" \
           -H 'Content-Type: image/png' "$base/predict")
    json_error 413 "$mode: a body over DIGITS_MAX_BODY, refused by lighttpd"
    grep -q '"the body is over 400000 bytes"' "$T/body"; ok $? "... naming the limit"
    head -c 70000 /dev/zero | tr '\0' a > "$T/long"
    code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' \
           -H "X-Long: $(cat "$T/long")" "$base/ping")
    json_error 431 "$mode: a header of 70 kB"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null
done

# 300 slow clients against FastCGI, as `make serve` runs.
start_lighttpd fastcgi || { echo "Bail out! lighttpd did not start again"; exit 1; }
perl "$top/test/web/slow-clients.pl" 127.0.0.1 "$port" 300 > "$T/slow" 2>&1 &
slow=$!
i=0
until grep -q '^held 300$' "$T/slow" || [ $i -ge 300 ]; do
    kill -0 "$slow" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
grep -q '^held 300$' "$T/slow"; ok $? "300 slow clients hold a connection each"
worst=0
for try in 1 2 3; do
    t=$(curl -s -o "$T/body" -m 10 -w '%{time_total}' "$base/ping")
    grep -q '^{"status":"ok"' "$T/body" || t=10
    worst=$(awk -v a="$t" -v b="$worst" 'BEGIN { print (a > b ? a : b) }')
done
diag "/ping under 300 slow clients: the slowest of 3 took $worst s"
awk -v t="$worst" 'BEGIN { exit !(t < 1) }'; ok $? "... /ping answers within a second meanwhile ($worst s)"
post_code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 \
    --data-binary "@$T/big" -H 'Content-Type: image/png' "$base/predict")
is "$post_code" 413 "... and so does a POST"
# lighttpd drops a client idle for 10 s: wait for it (up to 60 s).
i=0
until grep -q '^closed ' "$T/slow" || [ $i -ge 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
is "$(sed -n 's/^closed //p' "$T/slow")" 300 "... and lighttpd drops all 300 once idle"
kill "$slow" 2>/dev/null

done_testing
