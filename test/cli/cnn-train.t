#!/bin/sh
# cnn-train: a short run on an MNIST subset must learn (stated accuracy),
# its reported validation accuracy must agree with cnn-infer's, seeded
# runs must give the same model bytes, and bad input must be refused.
. "$(dirname "$0")/../lib.sh"
mn=$top/data/mnist
idx2pgm --count 3000 "$mn/train-images-idx3-ubyte" > "$T/tr.pgm"
idx2pgm --count 3000 "$mn/train-labels-idx1-ubyte" > "$T/tr.labels"
idx2pgm --count 1000 "$mn/t10k-images-idx3-ubyte" > "$T/va.pgm"
idx2pgm --count 1000 "$mn/t10k-labels-idx1-ubyte" > "$T/va.labels"
head -c $((797 * 500)) "$T/tr.pgm" > "$T/s.pgm"
head -n 500 "$T/tr.labels" > "$T/s.labels"
printf 'conv 8 5\nrelu\nmaxpool 2\ndense 10\n' > "$T/tiny.arch"
printf 'conv 4 3 pad 1\nrelu\nmaxpool 2\ndense 16\ndropout 0.3\ndense 10\n' > "$T/drop.arch"

run cnn-train --help
ok "$rc" "--help exits 0"
grep -q -- '--output FILE' "$T/out" && grep -q -- '--checkpoint-path FILE' "$T/out"
ok $? "--help lists the options, --output and its alias --checkpoint-path"
run cnn-train -h; fails_with 1 'usage' "-h is refused: long options only"

# Learning: 3 epochs on 3000 images must reach 88% on 1000 others.
run cnn-train --images "$T/tr.pgm" --labels "$T/tr.labels" --arch "$T/tiny.arch" \
    --epochs 3 --batch-size 32 --lr 0.02 --threads 2 \
    --val-images "$T/va.pgm" --val-labels "$T/va.labels" \
    --output "$T/tiny.model"
ok "$rc" "3000-image training run"
is "$(grep -c '^epoch [123] loss [0-9.]* train_acc [0-9.]* val_acc [0-9.]* images_per_s [0-9]* gflops [0-9.]* seconds [0-9.]* model [0-9a-f]\{12\}$' "$T/out")" 3 \
    "one metric line per epoch on stdout"
val=$(awk '/^epoch 3/ { print $8 }' "$T/out")
awk -v v="$val" 'BEGIN { exit !(v >= 0.88) }'; ok $? "validation accuracy after 3 epochs >= 0.88 ($val)"
grep -q 'epoch 3/3: loss' "$T/err"; ok $? "one progress line per epoch on stderr (not a terminal)"
right=$(cnn-infer --model "$T/tiny.model" "$T/va.pgm" | paste -d ' ' "$T/va.labels" - |
        awk '$1 == $2 { c++ } END { printf "%.5f", c / NR }')
is "$right" "$val" "cnn-infer on the saved model scores what training reported"
is "$(ls "$T" | grep -c 'tmp')" 0 "no temporary checkpoint files left"
id=$(awk '/^epoch 3/ { print $NF }' "$T/out")
is "$(head -c 100000 "$T/tiny.model" | tail -c 26 | cut -c10-21)" "$id" "the model id is the start of the file's checksum"

# Determinism, with augmentation and dropout in play.
for i in 1 2; do
    cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/drop.arch" \
        --epochs 2 --augment --seed 7 --threads 2 --output "$T/d$i.model" \
        > /dev/null 2>&1
done
cmp -s "$T/d1.model" "$T/d2.model"; ok $? "same seed: identical model bytes"
cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/drop.arch" \
    --epochs 2 --augment --seed 7 --threads 1 --output "$T/d4.model" > /dev/null 2>&1
cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/drop.arch" \
    --epochs 2 --augment --seed 7 --threads 3 --output "$T/d5.model" > /dev/null 2>&1
cmp -s "$T/d1.model" "$T/d4.model" && cmp -s "$T/d1.model" "$T/d5.model"
ok $? "1, 2 or 3 threads: identical model bytes"
cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/drop.arch" \
    --epochs 2 --augment --seed 8 --threads 2 --output "$T/d3.model" > /dev/null 2>&1
cmp -s "$T/d1.model" "$T/d3.model"; ok $(( ! $? )) "another seed: another model"
cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/drop.arch" \
    --epochs 2 --augment --seed 7 --threads 2 --checkpoint-path "$T/d6.model" > /dev/null 2>&1
cmp -s "$T/d1.model" "$T/d6.model"
ok $? "--checkpoint-path FILE (the Python original's name) is --output FILE"

# Interrupted mid-run: the checkpoint is the last complete epoch.
cnn-train --images "$T/tr.pgm" --labels "$T/tr.labels" --arch "$T/drop.arch" \
    --epochs 200 --threads 1 --output "$T/int.model" > "$T/int.out" 2> /dev/null &
pid=$!
i=0
while [ "$i" -lt 300 ] && ! grep -q '^epoch 2 ' "$T/int.out"; do
    sleep 0.1; i=$((i + 1))
done
kill -TERM "$pid"; wait "$pid" 2> /dev/null
last=$(tail -n 1 "$T/int.out" | awk '{ print $NF }')
id=$(cnn-infer --json --model "$T/int.model" < "$T/s.pgm" | head -n 1 | sed 's/.*"model":"\([0-9a-f]*\)".*/\1/')
is "$id" "$last" "killed mid-epoch: the model file is the last epoch reported"
is "$(ls "$T" | grep -c 'int.model.tmp')" 0 "killed mid-epoch: no temporary file left"

