# ptscope walk from the command line: JSON and text against pagemap and
# /proc/PID/maps, the filters, the unprivileged view, bad input, and a
# target that dies while its walk is half-way.
. /tests/lib.sh
load_ptscope

# arm64's contiguous hugetlb sizes: a page each, for the cont_order checks.
[ "$ARCH" = aarch64 ] && hugetlb_reserve 1
memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
addr_of() { mk_addr /tmp/serve.out "$1"; }

echo "--- whole address space, runs"
ptscope -j walk $srv > /tmp/all.json || fail "walk failed: $(head -c 300 /tmp/all.json)"
jq -e . /tmp/all.json > /dev/null || fail "walk -j is not valid JSON"
vma_pages=$(grep -v vsyscall /proc/$srv/maps | while read -r range _; do
	echo $(( (0x${range#*-} - 0x${range%-*}) / PAGE )); done | awk '{s += $1} END {print s}')
expect_eq "pages covered = pages of the VMAs" "$vma_pages" "$(jq .summary.pages /tmp/all.json)"
expect_eq "records counted = records printed" "$(jq '.records | length' /tmp/all.json)" \
	"$(jq .summary.records /tmp/all.json)"

echo "--- one kind, page by page"
a=$(addr_of anon-written)
ptscope -j walk --pages $srv $a+$(pages 4) > /tmp/w.json || fail "walk --pages failed"
expect_eq "four records" 4 "$(jq '.records | length' /tmp/w.json)"
i=0
for pfn in $(jq -r '.records[].pfn' /tmp/w.json); do
	expect_eq "page $i pfn vs pagemap" "$(pagemap_pfn $srv $((a + i * PAGE)))" "$pfn"
	i=$((i + 1))
done
expect_eq "kind and cache" "anon WB" "$(jq -r '.records[0] | "\(.kind) \(.cache)"' /tmp/w.json)"
expect_eq "mapcount" 1 "$(jq -r '.records[0].mapcount' /tmp/w.json)"

ptscope walk $srv $a+$(pages 4) > /tmp/w.txt || fail "text walk failed"
cat /tmp/w.txt
grep -q '^ADDRESS ' /tmp/w.txt || fail "no header line"
grep -q "^[0-9]* records, 4 pages: 4 present, 0 swapped, 0 none" /tmp/w.txt || fail "no summary line"

echo "--- filters"
a=$(addr_of anon-thp)
ptscope -j walk --huge $srv $a+$(size_arg $HPAGE) > /tmp/h.json || fail "walk --huge failed"
if [ "$(jq .summary.pages /tmp/h.json)" != 0 ]; then
	expect_eq "--huge: only PMD leaves" PMD "$(jq -r '[.records[].level] | unique | join(",")' /tmp/h.json)"
fi
ptscope -j walk --present $srv > /tmp/p.json || fail "walk --present failed"
expect_eq "--present: only present records" present \
	"$(jq -r '[.records[].state] | unique | join(",")' /tmp/p.json)"
ptscope -j walk --swapped $srv > /tmp/s.json || fail "walk --swapped failed"
expect_eq "--swapped: no other state" "" \
	"$(jq -r '[.records[].state] | unique | map(select(. != "swap")) | join(",")' /tmp/s.json)"

echo "--- contiguous leaves (arm64): cont_order in JSON and in snapshots"
# A hugetlb size that is no table level's own (64K, 32M with 4K pages; 2M,
# 1G with 16K) is one leaf of 2^cont_order entries of the level below it.
pud=$((HPAGE * (PAGE / 8)))
cont_kinds=0
for k in $(sed -n 's/^\(hugetlb-[0-9]*[kmg]\) .*/\1/p' /tmp/serve.out); do
	n=${k#hugetlb-}
	case $n in
	*k) size=$((${n%k} << 10)) ;; *m) size=$((${n%m} << 20)) ;; *g) size=$((${n%g} << 30)) ;;
	esac
	[ $size = $HPAGE ] || [ $size = $pud ] && continue
	if [ $size -lt $HPAGE ]; then entry=$PAGE; level=PTE; else entry=$HPAGE; level=PMD; fi
	order=0
	while [ $((entry << order)) -lt $size ]; do order=$((order + 1)); done
	a=$(addr_of $k)
	ptscope -j walk $srv $a+$(size_arg $size) > /tmp/c.json || fail "walk of $k failed"
	expect_eq "$k: one $level record of $((size / PAGE)) pages, cont_order $order" \
		"1 $level $((size / PAGE)) $order" \
		"$(jq -r '"\(.records | length) \(.records[0].level) \(.records[0].nr_pages) \(.records[0].cont_order)"' /tmp/c.json)"
	ptscope walk $srv $a+$(size_arg $size) -o /tmp/c.snap > /dev/null || fail "walk -o of $k failed"
	grep -q "^$a $((size / PAGE)) $level present .* cont=$order\$" /tmp/c.snap ||
		fail "$k: no cont=$order record in the snapshot: $(grep "^$a " /tmp/c.snap)"
	ptscope -j diff /tmp/c.snap $srv > /tmp/cd.json || fail "diff of $k's snapshot failed"
	expect_eq "$k: the snapshot reads back, unchanged" 0 "$(jq .summary.changed /tmp/cd.json)"
	cont_kinds=$((cont_kinds + 1))
done
if [ "$ARCH" = aarch64 ]; then
	[ $cont_kinds -ge 1 ] || fail "no contiguous hugetlb kind on arm64"
else
	expect_eq "x86_64: no contiguous leaf sizes" 0 $cont_kinds
fi
x=$(jq '[.records[] | select(.cont_order)] | length' /tmp/all.json)
[ "$ARCH" = aarch64 ] || expect_eq "x86_64: no record has cont_order" 0 "$x"

echo "--- unprivileged"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
$U ptscope walk $srv > /tmp/u.out 2>&1 && fail "uid 1000 walked root's process"
grep -q "permission denied" /tmp/u.out || fail "no permission message: $(cat /tmp/u.out)"
memkinds_serve /tmp/userv.out $U
usrv=$MK_PID
trap 'kill $srv $usrv 2>/dev/null' EXIT
$U ptscope -j walk --present $usrv > /tmp/u.json || fail "uid 1000 on its own process failed"
expect_eq "own process: every pfn hidden" 0x0 "$(jq -r '[.records[].pfn] | unique | join(",")' /tmp/u.json)"

echo "--- bad input"
xerr "end beyond user space" 1 "end is beyond the user address space" walk $srv 0x1000-0xffffffffffffffff
xerr "JSON error form" 1 '^\{"error":"end is beyond' -j walk $srv 0x1000-0xffffffffffffffff
xerr "no such pid" 1 "no (process with pid 4000000|such process)" walk 4000000
xerr "kernel thread" 1 "kernel thread" walk 2
xerr "inverted range" 2 "empty or inverted range" walk $srv 0x3000-0x1000
xerr "bad range" 2 "is not a range" walk $srv 12-ab-
xerr "too many arguments" 2 "at most one RANGE" walk $srv 0x1000 0x2000
xerr "walk option elsewhere" 2 "option --pages applies to walk only" xlate $srv 0x1000 --pages

echo "--- the target dies half-way through its walk"
hog_start 160
hog=$HOG
# A reader that waits keeps the dump paused in the kernel (the pipe is full;
# 40,960 records are more than the socket buffers ahead).
{ ptscope -j walk --pages $hog; echo $? > /tmp/hog.rc; } | { sleep 2; cat > /tmp/hog.json; } &
reader=$!
sleep 0.5
kill -9 $hog
wait $reader
echo "records before the exit: $(jq '.records | length' /tmp/hog.json), error: $(jq -r .error /tmp/hog.json)"
expect_eq "status after the target died" 1 "$(cat /tmp/hog.rc)"
expect_eq "error names the exit" "the process exited or called exec during the walk" "$(jq -r .error /tmp/hog.json)"
[ "$(jq '.records | length' /tmp/hog.json)" -gt 0 ] || fail "no records before the exit"

echo "--- the target calls exec half-way through its walk"
hog_start 160
hog=$HOG
{ ptscope -j walk --pages $hog; echo $? > /tmp/hog.rc; } | { sleep 2; cat > /tmp/hog.json; } &
reader=$!
sleep 0.5
kill -USR1 $hog
wait $reader
expect_eq "status after the exec" 1 "$(cat /tmp/hog.rc)"
expect_eq "error names the exec" "the process exited or called exec during the walk" \
	"$(jq -r .error /tmp/hog.json)"
kill -0 $hog || fail "the target did not survive its exec"
ptscope -j walk $hog > /tmp/after.json || fail "walk of the new image failed"
echo "ok: the new image walks: $(jq .summary.pages /tmp/after.json) pages"
kill $hog
true
