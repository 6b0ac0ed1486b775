# api.sh - the HTTP tests of the page and the API, run against any
# server: source it after lib.sh and a start_* call that set $base (the
# API's root URL) and $page (the page's URL), with FEEDBACK_DIR=$S.

mnist=$top/data/mnist/t10k-images-idx3-ubyte
idx2pgm --count 1 "$mnist" > "$T/seven.pgm"              # test image 0: a 7
"$top/build/test/mkimage" photo --canvas 300 5 < "$T/seven.pgm" > "$T/photo.pgm"
pnmtopng < "$T/photo.pgm" > "$T/photo.png"
pnmtojpeg < "$T/photo.pgm" > "$T/photo.jpg" 2>/dev/null
pgmtoppm white < "$T/photo.pgm" > "$T/photo.ppm"
pamscale 8 "$T/seven.pgm" | pgmtopbm -threshold > "$T/photo.pbm"
"$top/build/test/mkimage" shape rect 60 60 0 0 1 light > "$T/blank.pgm"
printf 'P5\n28 28\n255\n' > "$T/garbage.pgm"
head -c 100 /dev/urandom >> "$T/garbage.pgm"

# req METHOD PATH [CURL-ARGS...]: $code, headers in $T/hdr, body in $T/body.
req() {
    m=$1 p=$2
    shift 2
    code=$(curl -s -X "$m" -D "$T/hdr" -o "$T/body" -w '%{http_code}' \
           "$@" "$base$p") || code=000
}
# post PATH FILE TYPE: POST the file's bytes.
post() {
    req POST "$1" --data-binary "@$2" -H "Content-Type: $3"
}
# status_is CODE DESCRIPTION: the last answer's status, and JSON with it.
status_is() {
    if [ "$code" = "$1" ]; then ok 0 "$2"; else
        diag "status $code, body: $(head -c 300 "$T/body")"; ok 1 "$2"; fi
}
error_has() {
    grep -q "^{\"error\":\".*$1" "$T/body"; ok $? "... says: $1"
}
records() { feedback-log --store "$S" --list 2>/dev/null | wc -l | tr -d ' '; }
pgm=image/x-portable-graymap

# ---- the page ----
code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$page")
status_is 200 "GET the page"
grep -qi '^content-type: text/html' "$T/hdr"; ok $? "... as HTML"
grep -q '<canvas id="pad"' "$T/body"; ok $? "... with the drawing canvas"
grep -Eq '(src|href)="(https?:)?//' "$T/body"; ok $(( ! $? )) "... and no external assets"

# ---- /ping ----
req GET /ping
status_is 200 "GET /ping"
is "$(cat "$T/body")" "$(cnn-infer --model "${DIGITS_MODEL:-$top/models/mnist.model}" --check --json)" \
   "... answers {\"status\":\"ok\",\"model\":ID} for the served model"
grep -qi '^access-control-allow-origin: \*' "$T/hdr"; ok $? "... with the CORS header"

# ---- /predict ----
post /predict "$T/seven.pgm" $pgm
status_is 200 "POST /predict a 28x28 PGM"
preproc < "$T/seven.pgm" | cnn-infer --model "${DIGITS_MODEL:-$top/models/mnist.model}" \
    --json --echo-input > "$T/want"
cmp -s "$T/body" "$T/want"; ok $? "... the same answer as preproc | cnn-infer --json --echo-input"
grep -q '^{"prediction":7,' "$T/body"; ok $? "... a 7"
sed 's/.*"input":"\([^"]*\)".*/\1/' "$T/body" | base64 -d > "$T/input"
preproc < "$T/seven.pgm" | tail -c 784 | cmp -s - "$T/input"
ok $? "... and input is the 28x28 the model saw, base64"
awk -F'[][]' '{ n = split($2, p, ","); s = 0; for (i = 1; i <= n; i++) s += p[i]
     exit !(n == 10 && s > 0.999 && s < 1.001) }' "$T/body"
