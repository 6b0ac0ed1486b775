#!/bin/sh
# preproc: exact geometry on shapes drawn by the test, bad input of every
# kind, and accuracy of the shipped model on photo-like pictures the
# test makes from the MNIST test digits (plain, thin and faint pencil).
. "$(dirname "$0")/../lib.sh"
mk=$top/build/test/mkimage

# stats FILE: "W H CX CY" of one 28x28 PGM: the box of pixels >= 128 and
# the centre of mass of all grey.
stats() {
    od -An -v -tu1 -j 13 "$1" | tr -s ' ' '\n' | grep -v '^$' |
    awk '{ i = NR - 1; x = i % 28; y = int(i / 28); s += $1; sx += $1 * x; sy += $1 * y
           if ($1 >= 128) { if (!n++) { x0 = x1 = x; y0 = y1 = y }
               if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y } }
         END { printf "%d %d %.2f %.2f\n", x1 - x0 + 1, y1 - y0 + 1, sx / s, sy / s }'
}
# geometry NAME: checks the last output's box and centre.
geometry() {
    set -- $(stats "$T/out") "$1"
    long=$1; [ "$2" -gt "$long" ] && long=$2
    [ "$long" -ge 19 ] && [ "$long" -le 21 ]; ok $? "$5: longer side 20 +-1 ($1x$2)"
    awk -v x="$3" -v y="$4" 'BEGIN { exit !((x - 13.5)^2 <= 0.25 && (y - 13.5)^2 <= 0.25) }'
    ok $? "$5: centre of mass within 0.5 px of the centre ($3, $4)"
}

run preproc --help; ok "$rc" "--help exits 0"
grep -q -- '--polarity' "$T/out"; ok $? "--help lists the options"
run preproc -h; fails_with 1 'usage' "-h is refused: long options only"

for spec in "rect 300 200 20 30 120 dark" "rect 500 400 300 250 60 light" \
            "ring 256 256 10 10 200 dark" "ring 120 300 30 150 80 light" \
            "line 400 400 250 20 100 dark" "line 200 150 5 5 140 light"; do
    "$mk" shape $spec > "$T/in.pgm"
    run preproc "$T/in.pgm"
    geometry "$spec"
done

# The same shape at other places and on other canvases: the same output.
"$mk" shape ring 256 256 10 10 200 dark | preproc > "$T/a"
"$mk" shape ring 400 300 150 90 200 dark | preproc > "$T/b"
"$mk" shape ring 256 256 10 10 200 light | preproc > "$T/c"
same() {
    od -An -v -tu1 "$1" | tr -s ' ' '\n' > "$T/1"
    od -An -v -tu1 "$2" | tr -s ' ' '\n' > "$T/2"
    paste -d ' ' "$T/1" "$T/2" | awk '{ d = $1 - $2; if (d > 1 || d < -1) bad++ } END { exit bad > 0 }'
}
same "$T/a" "$T/b"; ok $? "ring at another offset on another canvas: same output (+-1)"
same "$T/a" "$T/c"; ok $? "ring in the other polarity: same output (+-1)"
"$mk" shape ring 256 256 10 10 200 dark | preproc --polarity dark-ink > "$T/d"
cmp -s "$T/a" "$T/d"; ok $? "--polarity dark-ink agrees with auto on dark ink"
"$mk" shape ring 256 256 10 10 200 dark | preproc --polarity light-ink > "$T/e" 2> "$T/err"
same "$T/a" "$T/e"; ok $(( ! $? )) "--polarity light-ink on dark ink gives something else"

# Specks and a scan's dark border must not become ink or stretch the box.
"$mk" shape ring 300 300 60 40 160 dark > "$T/clean.pgm"
preproc "$T/clean.pgm" > "$T/clean.out"
pgmmake 0 3 3 > "$T/speck.pgm"
pnmpaste "$T/speck.pgm" 10 280 "$T/clean.pgm" | pnmpaste "$T/speck.pgm" 270 8 |
    pnmpaste "$T/speck.pgm" 250 250 > "$T/specks.pgm"
