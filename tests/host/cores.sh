#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# explain --core of cores as systemd-coredump keeps them: zstd, lz4 and xz,
# told by their magic bytes (not their names) and explained as the plain
# core is; truncated and corrupt ones refused with a message, never a
# crash. The registers and the bytes at the ip, from the core, from the
# file mapped there, or neither, in text and JSON. explain --coredump where
# the journal has no entry (the host's: the system tests have real ones).
# TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
P=$ROOT/build/ptscope
. "$ROOT/tests/host/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Decompressed cores go to $TMPDIR: here, to see that none is left behind.
mkdir "$T/tmp"
export TMPDIR=$T/tmp

. "$ROOT/tests/host/lib/ptscope_t.sh"	# t: run the CLI, check status and output

# same DESCRIPTION FILE ARGS...: "ptscope ARGS" prints exactly FILE, status 0.
same() {
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$P" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ "$out" = "$(cat "$want")" ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "status $rc; diff:
$(diff <(echo "$out") "$want")"
	fi
}

# jq_ok DESCRIPTION FILTER ARGS...: the JSON of "ptscope -j ARGS" makes FILTER true.
jq_ok() {
	local desc=$1 filter=$2
	shift 2
	tap_check "$desc" bash -c '"$@" | jq -e "$0" > /dev/null' "$filter" "$P" -j "$@"
}

# The kernel-written cores of tests/cores (Debian 6.12 guests, crashlab
# write-ro), with their explanations as plain files.
for m in x86_64 aarch64; do
	gzip -dc "$ROOT/tests/cores/$m-write-ro.core.gz" > "$T/$m.core"
	"$P" explain --core "$T/$m.core" > "$T/$m.txt" 2>&1
	"$P" -j explain --core "$T/$m.core" > "$T/$m.json" 2>&1
done

# ---- registers and the bytes at the ip
t "x86_64: the registers after the mappings" 0 \
	$'above .*\nregisters  rax 0x0000000000000000  rbx 0x00007ffdf9cfc408  rcx 0x00007f518afd4350\n.*rbp 0x00007ffdf9cfdf58  rsp 0x00007ffdf9cfbea0  r8  0x00007f518b0774e0\n.*r15 0x00007f518b0f9020  rip 0x000055d37a508728  eflags 0x206\n.*orig_rax 0xffffffffffffffff\ncode       0x55d37a508728: ' \
	-- explain --core "$T/x86_64.core"
t "aarch64: the registers after the mappings" 0 \
	$'registers  x0  0x0000000000000058  x1  0x0000ffffa3d22788  x2  0x00000000fbad2884\n.*x30 0x0000aaaac2641880  sp  0x0000ffffcb0b1420  pc  0x0000aaaac2641884\n +pstate 0x60001000\ncode       0xaaaac2641884: ' \
	-- explain --core "$T/aarch64.core"
jq_ok "x86_64 JSON: 27 registers, rip and rsp the record's ip and sp" \
	'(.registers | length) == 27 and .registers.rip == .ip and .registers.rsp == .sp and .registers.eflags == "0x206" and .instruction.addr == .ip' \
	explain --core "$T/x86_64.core"
jq_ok "aarch64 JSON: 34 registers, pc and sp the record's ip and sp" \
	'(.registers | length) == 34 and .registers.pc == .ip and .registers.sp == .sp and .registers.x0 == "0x58" and .instruction.addr == .ip' \
	explain --core "$T/aarch64.core"
# The fault's own members are those of before (arm64.sh checks their values).
jq_ok "the fault's members come first, registers and instruction last" \
	'keys_unsorted | .[-2:] == ["registers", "instruction"] and index("reason") < index("registers")' \
	explain --core "$T/x86_64.core"

