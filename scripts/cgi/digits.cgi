#!/bin/sh
# digits.cgi - the web page and its API, as one CGI program for any web
# server (lighttpd, nginx + fcgiwrap, Apache, busybox httpd).
#
#   GET  /             the page (index.html beside this file)
#   GET  /ping         {"status":"ok","model":"ID"}
#   POST /predict      an image body -> prediction, confidence, ten
#                      probabilities, the 28x28 the model saw (base64)
#   POST /corrections  the same image body, ?label=D[&predicted=D][&model=HEX]
#                      -> {"id":"...","duplicate":false}, stored by feedback-log
#   OPTIONS *          the CORS preflight, 204
#
# Every process a request starts costs about a millisecond here, so the
# request path is lean: a PNM body goes straight from the server into
# `exec cnn-infer --preproc --body N --http` (one process that reads
# exactly CONTENT_LENGTH bytes holding one image, prepares it with
# preproc's code and writes the answer with its status) or into
# `preproc --body N | feedback-log`; only PNG and JPEG go through a
# private temporary directory and netpbm's converter. JSON answers come
# from the C programs; the shell writes only fixed error texts and
# messages of our programs filtered down to letters, digits and a little
# punctuation.
# User input never reaches a command as anything but stdin or a value
# that matched a pattern ([0-9], hex).
#
# Configuration, from the environment (for example in the server's
# config): DIGITS_HOME, the project folder (default: two folders up from
# this file); DIGITS_MODEL (default $DIGITS_HOME/models/mnist.model);
# FEEDBACK_DIR (default $DIGITS_HOME/feedback); DIGITS_CORS_ORIGIN
# (default *); DIGITS_MAX_BODY in bytes (default 8388608).
set -eu

