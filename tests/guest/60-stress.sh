# Stress: walkers (maps, walk, xlate, dma, share, check, explain, faults,
# the debugfs mirrors, a follower) in parallel against two targets whose
# address spaces never hold still (tests/prog/churn.c: mmap, munmap,
# mprotect, mremap, fork, exec, MADV_DONTNEED, MADV_PAGEOUT to zram,
# MADV_COLLAPSE, THP splits, KSM, segfaults), while the module is unloaded
# and loaded again every few seconds under them. Passes when every walker
# run ended with success or a refusal that says why (never a crash or a
# silent failure), the targets found their memory intact, and the kernel
# stayed quiet (no warning, no hung task: the harness reads its log).
# STRESS_SECONDS sets the length (default 60; make stress: 600).
. /tests/lib.sh
secs=${STRESS_SECONDS:-60}
load_ptscope
zram_swap_on
ksm_start
# Report tasks blocked for 20 s (the default, 120 s, is longer than a short run).
[ -w /proc/sys/kernel/hung_task_timeout_secs ] && echo 20 > /proc/sys/kernel/hung_task_timeout_secs
rm -f /tmp/stress-bad /tmp/stress-counts
# The load itself runs at the lowest priority, as the kernel's own
# background threads do (khugepaged, ksmd: nice 19): eleven busy loops at
# nice 0 would starve one of them, preempted (preempt=full) inside an RCU
# read section or holding an mmap lock, into RCU-stall and hung-task reports
# that say nothing of ptscope.
renice -n 19 $$ > /dev/null
end=$(( $(date +%s) + secs ))

churn $secs > /tmp/churn1.out 2>&1 &
c1=$!
churn $secs > /tmp/churn2.out 2>&1 &
c2=$!
await_line /tmp/churn1.out '^ready$'
await_line /tmp/churn2.out '^ready$'
echo "targets $c1 $c2, $secs s"

# An address of the target: the start of one of its mappings, at random.
some_addr() {
	sed -n "$((RANDOM % 12 + 1))p" /proc/$1/maps 2>/dev/null | cut -d- -f1 | sed 's/^/0x/'
}

# walker NAME MAXRC CMD...: CMD again and again until the end. Status 0, or
# up to MAXRC with a message (the target exec'd or exited, the module was
# being reloaded) is fine; anything else (a crash: 128+signal) or a failure
# without a message is not.
walker() {
	name=$1 maxrc=$2
	shift 2
	n=0
	while [ "$(date +%s)" -lt $end ]; do
		eval "$@" > /tmp/stress-$name.out 2> /tmp/stress-$name.err
		rc=$?
		n=$((n + 1))
		# Under -j the message is the JSON error object on stdout; check
		# prints its errors as "ERROR:" lines there.
		grep -E '"error":"[^"]|^ERROR: |^FAIL: ' /tmp/stress-$name.out >> /tmp/stress-$name.err
		if [ $rc -gt $maxrc ] || { [ $rc != 0 ] && [ ! -s /tmp/stress-$name.err ]; }; then
			echo "$name: status $rc: $(head -c 300 /tmp/stress-$name.err)" \
				"(output ends: $(tail -c 200 /tmp/stress-$name.out))" >> /tmp/stress-bad
		fi
	done
	echo "$name $n" >> /tmp/stress-counts
}
D=/sys/kernel/debug/ptscope
walker maps 1 'ptscope maps $c1' &
walker walk 1 'ptscope walk $c2' &
walker pages 1 'ptscope -j walk --pages $c1' &
walker xlate 1 'ptscope xlate $c2 $(some_addr $c2)' &
walker explain 1 'ptscope explain $c1 $(some_addr $c1) --access write' &
walker dma 1 'ptscope dma $c2' &
walker share 1 'ptscope share $c1 $c2' &
walker check 2 'ptscope check $c1 "[stack]" present' &	# 1: an assertion failed
walker faults 1 'ptscope -j faults' &
# debugfs_req FILE REQUEST: a request and its answer. The shell's echo fails
# silently when write() is refused (as it is while the module goes away).
debugfs_req() {
	echo "$2" > $D/$1 || { echo "write to $1 refused (status $?)" >&2; return 1; }
	cat $D/$1
}
walker debugfs-walk 1 'debugfs_req walk $c1' &
walker debugfs-maps 1 'debugfs_req maps $c2' &
ptscope -j faults --follow > /tmp/follow.out 2>&1 &
follower=$!

# The module goes and comes back under all of that: rmmod refuses while a
# request holds it (EAGAIN: in use) and is retried; an unload lets the
# requests in flight finish. Never a crash.
unloads=0 refusals=0
while [ "$(date +%s)" -lt $end ]; do
	sleep 2
	for try in $(seq 1 30); do
		if rmmod ptscope 2> /tmp/rmmod.err; then
			unloads=$((unloads + 1))
			sleep 0.5
			insmod $PTSCOPE_KO || echo "insmod after an unload failed" >> /tmp/stress-bad
			break
		fi
		refusals=$((refusals + 1))
		grep -q "in use\|busy\|temporarily unavailable" /tmp/rmmod.err ||
			echo "rmmod: $(cat /tmp/rmmod.err)" >> /tmp/stress-bad
		sleep 0.1
	done
done
wait $c1
r1=$?
wait $c2
r2=$?
kill $follower 2>/dev/null
wait
lsmod | grep -q '^ptscope' || load_ptscope
ksm_stop

echo "module unloaded and reloaded $unloads times under load ($refusals refusals: in use, retried)"
echo "walker runs: $(sort /tmp/stress-counts | tr '\n' ' ')"
grep -h '^churn:' /tmp/churn1.out /tmp/churn2.out | sort | uniq -c
expect_eq "target 1 exit status" 0 $r1
expect_eq "target 2 exit status" 0 $r2
grep -q CORRUPT /tmp/churn1.out /tmp/churn2.out && fail "$(grep -h CORRUPT /tmp/churn*.out)"
[ -s /tmp/stress-bad ] && fail "bad walker runs: $(head -n 20 /tmp/stress-bad)"
[ "$unloads" -gt 0 ] || fail "the module was never unloaded under load"
ptscope info > /dev/null || fail "ptscope info after the stress failed"
echo "stress passed"
