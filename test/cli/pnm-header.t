#!/bin/sh
# The PNM header rules are one, on every path that reads an image:
# preproc, cnn-infer, and digits-cgi's /predict, with a PNM Content-Type
# and with none (sniffed). White space before the header is allowed
# (as between the images of a stream); every header byte, comments
# included, is printable ASCII or white space; the last number ends with
# one white-space byte ('#' there would hide the raster's first bytes);
# PAM (P7) is read like the rest.
. "$(dirname "$0")/../lib.sh"

model=$top/models/mnist.model
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" | tail -c 784 > "$T/pix"
# cgi BODYFILE CONTENT_TYPE: the status code of POST /predict.
cgi() {
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 \
        FEEDBACK_DIR="$T/store" DIGITS_HOME="$top" REQUEST_METHOD=POST \
        PATH_INFO=/predict CONTENT_TYPE="$2" CONTENT_LENGTH="$(wc -c < "$1")" \
        "$top/bin/digits-cgi" < "$1" 2> /dev/null |
        sed -n '1s/^Status: \([0-9]*\).*/\1/p'
}
# paths HEADER: "preproc cnn-infer cgi-pgm cgi-sniffed", each ok or no.
paths() {
    printf "$1" > "$T/img"
    cat "$T/pix" >> "$T/img"
    r=
    preproc "$T/img" > /dev/null 2>&1 && r="$r ok" || r="$r no"
    cnn-infer --model "$model" "$T/img" > /dev/null 2>&1 && r="$r ok" || r="$r no"
    for ct in image/x-portable-graymap application/octet-stream; do
        [ "$(cgi "$T/img" "$ct")" = 200 ] && r="$r ok" || r="$r no"
    done
    printf '%s' "${r# }"
}
check() {
    is "$(paths "$2")" "$1 $1 $1 $1" "$3: $1 on every path"
}
check ok 'P5\n28 28\n255\n' "a plain header"
check ok 'P5 # a comment\n28 #\n28\n255\n' "comments"
check ok ' P5\n28 28\n255\n' "a leading space"
check ok '\n\t\r\nP5\n28 28\n255\n' "leading white space"
check ok 'P7\nWIDTH 28\nHEIGHT 28\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n' \
    "a PAM (P7), grey"
check no 'P5\n# caf\303\251\n28 28\n255\n' "a non-ASCII byte in a comment"
check no 'P5\n28\24028\n255\n' "a non-ASCII byte between numbers"
check no 'P5\n28\00128\n255\n' "a control byte"
check no 'P5\n28 28\n255#x\n' "a comment right after the maxval"
check no 'P7\nWIDTH 28\nHEIGHT 28\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GR\302\240Y\nENDHDR\n' \
    "a non-ASCII byte in a PAM header"
check no 'P5\n28 28\n255\n'"$(awk 'BEGIN { while (i++ < 5000) printf "#" }')" \
    "a header padded past 4096 bytes"
long=$(awk 'BEGIN { while (i++ < 100) printf "# a comment line of sixty bytes or so, said once more, again\\n" }')
check no "P5\n${long}28 28\n255\n" "a header of 100 comment lines (over 4096 bytes)"

printf 'P5\n# caf\303\251\n28 28\n255\n' > "$T/img"
cat "$T/pix" >> "$T/img"
run preproc "$T/img"
fails_with 1 'image 1: header byte 9 is not printable ASCII (0xc3)' \
    "preproc names the byte: exit 1"
run cnn-infer --model "$model" "$T/img"
fails_with 1 'image 1: header byte 9 is not printable ASCII' "cnn-infer the same: exit 1"
done_testing
