# Hostile input: 200,000 random, mostly malformed netlink requests (150,000
# as root, 50,000 as uid 1000), every one answered with an errno (most with
# the kernel's extack message) or a reply, and 15,000 garbage writes to the
# debugfs request files. The kernel must stay quiet (the harness checks its
# log). FUZZ_SEED picks another sequence (printed, to replay a failure).
. /tests/lib.sh
load_ptscope
seed=${FUZZ_SEED:-20261121}
echo "seed $seed"
nlfuzz netlink 150000 $seed > /tmp/root.out 2>&1 || fail "as root: $(cat /tmp/root.out)"
cat /tmp/root.out
nlfuzz netlink 50000 $((seed + 1)) 1000 > /tmp/user.out 2>&1 || fail "as uid 1000: $(cat /tmp/user.out)"
cat /tmp/user.out
grep -q "EPERM=" /tmp/user.out || fail "uid 1000 was never refused"
for f in /tmp/root.out /tmp/user.out; do
	grep -q ", 0 unanswered" $f || fail "unanswered requests: $(cat $f)"
	set -- $(sed -n 's/.* \([0-9]*\) data replies.*/\1/p' $f)
	[ "$1" -gt 100 ] || fail "too few requests got through parsing to a reply: $1"
done
nlfuzz debugfs 5000 $((seed + 2)) || fail "debugfs fuzzing failed"
# Still working afterwards.
ptscope -j info > /dev/null || fail "info after fuzzing failed"
unload_ptscope
echo "fuzzing passed"
