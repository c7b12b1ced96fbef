# The fault recorder: one crash of each kind, each recorded after its
# process is gone with the fields the test knows (pid, address, signal,
# si_code, mapping) and the expected reason; the same crash caught by a
# handler, recorded with what the signal frame says of it; a handled
# SIGSEGV; who sees which records; clearing; bad input.
#
# The oracles for the CPU's report of each fault: the error bits each kind
# must have (x86's page-fault error code; arm64's ESR decoded to the same
# bits), the kernel's log line of the killed crash (x86: error code, ip, sp
# and address; arm64: the ESR and the pc of the register dump), and the
# signal frame of the caught one (x86: sigcontext's err and trapno; arm64:
# the esr_context record), all the kernel's own copies of what ptscope
# records.
. /tests/lib.sh
load_ptscope
ptscope faults clear || fail "faults clear failed"
echo 0 > /proc/sys/vm/nr_hugepages	# so the hugetlb mapping finds no page
# Cores and log lines of the same crashes, for explain --core and --dmesg.
ulimit -c unlimited
echo "/tmp/core.%p" > /proc/sys/kernel/core_pattern
fault_log_on

# num_code SIGNAL SI_CODE: the number of a si_code, as a signal frame has it.
num_code() {
	case $1:$2 in
	*:SEGV_MAPERR) echo 1 ;; *:SEGV_ACCERR) echo 2 ;; *:SEGV_PKUERR) echo 4 ;;
	*:SI_KERNEL) echo 128 ;; SIGBUS:BUS_ADRERR) echo 2 ;; *) echo "?" ;;
	esac
}
# jn FIELD: a number of /tmp/e.json's record, in decimal.
jn() { echo $(($(jq -r "$1" /tmp/e.json))); }

# logged MODE SIGNAL REASON PID: the kernel's log line of the killed crash
# PID against its record, where the kernel writes one (x86 for SIGSEGV only,
# arm64 for SIGSEGV and SIGBUS). x86's line has the address, ip, sp and the
# error code, arm64's the ESR, its name of the fault and the pc; explain
# --dmesg reads the same lines. A log line has no mappings: PROT_NONE and
# pkey refusals of pages not yet present read as "unmapped" there, and
# arm64's, without the address, say only what the ESR says: "unmapped" (a
# translation fault) or "access-denied" (a permission fault).
logged() {
	mode=$1 sig=$2 want=$3 p=$4
	[ $sig = SIGSEGV ] || [ "$ARCH" = aarch64 ] || return 0
	fault_log $p > /tmp/d.txt
	cat /tmp/d.txt
	ptscope -j explain --dmesg /tmp/d.txt > /tmp/dx.json ||
		{ check_not_ok "$mode: the kernel log has the crash"; fail "$mode: no log line of pid $p"; }
	if [ "$ARCH" = aarch64 ]; then
		esr=$(sed -n 's/.*\]: unhandled exception: .*, ESR \(0x[0-9a-f]*\), .*/\1/p' /tmp/d.txt)
		pc=$(sed -n 's/.* pc : \([0-9a-f]*\).*/0x\1/p' /tmp/d.txt)
		expect_eq "$mode: ESR, as the kernel log gives it" "$((esr))" "$(jn .esr.value)"
		expect_eq "$mode: ip, as the kernel log's pc" "$((pc))" "$(jn .ip)"
		expect_eq "$mode: explain --dmesg, the ESR" "$((esr))" \
			"$(($(jq -r '.faults[0].esr.value' /tmp/dx.json)))"
		[ $sig = SIGSEGV ] || return 0	# the log's translation fault does not say SIGBUS
		case $((esr & 0x3c)) in 4) want=unmapped ;; 12) want=access-denied ;; esac
	elif grep -q "general protection fault" /tmp/d.txt; then
		set -- $(sed -n 's/.* general protection fault ip:\([0-9a-f]*\) sp:\([0-9a-f]*\) error:\([0-9a-f]*\).*/\1 \2 \3/p' /tmp/d.txt)
		expect_eq "$mode: ip, sp, error, as the kernel log gives them" \
			"$((0x$1)) $((0x$2)) $((0x$3))" "$(jn .ip) $(jn .sp) $(jn .error)"
	else
		set -- $(sed -n 's/.*\]: segfault at \([0-9a-f]*\) ip \([0-9a-f]*\) sp \([0-9a-f]*\) error \([0-9a-f]*\).*/\1 \2 \3 \4/p' /tmp/d.txt)
		expect_eq "$mode: address, ip, sp, error, as the kernel log gives them" \
			"$((0x$1)) $((0x$2)) $((0x$3)) $((0x$4))" "$(jn .addr) $(jn .ip) $(jn .sp) $(jn .error)"
		case $mode in prot-none|pkey) want=unmapped ;; esac
	fi
	expect_eq "$mode: explain --dmesg" "$want" "$(jq -r '.faults[0].reason' /tmp/dx.json)"
}

