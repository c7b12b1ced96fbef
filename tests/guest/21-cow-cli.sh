# Copy-on-write from the command line: walk --cow and the COW columns of
# maps on a forked pair, against smaps' Shared/Private counters and pagemap;
# share on the pair and on ten processes running the same program, against
# pagemap's frames.
. /tests/lib.sh
load_ptscope

cowlab forked > /tmp/f.out &
await_line /tmp/f.out '^ready$'
set -- $(head -n 1 /tmp/f.out)
parent=$2 child=$4 a=$6
trap 'kill $parent 2>/dev/null; kill $pids 2>/dev/null' EXIT
echo "parent $parent, child $child, 4 written pages at $a"

echo "--- before any write: one frame, COW-shared in both"
for p in $parent $child; do
	ptscope -j walk --cow $p $a+$(pages 4) > /tmp/w.json || fail "walk --cow $p failed"
	# (Runs may split where reference counts differ, as pages leave LRU batches.)
	expect_eq "$p: 4 pages, all cow-shared" "4 cow-shared copies the frame" \
		"$(jq -r '"\(.summary.pages) \([.records[].cow] | unique | join(",")) \(.records[0].write)"' /tmp/w.json)"
	expect_eq "$p: pfn vs pagemap" "$(pagemap_pfn $p $a)" "$(jq -r '.records[0].pfn' /tmp/w.json)"
