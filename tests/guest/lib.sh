# SPDX-License-Identifier: GPL-2.0
# Helpers sourced by guest tests. A test exits 0 to pass, 4 to skip (after
# printing "SKIP: reason") and anything else to fail; every failure says
# what was expected and what was seen.

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 4; }

load_ptscope() {
	insmod "$PTSCOPE_KO" || fail "insmod $PTSCOPE_KO failed"
}

unload_ptscope() {
	rmmod ptscope || fail "rmmod ptscope failed"
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "ok: $1 = '$3'"
}

# A field of /sys/kernel/debug/ptscope/info ("key: value").
debugfs_info() {
	sed -n "s/^$1: //p" /sys/kernel/debug/ptscope/info
}
