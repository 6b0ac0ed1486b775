#!/bin/sh
# /corrections and the feedback store's limits, digits-cgi run as a CGI:
# a full or read-only store answers 503 with a JSON message (a tmpfs,
# mounted when the test runs as root).
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
