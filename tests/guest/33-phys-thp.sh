# phys of a transparent huge page nobody but its process holds: whole
# (PMD-mapped), then PTE-mapped once its PMD is split, each page against
# /proc/kpagecount and /proc/kpageflags; then phys against THPs that another
# process splits and frees in a loop (splitlab race): every answer must be a
# count, the kernel log clean. With the race build a window is held open
# between the large-folio test and the read of the folio's entire mapcount:
# the old helper read another page's field there, and tripped
# VM_BUG_ON_FOLIO on a DEBUG_VM kernel.
. /tests/lib.sh
load_ptscope
[ -e /sys/module/ptscope/parameters/race_us ] &&
	echo "race build: windows of $(cat /sys/module/ptscope/parameters/race_us) us"
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w $thp ] || skip "no THP in this kernel"
old=$(sed 's/.*\[\(.*\)\].*/\1/' $thp)
[ "$old" = never ] && echo madvise > $thp

splitlab hold > /tmp/hold.out &
hold=$!
trap 'kill $hold 2>/dev/null; echo $old > $thp' EXIT
wait_line /tmp/hold.out '^ready$' || fail "splitlab hold did not start"
a=$(sed -n 's/^thp //p' /tmp/hold.out)
head=$(pagemap_pfn $hold $a)
last=$(pagemap_pfn $hold $((a + HPAGE - PAGE)))
[ "$head" != absent ] && [ $((head % HPAGE_PAGES)) = 0 ] && [ $((last)) = $((head + HPAGE_PAGES - 1)) ] ||
	fail "no THP at $a (frames $head..$last)"
echo "THP at $a: frames $head..$last"

kpage() { dd if=/proc/$1 bs=8 skip=$(($2)) count=1 2>/dev/null | od -An -tu8 | tr -d ' '; }
bool() { [ "$1" = 1 ] && echo true || echo false; }
# check_page WHAT PFN: phys of a THP's page against kpagecount and kpageflags.
check_page() {
	local kc kf
	ptscope -j phys pfn:$2 > /tmp/p.json || fail "phys $1: $(cat /tmp/p.json)"
	kc=$(kpage kpagecount $2)
	kf=$(kpage kpageflags $2)
	expect_eq "$1: mapcount vs kpagecount" "$kc" "$(jq .mapcount /tmp/p.json)"
	# KPF_ANON 12, KPF_COMPOUND_HEAD 15, KPF_COMPOUND_TAIL 16, KPF_THP 22
	# (include/uapi/linux/kernel-page-flags.h)
	expect_eq "$1: a THP page (KPF_THP)" 1 $(((kf >> 22) & 1))
	expect_eq "$1: compound vs KPF_COMPOUND_HEAD|TAIL" "$(bool $(((kf >> 15 | kf >> 16) & 1)))" \
		"$(jq '.page_flags | index("compound") != null' /tmp/p.json)"
	expect_eq "$1: anon vs KPF_ANON" "$(bool $(((kf >> 12) & 1)))" \
		"$(jq '.page_flags | index("anon") != null' /tmp/p.json)"
	expect_eq "$1: the folio's pin count" 0 "$(jq .pincount /tmp/p.json)"
}
ptscope phys pfn:$head
check_page "PMD-mapped head" $head
check_page "PMD-mapped first tail" $((head + 1))
check_page "PMD-mapped last page" $((head + HPAGE_PAGES - 1))

kill -USR1 $hold
wait_line /tmp/hold.out '^split$' || fail "splitlab hold did not split the PMD"
expect_eq "the folio stays whole: same frame for the last page" "$last" \
	"$(pagemap_pfn $hold $((a + HPAGE - PAGE)))"
check_page "PTE-mapped head" $head
check_page "PTE-mapped first tail" $((head + 1))
check_page "the page unmapped from the middle" $((head + HPAGE_PAGES / 2))
expect_eq "the page unmapped from the middle: mapcount" 0 "$(jq .mapcount /tmp/p.json)"
kill $hold
wait $hold

lab_check "splitlab race: phys of THPs split and freed meanwhile answers with counts" \
	splitlab race "${SPLIT_SECONDS:-20}" || fail "splitlab race"
unload_ptscope
