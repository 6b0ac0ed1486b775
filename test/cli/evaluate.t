#!/bin/sh
# scripts/evaluate on a labelled stream of its own (not MNIST's default):
# every file of the report is written and agrees with the report's
# figures.
. "$(dirname "$0")/../lib.sh"
model=$top/models/mnist.model
mn=$top/data/mnist
# 600 test digits, with 20 labels deliberately wrong so there are
# mistakes to show whatever the model.
idx2pgm --count 600 "$mn/t10k-images-idx3-ubyte" > "$T/x.pgm"
idx2pgm --count 600 "$mn/t10k-labels-idx1-ubyte" |
    awk 'NR % 30 == 0 { print ($1 + 1) % 10; next } { print }' > "$T/x.labels"

run "$top/scripts/evaluate" --model "$model" --images "$T/x.pgm" --labels "$T/x.labels" --out "$T/ev"
ok "$rc" "evaluate runs on any labelled stream"
for f in report.txt confusion_matrix.png mistakes.png; do
    [ -s "$T/ev/$f" ]; ok $? "$f written"
done
sum=$(sha256sum < "$model" | cut -d ' ' -f 1)
grep -q "^model $model sha256 $sum\$" "$T/ev/report.txt"; ok $? "report names the model and its SHA-256"
grep -q '^confused true' "$T/ev/report.txt"; ok $? "report has confmat's figures"
total=$(awk '/^accuracy/ { print $6 - $4 }' "$T/ev/report.txt")
[ "$total" -ge 20 ]; ok $? "at least the 20 wrong labels are mistakes ($total)"
is "$(ls "$T/ev/mistakes" | grep -c '^mis_[0-9]*_true[0-9]_pred[0-9]\.png$')" "$total" "one PNG per mistake"
is "$(pngtopnm "$T/ev/confusion_matrix.png" | pnmfile | sed 's/.*, \([0-9]*\) by.*/\1/')" 641 "heatmap PNG is 641 wide"
# Montage: 10 tiles of 120 px a row, ceil(mistakes / 10) rows of tiles.
dims=$(pngtopnm "$T/ev/mistakes.png" | pnmfile | sed 's/.*, \([0-9]*\) by \([0-9]*\).*/\1 \2/')
rows=$(( (total + 9) / 10 ))
w=${dims% *}; h=${dims#* }
[ "$w" -eq 1200 ] && [ $((h % rows)) -eq 0 ]
ok $? "mistakes.png: 10 tiles a row, $rows rows ($dims)"
first=$(ls "$T/ev/mistakes" | head -n 1)
n=${first#mis_}; n=${n%%_*}
pngtopnm "$T/ev/mistakes/$first" > "$T/m.pgm"
idx2pgm --first "$(expr "$n" + 0)" --count 1 "$mn/t10k-images-idx3-ubyte" > "$T/orig.pgm"
cmp -s "$T/m.pgm" "$T/orig.pgm"; ok $? "a mistake PNG holds that test image ($first)"

run "$top/scripts/evaluate" --images "$T/x.pgm"
fails_with 1 'usage' "--images without --labels"
head -n 599 "$T/x.labels" > "$T/short"
run "$top/scripts/evaluate" --images "$T/x.pgm" --labels "$T/short" --out "$T/ev2"
fails_with 1 '600 predictions for 599 labels' "label count mismatch"
done_testing
