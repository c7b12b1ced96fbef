# DMA: io_uring registered buffers are pinned while registered and only
# then (checked against io_uring's own list in /proc/PID/fdinfo); a PCI BAR
# mapped through sysfs is a device mapping whose frames are the BAR's
# (sysfs resource, /proc/iomem; pagemap skips such mappings), uncached, or
# write-combining through resource0_wc.
. /tests/lib.sh
load_ptscope

echo "--- io_uring registered buffers"
dmalab pin > /tmp/pin.out &
pinner=$!
trap 'kill $pinner $barpid 2>/dev/null' EXIT
await_line /tmp/pin.out '^ready$\|^error'
grep -q '^ready$' /tmp/pin.out || fail "dmalab pin: $(cat /tmp/pin.out)"
val() { sed -n "s/^$1 //p" /tmp/pin.out; }
small=$(val small) thp=$(val thp) plain=$(val plain) ring=$(val ring)
echo "io_uring's own list (fdinfo):"
grep -A2 UserBufs /proc/$pinner/fdinfo/$ring
# The oracle: io_uring's registered ranges, "N: 0xADDR/LEN".
grep -q "0x${small#0x}/$((16 * PAGE))" /proc/$pinner/fdinfo/$ring || fail "fdinfo lacks the small buffer"
grep -q "0x${thp#0x}/$HPAGE" /proc/$pinner/fdinfo/$ring || fail "fdinfo lacks the THP buffer"

pinned_pages() {	# pinned_pages PID RANGE: pages walk reports pinned
	ptscope -j walk --present $1 $2 | jq '[.records[] | select(.page_flags | index("pinned")) | .nr_pages] | add // 0'
}
expect_eq "small buffer: all 16 pages pinned" 16 "$(pinned_pages $pinner $small+$(pages 16))"
expect_eq "plain buffer: never pinned" 0 "$(pinned_pages $pinner $plain+$(pages 4))"
ptscope -j walk $pinner $thp+$(size_arg $HPAGE) > /tmp/t.json
if [ "$(jq -r '.records[0].level' /tmp/t.json)" = PMD ]; then
	# The folio's exact count: 512 on 6.1 (a pin per page), 1 on 6.12 (io_uring
	# keeps one pin per folio since 6.10).
	expect_eq "THP buffer: pinned, with the folio's pin count" "pinned true" \
		"$(jq -r '.records[0] | "\(.page_flags | map(select(. == "pinned")) | .[0]) \(.pincount > 0)"' /tmp/t.json)"
	echo "THP pin count: $(jq .records[0].pincount /tmp/t.json)"
else
	echo "note: no THP for the 2 MiB buffer (level $(jq -r '.records[0].level' /tmp/t.json))"
	expect_eq "2 MiB buffer: all pinned" $HPAGE_PAGES "$(pinned_pages $pinner $thp+$(size_arg $HPAGE))"
fi
ptscope dma $pinner
ptscope -j dma $pinner > /tmp/d.json || fail "dma failed"
expect_eq "dma: pinned pages = 16 + $HPAGE_PAGES" $((16 + HPAGE_PAGES)) "$(jq .summary.pinned_pages /tmp/d.json)"
expect_eq "maps: pinned counters of all VMAs" $((16 + HPAGE_PAGES)) \
	"$(ptscope -j maps $pinner | jq '[.vmas[].pinned] | add')"
kill -USR1 $pinner
wait_line /tmp/pin.out '^unregistered$' 50 || fail "unregister failed: $(cat /tmp/pin.out)"
expect_eq "after unregistering: fdinfo lists no buffer" "UserBufs:	0" "$(grep UserBufs /proc/$pinner/fdinfo/$ring)"
expect_eq "after unregistering: nothing pinned" 0 "$(ptscope -j dma $pinner | jq .summary.pinned_pages)"
expect_eq "after unregistering: the THP's pin count" 0 "$(ptscope -j walk $pinner $thp+$(size_arg $HPAGE) | jq '.records[0].pincount // 0')"

echo "--- a PCI BAR mapped from sysfs"
dev=
for d in /sys/bus/pci/devices/*; do
	# The first memory BAR (flags 0x200: IORESOURCE_MEM) of at least 4 KiB.
	set -- $(head -n 1 $d/resource)
	[ $(( $3 & 0x200 )) != 0 ] && [ $(( $2 - $1 + 1 )) -ge 4096 ] && [ -e $d/resource0 ] &&
		{ dev=$(basename $d); break; }
done
[ -n "$dev" ] || fail "no PCI device with a memory BAR 0 (the harness adds -device VGA)"
set -- $(head -n 1 /sys/bus/pci/devices/$dev/resource)
bar_start=$(printf '0x%x' $1) bar_end=$(printf '0x%x' $2)
echo "device $dev, BAR 0 $bar_start-$bar_end"
grep -i "${bar_start#0x}" /proc/iomem
for file in resource0 resource0_wc; do
	[ -e /sys/bus/pci/devices/$dev/$file ] || { echo "note: no $file (BAR not prefetchable)"; continue; }
	dmalab bar /sys/bus/pci/devices/$dev/$file > /tmp/bar.out &
	barpid=$!
	await_line /tmp/bar.out '^ready$\|^error'
	grep -q '^ready$' /tmp/bar.out || fail "dmalab bar $file: $(cat /tmp/bar.out)"
	set -- $(sed -n 's/^bar //p' /tmp/bar.out)
	va=$1
	ptscope dma $barpid | head -n 8
	ptscope -j dma $barpid > /tmp/b.json || fail "dma of the BAR mapping failed"
	m=$(jq -c --arg a $va '.device_mappings[] | select(.start == $a)' /tmp/b.json)
	[ -n "$m" ] || fail "$file: no device mapping at $va"
	expect_eq "$file: VMA flags" "io pfnmap" "$(echo "$m" | jq -r '[.flags[] | select(. == "io" or . == "pfnmap")] | join(" ")')"
	expect_eq "$file: first frame = the BAR's start (sysfs)" "$bar_start" "$(echo "$m" | jq -r '.frames[0].phys')"
	# pagemap cannot say: its walk skips VM_PFNMAP mappings as holes.
	expect_eq "$file: pagemap shows nothing there (ptscope does)" absent "$(pagemap_pfn $barpid $va)"
	expect_eq "$file: owner = the device (/proc/iomem)" "$dev" "$(echo "$m" | jq -r '.frames[0].owner.name')"
	expect_eq "$file: not RAM" "not-ram" "$(echo "$m" | jq -r '.frames[0].kind')"
	want=UC-
	[ $file = resource0_wc ] && want=WC
	cache=$(echo "$m" | jq -r '[.frames[].cache] | unique | join(",")')
	case "$want:$cache" in
	UC-:UC-|UC-:UC|WC:WC) check_ok "$file: cache mode ($cache)" ;;
	*) check_not_ok "$file: cache mode"; fail "$file: cache mode '$cache', want $want" ;;
	esac
	last=$(echo "$m" | jq -r '.frames[-1] | "\(.phys) \(.nr_pages)"')
	set -- $last
	expect_eq "$file: frames end at the BAR's end" "$bar_end" "$(printf '0x%x' $(( $1 + $2 * PAGE - 1 )))"
	kill $barpid
	wait $barpid 2>/dev/null
done

echo "--- refusals"
xerr "dma without a PID" 2 "dma needs exactly one PID" dma
xerr "dma of a missing process" 1 "no (process with pid 4000000|such process)" dma 4000000
true
