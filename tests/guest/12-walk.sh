# walk: every page of every memory kind against the kernel's own views
# (pagemap, kpageflags, kpagecount), runs against pages, xlate against walk
# (hugetlb leaves also made PROT_NONE; each of every size one leaf, arm64's
# contiguous ones too; arm64's MTE-tagged and BTI-guarded pages),
# and a walk of the whole address space against /proc/self/maps.
. /tests/lib.sh
load_ptscope

zram_swap_on
# hugetlb pages for the hugetlb kind.
echo 4 > /proc/sys/vm/nr_hugepages
echo "hugetlb pages reserved: $(cat /proc/sys/vm/nr_hugepages)"
# One 1 GiB page: reserved at boot by tests/run (hugepagesz=1G hugepages=1,
# with --mem 3G); failing that, try at run time.
G=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
[ -e $G ] || fail "no 1 GiB hugetlb pages on this kernel"
[ "$(cat $G)" -gt 0 ] || echo 1 > $G
[ "$(cat $G)" -gt 0 ] ||
	fail "no 1 GiB page reserved: boot with hugepagesz=1G hugepages=1 and --mem 3G"
echo "1 GiB hugetlb pages reserved: $(cat $G)"
# The other sizes (arm64: contiguous 64 KiB and 32 MiB with 4 KiB pages,
# 2 MiB with 16 KiB pages): a page each, at run time; memkinds makes a kind
# of every size that has one.
# Every size must get its page: one that did not would only be a skipped kind.
hugetlb_reserve 2
for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
	[ "$(cat $d/nr_hugepages)" -gt 0 ] || fail "no $(basename $d) page could be reserved"
done

# KSM, scanning fast, for the ksm-merged kind (memkinds waits for the merge).
ksm_start

# Each of its checks, per memory kind, is an inner check of this test.
memkinds check > /tmp/check.out
rc=$?
lab_tap memkinds /tmp/check.out && [ $rc = 0 ] ||
	fail "walk disagrees with the kernel's views (see above)"
grep -q "^ok .*anon-paged-out: walk" /tmp/check.out || fail "no paged-out check"
if grep -q zram0 /proc/swaps; then
	grep -q "anon-paged-out (pages): 8 pages: 0 present, 0 none, 8 swap" /tmp/check.out ||
		fail "paged-out pages are not all swap entries"
fi
# Every size with pages reserved was a kind, checked (its PROT_NONE twin too).
for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
	[ "$(cat $d/nr_hugepages)" -gt 0 ] || continue
	kb=${d##*hugepages-}
	kb=${kb%kB}
	if [ $((kb % 1048576)) = 0 ]; then k=hugetlb-$((kb / 1048576))g
	elif [ $((kb % 1024)) = 0 ]; then k=hugetlb-$((kb / 1024))m
	else k=hugetlb-${kb}k; fi
	grep "^ok [0-9]* $k: walk" /tmp/check.out | grep -qv "# SKIP" ||
		fail "$k was not checked: $(grep "$k: walk # SKIP" /tmp/check.out)"
	grep -q "^ok [0-9]* $k-prot-none: present leaf" /tmp/check.out ||
		fail "$k-prot-none was not checked"
	grep -q "^ok [0-9]* $k: one .*leaf of" /tmp/check.out || fail "$k was not checked as one leaf"
done
# arm64's tagged and guarded kinds, where the CPU offers them (cpuinfo).
if [ "$ARCH" = aarch64 ]; then
	feat=" $(sed -n 's/^Features\t*: //p' /proc/cpuinfo | head -n 1) "
	for f in mte:mt bti:gp; do
		case "$feat" in
		*" ${f%%:*} "*)
			grep "^ok [0-9]* anon-${f%%:*}: walk" /tmp/check.out | grep -qv "# SKIP" ||
				fail "anon-${f%%:*} was not checked though cpuinfo has ${f%%:*}"
			grep -q "^ok [0-9]* anon-${f%%:*}: smaps VmFlags" /tmp/check.out ||
				fail "anon-${f%%:*} has no ${f#*:} entries"
			;;
		*) echo "note: no ${f%%:*} in cpuinfo Features: anon-${f%%:*} is skipped" ;;
		esac
	done
fi
ksm_stop
# Every kind this kernel offers must have been checked, in parent and child.
# uffd-wp PTE markers: not on arm64 before 6.10 (the module's uffd-wp feature).
uffd_wp=
grep -q "uffd-wp" /sys/kernel/debug/ptscope/info && uffd_wp="anon-uffd-wp memfd-uffd-wp"
for kind in anon-hwpoison hugetlb-1g hugetlb-1g-prot-none anon-soft-dirty $uffd_wp ksm-merged; do
	grep "^ok [0-9]* $kind: walk" /tmp/check.out | grep -qv "# SKIP" ||
		fail "$kind was not checked: $(grep "$kind: walk # SKIP" /tmp/check.out)"
	grep -q "^ok [0-9]* child: $kind: walk" /tmp/check.out || fail "$kind was not checked in the child"
done
# Read-write protection exists where the module says the kernel has it (7.3).
if grep -q uffd-rwp /sys/kernel/debug/ptscope/info; then
	grep "^ok [0-9]* anon-uffd-rwp: walk" /tmp/check.out | grep -qv "# SKIP" ||
		fail "anon-uffd-rwp was not checked: $(grep "anon-uffd-rwp: walk # SKIP" /tmp/check.out)"
fi
grep -q "^ok [0-9]* ksm: " /tmp/check.out || fail "no KSM count check"
if grep -q pkeys /sys/kernel/debug/ptscope/info; then
	grep "^ok [0-9]* anon-pkey: walk" /tmp/check.out | grep -qv "# SKIP" ||
		fail "the pkey kind was not checked"
fi
true
