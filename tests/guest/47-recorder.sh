# ptscope-recorder: every fault record kept in a file (this guest has no
# journal; tests/system/ runs it with journald on a real Debian system) and
# explained after the fact by "explain --log", the same as "explain
# --fault" explained it live (JSON compared whole, text line by line). Then
# what it cannot keep, it counts and says: a storm over its rate (dropped),
# the module unloaded under the storm and loaded again (gone, back, and the
# records of the new module kept); rotation by size; SIGHUP reopens the
# file after logrotate moved it; a restart with its state keeps nothing
# twice; uid 1000 is refused with a message, as is a file it cannot write.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
# Loads and unloads patch kernel text: on CPU 0 only (see 46-fault-unload.sh).
taskset -p 1 $$ > /dev/null || fail "cannot pin the test to CPU 0"
load_ptscope
rec=
trap 'kill $rec 2> /dev/null' EXIT
L=/tmp/rec/faults.jsonl
mkdir -p /tmp/rec

# start_rec ARGS...: the recorder in the background, until it said "start".
start_rec() {
	ptscope-recorder "$@" 2> /tmp/rec.err &
	rec=$!
	wait_line /tmp/rec.err 'started' 30 || fail "the recorder did not start: $(cat /tmp/rec.err)"
}
# events EVENT: how many times the recorder said EVENT in $L (and its rotations).
events() { cat $L* 2> /dev/null | jq -r 'select(.recorder) | .recorder' | grep -c "^$1\$"; }
# wait_for CMD...: CMD true within 20 s.
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
kept_pid() { jq -e --argjson p "$1" 'select(.record.pid == $p)' $L > /dev/null 2>&1; }

echo "--- three crashes, kept, and explained again from the file"
start_rec --output $L --state /tmp/rec/state --rate 0 --physical
pids= ids=
for mode in null stack-overflow write-ro; do
	crashlab $mode > /tmp/c.out 2>&1
	p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
	[ -n "$p" ] || fail "crashlab $mode: $(cat /tmp/c.out)"
	id=$(ptscope -j faults | jq --argjson p "$p" '[.faults[] | select(.pid == $p)][-1].id')
	ptscope -j explain --fault "$id" > /tmp/live-$p.json || fail "explain --fault $id"
	ptscope explain --fault "$id" > /tmp/live-$p.txt
	pids="$pids $p" ids="$ids $id"
	wait_for kept_pid "$p" || fail "$mode (pid $p) not in the recorder's file: $(cat $L)"
done
ptscope -j explain --log $L > /tmp/log.json || fail "explain --log: $(cat /tmp/log.json)"
ptscope explain --log $L > /tmp/log.txt || fail "explain --log (text)"
n=0
for p in $pids; do
	n=$((n + 1))
	reason=$(jq -r .reason /tmp/live-$p.json)
	expect_eq "pid $p ($reason): explain --log's JSON is explain --fault's" \
		"$(jq -S -c . /tmp/live-$p.json)" \
		"$(jq -S -c --argjson p "$p" '.faults[] | select(.pid == $p)' /tmp/log.json)"
	# The text: the record's block of lines, from its "fault ID" line.
	awk -v id="$(jq .id /tmp/live-$p.json)" '
		/^fault [0-9]+ at / { on = ($2 == id) } on && NF' /tmp/log.txt > /tmp/log-$p.txt
	expect_eq "pid $p ($reason): explain --log's text is explain --fault's" \
		"$(grep . /tmp/live-$p.txt)" "$(cat /tmp/log-$p.txt)"
	expect_eq "pid $p: the kept record's explanation" "$reason" \
		"$(jq -r --argjson p "$p" 'select(.record.pid == $p) | .record.reason' $L)"
done
expect_eq "the three reasons" "null-deref stack-overflow write-read-only" \
	"$(jq -r '.faults[].reason' /tmp/log.json | tr '\n' ' ' | sed 's/ $//')"

