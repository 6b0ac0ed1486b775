#!/bin/sh
# The same HTTP tests as lighttpd.t, under nginx + fcgiwrap as Debian
# sets them up: scripts/servers/nginx-fcgiwrap.conf itself (its paths and
# port replaced), digits-cgi as a CGI program run by fcgiwrap as
# www-data, writing a store that www-data owns, as the file says to make
# it. Needs root (to run fcgiwrap as www-data).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ] || ! id www-data > /dev/null 2>&1; then
    echo "1..0 # SKIP needs root and a www-data user"
    exit 0
fi
command -v fcgiwrap > /dev/null || { echo "Bail out! fcgiwrap is missing (scripts/deps)"; exit 1; }

# www-data must reach the store and the socket through $T (mode 700).
chmod 711 "$T"
S=$T/store
install -d -o www-data -g www-data "$S" "$T/run"
# In a process group of its own: fcgiwrap's children outlive a killed
# parent, so the test stops the whole group.
perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV or die' \
    setpriv --reuid=www-data --regid=www-data --init-groups \
    fcgiwrap -c 4 -s "unix:$T/run/fcgiwrap.sock" > /dev/null 2>> "$T/fcgiwrap.log" &
wrap_pid=$!
trap '/usr/bin/kill -TERM -- "-$wrap_pid" 2>/dev/null; rm -rf -- "$T"' EXIT
i=0
until [ -S "$T/run/fcgiwrap.sock" ]; do
    i=$((i + 1))
    [ $i -lt 100 ] && kill -0 "$wrap_pid" 2>/dev/null ||
        { echo "Bail out! fcgiwrap did not start: $(cat "$T/fcgiwrap.log")"; exit 1; }
    sleep 0.1
done

# The shipped server block, with this test's paths, port and a body
# limit of 400000 bytes for both nginx and the program, as api.sh
# expects (its 500 kB body gets a 413).
launch_nginx_fcgiwrap() {
    mkdir -p "$T/nginx"
    sed -e "s|/srv/digits/feedback|$S|" -e "s|/srv/digits|$top|g" \
        -e "s|127.0.0.1:8080|127.0.0.1:$port|" \
        -e "s|/run/fcgiwrap.socket|$T/run/fcgiwrap.sock|" \
        -e "s|DIGITS_MAX_BODY 8388608|DIGITS_MAX_BODY 400000|" \
        -e "s|client_max_body_size 8m|client_max_body_size 400000|" \
        -e "s|fastcgi_param DIGITS_MAX_BODY|fastcgi_param DIGITS_WRITES_PER_MINUTE 0; fastcgi_param DIGITS_MAX_BODY|" \
        "$top/scripts/servers/nginx-fcgiwrap.conf" > "$T/nginx/digits.conf"
    cat > "$T/nginx/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    fastcgi_temp_path $T/nginx/fastcgi;
    proxy_temp_path $T/nginx/proxy;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    include $T/nginx/digits.conf;
}
CONF
    nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx.log" \
        2>> "$T/nginx.log" &
    base=http://127.0.0.1:$port
}
start_server launch_nginx_fcgiwrap ||
    { echo "Bail out! nginx did not start: $(cat "$T/nginx.log")"; exit 1; }
trap 'kill "$server_pid" 2>/dev/null; /usr/bin/kill -TERM -- "-$wrap_pid" 2>/dev/null; rm -rf -- "$T"' EXIT
page=$base/
. "$top/test/web/api.sh"

# What www-data wrote is www-data's, and nothing of root's is in the store.
is "$(find "$S" ! -user www-data | wc -l | tr -d ' ')" 0 \
   "every file in the store belongs to www-data, who wrote it"
is "$(find "$S/images" -name '*.pgm' | wc -l | tr -d ' ')" "$(records)" \
   "... an image for each record"
grep -q 'client_max_body_size 8m' "$top/scripts/servers/nginx-fcgiwrap.conf" &&
    grep -q 'DIGITS_MAX_BODY 8388608' "$top/scripts/servers/nginx-fcgiwrap.conf"
ok $? "the shipped file: nginx's body limit and DIGITS_MAX_BODY agree (8 MiB)"
done_testing
