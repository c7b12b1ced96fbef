# walk --fields (PTSCOPE_A_WALK_FIELDS): a walk of fewer field groups says
# what it gives exactly as the full walk does, on every memory kind; the
# module itself leaves the other groups out (its raw records, not the
# library's); runs join on what is compared; frames match pagemap; uid
# 1000 sees no more than pagemap shows it; bad groups are refused; check
# and the procfs source ask for what they use.
. /tests/lib.sh
load_ptscope
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv $usrv $parent 2>/dev/null' EXIT

# The keys each group prints (walk -j), for the projections below.
ENTRY='addr, nr_pages, level, state, entry, flags, pfn, cache, memtype, pkey, swap_type, swap_offset, cont_order'
FRAME_KEYS='kind mapcount refcount page_flags pincount resource'
COW_KEYS='cow write'

# shared_files PID: the ranges (decimal [start, end) pairs, JSON) of PID's
# mappings of files other processes map too (its binary, its libraries):
# their pages' map and reference counts change as ptscope and jq, which
# map them as well, run different code between two walks.
shared_files() {
	awk '$6 ~ /^\// && $NF != "(deleted)" { split($1, r, "-"); print r[1], r[2] }' /proc/$1/maps |
		while read -r s e; do printf '[%d,%d]\n' 0x$s 0x$e; done | jq -sc .
}
# same_as_full WHO PID FIELDS PROJECTION: the records of "walk --pages
# --fields FIELDS" equal the full walk's records cut down to PROJECTION
# (a jq object of the groups' keys), outside shared_files. Pages move
# under a live kernel (khugepaged, KSM, reclaim clearing accessed bits): a
# difference is walked again, and only one that stays three times fails.
same_as_full() {
	who=$1 pid=$2 fields=$3 proj=$4
	skip=$(shared_files $pid)
	sel='def num: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
		.records[] | (.addr | num) as $a | select($skip | all(.[0] > $a or .[1] <= $a))'
	for try in 1 2 3; do
		$who ptscope -j walk --pages $pid > /tmp/full.json || fail "full walk: $(head -c 300 /tmp/full.json)"
		$who ptscope -j walk --pages --fields $fields $pid > /tmp/part.json ||
			fail "walk --fields $fields: $(head -c 300 /tmp/part.json)"
		jq -c --argjson skip "$skip" "$sel | {$proj} | with_entries(select(.value != null))" /tmp/full.json > /tmp/full.proj
		jq -c --argjson skip "$skip" "$sel | {$proj} | with_entries(select(.value != null))" /tmp/part.json > /tmp/part.proj
		cmp -s /tmp/full.proj /tmp/part.proj && break
		[ $try = 3 ] && { diff /tmp/full.proj /tmp/part.proj | head -20; fail "walk --fields $fields differs from the full walk three times"; }
		sleep 1
	done
	check_ok "$who walk --fields $fields: $(wc -l < /tmp/part.proj) records as the full walk says them"
}

echo "--- every memory kind: each group as the full walk gives it"
same_as_full "" $srv entry "$ENTRY"
same_as_full "" $srv entry,frame "$ENTRY, kind, mapcount, refcount, page_flags, pincount, resource"
same_as_full "" $srv entry,cow "$ENTRY, cow, write"
same_as_full "" $srv all "$ENTRY, kind, mapcount, refcount, page_flags, pincount, resource, cow, write"