# caught MODE REASON SIGNAL SI_CODE PF: "crashlab catch MODE" catches the
# same fault and prints its signal frame; the record (handled) must say
# what the frame says, and have the error bits PF ("-": they vary).
caught() {
	mode=$1 reason=$2 sig=$3 code=$4 pf=$5
	crashlab catch $mode > /tmp/c.out 2>&1 || fail "$mode, caught: crashlab catch: $(cat /tmp/c.out)"
	cat /tmp/c.out
	pid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
	# caught SIGNAL code N addr A, then "esr E" (arm64) or "err E trap T" (x86)
	set -- $(grep '^caught ' /tmp/c.out)
	[ $# -ge 8 ] || fail "$mode, caught: no frame: $(cat /tmp/c.out)"
	ptscope -j explain --last > /tmp/e.json || fail "$mode, caught: explain --last failed"
	expect_eq "$mode, caught: the frame's signal, si_code" "$sig $(num_code $sig $code)" "$2 $4"
	expect_eq "$mode, caught: pid, signal, si_code, reason, handled" "$pid $sig $code $reason true" \
		"$(jq -r '"\(.pid) \(.signal) \(.si_code) \(.reason) \(.handled)"' /tmp/e.json)"
	[ "$6" = 0x0 ] || expect_eq "$mode, caught: address, as si_addr" "$6" "$(jq -r .addr /tmp/e.json)"
	if [ "$ARCH" = aarch64 ]; then
		[ "$7 $8" != "esr none" ] ||
			{ check_not_ok "$mode, caught: the frame has the ESR"; fail "$mode: no esr_context"; }
		expect_eq "$mode, caught: ESR, as the frame's esr_context" "$(($8))" "$(jn .esr.value)"
		expect_eq "$mode, caught: error bits, as the ESR means them" "$(esr_pf $8)" "$(jn .error)"
	else
		expect_eq "$mode, caught: error code and trap, as the frame's err and trapno" \
			"$(($8)) ${10}" "$(jn .error) $(jq .trap /tmp/e.json)"
	fi
	[ "$pf" = - ] || expect_eq "$mode: error bits" "$((pf))" "$(jn .error)"
}

# crash MODE REASON SIGNAL SI_CODE [PF]: run "crashlab MODE" (it dies) and
# check the newest record against what crashlab announced, its core and its
# log line; then the same fault caught (PF as caught() has it, default -).
crash() {
	mode=$1 reason=$2 sig=$3 code=$4 pf=${5:--}
	fault_log_pace
	crashlab $mode > /tmp/c.out 2>&1
	rc=$?
	if grep -q '^unsupported' /tmp/c.out; then
		echo "note: $mode: $(cat /tmp/c.out)"
		check_skip "$mode" "$(cat /tmp/c.out)"
		return
	fi
	set -- $(grep '^pid ' /tmp/c.out)
	pid=$2 addr=$4
	ptscope -j explain --last > /tmp/e.json || fail "$mode: explain --last failed: $(cat /tmp/e.json)"
	echo "$mode (exit $rc): $(jq -r '"\(.reason): \(.explanation)"' /tmp/e.json)"
	expect_eq "$mode: pid, signal, si_code, reason" "$pid $sig $code $reason" \
		"$(jq -r '"\(.pid) \(.signal) \(.si_code) \(.reason)"' /tmp/e.json)"
	[ "$addr" = 0x0 ] || expect_eq "$mode: fault address" "$addr" "$(jq -r .addr /tmp/e.json)"
	expect_eq "$mode: snapshot taken before it died" true "$(jq .snapshot /tmp/e.json)"
	kill -0 $pid 2>/dev/null && fail "$mode: the process is still alive"
	# The same crash from its core file, without the module's record.
	[ -s /tmp/core.$pid ] || fail "$mode: no core file"
	expect_eq "$mode: explain --core, same reason" "$reason" \
		"$(ptscope -j explain --core /tmp/core.$pid | jq -r .reason)"
	rm -f /tmp/core.$pid
	[ "$pf" = - ] || expect_eq "$mode: error bits" "$((pf))" "$(jn .error)"
	logged $mode $sig $reason $pid
	cp /tmp/e.json /tmp/killed.json
	caught $mode $reason $sig $code $pf
	cp /tmp/killed.json /tmp/e.json
}

# The error bits (PTSCOPE_PF: 0x1 PROT, 0x2 WRITE, 0x4 USER, 0x10 INSTR) of
# each kind: a read of nothing is USER, a write to a present read-only page
# USER|WRITE|PROT, an execution of a present non-executable page
# USER|INSTR|PROT. A kernel address is PROT as well on x86 (the kernel's
# sanitized code); arm64 reports it as a level 0 translation fault.
kpf=0x5
[ "$ARCH" = aarch64 ] && kpf=0x4
crash null null-deref SIGSEGV SEGV_MAPERR 0x4
crash gap unmapped SIGSEGV SEGV_MAPERR 0x4
jq -r .explanation /tmp/e.json | grep -q "bytes above the end of" || fail "gap: no distances"
crash stack-overflow stack-overflow SIGSEGV SEGV_MAPERR
crash write-ro write-read-only SIGSEGV SEGV_ACCERR 0x7
jq -r .explanation /tmp/e.json | grep -q "/usr/bin/crashlab at file offset 0x[0-9a-f]*, in .rodata" ||
	fail "write-ro: the file and section are not named"
expect_eq "write-ro: the mapping, readable, not writable" "/usr/bin/crashlab true false" \
	"$(jq -r '"\(.vma.name) \(.vma.flags | index("read") != null) \(.vma.flags | index("write") != null)"' /tmp/e.json)"
crash exec-stack exec-non-exec SIGSEGV SEGV_ACCERR 0x15
expect_eq "exec-stack: the mapping" "[stack]" "$(jq -r .vma.name /tmp/e.json)"
crash exec-heap exec-non-exec SIGSEGV SEGV_ACCERR 0x15
crash prot-none prot-none SIGSEGV SEGV_ACCERR 0x4
crash pkey pkey SIGSEGV SEGV_PKUERR
crash kernel-addr kernel-address SIGSEGV SEGV_MAPERR $kpf
# arm64 hides the kernel's tables from user space: the ESR is sanitized to a
# level 0 translation fault of a read (set_thread_esr()).
[ "$ARCH" = aarch64 ] &&
	expect_eq "kernel-addr: ESR, DABT (lower EL) level 0 translation fault" 0x92000004 \
		"$(printf '0x%x' $(jn .esr.value))"
if [ "$ARCH" = x86_64 ]; then
	crash non-canonical non-canonical SIGSEGV SI_KERNEL 0x0
	expect_eq "non-canonical: trap 13 (general protection)" 13 "$(jq .trap /tmp/e.json)"
else
	check_skip "non-canonical" "arm64 has no non-canonical user addresses (top-byte-ignore)"
fi
crash bus-eof bus-past-eof SIGBUS BUS_ADRERR 0x4
crash bus-hugetlb bus-hugetlb SIGBUS BUS_ADRERR 0x6

echo "--- a SIGSEGV a handler catches"
crashlab handled > /tmp/c.out || fail "crashlab handled did not survive: $(cat /tmp/c.out)"
grep -q survived /tmp/c.out || fail "no survival"
ptscope -j explain --last > /tmp/e.json
expect_eq "handled: recorded as handled, reason" "true null-deref" \
	"$(jq -r '"\(.handled) \(.reason)"' /tmp/e.json)"

echo "--- the list and one record by ID"
ptscope faults
n=$(ptscope -j faults | jq '.faults | length')
[ "$n" -ge 12 ] || fail "only $n records listed"
id=$(ptscope -j faults | jq '.faults[0].id')
expect_eq "explain --fault ID" "$id" "$(ptscope -j explain --fault $id | jq .id)"
ptscope explain --fault $id

echo "--- the debugfs mirror"
D=/sys/kernel/debug/ptscope/faults
expect_eq "faults file mode" 400 "$(stat -c %a $D)"
head -n 2 $D
expect_eq "debugfs lines = records" "$(ptscope -j faults | jq '.faults | length')" "$(wc -l < $D)"
expect_eq "first record: id, pid, address" \
	"$(ptscope -j faults | jq -r '.faults[0] | "id \(.id) pid \(.pid) addr \(.addr)"')" \
	"$(head -n 1 $D | awk '{ for (i = 1; i < NF; i++) { if ($i == "id") id = $(i+1); if ($i == "pid") p = $(i+1); if ($i == "addr") a = $(i+1) } print "id " id " pid " p " addr " a }')"

# What the CPU said, as the mirror prints it: arm64's ESR, x86's trap number.
if [ "$ARCH" = aarch64 ]; then key=esr field=.esr.value; else key=trap field=.trap; fi
expect_eq "first record: $key" \
	"$(($(ptscope -j faults | jq -r ".faults[0]$field")))" \
	"$(($(head -n 1 $D | awk -v k=$key '{ for (i = 1; i < NF; i++) if ($i == k) print $(i+1) }')))"

echo "--- other users see their own records only"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
$U crashlab null > /dev/null 2>&1
$U ptscope -j faults > /tmp/u.json || fail "faults as uid 1000 failed"
expect_eq "uid 1000 sees its one record" "1 1000" "$(jq -r '"\(.faults | length) \(.faults[0].uid)"' /tmp/u.json)"
if [ "$ARCH" = aarch64 ]; then frame=$(( ((1 << 50) - 1) & ~(PAGE - 1) )); else frame=0x000ffffffffff000; fi
for e in $(jq -r --arg p $FLAG_PRESENT '.faults[0].xlate_addr.levels // [] | .[] | select(.flags | index($p)) | .entry' /tmp/u.json); do
	[ $(( e & frame )) = 0 ] ||
		{ check_not_ok "uid 1000's record shows no frame numbers"; fail "uid 1000 sees a frame in entry $e"; }
done
check_ok "uid 1000's record shows no frame numbers"
$U ptscope faults clear > /tmp/u.out 2>&1 && fail "uid 1000 cleared the records"
grep -q "permission denied" /tmp/u.out || fail "clear refusal: $(cat /tmp/u.out)"
xerr "unknown fault ID" 1 "no such fault record" explain --fault 999999
xerr "malformed fault ID" 2 "is not a fault record ID" explain --fault x
xerr "explain needs a record" 2 "explain needs PID ADDR, --fault ID, --last, --dmesg" explain
echo "garbage" > /tmp/g.txt
xerr "garbage dmesg" 1 "no segfault lines in /tmp/g.txt" explain --dmesg /tmp/g.txt
head -c 5000 /bin/busybox > /tmp/corrupt.core
xerr "corrupt core" 1 "is not a(n x86-64| 64-bit) ELF core file" explain --core /tmp/corrupt.core
echo "--- the other machine's log lines and cores: each names its machine"
# A log of both machines, and kernel-written cores of both (tests/cores,
# made by tests/cores/make-cores in Debian 6.12 guests): whichever machine
# this is, each reads as its own machine's.
{ printf '[   41.0] segv[123]: unhandled exception: DABT (lower EL), ESR 0x0000000092000047, level 3 translation fault in segv[aaaad5c10000+1000]\n'
  echo '[   44.0] x86prog[7]: segfault at 0 ip 000055d5c4a0113d sp 00007ffc6b3e2c90 error 4 in x86prog[55d5c4a01000+1000]'; } > /tmp/mixed.log
ptscope -j explain --dmesg /tmp/mixed.log > /tmp/mixed.json || fail "explain --dmesg of a mixed log failed"
expect_eq "a mixed log: each line its machine, ESR and trap" "aarch64 0x92000047 null x86_64 null 14" \
	"$(jq -r '[.faults[] | .arch, (.esr.value // "null"), (.trap // "null")] | join(" ")' /tmp/mixed.json)"
ncores=0
for c in /tests/cores/*-write-ro.core.gz; do
	[ -e "$c" ] || continue
	m=$(basename $c); m=${m%%-*}
	gunzip -c $c > /tmp/other.core
	ptscope -j explain --core /tmp/other.core > /tmp/other.json ||
		fail "explain --core of the $m core failed: $(cat /tmp/other.json)"
	expect_eq "$m core: machine, signal, si_code, access, reason" \
		"$m SIGSEGV SEGV_ACCERR write write-read-only" \
		"$(jq -r '.faults[0] // . | "\(.arch) \(.signal) \(.si_code) \(.access) \(.reason)"' /tmp/other.json)"
	ptscope explain --core /tmp/other.core > /tmp/other.txt || fail "text explain of the $m core failed"
	grep -q "$m" /tmp/other.txt || fail "the $m core's text does not name its machine: $(cat /tmp/other.txt)"
	ncores=$((ncores + 1))
done
expect_eq "cores of both machines explained" 2 $ncores

xerr "faults takes no PID" 2 "faults takes nothing, or 'clear'" faults 1
ptscope faults clear
expect_eq "after clear: no records" 0 "$(ptscope -j faults | jq '.faults | length')"
xerr "explain --last with none" 1 "no fault records" explain --last
true
