#!/bin/sh
# The page in headless Chromium (test/browser/page.mjs) against lighttpd
# configured as `make serve` does. Screenshots go to test/out/.
. "$(dirname "$0")/../lib.sh"

if [ ! -d "$top/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! needs /usr/bin/chromium and node_modules/playwright-core (scripts/deps)"
    exit 1
fi
S=$T/store
FEEDBACK_DIR=$S
export FEEDBACK_DIR
start_lighttpd || { echo "Bail out! lighttpd did not start"; exit 1; }
mkdir -p "$top/test/out"
"$top/build/test/mkimage" photo --canvas 300 5 < "$(
    idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
    echo "$T/seven.pgm")" | pnmtopng > "$T/seven.png"
node "$top/test/browser/page.mjs" "$base/" "$S" "$top/test/out" "$T/seven.png"
