#!/bin/sh
# make deb, as root: the package builds, installs with dpkg -i, serves a
# prediction through its lighttpd snippet (in Debian's own lighttpd.conf,
# on a port of its own, as www-data), stores verdicts as www-data, runs
# retrain once from its cron line as www-data, and is removed (the store
# kept) and purged (the store gone). The package is purged however the
# test ends. A system that has a digits package, or /var/lib/digits, is
# left alone (skip).
. "$(dirname "$0")/../lib.sh"

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i)"
for c in dpkg-deb lighttpd runuser; do
    command -v "$c" > /dev/null || skip "no $c"
done
[ -f /etc/lighttpd/lighttpd.conf ] || skip "no /etc/lighttpd/lighttpd.conf"
case $(dpkg-query -W -f='${Status}' digits 2>/dev/null) in
'' | *not-installed) ;;
*) skip "a digits package is on this system" ;;
esac
[ ! -e /var/lib/digits ] || skip "/var/lib/digits exists"
web=www-data
lib=/var/lib/digits

cleanup() {
    [ -z "${server_pid:-}" ] || kill "$server_pid" 2>/dev/null
    dpkg --purge digits > /dev/null 2>&1
    rm -rf -- "$T"
}
trap cleanup EXIT

run make -s -C "$top" deb
deb=$(tail -n 1 "$T/out")
[ "$rc" -eq 0 ] && [ -f "$deb" ]
ok $? "make deb prints the package it built"
[ "$rc" -eq 0 ] || { diag "$(tail -n 5 "$T/err")"; done_testing; exit 1; }
diag "$(basename "$deb"): $(wc -c < "$deb") bytes"
dpkg-deb -f "$deb" Package Architecture > "$T/fields"
is "$(tr '\n' ' ' < "$T/fields")" "Package: digits Architecture: $(dpkg --print-architecture) " \
    "its name and architecture"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles | sort > "$T/conffiles"
is "$(tr '\n' ' ' < "$T/conffiles")" \
    "/etc/cron.d/digits /etc/lighttpd/conf-available/50-digits.conf /etc/nginx/snippets/digits.conf " \
    "the cron file and the snippets are conffiles"

run dpkg -i "$deb"
ok "$rc" "dpkg -i"
[ "$rc" -eq 0 ] || diag "$(tail -n 5 "$T/err")"
st=0
for p in idx2pgm cnn-train cnn-infer confmat preproc feedback-log \
         digits-cgi nondigits; do
    [ -x "/usr/bin/$p" ] && [ -f "/usr/share/man/man1/$p.1.gz" ] ||
        { diag "/usr/bin/$p or its man page is missing"; st=1; }
done
ok "$st" "the programs and their man pages (gzipped)"
[ -f /usr/share/digits/scripts/cgi/index.html ] &&
    [ -f /usr/share/digits/scripts/retrain ]
ok $? "the page and the scripts in /usr/share/digits"
is "$(stat -c %U "$lib/feedback" "$lib/models/mnist.model" | tr '\n' ' ')" \
    "$web $web " "the store and the live model are $web's"
cmp -s "$lib/models/mnist.model" /usr/share/digits/models/mnist.model
ok $? "the live model starts as the shipped one"

# Debian's lighttpd.conf as it is, but for its port, pid file, error log
# and the enabled snippets: only digits's (lighty-enable-mod would link
# it into conf-enabled/, which this test leaves alone).
mkdir -p "$T/lt"
chown "$web" "$T/lt"
chmod 711 "$T"
launch_debian_lighttpd() {
    sed -e "s|^server.port .*|server.port = $port|" \
        -e "s|^server.pid-file .*|server.pid-file = \"$T/lt/pid\"|" \
        -e "s|^server.errorlog .*|server.errorlog = \"$T/lt/error.log\"|" \
        -e 's|^include "/etc/lighttpd/conf-enabled/\*.conf"|include "/etc/lighttpd/conf-available/50-digits.conf"|' \
        /etc/lighttpd/lighttpd.conf > "$T/lighttpd.conf"
    lighttpd -D -f "$T/lighttpd.conf" 2>> "$T/lighttpd.log" &
    base=http://127.0.0.1:$port/digits
}
start_server launch_debian_lighttpd
ok $? "lighttpd starts with the snippet"
trap cleanup EXIT
grep -q 'conf-available/50-digits.conf' "$T/lighttpd.conf"
ok $? "the test's lighttpd.conf includes the snippet"

