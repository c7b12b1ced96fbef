# xlate: every level of a translation, checked against /proc/PID/pagemap for
# each memory kind, from inside (libptscope) and outside (the CLI); the
# unprivileged view hides frames; every bad input is refused by name.
. /tests/lib.sh
load_ptscope

# libptscope's xlate of every memory kind, page by page against pagemap, is
# part of 'memkinds check', which 12-walk runs (with hugetlb pages and KSM,
# which this test does not set up): running it here too counted it twice.

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
addr_of() { mk_addr /tmp/serve.out "$1"; }

echo "--- the CLI, from another process"
levels=$(ptscope -j info | jq -r .paging_levels)
a=$(addr_of anon-written)
ptscope -j xlate $srv $a > /tmp/x.json || fail "ptscope -j xlate failed: $(cat /tmp/x.json)"
expect_eq "anon page pfn vs pagemap" "$(pagemap_pfn $srv $a)" "$(jq -r .leaf.pfn /tmp/x.json)"
expect_eq "levels walked ($levels-level paging)" "$levels" "$(jq '.levels | length' /tmp/x.json)"
if [ "$levels" = 5 ]; then want="PGD P4D PUD PMD PTE"; else want="PGD PUD PMD PTE"; fi
expect_eq "level names" "$want" "$(jq -r '[.levels[].level] | join(" ")' /tmp/x.json)"
# A written anonymous page: x86 writable, user, accessed, dirty, no-exec;
# arm64 valid, dirty (DBM with AP[2] clear), accessed (AF), not global,
# writable (DBM), privileged and user execute-never, open to EL0.
if [ "$ARCH" = aarch64 ]; then
	want="valid dirty af ng dbm pxn uxn el0"
else
	want="present rw user accessed dirty nx"
fi
expect_eq "leaf flags" "$want" \
	"$(jq -r '.levels[-1].flags - ["soft-dirty"] | join(" ")' /tmp/x.json)"
expect_eq "phys = pfn * $PAGE + offset" "$(printf '0x%x' $(( $(jq -r .leaf.pfn /tmp/x.json) * PAGE )))" \
	"$(jq -r .leaf.phys /tmp/x.json)"
ptscope xlate $srv $a > /tmp/x.txt || fail "ptscope xlate failed"
cat /tmp/x.txt
grep -q "^leaf: PTE, $((PAGE / 1024)) KiB page, pfn $(pagemap_pfn $srv $a), " /tmp/x.txt || fail "text output lacks the leaf line"

a=$(addr_of anon-untouched)
ptscope -j xlate $srv $a > /tmp/x.json || fail "xlate of an untouched page failed"
expect_eq "untouched page has no leaf" null "$(jq -c .leaf /tmp/x.json)"
expect_eq "pagemap agrees" absent "$(pagemap_pfn $srv $a)"

a=$(addr_of anon-prot-none)
ptscope -j xlate $srv $a > /tmp/x.json || fail "xlate of a PROT_NONE page failed"
expect_eq "PROT_NONE leaf: protnone, no hardware P bit" "protnone" \
	"$(jq -r --arg p $FLAG_PRESENT '.levels[-1].flags | map(select(. == $p or . == "protnone")) | join(" ")' /tmp/x.json)"
expect_eq "PROT_NONE pfn vs pagemap" "$(pagemap_pfn $srv $a)" "$(jq -r .leaf.pfn /tmp/x.json)"

a=$(addr_of anon-readonly)
ptscope -j xlate $srv $a > /tmp/x.json || fail "xlate of a read-only page failed"
expect_eq "read-only leaf has no $FLAG_RW" false \
	"$(jq --arg w $FLAG_RW '.levels[-1].flags | index($w) != null' /tmp/x.json)"
if [ "$ARCH" = aarch64 ]; then
	expect_eq "read-only leaf has AP[2] (ro)" true "$(jq '.levels[-1].flags | index("ro") != null' /tmp/x.json)"
fi