# The same, killed at 20 moments spread over many short epochs: a kill
# that lands between writing the model and printing its line must wait
# for the line.
head -c $((797 * 100)) "$T/tr.pgm" > "$T/k.pgm"
head -n 100 "$T/tr.labels" > "$T/k.labels"
head -c 797 "$T/tr.pgm" > "$T/k1.pgm"
bad=0 tried=0
for d in $(awk 'BEGIN { srand(7); for (i = 0; i < 20; i++) printf "%.3f\n", 0.05 + 0.3 * rand() }'); do
    rm -f "$T/k.model"
    cnn-train --images "$T/k.pgm" --labels "$T/k.labels" --arch "$T/drop.arch" \
        --epochs 10000 --threads 1 --output "$T/k.model" > "$T/k.out" 2> /dev/null &
    pid=$!
    sleep "$d"
    kill -TERM "$pid"; wait "$pid" 2> /dev/null
    [ -s "$T/k.out" ] || continue
    tried=$((tried + 1))
    id=$(cnn-infer --json --model "$T/k.model" < "$T/k1.pgm" | sed 's/.*"model":"\([0-9a-f]*\)".*/\1/')
    [ "$id" = "$(tail -n 1 "$T/k.out" | awk '{ print $NF }')" ] || bad=$((bad + 1))
done
is "$bad:$([ "$tried" -ge 10 ] && echo enough)" "0:enough" \
   "20 kills at random moments ($tried after an epoch): the model is always the last epoch reported"

# Fine-tuning keeps the architecture and the accuracy.
run cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --init "$T/tiny.model" \
    --epochs 1 --lr 0.002 --val-images "$T/va.pgm" --val-labels "$T/va.labels" \
    --output "$T/ft.model"
v2=$(awk '/^epoch 1/ { print $8 }' "$T/out")
awk -v a="$v2" -v b="$val" 'BEGIN { exit !(a >= b - 0.03) }'
ok $? "--init fine-tunes from a model ($val -> $v2)"
is "$(sed -n 2,5p "$T/ft.model")" "$(sed -n 2,5p "$T/tiny.model")" "--init keeps the architecture"

# Bad input.
train_bad() { run cnn-train --images "$T/s.pgm" --arch "$T/tiny.arch" --epochs 1 \
       --output "$T/x.model" "$@"; }
head -n 499 "$T/s.labels" > "$T/bad"
train_bad --labels "$T/bad"; fails_with 1 '499 labels for 500 images' "too few labels"
{ cat "$T/s.labels"; echo 1; } > "$T/bad"
train_bad --labels "$T/bad"; fails_with 1 'more labels than the 500 images' "too many labels"
sed '3s/.*/12/' "$T/s.labels" > "$T/bad"
train_bad --labels "$T/bad"; fails_with 1 'line 3: .12. is not a label' "bad label line: names line 3"
{ head -c 797 "$T/s.pgm"; printf 'P5\n28 27\n255\n'; head -c 756 /dev/zero; } > "$T/bad"
run cnn-train --images "$T/bad" --labels "$T/s.labels" --output "$T/x.model"
fails_with 1 'image 2: 28x27, expected 28x28' "wrong image size: names image 2"
printf 'conv 8 5\nrelu\nfoo\ndense 10\n' > "$T/bad"
train_bad --labels "$T/s.labels" --arch "$T/bad"; fails_with 1 "line 3: unknown layer 'foo'" "bad arch: names the line"
train_bad --labels "$T/s.labels" --init "$T/tiny.model"; fails_with 1 'give one' "--arch with --init"
train_bad; fails_with 1 'usage' "no --labels: usage"
train_bad --labels "$T/s.labels" --epochs 0; fails_with 1 'out of range' "--epochs 0"
train_bad --labels "$T/s.labels" --lr 0.1x; fails_with 1 'not a number' "--lr 0.1x"
train_bad --labels "$T/s.labels" --val-images "$T/va.pgm"; fails_with 1 'go together' "--val-images alone"
run cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/tiny.arch" \
    --epochs 3 --lr 10 --momentum 0.999 --batch-size 8 --output "$T/x.model"
fails_with 2 'loss is not finite (try a lower --lr)' "diverging run stops with exit 2"
run cnn-train --images "$T/s.pgm" --labels "$T/s.labels" --arch "$T/tiny.arch" \
    --epochs 1 --output "$T/no/such/dir/x.model"
fails_with 2 'saving the checkpoint' "unwritable checkpoint path: exit 2"
# "-" labels: a picture of no digit, for an arch ending in dense 11.
idx2pgm --count 40 "$top/data/mnist/train-images-idx3-ubyte" > "$T/few.pgm"
idx2pgm --count 30 "$top/data/mnist/train-labels-idx1-ubyte" > "$T/l30"
{ cat "$T/l30"; yes - | head -n 10; } > "$T/few.labels"
printf 'dense 10\n' > "$T/d10.arch"
printf 'dense 11\n' > "$T/d11.arch"
run cnn-train --arch "$T/d10.arch" --images "$T/few.pgm" --labels "$T/few.labels" \
    --epochs 1 --output "$T/d10.model"
fails_with 1 "line 31: '-' (not a digit), but the network has only the 10 digits" \
    "label - with a ten-class arch: refused, naming the line"
run cnn-train --arch "$T/d11.arch" --images "$T/few.pgm" --labels "$T/few.labels" \
    --epochs 1 --output "$T/d11.model"
ok "$rc" "label - with an arch ending in dense 11: trains"
is "$(head -n 1 "$T/d11.model")" "digits-model 2" "... and the model file is version 2"
printf 'dense 12\n' > "$T/d12.arch"
run cnn-train --arch "$T/d12.arch" --images "$T/few.pgm" --labels "$T/few.labels" --epochs 1
fails_with 1 "the last layer must be 'dense 10'" "dense 12 last: refused"
done_testing
