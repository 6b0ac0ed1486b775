# lib.sh - TAP helpers for the shell tests; source it first.
#
# Results are collected and printed by done_testing, plan line first, so
# no test has to count its checks by hand. Each test gets a private
# scratch directory $T, removed on exit, and bin/ first on PATH.
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH=$top/bin:$PATH
export PATH
T=$(mktemp -d) || exit 2
trap 'rm -rf -- "$T"' EXIT
trap 'exit 1' HUP INT TERM
t_n=0
t_failed=0
: > "$T/.tap"

# ok STATUS DESCRIPTION: record a check; STATUS 0 is a pass.
ok() {
    t_n=$((t_n + 1))
    if [ "$1" -eq 0 ]; then
        printf 'ok %d - %s\n' "$t_n" "$2" >> "$T/.tap"
    else
        t_failed=$((t_failed + 1))
        printf 'not ok %d - %s\n' "$t_n" "$2" >> "$T/.tap"
    fi
}

# diag TEXT: a comment line in the output.
diag() {
    printf '%s\n' "$*" | sed 's/^/# /' >> "$T/.tap"
}

# run CMD...: runs CMD with stdout in $T/out, stderr in $T/err, status
# in $rc (never fails the script).
run() {
    rc=0
    "$@" > "$T/out" 2> "$T/err" || rc=$?
}

# fails_with STATUS PATTERN DESCRIPTION: the last run exited STATUS and
# its stderr matched the grep pattern.
fails_with() {
    st=1
    if [ "$rc" -eq "$1" ] && grep -q -- "$2" "$T/err"; then
        st=0
    else
        diag "exit $rc, stderr: $(head -c 300 "$T/err")"
    fi
    ok "$st" "$3"
}

# is GOT WANT DESCRIPTION: string equality.
is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        diag "got '$1', want '$2'"
        ok 1 "$3"
    fi
}

done_testing() {
    printf '1..%d\n' "$t_n"
    cat "$T/.tap"
    [ "$t_failed" -eq 0 ]
}

# The checked-in MNIST test set as PGM and labels, converted once per
# test into $T (needs data/mnist from scripts/fetch-mnist).
mnist_test_set() {
    idx2pgm "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/test.pgm" &&
    idx2pgm "$top/data/mnist/t10k-labels-idx1-ubyte" > "$T/test.labels"
}
