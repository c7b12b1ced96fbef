# The debugfs mirrors of walk and maps: `echo "PID [START END] [pages]" >
# walk; cat walk` and `echo PID > maps; cat maps` give the records and VMAs
# of the netlink answers, stream far more than one read's worth, say why
# when they cannot, and end cleanly when the target dies mid-read.
. /tests/lib.sh
load_ptscope
D=/sys/kernel/debug/ptscope
for f in walk maps; do
	expect_eq "$f control file mode" 600 "$(stat -c %a $D/$f)"
done
grep -q '^error: write "PID \[START END\] \[pages\] \[entry\]" to this file first$' $D/walk ||
	fail "fresh walk file: $(cat $D/walk)"
grep -q '^error: write "PID" to this file first$' $D/maps || fail "fresh maps file: $(cat $D/maps)"

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT

# Page by page: runs of shared library pages split where mapcounts differ,
# and the reader (cat or ptscope) maps libraries too.
echo "--- walk: the whole address space, page by page, against ptscope -j walk"
echo "$srv pages" > $D/walk || fail "write '$srv pages' refused"
cat $D/walk > /tmp/d.txt
ptscope -j walk --pages $srv > /tmp/w.json || fail "ptscope -j walk failed"
head -n 4 /tmp/d.txt
expect_eq "pid line" "pid: $srv" "$(sed -n 1p /tmp/d.txt)"
# "ADDR pages N LEVEL STATE [pfn P] ... [entry E]" from both sides.
sed 1d /tmp/d.txt | awk '{ pfn = "-"; entry = "-"; cow = "-"
	for (i = 5; i < NF; i++) {
		if ($i == "pfn") pfn = $(i + 1); if ($i == "entry") entry = $(i + 1)
		if ($i == "cow") cow = $(i + 1)
	}
	print $1, $3, $4, $5, pfn, entry, cow }' > /tmp/got.txt
jq -r '.records[] | "\(.addr) \(.nr_pages) \(.level) \(.state) \(.pfn // "-") \(if .state == "none" then "-" else .entry end) \(if .state == "present" then .cow else "-" end)"' \
	/tmp/w.json > /tmp/want.txt
if ! cmp -s /tmp/want.txt /tmp/got.txt; then
	diff /tmp/want.txt /tmp/got.txt | head -n 20
	fail "debugfs walk differs from the netlink walk"
fi
echo "ok: $(wc -l < /tmp/got.txt) records = ptscope -j walk (address, pages, level, state, pfn, entry, cow)"
[ "$(wc -c < /tmp/d.txt)" -gt 4096 ] || fail "whole walk fits one page: streaming not exercised"

echo "--- walk: the entry group alone, as ptscope -j walk --fields entry"
# Runs of entries alone do not split where shared libraries' mapcounts
# differ, so the whole address space compares.
echo "$srv entry" > $D/walk || fail "entry write refused"
cat $D/walk > /tmp/de.txt
grep -q ' kind \| mapcount \| cow ' /tmp/de.txt && fail "entry walk shows frame or COW fields: $(grep -m1 ' kind ' /tmp/de.txt)"
sed 1d /tmp/de.txt | awk '{ pfn = "-"; entry = "-"
	for (i = 5; i < NF; i++) { if ($i == "pfn") pfn = $(i + 1); if ($i == "entry") entry = $(i + 1) }
	print $1, $3, $4, $5, pfn, entry }' > /tmp/got.txt
ptscope -j walk --fields entry $srv | jq -r '.records[] | "\(.addr) \(.nr_pages) \(.level) \(.state) \(.pfn // "-") \(if .state == "none" then "-" else .entry end)"' > /tmp/want.txt
if ! cmp -s /tmp/want.txt /tmp/got.txt; then
	diff /tmp/want.txt /tmp/got.txt | head -n 20
	fail "debugfs entry walk differs from ptscope -j walk --fields entry"
fi
check_ok "debugfs entry walk: $(wc -l < /tmp/got.txt) runs = ptscope -j walk --fields entry"
echo "$srv entry" > $D/maps 2>/dev/null && fail "maps took the entry word"
check_ok "maps refuses the entry word"

echo "--- walk: runs over private memory"
a=$(mk_addr /tmp/serve.out anon-thp)
echo "$srv $((a - 0x200000)) $((a + 0x400000))" > $D/walk || fail "runs write refused"
sed 1d $D/walk | awk '{ print $1, $3 }' > /tmp/got.txt
ptscope -j walk $srv $((a - 0x200000))-$((a + 0x400000)) | jq -r '.records[] | "\(.addr) \(.nr_pages)"' > /tmp/want.txt
cat /tmp/got.txt
cmp -s /tmp/want.txt /tmp/got.txt || fail "runs differ: $(diff /tmp/want.txt /tmp/got.txt)"

