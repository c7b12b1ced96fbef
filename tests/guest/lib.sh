# SPDX-License-Identifier: GPL-2.0
# Helpers sourced by guest tests. A test exits 0 to pass, 4 to skip (after
# printing "SKIP: reason") and anything else to fail; every failure says
# what was expected and what was seen.

fail() { echo "FAIL: $*"; exit 1; }

# The module's answers unless a test asks otherwise: without it loaded, auto
# would answer from /proc (70-procfs tests that source).
export PTSCOPE_SOURCE=${PTSCOPE_SOURCE:-module}

# The machine and its page geometry, as the guest's kernel gives them:
# ARCH (x86_64, aarch64), PAGE (4096, 16384), HPAGE the PMD (THP) size
# (2 MiB, 32 MiB) and HPAGE_PAGES the pages in one.
ARCH=$(uname -m)
PAGE=$(getconf PAGESIZE)
HPAGE=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null) ||
	HPAGE=$((PAGE * PAGE / 8))
HPAGE_PAGES=$((HPAGE / PAGE))
# What the entry flags are called (ptscope -j): x86 "present rw user nx",
# arm64 "valid", DBM (the kernel's pte_write), AP[1] (el0) and UXN.
if [ "$ARCH" = aarch64 ]; then
	FLAG_PRESENT=valid FLAG_RW=dbm FLAG_USER=el0 FLAG_NX=uxn
else
	FLAG_PRESENT=present FLAG_RW=rw FLAG_USER=user FLAG_NX=nx
fi
# x86_only WHAT: skip the test, naming what only x86 has.
x86_only() {
	[ "$ARCH" = x86_64 ] || skip "$* (x86 only; this is $ARCH)"
}
# pages N: N pages as a size for ptscope's RANGE syntax (4 pages: 16K, 64K).
pages() {
	echo $(($1 * PAGE / 1024))K
}
# size_arg BYTES: a size for ptscope's RANGE syntax (2M, 32M, 16K).
size_arg() {
	if [ $(($1 % 1048576)) = 0 ]; then echo $(($1 / 1048576))M; else echo $(($1 / 1024))K; fi
}
skip() { echo "SKIP: $*"; exit 4; }

# Inner checks. A test reports each check it makes on a line of its own,
# "    ok CHECK" or "    not ok CHECK" (four spaces, no number; a skipped
# one "    ok CHECK # SKIP reason"), CHECK saying what was checked and on
# which memory kind. /init sends them to the result port as the test's TAP
# subtests, and the host counts each as a result, "TEST: CHECK"
# (tests/vm/verdict). The test's own status still decides its own result.
check_ok() { echo "    ok $*"; }
check_not_ok() { echo "    not ok $*"; }
check_skip() { echo "    ok $1 # SKIP $2"; }

# lab_tap LAB FILE: the TAP that program LAB wrote to FILE, as inner checks
# named "LAB: CHECK" (its SKIPs kept, its other lines shown as they were).
# A plan that does not match what it reported, or none (it died early), is
# a failed check. Status 0 when every check passed.
lab_tap() {
	awk -v lab="$1" '
	/^(not )?ok / {
		n++
		bad += neg = /^not /
		sub(/^(not )?ok [0-9]* ?/, "")
		print "    " (neg ? "not ok " : "ok ") lab ": " $0
		next
	}
	/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; planned = 1; next }
	{ print }
	END {
		if (!planned || plan != n) {
			print "    not ok " lab ": ran to its plan (" n " checks, " \
				(planned ? "planned " plan : "no plan: it stopped early") ")"
			bad++
		}
		exit bad ? 1 : 0
	}' "$2"
}

# lab_check CHECK COMMAND...: COMMAND's exit status as the inner check
# CHECK; returns that status.
lab_check() {
	local what=$1 rc
	shift
	"$@"
	rc=$?
	if [ $rc = 0 ]; then check_ok "$what"; else check_not_ok "$what"; fi
	return $rc
}

load_ptscope() {
	insmod "$PTSCOPE_KO" || fail "insmod $PTSCOPE_KO failed"
}

unload_ptscope() {
	rmmod ptscope || fail "rmmod ptscope failed"
}

# expect_eq WHAT EXPECTED ACTUAL: an inner check, named WHAT; a failed one
# ends the test.
expect_eq() {
	if [ "$2" != "$3" ]; then
		check_not_ok "$1"
		fail "$1: expected '$2', got '$3'"
	fi
	echo "$1 = '$3'"
	check_ok "$1"
}

