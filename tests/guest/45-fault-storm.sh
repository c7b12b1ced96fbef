# Handled SIGSEGVs are control flow for JVMs and garbage collectors: a storm
# of them is recorded in a burst, then sparsely, and the rest only counted
# as dropped; a real crash right after the storm, and another user's
# handled fault, are still recorded. The mappings around a fault are found
# without looking at the others: with 4,000 file mappings the record names
# the right neighbours, checked against the process's /proc/PID/maps read
# while it waited to crash.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
info() { ptscope -j info | jq .$1; }
load_ptscope
ptscope faults clear

echo "--- a storm of 20,000 handled SIGSEGVs"
made0=$(info faults)
drop0=$(info faults_dropped)
t0=$(date +%s)
crashlab storm 20000 > /tmp/s.out || fail "crashlab storm failed: $(cat /tmp/s.out)"
secs=$(($(date +%s) - t0 + 1))
spid=$(sed -n 's/^pid \([0-9]*\) storm .*/\1/p' /tmp/s.out)
made=$(($(info faults) - made0))
dropped=$(($(info faults_dropped) - drop0))
echo "storm: $made records made, $dropped dropped, in about $secs s"
# A burst of 32, then 10 a second.
[ $made -ge 32 ] || fail "storm: only $made records: the burst was not recorded"
[ $made -le $((32 + 10 * secs + 1)) ] || fail "storm: $made records in $secs s: not throttled"
# Dropped: the faults not recorded, and records past the ring's 256 (the
# storm's own oldest, replaced; a slow kernel records more than 256).
over=$((made > 256 ? made - 256 : 0))
expect_eq "storm: dropped, the unrecorded and the replaced" $((20000 - made + over)) $dropped
ptscope -j faults > /tmp/f.json
expect_eq "storm: its records, all handled, all with their mappings" "$((made - over)) true true" \
	"$(jq -r --argjson p $spid '[.faults[] | select(.pid == $p)] |
		"\(length) \(all(.handled)) \(all(.snapshot))"' /tmp/f.json)"

echo "--- a real crash right after, and another user's handled fault"
crashlab null > /tmp/c.out 2>&1
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
expect_eq "the crash after the storm is the newest record" "$p false" \
	"$(ptscope -j explain --last | jq -r '"\(.pid) \(.handled)"')"
$U crashlab handled > /tmp/h.out 2>&1 || fail "uid 1000: crashlab handled: $(cat /tmp/h.out)"
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/h.out)
expect_eq "uid 1000's handled fault is recorded" "$p true" \
	"$($U ptscope -j explain --last | jq -r '"\(.pid) \(.handled)"')"

echo "--- the neighbours among 4,000 file mappings"
rm -f /tmp/go45
mkfifo /tmp/go45
trap 'rm -f /tmp/go45' EXIT
crashlab wait files 4000 < /tmp/go45 > /tmp/m.out 2>&1 &
exec 3> /tmp/go45
wait_line /tmp/m.out '^waiting ' || fail "crashlab files did not start: $(cat /tmp/m.out)"
p=$(sed -n 's/^waiting //p' /tmp/m.out)
cp /proc/$p/maps /tmp/maps.txt
echo go >&3
exec 3>&-
wait
expect_eq "file mappings, the hole's unmapped" 3999 "$(grep -c ' /tmp/crashlab\.' /tmp/maps.txt)"
addr=$(sed -n 's/^pid [0-9]* addr //p' /tmp/m.out)
ptscope -j explain --last > /tmp/e.json
expect_eq "the crash" "$p $addr unmapped" "$(jq -r '"\(.pid) \(.addr) \(.reason)"' /tmp/e.json)"
# The oracle: the last line of maps ending at or below the address, and the
# first starting above it.
a=$(printf '%d' $addr)
set -- $(awk -v a=$a 'function h(x,  i, v) { v = 0
		for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		return v }
	{ split($1, r, "-"); s = h(r[1]); e = h(r[2])
	  if (e <= a - 64) b = $1; else if (s > a) { print b, $1; exit } }' /tmp/maps.txt)
below=$1 above=$2
hx() { jq -r ".$1 | \"\(.start | sub(\"^0x\"; \"\"))-\(.end | sub(\"^0x\"; \"\"))\"" /tmp/e.json; }
expect_eq "below, as maps shows it" "$below" "$(hx vma_below)"
expect_eq "above, as maps shows it" "$above" "$(hx vma_above)"
expect_eq "no mapping at the address" null "$(jq .vma /tmp/e.json)"
true
