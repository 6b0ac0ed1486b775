#!/bin/sh
# feedback-log: records and reads back exactly; refuses hostile values
# and bad images without writing anything; stores an image with its label
# once; 8 concurrent writers lose nothing; a store that cannot be written,
# a full disk and a crash between image and row leave no partial record.
. "$(dirname "$0")/../lib.sh"

mnist=$top/data/mnist/t10k-images-idx3-ubyte
idx2pgm --count 1 "$mnist" > "$T/a.pgm"
idx2pgm --first 1 --count 1 "$mnist" > "$T/b.pgm"
idx2pgm --count 2 "$mnist" > "$T/two.pgm"
S=$T/store

# state: a fingerprint of everything in the store, to see that nothing
# was written.
state() {
    { cat "$S/meta.csv" 2>/dev/null; ls -a "$S/images" 2>/dev/null; } | cksum
}
rows() { tail -n +2 "$S/meta.csv" | wc -l | tr -d ' '; }

run feedback-log --help
ok "$rc" "--help exits 0"
grep -q -- '--store DIR' "$T/out"; ok $? "--help lists --store"
grep -q -- '--model-id ID' "$T/out" && grep -q -- '--labels-out FILE' "$T/out"
ok $? "--help lists --model-id and --labels-out"
run feedback-log -h; fails_with 1 'usage' "-h is refused: long options only"

# ---- recording ----
run feedback-log --store "$S" --label 7 --predicted 7 --confidence 0.99 \
    --source 'web, "canvas"' --model-id 0123abcd "$T/a.pgm"
ok "$rc" "a record is stored"
id=$(cat "$T/out")
echo "$id" | grep -qx '[0-9a-f]\{16\}'; ok $? "it prints a 16-hex-digit id"
is "$(head -n 1 "$S/meta.csv")" \
   "id,time,label,predicted,confidence,source,model,image" "header row first"
cmp -s "$T/a.pgm" "$S/images/$id.pgm"; ok $? "images/ID.pgm is the 28x28 sent"
feedback-log --store "$S" --list > "$T/list"
is "$(cut -f 3-7 "$T/list")" "$(printf '7\t7\t0.990000\t0123abcd\tweb, "canvas"')" \
   "label, predicted, confidence, model and source read back exactly"
cut -f 2 "$T/list" | grep -qx '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'
ok $? "time is UTC ISO 8601"
grep -q '"web, ""canvas"""' "$S/meta.csv"; ok $? "comma and quote are CSV-quoted on disk"

before=$(state)
run feedback-log --store "$S" --label 7 "$T/a.pgm"
ok "$rc" "the same image and label again: exit 0"
is "$(cat "$T/out")" "$id" "... with the stored id"
grep -q "already stored as $id" "$T/err"; ok $? "... and says it was already stored"
is "$(state)" "$before" "... and writes nothing"
FEEDBACK_DIR=$S feedback-log --label 1 --json < "$T/a.pgm" > "$T/j"
grep -q '^{"id":"[0-9a-f]\{16\}","duplicate":false}$' "$T/j"
ok $? "same image, another label: a new record (store from \$FEEDBACK_DIR, --json)"
feedback-log --store "$S" --label 2 --source upload < "$T/b.pgm" > /dev/null
is "$(rows)" 3 "three records"

# ---- bad input writes nothing ----
before=$(state)
long=$(awk 'BEGIN { while (i++ < 10000) printf "7" }')
nl=$(printf '7\n1')
n_bad=0
for v in 10 -1 '7;rm -rf /' '$(reboot)' '`id`' "=cmd|' /C calc'!A0" \
         "$nl" "$long" ''; do
    for opt in --label --predicted --source; do
        set -- --label 3
        [ "$opt" = --label ] && set --
        run feedback-log --store "$S" "$@" "$opt" "$v" "$T/b.pgm"
        if [ "$rc" -ne 1 ] || ! grep -q -- "^feedback-log: ${opt#--}: " "$T/err"
        then
            n_bad=$((n_bad + 1))
            diag "$opt accepted or wrong message: exit $rc, $(head -c 100 "$T/err")"
        fi
    done
done
is "$n_bad" 0 "27 hostile label/predicted/source values: each exit 1, naming the field"
is "$(state)" "$before" "... and nothing written"
grep -q "$long" "$T/err"; ok $(( ! $? )) "a 10,000-character value is not echoed back"

