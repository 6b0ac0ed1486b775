#!/bin/sh
# Whole numbers: preproc --split writes each candidate digit of a
# picture and a group line (its slices, and each image's slices, prior
# and box); cnn-infer --groups reads the number from them; scripts/predict
# prints "42 CONF". Numbers are pictures made by mkimage from MNIST test
# digits written apart, two rings that touch (one cut), and a number
# with an unreadable digit, refused whole.
. "$(dirname "$0")/../lib.sh"

model=$top/models/mnist.model
mk=$top/build/test/mkimage
mnist_test_set || exit 2

# numbers PICTURES GROUPS: preproc --split --groups, then cnn-infer.
numbers() {
    preproc --split --skip-blank --groups "$2" < "$1" > "$T/cand.pgm" &&
        cnn-infer --model "$model" --groups "$2" "$T/cand.pgm"
}

# Forty numbers of 2-4 digits written apart, as people write them.
"$mk" number --apart 31 40 2 4 "$T/test.labels" "$T/truth" < "$T/test.pgm" > "$T/num.pgm"
numbers "$T/num.pgm" "$T/groups" > "$T/read"; ok $? "preproc --split | cnn-infer --groups runs"
is "$(wc -l < "$T/groups" | tr -d ' ')" 40 "one group line per picture"
bad=$(grep -Evc '^[0-9]+( [0-9]+-[0-9]+:[01]\.[0-9]{4}:[0-9]+,[0-9]+,[0-9]+,[0-9]+)+$' "$T/groups")
is "$bad" 0 "... each SLICES then A-B:PRIOR:X,Y,W,H per image"
imgs=$(awk '{ n += NF - 1 } END { print n }' "$T/groups")
is "$(pamfile -allimages "$T/cand.pgm" 2> /dev/null | grep -c '28 by 28')" "$imgs" "... as many 28x28 images as the lines name"
is "$(wc -l < "$T/read" | tr -d ' ')" 40 "one answer per picture"
right=$(paste -d ' ' "$T/truth" "$T/read" | awk '$1 == $2' | wc -l | tr -d ' ')
[ "$right" -ge 36 ]; ok $? "numbers read exactly: $right of 40 (at least 36)"
head -n 1 "$T/truth" > "$T/want1"
pamsplit "$T/num.pgm" "$T/num-%d.pgm" 2> /dev/null
numbers "$T/num-0.pgm" "$T/g0" | cut -d ' ' -f 1 > "$T/got1"
is "$(cat "$T/got1")" "$(cat "$T/want1")" "the first picture reads $(cat "$T/want1")"
grep -Eq '^[0-9]+ [01]\.[0-9]{6}( [0-9]:[01]\.[0-9]{6})+$' "$T/read"
ok $? "an answer line is NUMBER CONF D:C..."
awk '$1 != "-" { n = split($0, f, " "); p = 1; for (i = 3; i <= n; i++) { split(f[i], d, ":"); p *= d[2] }
                 if (p - $2 > 1e-4 || $2 - p > 1e-4) bad++ } END { exit bad > 0 }' "$T/read"
ok $? "... CONF is the product of the digits' confidences"

# scripts/predict prints the number and its confidence.
run "$top/scripts/predict" --model "$model" "$T/num-0.pgm"
is "$(cut -d ' ' -f 1 "$T/out")" "$(cat "$T/want1")" "scripts/predict reads the number"
grep -Eq '^[0-9]+ [01]\.[0-9]{6}$' "$T/out"; ok $? "... as NUMBER CONF"

# The JSON answer: the number, and each digit with its own prediction.
numbers "$T/num-0.pgm" "$T/g0" > /dev/null
cnn-infer --model "$model" --groups "$T/g0" --json --echo-input "$T/cand.pgm" > "$T/json"
grep -q "^{\"number\":\"$(cat "$T/want1")\",\"confidence\":[01]\.[0-9]*,\"not_a_digit\":false,\"digits\":\[{\"prediction\":" "$T/json"
ok $? "--json: \"number\", then \"digits\""
is "$(grep -o '"input":"' "$T/json" | wc -l | tr -d ' ')" "$(tr -d '\n' < "$T/want1" | wc -c | tr -d ' ')" \
    "... with each digit's 28x28 input"

# Two rings that touch: one piece, cut where they meet, read as 00.
"$mk" shape ring 60 80 0 10 60 dark > "$T/ring"
pnmcat -lr "$T/ring" "$T/ring" 2> /dev/null |
    pnmpad -white -left 30 -right 30 -top 20 -bottom 20 > "$T/rings" 2> /dev/null