here=${0%/*}
[ "$here" != "$0" ] || here=.
home=${DIGITS_HOME:-$here/../..}
model=${DIGITS_MODEL:-$home/models/mnist.model}
store=${FEEDBACK_DIR:-$home/feedback}
max_body=${DIGITS_MAX_BODY:-8388608}
origin=${DIGITS_CORS_ORIGIN:-*}
PATH=$home/bin:/usr/local/bin:/usr/bin:/bin
export PATH
case $origin in *[![:print:]]* | '') origin='*' ;; esac
case $max_body in '' | *[!0-9]*) max_body=8388608 ;; esac

# The fast path, first: a PNM image POSTed to /predict, with a sane
# length and a model in place, goes to cnn-infer before the shell has
# parsed the rest of this file (that alone costs half a millisecond).
# Anything else, including every error, takes the long way below.
if [ "${REQUEST_METHOD:-}" = POST ] && [ "${PATH_INFO:-}" = /predict ] &&
   [ -r "$model" ]; then
    case ${CONTENT_TYPE:-}:${CONTENT_LENGTH:-} in
    image/x-portable-*:[1-9]*[!0-9]*) ;;
    image/x-portable-*:[1-9]*)
        [ ${#CONTENT_LENGTH} -gt 10 ] || [ "$CONTENT_LENGTH" -gt "$max_body" ] ||
            exec cnn-infer --model "$model" --threads 1 --echo-input \
                --preproc --body "$CONTENT_LENGTH" --http "$origin" ;;
    esac
fi

# headers STATUS: the status line (first: busybox httpd reads it only
# there) and the headers every answer carries (as cnn-infer --http does).
headers() {
    printf 'Status: %s\r\n' "$1"
    printf 'Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n' "$origin"
    printf 'X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n'
}
# json STATUS BODY: a JSON answer; BODY is JSON made by a C program.
json() {
    headers "$1"
    printf 'Content-Type: application/json\r\n\r\n%s\n' "$2"
}
# fail STATUS MESSAGE: {"error": MESSAGE}; MESSAGE is filtered so that
# nothing in it can break out of the JSON string.
fail() {
    msg=$(printf '%s' "$2" | head -n 1 | tr -cd 'A-Za-z0-9 .,:;_()/+=-' |
          cut -c 1-300)
    json "$1" "{\"error\":\"$msg\"}"
    exit 0
}

# A failed C program's first message line, without the program name.
first_error() {
    printf '%s\n' "$1" | sed -n '1{s/^[a-z-]*: //;s/^stdin: //;p;}'
}

# body_kind: sets $kind to pnm, png or jpeg from Content-Type (with
# octet-stream or none, from the first bytes), or answers 415.
body_kind() {
    case ${CONTENT_TYPE:-} in
    image/png*) kind=png ;;
    image/jpeg* | image/jpg* | image/pjpeg*) kind=jpeg ;;
    image/x-portable-*) kind=pnm ;;
    '' | application/octet-stream*) kind=sniff ;;
    *) fail '415 Unsupported Media Type' \
           'unsupported media type: send PNG, JPEG or a PNM image (PGM, PPM, PBM)' ;;
    esac
}

check_length() {
    case ${CONTENT_LENGTH:-} in
    '' | *[!0-9]*) fail '411 Length Required' 'Content-Length is required' ;;
    esac
    [ ${#CONTENT_LENGTH} -le 10 ] && [ "$CONTENT_LENGTH" -le "$max_body" ] ||
        fail '413 Payload Too Large' "the body is over $max_body bytes"
    [ "$CONTENT_LENGTH" -gt 0 ] || fail '400 Bad Request' 'the body is empty'
}

# to_pnm: for PNG, JPEG or an unlabelled body, copies the body to a
# private temporary directory, checks its length, converts it there and
# sets $pnm (the file) and $pnm_len (its size).
to_pnm() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/digits-cgi.XXXXXX") ||
        fail '500 Internal Server Error' 'no temporary directory'
    trap 'rm -rf -- "$tmp"' EXIT
    trap 'exit 1' HUP INT TERM PIPE
    head -c "$CONTENT_LENGTH" > "$tmp/body"
    n=$(wc -c < "$tmp/body")
    [ "$n" -eq "$CONTENT_LENGTH" ] || fail '400 Bad Request' \
        "the body is $n bytes, shorter than the $CONTENT_LENGTH announced"
    if [ "$kind" = sniff ]; then
        case $(od -An -tx1 -N3 "$tmp/body" | tr -d ' \n') in
        89504e) kind=png ;;
        ffd8ff) kind=jpeg ;;
        50[34][1-7]*) kind=pnm ;;
        *) fail '415 Unsupported Media Type' \
               'not an image: send PNG, JPEG or a PNM image (PGM, PPM, PBM)' ;;
        esac
    fi
    case $kind in
    png) pngtopam -mix -background=white "$tmp/body" > "$tmp/img" 2> "$tmp/err" ||
             fail '400 Bad Request' "PNG: $(first_error "$(cat "$tmp/err")")" ;;
    jpeg) jpegtopnm "$tmp/body" > "$tmp/img" 2> "$tmp/err" ||
             fail '400 Bad Request' "JPEG: $(first_error "$(cat "$tmp/err")")" ;;
    pnm) mv -- "$tmp/body" "$tmp/img" ;;
    esac
    pnm=$tmp/img
    pnm_len=$(wc -c < "$pnm")
}

# answer_failure: maps a failed program's messages in $out to an answer:
# no ink 422, a bad image 400, anything else 500 (details to the log).
answer_failure() {
    case $out in
    *'no ink found'*) fail '422 Unprocessable Entity' \
        'no digit found: draw or upload a digit' ;;
    *': stdin: '* | *": $pnm: "*) fail '400 Bad Request' "$(first_error "$out")" ;;
    esac
    printf 'digits.cgi: %s\n' "$out" >&2        # to the server's log
    fail '500 Internal Server Error' 'internal error (see the server log)'
}

# classify: cnn-infer answers the request itself (--http: the status,
# Content-Type and the JSON, or 400/422/503 with {"error": ...}), one
# process: it runs preproc's code (see cnn-infer.c). The PNM fast path
# exec's it, so the shell does not even wait: each fork costs here.
classify() {
    if [ -z "${pnm:-}" ]; then
        exec cnn-infer --model "$model" --threads 1 --echo-input --preproc \
            --body "$CONTENT_LENGTH" --http "$origin"
    fi
    cnn-infer --model "$model" --threads 1 --echo-input --preproc \
        --body "$pnm_len" --http "$origin" < "$pnm" || true
    exit 0
}

# store: preproc | feedback-log for the body, the answer in $out.
store() {
    src=${pnm:-/dev/stdin}
    len=${pnm_len:-$CONTENT_LENGTH}
    out=$( { preproc --body "$len" < "$src" 2>&3 |
             feedback-log --store "$store" "$@" --source web --json 2>&3; } 3>&1 ) ||
        true
    case $out in '{'*) return 0 ;; esac
    case $out in preproc:*) ;; *) pnm= ;; esac
    answer_failure
}

need_model() {
    [ -r "$model" ] || fail '503 Service Unavailable' \
        'no model is installed on the server'
}

predict() {
    need_model
    check_length
    body_kind
    [ "$kind" = pnm ] || to_pnm
    classify
}

# The query: label=D (required), predicted=D, model=HEX; any other value
# is refused, never decoded or passed on.
parse_query() {
    label= predicted= model_id=
    set -f
    old_ifs=$IFS
    IFS='&'
    for kv in ${QUERY_STRING:-}; do
        case $kv in
        label=[0-9]) label=${kv#label=} ;;
        predicted=[0-9]) predicted=${kv#predicted=} ;;
        predicted=) ;;
        model=*)
            model_id=${kv#model=}
            case $model_id in
            '' | *[!0-9a-f]*) fail '400 Bad Request' 'model: must be hex digits' ;;
            esac
            [ ${#model_id} -le 64 ] || fail '400 Bad Request' 'model: too long' ;;
        label=*) fail '400 Bad Request' 'label: must be one digit 0-9' ;;
        predicted=*) fail '400 Bad Request' 'predicted: must be one digit 0-9' ;;
        *) ;;
        esac
    done
    IFS=$old_ifs
    set +f
    [ -n "$label" ] || fail '400 Bad Request' 'label is missing: ?label=D, the right digit'
}

corrections() {
    parse_query
    check_length
    body_kind
    [ "$kind" = pnm ] || to_pnm
    store --label "$label" ${predicted:+--predicted "$predicted"} \
        ${model_id:+--model "$model_id"}
    json '200 OK' "$out"
}

ping() {
    need_model
    out=$(cnn-infer --model "$model" --check --json 2>&1) ||
        { printf 'digits.cgi: %s\n' "$out" >&2
          fail '503 Service Unavailable' 'the model does not load'; }
    json '200 OK' "$out"
}

page() {
    headers '200 OK'
    printf 'Content-Type: text/html; charset=utf-8\r\n'
    printf "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'self'\r\n\r\n"
    if [ -f "$here/index.html" ]; then
        cat -- "$here/index.html"
    else                        # a link to this file in a cgi-bin folder
        cat -- "$home/scripts/cgi/index.html"
    fi
}

method=${REQUEST_METHOD:-GET}
if [ "$method" = OPTIONS ]; then
    headers '204 No Content'
    printf 'Access-Control-Allow-Methods: GET, POST, OPTIONS\r\n'
    printf 'Access-Control-Allow-Headers: Content-Type\r\n'
    printf 'Access-Control-Max-Age: 86400\r\n\r\n'
    exit 0
fi
# allow METHOD: answers 405 unless the request used METHOD.
allow() {
    [ "$method" = "$1" ] && return 0
    headers '405 Method Not Allowed'
    printf 'Allow: %s, OPTIONS\r\nContent-Type: application/json\r\n\r\n' "$1"
    printf '{"error":"method not allowed: use %s"}\n' "$1"
    exit 0
}
case ${PATH_INFO:-/} in
/ | /index.html) allow GET; page ;;
/ping) allow GET; ping ;;
/predict) allow POST; predict ;;
/corrections) allow POST; corrections ;;
*) fail '404 Not Found' 'no such page: try /, /ping, /predict or /corrections' ;;
esac
