# GET_INFO over netlink and the debugfs mirror agree with each other and with
# the kernel's own answers: uname -r, getconf PAGESIZE, the CPU's la57 flag
# and the boot command line (no5lvl).
. /tests/lib.sh
load_ptscope

ptscope -j info > /tmp/info.json || fail "ptscope -j info failed"
jq -e . /tmp/info.json > /dev/null || fail "ptscope -j info is not valid JSON: $(cat /tmp/info.json)"
ptscope -p info > /tmp/info-pretty.json || fail "ptscope -p info failed"
jq -e . /tmp/info-pretty.json > /dev/null || fail "ptscope -p info is not valid JSON"
[ "$(wc -l < /tmp/info-pretty.json)" -gt 5 ] || fail "-p output is not indented"
expect_eq "-j and -p carry the same data" "$(jq -cS . /tmp/info.json)" "$(jq -cS . /tmp/info-pretty.json)"
j() { jq -er "$1" /tmp/info.json || fail "field $1 missing in JSON"; }

expect_eq "kernel_release vs uname -r" "$(uname -r)" "$(j .kernel_release)"
expect_eq "page_size vs getconf PAGESIZE" "$(getconf PAGESIZE)" "$(j .page_size)"
expect_eq "family_version" 1 "$(j .family_version)"

if grep -qw no5lvl /proc/cmdline || ! grep -qw la57 /proc/cpuinfo; then
	levels=4 max=0x7ffffffff000
else
	levels=5 max=0xfffffffffff000
fi
expect_eq "paging_levels" "$levels" "$(j .paging_levels)"
expect_eq "user_addr_max" "$max" "$(j .user_addr_max)"
if [ "$levels" = 5 ]; then
	j '.features | index("la57")' > /dev/null || fail "la57 feature missing with 5-level paging"
else
	j '.features | index("la57") | not' > /dev/null || fail "la57 feature set with 4-level paging"
fi
if grep -qw nx /proc/cpuinfo; then
	j '.features | index("nx")' > /dev/null || fail "nx feature missing though the CPU has nx"
fi
# The physical address width the CPU reports in /proc/cpuinfo.
phys=$(sed -n 's/^address sizes\t: \([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -n 1)
expect_eq "phys_addr_bits vs /proc/cpuinfo" "$phys" "$(j .phys_addr_bits)"

# debugfs mirrors the same answer.
expect_eq "debugfs module_version" "$(j .module_version)" "$(debugfs_info module_version)"
expect_eq "debugfs kernel_release" "$(j .kernel_release)" "$(debugfs_info kernel_release)"
expect_eq "debugfs page_size" "$(j .page_size)" "$(debugfs_info page_size)"
expect_eq "debugfs paging_levels" "$(j .paging_levels)" "$(debugfs_info paging_levels)"
expect_eq "debugfs user_addr_max" "$(j .user_addr_max)" "$(debugfs_info user_addr_max)"
expect_eq "debugfs phys_addr_bits" "$(j .phys_addr_bits)" "$(debugfs_info phys_addr_bits)"
expect_eq "debugfs features" "$(j .features_mask) $(j '.features | join(" ")')" \
	"$(debugfs_info features)"
expect_eq "module_version vs /sys/module" "$(cat /sys/module/ptscope/version)" "$(j .module_version)"

# The table names the same values.
ptscope info > /tmp/info.txt || fail "ptscope info failed"
cat /tmp/info.txt
grep -q "^kernel release *$(uname -r)\$" /tmp/info.txt || fail "table lacks the kernel release"
grep -q "^paging levels *$levels\$" /tmp/info.txt || fail "table lacks the paging levels"

# The debugfs file is read-only, as lockdown requires.
expect_eq "debugfs info mode" 444 "$(stat -c %a /sys/kernel/debug/ptscope/info)"
