# The permission model, /proc/PID/pagemap's: root (CAP_SYS_ADMIN) sees any
# process with its frames; a user sees only processes whose pagemap it may
# open (here: running with all of its uid and gid, and dumpable; security
# modules and filesystem ids: 48-pagemap-rule, 49-landlock), never frames,
# never other users' fault records, and cannot clear them. PIDs and fault
# records are seen through the caller's pid namespace. The oracles:
# /proc/PID/status (NSpid) and pagemap.
. /tests/lib.sh
load_ptscope
ptscope faults clear || fail "faults clear failed"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
V="/usr/local/bin/setpriv --reuid=1001 --regid=1001 --clear-groups"

# start NAME CMD...: a "memkinds hog" target in the background; pid in NAME.
start() {
	name=$1
	shift
	"$@" > /tmp/$name.out 2>&1 &
	eval "$name=$!"
	wait_line /tmp/$name.out '^ready$' || fail "$name did not start: $(cat /tmp/$name.out)"
}
start rootp memkinds hog 1
start otherp $V memkinds hog 1
start ownp $U memkinds hog 1
start nodumpp $U memkinds hog 1 nodump
trap 'kill $rootp $otherp $ownp $nodumpp 2>/dev/null' EXIT
hog=$(sed -n 's/^hog //p' /tmp/ownp.out)

echo "--- uid 1000 is refused every process that is not its own and dumpable"
# refused WHOSE PID MESSAGE: each command that names a process fails with
# status 1, the kernel's reason, and the JSON error form under -j.
refused() {
	for cmd in "maps $2" "walk $2" "xlate $2 $hog" "dma $2" "explain $2 $hog" \
		"check $2 $hog present"; do
		$U ptscope $cmd > /tmp/r.out 2>&1
		rc=$? want=1
		[ "${cmd%% *}" = check ] && want=2	# check: 1 is a failed assertion
		[ $rc = $want ] || fail "uid 1000: ptscope $cmd on $1: status $rc: $(cat /tmp/r.out)"
		grep -q "$3" /tmp/r.out || fail "uid 1000: ptscope $cmd on $1: $(cat /tmp/r.out)"
	done
	$U ptscope -j maps $2 > /tmp/r.json 2>&1
	jq -e '.error | test("permission denied")' /tmp/r.json > /dev/null ||
		fail "uid 1000: JSON error on $1: $(cat /tmp/r.json)"
	echo "ok: $1: refused ($(head -n 1 /tmp/r.out))"
}
refused "root's process" $rootp "permission denied: pid $rootp: it runs as another user"
refused "uid 1001's process" $otherp "permission denied: pid $otherp: it runs as another user"
refused "its own non-dumpable process" $nodumpp "permission denied: pid $nodumpp: it is not dumpable"
refused "init" 1 "permission denied: pid 1: it runs as another user"
# pagemap, the oracle, refuses each of them to uid 1000 too.
for p in $rootp $otherp $nodumpp 1; do
	$U sh -c ": < /proc/$p/pagemap" 2> /dev/null && fail "uid 1000 opened /proc/$p/pagemap"
done
# share compares frames, which only root may see: refused even for its own.
$U ptscope share $ownp > /tmp/s.out 2>&1 && fail "uid 1000 ran share"
grep -q "needs CAP_SYS_ADMIN" /tmp/s.out || fail "share refusal: $(cat /tmp/s.out)"
expect_eq "root sees the non-dumpable target" 0 \
	"$(ptscope -j maps $nodumpp > /dev/null 2>&1; echo $?)"

# uid 1000 on its own process (frames hidden, flags kept): 10-xlate, 13-walk-cli.

echo "--- fault records: a user sees its own, never clears"
crashlab null > /dev/null 2>&1
$U crashlab null > /tmp/u-crash.out 2>&1
upid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/u-crash.out)
expect_eq "root sees both records" 2 "$(ptscope -j faults | jq '.faults | length')"
expect_eq "uid 1000 sees its own only" "1 $upid" \
	"$($U ptscope -j faults | jq -r '"\(.faults | length) \(.faults[0].pid)"')"
