#!/bin/sh
# cnn-infer: prediction lines and JSON on real MNIST digits with the
# shipped model, thread-count independence, and every kind of bad image
# and bad model file.
. "$(dirname "$0")/../lib.sh"
model=$top/models/mnist.model
mnist_test_set || exit 2
head -n 200 "$T/test.labels" > "$T/l200"
idx2pgm --count 200 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/i200"

run cnn-infer --help
ok "$rc" "--help exits 0"
grep -q -- '--model FILE' "$T/out"; ok $? "--help lists the options"

run cnn-infer --model "$model" "$T/i200"
ok "$rc" "200 images classified"
is "$(wc -l < "$T/out" | tr -d ' ')" 200 "one line per image"
cp "$T/out" "$T/pred"
# Each line: PRED CONF P0..P9. A digit PRED is the argmax and CONF its
# probability; PRED - has CONF the probability of "not a digit", which
# the ten make up to 1. The ten alone sum to at most 1 (the rest is
# "not a digit").
awk 'NF != 12 { bad++ }
     { best = 0; sum = 0
       for (k = 0; k < 10; k++) { p = $(k + 3); sum += p
                                  if (p > $(best + 3)) best = k }
       if ($1 == "-" && (sum + $2 < 0.999 || sum + $2 > 1.001)) bad++
       if ($1 != "-" && (best != $1 || $2 != $(best + 3))) bad++
       if (sum > 1.001 || sum < 0.2) bad++ }
     END { exit bad > 0 }' "$T/pred"
ok $? "fields: PRED is the argmax (or -), CONF its probability, P0..P9 at most 1"
grep -qv '^[0-9] [01]\.[0-9]\{6\}\( [01]\.[0-9]\{6\}\)\{10\}$' "$T/pred"
ok $(( ! $? )) "fixed precision: six decimals everywhere"
acc=$(paste -d ' ' "$T/l200" "$T/pred" | awk '$1 == $2 { c++ } END { print c }')
[ "$acc" -ge 196 ]; ok $? "at least 196 of 200 right ($acc)"

run cnn-infer --model "$model" --threads 1 "$T/i200"
cmp -s "$T/out" "$T/pred"; ok $? "--threads 1 gives the same bytes as the default"
run sh -c 'cnn-infer --model "$1" --threads 3 < "$2"' sh "$model" "$T/i200"
cmp -s "$T/out" "$T/pred"; ok $? "--threads 3 on stdin gives the same bytes"

run sh -c 'head -c 797 "$1" | cnn-infer --json --model "$2"' sh "$T/i200" "$model"
ok "$rc" "--json runs"
pat='^{"prediction":[0-9],"confidence":[01]\.[0-9]\{6\},"not_a_digit":false,"probabilities":\[[01]\.[0-9]\{6\}\(,[01]\.[0-9]\{6\}\)\{9\}\],"model":"[0-9a-f]\{12\}"}$'
grep -q "$pat" "$T/out"; ok $? "--json: one object with prediction, confidence, not_a_digit, ten probabilities, model id"
is "$(cut -c15 "$T/out")" "$(head -n 1 "$T/pred" | cut -c1)" "--json agrees with the text line"

run cnn-infer --model "$model" /dev/null
is "$rc:$(wc -c < "$T/out" | tr -d ' ')" "0:0" "no images: no output, exit 0"

# Bad images.
{ head -c 1594 "$T/i200"; printf 'P5\n32 32\n255\n'; head -c 1024 /dev/zero; } > "$T/bad"
run cnn-infer --model "$model" "$T/bad"
fails_with 1 'image 3: 32x32, expected 28x28 (run preproc first)' "32x32 image: names image 3, says run preproc"
is "$(wc -l < "$T/out" | tr -d ' ')" 2 "the two good images before it were answered"
{ printf 'P5\n20 20\n255\n'; head -c 400 /dev/zero; } > "$T/bad"
run cnn-infer --model "$model" "$T/bad"
fails_with 1 'image 1: 20x20, expected 28x28' "20x20 image"
{ printf 'P5\n9000 9000\n255\n'; } > "$T/bad"
run cnn-infer --model "$model" "$T/bad"
fails_with 1 'image 1: 9000x9000, expected 28x28' "huge header: refused before reading"
head -c 500 "$T/i200" > "$T/bad"
run cnn-infer --model "$model" "$T/bad"
fails_with 1 'image 1: ' "truncated image"
printf 'hello\n' > "$T/bad"
run cnn-infer --model "$model" "$T/bad"
fails_with 1 'image 1: ' "not an image at all"
{ printf 'P2\n28 28\n255\n'; i=0; while [ $i -lt 784 ]; do printf '0 '; i=$((i+1)); done; } > "$T/plain"
run cnn-infer --model "$model" "$T/plain"
ok "$rc" "plain (P2) PGM is accepted"

# Bad models.
size=$(wc -c < "$model")
head -c $((size - 100)) "$model" > "$T/m"
run cnn-infer --model "$T/m" "$T/i200"; fails_with 1 'truncated' "truncated model"
{ head -c 2000 "$model"; printf 'X'; tail -c $((size - 2001)) "$model"; } > "$T/m"
run cnn-infer --model "$T/m" "$T/i200"; fails_with 1 'checksum mismatch' "corrupted model"
sed '1s/digits-model [12]/digits-model 9/' "$model" > "$T/m"
run cnn-infer --model "$T/m" "$T/i200"; fails_with 1 'version 9' "wrong format version"
run cnn-infer --model "$T/nope" "$T/i200"; fails_with 1 'No such file' "missing model"
run cnn-infer --model "$T/i200" "$T/i200"; fails_with 1 'bad magic' "an image given as the model"
run cnn-infer --threads 0; fails_with 1 'out of range' "--threads 0"
run cnn-infer --bogus; fails_with 1 'usage' "unknown option"
run sh -c 'cnn-infer --model "$1" "$2" > /dev/full' sh "$model" "$T/i200"
fails_with 2 'write error' "full disk: exit 2"
# ---- --check, --echo-input ----
run cnn-infer --model "$model" --check
echo "$(cat "$T/out")" | grep -qx 'ok [0-9a-f]\{12\}'; ok $? "--check prints ok and the model id"
run cnn-infer --model "$T/nope" --check
fails_with 1 'No such file' "--check on a missing model: exit 1"
head -c 797 "$T/i200" > "$T/one"
run cnn-infer --model "$model" --json --echo-input "$T/one"
sed 's/.*"input":"\([^"]*\)".*/\1/' "$T/out" | base64 -d > "$T/px"
tail -c 784 "$T/one" | cmp -s - "$T/px"; ok $? "--echo-input: the 784 pixels, base64"
# The web's options are gone: cnn-infer is a filter (digits-cgi answers
# HTTP, see test/web/cgi.t).
for o in --preproc '--body 10' '--http *'; do
    run cnn-infer --model "$model" $o "$T/one"
    fails_with 1 'usage' "$o: no such option"
done

done_testing
