#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installing ptscope the three ways people do, on this machine (as root):
#   make install DESTDIR=... : the file list, the pkg-config file, and the
#     README's example built against that tree with pkg-config;
#   DKMS: make dkms-install, then dkms add / build / install for the newest
#     installed Debian kernel (6.12) without booting it;
#   make deb (debian/, dpkg-buildpackage): the four packages, lintian-clean
#     and hardened, install (DKMS builds the module for both kernels), work
#     (ptscope --version, pkg-config, the example), and remove cleanly.
# TAP; skips what needs root, dkms, debhelper or dh-dkms when they are missing.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
. "$ROOT/tests/host/lib/tap.sh"
version=$(sed -n 's/^#define PTSCOPE_VERSION "\(.*\)"/\1/p' "$ROOT/module/version.h")
kvers=()
for series in 6.1 6.12; do
	k=$("$ROOT/tests/vm/kernels" "$series" 2>/dev/null) && kvers+=("$k")
done
# What the DKMS and package checks put on this machine (root only).
uninstall_all() {
	[ "$(id -u)" = 0 ] || return 0
	dpkg -r ptscope libptscope-dev libptscope1 ptscope-dkms > /dev/null 2>&1
	dkms remove -m ptscope -v "$version" --all > /dev/null 2>&1
	rm -rf "/usr/src/ptscope-$version"
}
trap 'uninstall_all; rm -rf "$T"' EXIT
uninstall_all	# what a run killed half-way left

check() { tap_check "$@"; }
skip() { tap_skip "$@"; }

# ---- make install into a DESTDIR
D=$T/dest
check "make install-user DESTDIR PREFIX=/usr" \
	make -s -C "$ROOT" install-user DESTDIR="$D" PREFIX=/usr LIBDIR=/usr/lib
expected="usr/include/ptscope/libptscope.h
usr/include/ptscope/uapi/ptscope.h
usr/lib/libptscope.a
usr/lib/libptscope.so
usr/lib/libptscope.so.1
usr/lib/pkgconfig/ptscope.pc
usr/lib/systemd/system/ptscope-recorder.service
usr/sbin/ptscope
usr/sbin/ptscope-recorder
usr/share/bash-completion/completions/ptscope
usr/share/man/man3/libptscope.3
usr/share/man/man8/ptscope-recorder.8
usr/share/man/man8/ptscope.8"
# On a difference, the diff is what the check prints.
check "the installed file list" \
	diff <(echo "$expected") <(cd "$D" && find . -type f -o -type l | sed 's|^\./||' | sort)
check "the CLI in the tree runs from the tree, no LD_LIBRARY_PATH" \
	bash -c "env -u LD_LIBRARY_PATH '$ROOT/build/ptscope' --version | grep -q ' $version'"
check "the installed CLI has no RUNPATH or RPATH" \
	bash -c "! readelf -d '$D/usr/sbin/ptscope' | grep -Eq 'RUNPATH|RPATH'"
check "the installed CLI runs against the installed library" \
	bash -c "LD_LIBRARY_PATH='$D/usr/lib' '$D/usr/sbin/ptscope' --version | grep -q ' $version' &&
		 LD_LIBRARY_PATH='$D/usr/lib' ldd '$D/usr/sbin/ptscope' | grep -q '$D/usr/lib/libptscope.so.1'"
check "libptscope.so.1 has its soname" \
	bash -c "objdump -p '$D/usr/lib/libptscope.so.1' | grep -q 'SONAME *libptscope.so.1'"
check "libptscope exports only ptscope_* functions" \
	bash -c "! nm -D --defined-only '$D/usr/lib/libptscope.so.1' | awk '\$2 ~ /[TDB]/ {print \$3}' | grep -v '^ptscope_\|^LIBPTSCOPE_1'"
PC="PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_LIBDIR=$D/usr/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig"
check "pkg-config --modversion ptscope = $version" \
	bash -c "test \"\$(env $PC pkg-config --modversion ptscope)\" = '$version'"
check "pkg-config wants libnl-genl-3.0 privately" \
	bash -c "env $PC pkg-config --print-requires-private ptscope | grep -q libnl-genl-3.0"
check "the README's example builds with pkg-config against the install" \
	bash -c "cc -Wall -Wextra -Werror '$ROOT/examples/resident.c' \$(env $PC pkg-config --cflags --libs ptscope) -o '$T/resident'"
# Without the module (this machine cannot load it), the example answers
# from /proc; held to the module, it says why it cannot: status 1.
check "the example runs without the module (procfs)" bash -c \
	"LD_LIBRARY_PATH='$D/usr/lib' '$T/resident' \$\$ | grep -q ' present .* swapped '"
check "the example held to the module reports it missing" bash -c \
	"PTSCOPE_SOURCE=module LD_LIBRARY_PATH='$D/usr/lib' '$T/resident' 1 2>&1 | grep 'not loaded' &&
	 test \${PIPESTATUS[0]} = 1"
check "make uninstall leaves nothing" bash -c \
	"make -s -C '$ROOT' uninstall DESTDIR='$D' PREFIX=/usr LIBDIR=/usr/lib KVER=none > /dev/null &&
	 test -z \"\$(cd '$D' && find . -type f -o -type l)\""

