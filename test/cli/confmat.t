#!/bin/sh
# confmat: every figure on a hand-made input whose answers were worked
# out by hand, the heatmap's size and shading, exactly the misclassified
# images saved, and bad lines refused with their line number.
. "$(dirname "$0")/../lib.sh"

cat > "$T/in" <<'IN'
0 0 0.9
0 0 0.8
0 1 0.6
1 1 0.95
1 1 0.7
2 1 0.55
2 2 0.85
3 3 0.99
IN
run confmat < "$T/in"
ok "$rc" "hand-made input scored"
grep -q '^accuracy 0.7500 correct 6 total 8$' "$T/out"; ok $? "accuracy 6 of 8"
# Matrix rows as printed: row 0 is "0 2 1 0 ...", row 2 is "2 0 1 1 ...".
is "$(awk '$1 == "0" && NF == 11' "$T/out" | tr -s ' ' | sed 's/^ //')" "0 2 1 0 0 0 0 0 0 0 0" "row 0 of the matrix"
is "$(awk '$1 == "1" && NF == 11' "$T/out" | tr -s ' ' | sed 's/^ //')" "1 0 2 0 0 0 0 0 0 0 0" "row 1"
is "$(awk '$1 == "2" && NF == 11' "$T/out" | tr -s ' ' | sed 's/^ //')" "2 0 1 1 0 0 0 0 0 0 0" "row 2"
is "$(awk '$1 == "3" && NF == 11' "$T/out" | tr -s ' ' | sed 's/^ //')" "3 0 0 0 1 0 0 0 0 0 0" "row 3"
is "$(awk '$1 ~ /^[4-9]$/ && NF == 11 { s += $2+$3+$4+$5+$6+$7+$8+$9+$10+$11 } END { print s + 0 }' "$T/out")" 0 "rows 4-9 empty"
grep -q '^class 1 precision 0.5000 recall 1.0000 f1 0.6667 support 2$' "$T/out"
ok $? "class 1: precision 2/4, recall 2/2, F1 2/3"
grep -q '^class 0 precision 1.0000 recall 0.6667 f1 0.8000 support 3$' "$T/out"
ok $? "class 0: precision 2/2, recall 2/3, F1 0.8"
grep -q '^class 5 precision 0.0000 recall 0.0000 f1 0.0000 support 0$' "$T/out"
ok $? "a class never seen: zeros, no division by zero"
is "$(grep '^confused' "$T/out" | tr '\n' '|')" \
   "confused true 0 predicted 1 count 1|confused true 2 predicted 1 count 1|" \
   "most confused pairs, ties in label order"
# Bins: 9 {.9 .95 .99 right}, 8 {.8 .85 right}, 7 {.7 right}, 6 {.6 wrong},
# 5 {.55 wrong}: 3/8*.05333 + 2/8*.175 + 1/8*.3 + 1/8*.6 + 1/8*.55 = .245
grep -q '^ece 0.2450 bins 10$' "$T/out"; ok $? "expected calibration error 0.2450"
cut -d ' ' -f 1,2 "$T/in" | confmat > "$T/out2"
grep -q '^ece' "$T/out2"; ok $(( ! $? )) "no confidences: no ECE line"
grep -q '^accuracy 0.7500' "$T/out2"; ok $? "two-field lines accepted"

# Heatmap: 641x641 (40 px margin, 10 cells of 60, 1 px edge); the
# largest count is the darkest cell, an empty cell is white.
{ cat "$T/in"; printf '1 1\n1 1\n'; } | cut -d ' ' -f 1,2 > "$T/in4"
run confmat --heatmap "$T/cm.ppm" < "$T/in4"
ok "$rc" "--heatmap writes a heatmap"
is "$(head -c 15 "$T/cm.ppm" | tr '\n' ' ')" "P6 641 641 255 " "heatmap is a 641x641 PPM"
px() { od -An -tu1 -j $((15 + ($2 * 641 + $1) * 3)) -N3 "$T/cm.ppm" | tr -s ' ' | sed 's/^ //'; }
is "$(px 103 103)" "8 48 107" "cell (1,1), count 4, the largest: darkest blue"
is "$(px 523 523)" "255 255 255" "cell (9,9), count 0: white"
one=$(px 103 43)        # cell (true 0, predicted 1), count 1
four=$(px 103 103)
sum() { echo "$1" | awk '{ print $1 + $2 + $3 }'; }
[ "$(sum "$one")" -gt "$(sum "$four")" ] && [ "$(sum "$one")" -lt 765 ]
ok $? "count 1 is lighter than count 4 and darker than 0 ($one)"
run confmat --image "$T/old.ppm" < "$T/in4"
fails_with 1 'is --heatmap FILE' "--image (the old name) refused: exit 1"
[ ! -e "$T/old.ppm" ] && [ ! -s "$T/out" ]; ok $? "... and writes nothing"

