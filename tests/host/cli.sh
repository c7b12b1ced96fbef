#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ptscope binary's grammar, exit codes and error forms, on the host (no
# module can be loaded here, which is itself the not-loaded path). TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
P=$ROOT/build/ptscope
n=0 failed=0

# t DESCRIPTION EXPECTED_STATUS EXPECTED_OUTPUT_REGEX -- ARGS...
t() {
	local desc=$1 want_rc=$2 want_re=$3 out rc
	shift 4
	out=$("$P" "$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want_rc" ] && [[ "$out" =~ $want_re ]]; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		echo "#   ptscope $*: status $rc (want $want_rc), output:"
		printf '%s\n' "$out" | sed 's/^/#     /'
		failed=$((failed + 1))
	fi
}

t "--version" 0 '^ptscope [0-9.]+ \(libptscope [0-9.]+\)$' -- --version
t "-V" 0 '^ptscope [0-9.]+' -- -V
t "-j --version is JSON" 0 '^\{"version":"[0-9.]+","library_version":"[0-9.]+"\}$' -- -j --version
t "--help lists info" 0 'info +show the module' -- --help
t "--help lists the options" 0 '-j, --json.*-p, --pretty.*-h, --help.*-V, --version' -- --help
t "help info" 0 '^Usage: ptscope \[OPTIONS\] info' -- help info
t "info --help" 0 '^Usage: ptscope \[OPTIONS\] info' -- info --help
t "no command: usage, status 2" 2 '^Usage: ptscope' --
t "unknown command: status 2" 2 "^ptscope: unknown command 'frobnicate' \(see 'ptscope help'\)$" -- frobnicate
t "unknown command in JSON mode" 2 '^\{"error":"unknown command .frobnicate. \(see .ptscope help.\)"\}$' -- -j frobnicate
t "unknown option: status 2" 2 "^ptscope: unknown option '--frob' \(see 'ptscope --help'\)$" -- --frob info
t "help for an unknown command" 2 "unknown command 'nope'" -- help nope
t "info takes no arguments" 2 "^ptscope: info takes no arguments, got 'extra'$" -- info extra
t "info without the module" 1 '^ptscope: kernel module ptscope is not loaded \(try: modprobe ptscope\)$' -- info
t "info -j without the module" 1 '^\{"error":"kernel module ptscope is not loaded \(try: modprobe ptscope\)"\}$' -- info -j

t "help walk" 0 '^Usage: ptscope \[OPTIONS\] walk PID \[RANGE\]' -- help walk
t "--help lists walk's options" 0 '--pages.*--present.*--swapped.*--huge' -- --help
t "walk needs a PID" 2 "walk needs PID and at most one RANGE" -- walk
t "walk refuses a bad range" 2 "'0x2-0x1' is an empty or inverted range" -- walk 1 0x2-0x1
t "walk refuses a bad PID" 2 "'x' is not a PID" -- walk x
t "walk options elsewhere" 2 "^ptscope: option --huge applies to walk only$" -- info --huge
t "xlate needs two arguments" 2 "xlate needs PID and ADDR" -- xlate 1
t "help maps" 0 '^Usage: ptscope \[OPTIONS\] maps PID' -- help maps
t "maps needs one PID" 2 "maps needs exactly one PID" -- maps
t "maps refuses a bad PID" 2 "'-3' is not a PID" -- maps -- -3
t "maps without the module" 1 'kernel module ptscope is not loaded' -- maps self
t "walk without the module" 1 'kernel module ptscope is not loaded' -- walk 1

# Pretty JSON is still one valid document.
n=$((n + 1))
if "$P" -p --version | jq -e '.version' > /dev/null; then
	echo "ok $n -p --version is valid JSON"
else
	echo "not ok $n -p --version is valid JSON"; failed=$((failed + 1))
fi

echo "1..$n"
[ "$failed" = 0 ]
