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
true
