#!/bin/sh
# The musl build (`make static`): every program fully static, and the
# unit tests and every other CLI test passing against it.
#
# The other tests are not changed to find the programs elsewhere: they
# run in a copy of the tree made of symbolic links, whose bin/ is
# build/musl/bin and whose build/test/ is build/musl/test, so the scripts
# they call (evaluate, predict, retrain, ...) run the musl programs too.
# Builds with `make static` first (which fetches Debian's sources of
# libnetpbm and libcsv the first time: network, and root to add the
# deb-src entry; see scripts/static).
. "$(dirname "$0")/../lib.sh"
musl=$top/build/musl

unset MAKEFLAGS MFLAGS MAKELEVEL
run make -C "$top" -j2 static
ok "$rc" "make static builds"
[ "$rc" -eq 0 ] || { diag "$(tail -n 20 "$T/err")"; done_testing; exit 1; }

# Fully static: no interpreter, no dynamic section, for every program.
for p in "$musl"/bin/*; do
    dyn=0
    readelf --program-headers --dynamic "$p" 2>/dev/null |
        grep -q 'INTERP\|(NEEDED)' && dyn=1
    ok "$dyn" "${p##*/}: static, no loader and no shared library"
done
is "$(ls "$musl/bin" | tr '\n' ' ')" "$(ls "$top/bin" | tr '\n' ' ')" \
    "a musl binary for every program in bin/"
# The musl C library, not glibc, is in it.
run strings "$musl/bin/cnn-infer"
grep -q 'GLIBC' "$T/out"
ok $((1 - $?)) "cnn-infer: no glibc symbol versions"

# The tree copy: everything a link to the real file, but bin/ and build/.
tree=$T/tree
mkdir -p "$tree/build"
for f in "$top"/* "$top"/.[!.]*; do
    case ${f##*/} in
    bin|build|'.[!.]*') ;;
    *) ln -s -- "$f" "$tree/${f##*/}" ;;
    esac
done
ln -s -- "$musl/bin" "$tree/bin"
ln -s -- "$musl/test" "$tree/build/test"

for t in "$tree"/build/test/test_*; do
    run prove -e '' "$t"
    ok "$rc" "musl: unit test ${t##*/}"
    [ "$rc" -eq 0 ] || diag "$(grep -v '^ok' "$T/out" | head -n 20)"
done
# retrain.t alone would add three and a half minutes to `make check`;
# the programs it drives are covered by cnn-train.t and feedback-log.t,
# and the retrain script with musl programs by retrain-kill.t.
# DIGITS_STATIC_FULL=1 runs it too.
for t in "$tree"/test/cli/*.t; do
    case ${t##*/}:${DIGITS_STATIC_FULL:-0} in
    static.t:*) continue ;;
    readme.t:* | install.t:* | deb.t:*)
        # The README's examples run make (data, install), as install.t
        # and deb.t do: they build and install the default programs,
        # not these (and make would write them through bin/).
        ok 0 "musl: test/cli/${t##*/} # SKIP runs make, which builds the default programs"
        continue ;;
    retrain.t:0)
        ok 0 "musl: test/cli/retrain.t # SKIP slow; DIGITS_STATIC_FULL=1"
        continue ;;
    esac
    run prove -e '' "$t"
    ok "$rc" "musl: test/cli/${t##*/}"
    [ "$rc" -eq 0 ] || diag "$(grep -v '^ok' "$T/out" | head -n 20)"
done

done_testing
