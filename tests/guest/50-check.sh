# ptscope check: assertions that must hold and must fail for known memory
# states (the walker's kinds), exit codes 0/1/2, same-frame-as across a
# fork, and check files (-f) with TAP, JSON and plain output.
. /tests/lib.sh
load_ptscope
memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv $parent 2>/dev/null' EXIT
A() { mk_addr /tmp/serve.out "$1"; }

# chk STATUS ARGS...: ptscope check ARGS must exit with STATUS.
chk() {
	want=$1
	shift
	out=$(ptscope check "$@" 2>&1)
	rc=$?
	echo "check $*: $rc: $out"
	[ "$rc" = "$want" ] || fail "check $*: status $rc, want $want: $(printf "%s" "$out" | head -n 2 | tr "\n" "|")"
}
a=$(A anon-written)
chk 0 $srv $a+$(pages 4) present writable $FLAG_NX exclusive anon cow=writable 'count(present)=4' dirty
chk 1 $srv $a+$(pages 4) '!present'
echo "$out" | grep -q "!present: page $a is present pfn" || fail "the failing page is not named"
chk 1 $srv $a+$(pages 4) 'count(present)=3'
chk 1 $srv $a+$(pages 4) zero-page
chk 0 $srv $(A anon-untouched)+$(pages 4) '!present' none 'count(present)=0'
chk 0 $srv $(A anon-zero-page)+$(pages 4) zero-page '!writable' cow=zero
chk 0 $srv $(A anon-readonly)+$(pages 4) present '!writable' read-only
# PROT_NONE pages are present to the kernel, not to the hardware.
chk 0 $srv $(A anon-prot-none)+$(pages 4) protnone present '!writable' read-only
chk 1 $srv $(A anon-prot-none)+$(pages 4) writable
chk 0 $srv $(A file-private)+$(pages 1) shmem cow=file-private	# /tmp is tmpfs: a shmem file
chk 0 $srv $(A anon-shared)+$(pages 4) shmem shared-mapping
chk 0 $srv $(A memfd-shared)+$(pages 3) present 'count(present)=3'
t=$(A anon-thp)
if ptscope -j walk $srv $t+$(size_arg $HPAGE) | jq -e '.records[0].level == "PMD"' > /dev/null; then
	chk 0 $srv $t+$(size_arg $HPAGE) huge level=PMD thp "count(huge)=$HPAGE_PAGES"
fi
if [ -n "$(A anon-pkey)" ]; then
	key=$(grep -A30 "^$(A anon-pkey | sed 's/^0x//')-" /proc/$srv/smaps | sed -n 's/^ProtectionKey: *//p' | head -n 1)
	[ -n "$key" ] || fail "oracle: no ProtectionKey in smaps"
	chk 0 $srv $(A anon-pkey)+$(pages 4) pkey=$key
	chk 1 $srv $(A anon-pkey)+$(pages 4) pkey=$((key + 1))
fi
chk 2 $srv $a+$(pages 4) presnt
chk 2 $srv 0x2000-0x1000 present
chk 2 4000000 $a+$(pages 1) present
chk 2 $srv $a+$(pages 1)

echo "--- same-frame-as across a fork"
cowlab forked > /tmp/f.out &
await_line /tmp/f.out '^ready$'
set -- $(head -n 1 /tmp/f.out)
parent=$2 child=$4 fa=$6
chk 0 $parent $fa+$(pages 4) same-frame-as $child $fa cow-shared
kill -USR1 $child
await_line /tmp/f.out '^wrote$' 50
chk 1 $parent $fa+$(pages 4) same-frame-as $child $fa
chk 0 $parent $((fa + PAGE))+$(pages 3) same-frame-as $child $((fa + PAGE))