if grep -q '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then
	a=$(addr_of anon-thp)
	inner=$((a + 5 * PAGE))
	ptscope -j xlate $srv $inner > /tmp/x.json || fail "xlate in a THP failed"
	if [ "$(pagemap_pfn $srv $inner)" != absent ] &&
	   grep -q '^AnonHugePages: *[1-9]' /proc/$srv/smaps_rollup; then
		expect_eq "THP leaf level" PMD "$(jq -r .leaf.level /tmp/x.json)"
		expect_eq "THP leaf size" $HPAGE "$(jq -r .leaf.size /tmp/x.json)"
		expect_eq "THP leaf flags include huge" true "$(jq '.levels[-1].flags | index("huge") != null' /tmp/x.json)"
		expect_eq "THP pfn of page 5 vs pagemap" "$(pagemap_pfn $srv $inner)" "$(jq -r .leaf.pfn /tmp/x.json)"
	else
		echo "note: no THP was allocated for anon-thp (memory fragmented?)"
	fi
fi

echo "--- unprivileged callers"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
$U ptscope xlate $srv $(addr_of anon-written) > /tmp/u.out 2>&1
expect_eq "uid 1000 on root's process: status" 1 "$?"
grep -q "permission denied" /tmp/u.out || fail "no permission message: $(cat /tmp/u.out)"
cat /tmp/u.out

memkinds_serve /tmp/userv.out $U
usrv=$MK_PID
trap 'kill $srv $usrv 2>/dev/null' EXIT
a=$(mk_addr /tmp/userv.out anon-written)
$U ptscope -j xlate $usrv $a > /tmp/u.json || fail "uid 1000 on its own process failed: $(cat /tmp/u.json)"
expect_eq "own process: pfn hidden" 0x0 "$(jq -r .leaf.pfn /tmp/u.json)"
expect_eq "own process: table addresses hidden" 0x0 "$(jq -r '[.levels[].table_phys] | unique | join(",")' /tmp/u.json)"
expect_eq "own process: entries keep their flag bits" true \
	"$(jq --arg p $FLAG_PRESENT '.levels[-1].flags | index($p) != null' /tmp/u.json)"
e=$(jq -r '.levels[-1].entry' /tmp/u.json)
# The frame bits: x86 PTE_PFN_MASK, arm64 the output address [49, PAGE_SHIFT].
if [ "$ARCH" = aarch64 ]; then frame=$(( ((1 << 50) - 1) & ~(PAGE - 1) )); else frame=0x000ffffffffff000; fi
expect_eq "own process: no frame bits in the raw entry" 0 "$(( e & frame ))"
ptscope -j xlate $usrv $a > /tmp/r.json
expect_eq "root sees the frame of that page" "$(pagemap_pfn $usrv $a)" "$(jq -r .leaf.pfn /tmp/r.json)"

echo "--- bad input"
xerr "no such pid" 1 "no (process with pid 4000000|such process)" xlate 4000000 0x1000
xerr "kernel thread" 1 "kernel thread" xlate 2 0x1000
xerr "address beyond user space" 1 "beyond the user address space" xlate $srv 0xffffffffff600000
xerr "non-canonical address" 1 "beyond the user address space" xlate $srv 0x8000000000000000
xerr "JSON error form" 1 '^\{"error":".*kernel thread' -j xlate 2 0x1000
xerr "missing arguments" 2 "needs PID and ADDR" xlate $srv
xerr "bad pid" 2 "is not a PID" xlate abc 0x1000
xerr "bad address" 2 "is not an address" xlate $srv 0xzz
sh -c 'sleep 0 & exec sleep 10' &
zparent=$!
zombie=
for i in $(seq 1 50); do	# polled: slow kernels (the debug one) need seconds
	zombie=$(for p in /proc/[0-9]*; do
		[ "$(sed -n 's/^PPid:\t//p' $p/status 2>/dev/null)" = "$zparent" ] &&
			grep -q '^State:.*Z' $p/status && basename $p
	done | head -n 1)
	[ -n "$zombie" ] && break
	sleep 0.1
done
[ -n "$zombie" ] || fail "could not make a zombie"
grep -q '^State:.*Z' /proc/$zombie/status || fail "pid $zombie is not a zombie"
xerr "zombie" 1 "(has exited|no address space)" xlate $zombie 0x1000
kill $zparent; wait $zparent 2>/dev/null || true	# killed: status 143
