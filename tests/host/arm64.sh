#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# arm64 in userspace, on any host: ESR decoding (explain --dmesg with the
# kernel's own line format, arch/arm64/kernel/traps.c arm64_show_signal()
# in 6.1 and 6.12), snapshots that name their machine and page size, cores
# that name theirs. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
P=$ROOT/build/ptscope
. "$ROOT/tests/host/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$ROOT/tests/host/lib/ptscope_t.sh"	# t: run the CLI, check status and output

# One arm64 line and its register dump, as printk writes them.
line() { # COMM PID ESR NAME
	printf '[   41.093512] %s[%s]: unhandled exception: DABT (lower EL), ESR 0x%016x, %s in %s[aaaad5c10000+1000]\n' \
		"$1" "$2" "$3" "$4" "$1"
	printf '[   41.094011] CPU: 0 PID: %s Comm: %s Not tainted 6.12.117+deb12-arm64 #1\n' "$2" "$1"
	printf '[   41.095227] pc : 0000aaaad5c10714\n[   41.095456] lr : 0000ffff8f0c7740\n'
	printf '[   41.095674] sp : 0000ffffd7e0e8a0\n'
}

# ESR -> class, status, WnR and the PTSCOPE_PF bits (USER 4, WRITE 2, PROT 1, INSTR 16).
esr() { # DESC ESR NAME EXPECTED_REGEX
	line prog 123 "$2" "$3" > "$T/log"
	t "$1" 0 "$4" -- -j explain --dmesg "$T/log"
}
esr "read, translation fault level 3" 0x92000007 "level 3 translation fault" \
	'"si_code":"SEGV_MAPERR","addr":null,"access":"read",.*"reason":"unmapped".*"ip":"0xaaaad5c10714","sp":"0xffffd7e0e8a0","error":"0x4","arch":"aarch64","esr":\{"value":"0x92000007","class":"data-abort-lower-el","kernel_class":"DABT \(lower EL\)","status":"translation fault level 3","fsc":7,"wnr":false,"cm":false,"fnv":false\}'
esr "write, translation fault level 3" 0x92000047 "level 3 translation fault" \
	'"access":"write",.*"error":"0x6",.*"status":"translation fault level 3","fsc":7,"wnr":true'
esr "write, permission fault level 3" 0x9200004f "level 3 permission fault" \
	'"si_code":"SEGV_ACCERR",.*"reason":"access-denied",.*"error":"0x7",.*"status":"permission fault level 3",.*"wnr":true'
esr "access flag fault level 2" 0x9200000a "level 2 access flag fault" \
	'"si_code":"SEGV_ACCERR",.*"status":"access flag fault level 2"'
esr "MTE tag check fault" 0x92000011 "synchronous tag check fault" \
	'"si_code":"SEGV_MTESERR",.*"reason":"mte-tag-mismatch",.*"status":"MTE tag check fault"'
esr "alignment fault: SIGBUS" 0x92000061 "alignment fault" \
	'"signal":"SIGBUS","si_code":"BUS_ADRALN",.*"reason":"alignment",.*"status":"alignment fault","fsc":33,"wnr":true'
esr "cache maintenance is no write" 0x92000147 "level 3 translation fault" \
	'"access":"read",.*"error":"0x4",.*"wnr":true,"cm":true'
esr "FAR not valid" 0x92000410 "synchronous external abort" \
	'"signal":"SIGBUS","si_code":"BUS_OBJERR",.*"status":"synchronous external abort",.*"fnv":true'
# An instruction abort from EL0: IABT (lower EL), EC 0x20.
printf '[ 5.0] jmp[9]: unhandled exception: IABT (lower EL), ESR 0x000000008200000f, level 3 permission fault in jmp[aaaa0000+1000]\n' > "$T/iabt"
t "instruction abort: execute, PROT|USER|INSTR" 0 '"access":"execute",.*"error":"0x15",.*"class":"instruction-abort-lower-el",.*"status":"permission fault level 3","fsc":15,"fnv":false\}' \
	-- -j explain --dmesg "$T/iabt"
t "text shows the ESR decoded" 0 'esr +0x8200000f instruction-abort-lower-el \(IABT \(lower EL\)\), permission fault level 3' \
	-- explain --dmesg "$T/iabt"
# 6.1 printed the ESR as 0x%08x: the same line, shorter.
printf '[ 5.0] old[9]: unhandled exception: DABT (lower EL), ESR 0x92000007, level 3 translation fault in old[aaaa0000+1000]\n' > "$T/old"
t "the 8-digit ESR of older kernels" 0 '"status":"translation fault level 3"' -- -j explain --dmesg "$T/old"
# Not a memory fault: a BRK (EC 0x3c) is no segfault.
printf '[ 5.0] brk[9]: unhandled exception: BRK (AArch64), ESR 0x00000000f20003e8, Unknown/Uncategorized in brk[aaaa0000+1000]\n' > "$T/brk"
t "a breakpoint is not a segfault" 1 'no segfault lines' -- explain --dmesg "$T/brk"
# A log of both machines: each line reads as its own.
{ line segv 123 0x92000047 "level 3 translation fault"
  echo '[ 44.0] x86prog[7]: segfault at 0 ip 000055d5c4a0113d sp 00007ffc6b3e2c90 error 4 in x86prog[55d5c4a01000+1000]'; } > "$T/mixed"
