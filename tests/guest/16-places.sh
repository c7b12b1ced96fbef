# Places instead of addresses: [heap], [stack], a library's name or path,
# NAME+N, for walk and xlate, against /proc/PID/maps; and names that match
# nothing or too much.
. /tests/lib.sh
load_ptscope

memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
M=/proc/$srv/maps

# span NAME-REGEX: "START END" (hex, no 0x) of all lines of maps matching it.
span() {
	grep -E "$1" $M | awk '{ split($1, r, "-"); if (!s) s = r[1]; e = r[2] } END { print s, e }'
}
pages_of() { echo $(( (0x$2 - 0x$1) / PAGE )); }

for place in '[heap]' '[stack]' '[vdso]'; do
	re=$(printf '%s$' "$place" | sed 's/[][]/\\&/g')
	set -- $(span " $re")
	ptscope -j walk $srv "$place" > /tmp/w.json || fail "walk $place: $(cat /tmp/w.json)"
	expect_eq "walk $place: first address" "0x$1" "$(jq -r '.records[0].addr' /tmp/w.json)"
	expect_eq "walk $place: pages" "$(pages_of $1 $2)" "$(jq .summary.pages /tmp/w.json)"
	ptscope -j xlate $srv "$place" > /tmp/x.json || fail "xlate $place: $(cat /tmp/x.json)"
	expect_eq "xlate $place: address" "0x$1" "$(jq -r .addr /tmp/x.json)"
done

echo "--- a library by file name, by its start, by path"
lib=$(grep -o '/[^ ]*/libc\.so\.6$' $M | head -n 1)
[ -n "$lib" ] || fail "memkinds maps no libc.so.6: $(cat $M)"
set -- $(span "libc\\.so\\.6$")
for place in libc libc.so.6 "$lib"; do
	ptscope -j walk $srv "$place" > /tmp/w.json || fail "walk $place: $(cat /tmp/w.json)"
	expect_eq "walk $place: first address" "0x$1" "$(jq -r '.records[0].addr' /tmp/w.json)"
	expect_eq "walk $place: pages of all its mappings" "$(pages_of $1 $2)" \
		"$(jq .summary.pages /tmp/w.json)"
done

echo "--- NAME+N"
set -- $(span '\[heap\]$')
ptscope -j walk --pages $srv "[heap]+$(pages 4)" > /tmp/w.json || fail "walk [heap]+$(pages 4) failed"
expect_eq "walk [heap]+$(pages 4): pages" 4 "$(jq .summary.pages /tmp/w.json)"
ptscope -j xlate $srv '[heap]+0x1000' > /tmp/x.json || fail "xlate [heap]+0x1000 failed"
expect_eq "xlate [heap]+0x1000: address" "$(printf '0x%x' $((0x$1 + 4096)))" "$(jq -r .addr /tmp/x.json)"
expect_eq "xlate [heap]+0x1000: pfn vs pagemap" "$(pagemap_pfn $srv $((0x$1 + 4096)))" \
	"$(jq -r '.leaf.pfn // "absent"' /tmp/x.json)"

echo "--- names that match nothing, or two files"
xerr "unknown name" 1 "no mapping named 'nosuchlib' in the process" walk $srv nosuchlib
xerr "unknown bracket name" 1 "no mapping named '\[nope\]'" xlate $srv '[nope]'
if grep -q 'libnl-3\.so' $M && grep -q 'libnl-genl-3\.so' $M; then
	xerr "ambiguous name" 1 "'libnl' names more than one mapping: .*libnl-3.so.* and .*libnl-genl-3.so" \
		walk $srv libnl
else
	fail "memkinds does not map libnl-3 and libnl-genl-3: $(cat $M)"
fi
xerr "empty length" 2 "the length must be above 0" walk $srv '[heap]+0'
xerr "place of a missing pid" 1 "no (process with pid 4000000|such process)" walk 4000000 '[heap]'
true
