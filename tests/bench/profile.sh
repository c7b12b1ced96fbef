# make profile, inside the guest (ptscope-vm --perf): where the walks that
# miss their targets (README, "Issue 24") spend their time, as perf's
# cpu-clock samples them (TCG has no PMU). Kernel symbols from
# /proc/kallsyms, the module's included. Figures, not pass/fail.
. /tests/lib.sh
load_ptscope
PERF=/usr/local/bin/perf
[ -x $PERF ] || skip "no perf in this guest (ptscope-vm --perf)"
echo -1 > /proc/sys/kernel/perf_event_paranoid
echo 0 > /proc/sys/kernel/kptr_restrict
# profile WHAT CMD...: the top symbols of CMD's run (output discarded).
profile() {
	what=$1
	shift
	echo "--- $what"
	$PERF record -q -e cpu-clock -F 2000 -g -o /tmp/perf.data -- "$@" > /dev/null 2> /tmp/perf.err ||
		fail "perf record of $what: $(tail -3 /tmp/perf.err)"
	$PERF report -i /tmp/perf.data --stdio --no-children --sort dso,sym --percent-limit 1.5 \
		-g none 2> /dev/null | grep -v '^#' | grep -v '^$' | head -n 25
}
# A process of 1 GiB of written 4 KiB pages (scalebench stops itself there).
start_target /tmp/walk.out 600 scalebench walk 1
set -- $(grep '^cli-target' /tmp/walk.out)
pid=$2 range=$3
profile "ptscope walk (runs, text, every field) of 1 GiB" ptscope walk $pid $range
profile "ptscope walk --fields entry of 1 GiB" ptscope walk --fields entry $pid $range
profile "ptscope -j walk --pages of 1 GiB" ptscope -j walk --pages $pid $range
profile "cat /proc/PID/pagemap of it, for comparison" dd if=/proc/$pid/pagemap of=/dev/null bs=64k \
	skip=$(( ${range%+*} / PAGE * 8 / 65536 )) count=$(( ${range#*+} / PAGE * 8 / 65536 ))
# The process's start, which every CLI row pays (about 37 ms under TCG
# against busybox true's 6): 50 runs of --version, then of info.
profile "ptscope --version, 50 runs" sh -c 'for i in $(seq 1 50); do ptscope --version; done'
profile "ptscope info, 50 runs" sh -c 'for i in $(seq 1 50); do ptscope info; done'
kill -9 $pid
echo 150000 > /proc/sys/vm/max_map_count
start_target /tmp/maps.out 600 scalebench maps 50000
set -- $(grep '^cli-target' /tmp/maps.out)
profile "ptscope maps of 50,000 mappings" ptscope maps $2
kill -9 $2
echo "profile: done"
