# ptscope map of live processes: the terminal map and its JSON counts of a
# process of many memory kinds against /proc/PID/maps and pagemap, and the
# fork/COW pair (cowlab picture) drawn side by side, its shared pages
# against the frames pagemap gives both processes.
. /tests/lib.sh
load_ptscope
zram_swap_on

memkinds_serve /tmp/serve.out
pid=$MK_PID
cowlab picture > /tmp/p.out &
wait_line /tmp/p.out '^ready$' 100 || fail "cowlab picture did not start"
set -- $(head -n 1 /tmp/p.out)
parent=$2 child=$4 anon=$6 shm=$8
trap 'kill $pid $parent 2>/dev/null' EXIT

echo "--- the terminal map of memkinds ($pid)"
ptscope map $pid > /tmp/map.txt || fail "map $pid failed: $(cat /tmp/map.txt)"
head -n 12 /tmp/map.txt
vmas=$(grep -vc vsyscall /proc/$pid/maps)
expect_eq "one box per mapping of /proc/PID/maps" "$vmas" "$(grep -c '│ .* │' /tmp/map.txt)"
grep -v vsyscall /proc/$pid/maps | while read -r range rest; do
	end=$(printf '0x%012x' 0x${range#*-})
	grep -q "^$end [┌├]" /tmp/map.txt || fail "no box ends at $end"
done || exit 1
grep -q '░ not present' /tmp/map.txt || fail "no legend"

echo "--- map -j's page counts against pagemap, mapping by mapping"
ptscope -j map $pid > /tmp/m.json || fail "map -j failed: $(cat /tmp/m.json)"
expect_eq "mappings in JSON" "$vmas" "$(jq '.spaces[0].vmas | length' /tmp/m.json)"
jq -r '.spaces[0].vmas[] | "\(.start) \(.end) \(.pages.present + .pages.huge + .pages.cow_shared + .pages.pinned + .pages.device) \(.pages.swapped + .pages.other)"' \
	/tmp/m.json > /tmp/counts
# pagemap's page walker skips PFN maps (VmFlags pf), such as [vvar]: not compared.
pfnmaps=$(awk '$1 ~ /^[0-9a-f]+-/ { split($1, r, "-"); s = r[1] }
	$1 == "VmFlags:" && / pf/ { print "0x" s }' /proc/$pid/smaps)
checked=0
while read -r start end present swapped; do
	if echo "$pfnmaps" | grep -qx "$(printf '0x%x' $start)"; then
		echo "skip $start-$end: a PFN map, which pagemap does not walk ($present present by ptscope)"
		checked=$((checked + 1))
		continue
	fi
	set -- $(cowlab pagecount $pid ${start#0x} ${end#0x})
	[ "$2 $4" = "$present $swapped" ] ||
		fail "$start-$end: pagemap has $2 present, $4 swapped; map -j $present and $swapped"
	checked=$((checked + 1))
done < /tmp/counts
expect_eq "mappings checked against pagemap" "$vmas" "$checked"

echo "--- an SVG of it"
ptscope map $pid --svg /tmp/mk.svg || fail "map --svg failed"
expect_eq "a box per mapping" "$vmas" "$(grep -o '<g class="vma">' /tmp/mk.svg | wc -l)"
grep -q "<title>ptscope map: pid $pid (memkinds)</title>" /tmp/mk.svg || fail "no title"
grep -q "kernel $(uname -r)</text>" /tmp/mk.svg || fail "the title does not name the kernel"

echo "--- the fork/COW pair: parent $parent, child $child"
ptscope map $parent $child --svg /tmp/fork.svg || fail "map of the pair failed"
expect_eq "boxes: both processes' mappings" \
	"$(( $(grep -vc vsyscall /proc/$parent/maps) + $(grep -vc vsyscall /proc/$child/maps) ))" \
	"$(grep -o '<g class="vma">' /tmp/fork.svg | wc -l)"
grep -q 'class="l k0" d="M[^"]*C' /tmp/fork.svg || fail "no COW-shared line"
grep -q 'class="l k1" d="M[^"]*C' /tmp/fork.svg || fail "no shared-mapping line"
ptscope -j map $parent $child > /tmp/f.json || fail "map -j of the pair failed"
for what in "anon $anon $((anon + 8 * 1048576)) cow_shared" "shared $shm $((shm + 1048576)) cow_shared"; do
	set -- $what
	same=$(cowlab pagecount $parent $(printf '%x %x' $2 $3) $child | awk '{ print $6 }')
	got=$(jq --arg s "$(printf '0x%x' $2)" '.spaces[1].vmas[] | select(.start == $s) | .shared_pages' /tmp/f.json)
	expect_eq "$1: pages sharing a frame (pagemap of both) = map's" "$same" "$got"
done
# cowlab picture: the child writes the first quarter of 8 MiB and every
# eighth page of the rest (4 KiB pages: 512 + 192 of 2048, 1344 left).
n=$((8 * 1048576 / PAGE))
left=$((n - n / 4 - (n - n / 4) / 8))
expect_eq "anon: the child wrote $((n / 4)) + $(((n - n / 4) / 8)) pages, $left still COW-shared" $left \
	"$(jq --arg s "$(printf '0x%x' $anon)" '.spaces[1].vmas[] | select(.start == $s) | .pages.cow_shared' /tmp/f.json)"
expect_eq "the shared mapping's $((1048576 / PAGE)) pages joined as shared_mapping" true \
	"$(jq ".shared.shared_mapping >= $((1048576 / PAGE))" /tmp/f.json)"

echo "--- permissions"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
$U ptscope map self > /tmp/self.txt || fail "an unprivileged map of itself failed"
grep -q '\[stack\]' /tmp/self.txt || fail "its own map lacks [stack]"
out=$($U ptscope map self self --svg /tmp/u.svg 2>&1)
expect_eq "an unprivileged pair: refused (frame numbers)" 1 "$?"
echo "$out" | grep -q "needs CAP_SYS_ADMIN" || fail "unprivileged pair: '$out'"
out=$($U ptscope map $pid 2>&1)
expect_eq "another user's process: refused" 1 "$?"
echo "$out"
kill $pid $parent
