# Who may inspect whom: exactly who may open /proc/PID/pagemap (ptrace read
# access with the caller's filesystem ids, PTRACE_MODE_READ_FSCREDS), plus
# CAP_SYS_ADMIN with plain pids. A non-admin proves access with its own open
# of pagemap, sent as PTSCOPE_A_PAGEMAP_FD; forged and stale proofs are
# refused with a message; the refusals of target.c keep theirs. The oracle in
# every case: the same caller's own open of /proc/PID/pagemap (pmproof open).
. /tests/lib.sh
load_ptscope
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
V="/usr/local/bin/setpriv --reuid=1001 --regid=1001 --clear-groups"

# hold NAME CMD...: a "pmproof hold" (or what CMD runs) in the background; pid in NAME.
hold() {
	name=$1
	shift
	"$@" > /tmp/$name.out 2>&1 &
	wait_line /tmp/$name.out '^ready ' || fail "$name did not start: $(cat /tmp/$name.out)"
	eval "$name=$(sed -n 's/^ready //p' /tmp/$name.out)"
}
# Copies of pmproof that change ids when run: a setuid-root program, and
# one setuid and setgid to 1001 (its caller keeps real uid 1000 but reads
# /proc with filesystem ids 1001).
cp "$(command -v pmproof)" /tmp/pmproof-suid-root
chmod 4755 /tmp/pmproof-suid-root
cp "$(command -v pmproof)" /tmp/pmproof-1001
chown 1001:1001 /tmp/pmproof-1001
chmod 6755 /tmp/pmproof-1001

hold rootp pmproof hold
hold ownp $U pmproof hold
hold ownp2 $U pmproof hold
hold otherp $V pmproof hold
hold nodumpp $U pmproof --nodump hold
hold suidp $U /tmp/pmproof-suid-root hold
trap 'kill $rootp $ownp $ownp2 $otherp $nodumpp $suidp 2>/dev/null' EXIT
grep -q "^Uid:.1000.0.0.0" /proc/$suidp/status ||
	fail "the setuid-root copy did not run setuid: $(grep Uid /proc/$suidp/status)"

# like_pagemap WHAT PID RUNNER...: "RUNNER lib CMD PID" (pmproof as some
# caller) answers xlate, xlates (XLATE_MANY), walk and maps exactly as RUNNER's own open of
# /proc/PID/pagemap does: all succeed when it opens, else all fail with its
# errno and a message naming the pid.
like_pagemap() {
	what=$1 pid=$2
	shift 2
	oracle=$("$@" open $pid)
	want=$(echo "$oracle" | sed -n 's/^errno \([0-9]*\):.*/\1/p')
	for cmd in xlate xlates walk maps; do
		out=$("$@" lib $cmd $pid 2>&1)
		got=$(echo "$out" | sed -n 's/^errno \([0-9]*\):.*/\1/p')
		[ "$got" = "$want" ] ||
			fail "$what: $cmd: pagemap says '$oracle', ptscope '$out'"
		case $pid in
		[1-9]*) named=$pid ;;
		*) named="[0-9]*" ;;	# self, 0: the caller's own pid
		esac
		if [ -n "$want" ]; then
			echo "$out" | grep -q "pid $named" || fail "$what: $cmd: message names no pid: $out"
		fi
	done
	echo "ok: $what: like pagemap (${oracle}; ptscope: ${out})"
	[ -z "$want" ]
}

echo "--- filesystem ids, not real ids (a setuid-1001 program run by uid 1000)"
like_pagemap "fsuid 1001 on uid 1000's process" $ownp $U /tmp/pmproof-1001 &&
	fail "fsuid 1001 inspected uid 1000's process by its real uid"
like_pagemap "fsuid 1001 on uid 1001's process" $otherp $U /tmp/pmproof-1001 ||
	fail "fsuid 1001 refused a process of uid 1001"

echo "--- uid 1000: pagemap's answers, with the library's proof"
like_pagemap "uid 1000 on its own process" $ownp $U pmproof || fail "refused its own process"
like_pagemap "uid 1000 on root's process" $rootp $U pmproof && fail "allowed root's process"
like_pagemap "uid 1000 on uid 1001's process" $otherp $U pmproof && fail "allowed uid 1001's"
like_pagemap "uid 1000 on a setuid-root program it runs" $suidp $U pmproof &&
	fail "allowed a setuid-root process"
like_pagemap "uid 1000 on its own non-dumpable process" $nodumpp $U pmproof &&
	fail "allowed a non-dumpable process"
$U pmproof lib maps $nodumpp | grep -q "not dumpable" ||
	fail "the non-dumpable refusal does not say why: $($U pmproof lib maps $nodumpp)"
$U pmproof lib maps $suidp | grep -q "changed its user or group ids" ||
	fail "the setuid refusal does not say why: $($U pmproof lib maps $suidp)"
$U pmproof lib maps $rootp | grep -q "another user" ||
	fail "the other-user refusal does not say why: $($U pmproof lib maps $rootp)"

