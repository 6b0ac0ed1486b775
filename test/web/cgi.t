#!/bin/sh
# digits-cgi as a CGI program, run directly with the variables a server
# sets: how it reads the body (exactly CONTENT_LENGTH bytes, checked
# before reading), how each kind of failure maps to a status, and that
# its answer is the pipeline's: preproc | cnn-infer --json --echo-input.
. "$(dirname "$0")/../lib.sh"

pgm=image/x-portable-graymap
model=$top/models/mnist.model
# cgi BODYFILE VAR=VALUE...: runs the program; answer in $T/out, its
# status code in $code, its log in $T/err.
cgi() {
    f=$1
    shift
    env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 FEEDBACK_DIR="$T/store" \
        DIGITS_HOME="$top" "$@" "$top/bin/digits-cgi" < "$f" > "$T/out" 2> "$T/err"
    rc=$?
    code=$(sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$T/out")
}
body() { sed '1,/^\r$/d' "$T/out"; }
post() { cgi "$1" REQUEST_METHOD=POST PATH_INFO=/predict CONTENT_TYPE="$2" \
             CONTENT_LENGTH="${3:-$(wc -c < "$1")}"; }

idx2pgm --count 1 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/one"
"$top/build/test/mkimage" photo --canvas 300 3 < "$T/one" > "$T/photo"
n=$(wc -c < "$T/photo")

post "$T/photo" $pgm
is "$rc:$code" "0:200" "POST /predict a photo: 200"
preproc < "$T/photo" | cnn-infer --model "$model" --json --echo-input > "$T/pipe"
body | cmp -s - "$T/pipe"; ok $? "... the same bytes as preproc | cnn-infer --json --echo-input"
grep -q '^Access-Control-Allow-Origin: \*' "$T/out"; ok $? "... with the CORS header"
{ cat "$T/photo"; printf '\n\n'; } > "$T/nl"
post "$T/nl" $pgm
is "$code" 200 "an image followed by blank lines: 200"
# Not a digit: pictures of none answered as such, with a 200.
nondigits --count 3 --seed 4242 --kinds letters,dots,noise > "$T/nd.pgm"
pamsplit "$T/nd.pgm" "$T/nd-%d.pgm" 2> /dev/null
i=0
for kind in letter dot noise; do
    post "$T/nd-$i.pgm" $pgm
    is "$code" 200 "a $kind: 200"
    # One picture of no digit; or of several pieces, each no digit, as a
    # number refused whole.
    body | grep -Eq '^\{("prediction":null|"number":null),"confidence":[01]\.[0-9]*,"not_a_digit":true,"best_guess":("[0-9]+"|[0-9]),'
    ok $? "... not a digit, with the best guess"
    i=$((i + 1))
done
# A number: "number" and each digit's answer, as cnn-infer --groups.
idx2pgm --count 300 "$top/data/mnist/t10k-images-idx3-ubyte" > "$T/d300"
idx2pgm --count 300 "$top/data/mnist/t10k-labels-idx1-ubyte" > "$T/l300"
"$top/build/test/mkimage" number --apart 12 1 3 3 "$T/l300" "$T/truth" < "$T/d300" > "$T/number"
post "$T/number" $pgm
is "$code" 200 "a picture of a number: 200"
preproc --split --groups "$T/groups" < "$T/number" > "$T/cand"
cnn-infer --model "$model" --groups "$T/groups" --json --echo-input "$T/cand" > "$T/npipe"
body | cmp -s - "$T/npipe"; ok $? "... the same bytes as preproc --split | cnn-infer --groups --json"
body | grep -q "^{\"number\":\"$(cat "$T/truth")\","; ok $? "... reading $(cat "$T/truth")"
post "$T/photo" $pgm $((n + 1))
is "$code" 400 "a body shorter than announced: 400"
body | grep -q "\"the body is $n bytes, not the $((n + 1)) announced\""; ok $? "... saying so"
cat "$T/photo" "$T/photo" > "$T/two"
post "$T/two" $pgm
is "$code" 400 "two images in one body: 400"
body | grep -q 'more than one image'; ok $? "... saying so"
"$top/build/test/mkimage" shape rect 50 50 0 0 1 light > "$T/blank"
post "$T/blank" $pgm
is "$code" 422 "no ink: 422"
body | grep -q '^{"error":"no digit found'; ok $? "... no digit found"
printf 'P5\n28 28\n255\n"\\' > "$T/short"
post "$T/short" $pgm
is "$code" 400 "a truncated image: 400"
body | grep -q '^{"error":"image 1: '; ok $? "... naming the image"
printf 'P5\n30000 30000\n255\n' > "$T/huge"
post "$T/huge" $pgm
is "$code" 413 "a PGM header of 900 megapixels: 413 before any pixel is read"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\1\206\240\0\1\206\240\10\0\0\0\0' > "$T/huge.png"
post "$T/huge.png" image/png
is "$code" 413 "a PNG header of 100000x100000: 413, the converter never started"
printf '\377\330\377\376\000\004ab' > "$T/nosize.jpg"
head -c 2000 /dev/urandom >> "$T/nosize.jpg"
post "$T/nosize.jpg" image/jpeg
is "$code" 400 "a JPEG with no frame header: 400, not handed to the decoder"
body | grep -q 'no image size found'; ok $? "... saying so"
printf '\377\330\377\377\377\320\377\300\000\021\010\377\377\377\377\003' > "$T/huge.jpg"
post "$T/huge.jpg" image/jpeg
is "$code" 413 "a JPEG of 65535x65535 behind fill bytes and a marker: 413"
head -c 60 /dev/urandom > "$T/noise.png"
post "$T/noise.png" image/png
is "$code" 400 "a PNG that is noise: 400"
body | grep -q '^{"error":"PNG: '; ok $? "... with the converter's reason"
post "$T/photo" $pgm 12x
is "$code" 411 "CONTENT_LENGTH not a number: 411"
post "$T/photo" $pgm 99999999999999999999999
is "$code" 413 "CONTENT_LENGTH of 23 digits: 413"
# Over the limit: answered without reading stdin, which never ends here.
mkfifo "$T/fifo"
sleep 30 > "$T/fifo" &
writer=$!
post "$T/fifo" $pgm 9000000
kill "$writer" 2>/dev/null
is "$code" 413 "a body over DIGITS_MAX_BODY: 413, before reading it"
post "$T/photo" text/plain
is "$code" 415 "text/plain: 415"
cgi "$T/photo" REQUEST_METHOD=POST PATH_INFO=/predict CONTENT_LENGTH=$n \
    CONTENT_TYPE='text/<script>x</script>' HTTP_ACCEPT=text/html
[ "$code" = 415 ] && grep -q 'got Content-Type text/&lt;script&gt;x&lt;/script&gt;' "$T/out" &&
    ! grep -q '<script>' "$T/out"
ok $? "a 415 as a page (Accept: text/html): the type it got is escaped"
post "$T/photo" 'image/x-portable-graymap; charset=binary'
is "$code" 200 "a media type with a parameter: 200"
cgi "$T/photo" REQUEST_METHOD=POST PATH_INFO=/predict CONTENT_LENGTH=$n
is "$code" 200 "no Content-Type: recognised by its bytes"
cgi /dev/null REQUEST_METHOD=GET PATH_INFO=/ping \
    DIGITS_CORS_ORIGIN="$(printf 'http://a.test\r\nSet-Cookie: x=1')"
grep -q '^Set-Cookie' "$T/out"; ok $(( ! $? )) "an origin with a line break cannot add a header"
grep -q '^Access-Control-Allow-Origin: \*' "$T/out"; ok $? "... it falls back to *"
cgi /dev/null REQUEST_METHOD=GET PATH_INFO=/ping DIGITS_CORS_ORIGIN=https://digits.test
grep -q '^Access-Control-Allow-Origin: https://digits.test' "$T/out"; ok $? "DIGITS_CORS_ORIGIN sets the origin"
cgi /dev/null REQUEST_METHOD=GET
is "$code" 200 "no PATH_INFO: the page"
cgi /dev/null REQUEST_METHOD=HEAD PATH_INFO=/
is "$code:$(body | wc -c | tr -d ' ')" "200:0" "HEAD /: 200, the headers and no body"
grep -q '^Content-Type: text/html' "$T/out"; ok $? "... GET's headers"
cgi /dev/null REQUEST_METHOD=GET PATH_INFO=/predict
cp "$T/out" "$T/get-predict"
cgi /dev/null REQUEST_METHOD=POST PATH_INFO=/ping CONTENT_LENGTH=0
grep -q '^Allow: GET, HEAD, OPTIONS' "$T/out" && grep -q '^Allow: POST, OPTIONS' "$T/get-predict"
ok $? "a 405 allows GET, HEAD, OPTIONS on /ping, POST, OPTIONS on /predict"
cgi /dev/null REQUEST_METHOD=GET PATH_INFO=/ DIGITS_PAGE="$T/none.html"
is "$code" 500 "the page missing: 500"
grep -q 'none.html' "$T/err"; ok $? "... its path in the server's log, not the answer"
grep -q 'none.html' "$T/out"; ok $(( ! $? )) "... (the client does not see it)"
# Writes only from the page's own origin (or configured ones).
# corr TYPE VAR=VALUE...: POST /corrections?label=7 the photo, served as
# digits.test:8080.
corr() {
    ty=$1
    shift
    cgi "$T/photo" REQUEST_METHOD=POST PATH_INFO=/corrections QUERY_STRING=label=7 \
        CONTENT_LENGTH=$n CONTENT_TYPE="$ty" HTTP_HOST=digits.test:8080 "$@"
}
nrec() { feedback-log --store "$T/store" --list 2>/dev/null | wc -l | tr -d ' '; }
own=http://digits.test:8080
n0=$(nrec)
corr $pgm HTTP_ORIGIN=http://evil.example
is "$code" 403 "/corrections with a foreign Origin: 403"
body | grep -q '^{"error":"corrections are taken only from this site'; ok $? "... saying why"
grep -qi '^Access-Control-Allow-Origin' "$T/out"; ok $(( ! $? )) "... with no CORS header"
for o in null "$own.evil.example" "http://digits.test:8080@evil.example" \
         "https://digits.test:8080" "http://digits.test:8081" "http://digits.test" \
         "$own/" "$own x" "HTTP://DIGITS.TEST:8080x"; do
    corr $pgm HTTP_ORIGIN="$o"
    is "$code" 403 "... and with Origin '$o'"
done
corr $pgm HTTP_REFERER=http://evil.example/page.html
is "$code" 403 "no Origin, a foreign Referer: 403"
body | grep -q 'Referer is another site'; ok $? "... saying so"
corr $pgm HTTP_REFERER=http://digits.test:8080.evil.example/
is "$code" 403 "... a Referer whose host only starts with ours: 403"
corr '' 
is "$code" 403 "no Origin, no Referer, no Content-Type (a simple request): 403"
body | grep -q 'needs an image Content-Type or an X-Requested-With'; ok $? "... saying what it needs"
for ty in text/plain 'Text/Plain; charset=utf-8' application/x-www-form-urlencoded \
          'multipart/form-data; boundary=x'; do
    corr "$ty"
    is "$code" 403 "... and with the simple Content-Type '$ty'"
done
corr $pgm HTTP_ORIGIN=http://evil.example DIGITS_CORS_ORIGIN=http://good.example
is "$code" 403 "a foreign Origin while DIGITS_CORS_ORIGIN names another: 403"
is "$(nrec)" "$n0" "none of the refused requests stored anything"
corr $pgm HTTP_ORIGIN=$own
is "$code" 200 "Origin our own: 200"
grep -q "^Access-Control-Allow-Origin: $own" "$T/out"; ok $? "... the CORS header names it"
corr $pgm HTTP_ORIGIN=HTTP://Digits.Test:8080
is "$code" 200 "... in any case"
corr $pgm HTTP_ORIGIN=https://digits.test HTTP_HOST=digits.test HTTPS=on
is "$code" 200 "an https Origin on HTTPS, default port: 200"
corr $pgm HTTP_ORIGIN=https://digits.test:8080 REQUEST_SCHEME=https
is "$code" 200 "... and with REQUEST_SCHEME=https"
corr '' HTTP_REFERER=$own/index.html?x=1
is "$code" 200 "no Origin, our own Referer: 200"
corr '' HTTP_X_REQUESTED_WITH=curl
is "$code" 200 "no Origin or Referer, no Content-Type but X-Requested-With: 200"
corr $pgm
is "$code" 200 "no Origin or Referer, an image Content-Type (curl, scripts): 200"
corr $pgm HTTP_ORIGIN=http://good.example:81 \
    DIGITS_CORS_ORIGIN='http://other.example, http://good.example:81'
is "$code" 200 "an Origin DIGITS_CORS_ORIGIN lists: 200"
grep -q '^Access-Control-Allow-Origin: http://good.example:81' "$T/out"; ok $? "... the CORS header names it"
is "$(nrec)" $((n0 + 1)) "... all of them the same record (stored once)"
corr $pgm HTTP_ORIGIN=http://evil.example REQUEST_METHOD=OPTIONS
is "$code" 403 "the preflight of /corrections from a foreign Origin: 403"
grep -qi '^Access-Control-Allow' "$T/out"; ok $(( ! $? )) "... allowing nothing"
corr $pgm HTTP_ORIGIN=$own REQUEST_METHOD=OPTIONS
is "$code" 204 "... from our own: 204"
grep -qi '^Access-Control-Allow-Headers: .*X-Requested-With' "$T/out"; ok $? "... allowing X-Requested-With"
cgi /dev/null REQUEST_METHOD=OPTIONS PATH_INFO=/predict HTTP_ORIGIN=http://evil.example
is "$code" 204 "the preflight of /predict from anywhere: 204"
cgi "$T/photo" REQUEST_METHOD=POST PATH_INFO=/predict CONTENT_LENGTH=$n \
    HTTP_ORIGIN=http://evil.example HTTP_HOST=digits.test:8080
is "$code" 200 "/predict from a foreign Origin: 200 (it writes nothing)"

run "$top/bin/digits-cgi" --help
is "$rc" 0 "--help exits 0"
grep -q '^usage: digits-cgi' "$T/out"; ok $? "... and prints the usage"
printf 'precious\n' > "$T/regular"
run "$top/bin/digits-cgi" --listen "$T/regular"
[ "$rc" -ne 0 ] && [ "$(cat "$T/regular")" = precious ]
ok $? "--listen on a path that is a regular file: refused, the file untouched"
run "$top/bin/digits-cgi" --listen 'nowhere'
fails_with 1 'not a socket path' "--listen with a bad address: exit 1"
run "$top/bin/digits-cgi" --listen '127.0.0.1:99999'
fails_with 1 'not a socket path' "--listen with a bad port: exit 1"

done_testing
