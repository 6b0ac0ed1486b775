#!/usr/bin/perl
# fcgi-client.pl - a FastCGI client for test/web/fcgi.t: talks to the
# responder on a Unix socket and prints what came back, a line per fact.
#
#   perl fcgi-client.pl SOCKET SCENARIO [FILE]
#
# Scenarios: values (GET_VALUES), keep (three requests on one kept
# connection), mpx (a second request id while one is open), unknown (a
# management record of an unknown type), role (the authorizer role),
# garbage (a record of FastCGI version 2), big (a body over the limit
# on a kept connection, then a small request), abort (ABORT_REQUEST
# mid-request, then a request), predict (FILE posted to /predict).
use strict;
use warnings;
use IO::Socket::UNIX;

my ($path, $scenario, $file) = @ARGV;
my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path)
    or die "connect $path: $!\n";
$SIG{ALRM} = sub { print "timeout\n"; exit 1 };
alarm 20;

sub record { my ($type, $id, $body) = @_;
    $body //= '';
    return pack('CCnnCC', 1, $type, $id, length $body, 0, 0) . $body }
sub nv { my %p = @_; my $out = '';
    for my $k (sort keys %p) {
        for my $x ($k, $p{$k}) {
            my $l = length $x;
            $out .= $l < 128 ? pack('C', $l) : pack('N', $l | 0x80000000);
        }
        $out .= $k . $p{$k};
    }
    return $out }
sub begin { my ($id, $role, $keep) = @_;
    return record(1, $id, pack('nCx5', $role, $keep)) }
sub params { my ($id, %p) = @_;
    return record(4, $id, nv(%p)) . record(4, $id) }
sub stdin { my ($id, $body) = @_; my $out = '';
    while (length $body) { $out .= record(5, $id, substr($body, 0, 65535, '')) }
    return $out . record(5, $id) }
sub request { my ($id, $keep, $method, $path, $body, $type) = @_;
    $body //= '';
    my %p = (REQUEST_METHOD => $method, PATH_INFO => $path,
             CONTENT_LENGTH => length $body);
    $p{CONTENT_TYPE} = $type if defined $type;
    return begin($id, 1, $keep) . params($id, %p) . stdin($id, $body) }
sub readn { my $n = shift; my $buf = '';
    while (length $buf < $n) {
        my $r = sysread($s, $buf, $n - length $buf, length $buf);
        return undef unless $r;
    }
    return $buf }
# next_record: (type, id, content), or () at the end of the connection.
sub next_record {
    my $h = readn(8) // return ();
    my ($v, $type, $id, $len, $pad) = unpack('CCnnC', $h);
    my $body = readn($len + $pad) // return ();
    return ($type, $id, substr($body, 0, $len));
}
# answer ID: reads records to ID's END_REQUEST; prints its status line
# and the body's first line, or the other records it met.
sub answer { my $want = shift; my $out = '';
    while (my ($type, $id, $c) = next_record()) {
        if ($type == 6 && $id == $want) { $out .= $c; next }
        if ($type == 3 && $id == $want) {
            my ($app, $proto) = unpack('NC', $c);
            my ($status) = $out =~ /^Status: (\d+)/;
            my ($first) = $out =~ /\r\n\r\n([^\n]*)/;
            print "answer $id status ", $status // 'none', " protocol $proto",
                  " body ", $first // '', "\n";
            return 1;
        }
        print "record type $type id $id ", join(',', unpack('C*', $c)), "\n";
    }
    print "closed\n";
    return 0 }

my $body = '';
if (defined $file) { open my $fh, '<:raw', $file or die "$file: $!\n";
                     local $/; $body = <$fh> }
if ($scenario eq 'values') {
    print $s record(9, 0, nv(FCGI_MAX_CONNS => '', FCGI_MPXS_CONNS => '',
                            FCGI_NOT_A_NAME => ''));
    my ($type, $id, $c) = next_record();
    my $i = 0;
    while ($i < length $c) {
        my ($nl, $vl) = unpack('CC', substr($c, $i, 2));
        print "value ", substr($c, $i + 2, $nl), "=",
              substr($c, $i + 2 + $nl, $vl), "\n";
        $i += 2 + $nl + $vl;
    }
    print "type $type\n";
} elsif ($scenario eq 'keep') {
    for my $id (1, 2, 3) { print $s request($id, 1, 'GET', '/ping'); answer($id) }
} elsif ($scenario eq 'mpx') {
    print $s begin(1, 1, 1), params(1, REQUEST_METHOD => 'GET', PATH_INFO => '/ping');
    print $s begin(2, 1, 1);
    answer(2);
    print $s stdin(1, '');
    answer(1);
} elsif ($scenario eq 'unknown') {
    print $s record(99, 0, 'x');
    my ($type, $id, $c) = next_record();
    print "type $type id $id of ", unpack('C', $c), "\n";
    print $s request(1, 0, 'GET', '/ping');
    answer(1);
} elsif ($scenario eq 'role') {
    print $s begin(1, 2, 1), params(1, REQUEST_METHOD => 'GET');
    answer(1);
} elsif ($scenario eq 'garbage') {
    print $s pack('CCnnCC', 2, 1, 1, 8, 0, 0), "\0" x 8;
    answer(1);
} elsif ($scenario eq 'big') {
    print $s request(1, 1, 'POST', '/predict', "P5\n" . ('x' x 500000),
                     'image/x-portable-graymap');
    answer(1);
    print $s request(2, 1, 'GET', '/ping');
    answer(2);
} elsif ($scenario eq 'abort') {
    print $s begin(1, 1, 1), params(1, REQUEST_METHOD => 'GET', PATH_INFO => '/ping');
    print $s record(2, 1);
    answer(1);
    print $s request(2, 1, 'GET', '/ping');
    answer(2);
} elsif ($scenario eq 'predict') {
    print $s request(1, 0, 'POST', '/predict', $body, 'image/x-portable-graymap');
    answer(1);
} else {
    die "unknown scenario $scenario\n";
}
