# Copy-on-write inside a private PFN mapping of /dev/mem: the written page
# is an anonymous page of its own (pagemap's frame, KPF_ANON), the others
# the mapped window's frames (tests/prog/pfncow.c).
. /tests/lib.sh
load_ptscope
pfncow > /tmp/pfncow.out
rc=$?
unload_ptscope
[ $rc = 4 ] && { cat /tmp/pfncow.out; skip "/dev/mem cannot be mapped in this guest"; }
lab_tap pfncow /tmp/pfncow.out && [ $rc = 0 ] ||
	fail "walk and pagemap disagree on a PFN mapping's copied page"
