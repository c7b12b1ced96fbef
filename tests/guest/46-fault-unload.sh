# Load and unload against the fault recorder: CLEAR_FAULTS and GET_INFO in
# a tight loop (tests/prog/clearloop.c) while the module is loaded and
# unloaded over and over, and each unload raced against the return of a
# crash's task_work (the module is unloaded the moment the last one has
# dropped its reference). The race build keeps each task_work, after its
# module_put, in module text for race_preempt_ms (a second here, far
# longer than an unload takes) as a preemption could, and the unload must
# wait for it to leave; the ordinary module runs the same loop with the
# window as narrow as it is. The kernel log is the verdict: the harness
# fails the run on any oops or warning.
. /tests/lib.sh
# Each load and unload flips the signal_generate tracepoint's static key,
# patching __send_signal_locked with int3. Under QEMU's TCG a vCPU running
# that code as it is patched can trap on an int3 already gone (a QEMU
# cross-modifying-code race, which the harness also meets at boot; real
# CPUs are kept safe by the patching protocol). So this test and all it
# starts run on CPU 0, where no other CPU sends its signals mid-patch.
taskset -p 1 $$ > /dev/null || fail "cannot pin the test to CPU 0"
secs=${UNLOAD_SECONDS:-30}
R=/sys/module/ptscope/parameters/race_preempt_ms
load_ptscope
race=no n=10
[ -e $R ] && race=yes n=3
echo "race build: $race"
clearloop $((secs + 130)) > /tmp/cl.out 2>&1 &
cl=$!
end=$(($(date +%s) + secs))
cycles=0 raced=0
# At least 5 cycles, however slow the machine (one CPU, under emulation).
while [ $(date +%s) -lt $end ] || { [ $cycles -lt 5 ] && [ $(date +%s) -lt $((end + 120)) ]; }; do
	[ $race = yes ] && echo 1000 > $R
	crashlab burst $n &
	b=$!
	# Once a task_work holds the module, unload it as soon as it may.
	i=0
	while read -r refs < /sys/module/ptscope/refcnt && [ "$refs" = 0 ] && [ $i -lt 20000 ]; do
		i=$((i + 1))
	done
	[ "$refs" != 0 ] && raced=$((raced + 1))
	i=0
	until rmmod ptscope 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 5000 ] || fail "cycle $cycles: rmmod kept failing: $(rmmod ptscope 2>&1)"
	done
	wait $b
	cycles=$((cycles + 1))
	load_ptscope
done
kill $cl 2>/dev/null
wait $cl
cat /tmp/cl.out
grep -q '^clearloop: [1-9][0-9]* clears' /tmp/cl.out || fail "no clear got through"
echo "$cycles load/unload cycles, $raced with a task_work pending when the unloading began"
[ $cycles -ge 5 ] || fail "only $cycles cycles"
[ $raced -ge 1 ] || fail "no unload met a pending task_work"
ptscope -j info > /dev/null || fail "the module does not answer after the cycles"
unload_ptscope
true
