#!/usr/bin/perl
# mkbomb.pl - decompression bombs for the upload tests: a small file
# that decodes to a huge picture. Writes it to stdout.
#
#   mkbomb.pl png W H [DEPTH]  an all-white PNG of W x H (zlib): 1-bit grey,
#                              or DEPTH rgb8 or rgb16
#   mkbomb.pl jpeg W H         a JPEG whose frame header says W x H, made
#                              from a 16x16 one: the decoder fills in the rest
use strict;
use warnings;
use Compress::Zlib;

my ($kind, $w, $h, $depth) = @ARGV;
$depth //= 'gray1';
die "usage: mkbomb.pl png|jpeg W H [gray1|rgb8|rgb16]\n"
    unless defined $h && $w =~ /^\d+$/ && $h =~ /^\d+$/ &&
           $depth =~ /^(gray1|rgb8|rgb16)$/;
my %png = (gray1 => [1, 0, ($w + 7) >> 3], rgb8 => [8, 2, 3 * $w],
           rgb16 => [16, 2, 6 * $w]);
binmode STDOUT;

sub chunk {
    my ($type, $data) = @_;
    return pack('N', length $data) . $type . $data
         . pack('N', crc32($type . $data));
}

if ($kind eq 'png') {
    my ($d, $st) = deflateInit(-Level => ($w * $h > 1e9 ? 1 : 9));
    die "deflateInit: $st\n" unless $d;
    my ($bits, $type, $bytes) = @{$png{$depth}};
    my $row = "\0" . ("\xff" x $bytes);
    my $z = '';
    for (1 .. $h) {
        my ($out, $s) = $d->deflate($row);
        $z .= $out;
    }
    my ($out, $s) = $d->flush();
    $z .= $out;
    print "\x89PNG\r\n\x1a\n",
          chunk('IHDR', pack('NNCCCCC', $w, $h, $bits, $type, 0, 0, 0)),
          chunk('IDAT', $z), chunk('IEND', '');
} elsif ($kind eq 'jpeg') {
    open my $fh, '-|', 'sh', '-c',
        'pgmmake 0.5 16 16 | pnmtojpeg 2>/dev/null' or die "pnmtojpeg: $!\n";
    binmode $fh;
    local $/;
    my $j = <$fh>;
    close $fh or die "pgmmake | pnmtojpeg failed\n";
    my $at = index($j, "\xff\xc0");
    die "no SOF0 in the 16x16 JPEG\n" if $at < 0;
    substr($j, $at + 5, 4) = pack('nn', $h, $w);
    print $j;
} else {
    die "usage: mkbomb.pl png|jpeg W H\n";
}
