# explain PID ADDR: what an access would do now, for the memory kinds of a
# live process, against /proc/PID/maps (permissions, the stack) and
# pagemap/kpageflags (present, swapped, zero page).
. /tests/lib.sh
load_ptscope
zram_swap_on
memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
A() { mk_addr /tmp/serve.out "$1"; }
# ex ACCESS ADDR OUTCOME REASON: explain must say OUTCOME (REASON).
ex() {
	ptscope -j explain $srv $2 --access $1 > /tmp/x.json || fail "explain $2 failed: $(cat /tmp/x.json)"
	echo "$1 $2: $(jq -r '"\(.outcome) (\(.reason)): \(.explanation)"' /tmp/x.json)"
	expect_eq "$1 at $2" "$3 $4" "$(jq -r '"\(.outcome) \(.reason)"' /tmp/x.json)"
}
pm() {	# pm ADDR: the raw pagemap entry, as a decimal number
	dd if=/proc/$srv/pagemap bs=8 skip=$(($1 / PAGE)) count=1 2>/dev/null | od -An -tu8 | tr -d ' '
}
present() { [ $(( $(pm $1) >> 63 & 1 )) = 1 ]; }
swapped() { [ $(( $(pm $1) >> 62 & 1 )) = 1 ]; }
mapline() { grep "^$(printf '%x' $(($1)))-\|^[0-9a-f]*-" /proc/$srv/maps | awk -v a=$(($1)) '
	{ split($1, r, "-"); s = 0; e = 0
	  for (i = 1; i <= length(r[1]); i++) s = s * 16 + index("0123456789abcdef", substr(r[1], i, 1)) - 1
	  for (i = 1; i <= length(r[2]); i++) e = e * 16 + index("0123456789abcdef", substr(r[2], i, 1)) - 1
	  if (a >= s && a < e) { print; exit } }'; }

a=$(A anon-written); present $a || fail "oracle: anon-written not present"
ex write $a succeeds writable
ex exec $a SIGSEGV exec-non-exec
mapline $a | grep -q ' rw-p ' || fail "oracle: anon-written is not rw-p: $(mapline $a)"
a=$(A anon-untouched)
present $a && fail "oracle: anon-untouched is present"
ex read $a fault demand-zero
ex write $a fault demand-zero
a=$(A anon-zero-page)
pfn=$(( $(pm $a) & ((1 << 55) - 1) ))
kf=$(dd if=/proc/kpageflags bs=8 skip=$pfn count=1 2>/dev/null | od -An -tu8 | tr -d ' ')
[ $(( kf >> 24 & 1 )) = 1 ] || fail "oracle: anon-zero-page is not the zero page"
ex read $a succeeds present
ex write $a fault zero-copy
a=$(A anon-readonly)
mapline $a | grep -q ' r--p ' || fail "oracle: anon-readonly is not r--p: $(mapline $a)"
ex write $a SIGSEGV write-read-only
ex read $a succeeds present
a=$(A anon-prot-none)
mapline $a | grep -q ' ---p ' || fail "oracle: anon-prot-none is not ---p"
ex read $a SIGSEGV prot-none
a=$(A file-private)
present $a || fail "oracle: file-private page 0 not present"
ex write $a fault cow-copy-file
present $((a + 3 * PAGE)) && fail "oracle: file-private page 3 is present"
ex read $((a + 3 * PAGE)) fault file-read
a=$(A anon-shared)
ex write $a succeeds writable
if grep -q zram0 /proc/swaps; then
	a=$(A anon-paged-out)
	swapped $a || fail "oracle: anon-paged-out is not swapped"
	ex read $a fault swap-in
fi
ex read 0x10 SIGSEGV null-deref
ex read 0xffff888000000000 SIGSEGV kernel-address
stack=$(grep '\[stack\]' /proc/$srv/maps | cut -d- -f1)
ex write $(printf '0x%x' $((0x$stack - 0x10000))) fault stack-growth
# A gap: the first address after a mapping that the next one does not start at.
# Compared as strings: awk takes "55e099139000" for a number (infinity), and
# busybox's awk finds two infinities unequal.
gap=$(awk '{ split($1, r, "-"); if (prev != "" && prev != r[1] "") { print prev; exit } prev = r[2] "" }' /proc/$srv/maps)
ex read 0x$gap SIGSEGV unmapped
xerr "explain of a bad address" 2 "is not an address" explain $srv 0xzz
xerr "explain of a missing pid" 1 "no (process with pid 4000000|such process)" explain 4000000 0x1000

echo "--- many addresses at once, each as it is explained alone"
# Every memory kind's first and last page, a gap, the stack's growth
# region, NULL and a kernel address, in no order, some twice.
set -- $(awk 'NF == 2 && $2 ~ /^0x/ { print $2 }' /tmp/serve.out) 0x10 0x$gap 0xffff888000000000 \
	$(printf '0x%x' $((0x$stack - 0x10000))) $(A anon-written) $(A anon-zero-page)
[ $# -gt 10 ] || fail "memkinds served only $# kinds"
for acc in read write exec; do
	# A page can change between the two (khugepaged, KSM): asked again once.
	for try in 1 2; do
		ptscope -j explain $srv "$@" --access $acc > /tmp/many.json || fail "explain of $# addresses: $(cat /tmp/many.json)"
		bad=0 i=0
		for a in "$@"; do
			one=$(ptscope -j explain $srv $a --access $acc)
			got=$(jq -c ".explanations[$i]" /tmp/many.json)
			[ "$one" = "$got" ] || { bad=$((bad + 1)); echo "$a: alone $one, with the others $got"; }
			i=$((i + 1))
		done
		[ $bad = 0 ] && break
	done
	expect_eq "explain of $# addresses (--access $acc): each as alone" 0 $bad
done
expect_eq "one explanation per address, in order" "$(printf '%s\n' "$@" | head -3 | tr '\n' ' ')" \
	"$(jq -r '.explanations[:3][] | .addr' /tmp/many.json | while read -r x; do printf '%s ' $x; done)"
ptscope explain $srv "$@" > /tmp/many.txt || fail "text explain of many"
expect_eq "text: two lines per address" $(($# * 2)) "$(wc -l < /tmp/many.txt)"
# 4096 addresses (the most at once) of one mapping; one more is refused.
base=$(A anon-written)
# (shell arithmetic: busybox awk's printf %x is not 64-bit safe)
for i in $(seq 0 4095); do printf '0x%x\n' $((base + (i % 4) * PAGE)); done > /tmp/addrs
ptscope -j explain $srv $(cat /tmp/addrs) > /tmp/big.json || fail "explain of 4096 addresses"
expect_eq "4096 explanations" 4096 "$(jq '.explanations | length' /tmp/big.json)"
# (not xerr: it would print the 4097 addresses)
out=$(ptscope explain $srv $(cat /tmp/addrs) 0x1000 2>&1)
expect_eq "4097 addresses: a usage error" 2 $?
echo "$out" | grep -q "at most 4096 addresses in one explain, not 4097" || fail "4097 addresses: $out"
xerr "a bad address among many" 2 "is not an address" explain $srv 0x1000 0xzz 0x2000
U="/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups"
$U ptscope explain $srv 0x1000 0x2000 > /tmp/u.txt 2>&1 && fail "uid 1000 explained root's process"
grep -q "permission denied" /tmp/u.txt || fail "uid 1000: $(cat /tmp/u.txt)"
check_ok "uid 1000: root's process refused for many addresses"
true
