# Who may read a fault record is decided when the process faults, the way
# core dumps and /proc/PID/pagemap decide it: uid 1000 reads the records of
# its own ordinary crashes, never those of a setuid or setgid program it
# ran, of a process that made itself non-dumpable, or of root's. The
# oracle: while each process waits to crash, uid 1000 tries to open its
# /proc/PID/pagemap; the record must be readable exactly where that open
# succeeded. Root (CAP_SYS_ADMIN) reads every record; root without
# CAP_SYS_ADMIN reads no more than uid 1000 would, through netlink and
# through the debugfs file alike. With user_faults=0, only root reads them.
. /tests/lib.sh
load_ptscope
ptscope faults clear || fail "faults clear failed"
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
NOADMIN="/usr/local/bin/setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin"
cl=$(command -v crashlab)
cp "$cl" /tmp/crashlab-suid && chmod 4755 /tmp/crashlab-suid
cp "$cl" /tmp/crashlab-sgid && chmod 2755 /tmp/crashlab-sgid
rm -f /tmp/go43
mkfifo /tmp/go43
trap 'rm -f /tmp/go43 /tmp/crashlab-suid /tmp/crashlab-sgid' EXIT

# crash NAME OPEN CMD...: start "CMD wait null" (it waits for a line), ask
# the oracle whether uid 1000 may open its pagemap (OPEN: yes or no), then
# let it crash. Its pid is left in pid_NAME.
crash() {
	name=$1 open=$2
	shift 2
	"$@" wait null < /tmp/go43 > /tmp/$name.out 2>&1 &
	exec 3> /tmp/go43
	wait_line /tmp/$name.out '^waiting ' || fail "$name did not start: $(cat /tmp/$name.out)"
	p=$(sed -n 's/^waiting //p' /tmp/$name.out)
	if $U head -c 8 /proc/$p/pagemap > /dev/null 2>&1; then got=yes; else got=no; fi
	expect_eq "$name: oracle, uid 1000 may open its pagemap" $open $got
	head -c 8 /proc/$p/pagemap > /dev/null || fail "$name: root cannot open its pagemap"
	echo go >&3
	exec 3>&-
	wait
	eval "pid_$name=$p"
}
crash plain yes $U crashlab
crash suid no $U /tmp/crashlab-suid
crash sgid no $U /tmp/crashlab-sgid
crash nodump no $U crashlab nodump
crash root no crashlab

echo "--- root sees all five, each with the real uid that ran it"
ptscope -j faults > /tmp/all.json || fail "faults as root failed"
for n in plain suid sgid nodump root; do
	eval p=\$pid_$n
	want=1000
	[ $n = root ] && want=0
	expect_eq "root: the $n crash's record (uid, reason)" "$want null-deref" \
		"$(jq -r --argjson p $p '.faults[] | select(.pid == $p) | "\(.uid) \(.reason)"' /tmp/all.json)"
done

echo "--- uid 1000 sees its ordinary crash only"
$U ptscope -j faults > /tmp/u.json || fail "faults as uid 1000 failed: $(cat /tmp/u.json)"
expect_eq "uid 1000: the pids it sees" "$pid_plain" "$(jq -r '[.faults[].pid] | join(" ")' /tmp/u.json)"
expect_eq "uid 1000: explain --last is its own crash" "$pid_plain" \
	"$($U ptscope -j explain --last | jq .pid)"
for n in suid sgid nodump root; do
	eval p=\$pid_$n
	id=$(jq --argjson p $p '.faults[] | select(.pid == $p) | .id' /tmp/all.json)
	out=$($U ptscope explain --fault $id 2>&1) && fail "uid 1000 explained the $n crash: $out"
	echo "$out" | grep -q "no such fault record" || fail "uid 1000, $n crash: $out"
	echo "ok: uid 1000: explain --fault $id ($n): $out"
done
# Where security modules confine users, records are root's alone.
echo 0 > /sys/module/ptscope/parameters/user_faults || fail "no user_faults parameter"
expect_eq "user_faults=0: uid 1000 sees" 0 "$($U ptscope -j faults | jq '.faults | length')"
expect_eq "user_faults=0: root sees" 5 "$(ptscope -j faults | jq '.faults | length')"
echo 1 > /sys/module/ptscope/parameters/user_faults
expect_eq "user_faults=1 again: uid 1000 sees" "$pid_plain" "$($U ptscope -j faults | jq -r '[.faults[].pid] | join(" ")')"

echo "--- root without CAP_SYS_ADMIN sees nothing of them"
$NOADMIN ptscope -j faults > /tmp/n.json || fail "faults without CAP_SYS_ADMIN failed: $(cat /tmp/n.json)"
# Its own uid's crash came from a process with every capability: not open.
expect_eq "no CAP_SYS_ADMIN: records listed" 0 "$(jq '.faults | length' /tmp/n.json)"
D=/sys/kernel/debug/ptscope/faults
expect_eq "debugfs, root: lines" 5 "$(wc -l < $D)"
expect_eq "debugfs, no CAP_SYS_ADMIN: lines" 0 "$($NOADMIN cat $D | wc -l)"
true
