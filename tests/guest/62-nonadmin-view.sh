# What a caller without CAP_SYS_ADMIN sees of its own memory: no frame, no
# swap slot, no page counts or flags, in walk, xlate and maps, checked
# against what /proc/self/pagemap shows the same caller (tests/prog/
# leaklab.c), with pages present, paged out to swap (4 KiB and THP) and,
# in a guest with two NUMA nodes (tests/run boots one for this test), under
# migration between them.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
load_ptscope
zram_swap_on
grep -q zram0 /proc/swaps || fail "no swap: the swapped states cannot be made"
echo always > /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
cd /tmp
$U leaklab 20 > /tmp/leaklab.out 2>&1 &
lab=$!
wait_line /tmp/leaklab.out '^ready$' 300 || { cat /tmp/leaklab.out; fail "leaklab did not start"; }
wait $lab
rc=$?
lab_tap leaklab /tmp/leaklab.out && [ $rc = 0 ] ||
	fail "a non-admin saw more than pagemap shows it (see above)"
unload_ptscope
