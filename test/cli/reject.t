#!/bin/sh
# The shipped model says "not a digit" (PRED -) for pictures that hold
# none, and still reads digits: letters, dots and noise made by
# nondigits(1) with a seed training never used, through preproc and
# cnn-infer, and MNIST test digits; --no-reject forces a digit; JSON
# says "prediction":null and "not_a_digit":true. The HTTP side of the
# same is in test/web/cgi.t.
. "$(dirname "$0")/../lib.sh"

model=$top/models/mnist.model
is "$(head -n 1 "$model")" "digits-model 2" "the shipped model has the class \"not a digit\" (format 2)"
grep -qx 'dense 11' "$model"; ok $? "... its arch ends in dense 11"

# rejected KIND N: how many of N pictures of KIND the model rejects.
rejected() {
    nondigits --count "$2" --seed 4242 --kinds "$1" ${3:+--digits "$3"} |
        preproc | cnn-infer --model "$model" > "$T/$1.pred"
    is "$(wc -l < "$T/$1.pred" | tr -d ' ')" "$2" "$1: $2 pictures classified"
    n=$(grep -c '^- ' "$T/$1.pred" || true)
}
rejected letters 100
[ "$n" -ge 85 ]; ok $? "letters: $n of 100 rejected (at least 85)"
rejected dots 50
[ "$n" -ge 45 ]; ok $? "dots and taps: $n of 50 rejected (at least 45)"
rejected noise 50
[ "$n" -ge 40 ]; ok $? "noise: $n of 50 rejected (at least 40)"
idx2pgm --first 5000 --count 200 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d.pgm"
rejected several 50 "$T/d.pgm"
[ "$n" -ge 40 ]; ok $? "several digits at once: $n of 50 rejected (at least 40)"

idx2pgm --count 1000 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/m.pgm"
idx2pgm --count 1000 "$top/data/mnist/t10k-labels-idx1-ubyte" > "$T/m.labels"
cnn-infer --model "$model" "$T/m.pgm" > "$T/m.pred"
r=$(grep -c '^- ' "$T/m.pred" || true)
[ "$r" -le 10 ]; ok $? "MNIST digits: $r of 1000 rejected (at most 10)"
acc=$(paste -d ' ' "$T/m.labels" "$T/m.pred" |
      awk '$2 != "-" { n++; c += $1 == $2 } END { printf "%.4f", c / n }')
awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.99) }'; ok $? "... and the accepted ones read right: $acc"

# The line and the JSON of a rejected picture.
nondigits --count 1 --seed 4242 --kinds noise | preproc > "$T/one.pgm"
line=$(cnn-infer --model "$model" "$T/one.pgm")
echo "$line" | grep -q '^- [01]\.[0-9]\{6\}\( [01]\.[0-9]\{6\}\)\{10\}$'
ok $? "a rejected line: -, the confidence in that, ten probabilities ($line)"
cnn-infer --model "$model" --json "$T/one.pgm" > "$T/one.json"
grep -q '^{"prediction":null,"confidence":[01]\.[0-9]*,"not_a_digit":true,"best_guess":[0-9],"probabilities":\[' "$T/one.json"
ok $? "... in JSON: prediction null, not_a_digit true, the best guess"
cnn-infer --model "$model" --no-reject "$T/one.pgm" > "$T/forced"
grep -q '^[0-9] ' "$T/forced"; ok $? "--no-reject: a digit all the same"
guess=$(sed 's/.*"best_guess":\([0-9]\).*/\1/' "$T/one.json")
is "$(cut -c 1 "$T/forced")" "$guess" "... the best guess"

# A ten-class model never rejects, and its file is still format 1.
printf 'dense 10\n' > "$T/d10.arch"
head -c $((797 * 200)) "$T/m.pgm" > "$T/m200.pgm"
head -n 200 "$T/m.labels" > "$T/m200.labels"
cnn-train --arch "$T/d10.arch" --images "$T/m200.pgm" --labels "$T/m200.labels" \
    --epochs 1 --threads 1 --output "$T/d10.model" > /dev/null 2>&1
is "$(head -n 1 "$T/d10.model")" "digits-model 1" "a ten-class model is written as format 1"
nondigits --count 20 --seed 4242 --kinds noise | preproc |
    cnn-infer --model "$T/d10.model" > "$T/d10.pred"
is "$(grep -c '^- ' "$T/d10.pred" || true)" 0 "... and never answers -"

done_testing
