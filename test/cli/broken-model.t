#!/bin/sh
# Models that load but must not be trusted, and models that change under
# their reader: a model whose finite weights overflow is refused by
# --check and by the web program (503), and cnn-infer never prints a
# non-finite number for it; a model copied over in place while cnn-infer
# and the web program hold it does not kill them.
. "$(dirname "$0")/../lib.sh"

printf 'dense 11\n' > "$T/dense.arch"
"$top/build/test/mkmodel" "$T/dense.arch" 1e38 "$T/huge.model"
pgmmake 1 28 28 > "$T/white.pgm"
run cnn-infer --model "$T/huge.model" --check
fails_with 1 'not finite' "--check: weights that overflow: exit 1"
run cnn-infer --model "$T/huge.model" --json "$T/white.pgm"
fails_with 2 'image 1: .*not finite' "--json on an image that overflows: exit 2, naming it"
grep -qi 'nan\|inf' "$T/out"; ok $(( ! $? )) "... and no NaN or Inf printed"
run cnn-infer --model "$T/huge.model" "$T/white.pgm"
fails_with 2 'not finite' "... the same without --json"
cgi() {
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 DIGITS_HOME="$top" \
        "$@" "$top/bin/digits-cgi" > "$T/out" 2> "$T/err"
}
cgi REQUEST_METHOD=GET PATH_INFO=/ping DIGITS_MODEL="$T/huge.model"
head -n 1 "$T/out" | grep -q '^Status: 503'; ok $? "digits-cgi: /ping with that model: 503"
grep -q 'huge.model: the output is not finite' "$T/err"; ok $? "... saying why in the server's log"

# A copy over the model in place while cnn-infer reads its input: it
# loads the model, then waits on a FIFO for images; the model file is
# rewritten (cut short, then another model) before they come.
mkfifo "$T/fifo"
cp "$top/models/mnist.model" "$T/held.model"
idx2pgm --count 20 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/twenty.pgm"
cnn-infer --model "$T/held.model" < "$T/fifo" > "$T/held.out" 2> "$T/held.err" &
pid=$!
exec 3> "$T/fifo"
# The model is loaded once cnn-infer waits in a read of the FIFO (it
# loads it first); give up waiting after 10 s where /proc does not say.
i=0
while [ $i -lt 200 ]; do
    case $(cat "/proc/$pid/wchan" 2>/dev/null) in *pipe*) break ;; esac
    sleep 0.05
    i=$((i + 1))
done
head -c 1000 "$T/huge.model" > "$T/held.model"
cat "$T/huge.model" > "$T/held.model"
cat "$T/twenty.pgm" >&3
exec 3>&-
wait "$pid"
is "$?" 0 "cnn-infer with its model rewritten in place under it: exit 0"
cnn-infer --model "$top/models/mnist.model" "$T/twenty.pgm" > "$T/want"
cmp -s "$T/held.out" "$T/want"; ok $? "... and the predictions of the model it loaded"

done_testing