echo "--- a restart with its state keeps nothing twice; without it, the ring again"
kill $rec
wait $rec
expect_eq "stopped: the stop said" 1 "$(events stop)"
before=$(grep -c '"netlink"' $L)
start_rec --output $L --state /tmp/rec/state --rate 0
crashlab null > /tmp/c.out 2>&1
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
wait_for kept_pid "$p" || fail "after the restart, pid $p not kept"
expect_eq "after a restart with its state: only the new record" $((before + 1)) \
	"$(grep -c '"netlink"' $L)"
expect_eq "no record kept twice" 0 \
	"$(jq -r 'select(.record) | .record.id' $L | sort | uniq -d | wc -l)"

echo "--- a storm over the rate: dropped, counted, said"
kill $rec
wait $rec
rm -f $L*
start_rec --output $L --state /tmp/rec/state --rate 20
crashlab storm 3000 > /tmp/s.out 2>&1 || fail "crashlab storm: $(cat /tmp/s.out)"
wait_for sh -c "cat $L | jq -e 'select(.recorder == \"missed\" and .dropped > 0)' > /dev/null" ||
	fail "no drop said: $(grep recorder $L)"
kept=$(grep -c '"netlink"' $L)
made=$(ptscope -j info | jq .faults)
echo "storm: $kept records kept at 20 a second; the module made $made"
[ "$kept" -ge 1 ] && [ "$kept" -lt 3000 ] || fail "storm: $kept records kept"
check_ok "a storm over the rate: $kept kept, the rest dropped and counted"

echo "--- unloaded under a storm, loaded again: gone, back, and kept again"
crashlab storm 200000 > /tmp/s.out 2>&1 &
storm=$!
sleep 1
i=0
until rmmod ptscope 2> /dev/null; do
	i=$((i + 1))
	[ $i -lt 5000 ] || fail "rmmod kept failing: $(rmmod ptscope 2>&1)"
done
wait_for sh -c "[ \$(cat $L | jq -r 'select(.recorder) | .recorder' | grep -c '^gone\$') -ge 1 ]" ||
	fail "the recorder did not say the module went away: $(grep recorder $L)"
check_ok "module unloaded: the recorder said so"
kill -0 $rec || fail "the recorder died when the module went away: $(cat /tmp/rec.err)"
load_ptscope
wait_for sh -c "[ \$(cat $L | jq -r 'select(.recorder) | .recorder' | grep -c '^back\$') -ge 1 ]" ||
	fail "the recorder did not say the module came back: $(grep recorder $L)"
check_ok "module loaded again: the recorder said so"
kill $storm 2> /dev/null
wait $storm 2> /dev/null
sleep 1.2	# the rate's bucket fills again
crashlab write-ro > /tmp/c.out 2>&1
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
wait_for kept_pid "$p" || fail "after the reload, pid $p not kept: $(tail -3 $L)"
check_ok "after the reload, a new crash is kept"
echo "the recorder's events:"
jq -c 'select(.recorder) | {recorder, kept, missed, dropped, message}' $L
expect_eq "its record explains again" write-read-only \
	"$(ptscope -j explain --log $L | jq -r --argjson p "$p" '.faults[] | select(.pid == $p) | .reason')"

echo "--- rotation by size, and SIGHUP after logrotate moved the file"
kill $rec
wait $rec
rm -f $L*
start_rec --output $L --rate 0 --max-size 4K --keep 2
for i in $(seq 8); do crashlab null > /dev/null 2>&1; done
wait_for test -e $L.2 || fail "no rotation at 4K: $(ls -l /tmp/rec)"
check_ok "rotated at 4 KiB: $(ls /tmp/rec | tr '\n' ' ')"
[ ! -e $L.3 ] || fail "more than --keep 2 rotations kept"
ptscope -j explain --log $L.1 > /tmp/l1.json || fail "explain --log of a rotated file"
[ "$(jq '.faults | length' /tmp/l1.json)" -ge 1 ] || fail "a rotated file with no records"
check_ok "a rotated file explains"
mv $L /tmp/rec/moved.jsonl
kill -HUP $rec
sleep 1.5	# the recorder reopens when it is idle
crashlab null > /tmp/c.out 2>&1
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
wait_for kept_pid "$p" || fail "after SIGHUP, pid $p not in a new $L"
check_ok "SIGHUP: a new file"
kill $rec
wait $rec