# The cores of tests/cores keep no text pages (coredump_filter): the bytes
# come from the core when a variant keeps them, else from the file mapped
# there, else from nowhere.
for m in x86_64 aarch64; do
	n=16 && [ $m = aarch64 ] && n=4
	want=$("$ROOT/tests/host/lib/corepatch.py" "$T/$m.core" "$T/$m-code.core" code | sed -n 's/^bytes //p' | cut -c1-$((3 * n - 1)))
	t "$m: the bytes at the ip from the core (its load segment)" 0 \
		"code       0x[0-9a-f]+: $want .*\(from the core\)$" -- explain --core "$T/$m-code.core"
	jq_ok "$m JSON: instruction from the core" \
		".instruction.source == \"core\" and .instruction.bytes == \"$want\" and .instruction.file == \"/usr/bin/crashlab\" and (.instruction | has(\"offset\") | not)" \
		explain --core "$T/$m-code.core"
	# A file of bytes 0..255 over and over: byte k of it is k & 0xff, past
	# the ELF magic (only ELF files give their bytes).
	python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\x7fELF" + bytes(range(4, 256)) + bytes(range(256)) * 255)' "$T/exe"
	off=$("$ROOT/tests/host/lib/corepatch.py" "$T/$m.core" "$T/$m-file.core" file "$T/exe" | sed -n 's/^offset //p')
	want=$(python3 -c 'import sys; o = int(sys.argv[1], 16); print(" ".join("%02x" % ((o + k) & 255) for k in range(int(sys.argv[2]))))' "$off" $n)
	t "$m: the bytes at the ip from the file mapped there" 0 \
		"code       0x[0-9a-f]+: $want .*\(from $T/exe at offset $off, as mapped at the crash\)$" \
		-- explain --core "$T/$m-file.core"
	jq_ok "$m JSON: instruction from the file" \
		".instruction.source == \"file\" and .instruction.bytes == \"$want\" and .instruction.file == \"$T/exe\" and .instruction.offset == \"$off\"" \
		explain --core "$T/$m-file.core"
	"$ROOT/tests/host/lib/corepatch.py" "$T/$m.core" "$T/$m-none.core" file "$T/gone" > /dev/null
	t "$m: no bytes when the file mapped there is gone" 0 \
		"code       0x[0-9a-f]+: not in the core; $T/gone, mapped there, cannot be read: No such file or directory$" \
		-- explain --core "$T/$m-none.core"
	jq_ok "$m JSON: instruction null, and why" \
		'.instruction.source == null and .instruction.bytes == null and (.instruction.why | test("cannot be read"))' \
		explain --core "$T/$m-none.core"
done
# A core's NT_FILE names any file: one that is not ELF gives no bytes.
python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes(range(256)) * 256)' "$T/secret"
"$ROOT/tests/host/lib/corepatch.py" "$T/x86_64.core" "$T/secret.core" file "$T/secret" > /dev/null
t "a file that is not ELF, mapped at the ip, is not read" 0 \
	"$T/secret, mapped there, cannot be read: not an ELF file" -- explain --core "$T/secret.core"
# /proc/kcore is ELF: any /proc file stands for it (this host may lack kcore).
"$ROOT/tests/host/lib/corepatch.py" "$T/x86_64.core" "$T/kcore.core" file /proc/version > /dev/null
t "a /proc file mapped at the ip is not read" 0 \
	"/proc/version, mapped there, cannot be read: in /proc, /sys or another kernel file system" \
	-- explain --core "$T/kcore.core"
t "aarch64: the instruction word" 0 'code       0x[0-9a-f]+: 84 85 86 87 \(0x87868584\)' \
	-- explain --core "$T/aarch64-file.core"
"$ROOT/tests/host/lib/corepatch.py" "$T/x86_64.core" "$T/dev.core" file /dev/zero > /dev/null
t "a device mapped at the ip is not read" 0 '/dev/zero, mapped there, cannot be read: not a regular file' \
	-- explain --core "$T/dev.core"

