#!/usr/bin/perl
# short-body.pl URL FILE CLAIM - POST FILE to URL announcing CLAIM bytes
# of body, then stop sending; print the status line's code, or nothing if
# the server closed the connection without an answer.
use strict;
use warnings;
use IO::Socket::INET;

my ($url, $file, $claim) = @ARGV;
my ($host, $port, $path) = $url =~ m{^http://([^/:]+):(\d+)(/.*)$}
    or die "short-body.pl: bad URL\n";
open(my $fh, '<:raw', $file) or die "short-body.pl: $file: $!\n";
my $body = do { local $/; <$fh> };
my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
                              Timeout => 10) or die "short-body.pl: $!\n";
print $s "POST $path HTTP/1.1\r\nHost: $host\r\n",
    "Content-Type: image/x-portable-graymap\r\n",
    "Content-Length: $claim\r\nConnection: close\r\n\r\n", $body;
shutdown($s, 1);
my $line = <$s>;
print $line =~ m{^HTTP/1\.\d (\d{3})} ? "$1\n" : "\n" if defined $line;
