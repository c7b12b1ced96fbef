# The debugfs mirror of xlate: `echo "PID ADDR" > xlate; cat xlate` gives
# the same levels, entries and leaf as the netlink answer, and says why
# when it cannot.
. /tests/lib.sh
load_ptscope
F=/sys/kernel/debug/ptscope/xlate
expect_eq "xlate control file mode" 600 "$(stat -c %a $F)"
grep -q '^error: write "PID ADDR" to this file first$' $F || fail "fresh file: $(cat $F)"

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT

for kind in anon-written anon-untouched anon-thp file-private; do
	a=$(mk_addr /tmp/serve.out $kind)
	echo "$srv $a" > $F || fail "write '$srv $a' refused"
	cat $F > /tmp/d.txt
	cat /tmp/d.txt
	ptscope -j xlate $srv $a > /tmp/x.json || fail "ptscope -j xlate failed"
	expect_eq "$kind: pid line" "pid: $srv" "$(sed -n 1p /tmp/d.txt)"
	expect_eq "$kind: levels" "$(jq -r '[.levels[] | "\(.level): index \(.index) table \(.table_phys) entry \(.entry)"] | join(";")' /tmp/x.json)" \
		"$(grep -E '^(PGD|P4D|PUD|PMD|PTE):' /tmp/d.txt | sed 's/ flags.*//' | paste -sd ';')"
	expect_eq "$kind: leaf" "$(jq -r 'if .leaf == null then "leaf: none" else "leaf: \(.leaf.level) size \(.leaf.size) pfn \(.leaf.pfn)" end' /tmp/x.json)" \
		"$(grep '^leaf:' /tmp/d.txt)"
done

# Decimal addresses work too; bad writes are refused with EINVAL.
a=$(mk_addr /tmp/serve.out anon-written)
echo "$srv $((a))" > $F || fail "decimal address refused"
grep -q "^addr: $a\$" $F || fail "decimal address not taken: $(cat $F)"
for bad in "" "$srv" "x 0x1000" "$srv 0x1000 extra" "$srv 0xzz" "-1 0x1000"; do
	if echo "$bad" > $F 2> /tmp/err; then fail "write '$bad' was accepted"; fi
	grep -q "Invalid argument" /tmp/err || fail "write '$bad': $(cat /tmp/err)"
	echo "ok: '$bad' refused: $(cat /tmp/err)"
done
echo "4000000 0x1000" > $F
grep -Eq '^error: no (process with pid 4000000|such process) \(errno 3\)$' $F || fail "no such pid: $(cat $F)"
echo "2 0x1000" > $F
grep -q '^error: .*kernel thread.*(errno 22)$' $F || fail "kernel thread: $(cat $F)"
echo "$srv 0xffffffffff600000" > $F
grep -q '^error: address is beyond the user address space$' $F || fail "kernel address: $(cat $F)"