t "an x86 line next to an arm64 one" 0 '"comm":"segv",.*"arch":"aarch64".*"comm":"x86prog",.*"addr":"0x0",.*"reason":"null-deref",.*"error":"0x4","trap":14,"arch":"x86_64"' \
	-- -j explain --dmesg "$T/mixed"

# Snapshots name their machine; a 16 KiB-page one reads in those pages.
cat > "$T/16k.snap" <<'SNAP'
# ptscope snapshot 3
pid 4242 range 0x0 0x0
comm one-page
kernel 6.12.117+deb12-arm64-16k
machine aarch64 16384
vma 0x10000 0x18000 0x10003 anon
0x10000 2 PTE present 0x3b52 0x68000003b52f43 0x1 writable anon 1 0x2
# end
SNAP
t "a 16 KiB-page snapshot: 2 pages are 32 KiB" 0 '1 mapping, 32 KiB.*present 32 KiB' -- map -i "$T/16k.snap"
t "a 16 KiB-page snapshot compares with itself" 0 '' -- diff "$T/16k.snap" "$T/16k.snap"
t "an x86 and an arm64 snapshot do not compare" 1 'different machines \(aarch64, 16384-byte pages; x86_64, 4096-byte pages\)' \
	-- diff "$T/16k.snap" "$ROOT/tests/host/map/one-page.snap"
sed 's/^machine .*/machine sparc64 8192/' "$T/16k.snap" > "$T/bad.snap"
t "an unknown machine is refused" 1 'line 5: not a machine this ptscope knows' -- map -i "$T/bad.snap"
sed 's/^0x10000 2/0x11000 2/' "$T/16k.snap" > "$T/unaligned.snap"
t "records align to the snapshot's page size" 1 'not a record in order' -- map -i "$T/unaligned.snap"
t "a format-2 snapshot (no machine line) reads as x86_64, 4 KiB" 0 '1 mapping, 4 KiB' \
	-- map -i "$ROOT/tests/host/map/one-page.snap"

# A contiguous leaf keeps its cont=N; anything else after the page flags is refused.
cat > "$T/cont.snap" <<'SNAP'
# ptscope snapshot 3
pid 4242 range 0x0 0x0
comm cont-hugetlb
kernel 6.12.117+deb12-arm64
machine aarch64 4096
vma 0xffff80000000 0xffff80010000 0x400073 anon
0xffff80000000 16 PTE present 0x4a310 0x6800004a310f43 0x1 writable hugetlb 1 0x20000 cont=4
# end
SNAP
t "a contiguous leaf's snapshot reads: 16 pages, 64 KiB" 0 '1 mapping, 64 KiB.*present 64 KiB' -- map -i "$T/cont.snap"
t "a contiguous leaf's snapshot compares with itself" 0 '' -- diff "$T/cont.snap" "$T/cont.snap"
sed 's/ cont=4$/ cont=40/' "$T/cont.snap" > "$T/bad.snap"
t "cont=40 is refused" 1 'line 7: not a record' -- map -i "$T/bad.snap"
sed 's/ cont=4$/ junk/' "$T/cont.snap" > "$T/bad.snap"
t "a record with a stray word is refused" 1 'line 7: not a record' -- map -i "$T/bad.snap"

# Cores name their machine: other machines are refused by name.
python3 - "$T/riscv.core" <<'PY'
import struct, sys
eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack("<HHIQQQIHHHHHH", 4, 243, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
ph = struct.pack("<IIQQQQQQ", 4, 0, 120, 0, 0, 0, 0, 4)
open(sys.argv[1], "wb").write(eh + ph)
PY
t "a RISC-V core is refused by its machine's name" 1 "is of machine riscv \(ELF e_machine 243\); ptscope reads x86-64 and aarch64 cores" \
	-- explain --core "$T/riscv.core"
# Kernel-written cores of both machines (tests/cores/make-cores: Debian
# 6.12 guests, crashlab write-ro): each explained as its own machine's.
for m in aarch64 x86_64; do
	gzip -dc "$ROOT/tests/cores/$m-write-ro.core.gz" > "$T/$m.core"
	t "an $m core: its machine, the write to read-only data" 0 \
		"\"si_code\":\"SEGV_ACCERR\",.*\"access\":\"write\",.*\"reason\":\"write-read-only\",.*\"arch\":\"$m\"" \
		-- -j explain --core "$T/$m.core"
done
t "the aarch64 core's ESR: not in a core" 0 '"arch":"aarch64","esr":null' -- -j explain --core "$T/aarch64.core"
t "the aarch64 core in text names its machine" 0 'error 0x3 \(aarch64\)' -- explain --core "$T/aarch64.core"
t "the x86_64 core in text names its machine" 0 'trap 14 \(x86_64\)' -- explain --core "$T/x86_64.core"
tap_done
