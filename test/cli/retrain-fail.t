#!/bin/sh
# retrain: any step that fails makes the run fail, with a line of its own
# that says which step, and leaves the model, the archive and the state
# as they were, and no scratch files. Each program is made to fail in
# turn through a copy of the tree whose bin/ holds wrappers.
. "$(dirname "$0")/../lib.sh"

F=$T/top
mkdir -p "$F/bin" "$F/scripts" "$F/models"
ln -s "$top/data" "$F/data"
for s in "$top"/scripts/*; do ln -s "$s" "$F/scripts/${s##*/}"; done
rm "$F/scripts/retrain"
cp "$top/scripts/retrain" "$F/scripts/retrain"
# A wrapper fails (exit 2) when FAIL is "NAME:TEXT" and its arguments
# hold TEXT; otherwise it runs the real program.
for p in "$top"/bin/*; do
    n=${p##*/}
    cat > "$F/bin/$n" <<W
#!/bin/sh
case "\${FAIL:-}" in
$n:*) case " \$* " in *"\${FAIL#*:}"*)
        echo "$n: injected failure" >&2; exit 2 ;; esac ;;
esac
exec "$p" "\$@"
W
    chmod +x "$F/bin/$n"
done
M=$F/models/mnist.model
cp "$top/models/mnist.model" "$M"
"$top/scripts/mnist-pgm"

S=$T/store
idx2pgm --count 40 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d.pgm"
pamsplit "$T/d.pgm" "$T/d-%d.pgm" 2> /dev/null
i=0
while [ $i -lt 40 ]; do
    feedback-log --store "$S" --label $((i % 10)) < "$T/d-$i.pgm" > /dev/null
    i=$((i + 1))
done

# fails WHAT FAIL [retrain options]: retrain with FAIL set must fail,
# say "retrain: failed: WHAT", and leave everything as it was.
fails() {
    what=$1 fail=$2
    shift 2
    rc=0
    FAIL=$fail "$F/scripts/retrain" --model "$M" --store "$S" --min-new 1 \
        --mnist-images 1000 --threads 1 "$@" > "$T/out" 2> "$T/err" || rc=$?
    [ "$rc" -ne 0 ]; ok $? "$fail: retrain fails (exit $rc)"
    grep -q "^retrain: failed: $what" "$T/err"
    ok $? "... and says it failed while $what"
    [ "$rc" -ne 0 ] && grep -q "^retrain: failed: $what" "$T/err" ||
        diag "stderr: $(tail -n 3 "$T/err")"
    cmp -s "$M" "$top/models/mnist.model" && [ ! -e "$F/models/archive" ] &&
        [ ! -e "$S/retrain.state" ] && [ ! -s "$S/retrain.log" ]
    ok $? "... model, archive, state and log untouched"
    is "$(ls -A "$F/models" "$S" | grep -c 'candidate\|retrain-tmp\|^\.ids')" 0 \
       "... and no scratch file left"
}

fails 'reading the feedback store' 'feedback-log:--stats'
fails 'exporting the feedback' 'feedback-log:--export'
fails 'making pictures of no digit' 'nondigits:--count'
fails 'preparing pictures of no digit' 'preproc:--skip-blank'
fails 'building the training set' 'idx2pgm:train-images'
fails 'training the candidate' 'cnn-train:--init'
fails 'scoring the models' 'cnn-infer:candidate'
fails 'scoring the models' 'cnn-infer:nd.pgm'
fails 'opening the log' '' --log "$T"

# A malformed row is not a failure: it is skipped, and retrain runs.
printf 'not,a,row\n' >> "$S/meta.csv"
feedback-log --store "$S" --label 4 < "$T/d-3.pgm" > /dev/null
run "$F/scripts/retrain" --model "$M" --store "$S" --min-new 1 \
    --mnist-images 1000 --threads 1
ok "$rc" "a malformed row in the store: retrain exits 0"
grep -q 'line 42: skipped: expected 8 fields' "$T/err"; ok $? "... naming the skipped row"
grep -q '^time .* records 41 .* decision ' "$S/retrain.log"
ok $? "... and logs a run over the 41 good records"
done_testing
