#!/bin/sh
# nondigits: options, determinism, counts, and that every kind of
# picture has ink that preproc finds (so none is lost in training).
. "$(dirname "$0")/../lib.sh"

# n_images FILE: the number of 28x28 images in a preproc stream (797
# bytes each: a 13-byte header and 784 pixels).
n_images() {
    echo $(( $(wc -c < "$1") / 797 ))
}

run nondigits --help
ok "$rc" "--help exits 0"
grep -q -- '--kinds LIST' "$T/out"; ok $? "--help lists the options on stdout"
run nondigits -h; fails_with 1 'usage' "-h is refused: long options only"
run nondigits --bogus; fails_with 1 'bogus' "an unknown option is named"
run nondigits extra; fails_with 1 'usage' "an operand: usage"
run nondigits --count 12x
fails_with 1 "\-\-count: '12x' is not a whole number" "bad --count named"
run nondigits --count ''; fails_with 1 "\-\-count" "empty --count"
run nondigits --seed -3; fails_with 1 "\-\-seed: '-3'" "negative --seed named"
run nondigits --kinds letters,bogus
fails_with 1 "unknown kind 'bogus'" "--kinds with an unknown kind names it"
run nondigits --kinds letters,; fails_with 1 "\-\-kinds" "--kinds with an empty name"
run nondigits --kinds ''; fails_with 1 "\-\-kinds" "--kinds empty"
run nondigits --kinds several
fails_with 1 'several needs --digits' "several without --digits: says what it needs"
run nondigits --kinds letters,several
fails_with 1 'several needs --digits' "several named among others without --digits"
run nondigits --digits "$T/nonexistent"; fails_with 1 'No such file' "missing --digits file"
printf 'P5\n3 2\n255\nabcdef' > "$T/small.pgm"
run nondigits --digits "$T/small.pgm"
fails_with 1 'image 1: 3x2, expected 28x28' "--digits of the wrong size, image named"
: > "$T/empty.pgm"
run nondigits --digits "$T/empty.pgm"; fails_with 1 'no images' "empty --digits"
run sh -c 'nondigits --count 20 > /dev/full'
fails_with 2 'write error' "full disk: exit 2"

nondigits --count 50 --seed 4 > "$T/a"
nondigits --count 50 --seed 4 > "$T/b"
cmp -s "$T/a" "$T/b"; ok $? "same seed: the same bytes"
nondigits --count 50 --seed 5 > "$T/c"
cmp -s "$T/a" "$T/c"; ok $(( $? == 0 )) "another seed: other bytes"
head -c 2 "$T/a" | grep -q P5; ok $? "raw PGM (P5)"
nondigits --count 50 --seed 4 --kinds letters > "$T/l1"
nondigits --count 1 --seed 4 --kinds letters > "$T/l2"
cmp -s -n "$(wc -c < "$T/l2")" "$T/l1" "$T/l2"
ok $? "--count cuts the same stream short"
nondigits --count 2 --seed 4 --kinds letters,dots > "$T/ld"
cmp -s -n "$(wc -c < "$T/l2")" "$T/ld" "$T/l2"
ok $? "kinds take turns, each picture from its own stream"

run sh -c 'nondigits --count 37 | preproc > "$1"' sh "$T/pp"
ok "$rc" "all kinds without --digits: preproc finds ink in every picture"
is "$(n_images "$T/pp")" 37 "--count 37 gives 37 pictures"
run nondigits --count 0; is "$(wc -c < "$T/out")" 0 "--count 0 writes nothing"

if [ -f "$top/data/mnist/t10k-images-idx3-ubyte" ]; then
    idx2pgm --count 300 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d.pgm"
    digits="--digits $T/d.pgm"
else
    digits=
    diag "no data/mnist (run scripts/fetch-mnist): several not tested"
fi
for kind in letters symbols scribbles shapes blobs dots noise several; do
    [ "$kind" = several ] && [ -z "$digits" ] && continue
    # Noise is texture with no stroke in it: preproc, which looks for
    # strokes, may find no ink in a few (scripts/train leaves those out).
    want=60
    [ "$kind" = noise ] && want=54
    run sh -c 'nondigits --count 60 --seed 9 --kinds "$1" $2 |
               preproc --skip-blank > "$3"' sh "$kind" "$digits" "$T/pp"
    [ "$rc" -eq 0 ] && [ "$(n_images "$T/pp")" -ge "$want" ]
    ok $? "$kind: 60 pictures, preproc finds ink in at least $want ($(n_images "$T/pp"))"
done
if [ -n "$digits" ]; then
    run sh -c 'nondigits --count 16 $1 | preproc | wc -c' sh "$digits"
    is "$(cat "$T/out")" $((16 * 797)) "all kinds with --digits through preproc"
fi

done_testing
