#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ptscope map without a kernel: pictures drawn from committed snapshots
# (tests/host/map/*.snap, saved in guests by tests/demo/pictures, and
# handmade edge cases). The terminal map must match the expected text
# exactly; every SVG must be well-formed XML, hold every mapping and the
# legend, and render to a PNG showing the states' colours; one page, a
# 128 TiB reservation and 10,000 mappings must stay bounded. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The module's paths: without it, auto would answer from /proc (tests/host/procfs.sh).
export PTSCOPE_SOURCE=module
export LD_LIBRARY_PATH=$ROOT/build
P=$ROOT/build/ptscope
F=$ROOT/tests/host/map
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/host/lib/tap.sh"

ok() { tap_check "$@"; }	# ok DESCRIPTION COMMAND...

# err DESCRIPTION STATUS REGEX ARGS...: ptscope ARGS exits STATUS saying REGEX.
err() {
	local desc=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$P" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && [[ "$out" =~ $re ]]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "$(echo "ptscope $*: status $rc (want $want): $out" | head -n 5)"
	fi
}

same_text() {	# same_text EXPECTED ARGS...: map's output is EXPECTED, byte for byte
	local want=$1
	shift
	"$P" map "$@" > "$T/got" || return 1
	diff -u "$want" "$T/got"
}

fits() {	# fits COLUMNS FILE: no line wider than COLUMNS (display columns)
	local w
	w=$(LC_ALL=C.UTF-8 wc -L < "$2")
	echo "widest line: $w columns"
	[ "$w" -le "$1" ]
}

# The mappings a snapshot lists ("vma" lines); format 1 ones are made up.
vmas_of() { grep -c '^vma ' "$1"; }

svg_ok() {	# svg_ok SNAPSHOT SVG: well-formed, every mapping in a box with a tooltip, a legend
	local snap=$1 svg=$2 want got start
	xmllint --noout "$svg" || return 1
	want=$(vmas_of "$snap")
	got=$(grep -o '<g class="vma">' "$svg" | wc -l)
	echo "mappings: $want in the snapshot, $got boxes"
	[ "$want" = "$got" ] || return 1
	# Each mapping's start begins a tooltip (one pass: 10,000 greps took 100 s).
	start=$(comm -23 <(awk '$1 == "vma" { print $2 }' "$snap" | LC_ALL=C sort -u) \
		<(grep -o '<title>[^<-]*-' "$svg" | sed 's/^<title>//; s/-$//' | LC_ALL=C sort -u))
	[ -z "$start" ] || { echo "no tooltip for $(echo $start | head -c 200)"; return 1; }
	grep -q '<g class="legend">' "$svg" || return 1
	local IFS=,
	for label in ${LEGEND:-not present,present,huge,COW-shared,swapped,pinned,device,other entry}; do
		grep -q ">$label</text>" "$svg" || { echo "legend lacks $label"; return 1; }
	done
}

# colours_ok PNG COLOUR...: each colour covers at least 20 pixels of the PNG.
colours_ok() {
	local png=$1 c
	shift
	perl "$ROOT/tests/host/pngcolors.pl" "$png" > "$T/colours" || return 1
	echo "$(wc -l < "$T/colours") colours"
	[ "$(wc -l < "$T/colours")" -ge 5 ] || return 1
	for c in "$@"; do
		awk -v c="$c" '$1 == c && $2 >= 20 { found = 1 } END { exit !found }' "$T/colours" ||
			{ echo "no $c in the picture"; return 1; }
	done
}

# States' colours (cli/map_model.c): not present, present, huge, COW-shared, swapped, device, other.
NP='#e6e6e6' PR='#2ca25f' HU='#1c9099' CS='#f39c12' SW='#c51b8a' DV='#3f51b5' OT='#555555'

echo "# ---- terminal maps, colour off, against the expected text"
for s in memkinds fork-parent fork-child one-page reserve-128t names format1; do
	ok "map -i $s.snap = $s.txt" same_text "$F/$s.txt" -i "$F/$s.snap" --color=never
	ok "$s: fits 80 columns" fits 80 "$F/$s.txt"
