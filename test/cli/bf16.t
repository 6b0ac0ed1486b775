#!/bin/sh
# --bf16 (cnn-infer, cnn-train): BF16 products, float sums. Inference
# with the shipped model must agree with float inference on at least
# 99.9% of 2000 MNIST test images and score within one image of it;
# training in the mode must give other model bytes than float training
# (the mode is on), the same bytes twice, and still learn.
. "$(dirname "$0")/../lib.sh"
mn=$top/data/mnist
model=$top/models/mnist.model
idx2pgm --count 2000 "$mn/t10k-images-idx3-ubyte" > "$T/te.pgm"
idx2pgm --count 2000 "$mn/t10k-labels-idx1-ubyte" > "$T/te.labels"
idx2pgm --count 1000 "$mn/train-images-idx3-ubyte" > "$T/tr.pgm"
idx2pgm --count 1000 "$mn/train-labels-idx1-ubyte" > "$T/tr.labels"
printf 'conv 8 3\nrelu\nconv 16 3\nrelu\nmaxpool 2\ndense 10\n' > "$T/net.arch"

run cnn-infer --help
grep -q -- '--bf16' "$T/out"; ok $? "cnn-infer --help lists --bf16"
run cnn-train --help
grep -q -- '--bf16' "$T/out"; ok $? "cnn-train --help lists --bf16"

cnn-infer --model "$model" "$T/te.pgm" > "$T/fp32"
run cnn-infer --bf16 --model "$model" "$T/te.pgm"
ok "$rc" "cnn-infer --bf16 runs"
cp "$T/out" "$T/bf16"
agree=$(paste -d ' ' "$T/fp32" "$T/bf16" | awk '$1 == $13 { n++ } END { print n + 0 }')
awk -v a="$agree" 'BEGIN { exit !(a >= 1998) }'
ok $? "the same answer as float on $agree of 2000 (99.9%: 1998)"
right() { paste -d ' ' "$T/te.labels" "$1" | awk '$1 == $2 { n++ } END { print n + 0 }'; }
f=$(right "$T/fp32") b=$(right "$T/bf16")
awk -v f="$f" -v b="$b" 'BEGIN { d = f - b; exit !(d <= 1 && d >= -1) }'
ok $? "accuracy within one image of float's ($b against $f of 2000)"
cmp -s "$T/fp32" "$T/bf16"; ok $(( ! $? )) "... yet not float's bytes: the mode is on"

for i in 1 2; do
    run cnn-train --bf16 --images "$T/tr.pgm" --labels "$T/tr.labels" \
        --arch "$T/net.arch" --epochs 2 --batch-size 32 --lr 0.05 \
        --threads 2 --output "$T/bf16.$i.model"
    ok "$rc" "cnn-train --bf16, run $i"
done
cmp -s "$T/bf16.1.model" "$T/bf16.2.model"; ok $? "... the same model bytes twice"
cnn-train --images "$T/tr.pgm" --labels "$T/tr.labels" --arch "$T/net.arch" \
    --epochs 2 --batch-size 32 --lr 0.05 --threads 2 \
    --output "$T/fp32.model" > /dev/null 2>&1
cmp -s "$T/bf16.1.model" "$T/fp32.model"; ok $(( ! $? )) "... not float training's bytes"
for m in bf16.1 fp32; do
    cnn-infer --model "$T/$m.model" "$T/te.pgm" > "$T/$m.pred"
done
b=$(right "$T/bf16.1.pred") f=$(right "$T/fp32.pred")
awk -v f="$f" -v b="$b" 'BEGIN { exit !(b >= 1500 && b >= f - 40) }'
ok $? "it learns: $b of 2000 right after 2 epochs on 1000 (float: $f)"
done_testing
