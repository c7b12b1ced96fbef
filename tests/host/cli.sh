#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ptscope binary's grammar, exit codes and error forms, on the host (no
# module can be loaded here, which is itself the not-loaded path). TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The module's paths: without it, auto would answer from /proc (tests/host/procfs.sh).
export PTSCOPE_SOURCE=module
export LD_LIBRARY_PATH=$ROOT/build
P=$ROOT/build/ptscope
. "$ROOT/tests/host/lib/tap.sh"

. "$ROOT/tests/host/lib/ptscope_t.sh"	# t: run the CLI, check status and output

t "--version" 0 '^ptscope [0-9.]+ \(libptscope [0-9.]+\)$' -- --version
t "-V" 0 '^ptscope [0-9.]+' -- -V
t "-j --version is JSON" 0 '^\{"version":"[0-9.]+","library_version":"[0-9.]+"\}$' -- -j --version
t "--help lists info" 0 'info +show the source' -- --help
t "--help lists the options" 0 '-j, --json.*-p, --pretty.*-h, --help.*-V, --version' -- --help
t "help info" 0 '^Usage: ptscope \[OPTIONS\] info' -- help info
t "info --help" 0 '^Usage: ptscope \[OPTIONS\] info' -- info --help
# Each command's own help: its options and examples, both ways of asking.
EXDIR=$(mktemp -d)
trap 'rm -rf "$EXDIR"' EXIT
cmds=$("$P" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
for c in $cmds; do
	t "help $c: usage and examples" 0 "^Usage: ptscope \[OPTIONS\] $c.*Examples:.*  ptscope .*See ptscope\(8\)" -- help $c
	t "$c --help: the same" 0 "^Usage: ptscope \[OPTIONS\] $c.*Examples:" -- $c --help
	# Every example as written gets past the parser: no usage error here,
	# where the module is missing (check says so with 2, as documented).
	while read -r line; do
		ex=${line#dmesg | }
		ex=${ex%% | jq*}
		eval "set -- ${ex#ptscope }"
		# In a directory of its own: "walk -o before.snap" writes where it runs.
		out=$(cd "$EXDIR" && timeout 10 "$P" "$@" 2>&1 < /dev/null)
		rc=$?
		if [ "$rc" != 2 ] || [[ "$out" =~ "not loaded" ]]; then
			tap_ok "example '$line' parses (status $rc)"
		else
			tap_not_ok "example '$line' parses" "status $rc: $out"
		fi
	done < <("$P" help $c | sed -n '/^Examples:/,/^$/s/^  \(\(dmesg | \)\{0,1\}ptscope .*\)/\1/p')
done
# JSON is UTF-8 whatever the names hold: a byte that is not UTF-8 comes out
# as \udcXX (Python's surrogateescape gives it back), valid UTF-8 as itself.
# strict_json FILE WANT: Python's json.loads accepts FILE, and the
# surrogateescape bytes of every string in it include WANT's.
strict_json() {
	python3 -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")        # the output itself is valid UTF-8
d = json.loads(raw)
want = sys.argv[2].encode("utf-8", "surrogateescape")
def strings(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)
    elif isinstance(o, str):
        yield o
assert any(want in s.encode("utf-8", "surrogateescape") for s in strings(d)), "no string holds the bytes"
' "$1" "$2"
}
utf8t() {	# utf8t DESCRIPTION WANT-BYTES FILE
	if out=$(strict_json "$3" "$2" 2>&1); then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$out
$(cat "$3")"
	fi
}
J=$(mktemp)
trap 'rm -f "$J"; rm -rf "$EXDIR"' EXIT
"$P" -j walk $'\xff\xfe' > "$J" 2>&1
utf8t "-j: an argument that is not UTF-8, in the error" $'\xff\xfe' "$J"
printf 'kernel: cr\xffash[123]: segfault at 10 ip 0000000000401000 sp 00007ffc00000000 error 4 in cr\xffash[401000+1000]\n' |
	"$P" -j explain --dmesg > "$J" 2>&1
utf8t "-j explain --dmesg: a comm that is not UTF-8" $'cr\xffash' "$J"
"$P" -j map -i "$ROOT/tests/host/map/names.snap" > "$J" 2>&1
utf8t "-j map -i: a path that is not UTF-8" $'/tmp/bad\xffname' "$J"
utf8t "-j map -i: a path in UTF-8 as itself" $'/tmp/caf\xc3\xa9' "$J"
tap_check "-j map -i: café written as UTF-8" grep -q '"/tmp/café"' "$J"
t "no command: usage, status 2" 2 '^Usage: ptscope' --
t "unknown command: status 2" 2 "^ptscope: unknown command 'frobnicate' \(see 'ptscope help'\)$" -- frobnicate
t "unknown command in JSON mode" 2 '^\{"error":"unknown command .frobnicate. \(see .ptscope help.\)"\}$' -- -j frobnicate
t "unknown option: status 2" 2 "^ptscope: unknown option '--frob' \(see 'ptscope help info'\)$" -- --frob info
t "unknown option, no command" 2 "^ptscope: unknown option '-x' \(see 'ptscope --help'\)$" -- -x
t "unknown option in JSON mode, -j after it" 2 '^\{"error":"unknown option .--frob. \(see .ptscope help info.\)"\}$' -- info --frob -j
t "an option's missing value" 2 "^ptscope: option '--svg' needs a value \(see 'ptscope help map'\)$" -- map 1 --svg
t "a flag given a value" 2 "^ptscope: option '--pages' takes no value" -- walk 1 --pages=yes
t "a bad --width" 2 "^ptscope: --width wants a number of columns, not 'wide'$" -- map 1 --width wide
t "a bad --color" 2 "^ptscope: --color wants auto, always or never, not 'blue'$" -- map 1 --color=blue
t "--color takes no separate word" 2 "^ptscope: unknown command 'blue'|map takes" -- --color blue map
t "GNU order: options before the command" 1 'kernel module ptscope is not loaded' -- -j --pages walk self
t "GNU order: options after its arguments" 1 '^\{"error":"kernel module ptscope is not loaded' -- walk self --pages -j
t "-- ends the options" 2 "'--pages' is not a PID" -- walk -- --pages
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

# diff of two snapshot files needs no module: handmade snapshots.
T=$(mktemp -d)
trap 'rm -rf "$T" "$EXDIR"; rm -f "$J"' EXIT
snap() {	# snap FILE RECORD-LINES...: a snapshot of pid 42
	local f=$1
	shift
	{ echo "# ptscope snapshot 1"; echo "pid 42 range 0x0 0x0"; printf '%s\n' "$@"; echo "# end"; } > "$f"
}
snap "$T/a" "0x1000 4 PTE present 0x100 0x8000000000100867 0x7f cow-shared anon 2" \
	"0x5000 2 PTE none - 0x0 0x0 unmapped - -"
snap "$T/b" "0x1000 1 PTE present 0x200 0x8000000000200867 0x7f writable anon 1" \
	"0x2000 3 PTE present 0x101 0x8000000000101867 0x7f cow-shared anon 2" \
	"0x5000 1 PTE present 0x300 0x8000000000300867 0x7f writable anon 1" \
	"0x6000 1 PTE none - 0x0 0x0 unmapped - -" "0x9000 1 PTE none - 0x0 0x0 unmapped - -"
snap "$T/c" "0x2000 1 PTE present 0x101 0x8000000000101867 0x5f cow-shared anon 2"
t "diff: a file against itself" 0 '6 pages compared, 0 changed' -- diff "$T/a" "$T/a"
t "diff: the written page, the faulted one, a new mapping" 0 \
	'0x0000000000001000 +1  present pfn 0x100 cow-shared +-> present pfn 0x200 writable.*0x0000000000005000 +1  none +-> present pfn 0x300 writable.*0x0000000000009000 +1  \(no mapping\) +-> none.*7 pages compared, 3 changed' \
	-- diff "$T/a" "$T/b"
t "diff -j" 0 '^\{"changes":\[\{"addr":"0x1000","nr_pages":1,"before":\{"state":"present","pfn":"0x100","cow":"cow-shared".*"summary":\{"compared":7,"changed":3\}\}$' \
	-- -j diff "$T/a" "$T/b"
t "diff over a RANGE compares only that" 0 '0x0000000000002000 +1  present pfn 0x101 cow-shared +-> present pfn 0x101 cow-shared +-accessed.*1 pages compared, 1 changed' \
	-- diff "$T/a" "$T/c" 0x2000+4K
head -n 3 "$T/a" > "$T/cut"
t "diff refuses a snapshot cut short" 1 "snapshot '.*/cut' is cut short \(no end line\)" -- diff "$T/cut" "$T/a"
snap "$T/bad" "0x1000 4 PTE present 0x100 0x0 0x0 no-such-state anon 2"
t "diff names a bad line" 1 "snapshot '.*/bad', line 3: not a record in order" -- diff "$T/bad" "$T/a"
t "diff refuses other files" 1 "'/etc/hostname' is not a ptscope snapshot" -- diff /etc/hostname "$T/a"
t "diff needs two sides" 2 "diff needs two of FILE or PID" -- diff "$T/a"
t "diff with a PID needs the module" 1 'kernel module ptscope is not loaded' -- diff "$T/a" 1
t "share needs PIDs" 2 "share needs PIDs, or --all" -- share
t "share --all takes no PIDs" 2 "share needs PIDs, or --all" -- share --all 1
t "--all is share's" 2 "option --all applies to share only" -- walk 1 --all
t "walk -o with a filter" 2 "does not combine with filters" -- walk 1 --cow -o "$T/x"
t "-o is walk's" 2 "^ptscope: option -o \(--output\) applies to walk only$" -- maps 1 -o "$T/x"
t "--output is walk's" 2 "^ptscope: option --output applies to walk only$" -- maps 1 --output="$T/x"

t "phys needs an address" 2 "phys needs one ADDR or pfn:N" -- phys
t "phys refuses a bad pfn" 2 "'pfn:x' is not a frame number" -- phys pfn:x
t "phys without the module" 1 'kernel module ptscope is not loaded' -- phys pfn:0x1000
t "--who is phys's" 2 "option --who applies to phys only" -- dma 1 --who
t "dma needs one PID" 2 "dma needs exactly one PID" -- dma
t "iommu needs a device" 2 "iommu needs a PCI DEVICE" -- iommu
t "iommu refuses a bad IOVA" 2 "'zz' is not an address" -- iommu 0000:00:02.0 zz
t "--help lists dma, phys, iommu" 0 'dma +PID.*phys +ADDR\|pfn:N.*iommu +DEVICE \[IOVA\]' -- --help

t "explain needs a record" 2 "explain needs PID ADDR, --fault ID, --last, --dmesg" -- explain
t "explain refuses a bad access" 2 "'fly' is not an access" -- explain 1 0x1000 --access fly
t "explain PID ADDR needs the module" 1 'kernel module ptscope is not loaded' -- explain 1 0x1000
printf '%s\n' '[   24.1] crashlab[267]: segfault at 10 ip 000055ecd091e1d7 sp 00007ffef5c31ed0 error 4 in crashlab[11d7,55ecd091e000+1000] likely on CPU 0' \
	'[   18.5] traps: crashlab[228] general protection fault ip:55d090ebc4b2 sp:7ffe08183c80 error:0 in crashlab[14b2,55d090ebc000+1000]' \
	'[   9.68] crashlab[176]: segfault at 55c3238c7120 ip 000055c3238c63bc sp 00007fff92cc3200 error 7 in crashlab[13bc,55c3238c6000+1000]' \
	'[   8.60] crashlab[169]: segfault at 7fffa8e8a360 ip 000055591b55c7f4 sp 00007fffa8e8a360 error 6 in crashlab[17f4,55591b55c000+1000]' > "$T/dmesg"
t "explain --dmesg: a NULL dereference, without the module" 0 'crashlab\[267\]: SIGSEGV \(SEGV_MAPERR\) at 0x10.*reason +null-deref' -- explain --dmesg "$T/dmesg"
t "explain --dmesg: general protection" 0 'reason +non-canonical' -- explain --dmesg "$T/dmesg"
t "explain --dmesg: a write refused" 0 'reason +write-read-only' -- explain --dmesg "$T/dmesg"
t "explain --dmesg: at the stack pointer" 0 'reason +stack-overflow' -- explain --dmesg "$T/dmesg"
t "explain -j --dmesg" 0 '^\{"faults":\[\{"id":0,.*"reason":"null-deref"' -- -j explain --dmesg "$T/dmesg"
echo "garbage text" > "$T/garbage"
t "explain --dmesg of garbage" 1 "no segfault lines in .*/garbage" -- explain --dmesg "$T/garbage"
t "explain --core of a non-core" 1 "is not a 64-bit ELF core file" -- explain --core /bin/sh
t "explain --core of garbage" 1 "not a core file|is not a 64-bit ELF core file" -- explain --core "$T/garbage"
t "explain --core needs a file" 2 "explain --core needs one core FILE" -- explain --core
t "explain refuses a bad ID" 2 "'x' is not a fault record ID" -- explain --fault x
t "faults takes only clear" 2 "faults takes nothing, or 'clear'" -- faults 12
t "--follow is faults'" 2 "^ptscope: option --follow applies to faults only$" -- walk 1 --follow
t "--last is explain's" 2 "^ptscope: option --last applies to explain only$" -- faults --last
t "--access is explain's" 2 "^ptscope: option --access applies to explain only$" -- walk 1 --access read
t "faults without the module" 1 'kernel module ptscope is not loaded' -- faults
t "explain without the module" 1 'kernel module ptscope is not loaded' -- explain --last

# Pretty JSON is still one valid document.
tap_check "-p --version is valid JSON" bash -c "'$P' -p --version | jq -e .version"

tap_done
