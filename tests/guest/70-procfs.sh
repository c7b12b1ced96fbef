# The procfs source against the module on the same processes: every memory
# kind of memkinds (hugetlb, THP, swap, uffd-wp markers, KSM-able, file,
# shmem, PROT_NONE...) walked page by page and mapped by both, as root and
# as uid 1000. Every field both report must agree (the kernel's own swap
# entries are "other" to procfs); every field procfs cannot see must be
# null and named in "unknown". Then procfs alone: the module unloaded,
# auto answers from /proc, and pagemap's refusals are procfs's.
. /tests/lib.sh
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
load_ptscope
zram_swap_on
hugetlb_reserve 2
echo always > /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
cd /tmp

# pages_of FILE: each page of "ptscope -j walk --pages" output, one line:
# address state pfn kind mapcount swap soft-dirty uffd-wp thp mapped-once
# file-backed pkey cow unknown.
pages_of() {
	jq -r --argjson ps "$PAGE" '
	def hex: ltrimstr("0x") | explode |
		reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
	def has($l; $n): (($l // []) | index($n)) != null;
	.records[] | . as $r | ($r.addr | hex) as $a | range(0; $r.nr_pages) as $i |
	"\($a + $i * $ps) \($r.state) " +
	"\(if $r.pfn then ($r.pfn | hex) as $p | (if $p == 0 then 0 else $p + $i end) else "-" end) " +
	"\($r.kind // "-") \($r.mapcount // "-") " +
	"\($r.swap_type // "-"):\(if $r.swap_offset then ($r.swap_offset | hex) + $i else "-" end) " +
	"\(has($r.flags; "soft-dirty")) \(has($r.flags; "uffd-wp")) \(has($r.page_flags; "thp")) " +
	"\(has($r.page_flags; "mapped-once")) \(has($r.page_flags; "file-backed")) \($r.pkey // "-") \($r.cow // "-") " +
	"\(($r.unknown // []) | join(","))"' "$1"
}

# agree MODULE PROCFS: the per-page lines of both sources agree where procfs
# can see; prints the disagreements (at most 10); status 1 if any.
agree() {
	awk '
	NR == FNR { m[$1] = $0; n++; next }
	{
		seen++
		if (!($1 in m)) { bad("no module record", $0, ""); next }
		split(m[$1], a, " ")
		u = "," $14 ","
		s = $2
		if (s == "null" && u ~ /,state,/) next
		if (s == "other" && a[2] ~ /^(migration|device-private|hwpoison|marker|other)$/) s = a[2]
		if (s != a[2]) { bad("state", $0, m[$1]); next }
		if (s == "present" && $3 != a[3]) bad("pfn", $0, m[$1])
		if (s == "present" && u !~ /,kind,/ && $4 != a[4]) bad("kind", $0, m[$1])
		if (s == "present" && u !~ /,kind,/ && $9 != a[9]) bad("thp", $0, m[$1])
		if (s == "present" && u !~ /,mapcount,/ && $5 != a[5]) bad("mapcount", $0, m[$1])
		if (s == "present" && u !~ /,mapped_once,/ && $10 != a[10]) bad("mapped-once", $0, m[$1])
		if (s == "present" && $11 != a[11]) bad("file-backed", $0, m[$1])
		if (s == "present" && u !~ /,pkey,/ && $12 != a[12]) bad("pkey", $0, m[$1])
		if (u !~ /,cow,/ && $13 != a[13]) bad("cow", $0, m[$1])
		if (s == "swap" && $6 != a[6]) bad("swap slot", $0, m[$1])
		if (s != "none" && u !~ /,soft_dirty,/ && $7 != a[7]) bad("soft-dirty", $0, m[$1])
		if (s != "none" && $8 != a[8]) bad("uffd-wp", $0, m[$1])
		if (s == "present" && u !~ /,entry,.*,level,/) bad("unknown list", $0, "")
	}
	function bad(what, p, mod) {
		if (nbad++ < 10) print "  " what ": procfs " p " | module " mod
	}
	END {
		if (seen != n) print "  pages: procfs " seen ", module " n
		exit (nbad || seen != n) ? 1 : 0
	}' "$1" "$2"
}

# compare WHO PID NAME RANGE [WRAPPER...]: walk RANGE of PID with both
# sources (as WRAPPER runs ptscope) and check they agree, as one inner check.
compare() {
	who=$1 pid=$2 name=$3 range=$4
	shift 4
	PTSCOPE_SOURCE=module "$@" ptscope -j walk --pages $pid $range > /tmp/m.json 2>&1 ||
		{ check_not_ok "$who: $name: module walk"; cat /tmp/m.json; return 1; }
	PTSCOPE_SOURCE=procfs "$@" ptscope -j walk --pages $pid $range > /tmp/p.json 2>&1 ||
		{ check_not_ok "$who: $name: procfs walk"; head -c 400 /tmp/p.json; return 1; }
	pages_of /tmp/m.json > /tmp/m.pages
	pages_of /tmp/p.json > /tmp/p.pages
	if agree /tmp/m.pages /tmp/p.pages > /tmp/agree.out; then
		check_ok "$who: $name: procfs = module ($(wc -l < /tmp/p.pages) pages)"
	else
		check_not_ok "$who: $name: procfs = module"
		cat /tmp/agree.out
		return 1
	fi
}

# maps_agree WHO PID [WRAPPER...]: both sources' maps, VMA by VMA; a null
# counter of procfs is one it cannot count.
maps_agree() {
	who=$1 pid=$2
	shift 2
	for s in module procfs; do
		PTSCOPE_SOURCE=$s "$@" ptscope -j maps $pid > /tmp/maps.$s.json ||
			{ check_not_ok "$who: maps ($s)"; return 1; }
		jq -r '.vmas[] | "\(.start) \(.end) \(.perms) \(.backing) \(.present // "-") \(.swapped // "-") " +
			"\(.huge // "-") \(.zero // "-") \(.soft_dirty // "-") \(.name)"' \
			/tmp/maps.$s.json > /tmp/maps.$s
	done
	if awk '
	NR == FNR { m[FNR] = $0; n = FNR; next }
	{
		split(m[FNR], a, " ")
		for (i = 1; i <= NF; i++)
			if ($i != a[i] && !(i >= 5 && i <= 9 && $i == "-")) {
				print "  field " i ": procfs " $0 " | module " m[FNR]
				bad++
				break
			}
	}
	END { if (FNR != n) { print "  mappings: procfs " FNR ", module " n; bad++ }; exit bad ? 1 : 0 }
	' /tmp/maps.module /tmp/maps.procfs > /tmp/maps.out; then
		check_ok "$who: maps: procfs = module ($(wc -l < /tmp/maps.procfs) mappings)"
	else
		check_not_ok "$who: maps: procfs = module"
		head -n 20 /tmp/maps.out
		return 1
	fi
}

# root and uid 1000, each on a memkinds of its own.
bad=0
for who in root uid1000; do
	if [ $who = root ]; then w=""; else w=$U; fi
	memkinds_serve /tmp/mk.$who $w
	pid=$MK_PID
	while read -r name addr; do
		[ "$name" = ready ] && break
		case "$name" in \#*) continue ;; esac
		# uid 1000 sees less of every kind alike (no frame, no counts):
		# one of each way a page can be, not all of them again.
		[ $who = root ] || case "$name" in
			anon-written | file-private | memfd-shared | anon-paged-out | anon-thp | anon-uffd-wp) ;;
			*) continue ;;
		esac
		# The kind's own mapping, its first 2 MiB at most (a THP, a
		# hugetlb page's start): a library's pages would be mapped by
		# ptscope too, their mapcounts the observer's.
		end=$((addr + PAGE))
		while read -r range rest; do
			if [ $((0x${range%-*})) -le $((addr)) ] && [ $((addr)) -lt $((0x${range#*-})) ]; then
				end=$((0x${range#*-}))
				break
			fi
		done < /proc/$pid/maps
		[ $((end - addr)) -le 2097152 ] || end=$((addr + 2097152))
		compare $who $pid "$name" "$addr-$(printf 0x%x $end)" $w || bad=1
	done < /tmp/mk.$who
	maps_agree $who $pid $w || bad=1
	if [ $who = uid1000 ]; then
		PTSCOPE_SOURCE=procfs $w ptscope -j walk --pages $pid > /tmp/u.json
		if grep -q '"pfn":"0x[1-9a-f]' /tmp/u.json || grep -q '"mapcount":' /tmp/u.json; then
			check_not_ok "uid1000: procfs shows no frame and no mapcount"
			bad=1
		else
			check_ok "uid1000: procfs shows no frame and no mapcount"
		fi
	fi
	kill $pid
	wait $pid 2>/dev/null
done

# both NAME ARGS...: "ptscope ARGS" with each source (as $w runs it), into
# /tmp/NAME.module and /tmp/NAME.procfs; the two exit statuses in $rcs.
both() {
	local name=$1 s
	shift
	rcs=
	for s in module procfs; do
		PTSCOPE_SOURCE=$s $w ptscope "$@" > /tmp/$name.$s 2>&1
		rcs="$rcs $?"
	done
}

# same WHAT NAME: the two answers of "both NAME" agree (each piped through
# the filter in $f first).
same() {
	if [ "$(eval "$f" < /tmp/$2.module)" = "$(eval "$f" < /tmp/$2.procfs)" ]; then
		check_ok "$who: $1"
	else
		check_not_ok "$who: $1"
		eval "$f" < /tmp/$2.module > /tmp/$2.module.f
		eval "$f" < /tmp/$2.procfs > /tmp/$2.procfs.f
		diff /tmp/$2.module.f /tmp/$2.procfs.f | cut -c1-400 | head -n 24
		bad=1
	fi
}

# The fork/COW pair of cowlab: every other command, with both sources, on
# the same two processes. Where procfs answers it agrees with the module;
# it passes or decides nothing it cannot see.
pair() {
	local parent child a i addr m p
	"$@" cowlab forked > /tmp/f.$who &
	wait_line /tmp/f.$who '^ready$' || { check_not_ok "$who: cowlab forked"; bad=1; return; }
	read -r _ parent _ child _ a < /tmp/f.$who
	compare $who $parent "fork pair: parent" "$a+$(pages 4)" "$@" || bad=1
	compare $who $child "fork pair: child" "$a+$(pages 4)" "$@" || bad=1

	# share compares frames: both sources show them to root only.
	both share -j share $parent $child
	if [ $who = root ]; then
		# A COW state procfs cannot decide (KSM or not, on 6.12) is null.
		f="jq -S -c '.groups[] | del(.cow)' 2>&1 || cat"
		same "share: procfs = module" share
		jq -r '.groups[] | "\(.name)|\(.perms)|\(.pages) \(.cow)"' /tmp/share.module > /tmp/share.m
		jq -r '.groups[] | "\(.name)|\(.perms)|\(.pages) \(.cow)"' /tmp/share.procfs > /tmp/share.p
		if awk 'NR == FNR { m[$1] = $2; next } $2 != "null" && m[$1] != $2 { print; bad++ }
			END { exit bad ? 1 : 0 }' /tmp/share.m /tmp/share.p > /tmp/share.out; then
			check_ok "$who: share: procfs's COW states are the module's ($(grep -vc ' null$' /tmp/share.p) of $(wc -l < /tmp/share.p) groups decided)"
		else
			check_not_ok "$who: share: procfs's COW states are the module's"
			cat /tmp/share.out
			bad=1
		fi
	else
		f="jq -r .error"
		same "share: refused by both (frames hidden)" share
	fi

	f="jq -c '.leaf | {present, pfn}'"
	for i in 0 3; do
		addr=$(printf 0x%x $((a + i * PAGE)))
		both xlate -j xlate $child $addr
		same "xlate $addr: the leaf's frame" xlate
	done

	# Snapshots with each source, then the child writes its first page.
	for s in module procfs; do
		rm -f /tmp/pair.$s
		PTSCOPE_SOURCE=$s $w ptscope walk -o /tmp/pair.$s $child "$a+$(pages 4)" > /dev/null ||
			{ check_not_ok "$who: walk -o ($s)"; bad=1; }
	done
	kill -USR1 $child
	wait_line /tmp/f.$who '^wrote$' || { check_not_ok "$who: the child wrote"; bad=1; }
	for s in module procfs; do
		PTSCOPE_SOURCE=$s $w ptscope -j diff /tmp/pair.$s $child "$a+$(pages 4)" |
			jq -r '.changes[].addr' > /tmp/diff.$s
	done
	if [ $who = root ]; then
		f=cat
		same "diff after the child's write: the same pages changed ($(wc -l < /tmp/diff.procfs))" diff
	elif [ -s /tmp/diff.module ] && [ -z "$(grep -vxFf /tmp/diff.module /tmp/diff.procfs)" ]; then
		check_ok "$who: diff: procfs's changes are among the module's"
	else
		check_not_ok "$who: diff: procfs's changes are among the module's"
		bad=1
	fi
	compare $who $child "fork pair: child after its write" "$a+$(pages 4)" "$@" || bad=1

	# check: procfs's result is the module's, or SKIP.
	: > /tmp/pair.checks
	for i in 0 1; do
		addr=$(printf 0x%x $((a + i * PAGE)))
		for e in present anon exclusive '!exclusive' mapped-once file-backed '!file-backed' \
			mapcount=1 mapcount=2 writable cow-shared reusable pkey=0 thp soft-dirty uffd-wp; do
			echo "$child $addr $e" >> /tmp/pair.checks
		done
	done
	both check check -f /tmp/pair.checks
	if awk '
	/^(not )?ok / {
		ok = $1 == "ok" ? "ok" : "not ok"
		k = $0; sub(/^(not )?ok [0-9]+ - /, "", k); sub(/ # .*/, "", k)
		if (FILENAME ~ /module$/) { m[k] = ok; next }
		if ($0 ~ / # SKIP /) { skipped++; next }
		decided++
		if (m[k] != ok) { print "  " k ": procfs " ok ", module " m[k]; bad++ }
	}
	END { print "  procfs decided " decided ", skipped " skipped; exit bad || !decided }
	' /tmp/check.module /tmp/check.procfs > /tmp/check.out; then
		check_ok "$who: check: procfs = module where procfs decides ($(tail -n 1 /tmp/check.out | sed 's/^ *//'))"
	else
		check_not_ok "$who: check: procfs = module where procfs decides"
		cat /tmp/check.out
		bad=1
	fi

	# explain: procfs's outcome is the module's, or undecided (the child's
	# own page, every access; the page it still shares, a write).
	for i in 0 1; do
		addr=$(printf 0x%x $((a + i * PAGE)))
		accs="read write exec"
		[ $i = 0 ] || accs=write
		for acc in $accs; do
			both explain -j explain $child $addr --access $acc
			m=$(jq -r '"\(.outcome) \(.reason)"' /tmp/explain.module)
			p=$(jq -r '"\(.outcome) \(.reason)"' /tmp/explain.procfs)
			if [ "$p" = "$m" ] || [ "${p%% *}" = undecided ]; then
				check_ok "$who: explain $addr --access $acc: procfs '$p', module '$m'"
			else
				check_not_ok "$who: explain $addr --access $acc: procfs '$p', module '$m'"
				bad=1
			fi
		done
	done

	# map: per mapping, what procfs cannot split (huge, COW-shared, pinned) is present.
	f="jq -r '.spaces[0].vmas[] | .pages as \$p | \"\(.start) \(\$p.not_present) \(\$p.swapped) \" +
		\"\(\$p.present + (\$p.huge // 0) + (\$p.cow_shared // 0) + (\$p.pinned // 0)) \(\$p.other + \$p.device)\"'"
	both map -j map $child
	same "map: the same pages in each state, per mapping" map
	both maptext map --width 80 $child
	grep -q 'source procfs (no huge or COW marks)' /tmp/maptext.procfs &&
		check_ok "$who: map (text) says it drew from procfs" ||
		{ check_not_ok "$who: map (text) says it drew from procfs"; bad=1; }
	kill $parent
	wait 2>/dev/null
}
for who in root uid1000; do
	if [ $who = root ]; then w=""; pair; else w=$U; pair $U; fi
done

# Without the module: auto is procfs, and pagemap's rules are procfs's.
memkinds_serve /tmp/mk.alone
root_pid=$MK_PID
unload_ptscope
out=$(PTSCOPE_SOURCE=auto ptscope info)
echo "$out" | grep -q '^source *procfs' && check_ok "no module: auto answers from procfs" ||
	{ check_not_ok "no module: auto answers from procfs"; echo "$out"; bad=1; }
export PTSCOPE_SOURCE=auto
expect_eq "no module: walk of root's memkinds as uid 1000 is refused" 1 \
	"$($U ptscope walk $root_pid > /dev/null 2>&1; echo $?)"
$U ptscope walk $root_pid 2>&1 | grep -q "permission denied: pid $root_pid: it runs as another user" &&
	check_ok "no module: the refusal names pagemap's rule" ||
	{ check_not_ok "no module: the refusal names pagemap's rule"; bad=1; }
ptscope -j walk $root_pid > /tmp/alone.json && jq -e '.source == "procfs" and .summary.present > 0' \
	/tmp/alone.json > /dev/null && check_ok "no module: walk answers from procfs" ||
	{ check_not_ok "no module: walk answers from procfs"; bad=1; }
xerr "no module: phys needs it" 1 "PHYS needs the ptscope module" phys 0x1000
kill $root_pid
[ $bad = 0 ] || fail "procfs and the module disagree (see above)"