echo "--- a process inspecting itself: pagemap's file rules (procfs gives a"
echo "    non-dumpable process's files to root), whether or not a proof is sent"
for pid in self 0; do
	like_pagemap "dumpable uid 1000, pid $pid" $pid $U pmproof ||
		fail "a process was refused itself (pid $pid)"
	like_pagemap "non-dumpable uid 1000, pid $pid" $pid $U pmproof --nodump &&
		fail "a non-dumpable process read itself where pagemap refuses it (pid $pid)"
	like_pagemap "non-dumpable root, pid $pid" $pid pmproof --nodump ||
		fail "non-dumpable root was refused itself (pid $pid)"
done
out=$($U pmproof --nodump raw maps 0 none) && fail "non-dumpable, no proof: $out"
echo "$out" | grep -q "^errno 1: permission denied.*PTSCOPE_A_PAGEMAP_FD" ||
	fail "non-dumpable, no proof: $out"

echo "--- CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (for procfs's file modes), no"
echo "    CAP_SYS_ADMIN: pagemap lets uid 1000 read anyone, and so does ptscope"
caps=+sys_ptrace,+dac_read_search
P="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=$caps --ambient-caps=$caps"
like_pagemap "uid 1000 + CAP_SYS_PTRACE on a non-dumpable process" $nodumpp $P pmproof ||
	fail "CAP_SYS_PTRACE was refused a process pagemap shows it"
like_pagemap "uid 1000 + CAP_SYS_PTRACE on root's process" $rootp $P pmproof ||
	fail "CAP_SYS_PTRACE was refused a process pagemap shows it"
out=$($P pmproof raw maps $rootp none) && fail "CAP_SYS_PTRACE, plain pid: $out"
echo "ok: but not by plain pid: $out"
$P ptscope -j walk --present $rootp > /tmp/ptrace.json || fail "CAP_SYS_PTRACE: CLI walk failed"
expect_eq "CAP_SYS_PTRACE: frames still hidden" 0x0 \
	"$(jq -r '[.records[].pfn] | unique | join(",")' /tmp/ptrace.json)"


echo "--- the CLI says the same"
for cmd in "maps $ownp" "walk $ownp" "xlate $ownp 0x10000"; do
	$U ptscope $cmd > /tmp/c.out 2>&1 || fail "uid 1000: ptscope $cmd: $(cat /tmp/c.out)"
done
$U ptscope maps $nodumpp > /tmp/c.out 2>&1 && fail "uid 1000 listed a non-dumpable process"
grep -q "permission denied: pid $nodumpp: .*not dumpable" /tmp/c.out ||
	fail "CLI message: $(cat /tmp/c.out)"
echo "ok: CLI: $(cat /tmp/c.out)"

echo "--- CAP_SYS_ADMIN keeps plain pids; without it root needs the proof too"
for p in $ownp $nodumpp $suidp $otherp; do
	out=$(pmproof raw maps $p none) || fail "root, plain pid $p: $out"
done
echo "ok: root reads every process by pid alone"
NOADMIN="/usr/local/bin/setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin"
out=$($NOADMIN pmproof raw maps $ownp none) && fail "root without CAP_SYS_ADMIN, plain pid: $out"
echo "$out" | grep -q "^errno 1: permission denied.*PTSCOPE_A_PAGEMAP_FD" ||
	fail "root without CAP_SYS_ADMIN, plain pid: $out"
like_pagemap "root without CAP_SYS_ADMIN" $nodumpp $NOADMIN pmproof ||
	fail "root without CAP_SYS_ADMIN (but CAP_SYS_PTRACE) refused"

echo "--- forged and stale proofs"
# answers WHAT ERRNO REGEX CMD...: CMD (a pmproof) fails with ERRNO and a message matching REGEX.
answers() {
	what=$1 want=$2 re=$3
	shift 3
	out=$("$@" 2>&1)
	echo "$out" | grep -Eq "^errno $want: .*($re)" || fail "$what: want errno $want /$re/, got: $out"
	echo "ok: $what: $out"
}
answers "no proof" 1 "PTSCOPE_A_PAGEMAP_FD" $U pmproof raw walk $ownp none
answers "maps, not pagemap" 22 "not an open /proc/PID/pagemap" $U pmproof raw maps $ownp maps:$ownp
answers "a pipe" 22 "not an open /proc/PID/pagemap" $U pmproof raw xlate $ownp pipe
answers "no such descriptor" 9 "not an open file descriptor" $U pmproof raw walk $ownp closed
answers "O_PATH" 9 "not an open file descriptor" $U pmproof raw maps $ownp path:$ownp
answers "beyond any descriptor" 34 "out of range" $U pmproof raw maps $ownp huge
answers "another process's pagemap" 22 "not of (pid $ownp|the process asked for)" \
	$U pmproof raw maps $ownp pagemap:$ownp2
answers "another process's pagemap, walk" 22 "not of (pid $ownp|the process asked for)" \
	$U pmproof raw walk $ownp pagemap:$ownp2
answers "another's pagemap for pid 0" 22 "not of (pid 0|the process asked for)" \
	$U pmproof raw xlate 0 pagemap:$ownp