done
ptscope walk $parent $a+$(pages 4)
# smaps: the VMA's pages are Shared (mapcount 2); maps' cow-shared says the same.
smaps_kb() { awk -v a=$(printf '%x' $2) -v k="$3:" '
	$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { split($1, r, "-"); inside = (r[1] "" == a "") }	# as strings: "55e0991" is a number to awk
	inside && $1 == k { print $2 }' /proc/$1/smaps; }
vma_of() { ptscope -j maps $1 | jq -c --arg a "$2" '.vmas[] | select(.start == $a)'; }
# The VMA holding a: the mapping may have merged with a neighbour.
vma_start() {
	local s e rest
	while IFS='- ' read -r s e rest; do
		if [ $((0x$s)) -le $(($2)) ] && [ $(($2)) -lt $((0x$e)) ]; then
			printf '0x%x\n' $((0x$s))
			return
		fi
	done < /proc/$1/maps
}
a_vma=$(vma_start $parent $a)
v=$(vma_of $parent "$a_vma")
[ -n "$v" ] || fail "no VMA holds $a"
shared=$(( $(smaps_kb $parent $a_vma Shared_Clean) + $(smaps_kb $parent $a_vma Shared_Dirty) ))
expect_eq "maps cow-shared pages x page kB = smaps Shared kB" "$shared" \
	"$(( $(echo "$v" | jq '.cow."cow-shared"') * PAGE / 1024 ))"
ptscope maps $parent | grep -E "^(START|$(printf '0x%012x' $a_vma))"

ptscope walk $child -o /tmp/before.snap > /dev/null || fail "walk -o failed"
old_pfn=$(pagemap_pfn $child $a)

echo "--- the child writes its first page"
kill -USR1 $child
wait_line /tmp/f.out '^wrote$' 50 || fail "the child did not write"
ptscope -j walk --pages $child $a+$(pages 1) > /tmp/c.json
ptscope -j walk --pages $parent $a+$(pages 1) > /tmp/p.json
expect_eq "child: its own frame, writable" writable "$(jq -r '.records[0].cow' /tmp/c.json)"
expect_eq "parent: reusable" reusable "$(jq -r '.records[0].cow' /tmp/p.json)"
[ "$(jq -r '.records[0].pfn' /tmp/c.json)" != "$(jq -r '.records[0].pfn' /tmp/p.json)" ] ||
	fail "parent and child still share the written page"
expect_eq "child pfn vs pagemap" "$(pagemap_pfn $child $a)" "$(jq -r '.records[0].pfn' /tmp/c.json)"
v=$(vma_of $parent $a_vma)
private=$(( $(smaps_kb $parent $a_vma Private_Clean) + $(smaps_kb $parent $a_vma Private_Dirty) ))
expect_eq "maps writable + reusable pages x page kB = smaps Private kB" "$private" \
	"$(( ($(echo "$v" | jq '.cow.writable') + $(echo "$v" | jq '.cow.reusable')) * PAGE / 1024 ))"
ptscope -j walk --cow $parent $a+$(pages 4) > /tmp/w.json
expect_eq "--cow keeps the 4 pages" 4 "$(jq .summary.pages /tmp/w.json)"

echo "--- diff: the snapshot from before the write against the child now"
ptscope diff /tmp/before.snap $child
ptscope -j diff /tmp/before.snap $child > /tmp/d.json || fail "diff failed: $(cat /tmp/d.json)"
expect_eq "the written page: frame and COW state changed" \
	"1 $old_pfn cow-shared $(pagemap_pfn $child $a) writable" \
	"$(jq -r --arg a $(printf '0x%x' $a) '.changes[] | select(.addr == $a) | "\(.nr_pages) \(.before.pfn) \(.before.cow) \(.after.pfn) \(.after.cow)"' /tmp/d.json)"
ptscope -j diff $parent $child $a+$(pages 4) > /tmp/d2.json || fail "diff of two pids failed"
# (Entries of pages still shared may differ too: fork makes the child's old.)
expect_eq "parent vs child over the 4 pages: only the written one has another frame" 1 \
	"$(jq '[.changes[] | select(.before.pfn != .after.pfn) | .nr_pages] | add' /tmp/d2.json)"
ptscope -j diff /tmp/before.snap /tmp/before.snap > /tmp/d3.json
expect_eq "a snapshot against itself" 0 "$(jq .summary.changed /tmp/d3.json)"
head -n 3 /tmp/before.snap > /tmp/cut.snap
xerr "cut short" 1 "is cut short" diff /tmp/cut.snap $child
xerr "not a snapshot" 1 "is not a ptscope snapshot" diff /proc/version $child
xerr "missing" 1 "cannot open snapshot '/nonexistent'" diff /nonexistent $child
xerr "-o with a filter" 2 "does not combine with filters" walk $child --present -o /tmp/x.snap

echo "--- share: the pair"
ptscope share $parent $child | head -n 8
ptscope -j share $parent $child > /tmp/s.json || fail "share failed: $(cat /tmp/s.json)"
expect_eq "the 3 unwritten pages are COW-shared between the two" 1 \
	"$(jq --argjson p $parent --argjson c $child '[.groups[] | select(.name == "[anon]" and .cow == "cow-shared" and .pids == [$p, $c] and .pages >= 3)] | length' /tmp/s.json)"

echo "--- share: one copy of the program's text serves ten processes"
pids=
for i in $(seq 1 10); do cowlab sleep & pids="$pids $!"; done
sleep 1
ptscope share $pids | head -n 6
ptscope -j share $pids > /tmp/t.json || fail "share of ten failed: $(cat /tmp/t.json)"
libc=$(jq -r '[.groups[] | select((.name | endswith("/libc.so.6")) and .perms == "r-xp" and .processes == 10)] | .[0]' /tmp/t.json)
[ "$libc" != null ] || fail "no libc.so.6 r-xp group shared by the ten"
echo "libc text: $libc"
set -- $(cowlab same-frames libc.so.6 $pids)
expect_eq "pages of libc's text present in all ten (pagemap) = share's group" "$2" \
	"$(echo "$libc" | jq .pages)"
expect_eq "pages whose frames differ between processes (pagemap)" 0 "$4"
expect_eq "mappings = 10 per page" "$(( $(echo "$libc" | jq .pages) * 10 ))" "$(echo "$libc" | jq .mappings)"
ptscope -j share --all > /tmp/all.json || fail "share --all failed"
[ "$(jq .processes /tmp/all.json)" -ge 12 ] || fail "share --all saw $(jq .processes /tmp/all.json) processes"
echo "ok: share --all over $(jq .processes /tmp/all.json) processes, $(jq .summary.frames /tmp/all.json) shared frames"

echo "--- refusals"
xerr "share without PIDs" 2 "share needs PIDs, or --all" share
xerr "--all elsewhere" 2 "option --all applies to share only" walk $parent --all
xerr "--cow elsewhere" 2 "option --cow applies to walk only" maps $parent --cow
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
cowlab sleep &
upid=$!
out=$($U ptscope share self 2>&1)
echo "uid 1000: $out"
echo "$out" | grep -q "it needs CAP_SYS_ADMIN" || fail "share without privilege: $out"
kill $upid
true
