# Only faults make records, and one user cannot push out another's. A
# process that sends itself SIGSEGV and SIGBUS with a fault's si_code
# (rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal; the signal
# ignored, then caught) leaves no record, as root and as uid 1000, while a
# real crash right after it does. 300 real crashes of uid 1000 leave root's
# crash in a ring of 256 and keep uid 1000's newest, also when each runs
# under another uid of a user namespace uid 1000 made; in a ring of 64
# that root's crashes fill, uid 1000 takes no more than a quarter, and
# takes from the user holding the most, not from the oldest records. A
# tracer can neither forge records (PTRACE_SETSIGINFO) nor escape the
# handled-fault throttle by suppressing real faults. The
# oracles: crashlab's own count of the signals the kernel accepted, and the
# pids of the crashes each side made.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
V="/usr/local/bin/setpriv --reuid=1001 --regid=1001 --clear-groups"
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

echo "--- signals a tracer forged (PTRACE_SETSIGINFO, the signal blocked, or SIGKILL pending)"
for who in root uid1000; do
	w=
	[ $who = uid1000 ] && w=$U
	before=$(made)
	$w crashlab ptrace-forge > /tmp/pforge.out 2>&1 || fail "$who: crashlab ptrace-forge: $(cat /tmp/pforge.out)"
	echo "$who: $(cat /tmp/pforge.out)"
	n=$(sed -n 's/^pid [0-9]* forged \([0-9]*\)$/\1/p' /tmp/pforge.out)
	expect_eq "$who: signals the tracer forged (16 blocked, 4 ended by SIGKILL)" 20 "$n"
	expect_eq "$who: records made by them" 0 $(($(made) - before))
done

echo "--- a tracer suppressing 600 real faults is throttled as a handler would be"
before=$(made)
$U crashlab ptrace-storm 600 > /tmp/pstorm.out 2>&1 || fail "crashlab ptrace-storm: $(cat /tmp/pstorm.out)"
cat /tmp/pstorm.out
ms=$(sed -n 's/^pid [0-9]* ptrace-storm 600 ms \([0-9]*\)$/\1/p' /tmp/pstorm.out)
[ -n "$ms" ] || fail "no time from ptrace-storm"
got=$(($(made) - before))
# A burst of 32, then 10 a second, and one for rounding.
most=$((32 + ms / 100 + 1))
[ "$got" -ge 1 ] && [ "$got" -le "$most" ] ||
	fail "600 suppressed faults in $ms ms made $got records: want 1 to $most"
echo "ok: 600 suppressed faults in $ms ms made $got records (at most $most)"

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

echo "--- the same with 300 uids of a user namespace uid 1000 made"
# Its subordinate ids are uid 1000's own: root (as newuidmap would) maps
# ids 1-300 of it to 100001-100300, and each crashes once under its own.
ptscope faults clear
crashlab null > /tmp/c.out 2>&1
rootpid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
cat > /tmp/ns44.sh <<'EOF2'
i=1
while [ $i -le 300 ]; do
	/usr/local/bin/setpriv --reuid=$i --regid=$i --clear-groups crashlab null > /dev/null 2>&1
	i=$((i + 1))
done
EOF2
rm -f /tmp/ns44 && mkfifo /tmp/ns44
trap 'rm -f /tmp/ns44 /tmp/ns44.sh' EXIT
$U unshare -U sh -c 'echo ready; read x < /tmp/ns44; exec sh /tmp/ns44.sh' > /tmp/ns.out 2>&1 &
ns=$!
wait_line /tmp/ns.out '^ready' || fail "uid 1000 could not make a user namespace: $(cat /tmp/ns.out)"
printf '0 1000 1\n1 100001 300\n' > /proc/$ns/uid_map || fail "uid_map"
printf '0 1000 1\n1 100001 300\n' > /proc/$ns/gid_map || fail "gid_map"
echo go > /tmp/ns44
wait $ns
ptscope -j faults > /tmp/f.json
expect_eq "the namespace's kept crashes, their distinct uids, dropped" "255 255 45" \
	"$(jq -r '[.faults[] | select(.uid > 100000) | .uid] |
		"\(length) \(unique | length) \(input.summary.dropped)"' /tmp/f.json /tmp/f.json)"
expect_eq "root's crash is kept" "$rootpid" "$(jq -r '[.faults[] | select(.uid == 0) | .pid] | join(" ")' /tmp/f.json)"
expect_eq "the namespace's newest crash is kept" "$(made)" "$(jq '.faults[-1].id' /tmp/f.json)"
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

echo "--- the same ring: uid 1001's 16 oldest, root's 48; uid 1000 crashes 10 times"
# uid 1000, under its quarter, takes from the user holding the most (root),
# not the oldest records (uid 1001's, who holds fewer).
ptscope faults clear
$V crashlab burst 16 || fail "uid 1001's burst failed"
crashlab burst 48 || fail "root's burst failed"
$U crashlab burst 10 || fail "uid 1000's burst failed"
ptscope -j faults > /tmp/f.json
expect_eq "records of root, uid 1000, uid 1001" "38 10 16" \
	"$(jq -r '. as $f | [0, 1000, 1001] | map(. as $u | [$f.faults[] | select(.uid == $u)] | length) |
		join(" ")' /tmp/f.json)"
true
