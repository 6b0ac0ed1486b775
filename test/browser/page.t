#!/bin/sh
# The page in headless Chromium (test/browser/page.mjs) against lighttpd
# configured as `make serve` does. Screenshots go to test/out/.
#
# Two runs, one server each: the shipped model (the drawings' expected
# answers are its answers), then a small model with a "not a digit"
# class trained here in a second, on 2000 MNIST digits and 500 noise
# pictures, for the page's reject answer. Both runs' checks are
# re-recorded into one TAP stream.
. "$(dirname "$0")/../lib.sh"

if [ ! -d "$top/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! needs /usr/bin/chromium and node_modules/playwright-core (scripts/deps)"
    exit 1
fi

# tap_in FILE: the checks page.mjs printed into FILE, recorded again.
tap_in() {
    grep -q '^ok \|^not ok ' "$1" || ok 1 "page.mjs printed its checks"
    while IFS= read -r line; do
        case $line in
        'ok '*) ok 0 "${line#ok * - }" ;;
        'not ok '*) ok 1 "${line#not ok * - }" ;;
        '# '*) diag "${line#\# }" ;;
        esac
    done < "$1"
}

# stop_server: ends the server start_lighttpd started (lighttpd ends its
# FastCGI children).
stop_server() {
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    trap 'rm -rf -- "$T"' EXIT
}

mkdir -p "$top/test/out"
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
"$top/build/test/mkimage" photo --canvas 300 5 < "$T/seven.pgm" |
    pnmtopng > "$T/seven.png"

# A number of three MNIST test digits written apart, as a photo.
idx2pgm --count 300 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d300"
idx2pgm --count 300 "$top/data/mnist/t10k-labels-idx1-ubyte" > "$T/l300"
"$top/build/test/mkimage" number --apart 12 1 3 3 "$T/l300" "$T/truth" < "$T/d300" |
    pnmtopng > "$T/number.png"
NUMBER_PNG=$T/number.png
NUMBER_TRUTH=$(cat "$T/truth")
SEVEN_PGM=$T/seven-photo.pgm
"$top/build/test/mkimage" photo --canvas 300 7 < "$T/seven.pgm" > "$SEVEN_PGM"
export NUMBER_PNG NUMBER_TRUTH SEVEN_PGM

S=$T/store
FEEDBACK_DIR=$S
export FEEDBACK_DIR
start_lighttpd || { echo "Bail out! lighttpd did not start"; exit 1; }
node "$top/test/browser/page.mjs" "$base/" "$S" "$top/test/out" \
    "$T/seven.png" > "$T/shipped.tap" 2>&1
tap_in "$T/shipped.tap"
stop_server

# The reject model: noise of many sizes, through preproc as the server
# does, labelled -. One thread and the default seed: the same model
# every run.
i=0
while [ $i -lt 500 ]; do
    s=$((28 + i % 73))
    pgmnoise -randomseed $((i + 1)) $s $s 2>/dev/null
    i=$((i + 1))
done | preproc > "$T/noise.pgm"
idx2pgm --count 2000 "$top/data/mnist/train-images-idx3-ubyte" |
    cat - "$T/noise.pgm" > "$T/train.pgm"
{
    idx2pgm --count 2000 "$top/data/mnist/train-labels-idx1-ubyte"
    yes - | head -n 500
} > "$T/train.labels"
printf 'dense 64\nrelu\ndense 11\n' > "$T/reject.arch"
run cnn-train --arch "$T/reject.arch" --images "$T/train.pgm" \
    --labels "$T/train.labels" --epochs 3 --threads 1 \
    --output "$T/reject.model"
is "$rc" 0 "a small model with a \"not a digit\" class trained"
pgmnoise -randomseed 9001 120 120 2>/dev/null | pnmtopng > "$T/noise1.png"
pgmnoise -randomseed 9002 90 90 2>/dev/null | pnmtopng > "$T/noise2.png"

S=$T/store-reject
FEEDBACK_DIR=$S
DIGITS_MODEL=$T/reject.model
unset NUMBER_PNG NUMBER_TRUTH SEVEN_PGM
export FEEDBACK_DIR DIGITS_MODEL
start_lighttpd || { echo "Bail out! lighttpd did not start (2)"; exit 1; }
node "$top/test/browser/page.mjs" --reject "$base/" "$S" "$top/test/out" \
    "$T/seven.png" "$T/noise1.png" "$T/noise2.png" > "$T/reject.tap" 2>&1
tap_in "$T/reject.tap"
done_testing
