# phys: a frame of a process's page (against pagemap, kpageflags and
# kpagecount, and --who finds the process), a PCI BAR address (owned by the
# device, not RAM: the innermost /proc/iomem entry; the module's own answer
# is the top-level resource, a bus window), and bad input.
. /tests/lib.sh
load_ptscope

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
a=$(mk_addr /tmp/serve.out anon-written)
pfn=$(pagemap_pfn $srv $a)
echo "memkinds $srv: anon-written at $a, pfn $pfn"
ptscope phys pfn:$pfn --who
ptscope -j phys pfn:$pfn --who > /tmp/p.json || fail "phys failed: $(cat /tmp/p.json)"
expect_eq "address" "$(printf '0x%x' $((pfn * PAGE)))" "$(jq -r .addr /tmp/p.json)"
expect_eq "RAM" true "$(jq .ram /tmp/p.json)"
kc=$(dd if=/proc/kpagecount bs=8 skip=$((pfn)) count=1 2>/dev/null | od -An -tu8 | tr -d ' ')
kf=$(dd if=/proc/kpageflags bs=8 skip=$((pfn)) count=1 2>/dev/null | od -An -tu8 | tr -d ' ')
expect_eq "mapcount vs kpagecount" "$kc" "$(jq .mapcount /tmp/p.json)"
flag() { [ $(( ($kf >> $1) & 1 )) = 1 ] && echo true || echo false; }
# KPF_ANON 12, KPF_LRU 5, KPF_SWAPBACKED 14 (include/uapi/linux/kernel-page-flags.h)
expect_eq "anon vs KPF_ANON" "$(flag 12)" "$(jq '.page_flags | index("anon") != null' /tmp/p.json)"
expect_eq "lru vs KPF_LRU" "$(flag 5)" "$(jq '.page_flags | index("lru") != null' /tmp/p.json)"
expect_eq "swapbacked vs KPF_SWAPBACKED" "$(flag 14)" "$(jq '.page_flags | index("swapbacked") != null' /tmp/p.json)"
expect_eq "--who names memkinds at the address" "$srv $a" \
	"$(jq -r --argjson p $srv '.mapped_by[] | select(.pid == $p) | "\(.pid) \(.addr)"' /tmp/p.json)"
owner=$(jq -r .owner.name /tmp/p.json)

dev=
for d in /sys/bus/pci/devices/*; do
	set -- $(head -n 1 $d/resource)
	[ $(( $3 & 0x200 )) != 0 ] && [ $(( $2 - $1 + 1 )) -ge 4096 ] && { dev=$(basename $d); break; }
done
[ -n "$dev" ] || fail "no PCI device with a memory BAR 0"
bar=$(printf '0x%x' $1)
ptscope phys $bar
ptscope -j phys $bar > /tmp/b.json || fail "phys of the BAR failed"
expect_eq "BAR: not RAM" false "$(jq .ram /tmp/b.json)"
expect_eq "BAR: owned by $dev" "$dev" "$(jq -r .owner.name /tmp/b.json)"
bar_end=$(printf '0x%x' $2)
bar_flags=$3

# iomem_at ADDR DEPTH: "START END NAME" of the /proc/iomem entry holding ADDR
# at DEPTH (0: top level), or of the deepest one with DEPTH -1.
iomem_at() {
	local best=-1 out= line range s e depth
	while IFS= read -r line; do
		range=${line#"${line%%[! ]*}"}
		depth=$(( (${#line} - ${#range}) / 2 ))
		s=0x${range%%-*}
		e=${range#*-}
		e=0x${e%% *}
		[ $(($1)) -ge $((s)) ] && [ $(($1)) -le $((e)) ] || continue
		[ "$2" = -1 ] && [ $depth -le $best ] && continue
		[ "$2" != -1 ] && [ $depth != "$2" ] && continue
		best=$depth
		out="$(printf '0x%x 0x%x' $s $e) ${range#* : }"
	done < /proc/iomem
	echo "$out"
}
# The owner of the RAM page: System RAM on x86. arm64 lists memblock's
# reserved ranges inside System RAM, and a page freed from one (the
# initramfs's) is still inside it: there the deepest /proc/iomem entry.
if [ "$ARCH" = aarch64 ]; then
	expect_eq "the owner is the deepest /proc/iomem entry" \
		"$(iomem_at "$(jq -r .addr /tmp/p.json)" -1 | cut -d' ' -f3-)" "$owner"
else
	expect_eq "the owner is System RAM" "System RAM" "$owner"
fi
# The innermost resource is the BAR itself: the deepest /proc/iomem entry
# holding it, with the range sysfs gives BAR 0.
expect_eq "BAR: owner vs the deepest /proc/iomem entry" "$(iomem_at $bar -1)" \
	"$(jq -r '"\(.owner.start) \(.owner.end) \(.owner.name)"' /tmp/b.json)"
expect_eq "BAR: owner's range vs sysfs" "$bar $bar_end" \
	"$(jq -r '"\(.owner.start) \(.owner.end)"' /tmp/b.json)"
# What the module itself says of the frame (walk's resource) is the
# top-level resource holding it, as documented: for a BAR inside a PCI bus
# window, the window (IORESOURCE_WINDOW 0x200000), not the BAR (its flags in
# sysfs).
top=$(iomem_at $bar 0)
echo "BAR $bar-$bar_end (flags $bar_flags) lies in $top"
dmalab bar /sys/bus/pci/devices/$dev/resource0 > /tmp/bar.out &
barpid=$!
await_line /tmp/bar.out '^ready$\|^error'
grep -q '^ready$' /tmp/bar.out || fail "dmalab bar: $(cat /tmp/bar.out)"
flags=$(ptscope -j walk $barpid | jq -r --arg p $(printf '0x%x' $((bar / PAGE))) \
	'.records[] | select(.pfn == $p) | .resource.flags')
kill $barpid
wait $barpid 2>/dev/null
[ -n "$flags" ] && [ "$flags" != null ] || fail "walk gave the BAR's first frame no resource"
case "${top#* * }" in
"PCI Bus"*) expect_eq "the module's resource: a bus window" 1 $(((flags >> 21) & 1)) ;;
*) echo "note: the BAR is not in a PCI bus window here" ;;
esac
[ $((flags)) != $((bar_flags)) ] || fail "the module's resource has the BAR's own flags ($flags)"

bits=$(debugfs_info phys_addr_bits)
xerr "beyond the physical address width" 1 "beyond the CPU's ${bits}-bit physical address space|beyond the CPU's physical address width" \
	phys $(printf '0x%x' $((1 << bits)))
xerr "malformed address" 2 "is not an address" phys 0xzz
xerr "malformed pfn" 2 "is not a frame number" phys pfn:-1
xerr "--who elsewhere" 2 "option --who applies to phys only" walk $srv --who
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
out=$($U ptscope phys $bar 2>&1)
echo "uid 1000: $out"
echo "$out" | grep -q "permission denied: physical memory is CAP_SYS_ADMIN's" || fail "phys without privilege: $out"
true
