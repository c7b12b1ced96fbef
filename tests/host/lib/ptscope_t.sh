# SPDX-License-Identifier: GPL-2.0
# Sourced by host tests after tap.sh, with P set to the CLI under test.
# t DESCRIPTION EXPECTED_STATUS EXPECTED_OUTPUT_REGEX -- ARGS...
t() {
	local desc=$1 want_rc=$2 want_re=$3 out rc
	shift 4
	out=$("$P" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && [[ "$out" =~ $want_re ]]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "ptscope $*: status $rc (want $want_rc), output:
$out"
	fi
}
