#!/bin/sh
# The same HTTP tests as lighttpd.t, under Apache with mod_cgi:
# scripts/servers/apache-cgi.conf itself (its paths replaced, a body
# limit of 400000 bytes as api.sh expects) in a private server, the
# program run as www-data writing a store that www-data owns. Needs root
# (Apache's children switch to www-data) and apache2.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ] || ! id www-data > /dev/null 2>&1 ||
   ! command -v apache2 > /dev/null; then
    echo "1..0 # SKIP needs root, a www-data user and apache2"
    exit 0
fi
mods=/usr/lib/apache2/modules
chmod 711 "$T"
S=$T/store
install -d -o www-data -g www-data "$S"
launch_apache() {
    mkdir -p "$T/apache"
    sed -e "s|/srv/digits/feedback|$S|" -e "s|/srv/digits|$top|g" \
        -e "s|8388608|400000|g" \
        -e "s|^\( *\)SetEnv DIGITS_MAX_BODY|\1SetEnv DIGITS_WRITES_PER_MINUTE 0\n\1SetEnv DIGITS_MAX_BODY|" \
        "$top/scripts/servers/apache-cgi.conf" > "$T/apache/digits.conf"
    cat > "$T/apache/httpd.conf" <<CONF
ServerRoot $T/apache
DefaultRuntimeDir $T/apache
PidFile $T/apache/httpd.pid
ErrorLog $T/apache.log
Listen 127.0.0.1:$port
ServerName localhost
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule cgi_module $mods/mod_cgi.so
User www-data
Group www-data
StartServers 2
Include $T/apache/digits.conf
CONF
    # In a session of its own: stopping, Apache signals its whole
    # process group, which would otherwise be this test's.
    perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV or die' \
        apache2 -DFOREGROUND -f "$T/apache/httpd.conf" > /dev/null 2>> "$T/apache.log" &
    base=http://127.0.0.1:$port/digits
}
start_server launch_apache ||
    { echo "Bail out! apache2 did not start: $(cat "$T/apache.log")"; exit 1; }
page=$base/
. "$top/test/web/api.sh"

is "$(find "$S" ! -user www-data | wc -l | tr -d ' ')" 0 \
   "every file in the store belongs to www-data, who wrote it"
done_testing