# The module's own rule is the oracle: uid 1000 reading its crash live gets
# the record with frames, table addresses and swap entries hidden.
echo "--- without --physical: records as a caller without CAP_SYS_ADMIN sees them"
rm -f $L*
start_rec --output $L --rate 0
for mode in write-ro stack-overflow; do
	(cd /tmp/rec/u 2> /dev/null || cd /; $U crashlab $mode) > /tmp/c.out 2>&1
	p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
	[ -n "$p" ] || fail "crashlab $mode as uid 1000: $(cat /tmp/c.out)"
	wait_for kept_pid "$p" || fail "uid 1000's $mode (pid $p) not kept"
	id=$(ptscope -j faults | jq --argjson p "$p" '[.faults[] | select(.pid == $p)][-1].id')
	$U ptscope -j explain --fault "$id" > /tmp/u-$p.json 2>&1 ||
		fail "uid 1000: explain --fault $id: $(cat /tmp/u-$p.json)"
	ptscope -j explain --fault "$id" > /tmp/r-$p.json
	expect_eq "uid 1000's $mode: the kept record is what uid 1000 is shown live" \
		"$(jq -S -c . /tmp/u-$p.json)" \
		"$(ptscope -j explain --log $L | jq -S -c --argjson p "$p" '.faults[] | select(.pid == $p)')"
	# Root's view has frames or table addresses: the comparison has teeth.
	[ "$(jq -S -c . /tmp/r-$p.json)" != "$(jq -S -c . /tmp/u-$p.json)" ] ||
		fail "$mode: root and uid 1000 are shown the same record"
	check_ok "$mode: root's live view differs (physical details)"
done
kill $rec
wait $rec

echo "--- refusals"
rm -rf /tmp/rec/u
mkdir -p /tmp/rec/u
chown 1000 /tmp/rec/u
$U ptscope-recorder --output /tmp/rec/u/f.jsonl > /tmp/u.out 2>&1 &
u=$!
wait_for sh -c "grep -q CAP_SYS_ADMIN /tmp/u.out" || { kill $u; fail "uid 1000: $(cat /tmp/u.out)"; }
wait_for sh -c "! kill -0 $u 2> /dev/null" || { kill $u; fail "uid 1000: the recorder goes on"; }
wait $u
expect_eq "uid 1000: refused, exit status" 1 $?
ptscope-recorder --output /proc/nonesuch/f > /tmp/o.out 2>&1
expect_eq "an output it cannot write: exit status" 1 $?
grep -q "cannot write '/proc/nonesuch/f'" /tmp/o.out || fail "no message: $(cat /tmp/o.out)"
check_ok "an output it cannot write: named"
ptscope-recorder --rate x > /tmp/o.out 2>&1
expect_eq "--rate x: usage error" 2 $?
ptscope-recorder > /tmp/o.out 2>&1
expect_eq "no journal and no --output: exit status" 1 $?
grep -q "output FILE" /tmp/o.out || fail "no hint: $(cat /tmp/o.out)"
check_ok "no journal here: says to use --output"
echo garbage > /tmp/bad.jsonl
ptscope explain --log /tmp/bad.jsonl > /tmp/o.out 2>&1
expect_eq "explain --log of garbage: exit status" 1 $?
grep -q "bad.jsonl:1: not a ptscope-recorder line" /tmp/o.out || fail "no line named: $(cat /tmp/o.out)"
grep -m 1 '"netlink"' $L | sed 's/"netlink":"1 \([a-z0-9_]*\) /"netlink":"1 \1 zz/' > /tmp/bad.jsonl
ptscope explain --log /tmp/bad.jsonl > /tmp/o.out 2>&1
grep -q "bad.jsonl:1: " /tmp/o.out || fail "a broken record not named: $(cat /tmp/o.out)"
check_ok "explain --log: a broken line named, with its number"
ptscope explain --journal > /tmp/o.out 2>&1
expect_eq "explain --journal without libsystemd or a journal: exit status" 1 $?
check_ok "explain --journal here: $(cat /tmp/o.out)"
unload_ptscope
true