$U ptscope faults clear > /tmp/c.out 2>&1 && fail "uid 1000 cleared the fault records"
grep -q "permission denied" /tmp/c.out || fail "clear refusal: $(cat /tmp/c.out)"
$U ptscope faults --follow > /tmp/f.out 2>&1 && fail "uid 1000 followed fault events"
grep -q "CAP_SYS_ADMIN" /tmp/f.out || fail "follow refusal: $(cat /tmp/f.out)"
$U cat /sys/kernel/debug/ptscope/faults > /dev/null 2>&1 && fail "uid 1000 read the debugfs faults file"
echo "ok: clear, follow and debugfs are root's"

echo "--- a new pid namespace sees only itself"
ptscope faults clear
crashlab null > /tmp/outer-crash.out 2>&1
outer=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/outer-crash.out)
# Inside: a follower, a sleeper, one crash; what ptscope shows there.
unshare -p -f -m --mount-proc sh -c '
	ptscope -j faults --follow > /tmp/ns-follow.out 2>&1 &
	follower=$!
	sleep 1000 &
	echo $! > /tmp/ns-sleeper
	sleep 1
	crashlab null > /tmp/ns-crash.out 2>&1
	touch /tmp/ns-crashed
	for i in $(seq 1 50); do [ -e /tmp/outer-done ] && break; sleep 0.1; done
	sleep 1
	kill $follower
	ptscope -j faults > /tmp/ns-faults.json 2>&1
	cat /sys/kernel/debug/ptscope/faults > /tmp/ns-debugfs.txt 2>&1
	ptscope -j maps $(cat /tmp/ns-sleeper) > /tmp/ns-maps.json 2>&1
	ptscope maps '"$rootp"' > /tmp/ns-outside.out 2>&1
	echo $? > /tmp/ns-outside.rc
	kill $(cat /tmp/ns-sleeper)
' &
inside=$!
for i in $(seq 1 100); do [ -e /tmp/ns-crashed ] && break; sleep 0.1; done
[ -e /tmp/ns-crashed ] || fail "the namespace did not crash its program"
crashlab null > /dev/null 2>&1	# outside, while the inside follower listens
touch /tmp/outer-done
wait $inside
inner=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/ns-crash.out)
echo "crash outside: pid $outer; inside: pid $inner (as the namespace numbers it)"
expect_eq "inside: only its own record, with its own pid" "1 $inner" \
	"$(jq -r '"\(.faults | length) \(.faults[0].pid)"' /tmp/ns-faults.json)"
expect_eq "inside: debugfs shows the same record" "1 $inner" \
	"$(grep -c '^id ' /tmp/ns-debugfs.txt) $(sed -n 's/.* pid \([0-9]*\) .*/\1/p' /tmp/ns-debugfs.txt)"
expect_eq "inside: the follower got its own crash only" "1 $inner" \
	"$(jq -s -r '"\(length) \(.[0].pid)"' /tmp/ns-follow.out)"
global=$(ptscope -j faults | jq -r --arg o $outer '[.faults[] | select(.comm == "crashlab") | .pid] | map(tostring) | map(select(. != $o)) | .[0]')
expect_eq "outside: three records" 3 "$(ptscope -j faults | jq '.faults | length')"
[ "$global" != "$inner" ] || fail "outside, the inner crash has the namespace's pid $inner"
echo "ok: outside, the inner crash is pid $global"
expect_eq "inside: a pid of the namespace resolves there" true \
	"$(jq '.vmas | length > 0' /tmp/ns-maps.json)"
expect_eq "inside: an outside pid does not exist" 1 "$(cat /tmp/ns-outside.rc)"
grep -q "no process\|no such process" /tmp/ns-outside.out || fail "outside pid: $(cat /tmp/ns-outside.out)"
echo "all permission checks passed"