done
for w in 60 120; do
	ok "map --width $w = memkinds-w$w.txt" same_text "$F/memkinds-w$w.txt" -i "$F/memkinds.snap" --width $w
	ok "--width $w: fits" fits $w "$F/memkinds-w$w.txt"
done
ok "not a terminal: no colour" bash -c "! '$P' map -i '$F/memkinds.snap' | grep -q $'\e'"
ok "--color=always colours the bars" bash -c "'$P' map -i '$F/memkinds.snap' --color=always | grep -q $'\e\\[32m\u2588'"
ok "--color is --color=always" bash -c "'$P' map -i '$F/memkinds.snap' --color | grep -q $'\e\\['"
if command -v script > /dev/null; then
	ok "on a terminal: colour" bash -c "script -qec \"'$P' map -i '$F/memkinds.snap'\" /dev/null | grep -q $'\e\\[32m'"
	ok "on a terminal with NO_COLOR: none" bash -c "NO_COLOR=1 script -qec \"'$P' map -i '$F/memkinds.snap'\" /dev/null | grep -c $'\e\\[3' | grep -qx 0"
	ok "on a terminal with --color=never: none" bash -c "script -qec \"'$P' map -i '$F/memkinds.snap' --color=never\" /dev/null | grep -c $'\e\\[3' | grep -qx 0"
fi
ok "a format-1 snapshot: mappings made up from its records" grep -q '│ ? .* ???? ' "$F/format1.txt"
ok "names: no control byte reaches the terminal" bash -c "! '$P' map -i '$F/names.snap' --color=never | LC_ALL=C grep -q '[[:cntrl:]]'"

echo "# ---- SVG"
for s in memkinds fork-parent one-page reserve-128t names; do
	ok "$s: SVG written" "$P" map -i "$F/$s.snap" --svg "$T/$s.svg"
	ok "$s: well-formed, every mapping, legend" svg_ok "$F/$s.snap" "$T/$s.svg"
	ok "$s: renders to PNG" rsvg-convert -o "$T/$s.png" "$T/$s.svg"
done
ok "memkinds PNG shows not present, present, huge, swapped, device, other" \
	colours_ok "$T/memkinds.png" $NP $PR $HU $SW $DV $OT
ok "fork-parent PNG shows present, huge, COW-shared" colours_ok "$T/fork-parent.png" $PR $HU $CS
ok "names: tooltips keep the names, escaped" \
	grep -q '/tmp/a&lt;b&gt;&amp;&quot;c.d' "$T/names.svg"
ok "names: valid UTF-8 kept, invalid bytes and controls as ?" \
	bash -c "grep -q 'café' '$T/names.svg' && grep -q 'bad?name' '$T/names.svg' && grep -q 'esc?\\[31m' '$T/names.svg'"
ok "--svg - writes to standard output" bash -c "'$P' map -i '$F/one-page.snap' --svg - | xmllint --noout -"
ok "title names pid, command and kernel" \
	grep -q '<text class="t" x="20" y="30">pid 4242 (one-page) — kernel 6.12.117+deb12-amd64</text>' "$T/one-page.svg"

echo "# ---- fork/COW pair"
ok "pair: SVG written" "$P" map -i "$F/fork-parent.snap" -i "$F/fork-child.snap" --svg "$T/fork.svg"
ok "pair: well-formed" xmllint --noout "$T/fork.svg"
ok "pair: both views' mappings" test "$(grep -o '<g class="vma">' "$T/fork.svg" | wc -l)" = \
	"$(( $(vmas_of "$F/fork-parent.snap") + $(vmas_of "$F/fork-child.snap") ))"
ok "pair: COW-shared, shared-mapping and other lines" \
	bash -c "grep -q 'class=\"l k0\" d=\"M[^\"]*C' '$T/fork.svg' && grep -q 'class=\"l k1\" d=\"M[^\"]*C' '$T/fork.svg' && grep -q 'class=\"l k2\" d=\"M[^\"]*C' '$T/fork.svg'"
