# xlate of many addresses (XLATE_MANY, one request per 4096): every
# translation as the single XLATE gives it, 10,000 frames against
# /proc/PID/pagemap, the unprivileged view hidden as in XLATE, bad input
# refused before any reply, and a target that exits part-way.
. /tests/lib.sh
load_ptscope
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv $HOG 2>/dev/null' EXIT

echo "--- every memory kind at once, as one at a time"
# shellcheck disable=SC2046
set -- $(awk 'NF == 2 && $2 ~ /^0x/ { print $2 }' /tmp/serve.out) 0x10
[ $# -gt 10 ] || fail "memkinds served only $# kinds"
ptscope -j xlate $srv "$@" > /tmp/many.json || fail "xlate of $# addresses: $(cat /tmp/many.json)"
expect_eq "one translation per address" $# "$(jq '.translations | length' /tmp/many.json)"
# same_alone WHO PID JSON ADDR...: each translation of JSON (xlate PID
# ADDR...) is what "xlate PID ADDR" alone says. A page can change between
# the two (khugepaged collapses a THP range in the background): a
# difference is asked again, both ways, and only one that stays fails.
same_alone() {
	who=$1 pid=$2 many=$3
	shift 3
	i=0
	for a in "$@"; do
		one=$($who ptscope -j xlate $pid $a | jq -c 'del(.pid)')
		got=$(jq -c ".translations[$i]" $many)
		if [ "$one" != "$got" ]; then
			echo "address $i ($a) changed? alone $one, among many $got"
			got=$($who ptscope -j xlate $pid "$@" | jq -c ".translations[$i]")
			one=$($who ptscope -j xlate $pid $a | jq -c 'del(.pid)')
			[ "$one" = "$got" ] || fail "address $i ($a): alone $one, among many $got"
		fi
		i=$((i + 1))
	done
}
same_alone "" $srv /tmp/many.json "$@"
check_ok "each of $# translations equals its single xlate"
ptscope xlate $srv "$@" > /tmp/many.txt || fail "text xlate of many failed"
expect_eq "text: one block per address" $# "$(grep -c '^pid [0-9]*, address 0x' /tmp/many.txt)"

echo "--- 10,000 addresses, frames against pagemap"
hog_start $((10000 * PAGE / 1048576 + 1))	# every other page written: present pages and holes in turn
base=$(mk_addr /tmp/hog.out hog)
# addrs BASE N [WRAP]: N page addresses from BASE, the page index taken
# modulo WRAP. Written in hex by hand: busybox awk's %x stops at 2^31, and
# its doubles hold user addresses (below 2^53) exactly.
addrs() {
	awk -v b=$(($1)) -v n=$2 -v w=${3:-$2} -v p=$PAGE '
	function hex(v,  s, d) { s = ""
		do { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 } while (v > 0)
		return "0x" s }
	BEGIN { for (i = 0; i < n; i++) print hex(b + (i % w) * p) }'
}
addrs $base 10000 > /tmp/addrs
# shellcheck disable=SC2046
ptscope -j xlate $HOG $(cat /tmp/addrs) > /tmp/hog.json || fail "xlate of 10,000: $(head -c 300 /tmp/hog.json)"
jq -r '.translations[] | .leaf.pfn // "absent"' /tmp/hog.json > /tmp/got
# Entries as hex text: bit 63 present, the frame in bits 0-54 (a guest's
# frames fit the low 13 digits, which awk's doubles hold exactly).
dd if=/proc/$HOG/pagemap bs=8 skip=$((base / PAGE)) count=10000 2>/dev/null | od -An -v -tx8 |
	awk 'function h(s,  i, v) { v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v }
	{ for (f = 1; f <= NF; f++) {
		if (index("89abcdef", substr($f, 1, 1))) printf "0x%x\n", h(substr($f, 4))
		else print "absent" } }' > /tmp/want
expect_eq "translations of 10,000" 10000 "$(wc -l < /tmp/got)"
expect_eq "present pages among them (every other)" 5000 "$(grep -vc absent /tmp/got)"
cmp -s /tmp/want /tmp/got || fail "frames differ from pagemap: $(diff /tmp/want /tmp/got | head -n 4)"
check_ok "10,000 frames equal pagemap's"
jq -r '.translations[].addr' /tmp/hog.json | cmp -s - /tmp/addrs || fail "addresses out of order"

echo "--- unprivileged callers"
$U ptscope xlate $srv $1 $2 > /tmp/u.out 2>&1
expect_eq "uid 1000 on root's process: status" 1 "$?"
grep -q "permission denied" /tmp/u.out || fail "no permission message: $(cat /tmp/u.out)"
memkinds_serve /tmp/userv.out $U
usrv=$MK_PID
trap 'kill $srv $HOG $usrv 2>/dev/null' EXIT
# shellcheck disable=SC2046
set -- $(awk 'NF == 2 && $2 ~ /^0x/ { print $2 }' /tmp/userv.out)
$U ptscope -j xlate $usrv "$@" > /tmp/u.json || fail "uid 1000 on its own process: $(cat /tmp/u.json)"
expect_eq "own process: no frame shown" 0x0 \
	"$(jq -r '[.translations[].leaf.pfn // "0x0"] | unique | join(",")' /tmp/u.json)"
expect_eq "own process: no table address shown" 0x0 \
	"$(jq -r '[.translations[].levels[].table_phys] | unique | join(",")' /tmp/u.json)"
# The first six alone (the hiding is the same code for every kind).
# shellcheck disable=SC2046
same_alone "$U" $usrv /tmp/u.json $(echo "$@" | cut -d' ' -f1-6)
check_ok "uid 1000: the first 6 of $# translations equal their single xlates"
memkinds hog 1 nodump > /tmp/nd.out &
nd=$!
trap 'kill $srv $HOG $usrv $nd 2>/dev/null' EXIT
wait_line /tmp/nd.out '^ready$' 200 || fail "no non-dumpable process"
$U pmproof lib xlates $nd > /tmp/nd.res 2>&1 && fail "uid 1000 translated root's non-dumpable process"
cat /tmp/nd.res

echo "--- bad input"
xerr "an address beyond user space among many" 1 "beyond the user address space" \
	xlate $srv 0x1000 0xffffffffff600000
xerr "a place that is not there among many" 1 "no mapping named" xlate $srv 0x1000 '[nosuch]'
xerr "a bad address among many" 2 "'0xzz' is not an address" xlate $srv 0x1000 0xzz
xerr "no address" 2 "needs PID and ADDR" xlate $srv
xerr "kernel thread" 1 "kernel thread" xlate 2 0x1000 0x2000

echo "--- a target that exits while its addresses are translated"
for round in 1 2 3 4 5; do
	memkinds hog 8 > /tmp/x.out &
	x=$!
	wait_line /tmp/x.out '^ready$' 200 || fail "no process to kill"
	b=$(mk_addr /tmp/x.out hog)
	# shellcheck disable=SC2046
	addrs $b 9000 2048 > /tmp/xaddrs
	# shellcheck disable=SC2046
	ptscope xlate $x $(cat /tmp/xaddrs) > /dev/null 2> /tmp/x.err &
	c=$!
	# From before the request to after it: the CLI starts in tens of ms here.
	usleep $((round * 50000))
	kill -9 $x
	wait $c
	rc=$?
	wait $x 2>/dev/null
	case $rc in
	0) echo "round $round: all translated before the exit" ;;
	1) grep -Eq "exited|no process with pid|[Nn]o such process" /tmp/x.err ||
		fail "round $round: $(cat /tmp/x.err)"
	   echo "round $round: $(cat /tmp/x.err)" ;;
	*) fail "round $round: status $rc: $(cat /tmp/x.err)" ;;
	esac
done
check_ok "exits part-way end the request cleanly"
true