# --mistakes: exactly the misclassified images, byte for byte.
i=0
: > "$T/imgs"
while [ $i -lt 8 ]; do
    { printf 'P5\n28 28\n255\n'; head -c 784 /dev/zero | tr '\0' "\\$(printf '%03o' $((i + 1)))"; } > "$T/img$i.pgm"
    cat "$T/img$i.pgm" >> "$T/imgs"
    i=$((i + 1))
done
run confmat --images "$T/imgs" --mistakes "$T/mis" < "$T/in"
ok "$rc" "--images --mistakes"
is "$(ls "$T/mis" | tr '\n' ' ')" "mis_00002_true0_pred1.pgm mis_00005_true2_pred1.pgm " "exactly the two mistakes are saved"
cmp -s "$T/mis/mis_00002_true0_pred1.pgm" "$T/img2.pgm" &&
cmp -s "$T/mis/mis_00005_true2_pred1.pgm" "$T/img5.pgm"
ok $? "each is the image of its line"
head -c $((797 * 7)) "$T/imgs" > "$T/imgs7"
run confmat --images "$T/imgs7" --mistakes "$T/mis2" < "$T/in"
fails_with 1 'fewer images than lines (none for line 8)' "one image short"
{ cat "$T/imgs"; cat "$T/img0.pgm"; } > "$T/imgs9"
run confmat --images "$T/imgs9" --mistakes "$T/mis3" < "$T/in"
fails_with 1 'more images than the 8 lines' "one image too many"
run confmat --images "$T/imgs" < "$T/in"
fails_with 1 'usage' "--images without --mistakes"

# Bad lines, each named by its number.
bad() { printf '0 0\n1 1\n%s\n' "$1" > "$T/bad"; run confmat < "$T/bad"; fails_with 1 "line 3: $2" "$3"; }
bad '7' 'expected LABEL PRED' "one field"
bad '7 1 0.5 0.1' 'expected LABEL PRED.*got 4 fields' "four fields"
bad '10 1' "label '10' is not a digit" "label 10"
bad '1 x' "prediction 'x' is not a digit" "prediction x"
bad '1 1 1.5' "field 3 '1.5' is not a probability" "confidence 1.5"
bad '1 1 nan' "field 3 'nan' is not a probability" "confidence nan"
bad '' 'expected LABEL PRED.*got 0 fields' "empty line"
bad "1 1 $(printf '%5000s' x)" 'longer than 4096 bytes' "5000-byte line"
run confmat < /dev/null; fails_with 1 'no input lines' "empty input"
run confmat --help; ok "$rc" "--help exits 0"
grep -q -- '--mistakes DIR' "$T/out" && grep -q -- '--heatmap FILE' "$T/out"
ok $? "--help lists the options"
run confmat -h < "$T/in"; fails_with 1 'usage' "-h is refused: long options only"

# "-": not a digit, as a prediction (rejected) and as a label.
printf '7 7\n7 -\n- -\n- 3\n3 3\n1 2\n' > "$T/rej"
run confmat < "$T/rej"
ok "$rc" "predictions and labels '-': accepted"
grep -qx 'rejected 2 rate 0.3333 accepted 4 accepted_accuracy 0.5000' "$T/out"
ok $? "... the rejection rate and the accuracy on the accepted answers"
grep -qx 'accuracy 0.5000 correct 3 total 6' "$T/out"; ok $? "... a right rejection counts as correct"
grep -q 'true.pred .* 9      -$' "$T/out"; ok $? "... the matrix gets a column '-'"
grep -qx '        -      0      0      0      1      0      0      0      0      0      0      1' "$T/out"
ok $? "... and a row '-' for the pictures of no digit"
grep -q '^class - precision 0.5000 recall 0.5000' "$T/out"; ok $? "... with its own class line"
run confmat < "$T/in"
grep -q '^rejected' "$T/out"; ok $(( ! $? )) "no '-' anywhere: no rejection line, as before"
run confmat --heatmap "$T/rej.ppm" < "$T/rej"
is "$(head -c 11 "$T/rej.ppm" | tr '\n' ' ')" "P6 701 701 " "the heatmap grows to 11 columns"
done_testing