run preproc "$T/specks.pgm"
same "$T/out" "$T/clean.out"; ok $? "three specks far from the digit: same output (+-1)"
pnmpad -black -left 3 -right 3 -top 3 -bottom 3 "$T/clean.pgm" > "$T/framed.pgm"
run preproc "$T/framed.pgm"
same "$T/out" "$T/clean.out"; ok $? "a 3 px dark frame round the scan: same output (+-1)"

# Streams: several images in order, a bad one named by its index.
{ "$mk" shape rect 100 100 10 10 50 dark; "$mk" shape ring 90 90 5 5 70 light; } > "$T/two"
run preproc "$T/two"
is "$(wc -c < "$T/out" | tr -d ' ')" $((2 * 797)) "two images in, two 28x28 out"
{ "$mk" shape rect 100 100 10 10 50 dark; printf 'P5\n50 50\n255\n'; head -c 2500 /dev/zero | tr '\0' '\200'; } > "$T/bad"
run preproc "$T/bad"; fails_with 1 'image 2: no ink found' "blank second image: named, no ink found"
is "$(wc -c < "$T/out" | tr -d ' ')" 797 "the good first image was written"
{ cat "$T/bad"; "$mk" shape ring 90 90 5 5 70 light; } > "$T/bad3"
run preproc --skip-blank "$T/bad3"
ok "$rc" "--skip-blank: the blank image does not stop the stream"
is "$(wc -c < "$T/out" | tr -d ' ')" $((2 * 797)) "... the two others come out"
grep -q 'image 2: no ink found: left out' "$T/err"; ok $? "... and stderr names the one left out"
printf 'P5\n1 1\n255\n\000' > "$T/bad"
run preproc "$T/bad"; fails_with 1 'image 1: no ink found' "1x1 image"
printf 'P5\n200000 200000\n255\n' > "$T/bad"
run preproc "$T/bad"; fails_with 1 'image 1: 200000x200000 is more than 25000000 pixels' "huge header refused before reading"
"$mk" shape rect 600 600 10 10 50 dark > "$T/in.pgm"
run preproc --max-pixels 100000 "$T/in.pgm"; fails_with 1 'more than 100000 pixels' "--max-pixels"
head -c 5000 "$T/in.pgm" > "$T/bad"
run preproc "$T/bad"; fails_with 1 'image 1: ' "truncated image"
printf 'P7\nWIDTH 4\nHEIGHT 4\nDEPTH 5\nMAXVAL 255\nTUPLTYPE WEIRD\nENDHDR\n' > "$T/bad"
head -c 80 /dev/zero >> "$T/bad"
run preproc "$T/bad"; fails_with 1 'unsupported depth 5' "PAM of depth 5"
run preproc /dev/null; fails_with 1 'no image' "empty input"
run preproc --polarity sideways; fails_with 1 'not auto, dark-ink or light-ink' "bad --polarity"
# 16-bit, colour and bitmap versions of the same shape are all accepted.
"$mk" shape rect 300 200 20 30 120 dark > "$T/r8.pgm"
preproc "$T/r8.pgm" > "$T/r8.out"
pamdepth 65535 "$T/r8.pgm" > "$T/r16.pgm"
run preproc "$T/r16.pgm"; ok "$rc" "16-bit PGM accepted"
same "$T/out" "$T/r8.out"; ok $? "16-bit gives the 8-bit result (+-1)"
pgmtoppm rgb:ff/ff/ff "$T/r8.pgm" > "$T/r.ppm" 2> /dev/null
run preproc "$T/r.ppm"; ok "$rc" "PPM accepted"
pamthreshold -simple "$T/r8.pgm" 2> /dev/null | pamtopnm > "$T/r.pbm" 2> /dev/null
run preproc "$T/r.pbm"; ok "$rc" "PBM accepted"
same "$T/out" "$T/r8.out"; ok $? "PBM gives the PGM result (+-1)"
run preproc --dump-dir "$T/dump" "$T/r8.pgm"
[ -s "$T/dump/1-ink.pgm" ] && [ -s "$T/dump/1-crop.pgm" ]; ok $? "--dump-dir writes the intermediate steps"

