# Kernel lockdown (integrity): debugfs then refuses files with write bits,
# so ptscope's read-only files (info, faults) keep working and its request
# files refuse to open; netlink is unaffected. A module loaded under lockdown
# creates no request files at all. Lockdown cannot be lifted again, so this
# runs last in its guest.
. /tests/lib.sh
load_ptscope
L=/sys/kernel/security/lockdown
[ -e $L ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
[ -e $L ] || skip "the kernel has no lockdown LSM"
echo "before: $(cat $L)"
echo integrity > $L || skip "the kernel does not let lockdown be raised"
echo "after: $(cat $L)"
D=/sys/kernel/debug/ptscope
sleep 1000 &
sleeper=$!
trap 'kill $sleeper 2>/dev/null' EXIT

grep -q '^module_version: ' $D/info || fail "info unreadable under lockdown: $(cat $D/info 2>&1)"
cat $D/faults > /dev/null || fail "faults unreadable under lockdown"
echo "ok: info and faults stay readable"
for f in xlate walk maps; do
	echo "$sleeper 0x1000" 2>/tmp/e.out > $D/$f && fail "$f accepted a request under lockdown"
	grep -q "not permitted" /tmp/e.out || fail "$f: $(cat /tmp/e.out)"
done
echo "ok: the request files refuse to open ($(cat /tmp/e.out))"
ptscope -j maps $sleeper > /tmp/m.json || fail "netlink maps under lockdown: $(cat /tmp/m.json)"
echo "ok: netlink answers under lockdown"

rmmod ptscope || fail "rmmod under lockdown failed"
if insmod $PTSCOPE_KO 2> /tmp/ins.err; then
	expect_eq "loaded under lockdown: only the read-only files" "faults info" \
		"$(ls $D | sort | tr '\n' ' ' | sed 's/ $//')"
	ptscope -j maps $sleeper > /dev/null || fail "netlink after loading under lockdown"
else
	# Debian's kernels sign their modules: under lockdown they refuse ours.
	echo "note: this kernel refuses an unsigned module under lockdown: $(cat /tmp/ins.err)"
fi
echo "lockdown checks passed"