ok $? "... ten probabilities summing to 1"
for f in png:image/png jpg:image/jpeg ppm:image/x-portable-pixmap \
         pbm:image/x-portable-bitmap; do
    post /predict "$T/photo.${f%%:*}" "${f#*:}"
    status_is 200 "POST /predict a photo as ${f#*:}"
    grep -q '^{"prediction":7,' "$T/body"; ok $? "... a 7"
done
post /predict "$T/photo.png" application/octet-stream
grep -q '^{"prediction":7,' "$T/body"; ok $? "a PNG sent as octet-stream: recognised by its bytes"
post /predict "$T/photo.png" text/plain
status_is 415 "a body that is text/plain: 415"
error_has "unsupported media type"
printf 'hello' > "$T/hello"
post /predict "$T/hello" application/octet-stream
status_is 415 "bytes that are no image: 415"
post /predict "$T/garbage.pgm" $pgm
status_is 400 "a broken PGM: 400"
error_has "image 1: "
post /predict "$T/photo.png" $pgm
status_is 400 "a PNG labelled PGM: 400 with preproc's message"
post /predict "$T/blank.pgm" $pgm
status_is 422 "a blank image: 422"
error_has "no digit found"
head -c 500000 /dev/zero > "$T/big"
post /predict "$T/big" $pgm
status_is 413 "a body over the limit: 413"
: > "$T/empty"
post /predict "$T/empty" $pgm
[ "$code" = 400 ] || [ "$code" = 411 ]; ok $? "an empty body: 400 or 411 ($code)"
st=$(perl "$top/test/web/short-body.pl" "$base/predict" "$T/seven.pgm" 2000)
case $st in 2*) ok 1 "a body shorter than Content-Length is refused ($st)" ;;
            *) ok 0 "a body shorter than Content-Length is refused (${st:-closed})" ;; esac

# ---- methods, CORS, paths ----
req GET /predict
status_is 405 "GET /predict: 405"
grep -qi '^allow: POST' "$T/hdr"; ok $? "... with Allow: POST"
req POST /ping -d x
status_is 405 "POST /ping: 405"
req DELETE /corrections
status_is 405 "DELETE /corrections: 405"
req OPTIONS /predict -H 'Origin: http://example.test' \
    -H 'Access-Control-Request-Method: POST'
status_is 204 "OPTIONS /predict: the CORS preflight, 204"
grep -qi '^access-control-allow-methods: .*POST' "$T/hdr"; ok $? "... allows POST"
grep -qi '^access-control-allow-headers: .*content-type' "$T/hdr"; ok $? "... and Content-Type"
grep -qi '^access-control-allow-origin: \*' "$T/hdr"; ok $? "... from any origin"
req GET /nothing-here
status_is 404 "an unknown path: 404"

# ---- /corrections ----
n0=$(records)
post '/corrections?label=3&predicted=7' "$T/seven.pgm" $pgm
status_is 200 "POST /corrections?label=3&predicted=7"
grep -q '^{"id":"[0-9a-f]\{16\}","duplicate":false}$' "$T/body"; ok $? "... answers the new record's id"
id=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$T/body")
feedback-log --store "$S" --list | grep "^$id" | cut -f 3,4,7 > "$T/rec"
is "$(cat "$T/rec")" "$(printf '3\t7\tweb')" "... stored with label 3, predicted 7, source web"
post '/corrections?label=3&predicted=7' "$T/seven.pgm" $pgm
grep -q "^{\"id\":\"$id\",\"duplicate\":true}$" "$T/body"; ok $? "the same again: stored once, says so"
post '/corrections?predicted=7&label=7&model=2f5a69a2f581' "$T/photo.png" image/png
status_is 200 "a PNG correction with a model id"
post '/corrections?label=-&predicted=7' "$T/photo.pbm" image/x-portable-bitmap
status_is 200 "POST /corrections?label=-: a picture of no digit"
id2=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$T/body")
feedback-log --store "$S" --list | grep "^$id2" | cut -f 3,4 > "$T/rec2"
is "$(cat "$T/rec2")" "$(printf -- '-\t7')" "... stored with label -, predicted 7"
post '/corrections?label=-' "$T/photo.pbm" image/x-portable-bitmap
grep -q "^{\"id\":\"$id2\"" "$T/body" && grep -q '"duplicate":true' "$T/body"
ok $? "... the same again: the same record"
n1=$(records)
bad=0
for q in 'label=7;id' 'label=$(id)' 'label=%24%28id%29' 'label=%0a' \
         "label=$(awk 'BEGIN { while (i++ < 10000) printf "7" }')" \
         'label=' 'predicted=7' 'label=77' 'label=7&predicted=x' \
         'label=7&model=../../etc' 'label=`id`'; do
    post "/corrections?$q" "$T/seven.pgm" $pgm
    # The CGI answers 400 with a JSON error; a server may refuse first
    # (lighttpd: 400 for an encoded newline and 431 for a 10 kB query,
    # busybox: 400 for the 10 kB query).
    case $code in
    400 | 414 | 431) ;;
    *) bad=$((bad + 1)); diag "query $(printf '%s' "$q" | cut -c 1-40): $code" ;;
    esac
