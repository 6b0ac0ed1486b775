#!/bin/sh
# More than one web host (README, "More than one web host"): two
# servers, each with its own port and its own folder holding its model,
# as two machines behind a load balancer would be, sharing one feedback
# store. Corrections through both at once, the same ones through both,
# and a writer with another host's process id lose nothing and store
# nothing twice; one retrain on host A promotes a model while both take
# more corrections; scripts/push-model copies it to host B, whose
# running FastCGI responders serve it from the next request on.
. "$(dirname "$0")/../lib.sh"

S=$T/store
FEEDBACK_DIR=$S DIGITS_WRITES_PER_MINUTE=0
export FEEDBACK_DIR DIGITS_WRITES_PER_MINUTE
pgm=image/x-portable-graymap
for h in a b; do
    mkdir -p "$T/$h/models"
    cp "$top/models/mnist.model" "$T/$h/models/mnist.model"
    DIGITS_MODEL=$T/$h/models/mnist.model
    export DIGITS_MODEL
    start_lighttpd fastcgi "$h" ||
        { echo "Bail out! lighttpd $h did not start: $(cat "$T/$h.log")"; exit 1; }
    eval "base_$h=\$base"
done
old=$(cnn-infer --model "$T/a/models/mnist.model" --check)
old=${old#ok }
# ping_ids HOST: the model /ping names, four times (twice per worker).
ping_ids() {
    for i in 1 2 3 4; do
        curl -s "$1/ping" | sed -n 's/.*"model":"\([0-9a-f]*\)".*/\1/p'
    done | sort | uniq -c | awk '{ printf "%s%sx%s", s, $1, $2; s = " " }'
}
is "$(ping_ids "$base_a")" "4x$old" "host A ($base_a) serves $old"
is "$(ping_ids "$base_b")" "4x$old" "host B ($base_b) serves $old"

# A user whose digits the model reads badly (test/tools/userdigits.c):
# 100 drawings, then 20 more for later.
"$top/build/test/userdigits" 1 120 | preproc > "$T/user.pgm"
pnmsplit "$T/user.pgm" "$T/u-%d.pgm" 2> /dev/null
# send_all HOST FIRST LAST: POST /corrections of drawings FIRST to LAST
# through HOST, five at a time; the status codes on stdout, drawing N's
# answer in $T/r-N-PORT.
send_all() {
    seq "$2" "$3" | awk '{ print $1, $1 % 10 }' |
    xargs -P 5 -L 1 sh -c 'curl -s -o "$0/r-$3-${1##*:}" -w "%{http_code}\n" \
        --data-binary "@$0/u-$3.pgm" -H "Content-Type: image/x-portable-graymap" \
        "$1/corrections?label=$4&model=$2"' "$T" "$1" "$old"
}
records() { feedback-log --list 2> /dev/null | wc -l | tr -d ' '; }
answers() { cat "$@" | sort | uniq -c | awk '{ printf "%s%sx%s", s, $1, $2; s = " " }'; }

# 50 through each host, both at once, ten requests in flight.
send_all "$base_a" 0 49 > "$T/codes-a" &
ja=$!
send_all "$base_b" 50 99 > "$T/codes-b" &
wait "$ja" $!
is "$(answers "$T/codes-a" "$T/codes-b")" "100x200" "100 corrections, 50 through each host at once: all 200"
is "$(records)" 100 "... 100 records in the shared store"
is "$(feedback-log --list | cut -f 1 | sort -u | wc -l | tr -d ' ')" 100 "... each once"
sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p' "$T"/r-* | sort > "$T/sent-ids"
feedback-log --list | cut -f 1 | sort > "$T/stored-ids"
cmp -s "$T/sent-ids" "$T/stored-ids"; ok $? "... the ids the hosts answered are the ids stored"
feedback-log --export --labels-out "$T/all.labels" > "$T/all.pgm"
is "$(($(wc -c < "$T/all.pgm") / 797)):$(wc -l < "$T/all.labels" | tr -d ' ')" 100:100 \
    "... each with its 28x28 image"

# The first ten again, through the other host, and the next ten through
# both at once: stored once each, the later answer a duplicate.
send_all "$base_b" 0 9 > "$T/codes-a" &
ja=$!
send_all "$base_a" 100 109 > "$T/codes-b" &
jb=$!
send_all "$base_b" 100 109 > "$T/codes-c" &
wait "$ja" "$jb" $!
is "$(answers "$T/codes-a" "$T/codes-b" "$T/codes-c")" "30x200" \
    "the same drawings again through the other host, and ten through both at once: all 200"
dups=$(cat "$T"/r-[0-9]-"${base_b##*:}" | grep -c '"duplicate":true')
is "$dups" 10 "... the ten again: duplicates"
dups=$(cat "$T"/r-10[0-9]-* | grep -c '"duplicate":true')
is "$dups" 10 "... the ten through both: stored by one host, a duplicate to the other"
is "$(records)" 110 "... 110 records, none twice"

# A writer on a host of the same name, with the same process id, is
# writing the same record at the same time: its temporary image is
# there. Another host's file must be neither taken nor truncated
# (names of the old scheme, .tmp-ID-PID, and of this one).
mkdir "$T/probe"
id=$(feedback-log --store "$T/probe" --label 1 < "$T/u-111.pgm")
host=$(uname -n | tr -c 'A-Za-z0-9.\n-' '_' | cut -c 1-64)
sh -c 'printf partial > "$1/images/.tmp-$2-$$"
       printf partial > "$1/images/.tmp-$2-$3-$$-0"
       exec feedback-log --store "$1" --label 1 < "$4"' \
    sh "$S" "$id" "$host" "$T/u-111.pgm" > "$T/out" 2> "$T/err"
ok $? "a writer whose temporary file's name another host's writer holds: exit 0"
is "$(cat "$S"/images/.tmp-"$id"-* | tr -d '\n')" partialpartial \
    "... the other host's files untouched"
cmp -s "$S/images/$id.pgm" "$T/probe/images/$id.pgm"
ok $? "... and the record's image is whole"
is "$(records)" 111 "... 111 records"

# Retrain on host A alone, while both hosts take more corrections.
send_all "$base_a" 112 115 > "$T/codes-a" &
ja=$!
send_all "$base_b" 116 119 > "$T/codes-b" &
jb=$!
start=$(date +%s)
run "$top/scripts/retrain" --model "$T/a/models/mnist.model" --min-new 50 \
    --mnist-images 5000 --threads 2
wait "$ja" "$jb"
ok "$rc" "retrain on host A: exit 0 ($(($(date +%s) - start)) s)"
diag "$(cat "$T/out" "$T/err")"
new=$(cnn-infer --model "$T/a/models/mnist.model" --check)
new=${new#ok }
grep -q ' decision promote ' "$T/out" && [ "$new" != "$old" ]
ok $? "... the candidate was promoted: $new"
is "$(answers "$T/codes-a" "$T/codes-b")" "8x200" "8 corrections through both hosts during the retrain: all 200"
is "$(records)" 119 "... 119 records in the store, nothing lost"
ls "$S"/images/.tmp-* 2> /dev/null | wc -l > "$T/n"
is "$(cat "$T/n" | tr -d ' ')" 2 "... and retrain left the other host's fresh temporary files alone"
is "$(ping_ids "$base_a")" "4x$new" "host A serves the promoted model"
is "$(ping_ids "$base_b")" "4x$old" "host B still serves the old one"

# Pushed to host B by copy-then-rename: served without a restart.
run "$top/scripts/push-model" --model "$T/a/models/mnist.model" \
    "$T/b/models/mnist.model"
ok "$rc" "push-model to host B: exit 0"
is "$(cat "$T/out")" "$T/b/models/mnist.model $new" "... saying what it put where"
ls -a "$T/b/models" | grep -c '^\.push-' > "$T/n"
is "$(cat "$T/n")" 0 "... and leaving no temporary file"
is "$(ping_ids "$base_b")" "4x$new" "host B serves the promoted model, with no restart"
code=$(curl -s -o "$T/p" -w '%{http_code}' --data-binary "@$T/u-3.pgm" \
       -H "Content-Type: $pgm" "$base_b/predict")
grep -q "\"model\":\"$new\"}\$" "$T/p"
ok $? "... and /predict on host B answers with it ($code)"
run "$top/scripts/push-model" --model "$T/a/models/mnist.model" \
    "$T/b/models/mnist.model"
is "$rc:$(cat "$T/out")" 0: "pushed again: nothing to do, nothing said"

# Two pushes back to back, the second landing on the inode of the model
# host B loaded (ext4 reuses it), with its size and its mtime (copied
# with cp -p or rsync -t): noticed all the same.
cp "$T/a/models/mnist.model" "$T/new.model"
cp "$top/models/mnist.model" "$T/old.model"
touch -r "$T/b/models/mnist.model" "$T/new.model" "$T/old.model"
inodes=$(ls -i "$T/b/models/mnist.model" | cut -d ' ' -f 1)
for m in "$T/new.model" "$T/old.model"; do
    cp -p "$m" "$T/b/models/.x" && mv "$T/b/models/.x" "$T/b/models/mnist.model"
    inodes="$inodes $(ls -i "$T/b/models/mnist.model" | cut -d ' ' -f 1)"
done
diag "inodes of host B's model: $inodes"
is "$(ping_ids "$base_b")" "4x$old" "two models renamed into place back to back: host B serves the last"

done_testing
