# make bench, inside the guest: ptscope against pagemap and friends, then
# the CLI end to end on the same 1 GiB (timed, peak RSS), from this shell.
. /tests/lib.sh
# The fault path (tests/prog/faultbench.c): crashes, and handled SIGSEGVs
# with 20 and with 4,000 file mappings below the faulting address, with
# the module unloaded and loaded (recording) in quick turns: on a busy host
# the machine drifts by more than the effect within a minute, so each
# loaded figure is compared with the unloaded one just before it, and the
# ratio printed is the median of seven such pairs.
fault_round() {	# fault_round off|on
	faultbench crash 40 > /tmp/f.out || fail "fault rounds failed: $(cat /tmp/f.out)"
	sed -n 's/^fault-round-ns //p' /tmp/f.out >> /tmp/faults-$1.out
	for maps in 20 4000; do
		faultbench handled $maps 5000 > /tmp/f.out || fail "handled faults failed: $(cat /tmp/f.out)"
		sed -n "s/^handled-ns $maps //p" /tmp/f.out >> /tmp/handled-$maps-$1.out
	done
}
# The kernel's "segfault at" lines go to the serial console, which under
# TCG costs more than the fault: measure the fault path, not the console.
echo 0 > /proc/sys/debug/exception-trace
for i in 1 2 3 4 5 6 7; do
	fault_round off
	load_ptscope
	fault_round on
	[ $i = 7 ] || unload_ptscope
done
start_target /tmp/bench.out 600 bench
b=$TARGET
set -- $(grep '^cli-target' /tmp/bench.out)
busybox time -v ptscope -j walk --pages $2 $3 > /dev/null 2> /tmp/time.out || fail "the CLI walk failed"
busybox time -v ptscope walk $2 $3 > /dev/null 2> /tmp/time-runs.out || fail "the CLI text walk failed"
busybox time -v ptscope walk --fields entry $2 $3 > /dev/null 2> /tmp/time-entry.out ||
	fail "the CLI text walk of entries failed"
# check -f: 1,000 one-page checks spread over the 1 GiB (every 262nd page),
# which share walks, against one check of one page run 20 times.
base=${3%+*}
i=0
while [ $i -lt 1000 ]; do
	echo "$2 $((base + i * 262 * PAGE))+$(pages 1) present writable"
	i=$((i + 1))
done > /tmp/bench.checks
busybox time -v ptscope check -f /tmp/bench.checks > /tmp/check.tap 2> /tmp/time-check.out ||
	fail "check -f failed: $(grep -m 3 '^#' /tmp/check.tap)"
busybox time -v sh -c "for i in \$(seq 1 20); do ptscope check $2 $base+$(pages 1) present writable ||
	exit 1; done" > /dev/null 2> /tmp/time-check1.out || fail "a check of one page failed"
kill -CONT $b
wait $b
grep -v '^cli-target' /tmp/bench.out
# cli_row WHAT TIME-FILE N BASE_NS: ns per item of a CLI run over N items
# (pages, checks), and its ratio to BASE_NS measured above: the in-process
# pread of the same 1 GiB of pagemap (per page), or the pagemap +
# kpageflags pair (per address).
pm_ns=$(awk '/^dense: pagemap, PFN only/ { print $(NF - 1) }' /tmp/bench.out)
pair_ns=$(sed -n 's/.*"pair_ns":\([0-9]*\).*/\1/p' /tmp/bench.out)
cli_row() {
	time_secs "$2" | awk -v what="$1" -v n="$3" -v base="$4" '{ ns = $1 * 1e9 / n
			printf "%-58s %12.0f %8.2f\n", what, ns, ns / base }'
}
cli_row "cli: ptscope walk (runs, text) of 1 GiB, vs pagemap" /tmp/time-runs.out 262144 "$pm_ns"
cli_row "cli: ptscope walk --fields entry (runs, text), vs pagemap" /tmp/time-entry.out 262144 "$pm_ns"
cli_row "cli: ptscope -j walk --pages of 1 GiB, vs pagemap" /tmp/time.out 262144 "$pm_ns"
printf "%-58s %9d KiB\n" "cli: peak RSS of that walk" "$(time_rss /tmp/time.out)"
cli_row "cli: check -f of 1,000 one-page checks (ns each, vs pair)" /tmp/time-check.out 1000 "$pair_ns"
cli_row "cli: one check of one page, its own run (vs pair)" /tmp/time-check1.out 20 "$pair_ns"
# pair WHAT OFF-FILE ON-FILE: the medians unloaded and loaded, and the median
# of the turns' ratios.
pair() {
	paste "$2" "$3" | awk -v what="$1" '{ off[NR] = $1; on[NR] = $2; r[NR] = $2 / $1 }
	function med(a, n,  i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return a[int((n + 1) / 2)] }
	END { n = NR
		printf "%-58s %12.0f %8s\n%-58s %12.0f %8.2f\n",
			"faults: " what ", unloaded (ns)", med(off, n), "1.00",
			"faults: the same, module loaded and recording (ns)", med(on, n), med(r, n) }'
}
pair "fork + SIGSEGV + wait" /tmp/faults-off.out /tmp/faults-on.out
pair "handled SIGSEGV, 20 file mappings" /tmp/handled-20-off.out /tmp/handled-20-on.out
pair "handled SIGSEGV, 4000 file mappings" /tmp/handled-4000-off.out /tmp/handled-4000-on.out
info=$(ptscope -j info 2>/dev/null)
printf "%-58s %12s\n%-58s %12s\n" "faults: records made by the last loaded module" \
	"$(echo "$info" | jq -r .faults)" "faults: dropped by it (throttled, or replaced in the ring)" \
	"$(echo "$info" | jq -r .faults_dropped)"