done
is "$bad" 0 "11 hostile or incomplete query strings: each refused (400, or the server's 414/431)"
post '/corrections?label=5' "$T/blank.pgm" $pgm
status_is 422 "a blank correction: 422"
is "$(records)" "$n1" "... and none of them stored anything"
is "$n1" $((n0 + 3)) "the store holds exactly the accepted records"

# ---- writes only from our own origin, through this server ----
own=$(printf '%s' "$base" | sed 's|^\(https*://[^/]*\).*|\1|')
n2=$(records)
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H "Content-Type: $pgm" \
    -H 'Origin: http://evil.example'
status_is 403 "/corrections with a foreign Origin: 403"
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H 'Content-Type:' \
    -H 'Referer: http://evil.example/x.html'
status_is 403 "... no Origin, a foreign Referer: 403"
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H 'Content-Type:'
status_is 403 "... no Origin or Referer, no Content-Type (a simple request): 403"
post '/corrections?label=4' "$T/seven.pgm" text/plain
status_is 403 "... text/plain: 403"
req OPTIONS /corrections -H 'Origin: http://evil.example' \
    -H 'Access-Control-Request-Method: POST'
status_is 403 "... the preflight from a foreign Origin: 403"
is "$(records)" "$n2" "... none of them stored"
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H "Content-Type: $pgm" \
    -H "Origin: $own"
status_is 200 "our own Origin ($own): 200"
grep -qi "^access-control-allow-origin: $own" "$T/hdr"; ok $? "... naming it in the CORS header"
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H 'Content-Type:' \
    -H "Referer: $own/"
status_is 200 "... no Origin, our own Referer: 200"
req POST '/corrections?label=4' --data-binary "@$T/seven.pgm" -H 'Content-Type:' \
    -H 'X-Requested-With: curl'
status_is 200 "... no Origin, X-Requested-With: 200"
is "$(records)" $((n2 + 1)) "... the same record, stored once"
n1=$((n1 + 1))

# ---- 8 concurrent writers ----
pids=
for w in 1 2 3 4 5 6 7 8; do
    (
        i=0
        while [ $i -lt 10 ]; do
            idx2pgm --first $((100 + w * 10 + i)) --count 1 "$mnist" > "$T/w$w.pgm"
            c=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$T/w$w.pgm" \
                -H "Content-Type: $pgm" "$base/corrections?label=$((i % 10))")
            [ "$c" = 200 ] || echo "$c" >> "$T/writer-failures"
            i=$((i + 1))
        done
    ) &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
is "$(cat "$T/writer-failures" 2>/dev/null | wc -l | tr -d ' ')" 0 \
   "8 concurrent /corrections writers x 10: every request answered 200"
is "$(records)" $((n1 + 80)) "... and the store holds all 80 new records"

