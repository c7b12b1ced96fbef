# Every command's JSON from real targets, printed between "--- JSON BEGIN
# CMD LABEL" and "--- JSON END" for the host to validate against
# doc/ptscope.schema.json (tests/run, suite json). The targets' names are
# not UTF-8: a program run as "/tmp/bad\xff\xfe name" (its mappings, comm
# and exe), and a crash of one run as "/tmp/cr\xffash" (its fault record,
# core and kernel log line). Here each command must exit as it should and
# print one document: the error document exactly when it fails. Ranges are
# kept small: the results cross a slow serial line.
. /tests/lib.sh
JQ=/usr/local/bin/jq

# j STATUS CMD LABEL ARGS...: "ptscope ARGS" exits with STATUS and prints
# JSON on stdout alone, shown as the block CMD LABEL: the error document
# unless STATUS is 0, or ends in ":doc" (a check that failed).
j() {
	want=${1%:doc} doc=$1 cmd=$2 label=$3
	shift 3
	ptscope "$@" > /tmp/j.out 2> /tmp/j.err < /dev/null
	rc=$?
	echo "--- JSON BEGIN $cmd $label"
	cat /tmp/j.out
	echo "--- JSON END"
	[ "$rc" = "$want" ] || fail "ptscope $*: status $rc, want $want: $(cat /tmp/j.err)"
	[ -s /tmp/j.err ] && fail "ptscope $*: wrote to stderr in JSON mode: $(cat /tmp/j.err)"
	keys=$($JQ -c keys /tmp/j.out) || fail "ptscope $*: jq cannot read the output"
	if [ "$want" = 0 ] || [ "$doc" != "$want" ]; then
		[ "$keys" != '["error"]' ] || fail "ptscope $*: status 0 with an error document"
	else
		[ "$keys" = '["error"]' ] || fail "ptscope $*: status $rc without the error document"
	fi
	echo "ok: $label"
}

j 1 info not-loaded -j info
load_ptscope
j 0 info plain -j info
j 0 info pretty -p info
j 0 version plain -j --version
j 2 walk bad-option -j walk 1 --frob
j 2 xlate bad-pid -j xlate nobody 0x1000
j 1 maps no-such-pid -j maps 4000000

# Two processes of a program whose path is not UTF-8 (names of mappings,
# comm), 1 MiB of anonymous memory each, every other page written.
bad=$'/tmp/bad\xff\xfe name'
cp /usr/bin/memkinds "$bad" || fail "cannot copy memkinds to a name that is not UTF-8"
"$bad" hog 1 > /tmp/h1.out &
h1=$!
"$bad" hog 1 > /tmp/h2.out &
h2=$!
crash=$'/tmp/cr\xffash'
trap 'kill $h1 $h2 $pinner $barpid 2>/dev/null; rm -f "$bad" "$crash" /tmp/h1.snap' EXIT
wait_line /tmp/h1.out '^ready$' 200 || fail "hog 1 did not start"
wait_line /tmp/h2.out '^ready$' 200 || fail "hog 2 did not start"
hog=$(mk_addr /tmp/h1.out hog)
exe=$(ptscope -j maps $h1 | $JQ -r '.vmas[] | select(.name | test("^/tmp/bad")) | .start' | head -n 1)
[ -n "$exe" ] || fail "no mapping of the program in maps"
echo "hog $hog, program mapped at $exe"

j 0 maps bad-name -j maps $h1
j 0 xlate anon -j xlate $h1 $hog
j 0 xlate bad-name -p xlate $h1 $exe
j 0 xlate unmapped -j xlate $h1 0x10000
j 1 xlate kernel-thread -j xlate 2 0x1000
j 0 walk runs -j walk $h1 $hog+$(pages 8)
j 0 walk pages-bad-name -p walk --pages $h1 $exe+$(pages 2)
j 0 walk pages-snapshot -j walk --pages -o /tmp/h1.snap $h1 $hog+$(pages 4)
j 0 walk place-bad-name -j walk $h1 "$bad"
j 0 walk filtered -j walk --present --cow $h1 $hog+$(pages 4)
j 0 diff snapshot-live -j diff /tmp/h1.snap $h1
j 0 diff pids -j diff $h1 $h2 $hog+$(pages 4)
j 1 diff no-file -j diff /nonexistent.snap $h1
j 0 share bad-name -j share $h1 $h2
j 0 map one -j map $h1
j 0 map pair -j map $h1 $h2
j 0 walk placement -j walk --placement $h1 $hog+$(pages 8)
j 0 walk fields-entry -j walk --fields entry $h1
j 0 walk fields-cow-pages -j walk --pages --fields cow,place $h1 $hog+$(pages 8)
j 2 walk fields-bad -j walk --fields frames $h1
j 0 maps placement -j maps --placement $h1
j 0 map by-node -j map --by node $h1
j 0 map by-fill -j map --by fill $h1
j 0 check node -j check $h1 $hog+$(pages 1) node=0
j 0 check pass -j check $h1 $hog+$(pages 1) present
printf '%s\n' "$h1 $hog+$(pages 1) present" "$h1 $hog+$(pages 2) present" > /tmp/j.checks
j 1:doc check file-fail -j check -f /tmp/j.checks
j 0 check format-json check $h1 $hog+$(pages 1) present --format=json
j 0 explain live-write -j explain $h1 $hog --access write
j 0 explain live-null -j explain $h1 0x10
j 0 explain live-bad-name -j explain $h1 $exe --access exec
j 0 explain live-many -j explain $h1 $hog 0x10 $exe --access write
j 2 explain live-many-bad -j explain $h1 $hog 0xzz

