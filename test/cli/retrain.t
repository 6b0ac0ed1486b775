#!/bin/sh
# retrain: the loop works. A "user" whose digits look unlike MNIST (boxy,
# slashed 0, crossed 2 and 7) gives feedback on one set of drawings; the
# retrained model must be clearly better on a second, disjoint set and
# within 0.1 points on MNIST test, and is promoted while predictions run
# without one failing. Deliberately wrong labels must be refused.
# Also: the minimum of new records, the lock, the log and the archive.
. "$(dirname "$0")/../lib.sh"

udigits=$top/build/test/userdigits
S=$T/store
M=$T/models/mnist.model
mkdir -p "$T/models"
cp "$top/models/mnist.model" "$M"
"$top/scripts/mnist-pgm"
labels() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print i % 10 }'; }
# acc MODEL IMAGES LABELS: accuracy to 4 places
acc() {
    cnn-infer --model "$1" "$2" | paste -d ' ' "$3" - |
        awk '$1 == $2 { c++ } END { printf "%.4f", c / NR }'
}

"$udigits" 1 300 | preproc > "$T/set1.pgm"
"$udigits" 2 200 | preproc > "$T/set2.pgm"
labels 300 > "$T/set1.labels"
labels 200 > "$T/set2.labels"
cmp -s "$T/set1.pgm" "$T/set2.pgm"; ok $(( ! $? )) "two disjoint sets of the user's digits"
before=$(acc "$M" "$T/set2.pgm" "$T/set2.labels")
mnist_before=$(acc "$M" "$top/data/test.pgm" "$top/data/test.labels")

# The user's verdicts on set 1, with what the model said.
cnn-infer --model "$M" "$T/set1.pgm" > "$T/set1.pred"
pnmsplit "$T/set1.pgm" "$T/one_%d.pgm" 2>/dev/null
i=0
paste -d ' ' "$T/set1.labels" "$T/set1.pred" | while read -r l p c rest; do
    feedback-log --store "$S" --label "$l" --predicted "$p" --confidence "$c" \
        --source "test user" < "$T/one_$i.pgm" > /dev/null || echo fail
    i=$((i + 1))
done > "$T/fails"
is "$(feedback-log --store "$S" --stats | awk 'NR == 1 { print $2 }')" 300 \
   "300 verdicts stored"

run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 301
ok "$rc" "fewer new records than -n: exit 0"
is "$(cat "$T/out" "$T/err")" "" "... silently"
[ ! -e "$S/retrain.log" ]; ok $? "... and nothing logged"

# Predictions in a loop while retrain runs and swaps the model.
: > "$T/loop.out"
(
    while [ ! -e "$T/stop" ]; do
        cnn-infer --json --model "$M" < "$T/one_0.pgm" >> "$T/loop.out" ||
            echo FAILED >> "$T/loop.out"
    done
) &
loop=$!
run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 50
# The swap is retrain's last step: let the loop run on the new model
# (for at most 10 s) before stopping it.
new_id=$(cnn-infer --json --model "$M" < "$T/one_0.pgm" | sed 's/.*"model":"\([0-9a-f]*\)".*/\1/')
i=0
while [ "$i" -lt 100 ] && ! grep -q "\"model\":\"$new_id\"" "$T/loop.out"; do
    sleep 0.1; i=$((i + 1))
done
: > "$T/stop"
wait "$loop"
ok "$rc" "retrain ran"
diag "$(cat "$T/out")"
grep -q ' decision promote ' "$T/out"; ok $? "the candidate was promoted"
after=$(acc "$M" "$T/set2.pgm" "$T/set2.labels")
mnist_after=$(acc "$M" "$top/data/test.pgm" "$top/data/test.labels")
diag "user's second set: $before before, $after after;" \
     "MNIST test: $mnist_before before, $mnist_after after"
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b + 0.08) }'
ok $? "clearly better on the user's second set (at least 8 points)"
awk -v a="$mnist_after" -v b="$mnist_before" 'BEGIN { exit !(a >= b - 0.001) }'
ok $? "within 0.1 points on MNIST test"
is "$(grep -c FAILED "$T/loop.out")" 0 "no prediction failed during the swap"
ids=$(sed 's/.*"model":"\([0-9a-f]*\)".*/\1/' "$T/loop.out" | sort -u | wc -l)
is "$(echo $ids)" 2 "predictions ran on the old model and then on the new one"
ls "$T/models/archive/"mnist-*.model > "$T/arch" 2>/dev/null
is "$(wc -l < "$T/arch" | tr -d ' ')" 1 "the old model is archived"
cmp -s "$(cat "$T/arch")" "$top/models/mnist.model"; ok $? "... unchanged"
is "$(wc -l < "$S/retrain.log" | tr -d ' ')" 1 "one metric line logged"
grep -q '^time .* records 300 train 240 holdout 60 .* seconds [0-9]*$' "$S/retrain.log"
ok $? "... with the counts: the newest 20% held back"

run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 1
is "$rc:$(cat "$T/out")" "0:" "run again with nothing new: does nothing"

# Another retrain holds the lock: exit 0 at once, nothing done.
feedback-log --store "$S" --label 3 < "$T/one_1.pgm" > /dev/null
flock "$S/.retrain.lock" sh -c ': > "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.1; done' sh "$T" &
i=0
while [ "$i" -lt 100 ] && [ ! -e "$T/held" ]; do sleep 0.1; i=$((i + 1)); done
run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 1
is "$rc:$(cat "$T/out")" "0:" "while another retrain runs: exit 0, nothing done"
: > "$T/release"
wait
is "$(wc -l < "$S/retrain.log" | tr -d ' ')" 1 "... still one line in the log"

# Wrong labels (every MNIST digit called the next one) must be refused.
W=$T/wrong
idx2pgm --first 100 --count 300 "$top/data/mnist/train-images-idx3-ubyte" |
    pnmsplit - "$T/w_%d.pgm" 2>/dev/null
i=0
idx2pgm --first 100 --count 300 "$top/data/mnist/train-labels-idx1-ubyte" |
while read -r l; do
    feedback-log --store "$W" --label $(( (l + 1) % 10 )) --predicted "$l" \
        < "$T/w_$i.pgm" > /dev/null
    i=$((i + 1))
done
cp "$M" "$T/promoted.model"
run "$top/scripts/retrain" --model "$M" --store "$W" --min-new 50 --mnist-images 10000
ok "$rc" "retrain on wrong labels ran"
diag "$(cat "$T/out")"
grep -q ' decision keep reason mnist_drop_over_0.1_points ' "$T/out"
ok $? "the gate refuses it, saying why"
cmp -s "$M" "$T/promoted.model"; ok $? "... and the model is unchanged"
is "$(ls "$T/models/archive" | wc -l | tr -d ' ')" 1 "... and nothing archived"

run "$top/scripts/retrain" --min-new x
fails_with 1 'usage' "a bad option value: usage, exit 1"

done_testing
