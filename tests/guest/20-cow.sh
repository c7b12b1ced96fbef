# Copy-on-write: fork (and three generations, and exec), shared anonymous
# memory, MADV_DONTFORK/WIPEONFORK, a THP, a private file mapping, the zero
# page, a read-only mapping, KSM and overcommit, each against pagemap and
# kpagecount; every predicted effect of a write is checked by writing.
. /tests/lib.sh
load_ptscope
ksm_start
cowlab check > /tmp/cow.out
rc=$?
ksm_stop
# Each expectation is an inner check; lab_tap also fails a cowlab that
# stopped before its plan.
lab_tap cowlab /tmp/cow.out && [ $rc = 0 ] || fail "a copy-on-write expectation failed (see above)"