run feedback-log --store "$S" "$T/b.pgm"
fails_with 1 'label is missing' "no --label: exit 1"
run feedback-log --store "$S" --label 3 --confidence 1.5 "$T/b.pgm"
fails_with 1 'confidence: must be a number from 0 to 1' "confidence 1.5 refused"
run feedback-log --store "$S" --label 3 --confidence nan "$T/b.pgm"
fails_with 1 'confidence' "confidence nan refused"
run feedback-log --store "$S" --label 3 --model-id 'x/../y' "$T/b.pgm"
fails_with 1 'model id: must be' "a model id that is not hex refused"
run feedback-log --store "$S" --label 3 --model 0123abcd "$T/b.pgm"
fails_with 1 'is --model-id' "--model (a model file elsewhere) refused: exit 1"
run feedback-log --store "$S" --label 3 "$T/two.pgm"
fails_with 1 'more than one image' "two images refused"
printf 'P5\n32 32\n255\n' > "$T/big.pgm"
head -c 1024 /dev/zero >> "$T/big.pgm"
run feedback-log --store "$S" --label 3 "$T/big.pgm"
fails_with 1 '32x32, expected 28x28 (run preproc first)' "32x32 refused"
head -c 300 "$T/b.pgm" > "$T/short.pgm"
run feedback-log --store "$S" --label 3 < "$T/short.pgm"
fails_with 1 '^feedback-log: stdin: ' "truncated image refused"
printf 'hello' > "$T/hello"
run feedback-log --store "$S" --label 3 < "$T/hello"
fails_with 1 'stdin' "not an image refused"
run feedback-log --store "$S" --label 3 "$T/nonexistent"
fails_with 1 'nonexistent: No such file' "a missing FILE: exit 1, says why"
is "$(state)" "$before" "bad images wrote nothing"

# ---- reading back ----
feedback-log --store "$S" --export --labels-out "$T/l" > "$T/x.pgm"
is "$(tr '\n' ' ' < "$T/l")" "7 1 2 " "export: labels in record order"
cat "$T/a.pgm" "$T/a.pgm" "$T/b.pgm" | cmp -s - "$T/x.pgm"
ok $? "export: the images in record order, byte for byte"
feedback-log --store "$S" --export --labels-out "$T/l" --after "$id" > /dev/null
is "$(tr '\n' ' ' < "$T/l")" "1 2 " "--after ID: only the records after it"
feedback-log --store "$S" --export --labels-out "$T/l" --first 1 --count 1 > "$T/x.pgm"
is "$(cat "$T/l")" 1 "--first 1 --count 1: the second record"
feedback-log --store "$S" --list --since 2999-01-01T00:00:00Z > "$T/l"
is "$(wc -l < "$T/l" | tr -d ' ')" 0 "--since the future: none"
feedback-log --store "$S" --list --since 2000-01-01T00:00:00Z > "$T/l"
is "$(wc -l < "$T/l" | tr -d ' ')" 3 "--since the past: all"
run feedback-log --store "$S" --list --after 0000000000000000
fails_with 1 'no record 0000000000000000' "--after an unknown id: exit 1"
feedback-log --store "$S" --stats > "$T/st"
grep -q '^records 3 predicted 1 agreed 1 agreement 1.0000$' "$T/st"; ok $? "stats: totals and agreement"
grep -q '^label 7 records 1 predicted 1 agreed 1$' "$T/st"; ok $? "stats: per label"
run feedback-log --store "$T/none" --stats
fails_with 1 "$T/none: no feedback store here" "--stats on a store that does not exist: exit 1, says so"
for m in --list '--export --labels-out /dev/null'; do
    # shellcheck disable=SC2086  # $m is two words on purpose
    run feedback-log --store "$T/none" $m
    fails_with 1 'no feedback store here' "... and $m"
done
mkdir "$T/empty"
run feedback-log --store "$T/empty" --stats
grep -q '^records 0 ' "$T/out"; ok $? "an empty store (a folder, no records yet) has no records"
run feedback-log --export --labels-out "$T/l" --label 3 --store "$S"
fails_with 1 'for recording' "--label with --export refused"
run feedback-log --store "$S" --export --labels "$T/old.labels"
fails_with 1 'labels-out FILE' "--export --labels (the old name) refused: exit 1"
[ ! -e "$T/old.labels" ] && [ ! -s "$T/out" ]
ok $? "... and writes neither labels nor images"

