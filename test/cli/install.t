#!/bin/sh
# make install and make uninstall honour PREFIX and DESTDIR: everything
# lands under DESTDIR/PREFIX, the installed programs find their model
# there, and uninstall leaves no file behind (and keeps a folder that
# holds something install did not put there).
. "$(dirname "$0")/../lib.sh"

D=$T/dest
P=/opt/digits-test
run make -s -C "$top" install DESTDIR="$D" PREFIX=$P
ok "$rc" "make install DESTDIR PREFIX"
[ -z "$(find "$D" -mindepth 1 -maxdepth 1 ! -name opt)" ]
ok $? "nothing outside DESTDIR/PREFIX"
n_bin=$(find "$D$P/bin" -type f -perm -u+x | wc -l)
n_man=$(find "$D$P/share/man/man1" -type f -name '*.1' | wc -l)
is "$n_bin $n_man" "8 8" "the programs and their man pages"
for f in models/mnist.model scripts/cgi/index.html scripts/retrain \
         scripts/mnist-pgm scripts/mnist.sha256 scripts/servers/nginx-fcgiwrap.conf; do
    [ -f "$D$P/share/digits/$f" ]; ok $? "share/digits/$f"
done

# An installed program finds the installed model (not the tree's, not
# the working folder's) from its own place.
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
run env -u DIGITS_HOME sh -c 'cd / && "$1" < "$2"' - "$D$P/bin/cnn-infer" "$T/seven.pgm"
is "$rc $(cut -d ' ' -f 1 "$T/out")" "0 7" "the installed cnn-infer reads a 7 with the installed model"

run make -s -C "$top" uninstall DESTDIR="$D" PREFIX=$P
ok "$rc" "make uninstall DESTDIR PREFIX"
left=$(find "$D" ! -type d)
is "$left" "" "uninstall leaves no file"
[ ! -e "$D$P/share/digits" ]; ok $? "nor share/digits"

# A retrained model's archive is the user's: kept, and said so.
make -s -C "$top" install DESTDIR="$D" PREFIX=$P > /dev/null 2>&1
mkdir -p "$D$P/share/digits/models/archive"
: > "$D$P/share/digits/models/archive/old.model"
run make -s -C "$top" uninstall DESTDIR="$D" PREFIX=$P
[ "$rc" -eq 0 ] && grep -q 'models is not empty: kept' "$T/err" &&
    [ -f "$D$P/share/digits/models/archive/old.model" ] &&
    [ ! -e "$D$P/share/digits/models/mnist.model" ]
ok $? "uninstall keeps a folder with files of the user's, and says so"

done_testing