# ---- compressed cores
for tool in zstd lz4 xz; do
	if ! command -v $tool > /dev/null; then
		tap_skip "$tool cores" "no $tool (tests/deps.sh installs it)"
		continue
	fi
	for m in x86_64 aarch64; do
		# As systemd-coredump names them; then under a name that says nothing.
		z=$T/core.crashlab.0.6f1e0c6a53a54f3bb4cbb8bd7d2b29a1.158.1733280000000000.$tool
		case $tool in
		zstd) zstd -q -c "$T/$m.core" > "$z" ;;
		lz4) lz4 -q -c "$T/$m.core" > "$z" ;;
		xz) xz -c "$T/$m.core" > "$z" ;;
		esac
		cp "$z" "$T/$m-$tool.bin"
		same "$m $tool core: explained as the plain core" "$T/$m.txt" explain --core "$z"
		same "$m $tool core: the same JSON" "$T/$m.json" -j explain --core "$z"
		same "$m $tool core: told by its magic, not its name" "$T/$m.txt" explain --core "$T/$m-$tool.bin"
		size=$(stat -c %s "$z")
		head -c $((size / 2)) "$z" > "$T/cut"
		t "$m $tool core cut in half: refused" 1 "core file '$T/cut' is cut short: its $tool data ends mid-stream \(after [0-9]+ bytes of core\)" \
			-- explain --core "$T/cut"
		# A byte changed in the middle: the frame's checksum or its structure says so.
		cp "$z" "$T/bad"
		printf '\x55\xaa\x55\xaa' | dd of="$T/bad" bs=1 seek=$((size / 2)) conv=notrunc status=none
		t "$m $tool core with bytes changed: refused" 1 "core file '$T/bad': its $tool data is corrupt \(.+\)|is cut short" \
			-- explain --core "$T/bad"
	done
	head -c 6 "$z" > "$T/magic"
	t "$tool: the magic alone is cut short" 1 "is cut short: its $tool data ends mid-stream \(after 0 bytes of core" \
		-- explain --core "$T/magic"
	{ head -c 6 "$z"; head -c 4096 /dev/urandom; } > "$T/noise"
	t "$tool: the magic and noise is corrupt" 1 "its $tool data is corrupt|is cut short" \
		-- explain --core "$T/noise"
	t "$tool: an error is JSON in JSON mode" 1 '^\{"error":"core file .* is cut short' \
		-- -j explain --core "$T/magic"
	# Decompressed in a zstd file but not an ELF core.
	printf 'not a core at all\n' > "$T/text"
	case $tool in
	zstd) zstd -q -c "$T/text" > "$T/text.z" ;;
	lz4) lz4 -q -c "$T/text" > "$T/text.z" ;;
	xz) xz -c "$T/text" > "$T/text.z" ;;
	esac
	t "$tool: a compressed file that is no core" 1 "'$T/text.z' is not a 64-bit ELF core file" \
		-- explain --core "$T/text.z"
done
t "a gzip core: named, with what to do" 1 "is gzip-compressed: .*gunzip it first" \
	-- explain --core "$ROOT/tests/cores/x86_64-write-ro.core.gz"
tap_check "no temporary file is left behind" test -z "$(ls -A "$T/tmp")"
# Where the temporary file cannot be made: said, with the directory.
TMPDIR=$T/none t "a TMPDIR that does not exist: named" 1 \
	"cannot make a temporary file in $T/none for the decompressed core" \
	-- explain --core "$T/x86_64-zstd.bin"
# A core named by a journal entry may be anything: a FIFO is refused at
# once (timeout: a reader that waits fails), and a decompression bomb stops
# before the temporary file's file system is full.
mkfifo "$T/fifo"
t "a FIFO as the core: refused, not waited on" 1 "core file '$T/fifo' is not a regular file" \
	-- explain --core "$T/fifo"
if command -v zstd > /dev/null && mkdir -p "$T/small" && mount -t tmpfs -o size=96m tmpfs "$T/small" 2> /dev/null; then
	# 1 GiB of 0xaa (no holes) in a few KiB of zstd; 96 MiB of room.
	head -c 1G /dev/zero | tr '\0' '\252' | zstd -q -c > "$T/bomb.zst"
	TMPDIR=$T/small t "a zstd bomb stops at the free space, named" 1 \
		"decompresses to more data than the [0-9]+ MiB free for it" -- explain --core "$T/bomb.zst"
	tap_check "the bomb left the file system as it was" test "$(df --output=used "$T/small" | tail -n 1 | tr -d ' ')" -lt 1024
	umount "$T/small"
else
	tap_skip "a zstd bomb stops at the free space" "no zstd, or no tmpfs mount here (not root?)"
fi

# ---- --coredump: the host's journal has no such entry (nor, maybe, libsystemd)
t "--coredump of a PID without an entry" 1 \
	'no systemd-coredump entry for PID 4194304 in the journal|cannot load libsystemd.so.0' \
	-- explain --coredump 4194304
t "--coredump of matches without an entry" 1 \
	'no systemd-coredump entry for COREDUMP_COMM=ptscope-none, PID 4194304 in the journal|cannot load libsystemd' \
	-- explain --coredump COREDUMP_COMM=ptscope-none 4194304
t "--coredump needs an argument" 2 'explain --coredump needs a PID or a journal match' \
	-- explain --coredump
t "--coredump refuses what is no match" 2 "'comm=x' is neither a PID nor a journal match" \
	-- explain --coredump comm=x
t "--coredump with --core" 2 'explain takes one of' -- explain --coredump 1 --core x
t "--coredump with --access" 2 'explain --coredump takes only a PID or MATCHes' \
	-- explain --coredump 1 --access write
tap_done
