#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The unit tests and the CLI's host-reachable paths under valgrind memcheck:
# no invalid access, no leak of any kind. (Paths that need the module run
# under ASan/LSan in the guest: tests/guest/05-sanitizers.sh.) TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
. "$ROOT/tests/host/lib/tap.sh"
vg() {	# vg DESCRIPTION PROGRAM ARGS...
	local desc=$1
	shift
	if valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$@" > /tmp/ptscope-vg.$$ 2>&1 ||
		[ $? != 99 ]; then
		tap_ok "valgrind: $desc"
	else
		tap_not_ok "valgrind: $desc" "$(cat /tmp/ptscope-vg.$$)"
	fi
	rm -f /tmp/ptscope-vg.$$
}
command -v valgrind > /dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 0; }
vg "test_nlparse" "$ROOT/build/tests/host/test_nlparse"
vg "test_args" "$ROOT/build/tests/host/test_args"
vg "test_print" "$ROOT/build/tests/host/test_print"
vg "ptscope --version" "$ROOT/build/ptscope" --version
vg "ptscope -p --version" "$ROOT/build/ptscope" -p --version
vg "ptscope info (module not loaded)" "$ROOT/build/ptscope" info
vg "ptscope -j info (module not loaded)" "$ROOT/build/ptscope" -j info
vg "ptscope bogus" "$ROOT/build/ptscope" bogus
vg "ptscope --help" "$ROOT/build/ptscope" --help
# diff of two snapshot files runs without the module.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '# ptscope snapshot 1\npid 1 range 0x0 0x0\n%s\n%s\n# end\n' \
	"0x1000 4 PTE present 0x100 0x8000000000100867 0x7f cow-shared anon 2" \
	"0x5000 2 PTE none - 0x0 0x0 unmapped - -" > "$T/a"
printf '# ptscope snapshot 1\npid 1 range 0x0 0x0\n%s\n# end\n' \
	"0x1000 1 PTE present 0x200 0x8000000000200867 0x7f writable anon 1" > "$T/b"
head -n 3 "$T/a" > "$T/cut"
vg "ptscope diff A B" "$ROOT/build/ptscope" diff "$T/a" "$T/b"
vg "ptscope -j diff A B" "$ROOT/build/ptscope" -j diff "$T/a" "$T/b"
vg "ptscope diff (cut short)" "$ROOT/build/ptscope" diff "$T/cut" "$T/b"
vg "ptscope -j phys (module not loaded)" "$ROOT/build/ptscope" -j phys pfn:0x1000
vg "ptscope dma (module not loaded)" "$ROOT/build/ptscope" dma 1
printf '%s\n' '[ 1.0] a[7]: segfault at 10 ip 0000000000401000 sp 00007ffe00000000 error 4 in a[1000,400000+1000]' > "$T/log"
vg "ptscope -j explain --dmesg" "$ROOT/build/ptscope" -j explain --dmesg "$T/log"
vg "ptscope explain --core (not a core)" "$ROOT/build/ptscope" explain --core /bin/sh
# Cores as systemd-coredump compresses them: the libraries dlopen()ed and
# closed again, the temporary file gone (tests/host/cores.sh checks the rest).
gzip -dc "$ROOT/tests/cores/x86_64-write-ro.core.gz" > "$T/core"
vg "ptscope -j explain --core" "$ROOT/build/ptscope" -j explain --core "$T/core"
for tool in zstd lz4 xz; do
	command -v $tool > /dev/null || continue
	$tool -q -c "$T/core" > "$T/core.$tool"
	head -c 2000 "$T/core.$tool" > "$T/cut.$tool"
	vg "ptscope explain --core ($tool)" "$ROOT/build/ptscope" explain --core "$T/core.$tool"
	vg "ptscope explain --core ($tool, cut short)" "$ROOT/build/ptscope" explain --core "$T/cut.$tool"
done
M=$ROOT/tests/host/map
vg "ptscope map -i (terminal, colour)" "$ROOT/build/ptscope" map -i "$M/memkinds.snap" --color=always
vg "ptscope map -i --svg" "$ROOT/build/ptscope" map -i "$M/names.snap" --svg "$T/n.svg"
vg "ptscope map -i A -i B --svg (pair)" "$ROOT/build/ptscope" map -i "$M/fork-parent.snap" -i "$M/fork-child.snap" --svg "$T/f.svg"
vg "ptscope -j map -i A -i B" "$ROOT/build/ptscope" -j map -i "$M/fork-parent.snap" -i "$M/fork-child.snap"
vg "ptscope map -i (format 1)" "$ROOT/build/ptscope" map -i "$M/format1.snap"
vg "ptscope map -i (not a snapshot)" "$ROOT/build/ptscope" map -i /etc/hostname
vg "ptscope map --width 40 (too narrow)" "$ROOT/build/ptscope" map -i "$M/one-page.snap" --width 40
# The procfs source (no module here): every request it answers.
export PTSCOPE_SOURCE=procfs
vg "procfs: ptscope -j walk --pages self" "$ROOT/build/ptscope" -j walk --pages self
vg "procfs: ptscope walk self (runs) -o" "$ROOT/build/ptscope" walk self -o "$T/self.snap"
vg "procfs: ptscope -j maps self" "$ROOT/build/ptscope" -j maps self
vg "procfs: ptscope xlate self [stack]" "$ROOT/build/ptscope" xlate self '[stack]'
vg "procfs: ptscope -j share self 1" "$ROOT/build/ptscope" -j share self 1
vg "procfs: ptscope map self" "$ROOT/build/ptscope" map self
vg "procfs: ptscope check" "$ROOT/build/ptscope" check self '[stack]' present huge
# A check file whose checks share walks, one retried alone, one refused.
printf '%s\n' "self [stack] present" "# a comment" "self [stack] count(present)>=1 !swapped" \
	"self [heap] present" "self 0xffffffffffff0000+4K present" "self [stack] presnt" \
	"4000000 0x1000+4K present" > "$T/checks"
vg "procfs: ptscope check -f (TAP)" "$ROOT/build/ptscope" check -f "$T/checks"
vg "procfs: ptscope check -f --format=json" "$ROOT/build/ptscope" check -f "$T/checks" --format=json
vg "procfs: ptscope explain --access write" "$ROOT/build/ptscope" explain self 0x1000 --access write
unset PTSCOPE_SOURCE
tap_done