echo "--- a check file"
cat > /tmp/checks <<EOT
# memkinds $srv
$srv $a+$(pages 4) present writable 'count(present)=4'
$srv $(A anon-untouched)+$(pages 4) present
$srv $(A anon-zero-page)+$(pages 1) zero-page
EOT
sed -i "s/'//g" /tmp/checks
ptscope check -f /tmp/checks > /tmp/tap.out
rc=$?
cat /tmp/tap.out
expect_eq "check -f: status (one check fails)" 1 "$rc"
expect_eq "TAP plan" "1..3" "$(sed -n 2p /tmp/tap.out)"
expect_eq "TAP results" "ok 1|not ok 2|ok 3" "$(grep -Eo '^(not )?ok [0-9]+' /tmp/tap.out | paste -sd'|')"
ptscope check -f /tmp/checks --format=json > /tmp/c.json
expect_eq "JSON results" "pass,fail,pass false" "$(jq -r '"\([.checks[].result] | join(",")) \(.ok)"' /tmp/c.json)"
ptscope check -f /tmp/checks --format=plain | head -n 1 | grep -q '^PASS: ' || fail "plain format"
# A passing check file's TAP, for the host to validate with prove(1).
grep -v anon-untouched /tmp/checks | sed "/$(A anon-untouched)/d" > /tmp/pass.checks
ptscope check -f /tmp/pass.checks > /tmp/pass.tap || fail "the passing check file failed: $(cat /tmp/pass.tap)"
echo "--- PROVE BEGIN check-file"
cat /tmp/pass.tap
echo "--- PROVE END"
echo "--- a check file's checks share walks; each is what it is alone"
# Checks of every memory kind that ask for different fields, overlap, sit
# a page apart or far apart, name a place, compare frames with another
# process or count tables; among them some that cannot run (a range past
# the user address space, a process that is not there). Each line's
# outcome in the file must be the one it has on its own.
grep -E '^[a-z0-9-]+ 0x[0-9a-f]+$' /tmp/serve.out | grep -Ev '^(ksm-merged|hog) ' |
while read -r kind addr; do
	echo "$srv $addr+$(pages 4) present"
	echo "$srv $((addr + PAGE))+$(pages 2) present count(present)>=1 !swapped"
	echo "$srv $addr+$(pages 1) anon"
	echo "$srv $addr+$(pages 4) cow-shared"
	echo "$srv $addr+$(pages 3) writable count(writable)=3"
	echo "$srv $((addr + 2 * PAGE))+$(pages 1) node=0"
done > /tmp/many.checks
cat >> /tmp/many.checks <<EOT
$srv [stack] present
$srv [heap] count(present)>=0
$srv $a+$(pages 4) count(tables)>=1
$srv $a+$(pages 4) same-frame-as $srv $a
$srv 0x7ffffffff000+$(pages 4) present
$srv 0xffffffffffff0000+$(pages 1) present
4000000 $a+$(pages 1) present
$srv $a+$(pages 1) presnt
EOT
wc -l < /tmp/many.checks
ptscope check -f /tmp/many.checks --format=plain > /tmp/many.file
: > /tmp/many.alone
while read -r line; do
	ptscope check --format=plain $line >> /tmp/many.alone
done < /tmp/many.checks
if ! cmp -s /tmp/many.file /tmp/many.alone; then
	paste -d'\n' /tmp/many.checks /tmp/many.file /tmp/many.alone | head -n 300
	fail "check -f: an outcome differs from the check alone: $(diff /tmp/many.file /tmp/many.alone | head -n 4 | tr '\n' '|')"
fi
expect_eq "check -f: outcomes as alone ($(wc -l < /tmp/many.checks) checks; $(cut -d: -f1 /tmp/many.file | sort | uniq -c | tr -s ' \n' ' '))" \
	same same
# Sixty-four checks inside one process's four written pages, all reading
# entries: one WALK request (PTSCOPE_TRACE lists what libptscope sends).
i=0
while [ $i -lt 64 ]; do
	echo "$srv $((a + i % 4 * PAGE))+$(pages $((4 - i % 4))) present writable"
	i=$((i + 1))
done > /tmp/one.checks
PTSCOPE_TRACE=1 ptscope check -f /tmp/one.checks > /tmp/one.tap 2> /tmp/one.trace ||
	fail "64 checks of written pages: $(grep -m 2 '^#' /tmp/one.tap)"
expect_eq "check -f: 64 checks of 4 pages, WALK requests" 1 "$(grep -c 'request WALK' /tmp/one.trace)"
expect_eq "check -f: 64 checks of 4 pages, all pass" 64 "$(grep -c '^ok ' /tmp/one.tap)"
xerr "too many checks" 2 "more than 1024 checks \\(line 1025\\)" \
	check -f - <<EOT
$(i=0; while [ $i -lt 1025 ]; do echo "$srv $a+$(pages 1) present"; i=$((i + 1)); done)
EOT
xerr "a line too long" 2 "line 1 is longer than 255 characters" \
	check -f - <<EOT
$srv $a+$(pages 1) $(printf '%0300d' 0)
EOT
xerr "bad format" 2 "'xml' is not a format" check -f /tmp/checks --format=xml
xerr "missing check file" 2 "cannot read check file" check -f /nonexistent
true