pfn=$(ptscope -j xlate $h1 $hog | $JQ -r .leaf.pfn)
j 0 phys ram-who -j phys pfn:$((pfn)) --who
j 0 phys ram-pretty -p phys $(printf '0x%x' $((pfn * PAGE + 8)))
j 2 phys bad-address -j phys pfn:x

echo "--- DMA: pinned pages and a PCI BAR"
j 0 dma none -j dma $h1
pinner= barpid=
dmalab pin > /tmp/pin.out &
pinner=$!
await_line /tmp/pin.out '^ready$\|^error'
if grep -q '^ready$' /tmp/pin.out; then
	j 0 dma pinned -j dma $pinner
	j 0 walk pinned-thp -j walk $pinner $(sed -n 's/^thp //p' /tmp/pin.out)+$(size_arg $HPAGE)
else
	echo "note: dmalab pin: $(cat /tmp/pin.out)"
fi
dev=
for d in /sys/bus/pci/devices/*; do
	set -- $(head -n 1 $d/resource)
	[ $(($3 & 0x200)) != 0 ] && [ $(($2 - $1 + 1)) -ge 4096 ] && [ -e $d/resource0 ] &&
		{ dev=$(basename $d); break; }
done
if [ -n "$dev" ]; then
	bar_start=$(printf '0x%x' $1)
	dmalab bar /sys/bus/pci/devices/$dev/resource0 > /tmp/bar.out &
	barpid=$!
	await_line /tmp/bar.out '^ready$\|^error'
	grep -q '^ready$' /tmp/bar.out || fail "dmalab bar: $(cat /tmp/bar.out)"
	j 0 dma bar -j dma $barpid
	j 0 walk bar-pages -j walk --pages $barpid $(sed -n 's/^bar \([^ ]*\) .*/\1/p' /tmp/bar.out)+$(pages 2)
	j 0 phys bar -j phys $bar_start --who
else
	echo "note: no PCI device with a memory BAR 0 (the harness adds -device VGA)"
fi
dev=${dev:-$(basename "$(ls -d /sys/bus/pci/devices/* | tail -n 1)")}
j 0 iommu device -j iommu $dev
j 0 iommu iova -j iommu $dev 0x1000
j 1 iommu no-device -j iommu 0000:7f:1f.7

echo "--- faults of a program whose name is not UTF-8"
ptscope faults clear
ulimit -c unlimited
echo "/tmp/core.%p" > /proc/sys/kernel/core_pattern
fault_log_on
cp /usr/bin/crashlab "$crash" || fail "cannot copy crashlab"
ptscope -j faults --follow > /tmp/follow.out 2> /tmp/follow.err &
follower=$!
sleep 1
"$crash" null > /tmp/c.out 2>&1
npid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c.out)
"$crash" write-ro > /tmp/c.out 2>&1
set -- $(grep '^pid ' /tmp/c.out)
cpid=$2
wait_line /tmp/follow.out '"write-read-only"' 100 || fail "faults --follow printed no record: $(cat /tmp/follow.out /tmp/follow.err)"
kill $follower
wait $follower
[ "$(grep -c . /tmp/follow.out)" = 2 ] || fail "faults --follow: want 2 lines, got $(cat /tmp/follow.out)"
echo "--- JSON BEGIN faults follow"
cat /tmp/follow.out
echo "--- JSON END"
j 0 faults list -j faults
id=$($JQ '.faults[0].id' /tmp/j.out)
j 0 explain last -j explain --last
$JQ -r .vma.name /tmp/j.out | grep -q '^/tmp/cr' || fail "explain --last: the mapping is not the program's"
j 0 explain fault-id -p explain --fault $id
j 1 explain no-fault-id -j explain --fault 999999
[ -s /tmp/core.$cpid ] || fail "no core file /tmp/core.$cpid"
j 0 explain core -j explain --core /tmp/core.$cpid
rm -f /tmp/core.*
# Their lines in the kernel log: x86's "segfault at", arm64's "unhandled
# exception" with its register dump's pc, lr and sp.
{ fault_log $npid; fault_log $cpid; } > /tmp/segv.log
cat /tmp/segv.log
expect_eq "the kernel logged both crashes" 2 "$(grep -c "\[$npid\]: \|\[$cpid\]: " /tmp/segv.log)"
j 0 explain dmesg -j explain --dmesg /tmp/segv.log
j 1 explain dmesg-nothing -j explain --dmesg /dev/null
j 0 faults clear -j faults clear
j 0 faults empty -j faults
true
