#!/bin/sh
# Decompression bombs posted to /predict, digits-cgi run as a CGI:
# small files that decode to huge pictures, made here by
# test/tools/mkbomb.pl. Each is answered with its status (413 when it is
# over a limit, naming it) at a cost of about a second of CPU at most and
# under 100 MB: GNU time's figures for the program and its converter
# (CPU summed, memory the larger of the two) are printed as diagnostics.
. "$(dirname "$0")/../lib.sh"

bomb="perl $top/test/tools/mkbomb.pl"
# try NAME TYPE WANT: posts $T/NAME, checks the status and the cost.
try() {
    f=$T/$1
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 DIGITS_HOME="$top" \
        FEEDBACK_DIR="$T/store" REQUEST_METHOD=POST PATH_INFO=/predict \
        CONTENT_TYPE="$2" CONTENT_LENGTH=$(wc -c < "$f") \
        /usr/bin/time -f '%e %U %S %M' -o "$T/time" \
        "$top/bin/digits-cgi" < "$f" > "$T/out" 2> "$T/err"
    code=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$T/out")
    set -- "$1" "$2" "$3" $(tail -n 1 "$T/time")
    diag "$1 ($(wc -c < "$f") bytes): status $code, $4 s, CPU $(echo "$5 $6" |
          awk '{ printf "%.2f", $1 + $2 }') s, $(($7 / 1024)) MB"
    is "$code" "$3" "$1: $3"
    awk -v u="$5" -v s="$6" 'BEGIN { exit !(u + s < 1.5) }'
    ok $? "... under 1.5 s of CPU ($5 + $6 s)"
    [ "$7" -lt 102400 ]; ok $? "... under 100 MB ($7 kB)"
}

$bomb jpeg 65500 16500 > "$T/jpeg-65500x16500.jpg"
try jpeg-65500x16500.jpg image/jpeg 413
grep -q '"65500x16500 is more than 12582912 pixels"' "$T/out"; ok $? "... naming the limit"
$bomb png 20000 20000 > "$T/png-20000x20000.png"
try png-20000x20000.png image/png 413
$bomb png 60000 60000 > "$T/png-60000x60000.png"
try png-60000x60000.png application/octet-stream 413
$bomb png 5000 5000 > "$T/png-5000x5000.png"
try png-5000x5000.png image/png 413
$bomb png 5000 5000 rgb16 > "$T/png-5000x5000-rgb16.png"
try png-5000x5000-rgb16.png image/png 413
$bomb png 4000 3000 rgb16 > "$T/png-4000x3000-rgb16.png"
try png-4000x3000-rgb16.png image/png 413
grep -q 'more than the 48 MB a decoder may use' "$T/out"; ok $? "... a decoder's memory: over 48 MB"
# At the limits: decoded in full, found to hold no digit.
$bomb png 4096 3072 rgb8 > "$T/png-4096x3072-rgb8.png"
try png-4096x3072-rgb8.png image/png 422
pgmmake 0.5 4096 3072 | pnmtojpeg --progressive > "$T/jpeg-4096x3072-progressive.jpg"
try jpeg-4096x3072-progressive.jpg image/jpeg 422
ppmmake rgb:80/80/80 4096 3072 | pnmtojpeg --progressive > "$T/jpeg-4096x3072-progressive-colour.jpg"
try jpeg-4096x3072-progressive-colour.jpg image/jpeg 422
# A frame header of 4000x3000 on the data of 16x16: 400, cheaply.
$bomb jpeg 4000 3000 > "$T/jpeg-4000x3000-lying.jpg"
try jpeg-4000x3000-lying.jpg image/jpeg 400
grep -q '^{"error":"JPEG: ' "$T/out"; ok $? "... with the decoder's reason"
# A limit set lower with DIGITS_MAX_PIXELS.
env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 DIGITS_HOME="$top" \
    DIGITS_MAX_PIXELS=1000000 REQUEST_METHOD=POST PATH_INFO=/predict \
    CONTENT_TYPE=image/png CONTENT_LENGTH=$(wc -c < "$T/png-4096x3072-rgb8.png") \
    "$top/bin/digits-cgi" < "$T/png-4096x3072-rgb8.png" > "$T/out"
grep -q '"4096x3072 is more than 1000000 pixels"' "$T/out"; ok $? "DIGITS_MAX_PIXELS=1000000: 413 for 4096x3072"

done_testing