run curl -s "$base/"
grep -q '<canvas' "$T/out"; ok $? "GET /digits/: the page"
idx2pgm --count 3 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/three.pgm"
for i in 1 2 3; do
    tail -c +$(( (i - 1) * 797 + 1 )) "$T/three.pgm" | head -c 797 > "$T/$i.pgm"
done
run curl -s --data-binary @"$T/1.pgm" "$base/predict"
grep -q '"prediction":7,' "$T/out"; ok $? "POST /digits/predict: 7"

# Three verdicts: one the operator trusts (as root, into a store the web
# user cannot write), two to learn from (retrain holds back a fifth, so
# one would leave it none to train on).
verdict() {
    curl -s -H 'Content-Type: image/x-portable-graymap' \
        --data-binary @"$T/$1.pgm" "$base/corrections?label=$2&predicted=$2"
}
answers=$(verdict 1 7; verdict 2 2; verdict 3 1)
n=$(grep -c -v '^id,' "$lib/feedback/meta.csv" 2>/dev/null)
[ "$(printf '%s' "$answers" | grep -o '"duplicate":false' | wc -l)" -eq 3 ] &&
    [ "$n" = 3 ]
ok $? "POST /digits/corrections: three verdicts in $lib/feedback"
[ "$n" = 3 ] || diag "$answers"
id=$(printf '%s' "$answers" | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p' | head -n 1)
run feedback-log --trust "$id" --store "$lib/feedback" --trusted "$lib/trusted"
ok "$rc" "feedback-log --trust into $lib/trusted"
is "$(stat -c %U "$lib/feedback/meta.csv")" "$web" "written as $web"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=

# The cron line: "m h dom mon dow user command"; MNIST where the cron
# file says to put it; --min-new lowered so that this one run trains.
grep -v -e '^#' -e '^[A-Za-z_]*=' -e '^$' /etc/cron.d/digits > "$T/cron" 2>/dev/null
is "$(wc -l < "$T/cron")" 1 "one cron line"
line=$(cat "$T/cron")
user=$(printf '%s\n' "$line" | awk '{ print $6 }')
is "$(printf '%s\n' "$line" | awk '{ print $1, $2, $3, $4, $5 }')/$user" \
    "*/10 * * * */$web" "every 10 minutes, as $web"
cmd=$(printf '%s\n' "$line" | cut -d ' ' -f 7-)
quick=$(printf '%s\n' "$cmd" |
    sed 's/--min-new [0-9]*/--min-new 1 --mnist-images 2000 --threads 2/')
[ "$quick" != "$cmd" ]; ok $? "the cron line sets --min-new"
install -d -o "$web" -g "$web" "$lib/data/mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte \
         t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    install -o "$web" -g "$web" -m 644 "$top/data/mnist/$f" "$lib/data/mnist/"
done
start=$(date +%s)
run runuser -u "$user" -- sh -c "$quick"
diag "retrain took $(( $(date +%s) - start )) s"
ok "$rc" "retrain from the cron line as $web"
[ "$rc" -eq 0 ] || diag "$(tail -n 5 "$lib/feedback/cron.out" 2>&1)"
grep -q '^time .* records 2 .* trusted 1 .* decision [a-z]* reason ' \
    "$lib/feedback/retrain.log" 2>/dev/null
ok $? "it trained on two, tested on the trusted one, and logged its decision"
grep -q ' decision ' "$lib/feedback/cron.out" 2>/dev/null
ok $? "its output is in $lib/feedback/cron.out"
diag "$(cat "$lib/feedback/retrain.log" 2>&1)"

run dpkg -r digits
ok "$rc" "dpkg -r"
[ ! -e /usr/bin/digits-cgi ] && [ ! -e /usr/share/digits ]
ok $? "the programs and /usr/share/digits are gone"
[ -f "$lib/feedback/meta.csv" ] && [ -f "$lib/models/mnist.model" ]
ok $? "the store and the live model are kept"
run runuser -u "$user" -- sh -c "$cmd"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] && [ ! -e /usr/share/digits ]
ok $? "the cron line, kept with the conffiles, does nothing and says nothing"
run dpkg --purge digits
ok "$rc" "dpkg --purge"
[ ! -e "$lib" ] && [ ! -e /etc/cron.d/digits ] &&
    [ ! -e /etc/lighttpd/conf-available/50-digits.conf ]
ok $? "purge removes $lib and the conffiles"

done_testing