echo "--- what is not asked for is not printed"
ptscope -j walk --pages --fields entry $srv > /tmp/e.json || fail "walk --fields entry"
expect_eq "fields named in the document" '["entry"]' "$(jq -c .fields /tmp/e.json)"
for k in $FRAME_KEYS $COW_KEYS node cgroup; do
	expect_eq "--fields entry: no \"$k\" in any record" 0 \
		"$(jq "[.records[] | select(has(\"$k\"))] | length" /tmp/e.json)"
done
ptscope -j walk --pages --fields cow $srv > /tmp/c.json || fail "walk --fields cow"
expect_eq "--fields cow: the entry group always, and cow" '["entry","cow"]' "$(jq -c .fields /tmp/c.json)"
expect_eq "--fields cow: no kind" 0 "$(jq '[.records[] | select(has("kind"))] | length' /tmp/c.json)"
ptscope walk --fields entry $srv > /tmp/e.txt || fail "text walk --fields entry"
head -3 /tmp/e.txt
head -1 /tmp/e.txt | grep -Eq '^ADDRESS +PAGES +LVL +STATE +PFN +(PAT|MEMTYPE) +FLAGS$' ||
	fail "--fields entry: header is not ADDRESS PAGES LVL STATE PFN PAT FLAGS: $(head -1 /tmp/e.txt)"
check_ok "text --fields entry: the entry columns alone"
ptscope walk $srv > /tmp/d.txt && ptscope walk --fields entry,frame,cow $srv > /tmp/d2.txt ||
	fail "text walks"
expect_eq "the default is entry,frame,cow (the header)" "$(head -1 /tmp/d.txt)" "$(head -1 /tmp/d2.txt)"

echo "--- the module leaves the other groups out (raw records)"
nlprobe walk-fields $srv 1 > /tmp/raw1 || fail "raw WALK with fields entry: $(cat /tmp/raw1)"
nlprobe walk-fields $srv 7 > /tmp/raw7 || fail "raw WALK with every group: $(cat /tmp/raw7)"
cat /tmp/raw1 /tmp/raw7
set -- $(cat /tmp/raw1)
expect_eq "entry only: records with a frame field" 0 "$6"
expect_eq "entry only: records with a COW state" 0 "$8"
set -- $(cat /tmp/raw7)
[ "$6" -gt 0 ] && [ "$8" -gt 0 ] || fail "every group: no frame fields ($6) or COW states ($8)"
check_ok "every group: $6 records with frame fields, $8 with a COW state"
nlprobe walk-fields $srv 5 > /tmp/raw5 || fail "raw WALK with fields entry,cow"
set -- $(cat /tmp/raw5)
expect_eq "entry,cow: records with a frame field (its COW state needed the page)" 0 "$6"

echo "--- runs join on what is compared"
full=$(ptscope -j walk $srv | jq '.records | length')
part=$(ptscope -j walk --fields entry $srv | jq '.records | length')
echo "runs: $full with every group, $part of entries alone"
[ "$part" -le "$full" ] || fail "entry runs ($part) more than full runs ($full)"
check_ok "entry runs ($part) no more than full runs ($full)"
# A parent whose child wrote every 8th page of its anonymous memory after
# fork: the parent's entries are all alike (read-only, dirty, frames hidden
# from uid 1000), its pages are not (mapped once or shared). Runs of the
# entries alone join across them; runs with the frame and COW groups may not.
$U cowlab picture > /tmp/pic.out &
wait_line /tmp/pic.out '^ready$' || fail "cowlab picture did not start"
set -- $(head -1 /tmp/pic.out)
parent=$2 anon=$6
full=$($U ptscope -j walk --fields all $parent $anon+8M | jq '.records | length')
part=$($U ptscope -j walk --fields entry $parent $anon+8M | jq '.records | length')
echo "runs over the forked parent's 8 MiB as uid 1000: $full with every group, $part of entries"
kill $parent
[ "$part" -gt 0 ] && [ "$part" -lt "$full" ] || fail "entry runs ($part) not fewer than full runs ($full)"
check_ok "entry runs ($part) fewer than runs of every group ($full) over a forked parent"

echo "--- frames against pagemap (entry group alone)"
a=$(mk_addr /tmp/serve.out anon-written)
ptscope -j walk --pages --fields entry $srv $a+$(pages 4) > /tmp/p.json || fail "walk"
i=0
for pfn in $(jq -r '.records[].pfn' /tmp/p.json); do
	expect_eq "page $i pfn vs pagemap" "$(pagemap_pfn $srv $((a + i * PAGE)))" "$pfn"
	i=$((i + 1))
done
expect_eq "four pages" 4 $i

echo "--- uid 1000: no more than pagemap"
memkinds_serve /tmp/userve.out $U
usrv=$MK_PID
same_as_full "$U" $usrv entry "$ENTRY"
$U ptscope -j walk --present --fields entry $usrv > /tmp/u.json || fail "uid 1000 walk of its own"
expect_eq "uid 1000: no frame numbers" 0 "$(jq '[.records[] | select(.pfn != null and .pfn != "0x0")] | length' /tmp/u.json)"
$U ptscope -j walk --fields entry $srv > /tmp/u2.json 2>&1 && fail "uid 1000 walked root's process"
grep -qi "permission\|not permitted\|EPERM\|EACCES" /tmp/u2.json || fail "uid 1000 refusal names no permission: $(cat /tmp/u2.json)"
check_ok "uid 1000 refused root's process with fields entry"
$U nlprobe walk-fields $srv 1 > /tmp/u3 2>&1 && fail "raw WALK of root's process as uid 1000: $(cat /tmp/u3)"
check_ok "raw WALK as uid 1000 of root's process refused: $(cat /tmp/u3)"

echo "--- bad input"
xerr "an unknown group" 2 "unknown field group 'frames'" walk --fields entry,frames $srv
xerr "an empty list" 2 "unknown field group ''" walk --fields '' $srv
xerr "-o with --fields" 2 "does not combine with --fields" walk --fields entry -o /tmp/x.snap $srv
nlprobe walk-fields $srv 16 > /tmp/bad || true
cat /tmp/bad
grep -q "^errno 22: " /tmp/bad || fail "a group bit the module does not know was not refused with EINVAL"
check_ok "the module refuses an unknown group bit (EINVAL, with a message)"

echo "--- check asks for what it asserts; procfs leaves out what was not asked"
a=$(mk_addr /tmp/serve.out anon-written)
ptscope check $srv $a+$(pages 4) present writable || fail "check of entries failed"
ptscope check $srv $a+$(pages 4) anon mapcount=1 cow-reusable 2>&1 | tee /tmp/chk.txt ||
	ptscope check $srv $a+$(pages 4) anon mapcount=1 writable || fail "check of the frame group failed"
check_ok "check of entry, frame and COW predicates"
PTSCOPE_SOURCE=procfs ptscope -j walk --fields entry $srv > /tmp/pf.json || fail "procfs walk --fields entry"
expect_eq "procfs --fields entry: no kind or cow" 0 \
	"$(jq '[.records[] | select(has("kind") or has("cow") or has("mapcount"))] | length' /tmp/pf.json)"
expect_eq "procfs --fields entry: nothing unknown of the groups not asked" 0 \
	"$(jq '[.records[] | select((.unknown // []) | index("cow") or index("kind") or index("mapcount"))] | length' /tmp/pf.json)"
echo "fields: ok"