ok "pair: renders, lines in their colours" bash -c \
	"rsvg-convert -o '$T/fork.png' '$T/fork.svg' && perl '$ROOT/tests/host/pngcolors.pl' '$T/fork.png' > '$T/fc' &&
	 grep -q '^#e6550d ' '$T/fc' && grep -q '^$CS ' '$T/fc'"
# The frames both map, counted independently from the snapshots: every page
# of a present record with a struct page (a mapcount), zero pages left out.
shared_by_perl() {
	perl -e 'my %seen;
		for my $side (0, 1) {
			open(my $f, "<", $ARGV[$side]) or die;
			while (<$f>) {
				my @a = split;
				next unless $a[0] =~ /^0x/ && $a[3] eq "present" && $a[9] ne "-" && $a[8] !~ /zero/;
				$seen{$side}{hex($a[4]) + $_} = 1 for 0 .. $a[1] - 1;
			}
		}
		print scalar(grep { $seen{0}{$_} } keys %{$seen{1}}), "\n";' "$1" "$2"
}
want=$(shared_by_perl "$F/fork-parent.snap" "$F/fork-child.snap")
ok "pair: shared pages ($want by perl over the snapshots) = map -j's" bash -c \
	"'$P' -j map -i '$F/fork-parent.snap' -i '$F/fork-child.snap' |
	 jq -e '.shared.cow_shared + .shared.shared_mapping + .shared.other == $want'"
ok "pair -j: the child's written quarter is its own, the rest of its 8 MiB shared" bash -c \
	"'$P' -j map -i '$F/fork-parent.snap' -i '$F/fork-child.snap' |
	 jq -e '.spaces[1].vmas[] | select(.name == \"\" and .pages.cow_shared > 1000) | .shared_pages == 1344 and .pages.cow_shared == 1344'"
ok "pair: hidden frames are refused" bash -c \
	"sed 's/^\\(0x[0-9a-f]* [0-9]* [A-Z]* present \\)0x[0-9a-f]*/\\10x0/' '$F/fork-child.snap' > '$T/hidden.snap' &&
	 ! '$P' map -i '$F/fork-parent.snap' -i '$T/hidden.snap' --svg '$T/h.svg' 2> '$T/e' &&
	 grep -q 'saved without them' '$T/e' && test ! -e '$T/h.svg'"

echo "# ---- bounds"
"$F/gen-many.sh" 10000 > "$T/many.snap"
ok "10,000 mappings: terminal map" bash -c "'$P' map -i '$T/many.snap' > '$T/many.txt'"
ok "10,000 mappings: fits 80 columns, under 3 MB" bash -c \
	"[ \$(LC_ALL=C.UTF-8 wc -L < '$T/many.txt') -le 80 ] && [ \$(wc -c < '$T/many.txt') -lt 3000000 ]"
ok "10,000 mappings: SVG" "$P" map -i "$T/many.snap" --svg "$T/many.svg"
ok "10,000 mappings: SVG well-formed, every mapping" svg_ok "$T/many.snap" "$T/many.svg"
ok "10,000 mappings: under 6 MB and 30,000 px tall" bash -c \
	"[ \$(wc -c < '$T/many.svg') -lt 6000000 ] &&
	 [ \$(sed -n 's/^<svg .* height=\"\\([0-9]*\\)\".*/\\1/p' '$T/many.svg') -le 30000 ]"
ok "10,000 mappings: renders" rsvg-convert -z 0.25 -o "$T/many.png" "$T/many.svg"
ok "one page: SVG under 10 KB" test "$(wc -c < "$T/one-page.svg")" -lt 10000
ok "128 TiB: SVG under 1,000 px tall" test \
	"$(sed -n 's/^<svg .* height="\([0-9]*\)".*/\1/p' "$T/reserve-128t.svg")" -le 1000
ok "128 TiB: the 2 MiB mapping between reservations keeps a labelled box" \
	grep -q '>\[anon\]</text><text[^>]*>rw-p 2 MiB</text>' "$T/reserve-128t.svg"

