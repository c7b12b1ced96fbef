# ptscope maps from the command line: the table and JSON against
# /proc/PID/maps, counters against the walk, and bad input.
. /tests/lib.sh
load_ptscope

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT

ptscope -j maps $srv > /tmp/m.json || fail "maps -j failed: $(head -c 300 /tmp/m.json)"
jq -e . /tmp/m.json > /dev/null || fail "maps -j is not valid JSON"
expect_eq "VMA count vs /proc/PID/maps" "$(grep -vc vsyscall /proc/$srv/maps)" "$(jq '.vmas | length' /tmp/m.json)"
# Every line of /proc/PID/maps, as "start end perms name", from both sides.
grep -v vsyscall /proc/$srv/maps | while read -r range perm off dev inode name; do
	printf '%x %x %s %s\n' 0x${range%-*} 0x${range#*-} "$perm" "$name"
done | sed 's/ $//' > /tmp/want.txt
jq -r '.vmas[] | "\(.start | ltrimstr("0x")) \(.end | ltrimstr("0x")) \(.perms) \(.name)"' /tmp/m.json |
	sed 's/ $//' > /tmp/got.txt
if ! cmp -s /tmp/want.txt /tmp/got.txt; then
	diff /tmp/want.txt /tmp/got.txt | head -n 20
	fail "maps differs from /proc/PID/maps"
fi
echo "ok: start, end, perms and name of every VMA = /proc/PID/maps"
ptscope -j walk $srv > /tmp/w.json || fail "walk failed"
expect_eq "present pages = walk's present pages" "$(jq .summary.present /tmp/w.json)" \
	"$(jq '[.vmas[].present] | add' /tmp/m.json)"
expect_eq "summary present" "$(jq '[.vmas[].present] | add' /tmp/m.json)" "$(jq .summary.present /tmp/m.json)"
expect_eq "THP VMA flags include hugepage" true \
	"$(jq '[.vmas[] | select(.flags | index("hugepage"))] | length > 0' /tmp/m.json)"

ptscope maps $srv > /tmp/m.txt || fail "maps failed"
head -n 5 /tmp/m.txt
grep -q '^START ' /tmp/m.txt || fail "no header"
grep -q '\[heap\]\|\[stack\]' /tmp/m.txt || fail "no [heap] or [stack] line"
grep -q "^[0-9]* mappings, " /tmp/m.txt || fail "no summary line"

for bad in "maps" "maps x" "maps 1 2"; do
	ptscope $bad > /tmp/e.out 2>&1
	expect_eq "ptscope $bad: status" 2 "$?"
done
ptscope maps 2 > /tmp/e.out 2>&1
expect_eq "kernel thread: status" 1 "$?"
grep -q "kernel thread" /tmp/e.out || fail "kernel thread not named: $(cat /tmp/e.out)"
ptscope -j maps 4000000 > /tmp/e.out 2>&1
jq -e .error /tmp/e.out > /dev/null || fail "no JSON error: $(cat /tmp/e.out)"
/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups ptscope maps $srv > /tmp/e.out 2>&1 &&
	fail "uid 1000 listed root's maps"
grep -q "permission denied" /tmp/e.out || fail "no permission message: $(cat /tmp/e.out)"
true