echo "--- walk: one range, page by page"
a=$(mk_addr /tmp/serve.out anon-written)
echo "$srv $a $((a + 4 * PAGE)) pages" > $D/walk || fail "range write refused"
cat $D/walk > /tmp/p.txt
cat /tmp/p.txt
expect_eq "four page lines" 4 "$(grep -c ' pages 1 PTE present ' /tmp/p.txt)"
i=0
for pfn in $(sed -n 's/.* pfn \(0x[0-9a-f]*\) .*/\1/p' /tmp/p.txt); do
	expect_eq "page $i pfn vs pagemap" "$(pagemap_pfn $srv $((a + i * PAGE)))" "$pfn"
	i=$((i + 1))
done
grep -q 'kind anon cache WB .*mapcount 1 ' /tmp/p.txt || fail "kind, cache or mapcount missing"

echo "--- maps against ptscope -j maps"
echo "$srv" > $D/maps || fail "maps write refused"
cat $D/maps > /tmp/m.txt
ptscope -j maps $srv > /tmp/m.json || fail "ptscope -j maps failed"
head -n 4 /tmp/m.txt
# "RANGE PERMS pgoff P BACKING present N zero N swapped N ... [name NAME]"
sed 1d /tmp/m.txt | awk '{ n = index($0, " name "); print $1, $2, $5, $7, $11, (n ? substr($0, n + 6) : "") }' > /tmp/got.txt
jq -r '.vmas[] | "\(.start)-\(.end) \(.perms) \(.backing) \(.present) \(.swapped) \(.name)"' /tmp/m.json |
	sed 's/ $//' > /tmp/want.txt
sed -i 's/ $//' /tmp/got.txt
if ! cmp -s /tmp/want.txt /tmp/got.txt; then
	diff /tmp/want.txt /tmp/got.txt | head -n 20
	fail "debugfs maps differs from the netlink maps"
fi
echo "ok: $(wc -l < /tmp/got.txt) VMAs = ptscope -j maps (range, perms, backing, present, swapped, name)"

echo "--- bad requests"
for bad in "" "x" "$srv 0x1000" "$srv 0x1000 0x2000 extra" "$srv 0xzz 0x1000" "$srv pages extra"; do
	if echo "$bad" > $D/walk 2> /tmp/err; then fail "walk write '$bad' was accepted"; fi
	grep -q "Invalid argument" /tmp/err || fail "walk write '$bad': $(cat /tmp/err)"
done
for bad in "" "$srv 0x1000 0x2000" "$srv pages"; do
	if echo "$bad" > $D/maps 2> /tmp/err; then fail "maps write '$bad' was accepted"; fi
done
echo "ok: malformed requests refused with EINVAL"
echo "$srv 0x2000 0x1000" > $D/walk
grep -q '^error: empty or inverted range: START must be below END (errno 22)$' $D/walk ||
	fail "inverted range: $(cat $D/walk)"
echo "$srv 0x1000 0xffffffffff601000" > $D/walk
grep -q '^error: range reaches beyond the user address space (errno 22)$' $D/walk ||
	fail "kernel range: $(cat $D/walk)"
echo "4000000" > $D/walk
grep -Eq '^error: no (process with pid 4000000|such process) \(errno 3\)$' $D/walk ||
	fail "no such pid: $(cat $D/walk)"
echo "2" > $D/maps
grep -q '^error: .*kernel thread.*(errno 22)$' $D/maps || fail "kernel thread: $(cat $D/maps)"
echo "ok: refusals named in the text"

echo "--- the target dies half-way through a read"
hog_start 48
hog=$HOG
echo "$hog pages" > $D/walk
# A reader that waits keeps the file open half-way.
{ exec 3< $D/walk; head -c 8192 <&3 > /tmp/h1.txt; kill -9 $hog; wait $hog 2>/dev/null
  cat <&3 > /tmp/h2.txt; exec 3<&-; }
echo "read before the exit: $(wc -l < /tmp/h1.txt) lines; after: $(tail -n 1 /tmp/h2.txt)"
expect_eq "last line names the exit" \
	"error: the process exited or called exec during the walk (errno 3)" "$(tail -n 1 /tmp/h2.txt)"
true