preproc --split --groups "$T/gr" < "$T/rings" > "$T/rc.pgm"
is "$(cut -d ' ' -f 1 "$T/gr")" 2 "touching rings: cut into two slices"
grep -q ' 0-2:' "$T/gr"; ok $? "... and the whole offered too"
is "$(cnn-infer --model "$model" --groups "$T/gr" "$T/rc.pgm" | cut -d ' ' -f 1)" 00 "... read as 00"

# A 0 drawn in two strokes that do not meet (a tall ring cut down the
# middle, 7 px apart): two pieces no span joins, yet one digit.
"$mk" shape ring 100 100 20 20 60 dark | pamscale -xscale 0.6 > "$T/ell" 2> /dev/null
pamcut -left 0 -width 30 "$T/ell" > "$T/el"
pamcut -left 30 -width 30 "$T/ell" > "$T/er"
pgmmake 1.0 7 100 > "$T/band"
pnmcat -lr "$T/el" "$T/band" "$T/er" > "$T/broken0" 2> /dev/null
preproc --split --groups "$T/gb" < "$T/broken0" > "$T/cb0"
grep -q '^2 0-1:1.0000:.* 1-2:1.0000:.* 0-2:0.0010:' "$T/gb"; ok $? "a 0 in two strokes apart: two slices, and all the ink last"
is "$(cnn-infer --model "$model" --groups "$T/gb" "$T/cb0" | cut -d ' ' -f 1)" 0 "... read as 0, not as two digits"

# A digit and a letter: the number is refused whole.
nondigits --count 1 --seed 7 --kinds letters > "$T/letter"
pnmcat -lr -white "$T/num-0.pgm" "$T/letter" > "$T/mixed" 2> /dev/null
run "$top/scripts/predict" --model "$model" "$T/mixed"
grep -Eq '^- [01]\.[0-9]{6}$' "$T/out"; ok $? "a number with a letter in it: - CONF"

# A single digit is one slice, and its image is plain preproc's.
idx2pgm --count 20 "$top/data/mnist/t10k-images-idx3-ubyte" | "$mk" photo 5 > "$T/photos"
preproc --split --groups "$T/g1" < "$T/photos" > "$T/split1"
one=$(grep -c '^1 0-1:1.0000:' "$T/g1")
[ "$one" -ge 19 ]; ok $? "single-digit photos: $one of 20 one slice"
preproc < "$T/photos" > "$T/plain"
if [ "$one" -eq 20 ]; then
    cmp -s "$T/split1" "$T/plain"; ok $? "... the same bytes as preproc without --split"
else
    ok 0 "# SKIP one photo was cut"
fi

# A blank picture with --skip-blank: "0", answered "- 1.000000".
"$mk" shape rect 50 50 0 0 1 light > "$T/blank"
cat "$T/blank" "$T/num-0.pgm" > "$T/b2"
preproc --split --skip-blank --groups "$T/gb" < "$T/b2" > "$T/cb" 2> /dev/null
is "$(cut -d ' ' -f 1 "$T/gb" | tr '\n' ' ')" "0 $(cut -d ' ' -f 1 "$T/g0") " "a blank picture's line is 0"
is "$(cnn-infer --model "$model" --groups "$T/gb" "$T/cb" | head -n 1)" "- 1.000000" "... and its answer - 1.000000"

# Bad group files and streams.
run cnn-infer --model "$model" --groups "$T/g0" "$T/plain"
fails_with 1 'more images than' "more images than the group lines name: exit 1"
head -c 797 "$T/cand.pgm" > "$T/one.pgm"
run cnn-infer --model "$model" --groups "$T/g0" "$T/one.pgm"
fails_with 1 'has ended' "fewer images than the group lines name: exit 1"
for line in '' 'x' '2 0-1:1:0,0,1,1' '1 0-2:1:0,0,1,1' '1 0-1:0:0,0,1,1' '1 1-0:1:0,0,1,1' '17' '1 0-1:1.5'; do
    printf '%s\n' "$line" > "$T/gbad"
    run cnn-infer --model "$model" --groups "$T/gbad" "$T/one.pgm"
    fails_with 1 "gbad: line 1: " "group line '$line': exit 1, naming the line"
done
run preproc --groups "$T/x" < "$T/photos"
is "$rc" 1 "--groups without --split: a usage error"
run cnn-infer --model "$model" --groups "$T/g0" --no-reject "$T/cand.pgm"
is "$rc" 1 "--groups with --no-reject: a usage error"

done_testing
