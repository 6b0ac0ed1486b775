#!/bin/sh
# /corrections and the feedback store's limits, digits-cgi run as a CGI:
# writes per client and minute (429 with Retry-After), the store's cap
# (507), and a full or read-only store (503, a tmpfs mounted when the
# test runs as root), each with a JSON message.
. "$(dirname "$0")/../lib.sh"

pgm=image/x-portable-graymap
idx2pgm --count 60 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/sixty.pgm"
pamsplit "$T/sixty.pgm" "$T/d-%d.pgm" 2> /dev/null
# corr STORE N [VAR=VALUE...]: POST /corrections?label=N%10 digit N.
corr() {
    st=$1 i=$2
    shift 2
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 DIGITS_HOME="$top" \
        FEEDBACK_DIR="$st" REQUEST_METHOD=POST PATH_INFO=/corrections \
        QUERY_STRING="label=$((i % 10))" CONTENT_TYPE=$pgm \
        CONTENT_LENGTH=$(wc -c < "$T/d-$i.pgm") "$@" \
        "$top/bin/digits-cgi" < "$T/d-$i.pgm" > "$T/out" 2> "$T/err"
    code=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$T/out")
}
body() { sed '1,/^\r$/d' "$T/out"; }

nrec() { feedback-log --store "$1" --list 2>/dev/null | wc -l | tr -d ' '; }
R=$T/rate
for i in 0 1 2; do
    corr "$R" $i DIGITS_WRITES_PER_MINUTE=3 REMOTE_ADDR=192.0.2.1
    is "$code" 200 "3 a minute: correction $((i + 1)) from 192.0.2.1: 200"
done
corr "$R" 3 DIGITS_WRITES_PER_MINUTE=3 REMOTE_ADDR=192.0.2.1
is "$code" 429 "... the 4th at once: 429"
ra=$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/p' "$T/out")
[ "${ra:-0}" -ge 1 ] && [ "$ra" -le 20 ]; ok $? "... with Retry-After: ${ra:-none} (1 to 20 s)"
body | grep -q '^{"error":"too many corrections from your address: at most 3 a minute'
ok $? "... and a JSON message"
corr "$R" 4 DIGITS_WRITES_PER_MINUTE=3 REMOTE_ADDR=192.0.2.2
is "$code" 200 "... while another address may write"
is "$(nrec "$R")" 4 "... 4 records stored, not 5"
corr "$R" 5 DIGITS_WRITES_PER_MINUTE=3 REMOTE_ADDR=192.0.2.1
is "$code" 429 "... and 192.0.2.1 is still refused"

C=$T/cap
corr "$C" 0
corr "$C" 1
size=$(wc -c < "$C/meta.csv")
corr "$C" 2 DIGITS_STORE_MAX=$((size + 1))
is "$code" 200 "a store under DIGITS_STORE_MAX ($((size + 1)) bytes): 200"
corr "$C" 3 DIGITS_STORE_MAX=$((size + 1))
is "$code" 507 "... once over it: 507"
body | grep -q '^{"error":"the feedback store is full: no more corrections'; ok $? "... saying so"
is "$(nrec "$C")" 3 "... and nothing more stored"

if [ "$(id -u)" -eq 0 ] && mkdir "$T/fs" &&
   mount -t tmpfs -o size=24k tmpfs "$T/fs" 2>/dev/null; then
    trap 'umount "$T/fs" 2>/dev/null; rm -rf -- "$T"' EXIT
    i=0
    while [ $i -lt 40 ]; do
        corr "$T/fs/s" $i
        [ "$code" = 200 ] || break
        i=$((i + 1))
    done
    is "$code" 503 "a full store: 503 (after $i records)"
    body | grep -q '^{"error":"the feedback store is full or read-only'; ok $? "... saying so, as JSON"
    grep -q 'No space left' "$T/err"; ok $? "... and why in the server's log"
    mount -o remount,ro,size=1m "$T/fs"
    corr "$T/fs/s" 50
    is "$code" 503 "a read-only store: 503"
    body | grep -q '^{"error":"the feedback store is full or read-only'; ok $? "... saying so"
    umount "$T/fs"
else
    ok 0 "# SKIP a full or read-only store needs root to mount a tmpfs"
fi

done_testing
