# Only faults make records, and one user cannot push out another's. A
# process that sends itself SIGSEGV and SIGBUS with a fault's si_code
# (rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal; the signal
# ignored, then caught) leaves no record, as root and as uid 1000, while a
# real crash right after it does. 300 real crashes of uid 1000 leave root's
# crash in a ring of 256 and keep uid 1000's newest; in a ring of 64 that
# root's crashes fill, uid 1000 takes no more than a quarter. The oracles:
# crashlab's own count of the signals the kernel accepted, and the pids of
# the crashes each side made.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
made() { ptscope -j info | jq .faults; }
# pids FILTER: the pids of the kept records jq's FILTER selects, in order.
pids() { ptscope -j faults | jq -r "[.faults[] | select($1) | .pid] | join(\" \")"; }

load_ptscope
echo "--- forged signals"
for who in root uid1000; do
	w=
	[ $who = uid1000 ] && w=$U
	ptscope faults clear
	before=$(made)
	$w crashlab forge > /tmp/forge.out 2>&1 || fail "$who: crashlab forge: $(cat /tmp/forge.out)"
	echo "$who: $(cat /tmp/forge.out)"
	n=$(sed -n 's/^forged \([0-9]*\) .*/\1/p' /tmp/forge.out)
	[ "$n" -ge 8 ] || fail "$who: only $n signals forged (two senders, two signals, two rounds)"
	expect_eq "$who: records made by $n forged signals" 0 $(($(made) - before))
	$w crashlab null > /tmp/c.out 2>&1
	p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
	expect_eq "$who: the real crash after them is the one record" "$p" "$(pids true)"
done

echo "--- uid 1000's 300 crashes and root's one, ring of 256"
ptscope faults clear
crashlab null > /tmp/c.out 2>&1
rootpid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
$U crashlab burst 300 || fail "uid 1000's burst failed"
ptscope -j faults > /tmp/f.json
expect_eq "root's crash is kept" "$rootpid" "$(jq -r '[.faults[] | select(.uid == 0) | .pid] | join(" ")' /tmp/f.json)"
expect_eq "uid 1000 keeps the rest of the ring" 255 "$(jq '[.faults[] | select(.uid == 1000)] | length' /tmp/f.json)"
expect_eq "uid 1000's newest crash is kept" "$(made)" "$(jq '.faults[-1].id' /tmp/f.json)"
expect_eq "dropped: uid 1000's oldest 45" 45 "$(jq .summary.dropped /tmp/f.json)"
unload_ptscope

echo "--- a ring of 64 full of root's crashes; uid 1000 crashes 100 times"
insmod "$PTSCOPE_KO" ring_size=64 || fail "insmod ring_size=64 failed"
crashlab burst 64 || fail "root's burst failed"
$U crashlab burst 100 || fail "uid 1000's burst failed"
ptscope -j faults > /tmp/f.json
expect_eq "records of root, of uid 1000" "48 16" \
	"$(jq -r '"\([.faults[] | select(.uid == 0)] | length) \([.faults[] | select(.uid == 1000)] | length)"' /tmp/f.json)"
expect_eq "uid 1000's kept records are its newest" "$(made)" "$(jq '.faults[-1].id' /tmp/f.json)"
expect_eq "uid 1000's kept ids are its last 16" 15 \
	"$(jq '[.faults[] | select(.uid == 1000) | .id] | .[-1] - .[0]' /tmp/f.json)"
expect_eq "dropped: root's oldest 16 and uid 1000's oldest 84" 100 "$(jq .summary.dropped /tmp/f.json)"
true
