# Where pages live: the NUMA node and memory cgroup of each page (walk
# --placement, check node= and cgroup=), against move_pages(2), numa_maps
# and /proc/kpagecgroup (tests/prog/placelab.c), as root and as uid 1000,
# from the module and the procfs source. tests/run boots a guest with two
# NUMA nodes for it; with one, the cross-node cases are skipped.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
load_ptscope
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup ||
	echo "no cgroup2: the cgroup checks skip"
echo madvise > /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
cd /tmp

placelab cgroups > /tmp/pl-root.out 2>&1
rc=$?
lab_tap placelab /tmp/pl-root.out && [ $rc = 0 ] || fail "placement differs from its oracles (root)"
$U placelab > /tmp/pl-user.out 2>&1
rc=$?
lab_tap "placelab uid 1000" /tmp/pl-user.out && [ $rc = 0 ] ||
	fail "placement differs from its oracles (uid 1000)"

# The CLI: assertions for CI, and what walk prints.
placelab serve > /tmp/pl-serve.out 2>&1 &
lab=$!
wait_line /tmp/pl-serve.out '^ready$' 300 || { cat /tmp/pl-serve.out; fail "placelab serve did not start"; }
last=$(mk_addr /tmp/pl-serve.out last_node)
b0=$(mk_addr /tmp/pl-serve.out bound0)
bl=$(mk_addr /tmp/pl-serve.out bound_last)
ch=$(mk_addr /tmp/pl-serve.out charged)
R="+$(pages 64)"
lab_check "check node=0 holds on pages bound to node 0" ptscope check $lab "$b0$R" node=0
lab_check "check count(node=$last) on pages bound to node $last" \
	ptscope check $lab "$bl$R" "count(node=$last)=64"
if [ "$last" != 0 ]; then
	ptscope check $lab "$b0$R" node=$last
	expect_eq "check node=$last fails on node 0's pages (exit 1)" 1 $?
fi
xerr "check node=x is refused" 2 "not a node number" check $lab "$b0$R" node=x
xerr "check cgroup= of a cgroup that does not exist" 2 "no cgroup '/nonesuch'" \
	check $lab "$b0$R" cgroup=/nonesuch
if [ -n "$ch" ]; then
	lab_check "check cgroup=/placelab-serve holds where it charged" \
		ptscope check $lab "$ch$R" cgroup=/placelab-serve present
	ptscope check $lab "$ch$R" cgroup=/
	expect_eq "check cgroup=/ fails there (exit 1)" 1 $?
	out=$(ptscope -j walk --placement --present $lab "$ch$R")
	echo "$out" | head -c 600
	echo
	echo "$out" | grep -q '"path":"/placelab-serve"' &&
		check_ok "walk -j --placement names the cgroup's path" ||
		fail "walk -j --placement: no cgroup path /placelab-serve"
	out=$(ptscope walk --placement --present $lab "$ch$R")
	echo "$out" | grep -q "node=[0-9]* cgroup=/placelab-serve" &&
		check_ok "walk --placement prints node= and cgroup=" ||
		fail "walk --placement text: $out"
else
	check_skip "cgroup checks" "no cgroup2 memory controller"
fi
# map --by node: its counts are the walk's, live and from a snapshot (walk -o --placement).
node_pages() { # the walk's present pages on node $1
	ptscope -j walk --placement --present $lab | tr '{' '\n' | grep "\"node\":$1," |
		sed 's/.*"nr_pages":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s + 0 }'
}
map_node_pages() { # node $1's pages in the summary of "map -j --by node" (args $2...)
	n=$1
	shift
	ptscope -j map --by node "$@" | sed 's/.*"summary"://' | sed -n "s/.*\"node$n\":\([0-9]*\).*/\1/p"
}
ptscope map --by node --width 72 $lab | head -12
for n in 0 $last; do
	expect_eq "map --by node: node $n's pages as the walk counts them" "$(node_pages $n)" \
		"$(map_node_pages $n $lab)"
done
ptscope walk --placement -o /tmp/pl.snap $lab > /dev/null || fail "walk --placement -o"
grep -q " node=[0-9]" /tmp/pl.snap || fail "the snapshot keeps no node"
expect_eq "map --by node of the snapshot: node $last's pages as live" "$(node_pages $last)" \
	"$(map_node_pages $last -i /tmp/pl.snap)"
ptscope -j map --by bogus $lab > /dev/null 2>&1
expect_eq "map --by bogus is refused (exit 2)" 2 $?
# A non-root caller: no cgroup (skipped, never passed), and another's process refused.
$U placelab serve > /tmp/pl-userserve.out 2>&1 &
ulab=$!
wait_line /tmp/pl-userserve.out '^ready$' 300 || fail "placelab serve (uid 1000) did not start"
ub0=$(mk_addr /tmp/pl-userserve.out bound0)
lab_check "uid 1000: check node=0 on its own pages" $U ptscope check $ulab "$ub0$R" node=0
$U ptscope check $ulab "$ub0$R" cgroup=/ > /tmp/pl-uc.out 2>&1
rc=$?
cat /tmp/pl-uc.out
[ $rc = 0 ] && grep -q "SKIP.*CAP_SYS_ADMIN" /tmp/pl-uc.out &&
	check_ok "uid 1000: cgroup= is skipped, naming why" ||
	fail "uid 1000: cgroup= gave exit $rc"
out=$($U ptscope -j walk --placement --present $ulab "$ub0$R")
echo "$out" | grep -q '"cgroup":null' && ! echo "$out" | grep -q '"inode"' &&
	check_ok "uid 1000: walk --placement shows no cgroup" ||
	fail "uid 1000 saw a cgroup: $out"
$U ptscope walk --placement $lab "$b0$R" > /tmp/pl-deny.out 2>&1
rc=$?
cat /tmp/pl-deny.out
[ $rc = 1 ] && grep -qi "permi\|not allowed\|EPERM\|denied" /tmp/pl-deny.out &&
	check_ok "uid 1000: root's process refused" || fail "uid 1000 walked root's process (exit $rc)"
kill $lab $ulab
wait $lab $ulab 2>/dev/null
rmdir /sys/fs/cgroup/placelab-serve 2>/dev/null
unload_ptscope
