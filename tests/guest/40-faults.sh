# The fault recorder: one crash of each kind, each recorded after its
# process is gone with the fields the test knows (pid, address, signal,
# si_code, mapping) and the expected reason; a handled SIGSEGV; who sees
# which records; clearing; bad input.
. /tests/lib.sh
load_ptscope
ptscope faults clear || fail "faults clear failed"
echo 0 > /proc/sys/vm/nr_hugepages	# so the hugetlb mapping finds no page
# Cores and log lines of the same crashes, for explain --core and --dmesg.
ulimit -c unlimited
echo "/tmp/core.%p" > /proc/sys/kernel/core_pattern
echo 1 > /proc/sys/debug/exception-trace
echo 1000 > /proc/sys/kernel/printk_ratelimit_burst

# crash MODE REASON SIGNAL SI_CODE: run "crashlab MODE" (it dies) and check
# the newest record against what crashlab announced.
crash() {
	mode=$1 reason=$2 sig=$3 code=$4
	crashlab $mode > /tmp/c.out 2>&1
	rc=$?
	if grep -q '^unsupported' /tmp/c.out; then
		echo "note: $mode: $(cat /tmp/c.out)"
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
	# And from the kernel's log line, where it writes one (SIGSEGV only). A
	# log line has no mappings: PROT_NONE and pkey refusals of pages not yet
	# present read as "unmapped" there.
	if [ $sig = SIGSEGV ]; then
		dmesg | grep "crashlab\[$pid\]" > /tmp/d.txt
		want=$reason
		case $mode in prot-none|pkey) want=unmapped ;; esac
		expect_eq "$mode: explain --dmesg" "$want" \
			"$(ptscope -j explain --dmesg /tmp/d.txt | jq -r '.faults[0].reason')"
	fi
}

crash null null-deref SIGSEGV SEGV_MAPERR
crash gap unmapped SIGSEGV SEGV_MAPERR
jq -r .explanation /tmp/e.json | grep -q "bytes above the end of" || fail "gap: no distances"
crash stack-overflow stack-overflow SIGSEGV SEGV_MAPERR
crash write-ro write-read-only SIGSEGV SEGV_ACCERR
jq -r .explanation /tmp/e.json | grep -q "/usr/bin/crashlab at file offset 0x[0-9a-f]*, in .rodata" ||
	fail "write-ro: the file and section are not named"
expect_eq "write-ro: the mapping, readable, not writable" "/usr/bin/crashlab true false" \
	"$(jq -r '"\(.vma.name) \(.vma.flags | index("read") != null) \(.vma.flags | index("write") != null)"' /tmp/e.json)"
crash exec-stack exec-non-exec SIGSEGV SEGV_ACCERR
expect_eq "exec-stack: the mapping" "[stack]" "$(jq -r .vma.name /tmp/e.json)"
crash exec-heap exec-non-exec SIGSEGV SEGV_ACCERR
crash prot-none prot-none SIGSEGV SEGV_ACCERR
crash pkey pkey SIGSEGV SEGV_PKUERR
crash kernel-addr kernel-address SIGSEGV SEGV_MAPERR
if [ "$ARCH" = x86_64 ]; then
	crash non-canonical non-canonical SIGSEGV SI_KERNEL
	expect_eq "non-canonical: trap 13 (general protection)" 13 "$(jq .trap /tmp/e.json)"
else
	check_skip "non-canonical" "arm64 has no non-canonical user addresses (top-byte-ignore)"
fi
crash bus-eof bus-past-eof SIGBUS BUS_ADRERR
crash bus-hugetlb bus-hugetlb SIGBUS BUS_ADRERR

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
xerr "faults takes no PID" 2 "faults takes nothing, or 'clear'" faults 1
ptscope faults clear
expect_eq "after clear: no records" 0 "$(ptscope -j faults | jq '.faults | length')"
xerr "explain --last with none" 1 "no fault records" explain --last
true