# A field of /sys/kernel/debug/ptscope/info ("key: value").
debugfs_info() {
	sed -n "s/^$1: //p" /sys/kernel/debug/ptscope/info
}

# wait_line FILE REGEX [TENTHS]: wait up to TENTHS tenths of a second
# (default 600: an arm64 guest under TCG sharing the machine with another
# took over 10 s to start dmalab pin) for a line matching REGEX (grep) in
# FILE; status 1 if none.
wait_line() {
	local i
	for i in $(seq 1 "${3:-600}"); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# await_line FILE REGEX [TENTHS]: wait_line, and fail if the line never
# came, naming the file, what it holds and how busy the guest was (a
# helper that never got ready otherwise shows only as the empty arguments
# of the next command).
await_line() {
	wait_line "$@" && return 0
	fail "no line matching '$2' in $1 after $((${3:-600} / 10)) s;" \
		"it holds: $(head -c 300 "$1" 2>/dev/null | tr '\n' '|');" \
		"load $(cut -d' ' -f1-3 /proc/loadavg), $(sed -n 's/^MemAvailable: *//p' /proc/meminfo) available"
}

# start_target OUT SECONDS CMD...: CMD in the background, its output in OUT,
# until it prints a "cli-target ..." line (the benchmark programs do, and
# then stop themselves for the scripts' CLI runs); its pid in TARGET. Fails
# if it dies first or takes longer than SECONDS.
start_target() {
	local out=$1 secs=$2 i
	shift 2
	"$@" > "$out" 2>&1 &
	TARGET=$!
	for i in $(seq 1 $((secs * 2))); do
		grep -q '^cli-target' "$out" && return 0
		kill -0 $TARGET 2>/dev/null || break
		sleep 0.5
	done
	fail "$* did not finish: $(cat "$out")"
}

# time_secs FILE, time_rss FILE: the wall-clock seconds and the peak RSS
# (KiB) that "busybox time -v" wrote to FILE.
time_secs() {
	sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \([0-9]*\)m \([0-9.]*\)s/\1 \2/p' "$1" |
		awk '{ print $1 * 60 + $2 }'
}
time_rss() {
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"
}

# memkinds_serve OUT [WRAPPER...]: start "memkinds serve" in the background
# (under WRAPPER, e.g. setpriv), wait for its "ready" line in OUT and leave
# its pid in MK_PID.
memkinds_serve() {
	mk_out=$1
	shift
	"$@" memkinds serve > "$mk_out" &
	MK_PID=$!
	# Filling its 1 GiB hugetlb page alone can take many seconds under TCG
	# on a busy host; one that never starts must not linger holding it.
	wait_line "$mk_out" '^ready$' 600 ||
		{ kill $MK_PID 2>/dev/null; fail "memkinds serve did not start in 60 s"; }
}

# hugetlb_reserve N: N pages of every hugetlb size that has none reserved
# (arm64's contiguous sizes too), compacting memory once where the first
# try finds it too fragmented (32 MiB); prints what each size has.
hugetlb_reserve() {
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ "$(cat $d/nr_hugepages)" -gt 0 ] || echo $1 > $d/nr_hugepages
		if [ "$(cat $d/nr_hugepages)" = 0 ]; then
			echo 3 > /proc/sys/vm/drop_caches
			echo 1 > /proc/sys/vm/compact_memory
			echo $1 > $d/nr_hugepages
		fi
		echo "$(basename $d): $(cat $d/nr_hugepages) reserved"
	done
}

# mk_addr OUT NAME: the address memkinds printed for memory kind NAME.
mk_addr() {
	sed -n "s/^$2 //p" "$1"
}

# pagemap_pfn PID ADDR: the PFN /proc/PID/pagemap gives for ADDR, as 0x...,
# or "absent" when the page is not present.
pagemap_pfn() {
	e=$(dd if=/proc/$1/pagemap bs=8 skip=$(($2 / PAGE)) count=1 2>/dev/null | od -An -tx8 | tr -d ' ')
	[ -n "$e" ] || fail "cannot read /proc/$1/pagemap"
	if [ $((0x$e >> 63 & 1)) = 1 ]; then
		printf '0x%x\n' $((0x$e & ((1 << 55) - 1)))
	else
		echo absent
	fi
}