# Malformed rows in the middle (a bad id, a stray quote, too few fields,
# binary garbage, an over-long line) are skipped and counted by every
# reader, and writers keep going.
cp -R "$S" "$T/bad"
{
    head -n 2 "$S/meta.csv"
    printf 'zz,2026-01-01T00:00:00Z,1,,,,,images/zz.pgm\n'
    printf '"%s,2026-01-01T00:00:00Z,1,,,,,images/x.pgm\n' "$id"
    printf 'a,b\n'
    printf '\001\377\000"\n'
    awk 'BEGIN { while (i++ < 3000) printf "x"; print "" }'
    tail -n +3 "$S/meta.csv"
} > "$T/bad/meta.csv"
run feedback-log --store "$T/bad" --list
ok "$rc" "malformed rows in the middle: --list still exits 0"
is "$(cut -f 3 "$T/out" | tr '\n' ' ')" "7 1 2 " "... and lists every good record"
grep -q 'meta.csv: line 3: skipped: bad id' "$T/err"; ok $? "... naming each skipped line"
grep -q '5 malformed rows of meta.csv skipped' "$T/err"; ok $? "... and counting them"
run feedback-log --store "$T/bad" --stats
ok "$rc" "--stats exits 0"
grep -qx 'malformed 5' "$T/out"; ok $? "... and reports 5 malformed rows"
grep -q '^records 3 ' "$T/out"; ok $? "... and counts the 3 good records"
run feedback-log --store "$T/bad" --export --labels-out "$T/bl"
ok "$rc" "--export exits 0"
is "$(tr '\n' ' ' < "$T/bl")" "7 1 2 " "... with every good record"
feedback-log --store "$T/bad" --label 9 < "$T/b.pgm" > /dev/null
ok $? "a writer still works"
is "$(feedback-log --store "$T/bad" --list 2>/dev/null | cut -f 3 | tr '\n' ' ')" \
   "7 1 2 9 " "... and its record is read back after the malformed rows"
feedback-log --store "$S" --stats > "$T/st"
grep -qx 'malformed 0' "$T/st"; ok $? "a clean store: malformed 0"
printf 'a,b\n' > "$T/bad/meta.csv"
run feedback-log --store "$T/bad" --list
fails_with 1 'line 1: not the header' "a CSV that is not a store: exit 1"

# ---- eight writers at once ----
C=$T/conc
for w in 0 1 2 3 4 5 6 7; do
    (
        i=0
        while [ $i -lt 250 ]; do
            idx2pgm --first $((w * 250 + i)) --count 1 "$mnist" |
                feedback-log --store "$C" --label $((i % 10)) \
                    --source "writer $w" > /dev/null || : > "$T/failed.$w"
            i=$((i + 1))
        done
    ) &
done
wait
is "$(ls "$T" | grep -c '^failed' || true)" 0 "8 writers x 250: no write failed"
is "$(tail -n +2 "$C/meta.csv" | wc -l | tr -d ' ')" 2000 "8 writers x 250: exactly 2,000 rows"
feedback-log --store "$C" --list > "$T/cl" 2> "$T/ce"
ok $? "... meta.csv parses with libcsv"
is "$(cut -f 1 "$T/cl" | sort -u | wc -l | tr -d ' ')" 2000 "... 2,000 distinct ids"
feedback-log --store "$C" --export --labels-out "$T/cl2" 2> "$T/ce" | cnn-infer \
    --model "$top/models/mnist.model" | wc -l > "$T/cn"
is "$(tr -d ' ' < "$T/cn")" 2000 "... every row's image present and a valid 28x28 PGM"
is "$(cat "$T/ce")" "" "... none skipped"
is "$(cut -f 7 "$T/cl" | sort | uniq -c | awk '{ print $1 }' | sort -u)" 250 \
   "... 250 from each writer"
is "$(ls "$C/images" | wc -l | tr -d ' ')" 2000 "... and 2,000 image files, no leftovers"

