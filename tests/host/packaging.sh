#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Consistency of what ships: one version everywhere, README's commands are
# the ones CI runs, and the CLI's help matches the man page. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/host/lib/tap.sh"
check() { tap_check "$@"; }
version=$(sed -n 's/^#define PTSCOPE_VERSION "\(.*\)"/\1/p' "$ROOT/module/version.h")
check "version.h has a version" test -n "$version"
# dkms.conf leaves its version to the installer (make dkms-install, dh_dkms -V),
# and the Debian packages take theirs from debian/changelog.
check "dkms.conf PACKAGE_VERSION is #MODULE_VERSION#" \
	grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' "$ROOT/dkms.conf"
check "make dkms-install puts $version in dkms.conf" bash -c \
	"T=\$(mktemp -d) && trap 'rm -rf \$T' EXIT &&
	 make -s -C '$ROOT' dkms-install DESTDIR=\$T > /dev/null &&
	 grep -qx 'PACKAGE_VERSION=\"$version\"' \$T/usr/src/ptscope-$version/dkms.conf"
check "debian/changelog version = $version" \
	test "$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -SVersion 2>/dev/null ||
		sed -n '1s/^ptscope (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")" = "$version"
check "ptscope --version reports $version" \
	bash -c "LD_LIBRARY_PATH='$ROOT/build' '$ROOT/build/ptscope' --version | grep -q ' $version '"
check ".ci/run runs make check" grep -qx 'make check' "$ROOT/.ci/run"
check "README gives make check" grep -q '^make check' "$ROOT/README.md"
check "README gives make demo" grep -q '^make demo' "$ROOT/README.md"
# Every command in --help has a man page section, and the reverse.
help_cmds=$(LD_LIBRARY_PATH="$ROOT/build" "$ROOT/build/ptscope" --help |
	sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | sort | tr '\n' ' ')
man_cmds=$(sed -n 's/^\.SS "\{0,1\}ptscope \([a-z]*\).*/\1/p' "$ROOT/doc/ptscope.8" | sort -u | tr '\n' ' ')
check "man page commands ($man_cmds) = --help commands ($help_cmds)" test "$help_cmds" = "$man_cmds"
# Every long option --help lists is in the man page (as \-\-name).
help_opts=$(LD_LIBRARY_PATH="$ROOT/build" "$ROOT/build/ptscope" --help |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
for opt in $help_opts; do
	check "man page documents $opt" grep -q -- "\\\\-\\\\-${opt#--}" "$ROOT/doc/ptscope.8"
done
# And every short one (each command's options are in --help, from its spec).
help_letters=$(LD_LIBRARY_PATH="$ROOT/build" "$ROOT/build/ptscope" --help |
	sed -n 's/^  -\([a-zA-Z]\), --.*/\1/p' | sort -u)
for l in $help_letters; do
	check "man page documents -$l" grep -qE -- "(^|[^-])\\\\-$l\\b" "$ROOT/doc/ptscope.8"
done
check "libptscope(3) names every exported function" bash -c \
	"for f in \$(sed -n 's/^\t\t\(ptscope_[a-z_]*\);/\1/p' '$ROOT/userlib/libptscope.map'); do
		grep -q \"\$f\" '$ROOT/doc/libptscope.3' || { echo \"missing \$f\"; exit 1; }; done"
check "libptscope(3) renders without warnings" bash -c \
	"! command -v man >/dev/null || [ -z \"\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$ROOT/doc/libptscope.3' 2>&1 >/dev/null)\" ]"
check "ptscope-recorder(8) renders without warnings" bash -c \
	"! command -v man >/dev/null || [ -z \"\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$ROOT/doc/ptscope-recorder.8' 2>&1 >/dev/null)\" ]"
check "man page renders without warnings" bash -c \
	"! command -v man >/dev/null || [ -z \"\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$ROOT/doc/ptscope.8' 2>&1 >/dev/null)\" ]"
# Every JSON key the CLI writes (json_key calls, the printers' values (a
# PRINT_TEXT value has no key), members, objects and arrays, and count
# tables) is in the man pages (ptscope-recorder's JSON lines in its own).
json_keys=$(grep -hoE 'cli_json_key\([^,]*, "[a-z_0-9]*"\)|cli_print_(uint|hex|str|bool|null|bits|value)\([^,]*, "[a-z_0-9]*"|(cli_member_[a-z]*|cli_open_object|cli_open_array|cli_print_xlate_member|cli_print_vma|print_fault_vma)\("[a-z_0-9]*"|\{ "[a-z_]*", ' "$ROOT"/cli/*.c |
	grep -o '"[a-z_0-9]*"' | tr -d '"' | sort -u)
check "man page documents the CLI's $(echo "$json_keys" | wc -l) JSON keys" bash -c \
	"for k in $(echo $json_keys); do grep -q \"\\\\b\$k\\\\b\" '$ROOT/doc/ptscope.8' '$ROOT/doc/ptscope-recorder.8' || { echo \"missing \$k\"; exit 1; }; done"
check "README's library example is examples/resident.c" bash -c \
	"diff <(sed -n '/^\`\`\`c\$/,/^\`\`\`\$/p' '$ROOT/README.md' | sed '1d;\$d') \
	      <(sed -n '/^#include <stdio.h>/,\$p' '$ROOT/examples/resident.c')"
tap_done
