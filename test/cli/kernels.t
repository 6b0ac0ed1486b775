#!/bin/sh
# Kernel levels (common/nn/kern.h): DIGITS_KERNELS picks one, --help
# names it, a bad name or a level this CPU lacks is refused, and at
# every level this CPU runs, training gives the same model bytes twice
# and inference agrees with the default level's. (test_gemm and
# test_layers check each level's kernels against the references.)
. "$(dirname "$0")/../lib.sh"
mn=$top/data/mnist
idx2pgm --count 400 "$mn/train-images-idx3-ubyte" > "$T/tr.pgm"
idx2pgm --count 400 "$mn/train-labels-idx1-ubyte" > "$T/tr.labels"
idx2pgm --count 2000 "$mn/t10k-images-idx3-ubyte" > "$T/te.pgm"
# A 3x3 convolution over 8 channels takes the Winograd road, fused with
# its ReLU and pool in inference; the first takes the direct one.
printf 'conv 8 3\nrelu\nconv 16 3\nrelu\nmaxpool 2\ndropout 0.2\ndense 10\n' \
    > "$T/net.arch"

run cnn-infer --help
ok "$rc" "cnn-infer --help exits 0"
levels=$(sed -n 's/^Kernels: [a-z0-9]*, of \(.*\) on this CPU.*/\1/p' "$T/out" |
         tr -d ',')
default=$(sed -n 's/^Kernels: \([a-z0-9]*\),.*/\1/p' "$T/out")
case " $levels " in
*" generic "*) ok 0 "--help names the levels this CPU runs ($levels) and the chosen one ($default)" ;;
*) ok 1 "--help names the levels this CPU runs: $(cat "$T/out")" ;;
esac
last=${levels##* }
is "$default" "$last" "the default is the widest level this CPU runs"

DIGITS_KERNELS=sse9 run cnn-infer --model "$top/models/mnist.model" "$T/te.pgm"
fails_with 2 'DIGITS_KERNELS=sse9: no such level (this CPU runs' \
    "an unknown level is refused, naming the levels there are"
for l in avx2 avx512; do
    case " $levels " in *" $l "*) continue ;; esac
    DIGITS_KERNELS=$l run cnn-train --images "$T/tr.pgm" \
        --labels "$T/tr.labels" --arch "$T/net.arch" --epochs 1 \
        --output "$T/no.model"
    fails_with 2 "DIGITS_KERNELS=$l: this CPU runs only" \
        "$l, which this CPU lacks, is refused (no SIGILL)"
    [ ! -e "$T/no.model" ]; ok $? "... and nothing is written"
done

cnn-infer --model "$top/models/mnist.model" "$T/te.pgm" > "$T/default.out"
for l in $levels; do
    DIGITS_KERNELS=$l run cnn-infer --help
    grep -q "^Kernels: $l," "$T/out"; ok $? "DIGITS_KERNELS=$l: --help says $l runs"
    for i in 1 2; do
        DIGITS_KERNELS=$l run cnn-train --images "$T/tr.pgm" \
            --labels "$T/tr.labels" --arch "$T/net.arch" --epochs 1 \
            --batch-size 32 --threads 2 --output "$T/$l.$i.model"
        ok "$rc" "$l: training run $i"
    done
    cmp -s "$T/$l.1.model" "$T/$l.2.model"
    ok $? "$l: the same model bytes twice"
    DIGITS_KERNELS=$l cnn-infer --model "$top/models/mnist.model" \
        "$T/te.pgm" > "$T/$l.out"
    # One image alone runs on the weights as they are, a stream on the
    # weights prepared for the kernels (infer.h): the same bits.
    for i in 1 2 3; do
        head -c $((797 * i)) "$T/te.pgm" | tail -c 797 |
            DIGITS_KERNELS=$l cnn-infer --model "$top/models/mnist.model"
    done > "$T/$l.single"
    head -n 3 "$T/$l.out" | cmp -s - "$T/$l.single"
    ok $? "$l: images one at a time, the same bytes as in a stream"
    same=$(paste -d ' ' "$T/default.out" "$T/$l.out" |
           awk '$1 == $13 { s++ } END { print s + 0 }')
    worst=$(paste -d ' ' "$T/default.out" "$T/$l.out" | awk '
        { for (i = 2; i <= 12; i++) { d = $i - $(i + 12); if (d < 0) d = -d; if (d > w) w = d } }
        END { printf "%.6f", w }')
    is "$same" 2000 "$l: the same answer as $default on 2000 test images"
    awk -v w="$worst" 'BEGIN { exit !(w <= 0.00002) }'
    ok $? "$l: probabilities within 2e-5 of $default's ($worst)"
done
done_testing
