# A mapping named with prctl(PR_SET_VMA_ANON_NAME) shows as "[anon:NAME]"
# in maps, as in /proc/PID/maps. Kernels built without CONFIG_ANON_VMA_NAME
# (Debian's) keep no names: skipped there.
. /tests/lib.sh
load_ptscope
memkinds_serve /tmp/serve.out
srv=$MK_PID
trap 'kill $srv 2>/dev/null' EXIT
a=$(mk_addr /tmp/serve.out anon-named)
[ -n "$a" ] || skip "the kernel keeps no anonymous mapping names (CONFIG_ANON_VMA_NAME)"
want=$(grep "^${a#0x}-" /proc/$srv/maps | awk '{print $6}')
expect_eq "name vs /proc/PID/maps" "[anon:memkinds-named]" "$want"
expect_eq "maps names it" "$want" "$(ptscope -j maps $srv | jq -r --arg a $a '.vmas[] | select(.start == $a) | .name')"
ptscope -j walk $srv '[anon:memkinds-named]' > /tmp/w.json || fail "walk by the name failed"
expect_eq "walk by the name" 4 "$(jq .summary.pages /tmp/w.json)"
