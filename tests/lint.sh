#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: the kernel and userspace style gates. TAP.
#   checkpatch.pl --strict (from Debian's linux-source-6.12) on the module
#   sparse (C=2) and W=1 for every kernel of the matrix (tests/vm/kernel-get),
#   arm64 ones cross-built
#   cppcheck on userspace; clang-format --dry-run with the kernel's .clang-format
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
n=0 failed=0
check() {	# check DESCRIPTION COMMAND... (the command prints problems, if any)
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		sed 's/^/#   /' <<< "$out" | head -n 40
		failed=$((failed + 1))
	fi
}

CP=$ROOT/build/lint/scripts/checkpatch.pl
if [ ! -x "$CP" ]; then
	if [ ! -r /usr/src/linux-source-6.12.tar.xz ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			linux-source-6.12 > /dev/null
	fi
	mkdir -p build/lint
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C build/lint --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi
checkpatch() {
	"$CP" --strict --no-tree --quiet --show-types -f "$@"
}
# compat.h exists to compare kernel versions; nowhere else may.
check "checkpatch --strict module/" checkpatch $(ls module/*.[ch] module/uapi/*.h | grep -v compat.h)
check "checkpatch --strict module/compat.h (version checks allowed)" \
	checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON module/compat.h

# Build with W=1 and sparse; anything printed besides progress is a warning.
kbuild_clean() {	# kbuild_clean VER [ARCH]
	local out
	# KBUILD_ARGS reaches kernels built in their suite's root too.
	out=$(make module ${2:+ARCH=$2} KVER="$1" KBUILD_ARGS="W=1 C=2" 2>&1 |
	      grep -vE '^  (CC|LD|MODPOST|BTF|CHECK|AR) |^make|Skipping BTF|^ptscope: buil')
	printf '%s\n' "$out"
	[ -z "$out" ]
}
for series in 6.1 6.12 7.2 7.3; do
	if k=$(tests/vm/kernel-get headers "$series"); then
		check "W=1 + sparse (C=2) clean on $k" kbuild_clean "$k"
	else
		check "headers of kernel $series (make deps; tests/vm/kernel-get headers $series)" false
	fi
done
# arm64, cross-built against Debian's arm64 headers (4 KiB and 16 KiB pages; 7.2 in
# sid's root, with its cross compiler).
# (LINT_ARM64: fewer, as make check asks.)
for series in ${LINT_ARM64:-6.1-arm64 6.12-arm64 6.12-arm64-16k 7.2-arm64}; do
	if k=$(tests/vm/kernel-get headers "$series"); then
		check "W=1 + sparse (C=2) clean on $k" kbuild_clean "$k" arm64
	else
		check "headers of kernel $series (tests/vm/kernel-get headers $series)" false
	fi
done
check "cppcheck userspace" cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	--inline-suppr -I userlib -I module -I cli userlib cli tests/prog
# Userspace is formatted with the kernel's .clang-format (see .clang-format).
userspace_c=$(ls userlib/*.[ch] cli/*.[ch] tests/host/*.[ch] tests/prog/*.[ch] tests/fuzz/*.c examples/*.c)
# shellcheck disable=SC2086
check "clang-format (the kernel's style) clean on userspace" clang-format --dry-run --Werror $userspace_c
echo "1..$n"
[ "$failed" = 0 ]
