# What tests/demo/pictures runs in the guest: the fork/COW pair and a process
# of many memory kinds, saved as snapshots (walk -o) and printed between
# markers for the host to take out.
. /tests/lib.sh
load_ptscope
zram_swap_on > /dev/null

emit() {	# emit NAME FILE: FILE's lines between markers
	echo "=== BEGIN $1"
	cat "$2"
	echo "=== END $1"
}

cowlab picture > /tmp/p.out &
wait_line /tmp/p.out '^ready$' 100 || fail "cowlab picture did not start"
set -- $(head -n 1 /tmp/p.out)
parent=$2 child=$4
ptscope walk $parent -o /tmp/parent.snap > /dev/null || fail "walk -o $parent failed"
ptscope walk $child -o /tmp/child.snap > /dev/null || fail "walk -o $child failed"
ptscope map $parent
emit fork-parent.snap /tmp/parent.snap
emit fork-child.snap /tmp/child.snap
kill $parent

memkinds_serve /tmp/serve.out
ptscope walk $MK_PID -o /tmp/memkinds.snap > /dev/null || fail "walk -o memkinds failed"
ptscope map $MK_PID
emit memkinds.snap /tmp/memkinds.snap
kill $MK_PID
