#!/bin/sh
# idx2pgm: IDX files made by the test itself, good and bad, and the real
# MNIST files compared byte for byte with the raw IDX data.
. "$(dirname "$0")/../lib.sh"

# Two 3x2 images (pixel values 1..12) and their labels.
printf '\000\000\010\003\000\000\000\002\000\000\000\002\000\000\000\003' > "$T/img.idx"
printf '\001\002\003\004\005\006\007\010\011\012\013\014' >> "$T/img.idx"
printf '\000\000\010\001\000\000\000\003\007\000\011' > "$T/lab.idx"

run idx2pgm --help
ok $(( rc != 0 )) "--help exits 0"
grep -q -- '--first N' "$T/out"; ok $? "--help lists the options on stdout"
run idx2pgm -h; fails_with 1 'usage' "-h is refused: long options only"
run idx2pgm -f 1 -n 1 "$T/lab.idx"
fails_with 1 'usage' "the hidden -f and -n are gone (--first, --count)"

run idx2pgm "$T/img.idx"
printf 'P5\n3 2\n255\n\001\002\003\004\005\006P5\n3 2\n255\n\007\010\011\012\013\014' > "$T/want"
cmp -s "$T/out" "$T/want"; ok $? "rank 3: two PGM images, byte for byte"
run idx2pgm "$T/lab.idx"
is "$(cat "$T/out")" "$(printf '7\n0\n9')" "rank 1: one label per line"
run idx2pgm --first 1 --count 1 < "$T/lab.idx"
is "$(cat "$T/out")" "0" "--first 1 --count 1 from stdin"
run idx2pgm --first 1 "$T/img.idx"
printf 'P5\n3 2\n255\n\007\010\011\012\013\014' > "$T/want"
cmp -s "$T/out" "$T/want"; ok $? "--first 1 skips an image"
run idx2pgm --first 4 "$T/lab.idx"
fails_with 1 'only 3 items' "--first past the end is an error"

printf '\000\001\010\001\000\000\000\001\007' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'bad magic' "wrong magic"
printf '\000\000\011\001\000\000\000\001\007' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'data type 0x09' "wrong data type"
printf '\000\000\010\002\000\000\000\001\000\000\000\001\007' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'rank 2' "wrong rank"
head -c 20 "$T/img.idx" > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'the file has 20' "truncated file: size disagrees with header"
run sh -c 'head -c 20 "$1" | idx2pgm' sh "$T/img.idx"
fails_with 1 'truncated at item 0' "truncated pipe: says which item"
{ cat "$T/lab.idx"; printf 'x'; } > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'the file has 12' "extra bytes in a file"
run sh -c '{ cat "$1"; printf x; } | idx2pgm' sh "$T/lab.idx"
fails_with 1 'data after the last of 3' "extra bytes on a pipe"
printf '\000\000\010\003\377\377\377\377\000\000\020\000\000\000\020\000' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'the file has 16' "huge dimensions refused from the header"
printf '\000\000\010\003\000\000\000\001\000\000\000\000\000\000\000\003' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'out of range' "zero rows"
printf '\000\000' > "$T/bad"
run idx2pgm "$T/bad"; fails_with 1 'truncated header' "two-byte file"
run idx2pgm "$T/nonexistent"; fails_with 1 'No such file' "missing file"
run idx2pgm --count x "$T/lab.idx"; fails_with 1 'not a whole number' "bad --count"
run idx2pgm a b; fails_with 1 'usage' "two operands: usage"
run sh -c 'idx2pgm "$1" > /dev/full' sh "$T/img.idx"
fails_with 2 'write error' "full disk: exit 2"

if [ -f "$top/data/mnist/t10k-images-idx3-ubyte" ]; then
    run idx2pgm --first 9999 "$top/data/mnist/t10k-images-idx3-ubyte"
    tail -c 784 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/raw"
    { printf 'P5\n28 28\n255\n'; cat "$T/raw"; } > "$T/want"
    cmp -s "$T/out" "$T/want"; ok $? "MNIST: last test image equals the raw IDX bytes"
    n=$(idx2pgm "$top/data/mnist/t10k-labels-idx1-ubyte" | wc -l)
    is "$n" 10000 "MNIST: 10000 test labels"
fi
done_testing
