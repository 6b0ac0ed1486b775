#!/bin/sh
# digits-cgi's FastCGI side, spoken to directly by a client of ours
# (fcgi-client.pl) over --listen's Unix socket: management records, a
# kept connection, requests it must refuse, a broken stream, a body over
# the limit, an abort; and the process side: workers replaced when they
# die, a stale socket replaced, a live one refused, SIGTERM cleans up.
. "$(dirname "$0")/../lib.sh"

DIGITS_MAX_BODY=400000 FEEDBACK_DIR=$T/store
export DIGITS_MAX_BODY FEEDBACK_DIR
sock=$T/d.sock
digits-cgi --listen "$sock" --workers 2 2> "$T/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -rf -- "$T"' EXIT
i=0
until [ -S "$sock" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ]; ok $? "--listen: the socket is there"
client() { perl "$top/test/web/fcgi-client.pl" "$sock" "$@" > "$T/c" 2>&1; }

client values
grep -qx 'value FCGI_MAX_CONNS=1' "$T/c" && grep -qx 'value FCGI_MPXS_CONNS=0' "$T/c" &&
    grep -qx 'type 10' "$T/c"
ok $? "GET_VALUES: one request per connection, no multiplexing"
grep -q NOT_A_NAME "$T/c"; ok $(( ! $? )) "... an unknown name left out"
client keep
is "$(grep -c '^answer [123] status 200 protocol 0 body {"status":"ok"' "$T/c")" 3 \
   "three requests on one kept connection: three answers"
client mpx
grep -qx 'answer 2 status none protocol 1 body ' "$T/c"; ok $? "a second request id at once: CANT_MPX_CONN"
grep -q '^answer 1 status 200 ' "$T/c"; ok $? "... and the first still answered"
client unknown
grep -qx 'type 11 id 0 of 99' "$T/c"; ok $? "an unknown management type: UNKNOWN_TYPE"
grep -q '^answer 1 status 200 ' "$T/c"; ok $? "... and the connection goes on"
client role
grep -qx 'answer 1 status none protocol 3 body ' "$T/c"; ok $? "the authorizer role: UNKNOWN_ROLE"
client garbage
grep -qx 'closed' "$T/c"; ok $? "FastCGI version 2: the connection is closed"
grep -q 'FastCGI version 2' "$T/log"; ok $? "... and the log says why"
client big
grep -q '^answer 1 status 413 ' "$T/c"; ok $? "a body over the limit: 413"
grep -q '^answer 2 status 200 ' "$T/c"; ok $? "... and the kept connection still answers"
client abort
grep -q '^answer 1 status none protocol 0' "$T/c"; ok $? "ABORT_REQUEST: ended"
grep -q '^answer 2 status 200 ' "$T/c"; ok $? "... and the next request is answered"
idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/seven.pgm"
client predict "$T/seven.pgm"
grep -q '^answer 1 status 200 protocol 0 body {"prediction":7,' "$T/c"; ok $? "/predict over FastCGI: a 7"

# A worker that dies is replaced.
workers=$(pgrep -P "$pid" | wc -l | tr -d ' ')
is "$workers" 2 "--workers 2: two worker processes"
victim=$(pgrep -P "$pid" | head -n 1)
kill -KILL "$victim"
i=0
while [ $i -lt 100 ]; do
    [ "$(pgrep -P "$pid" | grep -vx "$victim" | wc -l | tr -d ' ')" = 2 ] && break
    sleep 0.1
    i=$((i + 1))
done
is "$(pgrep -P "$pid" | grep -vx "$victim" | wc -l | tr -d ' ')" 2 "a killed worker is replaced"
client keep
is "$(grep -c '^answer [123] status 200' "$T/c")" 3 "... and the server answers"

run digits-cgi --listen "$sock"
fails_with 1 'another server is listening' "a second server on a live socket: exit 1"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM: exit 0"
[ ! -e "$sock" ]; ok $? "... the socket file removed"
is "$(pgrep -f "digits-cgi --listen $sock" | wc -l | tr -d ' ')" 0 "... no worker left"

# A stale socket file (its server was killed) is replaced.
digits-cgi --listen "$sock" --workers 1 2> "$T/log" &
pid=$!
i=0
until [ -S "$sock" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
i=0
while pgrep -f "digits-cgi --listen $sock" > /dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
is "$(pgrep -f "digits-cgi --listen $sock" | wc -l | tr -d ' ')" 0 \
   "SIGKILL to the server: its orphaned worker stops itself"
[ -S "$sock" ]; ok $? "... and the socket file is left"
digits-cgi --listen "$sock" --workers 1 2> "$T/log" &
pid=$!
i=0
until client keep && grep -q '^answer 3 status 200' "$T/c"; do
    [ $i -lt 100 ] || break
    sleep 0.1
    i=$((i + 1))
done
grep -q '^answer 3 status 200' "$T/c"; ok $? "a new server replaces the stale socket and answers"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "--workers 1, SIGTERM: exit 0"
[ ! -e "$sock" ]; ok $? "... the socket file removed"

done_testing
