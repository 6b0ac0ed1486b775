#!/bin/sh
# scripts/serve (what `make serve` runs): starts lighttpd on 127.0.0.1 on
# $PORT, prints the URL, serves the page and the API; Ctrl-C (SIGINT to
# its process group) stops it and leaves nothing running.
. "$(dirname "$0")/../lib.sh"

FEEDBACK_DIR=$T/store
export FEEDBACK_DIR
# start_serve [VAR=VALUE...]: scripts/serve on random ports until one
# answers, with those variables set; $pid is its process group, stopped
# when the test exits. In its own process group, with SIGINT not
# ignored (a shell ignores it in background jobs; a terminal's Ctrl-C is
# not ignored).
start_serve() {
    for try in 1 2 3 4 5; do
        PORT=$(random_port)
        export PORT
        env "$@" perl -MPOSIX -e 'POSIX::setsid(); $SIG{INT} = "DEFAULT"; exec @ARGV or die' \
            "$top/scripts/serve" > "$T/out" 2> "$T/err" &
        pid=$!
        trap '/usr/bin/kill -TERM -- "-$pid" 2>/dev/null; rm -rf -- "$T"' EXIT
        wait_up "http://127.0.0.1:$PORT/ping" "$pid" && return 0
        /usr/bin/kill -INT -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    done
    return 1
}
start_serve
# It prints the URL once it has seen its server answer, which may be a
# moment after this test has.
wait_for grep -qx "    http://127.0.0.1:$PORT/" "$T/out"; ok $? "prints the URL"
code=$(curl -s -o "$T/page" -w '%{http_code}' "http://127.0.0.1:$PORT/")
is "$code" 200 "the page answers"
grep -q '<canvas id="pad"' "$T/page"; ok $? "... and is the page"
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" | pnmtopng > "$T/seven.png"
code=$(curl -s -o "$T/p" -w '%{http_code}' --data-binary @"$T/seven.png" \
       -H 'Content-Type: image/png' "http://127.0.0.1:$PORT/predict")
is "$code" 200 "/predict answers a PNG"
grep -q '^{"prediction":7,' "$T/p"; ok $? "... a 7"
code=$(curl -s -o /dev/null -w '%{http_code}' --connect-timeout 2 "http://[::1]:$PORT/ping" || true)
[ "$code" != 200 ]; ok $? "listens on 127.0.0.1 only (not ::1)"

/usr/bin/kill -INT -- "-$pid"    # Ctrl-C: the whole group
wait "$pid"
is "$?" 0 "Ctrl-C: serve exits 0"
# lighttpd stops the FastCGI workers it started, but exits without
# waiting for them; they end as zombies for init to reap (which is not
# always a real init in a container), so only live processes count.
running() { ps -o stat= -g "$pid" 2>/dev/null | grep -vc '^Z'; }
i=0
while [ "$(running)" -gt 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(running)" 0 "... and nothing of it is left running"
curl -s -o /dev/null "http://127.0.0.1:$PORT/ping"; ok $(( ! $? )) "... the port is closed"

# A port already taken: by a server whose /ping looks like ours, and by
# a listener that never answers. serve must fail, say so, and print no
# URL.
mkdir -p "$T/fake"
printf '{"status":"ok","model":"000000000000"}\n' > "$T/fake/ping"
printf 'not digits\n' > "$T/fake/index.html"
start_fake() {
    busybox httpd -f -p "127.0.0.1:$port" -h "$T/fake" 2>/dev/null &
    base=http://127.0.0.1:$port
}
start_server start_fake || echo "Bail out! busybox httpd did not start"
fake_pid=$server_pid
PORT=$port timeout 60 "$top/scripts/serve" > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "port $port is taken" "$T/err" &&
    ! grep -q 'http://' "$T/out"
ok $? "a port where another server answers /ping: serve exits $rc, says the port is taken, prints no URL"
kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null
for try in 1 2 3 4 5; do
    port=$(random_port)
    perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => $ARGV[0],
        Listen => 5, ReuseAddr => 1) or exit 1; print "up\n"; $| = 1; sleep 120' \
        "127.0.0.1:$port" > "$T/mute" &
    mute=$!
    i=0
    until [ -s "$T/mute" ] || ! kill -0 "$mute" 2>/dev/null || [ $i -ge 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    [ -s "$T/mute" ] && break
done
PORT=$port timeout 60 "$top/scripts/serve" > "$T/out" 2> "$T/err"
rc=$?
kill "$mute" 2>/dev/null; wait "$mute" 2>/dev/null
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "port $port is taken" "$T/err" &&
    ! grep -q 'http://' "$T/out"
ok $? "a port held by a listener that never answers: serve exits $rc, says the port is taken"

# HOST=0.0.0.0: reachable through this machine's own address.
addr=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v ':' | grep -v '^127\.' | head -n 1)
start_serve HOST=0.0.0.0
if [ -n "$addr" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$addr:$PORT/ping")
    is "$code" 200 "HOST=0.0.0.0: /ping answers on this machine's address $addr"
    grep -q "http://$addr:$PORT/" "$T/err"; ok $? "... and serve prints that URL for a phone"
else
    ok 0 "HOST=0.0.0.0 # SKIP this machine has no address but the loopback"
fi
/usr/bin/kill -INT -- "-$pid"
wait "$pid"
is "$?" 0 "... Ctrl-C: serve exits 0"
done_testing
