#!/bin/sh
# The README's shell examples, as printed: every ```sh block after an
# "<!-- example -->" line runs as one script (set -e), in a scratch
# folder that looks like the project (links to its files), with HOME
# there too (so `make install PREFIX=$HOME/.local` installs into it) and
# a lighttpd answering for http://127.0.0.1:8080. A command followed by
# a comment that shows its output ("# 7 0.99...") must print the same
# first word (up to a space or a comma).
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S
export FEEDBACK_DIR
start_lighttpd || { echo "Bail out! lighttpd did not start"; exit 1; }
unset FEEDBACK_DIR

W=$T/w
mkdir -p "$W" "$T/home"
for f in "$top"/* "$top"/.[!.]*; do
    case ${f##*/} in feedback | test | '.[!.]*') continue ;; esac
    ln -s "$f" "$W/${f##*/}"
done

# The blocks, each into $T/block.N; a check per output comment.
awk -v dir="$T" '
    /^<!-- example -->$/ { want = 1; next }
    want && /^```sh$/ { n++; inside = 1; want = 0; next }
    inside && /^```$/ { inside = 0; next }
    inside { print > (dir "/block." n) }
    { want = want && /^$/ }
    END { print n + 0 > (dir "/blocks") }
' "$top/README.md"
n=$(cat "$T/blocks")
[ "$n" -ge 8 ]; ok $? "the README marks its runnable examples ($n blocks)"

# Each block: its command lines into a script that checks the output
# comments, run with set -e, with the environment the blocks before it
# left (as in one terminal session: export PATH=... carries on).
printf 'export HOME=%s PATH=/usr/bin:/bin:/usr/sbin:/sbin\n' "$T/home" > "$T/env"
i=1
while [ "$i" -le "$n" ]; do
    b=$T/block.$i
    awk -v port="$port" -v out="$T/o" '
        function check() {
            if (cmd == "") return
            if (want != "")
                printf "%s > %s.%d\n", cmd, out, NR
            else
                print cmd
            if (want != "")
                printf "first=$(head -n 1 %s.%d | sed \"s/[ ,].*//\"); " \
                       "[ \"$first\" = \047%s\047 ] || { echo \"printed $first, README says the first word\" >&2; exit 1; }\n",
                       out, NR, want
            cmd = ""; want = ""
        }
        /^# / {
            w = substr($0, 3); sub(/[ ,].*/, "", w)
            if (cmd != "" && want == "" && w ~ /^([0-9-]|\{)/) want = w
            next
        }
        /^#/ { next }
        {
            check(); cmd = $0
            sub(/[ \t][ \t]+#.*/, "", cmd)      # a trailing comment
            gsub(/127\.0\.0\.1:8080/, "127.0.0.1:" port, cmd)
        }
        END { check() }
    ' "$b" > "$b.body"
    { printf '. %s\n' "$T/env"; cat "$b.body"; printf 'export -p > %s\n' "$T/env"; } > "$b.sh"
    first=$(grep -v '^first=' "$b.body" | head -n 1 | cut -c 1-50)
    (cd "$W" && sh -e "$b.sh") > "$T/out.$i" 2> "$T/err.$i"
    rc=$?
    [ "$rc" -eq 0 ] || diag "block $i: exit $rc: $(tail -n 3 "$T/err.$i")"
    ok "$rc" "README example $i runs as printed ($first ...)"
    i=$((i + 1))
done
[ -x "$T/home/.local/bin/cnn-infer" ] && [ -f "$T/home/.local/share/digits/models/mnist.model" ] &&
    [ -f "$T/home/.local/share/digits/scripts/cgi/index.html" ] &&
    [ -x "$T/home/.local/bin/digits-cgi" ] && [ -x "$T/home/.local/share/digits/scripts/predict" ] &&
    [ -f "$T/home/.local/share/man/man1/digits-cgi.1" ]
ok $? "make install put the programs, the model, the page, the scripts and the man pages in place"
# The installed programs, from elsewhere, without the tree.
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
(cd / && "$T/home/.local/bin/cnn-infer" < "$T/seven.pgm") > "$T/p" 2> "$T/e"
grep -q '^7 ' "$T/p"; ok $? "installed cnn-infer, run from /: finds the installed model ($(head -c 60 "$T/e"))"
(cd / && env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/ping \
    "$T/home/.local/bin/digits-cgi") > "$T/p" 2> "$T/e"
grep -q '"status":"ok"' "$T/p"; ok $? "installed digits-cgi: the installed model"
(cd / && env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/ \
    "$T/home/.local/bin/digits-cgi") > "$T/p" 2> "$T/e"
grep -q '<canvas id="pad"' "$T/p"; ok $? "... and the installed page"
mkdir -p "$T/other/models"
printf 'not a model\n' > "$T/other/models/mnist.model"
(cd / && DIGITS_HOME=$T/other "$T/home/.local/bin/cnn-infer" < "$T/seven.pgm") > "$T/p" 2> "$T/e"
grep -q "$T/other/models/mnist.model" "$T/e"; ok $? "DIGITS_HOME names the folder of the model"
done_testing