# ---- forms, curl's defaults, HEAD, 415s (issue 13) ----
# form FIELD FILE[;type=T] PATH [CURL-ARGS...]: POST a multipart form.
form() {
    f=$1 v=$2 p=$3
    shift 3
    req POST "$p" -F "$f=@$v" "$@"
}
form image "$T/photo.png" /predict
status_is 200 "POST /predict a form (curl -F image=@photo.png)"
grep -q '^{"prediction":7,' "$T/body"; ok $? "... a 7"
form file "$T/seven.pgm;type=$pgm" /predict
grep -q '^{"prediction":7,' "$T/body"; ok $? "a form with the field file, a PGM: a 7"
form image "$T/photo.png;filename=../../../etc/x.png" /predict
grep -q '^{"prediction":7,' "$T/body"; ok $? "a form whose file name is a path: the name is ignored, a 7"
form picture "$T/photo.png" /predict
status_is 400 "a form with no field image or file: 400"
error_has "no field named image or file"
form image "$T/photo.png" /predict -F label=7
status_is 400 "a form of two parts: 400"
error_has "more than one part"
form image "$T/hello" /predict
status_is 415 "a form whose file is no image: 415"
error_has "not an image: the bytes sent as application/octet-stream"
n2=$(records)
# A form is a "simple" request any site could send: a script says who
# it is with X-Requested-With (README, "Security").
form image "$T/photo.png" '/corrections?label=2&predicted=7' -H 'X-Requested-With: curl'
status_is 200 "POST /corrections a form"
is "$(records)" $((n2 + 1)) "... stored"
req POST /predict --data-binary "@$T/photo.png"
status_is 200 "curl --data-binary with curl's default Content-Type: read by the bytes"
grep -q '^{"prediction":7,' "$T/body"; ok $? "... a 7"
post /predict "$T/photo.png" text/plain
grep -q 'text/plain' "$T/body" && grep -q 'image/png' "$T/body" &&
    grep -q 'multipart/form-data' "$T/body"
ok $? "a 415 names the Content-Type it got and those it accepts"
post /predict "$T/hello" application/octet-stream
grep -q 'application/octet-stream.*accepted: .*image/png' "$T/body"
ok $? "... so does the 415 for bytes that are no image"
for p in "$page" "$base/ping"; do
    code=$(curl -s -I -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$p")
    [ "$code" = 200 ] && ! grep -q 'canvas\|"status"' "$T/body" &&
        grep -qi '^content-type: \(text/html\|application/json\)' "$T/hdr"
    ok $? "HEAD ${p#"$base"}: 200 ($code), GET's headers, no body"
done
req HEAD /predict
grep -qi '^allow: POST' "$T/hdr" && [ "$code" = 405 ]; ok $? "HEAD /predict: 405, as GET"

# A browser's form post (Accept names text/html): an HTML result page.
form image "$T/photo.png" /predict -H 'Accept: text/html,*/*;q=0.8'
grep -qi '^content-type: text/html' "$T/hdr" && grep -q '<p class="answer" id="answer">7</p>' "$T/body"
ok $? "a form post from a browser: an HTML page that says 7"
grep -q 'formaction="corrections?label=7&amp;predicted=7' "$T/body"; ok $? "... with a Correct button"
grep -c '<li' "$T/body" | grep -qx 10; ok $? "... and ten bars"
sed -n 's/.*name="image" value="\([^"]*\)".*/\1/p' "$T/body" > "$T/plain.pgm"
n3=$(records)
# ... from the page's own origin, as a browser says it.
origin=$(printf '%s' "$base" | sed -E 's|^(https?://[^/]+).*|\1|')
form image "$T/plain.pgm" '/corrections?label=1&predicted=7' -H 'Accept: text/html' \
    -H "Origin: $origin"
grep -q 'Thanks: saved as a 1' "$T/body"; ok $? "its verdict form, posted: an HTML thanks"
is "$(records)" $((n3 + 1)) "... and stored"
form image "$T/blank.pgm" /predict -H 'Accept: text/html'
[ "$code" = 422 ] && grep -q '<p class="bad" role="alert">no digit found' "$T/body"
ok $? "a form post of no digit: 422, the reason on an HTML page"
