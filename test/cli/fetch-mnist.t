#!/bin/sh
# fetch-mnist: takes files from MNIST_DIR (plain or .gz) after checking
# every SHA-256 sum, and refuses corrupted or missing files with a clear
# message instead of falling back to another source. (The npm source
# needs the network and is exercised by make train on a fresh machine.)
. "$(dirname "$0")/../lib.sh"
src=$top/data/mnist
files='train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte'
mkdir "$T/plain" "$T/gz"
for f in $files; do
    cp "$src/$f" "$T/plain/$f"
    gzip -1 -c "$src/$f" > "$T/gz/$f.gz"
done

run env MNIST_DIR="$T/gz" "$top/scripts/fetch-mnist" --dir "$T/d1"
ok "$rc" "MNIST_DIR with .gz files"
(cd "$T/d1" && sha256sum -c --quiet "$top/scripts/mnist.sha256" > /dev/null 2>&1)
ok $? "all four files in place and verified"
run env MNIST_DIR="$T/plain" "$top/scripts/fetch-mnist" --dir "$T/d2"
ok "$rc" "MNIST_DIR with plain files"
run env MNIST_DIR=/nonexistent "$top/scripts/fetch-mnist" --dir "$T/d2"
ok "$rc" "files already there: no source needed"

# A corrupted file in MNIST_DIR: an error naming it, nothing installed.
cp -r "$T/plain" "$T/bad"
printf 'x' | dd of="$T/bad/t10k-labels-idx1-ubyte" bs=1 seek=100 conv=notrunc 2> /dev/null
run env MNIST_DIR="$T/bad" "$top/scripts/fetch-mnist" --dir "$T/d3"
fails_with 1 't10k-labels-idx1-ubyte from MNIST_DIR.*checksum mismatch' "corrupted source file: checksum mismatch named"
is "$(ls "$T/d3" 2> /dev/null | grep -c ubyte)" 0 "nothing installed from a bad source"

rm "$T/bad/t10k-labels-idx1-ubyte"
run env MNIST_DIR="$T/bad" "$top/scripts/fetch-mnist" --dir "$T/d4"
fails_with 1 'has no t10k-labels-idx1-ubyte' "missing file in MNIST_DIR"

# A corrupted file already in place is an error too, not overwritten.
cp "$T/bad/train-labels-idx1-ubyte" "$T/d2/t10k-labels-idx1-ubyte"
run env MNIST_DIR="$T/plain" "$top/scripts/fetch-mnist" --dir "$T/d2"
fails_with 1 't10k-labels-idx1-ubyte: checksum mismatch (remove it' "corrupted file in place: says to remove it"
run "$top/scripts/fetch-mnist" -x
fails_with 1 'usage' "bad option: usage"
done_testing