# scripts/predict: PNG, JPEG and PNM, told apart by their contents.
mnist_test_set || exit 2
head -c 797 "$T/test.pgm" | "$mk" photo 4 > "$T/seven.pgm"
pnmtopng "$T/seven.pgm" > "$T/seven.png"
pnmtojpeg "$T/seven.pgm" > "$T/seven.jpg" 2> /dev/null
for f in seven.png seven.jpg seven.pgm; do
    run "$top/scripts/predict" "$T/$f"
    grep -q '^7 0\.[0-9]\{6\}$' "$T/out"; ok $? "predict $f: 7 and its probability ($(cat "$T/out"))"
done
cp "$T/seven.png" "$T/seven.jpg.txt"
run "$top/scripts/predict" "$T/seven.jpg.txt"
grep -q '^7 ' "$T/out"; ok $? "predict goes by content, not by name"
printf 'hello' > "$T/bad"
run "$top/scripts/predict" "$T/bad"; fails_with 1 'not a PNG, JPEG or PNM image' "predict: not an image"
head -c 100 "$T/seven.png" > "$T/bad.png"
run "$top/scripts/predict" "$T/bad.png"; fails_with 1 'bad.png' "predict: truncated PNG"
"$mk" shape rect 100 100 0 0 0 dark > "$T/blank.pgm"
run "$top/scripts/predict" "$T/blank.pgm"; fails_with 1 'no ink found' "predict: blank page"

# Photos: every MNIST test digit enlarged 4-10x, dark ink on uneven
# paper, off-centre on a canvas of 100-600 px, blurred, noisy.
"$mk" photo 1 < "$T/test.pgm" | preproc | cnn-infer --model "$top/models/mnist.model" > "$T/pred"
is "$(wc -l < "$T/pred" | tr -d ' ')" 10000 "10000 photos classified"
acc=$(paste -d ' ' "$T/test.labels" "$T/pred" | awk '$1 == $2 { c++ } END { printf "%.4f", c / NR }')
diag "photo accuracy $acc"
awk -v a="$acc" 'BEGIN { exit !(a >= 0.985) }'; ok $? "photos: accuracy >= 0.985 ($acc)"
# Thin strokes: the same digits thinned to 1-2 px on the big canvas.
head -c $((797 * 2000)) "$T/test.pgm" | "$mk" photo --thin 2 | preproc |
    cnn-infer --model "$top/models/mnist.model" > "$T/pred"
acc=$(head -n 2000 "$T/test.labels" | paste -d ' ' - "$T/pred" | awk '$1 == $2 { c++ } END { printf "%.4f", c / NR }')
diag "thin-stroke accuracy $acc"
# The model has seen thin and faint photos of training digits
# (scripts/train --photos); before, it read 0.9715 of these and 0.972 of
# the faint ones below.
awk -v a="$acc" 'BEGIN { exit !(a >= 0.975) }'; ok $? "thin strokes (2000): accuracy >= 0.975 ($acc)"
# Faint pencil: the same digits thinned to 1-3 px, only 40-80 levels
# darker than unevenly lit paper, blurred, noisy, half of them broken.
# A stream cut short by "no ink found" counts its missing images wrong.
head -c $((797 * 2000)) "$T/test.pgm" | "$mk" photo --faint 3 | preproc |
    cnn-infer --model "$top/models/mnist.model" > "$T/pred"
acc=$(head -n 2000 "$T/test.labels" | paste -d ' ' - "$T/pred" | awk '$1 == $2 { c++ } END { printf "%.4f", c / NR }')
diag "faint-pencil accuracy $acc"
awk -v a="$acc" 'BEGIN { exit !(a >= 0.975) }'; ok $? "faint pencil (2000): accuracy >= 0.975 ($acc)"
# --body is gone: reading a request's body is digits-cgi's job.
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/b1"
run preproc --body 797 "$T/b1"
fails_with 1 'usage' "--body: no such option"

done_testing
