# make bench, inside the guest: ptscope against pagemap and friends, then
# the CLI end to end on the same 1 GiB (timed, peak RSS), from this shell.
. /tests/lib.sh
# The fault path without the module and with it loaded and recording, in
# turns (three each: a single pair drifts by more than the effect), median.
fault_round() {
	bench faults 200 > /tmp/f.out || fail "fault rounds failed: $(cat /tmp/f.out)"
	sed -n 's/^fault-round-ns //p' /tmp/f.out >> "$1"
}
for i in 1 2 3; do
	fault_round /tmp/faults-off.out
	load_ptscope
	fault_round /tmp/faults-on.out
	[ $i = 3 ] || unload_ptscope
done
bench > /tmp/bench.out 2>&1 &
b=$!
for i in $(seq 1 1200); do grep -q '^cli-target' /tmp/bench.out && break; sleep 0.5; done
grep -q '^cli-target' /tmp/bench.out || fail "bench did not finish: $(cat /tmp/bench.out)"
set -- $(grep '^cli-target' /tmp/bench.out)
busybox time -v ptscope -j walk --pages $2 $3 > /dev/null 2> /tmp/time.out || fail "the CLI walk failed"
kill -CONT $b
wait $b
grep -v '^cli-target' /tmp/bench.out
secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \([0-9]*\)m \([0-9.]*\)s/\1 \2/p' /tmp/time.out)
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/time.out)
echo "$secs" | awk -v rss=$rss '{ printf "%-58s %12.0f\n%-58s %9d KiB\n",
	"cli: ptscope -j walk --pages 1 GiB to /dev/null, ns/page", ($1 * 60 + $2) * 1e9 / 262144,
	"cli: peak RSS of that walk", rss }'
off=$(sort -n /tmp/faults-off.out | sed -n 2p)
on=$(sort -n /tmp/faults-on.out | sed -n 2p)
recorded=$(ptscope -j info | jq -r .faults 2>/dev/null)
awk -v off="$off" -v on="$on" -v n="$recorded" 'BEGIN {
	printf "%-58s %12.0f %8s\n%-58s %12.0f %8.2f\n",
		"faults: fork + SIGSEGV + wait, module unloaded (ns)", off, "1.00",
		"faults: the same, module loaded and recording (ns)", on, on / off
	printf "%-58s %12s\n", "faults: records made by the last loaded module", n }'
