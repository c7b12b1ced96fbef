# Races, with the windows held open: the race build of ptscope.ko (make
# module RACE=1, tests/vm/ptscope-vm --race) busy-waits in every window the
# locking rules close (after reading a PUD or PMD, before taking a table's
# lock) and warns when a table it holds a pointer into is no longer a page
# table. tests/prog/racelab.c is the adversary: munmap, brk and mremap
# shrinking under xlate and under the fault recorder's SEGV_MAPERR path, and
# MADV_COLLAPSE retracting the PTE tables of a process being walked, and a
# mapping replaced while maps counts it. Each
# run must show both sides working; the harness fails the run on any
# warning in the kernel log. Skipped with the ordinary module.
. /tests/lib.sh
secs=${RACE_SECONDS:-15}
load_ptscope
[ -e /sys/module/ptscope/parameters/race_us ] || { unload_ptscope; skip "not the race build"; }
echo "race windows: $(cat /sys/module/ptscope/parameters/race_us) us," \
	"preemption: $(cat /sys/kernel/debug/sched/preempt 2>/dev/null || echo unknown)"

lab_check "racelab unmap: every xlate answered under munmap, brk and mremap, both sides ran" \
	racelab unmap "$secs" || fail "racelab unmap"
# Every handled fault recorded (the race build lifts the throttle), so the
# recorder translates each of segv's SEGV_MAPERRs, as it would crashes'.
echo Y > /sys/module/ptscope/parameters/race_unthrottled
before=$(ptscope -j info | jq .faults)
lab_check "racelab segv: SIGSEGVs of reads racing munmap, both sides ran" \
	racelab segv "$secs" || fail "racelab segv"
echo N > /sys/module/ptscope/parameters/race_unthrottled
made=$(($(ptscope -j info | jq .faults) - before))
echo "racelab segv: $made faults recorded"
if [ "$made" -gt $((32 + secs * 10 + 100)) ]; then
	check_ok "racelab segv: the recorder translated every fault (throttle lifted)"
else
	check_not_ok "racelab segv: the recorder translated every fault (throttle lifted)"
	fail "racelab segv: only $made faults recorded: the throttle was not lifted"
fi
lab_check "racelab remap: maps never mixes a replaced mapping into its count" \
	racelab remap "$secs" || fail "racelab remap: maps mixed a replaced mapping into its count"

# Collapsing a memfd needs shmem THPs where asked for (MADV_HUGEPAGE).
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
[ -w $thp ] || fail "no $thp: this kernel has no THP"
old=$(sed 's/.*\[\(.*\)\].*/\1/' $thp)
echo advise > $thp
# A PTE table retracted by a collapse is freed after an RCU grace period:
# a window of milliseconds lets one end, were the PMD read outside RCU.
us=$(cat /sys/module/ptscope/parameters/race_us)
echo 3000 > /sys/module/ptscope/parameters/race_us
lab_check "racelab collapse: walk and xlate of a memfd whose PTE tables MADV_COLLAPSE retracts" \
	racelab collapse "$secs"
rc=$?
echo "$us" > /sys/module/ptscope/parameters/race_us
echo "$old" > $thp
[ $rc = 0 ] || fail "racelab collapse"

unload_ptscope
echo "no window let a freed table be read (the kernel log decides)"
