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

# random_port: a port number in 20000-59999 (the caller retries if it
# turns out to be taken).
random_port() {
    echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
}

# wait_up URL PID: waits up to 10 s for URL to answer while PID lives.
wait_up() {
    i=0
    while [ $i -lt 100 ]; do
        kill -0 "$2" 2>/dev/null || return 1
        curl -s -o /dev/null "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# wait_for CMD...: waits up to 10 s for CMD to succeed (a condition a
# server makes true a moment after it answers, such as a line it prints).
wait_for() {
    i=0
    until "$@"; do
        [ $i -lt 100 ] || return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# start_server LAUNCH: calls LAUNCH (which starts a server on $port in
# the background and sets $base) on random ports until one answers
# $base/ping; sets $server_pid and stops the server when the test exits
# (with those started before it).
server_pids=
start_server() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$(random_port)
        "$1"
        server_pid=$!
        if wait_up "$base/ping" "$server_pid"; then
            server_pids="$server_pids $server_pid"
            trap 'kill $server_pids 2>/dev/null; rm -rf -- "$T"' EXIT
            return 0
        fi
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    done
    return 1
}

# start_lighttpd [MODE [NAME]]: lighttpd with the configuration
# scripts/serve uses, MODE fastcgi (the default, as serve) or cgi (the
# environment's FEEDBACK_DIR, DIGITS_MODEL, ... passed on). Its files
# are $T/NAME.conf, $T/NAME.log and, for FastCGI, $T/NAME.sock; NAME is
# lighttpd by default, another one for a second server.
launch_lighttpd() {
    "$top/scripts/lighttpd-conf" "$lighttpd_mode" "$port" \
        "$T/$lighttpd_name.log" "$T/$lighttpd_name.sock" \
        > "$T/$lighttpd_name.conf"
    lighttpd -D -f "$T/$lighttpd_name.conf" 2>> "$T/$lighttpd_name.log" &
    base=http://127.0.0.1:$port
}
start_lighttpd() {
    lighttpd_mode=${1:-fastcgi}
    lighttpd_name=${2:-lighttpd}
    start_server launch_lighttpd
}

# start_busybox: busybox httpd, the program linked into a cgi-bin folder
# (as one would drop it under any server) finding the project through
# DIGITS_HOME; the API is under /cgi-bin/digits.cgi.
launch_busybox() {
    busybox httpd -f -p "127.0.0.1:$port" -h "$T/www" 2>> "$T/busybox.log" &
    base=http://127.0.0.1:$port/cgi-bin/digits.cgi
}
start_busybox() {
    mkdir -p "$T/www/cgi-bin"
    ln -sf "$top/bin/digits-cgi" "$T/www/cgi-bin/digits.cgi"
    DIGITS_HOME=$top
    export DIGITS_HOME
    start_server launch_busybox
}

# start_nginx: nginx in front of `digits-cgi --listen SOCKET` (FastCGI
# over a Unix socket, two workers), both stopped when the test exits.
launch_nginx() {
    mkdir -p "$T/nginx"
    sed -e "s|@PORT@|$port|g" -e "s|@T@|$T|g" \
        "$top/test/web/nginx.conf.in" > "$T/nginx/nginx.conf"
    nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx.log" \
        2>> "$T/nginx.log" &
    base=http://127.0.0.1:$port
}
start_nginx() {
    digits-cgi --listen "$T/digits.sock" --workers 2 2>> "$T/fcgi.log" &
    fcgi_pid=$!
    i=0
    until [ -S "$T/digits.sock" ]; do
        i=$((i + 1))
        [ $i -lt 100 ] && kill -0 "$fcgi_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    start_server launch_nginx || return 1
    trap 'kill "$server_pid" "$fcgi_pid" 2>/dev/null; rm -rf -- "$T"' EXIT
}
