# kmemleak (the debug kernel): after everything before this test, with the
# module unloaded, a scan must find no unreferenced object. Runs before the
# lockdown test, which closes debugfs for good.
. /tests/lib.sh
K=/sys/kernel/debug/kmemleak
[ -e $K ] || skip "the kernel has no kmemleak (only the debug kernel does)"
rmmod ptscope 2>/dev/null
# Objects younger than 5 s are not judged; two scans, as the kernel's
# documentation advises, so that transient references do not count.
sleep 6
echo scan > $K || fail "cannot trigger a kmemleak scan"
echo scan > $K
leaks=$(grep -c '^unreferenced object' $K)
if [ "$leaks" != 0 ]; then
	head -n 60 $K
	fail "kmemleak: $leaks unreferenced objects"
fi
echo "ok: kmemleak found no leak"