# ---- faults ----
# A store that cannot be written. Root ignores permissions, so root runs
# the writer as nobody.
R=$T/ro
mkdir -p "$R"
chmod 755 "$T"
chmod 555 "$R"
as_user() { "$@"; }
[ "$(id -u)" -eq 0 ] && as_user() {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
rc=0
as_user "$top/bin/feedback-log" --store "$R" --label 1 < "$T/a.pgm" \
    > "$T/out" 2> "$T/err" || rc=$?
fails_with 2 'Permission denied' "store not writable: exit 2, says why"
is "$(ls -A "$R")" "" "... and nothing written"

# The disk fills in the middle of the row: a file-size limit lets the
# image through but cuts the append. The row must not be half there.
F=$T/full
k=10
add_row() {
    idx2pgm --first $k --count 1 "$mnist" |
        feedback-log --store "$F" --label 1 --source s > /dev/null
    k=$((k + 1))
}
while [ ! -f "$F/meta.csv" ] || [ "$(wc -c < "$F/meta.csv")" -lt 1100 ]; do
    add_row
done
# The limit is the next 512-byte block boundary; pad with ~60-byte rows
# until the next ~175-byte row must cross it (images are 797 bytes).
limit=$(( ($(wc -c < "$F/meta.csv") + 511) / 512 ))
while [ $(( $(wc -c < "$F/meta.csv") + 175 )) -le $((limit * 512)) ]; do
    add_row
done
blocks=$limit
before=$(tail -n +2 "$F/meta.csv" | wc -l)
rc=0
(ulimit -f "$blocks"; exec feedback-log --store "$F" --label 0 \
    --source "$(awk 'BEGIN { while (i++ < 99) printf "y" }')" < "$T/b.pgm") \
    > "$T/out" 2> "$T/err" || rc=$?
fails_with 2 'meta.csv: write' "disk full during the row: exit 2, says where"
is "$(tail -n +2 "$F/meta.csv" | wc -l)" "$before" "... no row added"
is "$(tail -c 1 "$F/meta.csv" | od -An -c | tr -d ' ')" '\n' "... the file still ends with a whole row"
feedback-log --store "$F" --list > /dev/null; ok $? "... and still parses"
run feedback-log --store "$F" --label 0 "$T/b.pgm"
ok "$rc" "... and the next write works"

if [ "$(id -u)" -eq 0 ] && mkdir "$T/tmpfs" &&
   mount -t tmpfs -o size=16k tmpfs "$T/tmpfs" 2>/dev/null; then
    n=0
    while feedback-log --store "$T/tmpfs/s" --label $((n % 10)) \
          < "$T/a.pgm" > /dev/null 2> "$T/err"; do
        n=$((n + 1))
        [ $n -lt 40 ] || break
    done
    grep -q 'No space left' "$T/err"; ok $? "a full tmpfs: the write fails with ENOSPC"
    is "$(feedback-log --store "$T/tmpfs/s" --list | wc -l | tr -d ' ')" "$n" \
       "... the $n records written before are all there"
    feedback-log --store "$T/tmpfs/s" --export --labels-out "$T/l" 2> "$T/ce" |
        wc -c > "$T/cn"
    is "$(cat "$T/ce")" "" "... each with its image"
    umount "$T/tmpfs"
else
    ok 0 "# SKIP a full tmpfs needs root"
fi

# A crash between image and row leaves an image with no row (and maybe a
# temporary file); a crash during the row leaves a torn last line.
K=$T/crash
feedback-log --store "$K" --label 4 < "$T/a.pgm" > /dev/null
cp "$T/b.pgm" "$K/images/.tmp-0123456789abcdef-99"
orphan=$(feedback-log --store "$T/scratch" --label 5 < "$T/b.pgm")
cp "$T/b.pgm" "$K/images/$orphan.pgm"
printf '%s,2026-11-27T00:00:00Z,6,6,0.5' "$orphan" >> "$K/meta.csv"
feedback-log --store "$K" --list > "$T/l"
is "$(wc -l < "$T/l" | tr -d ' ')" 1 "after a crash: readers see only the whole rows"
run feedback-log --store "$K" --label 5 "$T/b.pgm"
ok "$rc" "... the next write works"
is "$(cat "$T/out")" "$orphan" "... an image without a row is not taken for a duplicate"
is "$(feedback-log --store "$K" --list | cut -f 3 | tr '\n' ' ')" "4 5 " \
   "... the torn row is cut, the new row follows the old ones"
grep -c ',6,6,0.5' "$K/meta.csv" > "$T/n" || true
is "$(cat "$T/n")" 0 "... no fragment of the torn row is left in meta.csv"

# ---- "not a digit" (label -) ----
N=$T/notdigit
run feedback-log --store "$N" --label - --predicted 4 --source web "$T/b.pgm"
ok "$rc" "--label -: a picture of no digit is recorded"
tail -n 1 "$N/meta.csv" | cut -d , -f 3,4 | grep -qx -- '-,4'; ok $? "... meta.csv says label -, predicted 4"
run feedback-log --store "$N" --label 4 --predicted - --source web "$T/a.pgm"
ok "$rc" "--predicted -: a digit the model took for no digit"
feedback-log --store "$N" --list | cut -f 3,4 > "$T/nl"
is "$(cat "$T/nl")" "$(printf -- '-\t4\n4\t-')" "--list reads both back"
feedback-log --store "$N" --export --labels-out "$T/nlab" > "$T/nimg"
is "$(cat "$T/nlab" | tr '\n' ' ')" "- 4 " "--export writes - in the label stream"
feedback-log --store "$N" --stats > "$T/nst"
grep -qx 'label - records 1 predicted 1 agreed 0' "$T/nst"; ok $? "--stats counts the label -"
run feedback-log --store "$N" --label -- "$T/a.pgm"
fails_with 1 'label: must be one digit 0-9, or - for not a digit' "--label --: refused"
done_testing
