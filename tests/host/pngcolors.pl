#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# pngcolors.pl FILE.png: the colours of an 8-bit RGB or RGBA PNG (as
# rsvg-convert writes), one "#rrggbb COUNT" line each, most used first;
# transparent pixels are left out. For checking that a drawing is not blank
# and shows the colours it should, without an image library.
use strict;
use warnings;
use Compress::Zlib;

my $path = shift or die "usage: pngcolors.pl FILE.png\n";
open(my $fh, '<:raw', $path) or die "$path: $!\n";
local $/;
my $png = <$fh>;
close($fh);
substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n" or die "$path: not a PNG\n";
my ($pos, $w, $h, $depth, $type, $interlace, $idat) = (8, 0, 0, 0, 0, 0, '');
while ($pos + 8 <= length($png)) {
	my ($len, $name) = unpack('Na4', substr($png, $pos, 8));
	my $data = substr($png, $pos + 8, $len);
	($w, $h, $depth, $type, undef, undef, $interlace) = unpack('NNCCCCC', $data)
		if $name eq 'IHDR';
	$idat .= $data if $name eq 'IDAT';
	$pos += 12 + $len;
}
die "$path: only 8-bit RGB or RGBA, not interlaced (depth $depth, type $type)\n"
	unless $depth == 8 && ($type == 2 || $type == 6) && !$interlace;
my $bpp = $type == 6 ? 4 : 3;
my $raw = uncompress($idat) // die "$path: bad image data\n";
my $stride = $w * $bpp;
my (@prev, %count) = ((0) x $stride);
for my $y (0 .. $h - 1) {
	my $filter = ord(substr($raw, $y * ($stride + 1), 1));
	my @cur = unpack('C*', substr($raw, $y * ($stride + 1) + 1, $stride));
	for my $i (0 .. $stride - 1) {
		my $a = $i >= $bpp ? $cur[$i - $bpp] : 0;
		my $b = $prev[$i];
		my $c = $i >= $bpp ? $prev[$i - $bpp] : 0;
		my $p = $a + $b - $c;
		my ($pa, $pb, $pc) = (abs($p - $a), abs($p - $b), abs($p - $c));
		my $pred = $filter == 1 ? $a : $filter == 2 ? $b : $filter == 3 ? int(($a + $b) / 2) :
			$filter == 4 ? ($pa <= $pb && $pa <= $pc ? $a : $pb <= $pc ? $b : $c) : 0;
		$cur[$i] = ($cur[$i] + $pred) & 0xff;
	}
	for (my $i = 0; $i < $stride; $i += $bpp) {
		next if $bpp == 4 && $cur[$i + 3] == 0;
		$count{sprintf('#%02x%02x%02x', @cur[$i .. $i + 2])}++;
	}
	@prev = @cur;
}
printf("%s %d\n", $_, $count{$_}) for sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count;