echo "# ---- JSON"
ok "-j: every mapping, pages adding up to its size" bash -c \
	"'$P' -j map -i '$F/memkinds.snap' | jq -e '(.spaces[0].vmas | length) == $(vmas_of "$F/memkinds.snap") and
	 all(.spaces[0].vmas[]; ([.pages[]] | add) * 4096 == ((.end | ltrimstr(\"0x\") | explode | map(if . >= 97 then . - 87 else . - 48 end) | reduce .[] as \$d (0; . * 16 + \$d)) - (.start | ltrimstr(\"0x\") | explode | map(if . >= 97 then . - 87 else . - 48 end) | reduce .[] as \$d (0; . * 16 + \$d))))'"

echo "# ---- errors"
err "map needs something to draw" 2 "map needs one or two PIDs" map
err "three PIDs" 2 "map needs one or two PIDs" map 1 2 3
err "-i three times" 2 "at most twice" map -i a -i b -i c
err "PIDs and files" 2 "not both" map 1 -i "$F/one-page.snap"
err "a pair needs --svg or -j" 2 "side by side in SVG" map -i "$F/fork-parent.snap" -i "$F/fork-child.snap"
err "--width with --svg" 2 "shape the terminal map" map -i "$F/one-page.snap" --svg "$T/x.svg" --width 90
err "--width too narrow" 2 "this map needs 60 to 1000 columns" map -i "$F/one-page.snap" --width 40
err "--width not a number" 2 "--width wants a number of columns, not 'wide'" map -i "$F/one-page.snap" --width wide
err "--color=sometimes" 2 "--color wants auto, always or never" map -i "$F/one-page.snap" --color=sometimes
err "--svg elsewhere" 2 "option --svg applies to map only" walk 1 --svg x.svg
err "a missing snapshot" 1 "cannot open snapshot '/nonexistent.snap'" map -i /nonexistent.snap
err "not a snapshot" 1 "is not a ptscope snapshot" map -i /etc/hostname
err "a newer format" 1 "is in format 9; this ptscope reads formats 1 to 3" map -i <(echo "# ptscope snapshot 9"; echo "pid 1 range 0x0 0x0")
err "mappings out of order" 1 "line 4: not a mapping in order" map -i <(printf '%s\n' "# ptscope snapshot 2" "pid 1 range 0x0 0x0" "vma 0x2000 0x3000 0x3 anon" "vma 0x1000 0x2000 0x3 anon" "# end")
err "an unwritable SVG" 1 "cannot write '/nonexistent/x.svg.tmp" map -i "$F/one-page.snap" --svg /nonexistent/x.svg
err "a live PID needs the module" 1 "kernel module ptscope is not loaded" map 1
err "-j error is JSON" 2 '^\{"error":"map needs' -j map

echo "# ---- map --by node (nodes.snap: memkinds.snap with node=0/1 on alternate records)"
err "--by fill of a snapshot" 2 "snapshots keep no page tables" map --by fill -i "$F/nodes.snap"
err "--by something else" 2 "--by wants state, node or fill, not 'colour'" map --by colour -i "$F/nodes.snap"
for n in 0 1; do
	want=$(awk -v n=$n '/^0x/ && / present / && $NF == "node=" n { s += $2 } END { print s + 0 }' "$F/nodes.snap")
	ok "--by node: node $n's pages as the snapshot's records ($want)" \
		bash -c "'$P' -j map --by node -i '$F/nodes.snap' | jq -e '.spaces[0].summary.pages.node$n == $want'"
done
ok "--by node: a snapshot without nodes has all present pages elsewhere" \
	bash -c "'$P' -j map --by node -i '$F/memkinds.snap' | jq -e '.spaces[0].summary.pages | .node0 == 0 and .elsewhere > 0'"
ok "--by node: the terminal map's legend names the nodes" \
	bash -c "'$P' map --by node -i '$F/nodes.snap' | grep -q '█ node 0  ▓ node 1'"
"$P" map --by node -i "$F/nodes.snap" --svg "$T/nodes.svg"
LEGEND="not present,node 0,node 1,node 5+,swapped or node unknown" \
	ok "--by node: the SVG is well formed, every mapping in a box, the nodes' legend" \
	svg_ok "$F/nodes.snap" "$T/nodes.svg"
tap_done
