#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernels ptscope builds for, and those it refuses: outside the tested
# range (Debian's 6.1 to 7.3-rc) the build stops in one line naming the
# kernel and the range, before any compiler error. Against real headers: 5.10
# from bullseye's build root; "7.4" is 7.3-rc's headers told PATCHLEVEL=4 on
# the command line, the one number the gate reads. DKMS's
# BUILD_EXCLUSIVE_KERNEL covers the same range.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
# Builds go to a directory of their own: the real ones stay untouched.
B=build/kernel-range

# refused NAME REGEX MAKE-ARGS...: the build fails, its one "***" line
# matches REGEX, and the compiler never ran.
refused() {
	local name=$1 re=$2 out line
	shift 2
	if out=$(make -s BUILD=$B module "$@" 2>&1); then
		not_ok "$name: built, but should be refused"
		return
	fi
	line=$(printf '%s\n' "$out" | grep -c '\*\*\* ptscope: ')
	if [ "$line" = 1 ] && printf '%s\n' "$out" | grep -Eq "\*\*\* $re" &&
	   ! printf '%s\n' "$out" | grep -Eq 'error:|warning:|  CC '; then
		ok "$name: $(printf '%s\n' "$out" | sed -n 's/.*\*\*\* \(ptscope: .*\)  Stop\./\1/p')"
	else
		not_ok "$name"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -20
	fi
}

if k510=$(tests/vm/kernel-get headers 5.10 2> "$ROOT/build/kernel-range-5.10.log"); then
	refused "5.10 refused" "ptscope: Linux 5\.10 is older than the oldest supported kernel, 6\.1 " \
		KVER="$k510"
else
	not_ok "bullseye build root for 5.10 (tests/vm/kernel-get headers 5.10)"
	sed 's/^/#   /' "$ROOT/build/kernel-range-5.10.log"
fi

if k73=$(tests/vm/kernel-get headers 7.3 2> "$ROOT/build/kernel-range-7.3.log"); then
	refused "7.4 refused" \
		"ptscope: Linux 7\.4 is newer than the newest tested kernel, 7\.3-rc7; set PTSCOPE_UNTESTED_KERNEL=1" \
		KVER="$k73" KBUILD_ARGS=PATCHLEVEL=4
	if out=$(make -s BUILD=$B module KVER="$k73" KBUILD_ARGS=PATCHLEVEL=4 \
		PTSCOPE_UNTESTED_KERNEL=1 2>&1); then
		ok "7.4 with PTSCOPE_UNTESTED_KERNEL=1: built anyway"
	else
		not_ok "7.4 with PTSCOPE_UNTESTED_KERNEL=1: built anyway"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -20
	fi
else
	not_ok "sid build root for 7.3 (tests/vm/kernel-get headers 7.3)"
	sed 's/^/#   /' "$ROOT/build/kernel-range-7.3.log"
fi
rm -rf "${ROOT:?}/$B"

# DKMS builds for exactly the matrix's range.
re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
for k in 6.1.0-57-amd64 6.12.117+deb12-amd64 6.19.3-amd64 7.0.1-amd64 7.2.13+deb14-amd64 7.3-amd64; do
	if [[ $k =~ $re ]]; then ok "dkms.conf builds for $k"; else not_ok "dkms.conf builds for $k (/$re/)"; fi
done
for k in 5.10.0-32-amd64 6.0.12-amd64 7.4-amd64 7.10.1-amd64 16.1.0; do
	if [[ $k =~ $re ]]; then not_ok "dkms.conf refuses $k (/$re/)"; else ok "dkms.conf refuses $k"; fi
done

echo "1..$n"
[ "$failed" = 0 ]
