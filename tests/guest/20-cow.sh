# Copy-on-write: fork (and three generations, and exec), shared anonymous
# memory, MADV_DONTFORK/WIPEONFORK, a THP, a private file mapping, the zero
# page, a read-only mapping, KSM and overcommit, each against pagemap and
# kpagecount; every predicted effect of a write is checked by writing.
. /tests/lib.sh
load_ptscope
if [ -e /sys/kernel/mm/ksm/run ]; then
	echo 1000 > /sys/kernel/mm/ksm/pages_to_scan
	echo 10 > /sys/kernel/mm/ksm/sleep_millisecs
	echo 1 > /sys/kernel/mm/ksm/run
fi
cowlab check > /tmp/cow.out
rc=$?
[ -e /sys/kernel/mm/ksm/run ] && echo 0 > /sys/kernel/mm/ksm/run
cat /tmp/cow.out
[ $rc = 0 ] || fail "a copy-on-write expectation failed (see above)"
grep -q '^1\.\.[0-9]' /tmp/cow.out || fail "cowlab did not finish"
true
