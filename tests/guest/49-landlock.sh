# A security module's ptrace rule through ptscope: Landlock (the kernel's
# own sandbox) confines ptrace, and so the opening of /proc/PID/pagemap, to
# processes of the sandbox's own domain or domains nested in it (ABI 1 on).
# A confined process of uid 1000 is refused xlate, walk and maps of an
# unconfined process of its own uid exactly where its own open of that
# process's pagemap is refused, and allowed a process it starts inside the
# domain. The oracle: pmproof open, run by the same confined process.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"

[ -r /sys/kernel/security/lsm ] || mount -t securityfs securityfs /sys/kernel/security
[ -r /sys/kernel/security/lsm ] || skip "no securityfs: cannot tell which security modules run"
lsms=$(cat /sys/kernel/security/lsm)
echo "security modules: $lsms"
case ",$lsms," in
*,landlock,*) ;;
*) skip "landlock is not among the security modules running ($lsms)" ;;
esac
out=$(landlocked true 2>&1)
case $? in
0) ;;
3) skip "$out" ;;
*) fail "landlocked: $out" ;;
esac
load_ptscope

pmproof hold > /tmp/outside.out 2>&1 &
wait_line /tmp/outside.out '^ready' || fail "no root process"
rootp=$(sed -n 's/^ready //p' /tmp/outside.out)
$U pmproof hold > /tmp/outside.out 2>&1 &
wait_line /tmp/outside.out '^ready' || fail "no unconfined uid 1000 process"
outp=$(sed -n 's/^ready //p' /tmp/outside.out)
trap 'kill $rootp $outp 2>/dev/null' EXIT

# What a process in a new domain sees: for each target, pagemap's answer
# (open NAME ...), then ptscope's through the library (lib NAME CMD ...) and
# the CLI (cli NAME STATUS ...); then requests the library would not send.
cat > /tmp/inside.sh << 'EOF'
outp=$1
pmproof hold > /tmp/inner.out 2>&1 &
inner=$!
for i in $(seq 1 100); do grep -q '^ready' /tmp/inner.out && break; sleep 0.1; done
echo "inner $inner"
for target in outside:$outp inside:$inner self:self; do
	name=${target%%:*} pid=${target#*:}
	echo "open $name $(pmproof open $pid)"
	for cmd in xlate xlates walk maps; do
		echo "lib $name $cmd $(pmproof lib $cmd $pid 2>&1)"
	done
	[ $pid = self ] && pid=$$
	ptscope maps $pid > /dev/null 2> /tmp/cli.err
	echo "cli $name $? $(cat /tmp/cli.err)"
done
echo "raw no-proof $(pmproof raw maps $outp none)"
echo "raw inner-proof $(pmproof raw walk $outp pagemap:$inner)"
kill $inner
EOF

# like_pagemap LOG NAME: in LOG, every lib line of NAME has the errno its
# open line has (none when the open worked), and the CLI fails exactly then.
like_pagemap() {
	oracle=$(sed -n "s/^open $2 //p" $1)
	want=$(echo "$oracle" | sed -n 's/^errno \([0-9]*\):.*/\1/p')
	[ -n "$oracle" ] || fail "no pagemap answer for $2 in $1: $(cat $1)"
	grep "^lib $2 " $1 | while read -r _ _ cmd res; do
		got=$(echo "$res" | sed -n 's/^errno \([0-9]*\):.*/\1/p')
		[ "$got" = "$want" ] || fail "$2: $cmd: pagemap says '$oracle', ptscope '$res'"
	done || exit 1
	[ "$(grep -c "^lib $2 " $1)" = 4 ] || fail "$2: not four answers: $(cat $1)"
	cli=$(sed -n "s/^cli $2 \([0-9]*\).*/\1/p" $1)
	if [ -n "$want" ]; then
		[ "$cli" = 1 ] || fail "$2: the CLI did not fail: $(grep "^cli $2" $1)"
	else
		[ "$cli" = 0 ] || fail "$2: the CLI failed: $(grep "^cli $2" $1)"
	fi
	echo "ok: $2: like pagemap: $oracle; $(grep "^lib $2 maps" $1)"
	[ -z "$want" ]
}

echo "--- uid 1000 in a Landlock domain"
$U landlocked sh /tmp/inside.sh $outp > /tmp/in.log 2> /tmp/in.err ||
	fail "the sandbox failed: $(cat /tmp/in.err)"
cat /tmp/in.err
like_pagemap /tmp/in.log outside && fail "allowed an unconfined process of its uid outside its domain"
like_pagemap /tmp/in.log inside || fail "refused a process of its own domain"
like_pagemap /tmp/in.log self || fail "refused itself"
grep "^lib outside maps" /tmp/in.log | grep -q "pid $outp: .*security module" ||
	fail "the refusal does not say why: $(grep '^lib outside maps' /tmp/in.log)"
grep "^cli outside" /tmp/in.log | grep -q "permission denied: pid $outp" ||
	fail "CLI message: $(grep '^cli outside' /tmp/in.log)"
grep -q "^raw no-proof errno 1: permission denied.*PTSCOPE_A_PAGEMAP_FD" /tmp/in.log ||
	fail "a plain pid from the sandbox: $(grep '^raw no-proof' /tmp/in.log)"
grep -Eq "^raw inner-proof errno 22: .*not of (pid $outp|the process asked for)" /tmp/in.log ||
	fail "the inner process's proof for the outer one: $(grep '^raw inner-proof' /tmp/in.log)"
echo "ok: forged: $(grep '^raw' /tmp/in.log | tr '\n' ' ')"

echo "--- and from outside the domain, uid 1000 may inspect the sandboxed process"
$U landlocked pmproof hold > /tmp/boxed.out 2>&1 &
wait_line /tmp/boxed.out '^ready' || fail "no sandboxed process: $(cat /tmp/boxed.out)"
boxed=$(sed -n 's/^ready //p' /tmp/boxed.out)
trap 'kill $rootp $outp $boxed 2>/dev/null' EXIT
$U pmproof open $boxed > /dev/null || fail "pagemap refused the sandboxed process from outside"
for cmd in xlate xlates walk maps; do
	$U pmproof lib $cmd $boxed > /tmp/o.out || fail "outside on the sandboxed process: $(cat /tmp/o.out)"
done
echo "ok: outside on the sandboxed process: $(cat /tmp/o.out)"

echo "--- CAP_SYS_ADMIN keeps plain pids, in a domain too (a documented exception)"
landlocked sh -c "pmproof open $rootp; pmproof lib maps $rootp" > /tmp/root.log 2>&1
cat /tmp/root.log
# Up to 6.12 Landlock keeps even root from ptrace-reading out of its domain,
# so pagemap refuses and CAP_SYS_ADMIN's plain pid is the exception; 7.x
# lets root's pagemap through as well.
if grep -q "^errno 13:" /tmp/root.log; then
	echo "pagemap refuses root out of its domain; ptscope's plain pid does not (the exception)"
elif grep -q "^ok: opened /proc/$rootp/pagemap" /tmp/root.log; then
	echo "pagemap lets root out of its domain on this kernel, as ptscope does"
else
	fail "root's pagemap open in a domain: $(cat /tmp/root.log)"
fi
grep -q "^ok: [1-9][0-9]* records" /tmp/root.log || fail "root in a domain was refused by pid"
echo "all Landlock checks passed"
