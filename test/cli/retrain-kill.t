#!/bin/sh
# retrain killed in the middle: its children do not hold its lock, so
# the next run can start at once, and the next run removes what the
# killed one left behind (candidate model, scratch folder), and what
# killed writers of the store left 5 minutes ago (temporary images,
# images without a row), but nothing newer and no record.
. "$(dirname "$0")/../lib.sh"

S=$T/store
M=$T/models/mnist.model
mkdir -p "$T/models"
cp "$top/models/mnist.model" "$M"
"$top/scripts/mnist-pgm"
idx2pgm --count 40 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d.pgm"
pamsplit "$T/d.pgm" "$T/d-%d.pgm" 2> /dev/null
i=0
while [ $i -lt 40 ]; do
    feedback-log --store "$S" --label $((i % 10)) < "$T/d-$i.pgm" > /dev/null
    i=$((i + 1))
done

"$top/scripts/retrain" --model "$M" --store "$S" --min-new 1 \
    --mnist-images 20000 --threads 1 > "$T/r.out" 2>&1 &
rpid=$!
# Wait for its cnn-train (up to 60 s), and freeze it where it is.
i=0 cpid=
while [ $i -lt 600 ] && [ -z "$cpid" ]; do
    cpid=$(pgrep -P "$rpid" -x cnn-train) || cpid=
    [ -n "$cpid" ] || sleep 0.1
    i=$((i + 1))
done
[ -n "$cpid" ] && kill -STOP "$cpid"
ok $? "retrain started cnn-train"
ls -l "/proc/$cpid/fd" 2>/dev/null | grep -q 'retrain.lock'
ok $(( ! $? )) "... which does not hold the lock file open"
[ -d "$S/.retrain-tmp" ]; ok $? "... working in STORE/.retrain-tmp"
kill -9 "$rpid"
wait "$rpid" 2>/dev/null
flock -n "$S/.retrain.lock" true
ok $? "retrain killed (its cnn-train alive): the lock is free at once"
kill -9 "$cpid"
: > "$T/models/.candidate-99999.model"
run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 1000
ok "$rc" "the next run: nothing to do, exit 0"
[ ! -e "$S/.retrain-tmp" ]; ok $? "... and it removed the killed run's scratch folder"
[ ! -e "$T/models/.candidate-99999.model" ]; ok $? "... and its candidate"

# What killed writers left: old and new temporary files and images
# without a row, beside the 40 records.
orphan=$(feedback-log --store "$T/elsewhere" --label 5 < "$T/d-0.pgm")
cp "$T/d-0.pgm" "$S/images/.tmp-0123456789abcdef-99"
cp "$T/d-0.pgm" "$S/images/.tmp-fedcba9876543210-98"
cp "$T/d-0.pgm" "$S/images/$orphan.pgm"
touch -d '10 minutes ago' "$S/images/.tmp-0123456789abcdef-99" "$S/images/$orphan.pgm"
for f in "$S"/images/[0-9a-f]*.pgm; do
    [ "$f" = "$S/images/$orphan.pgm" ] || touch -d '10 minutes ago' "$f"
done
run "$top/scripts/retrain" --model "$M" --store "$S" --min-new 1000
ok "$rc" "a run with a store that killed writers left things in"
[ ! -e "$S/images/.tmp-0123456789abcdef-99" ]; ok $? "... removes a temporary image 10 minutes old"
[ -e "$S/images/.tmp-fedcba9876543210-98" ]; ok $? "... keeps a new one (a writer may be at work)"
[ ! -e "$S/images/$orphan.pgm" ]; ok $? "... removes an image 10 minutes old that has no row"
is "$(feedback-log --store "$S" --export --labels-out "$T/l" 2> "$T/e" | wc -c | tr -d ' ')" \
   $((40 * 797)) "... and keeps every record's image"

done_testing
