#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The newcomer's path: the README's commands, run as someone who has just
# cloned the repository does, on the host, in a fresh clone without build/.
# The commands are taken from the README's first code block, so the test
# follows the README: `make demo` for real (it boots a VM), `make check`
# from its start (see below), and the in-tree CLI after `make`. TAP.
#
# The clone holds this checkout's committed HEAD: uncommitted changes are
# not in it. Takes about three minutes (building twice, one demo boot).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/host/lib/tap.sh"

# make check in the clone runs tests/host/*.sh again: not this one.
if [ -n "${PTSCOPE_NEWCOMER:-}" ]; then
	tap_skip "newcomer path" "already inside the newcomer test's clone"
	tap_done
	exit
fi
export PTSCOPE_NEWCOMER=1

if ! head=$(git -C "$ROOT" rev-parse --verify -q HEAD 2>/dev/null); then
	tap_skip "newcomer path in a fresh clone" "$ROOT is not a git checkout"
	tap_done
	exit
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ptscope-newcomer.XXXXXX")
trap 'rm -rf "$T"' EXIT
C=$T/ptscope
log=$T/log
echo "# cloning commit $head (uncommitted changes are not in the clone)"
tap_check "git clone of this checkout" git clone -q "$ROOT" "$C" || { tap_done; exit; }
tap_check "the clone holds HEAD ($head)" test "$(git -C "$C" rev-parse HEAD)" = "$head"
tap_check "a fresh clone has no build/" test ! -e "$C/build"

# The README's first code block, comments and blank lines dropped.
mapfile -t cmds < <(awk '/^```/ { if (inside) exit; inside = 1; next } inside' "$C/README.md" |
	sed 's/[[:space:]]*#.*//; s/[[:space:]]*$//' | grep .)
tap_check "the README's first code block gives commands (${cmds[*]})" test ${#cmds[@]} -gt 0

# What the README shows `make demo` printing ("What it prints"): each
# ptscope command shown there, by name, must be one the demo runs.
promised=$(sed -n '/^## What it prints/,/^## /p' "$C/README.md" |
	sed -n 's/^\$ ptscope \(-[a-z] \)*\([a-z]*\).*/\2/p' | sort -u)

# make demo: for real, from no build/. It installs what is missing (apt),
# builds for Debian's 6.12 kernel and boots it under QEMU.
try_demo() {
	local t0=$SECONDS rc
	tap_check "no build/ before make demo" test ! -e "$C/build"
	make -C "$C" demo > "$log" 2>&1
	rc=$?
	echo "# make demo: status $rc in $((SECONDS - t0)) s"
	if [ $rc = 0 ]; then
		tap_ok "make demo succeeds from a fresh clone"
	else
		tap_not_ok "make demo succeeds from a fresh clone" "$(tail -n 20 "$log")"
	fi
	tap_check "make demo boots Debian's 6.12 kernel" grep -q '^--- ptscope demo on Linux 6\.12' "$log"
	tap_check "make demo loads ptscope and shows its info" \
		grep -Eq '^netlink family +ptscope v1$' "$log"
	tap_check "make demo shows a walk of a live process" \
		grep -Eq '^[0-9]+ records, [0-9]+ pages: ' "$log"
	local c
	for c in $promised; do
		tap_check "make demo runs 'ptscope $c', as the README shows" \
			grep -Eq "^\\\$ ptscope (-[a-z] )*$c( |\$)" "$log"
	done
	tap_check "make demo ends with a clean guest" grep -q '^--- demo finished: guest clean' "$log"
}

# make check takes half an hour: here it runs from no build/ only until its
# first suite has reported, which is where a fresh clone can go wrong (the
# packages, building everything, the results directory, counting a suite's
# TAP); the rest of it is what make check itself checks, the same in any
# tree. It is then stopped, with everything it started.
try_check() {
	local t0=$SECONDS pid i first=
	tap_check "no build/ before make check" test ! -e "$C/build"
	setsid make -C "$C" check > "$log" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		first=$(sed -n 's/^# ---- \(.*\) took [0-9]* s$/\1/p' "$log" | head -n 1)
		[ -n "$first" ] || ! kill -0 $pid 2>/dev/null && break
		sleep 0.5
	done
	kill -- -$pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "# make check: first suite '${first:-none}' after $((SECONDS - t0)) s, then stopped"
	if [ -n "$first" ]; then
		tap_ok "make check builds from a fresh clone and runs its first suite ($first)"
	else
		tap_not_ok "make check builds from a fresh clone and runs its first suite" "$(tail -n 20 "$log")"
		return
	fi
	tap_check "make check's first suite passed ($first)" \
		bash -c "grep -q '^ok ' '$C/build/results/$first.tap' && ! grep -q '^not ok ' '$C/build/results/$first.tap'"
}

for cmd in "${cmds[@]}"; do
	# Each command from a fresh clone, as the first thing a newcomer runs.
	git -C "$C" clean -fdxq
	case "$cmd" in
	"make demo") try_demo ;;
	"make check") try_check ;;
	*) tap_not_ok "the README's '$cmd': this test knows how to try it" ;;
	esac
done

# make, then the CLI from the tree (its library beside it, no
# LD_LIBRARY_PATH). Without headers for the running kernel make stops at
# the module, saying so, and then works for an installed kernel, as its
# message says. (The tree is as make check left it: a second build from
# nothing would show nothing new.)
t0=$SECONDS
if make -C "$C" > "$log" 2>&1; then
	tap_ok "make builds from a fresh clone"
elif grep -q "ptscope: no kernel headers for $(uname -r)" "$log"; then
	tap_ok "make without headers for the running kernel ($(uname -r)) says which are missing"
	k=$("$C/tests/vm/kernels" 6.12)
	tap_check "make KVER=$k builds from a fresh clone" make -C "$C" KVER="$k"
else
	tap_not_ok "make builds from a fresh clone" "$(tail -n 20 "$log")"
fi
echo "# make: $((SECONDS - t0)) s"
tap_check "./build/ptscope --help runs from the tree" \
	bash -c "cd '$C' && env -u LD_LIBRARY_PATH ./build/ptscope --help | grep -q '^Usage: ptscope'"
tap_done
