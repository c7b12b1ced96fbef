# make bench (after bench.sh), inside the guest: ptscope's cost per page on processes
# of 1, 4 and 16 GiB (flat within 10%?), the CLI's peak RSS on the largest,
# and 100,000 mappings (maps, walk and map against reading /proc/PID/maps).
# Figures, not pass/fail; ratios from the same run.
. /tests/lib.sh
load_ptscope
# timed WHAT CMD...: wall time and peak RSS of CMD (output discarded), one
# row; with PER_PAGE_OF=N also ns per page of N pages and the ratio to
# PAGEMAP_NS (pagemap's ns per page, measured by scalebench in this run).
timed() {
	what=$1
	shift
	busybox time -v "$@" > /dev/null 2> /tmp/time.out || fail "$what failed: $(tail -3 /tmp/time.out)"
	time_secs /tmp/time.out | awk -v what="$what" -v rss="$(time_rss /tmp/time.out)" \
		-v n="${PER_PAGE_OF:-0}" -v pm="${PAGEMAP_NS:-0}" '{
		t = $1
		if (n) printf "%-50s %9.3f s %7d KiB %7.0f ns/page %7.2fx\n", what, t, rss, t * 1e9 / n, t * 1e9 / n / pm
		else printf "%-50s %9.3f s %7d KiB\n", what, t, rss }'
}

sizes=$(echo "${SCALE_GIB:-1,4,16}" | tr , " ")
start_target /tmp/walk.out 3600 scalebench walk $sizes
grep -v '^cli-target' /tmp/walk.out
set -- $(grep '^cli-target' /tmp/walk.out)
pid=$2 range=$3
gib=$(( ${range#*+} >> 30 ))
pages=$(( ${range#*+} / PAGE ))
PAGEMAP_NS=$(awk -v g="$gib GiB:" 'index($0, g " pagemap") == 1 { print $(NF - 1) }' /tmp/walk.out)
export PAGEMAP_NS PER_PAGE_OF=$pages
echo "cli on the ${gib} GiB process ($pages pages; ratio: to pagemap's $PAGEMAP_NS ns a page above)"
timed "ptscope walk (runs, text)" ptscope walk $pid $range
timed "ptscope walk --fields entry (runs, text)" ptscope walk --fields entry $pid $range
timed "ptscope -j walk --pages" ptscope -j walk --pages $pid $range
timed "ptscope -j walk --pages --fields entry" ptscope -j walk --pages --fields entry $pid $range
unset PER_PAGE_OF
kill -9 $pid

maps=${SCALE_MAPS:-100000}
sysctl -qw vm.max_map_count=$((maps * 2 + 1000)) 2>/dev/null ||
	echo $((maps * 2 + 1000)) > /proc/sys/vm/max_map_count
start_target /tmp/maps.out 3600 scalebench maps $maps
grep -v '^cli-target' /tmp/maps.out
set -- $(grep '^cli-target' /tmp/maps.out)
pid=$2
echo "mappings of the process: $(wc -l < /proc/$pid/maps)"
echo "cli on $maps mappings"
timed "cat /proc/PID/maps" cat /proc/$pid/maps
timed "ptscope maps" ptscope maps $pid
timed "ptscope -j maps" ptscope -j maps $pid
timed "ptscope walk (runs, text)" ptscope walk $pid
timed "ptscope map (the terminal picture)" ptscope map $pid
kill -9 $pid
echo "scale: done"
