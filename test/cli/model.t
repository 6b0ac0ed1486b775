#!/bin/sh
# The shipped model: it loads, and it scores at least 99.4% on all 10,000
# MNIST test digits.
. "$(dirname "$0")/../lib.sh"
model=$top/models/mnist.model
mnist_test_set || exit 2
run cnn-infer --model "$model" "$T/test.pgm"
ok "$rc" "models/mnist.model loads and classifies the test set"
is "$(wc -l < "$T/out" | tr -d ' ')" 10000 "10000 predictions"
acc=$(paste -d ' ' "$T/test.labels" "$T/out" |
      awk '$1 == $2 { c++ } END { printf "%.4f", c / NR }')
diag "test accuracy $acc"
awk -v a="$acc" 'BEGIN { exit !(a >= 0.994) }'
ok $? "test accuracy >= 0.994 ($acc)"
grep -q '^dense 11$' "$model"; ok $? "the model carries its architecture"
done_testing
