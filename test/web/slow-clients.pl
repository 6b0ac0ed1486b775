#!/usr/bin/perl
# slow-clients.pl HOST PORT N - open N connections to the server, each
# starting a POST of 100000 bytes and sending only 100 of them, like a
# client on a very slow line. Prints "held N" once all N are sent, then
# "closed K" as soon as the server has closed all of them (K = N), and
# exits; a connection the server answers counts as closed too.
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;

$| = 1;
my ($host, $port, $n) = @ARGV;
die "usage: slow-clients.pl HOST PORT N\n" unless defined $n;
my @socks;
for my $i (1 .. $n) {
    my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
                                  Timeout => 10)
        or die "slow-clients.pl: connection $i: $!\n";
    print $s "POST /predict HTTP/1.1\r\nHost: $host:$port\r\n",
        "Content-Type: image/png\r\nContent-Length: 100000\r\n\r\n",
        "\x89PNG" x 25;
    push @socks, $s;
}
print "held $n\n";
my $sel = IO::Select->new(@socks);
my $closed = 0;
while ($sel->count > 0) {
    for my $s ($sel->can_read(60)) {
        my $got = sysread($s, my $buf, 4096);
        next if $got;           # an answer: read on until the close
        $sel->remove($s);
        close $s;
        $closed++;
    }
}
print "closed $closed\n";