answers "root: maps, not pagemap" 22 "not an open /proc/PID/pagemap" pmproof raw maps $rootp maps:$rootp
answers "root: write-only pagemap" 9 "not open for reading" pmproof raw maps $rootp wronly:$rootp
out=$($U pmproof raw maps $ownp pagemap:$ownp) || fail "a true proof was refused: $out"

# A proof opened before its process ran a setuid program reads nothing after.
# (Files of their own: tests before this one leave /tmp/go and the like.)
rm -f /tmp/48-go /tmp/48-in
hold execp $U sh -c 'echo ready $$; while [ ! -e /tmp/48-go ]; do sleep 0.1; done; exec /tmp/pmproof-suid-root hold'
trap 'kill $rootp $ownp $ownp2 $otherp $nodumpp $suidp $execp 2>/dev/null' EXIT
mkfifo /tmp/48-in
$U pmproof raw maps $execp stale:$execp < /tmp/48-in > /tmp/stale.out 2>&1 &
staler=$!
exec 3> /tmp/48-in
wait_line /tmp/stale.out '^opened' || fail "no stale proof: $(cat /tmp/stale.out)"
touch /tmp/48-go
for i in $(seq 1 100); do
	grep -q "^Uid:.1000.0.0.0" /proc/$execp/status 2>/dev/null && break
	sleep 0.1
done
grep -q "^Uid:.1000.0.0.0" /proc/$execp/status || fail "pid $execp did not exec its setuid program"
echo go >&3
exec 3>&-
wait $staler
grep -Eq "^errno 22: .*not of (pid $execp|the process asked for).*before (an |that process called )?exec" \
	/tmp/stale.out || fail "stale proof after a setuid exec: $(cat /tmp/stale.out)"
echo "ok: stale proof after a setuid exec: $(cat /tmp/stale.out)"
like_pagemap "uid 1000 after that exec" $execp $U pmproof && fail "allowed after a setuid exec"

echo "--- target.c's own refusals keep their messages"
$U sh -c 'sleep 0 & echo zombie $!; exec pmproof hold' > /tmp/z.out 2>&1 &
zholder=$!
trap 'kill $rootp $ownp $ownp2 $otherp $nodumpp $suidp $execp $zholder 2>/dev/null' EXIT
wait_line /tmp/z.out '^ready' || fail "no zombie holder"
zombie=$(sed -n 's/^zombie //p' /tmp/z.out)
for i in $(seq 1 50); do grep -q '^State:.*Z' /proc/$zombie/status && break; sleep 0.1; done
grep -q '^State:.*Z' /proc/$zombie/status || fail "pid $zombie is not a zombie"
# What uid 1000's own open of the zombie's pagemap gets: EACCES up to 6.12
# (no mm, so the file is root's), ESRCH on 7.x (the exec state is gone).
zopen=$($U pmproof open $zombie 2>&1)
zerrno=$(echo "$zopen" | sed -n 's/^errno \([0-9]*\): .*/\1/p')
zerror=$(echo "$zopen" | sed -n 's/^errno [0-9]*: [^:]*: //p')
case "$zerrno" in 3|13) ;; *) fail "uid 1000 opened a zombie's pagemap: $zopen" ;; esac
echo "uid 1000 opening the zombie's pagemap: $zopen"
for cmd in xlate xlates walk maps; do
	answers "root: kernel thread, $cmd" 22 "kernel thread" pmproof lib $cmd 2
	answers "root: zombie, $cmd" 3 "has exited" pmproof lib $cmd $zombie
	answers "root: no such pid, $cmd" 3 "no (process with pid 4000000|such process)" \
		pmproof lib $cmd 4000000
	# Without a proof the module refuses another process before looking it
	# up (hidepid may hide it): uid 1000 gets what its own open of the
	# pagemap got (a zombie has no mm: procfs refuses its pagemap too).
	answers "uid 1000: kernel thread, $cmd" 13 "/proc/2/pagemap: Permission denied" \
		$U pmproof lib $cmd 2
	answers "uid 1000: zombie, $cmd" "$zerrno" "/proc/$zombie/pagemap.*$zerror" \
		$U pmproof lib $cmd $zombie
	answers "uid 1000: no such pid, $cmd" "(2|3)" "4000000" $U pmproof lib $cmd 4000000
	answers "uid 1000: kernel thread, no proof, $cmd" 1 "PTSCOPE_A_PAGEMAP_FD" \
		$U pmproof raw $cmd 2 none
	# A true proof of another process tells nothing of the pid asked for:
	# a kernel thread, a zombie, no process and a live one answer alike.
	for p in 2 $zombie 4000000 $rootp; do
		answers "uid 1000: proof of $ownp naming $p, $cmd" 22 \
			"pagemap fd not of pid $p: opened for another, or before exec or exit|the pagemap descriptor is not of the process asked for: .*exited" \
			$U pmproof raw $cmd $p pagemap:$ownp
	done
	# Root keeps the reasons.
	answers "root: proof of $ownp naming a kernel thread, $cmd" 22 "kernel thread" \
		pmproof raw $cmd 2 pagemap:$ownp
done
echo "all pagemap-rule checks passed"
