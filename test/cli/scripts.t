#!/bin/sh
# The scripts' command lines: long options only, like the programs. The
# short options they took before are usage errors (exit 1) that do
# nothing; --help prints the usage on stdout and exits 0. (What each
# script does is tested in its own file: evaluate.t, retrain.t, ...)
. "$(dirname "$0")/../lib.sh"
model=$top/models/mnist.model
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
printf '7\n' > "$T/seven.labels"

for s in train retrain evaluate predict fetch-mnist bench push-model; do
    run "$top/scripts/$s" --help
    [ "$rc" -eq 0 ] && grep -q '^usage: ' "$T/out" && [ ! -s "$T/err" ]
    ok $? "$s --help: usage on stdout, exit 0"
done

run "$top/scripts/predict" --model "$model" "$T/seven.pgm"
grep -q '^7 ' "$T/out"; ok $? "predict --model FILE IMAGE"
run "$top/scripts/predict" -m "$model" "$T/seven.pgm"
fails_with 1 'usage' "predict -m (the old short option): usage, exit 1"
cat "$T/seven.pgm" "$T/seven.pgm" > "$T/two.pgm"
run "$top/scripts/predict" --model "$model" "$T/two.pgm"
fails_with 1 'holds 2 images' "predict: a file of two images: refused, exit 1"
is "$(cat "$T/out")" "" "... and no answer printed"
run "$top/scripts/evaluate" -m "$model" --images "$T/seven.pgm" \
    --labels "$T/seven.labels" --out "$T/ev"
fails_with 1 'usage' "evaluate -m: usage, exit 1"
[ ! -e "$T/ev" ]; ok $? "... and no report written"
run env MNIST_DIR="$top/data/mnist" "$top/scripts/fetch-mnist" -d "$T/d"
fails_with 1 'usage' "fetch-mnist -d (now --dir): usage, exit 1"
[ ! -e "$T/d" ]; ok $? "... and nothing fetched"
run "$top/scripts/retrain" -m "$model" -s "$T/store" -n 1
fails_with 1 'usage' "retrain -m -s -n (now --model --store --min-new): usage"
[ ! -e "$T/store" ]; ok $? "... and no store made"
run "$top/scripts/train" -a "$T/none.arch" -o "$T/x.model"
fails_with 1 'usage' "train -a -o (now --arch --output): usage, exit 1"
run "$top/scripts/train" --arch "$T/none.arch" --output "$T/x.model" \
    --epochs 1 --threads 1
fails_with 1 'none.arch: No such file' "train --arch FILE reaches cnn-train"
[ ! -e "$T/x.model" ] && [ ! -e "$T/x.model.new" ]; ok $? "... and no model written"
done_testing