# make install also puts the module where modprobe finds it (depmod runs
# only without DESTDIR).
if [ ${#kvers[@]} != 0 ]; then
	k=${kvers[${#kvers[@]} - 1]}
	check "make install DESTDIR with the module for $k" \
		make -s -C "$ROOT" install DESTDIR="$T/full" PREFIX=/usr LIBDIR=/usr/lib KVER="$k"
	check "the module is in /lib/modules/$k/updates" test -f "$T/full/lib/modules/$k/updates/ptscope.ko"
else
	skip "make install with the module" "no Debian kernel headers"
fi

if [ "$(id -u)" != 0 ] || ! command -v dkms > /dev/null || [ ${#kvers[@]} = 0 ]; then
	skip "DKMS" "needs root, dkms and Debian kernel headers"
else
	# ---- DKMS from the source tree, for the newest kernel (the package
	# below has DKMS build for both, at install)
	check "make dkms-install" make -s -C "$ROOT" dkms-install
	check "dkms add" dkms add -m ptscope -v "$version"
	for k in "${kvers[${#kvers[@]} - 1]}"; do
		check "dkms build for $k" dkms build -m ptscope -v "$version" -k "$k" ||
			tail -n 25 "/var/lib/dkms/ptscope/$version/build/make.log" 2>/dev/null | sed 's/^/# make.log: /'
		check "dkms install for $k" dkms install -m ptscope -v "$version" -k "$k"
		ko=$(ls /lib/modules/"$k"/updates/dkms/ptscope.ko* 2>/dev/null | head -n 1)
		check "$k: the module is installed, version $version" \
			test "$(modinfo -F version "${ko:-/nonexistent}" 2>/dev/null)" = "$version"
		check "$k: the genetlink family autoloads it" \
			bash -c "modinfo -F alias '${ko:-/nonexistent}' | grep -qx 'net-pf-16-proto-16-family-ptscope'"
	done
	check "dkms remove --all" dkms remove -m ptscope -v "$version" --all
	check "no module left" bash -c "! ls /lib/modules/*/updates/dkms/ptscope.ko* 2> /dev/null"
	rm -rf "/usr/src/ptscope-$version"
fi

if [ "$(id -u)" != 0 ] || ! command -v dpkg-buildpackage > /dev/null ||
	! command -v dh_dkms > /dev/null || ! command -v dkms > /dev/null; then
	skip "Debian packages" "needs root, dpkg-buildpackage, debhelper, dh-dkms and dkms"
else
	# ---- Debian packages (debian/, dpkg-buildpackage on a copy of the tree)
	check "make deb" make -s -C "$ROOT" deb
	debs=$(ls "$ROOT"/build/deb/*.deb 2>/dev/null)
	a=$(dpkg --print-architecture)
	names=$(echo "$debs" | sed 's|.*/||' | sort | tr '\n' ' ')
	check "four packages ($names)" test "$names" = \
		"libptscope-dev_${version}_$a.deb libptscope1_${version}_$a.deb ptscope-dkms_${version}_all.deb ptscope_${version}_$a.deb "
	check "dbgsym packages of the library and the CLI" \
		test "$(find "$ROOT/build/deb/dbgsym" -name '*-dbgsym_*.deb' 2>/dev/null | wc -l)" = 2
	if command -v lintian > /dev/null; then
		# Errors and warnings only: I: and P: are advice.
		check "lintian: no errors or warnings" bash -c \
			"! lintian ${debs//$'\n'/ } '$ROOT'/build/deb/dbgsym/*.deb 2>&1 | grep -E '^(E|W): '"
	else
		skip "lintian" "lintian is not installed"
	fi
	check "the packaged CLI has no RUNPATH or RPATH" bash -c \
		"dpkg-deb -x '$ROOT/build/deb/ptscope_${version}_$a.deb' '$T/cli-deb' &&
		 ! readelf -d '$T/cli-deb/usr/sbin/ptscope' | grep -Eq 'RUNPATH|RPATH'"
	check "the packaged CLI is hardened (BIND_NOW, stack protector)" bash -c \
		"readelf -d '$T/cli-deb/usr/sbin/ptscope' | grep -q BIND_NOW &&
		 readelf -s --wide '$T/cli-deb/usr/sbin/ptscope' | grep -q __stack_chk_fail"
	# shellcheck disable=SC2086
	check "dpkg -i all four" dpkg -i $debs
	check "ptscope --version from the package" bash -c "/usr/sbin/ptscope --version | grep -q ' $version '"
	check "pkg-config finds the -dev package" test "$(pkg-config --modversion ptscope)" = "$version"
	check "the example builds against the packages" bash -c \
		"cc -Wall -Wextra -Werror '$ROOT/examples/resident.c' \$(pkg-config --cflags --libs ptscope) -o '$T/resident-deb' && '$T/resident-deb' 1; test \$? = 1"
	check "DKMS has ptscope $version from the package (dh_dkms)" bash -c \
		"dkms status -m ptscope -v '$version' | grep -q . &&
		 grep -qx 'PACKAGE_VERSION=\"$version\"' /usr/src/ptscope-$version/dkms.conf"
	for k in "${kvers[@]}"; do
		check "$k: DKMS built and installed the module from the package" \
			bash -c "ls /lib/modules/$k/updates/dkms/ptscope.ko*"
	done
	check "dpkg -r all four" dpkg -r ptscope libptscope-dev libptscope1 ptscope-dkms
	check "nothing left behind" bash -c \
		"! ls /usr/sbin/ptscope /usr/lib/*/libptscope* /usr/src/ptscope-$version /lib/modules/*/updates/dkms/ptscope.ko* 2> /dev/null &&
		 ! dkms status -m ptscope | grep -q ."
fi
tap_done