# xerr DESCRIPTION STATUS REGEX ARGS...: "ptscope ARGS" must exit with
# STATUS and print a message matching the extended regex REGEX.
xerr() {
	d=$1 want=$2 re=$3
	shift 3
	out=$(ptscope "$@" 2>&1)
	rc=$?
	echo "ptscope $*: $rc: $out"
	[ "$rc" = "$want" ] || fail "$d: status $rc, want $want"
	echo "$out" | grep -Eq "$re" || fail "$d: message does not match /$re/"
}

# ksm_start: KSM scanning fast, so tests need not wait long for merges;
# ksm_stop: KSM off again.
ksm_start() {
	[ -e /sys/kernel/mm/ksm/run ] || return 0
	echo 1000 > /sys/kernel/mm/ksm/pages_to_scan
	echo 10 > /sys/kernel/mm/ksm/sleep_millisecs
	echo 1 > /sys/kernel/mm/ksm/run
}
ksm_stop() {
	[ -e /sys/kernel/mm/ksm/run ] && echo 0 > /sys/kernel/mm/ksm/run
	true
}

# zram_swap_on: swap on zram (the harness loads the module; the debug kernel
# has it built in), so paged-out memory really is swapped. Says when not.
zram_swap_on() {
	if [ -e /sys/block/zram0 ] || modprobe zram 2>/dev/null; then
		if ! grep -q zram0 /proc/swaps; then
			echo 64M > /sys/block/zram0/disksize && mkswap /dev/zram0 > /dev/null &&
				swapon /dev/zram0 || echo "note: could not enable zram swap"
		fi
	else
		echo "note: no zram in this guest: paged-out memory stays present"
	fi
	grep -q zram0 /proc/swaps && echo "swap: $(grep zram0 /proc/swaps)"
	true
}

# hog_start MB: "memkinds hog MB" in the background, ready; its pid in HOG.
hog_start() {
	memkinds hog "$1" > /tmp/hog.out &
	HOG=$!
	wait_line /tmp/hog.out '^ready$' 200 || fail "memkinds hog did not start"
}

# fault_log_on: the kernel logs each unhandled SIGSEGV and SIGBUS. x86's
# lines pass printk_ratelimit(), raised here; arm64_show_signal() has a
# limit of its own (10 lines in 5 s, not tunable), so this waits out its
# window: a test then may log 10 crashes at once, or one every half second
# (fault_log_pace) for as long as it likes.
fault_log_on() {
	echo 1 > /proc/sys/debug/exception-trace || fail "cannot set debug.exception-trace"
	echo 1000 > /proc/sys/kernel/printk_ratelimit_burst
	[ "$ARCH" = aarch64 ] && sleep 5.1
	true
}
fault_log_pace() {
	[ "$ARCH" = aarch64 ] && sleep 0.6
	true
}

# fault_log PID: the kernel log's lines of PID's unhandled fault: x86's
# "segfault at" or "general protection fault" line; arm64's "unhandled
# exception" line and its register dump's pc, lr and sp lines.
fault_log() {
	dmesg | awk -v tag="[$1]" '
	index($0, tag ": unhandled exception: ") { print; dump = 1; next }
	dump && / (pc|lr|sp) : / { print; if (/ sp : /) dump = 0; next }
	index($0, tag ": segfault at ") || index($0, tag " general protection fault ") { print }'
}

# esr_pf ESR: the PTSCOPE_PF bits (x86's page-fault error bits) an arm64
# ESR amounts to, decoded here from the Arm ARM, not by ptscope: an abort
# (EC 0x20/0x21 instruction, 0x24/0x25 data; the odd ones from EL1) from
# EL0 is USER (0x4), a permission fault (FSC 0b0011xx) PROT (0x1), an
# instruction abort INSTR (0x10), a data abort with WnR (bit 6) and not CM
# (bit 8) WRITE (0x2).
esr_pf() {
	local e=$(($1)) ec pf=0
	ec=$((e >> 26 & 0x3f))
	case $ec in 32 | 33 | 36 | 37) ;; *) echo 0 && return ;; esac
	[ $((ec & 1)) = 0 ] && pf=4
	[ $((e & 0x3c)) = 12 ] && pf=$((pf | 1))
	if [ $ec -lt 36 ]; then
		pf=$((pf | 16))
	elif [ $((e >> 6 & 1)) = 1 ] && [ $((e >> 8 & 1)) = 0 ]; then
		pf=$((pf | 2))
	fi
	echo $pf
}
