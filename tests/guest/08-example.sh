# The README's library example (examples/resident.c, built against
# libptscope as a user would) runs against the module and agrees with
# ptscope maps: one line per mapping, the same present and swapped counts.
. /tests/lib.sh
load_ptscope
memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
resident $srv > /tmp/r.out || fail "resident failed: $(cat /tmp/r.out)"
head -n 5 /tmp/r.out
ptscope -j maps $srv > /tmp/m.json || fail "maps failed"
expect_eq "one line per mapping" "$(jq '.vmas | length' /tmp/m.json)" "$(grep -c . /tmp/r.out)"
expect_eq "present pages, all mappings" "$(jq '[.vmas[].present] | add' /tmp/m.json)" \
	"$(awk '{s += $2} END {print s}' /tmp/r.out)"
expect_eq "swapped pages, all mappings" "$(jq '[.vmas[].swapped] | add' /tmp/m.json)" \
	"$(awk '{s += $4} END {print s}' /tmp/r.out)"
resident 4000000 > /tmp/e.out 2>&1
expect_eq "no such process: status" 1 $?
grep -q "no process with pid 4000000\|no such process" /tmp/e.out || fail "error: $(cat /tmp/e.out)"
echo "example passed"
