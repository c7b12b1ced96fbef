# The module loads and unloads 20 times; each time the netlink family and
# the debugfs directory appear with it and are gone after it.
. /tests/lib.sh

for i in $(seq 1 20); do
	load_ptscope
	ptscope info > /dev/null || fail "cycle $i: ptscope info failed with the module loaded"
	[ -r /sys/kernel/debug/ptscope/info ] || fail "cycle $i: no debugfs info file"
	grep -q '^module_version: ' /sys/kernel/debug/ptscope/info ||
		fail "cycle $i: debugfs info has no module_version"
	unload_ptscope
	grep -q '^ptscope ' /proc/modules && fail "cycle $i: still in /proc/modules after rmmod"
	[ -e /sys/kernel/debug/ptscope ] && fail "cycle $i: debugfs directory left behind"
	ptscope info > /dev/null 2>&1 && fail "cycle $i: ptscope info succeeded without the module"
done
echo "20 load/unload cycles clean"
