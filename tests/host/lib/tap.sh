# SPDX-License-Identifier: GPL-2.0
# TAP for the host tests (tests/host/*.sh), in one place: each test sources
# it, reports through these functions and ends with tap_done.
tap_n=0
tap_failed=0
tap_out=${TMPDIR:-/tmp}/ptscope-tap.$$

# tap_ok DESCRIPTION
tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $*"
}

# tap_not_ok DESCRIPTION [DETAIL]: DETAIL's first 20 lines follow as comments.
tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n $1"
	if [ $# -gt 1 ]; then
		printf '%s\n' "$2" | head -n 20 | sed 's/^/#   /'
	fi
	return 0
}

# tap_skip DESCRIPTION REASON
tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1 # SKIP $2"
}

# tap_check DESCRIPTION COMMAND...: ok when COMMAND (run in this shell)
# succeeds; else the last 20 lines of its output as comments. Returns
# COMMAND's status.
tap_check() {
	local desc=$1 rc
	shift
	"$@" > "$tap_out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "$(tail -n 20 "$tap_out")"
	fi
	rm -f "$tap_out"
	return "$rc"
}

# tap_done: the plan; the status says whether every test passed.
tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
