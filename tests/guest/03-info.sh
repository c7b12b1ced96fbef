# GET_INFO over netlink and the debugfs mirror agree with each other and with
# the kernel's own answers: uname -r and -m, getconf PAGESIZE; on x86 the
# CPU's la57 flag, the boot command line (no5lvl) and /proc/cpuinfo; on arm64
# where mappings fit (VA width, levels, user_addr_max), /proc/iomem, cpuinfo's
# Features, the boot log and access-flag faults (see arm64_info).
. /tests/lib.sh
load_ptscope

# x86: the CPU's la57 flag and no5lvl decide the levels; /proc/cpuinfo
# gives the physical address width.
x86_info() {
	if grep -qw no5lvl /proc/cmdline || ! grep -qw la57 /proc/cpuinfo; then
		levels=4 max=0x7ffffffff000 va=48
	else
		levels=5 max=0xfffffffffff000 va=57
	fi
	expect_eq "paging_levels" "$levels" "$(j .paging_levels)"
	expect_eq "user_addr_max" "$max" "$(j .user_addr_max)"
	expect_eq "va_bits (48, 57 with la57)" "$va" "$(j .va_bits)"
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
}

# bits N: the width of number N (0x1000 is 13 bits).
bits() {
	local v=$1 b=0
	while [ "$v" != 0 ]; do v=$((v >> 1)) b=$((b + 1)); done
	echo $b
}

# arm64: the user address space is as wide as the VA size the kernel chose
# at boot (48, or 52 with LPA2 or 64 KiB pages; 47 or 39 on small
# configurations), and the levels follow from it and the page size.
arm64_info() {
	local b va= pshift need e phys
	# The widest VA size at whose middle a page can be mapped: mappings above
	# 2^48 exist only in a 52-bit address space.
	for b in 52 48 47 42 39 36; do
		if [ "$(addrprobe map $((1 << (b - 1))))" = yes ]; then
			va=$b
			break
		fi
	done
	[ -n "$va" ] || fail "no VA size fits: addrprobe mapped none of 2^51 ... 2^35"
	expect_eq "va_bits vs mmap at 2^(bits-1)" "$va" "$(j .va_bits)"
	pshift=$(bits $((PAGE - 1)))
	# ARM64_HW_PGTABLE_LEVELS(va): each level resolves PAGE_SHIFT - 3 bits.
	levels=$(((va - 4) / (pshift - 3)))
	expect_eq "paging_levels from $va VA bits and $PAGE-byte pages" "$levels" "$(j .paging_levels)"
	# TASK_SIZE is 1 << VA bits: its last page can be mapped, the next cannot.
	max=$(printf '0x%x' $((1 << va)))
	expect_eq "user_addr_max = 2^va_bits" "$max" "$(j .user_addr_max)"
	expect_eq "last page below user_addr_max can be mapped" yes "$(addrprobe map $((max - PAGE)))"
	expect_eq "no page at user_addr_max" no "$(addrprobe map $((max)))"
	# la57 stands for "5 levels in use" (4 KiB pages, 52-bit VA with LPA2).
	if [ "$levels" = 5 ]; then l5=1; else l5=0; fi
	feature_is la57 $l5 "5 levels"
	# EL0 cannot read ID_AA64MMFR0_EL1.PARange (the kernel's MRS emulation
	# hides it) and no log line names it: bounded. It is one of PARange's
	# widths, at most 52, and covers every physical range the kernel knows
	# (top-level /proc/iomem: RAM, the PCIe windows above it).
	need=0
	for e in $(sed -n 's/^[0-9a-f]*-\([0-9a-f]*\) : .*/\1/p' /proc/iomem); do
		b=$(bits $((0x$e)))
		[ "$b" -gt "$need" ] && need=$b
	done
	phys=$(j .phys_addr_bits)
	echo "phys_addr_bits $phys; /proc/iomem reaches $need bits"
	case " 32 36 40 42 44 48 52 " in
	*" $phys "*) check_ok "phys_addr_bits is a PARange width" ;;
	*) check_not_ok "phys_addr_bits is a PARange width"; fail "phys_addr_bits $phys is no PARange width" ;;
	esac
	[ "$phys" -ge "$need" ] && [ "$phys" -le 52 ] ||
		{ check_not_ok "phys_addr_bits covers /proc/iomem"; fail "phys_addr_bits $phys: /proc/iomem needs $need, at most 52"; }
	check_ok "phys_addr_bits covers /proc/iomem ($need bits), at most 52"
	# HWCAP2_BTI and HWCAP2_MTE, as /proc/cpuinfo names them.
	feat=$(sed -n 's/^Features\t*: //p' /proc/cpuinfo | head -n 1)
	echo "cpuinfo Features: $feat"
	case " $feat " in *" bti "*) b=1 ;; *) b=0 ;; esac
	feature_is bti $b "cpuinfo bti"
	case " $feat " in *" mte "*) b=1 ;; *) b=0 ;; esac
	feature_is mte $b "cpuinfo mte"
	# Hardware DBM: the boot log names it ("Hardware dirty bit management",
	# 6.12 adds "on CPU0-1"), if the log still holds the boot.
	dmesg > /tmp/dmesg.txt
	if grep -q "Booting Linux" /tmp/dmesg.txt; then
		if grep -q "CPU features: detected: Hardware dirty bit management" /tmp/dmesg.txt; then
			b=1
		else
			b=0
		fi
		feature_is hw-dbm $b "boot log"
	else
		check_skip "feature hw-dbm vs boot log" "the kernel log no longer holds the boot"
	fi
	# Hardware AF: old pages read again take no access-flag fault.
	addrprobe af > /tmp/af.txt || fail "addrprobe af failed: $(cat /tmp/af.txt)"
	cat /tmp/af.txt
	old=$(sed -n 's/^old //p' /tmp/af.txt)
	young=$(sed -n 's/^young //p' /tmp/af.txt)
	flt=$(sed -n 's/^minflt //p' /tmp/af.txt)
	if [ "$old" = 16 ]; then
		expect_eq "16 old pages young after reads" 16 "$young"
		if [ "$flt" -lt 16 ]; then b=1; else b=0; fi
		feature_is hw-af $b "access-flag faults ($flt for 16 old pages)"
	else
		check_skip "feature hw-af vs access-flag faults" \
			"MADV_COLD left $((16 - old)) of 16 pages young: no old pages to read"
	fi
}

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

expect_eq "arch vs uname -m" "$ARCH" "$(j .arch)"
has_feature() { jq -e --arg f "$1" '.features | index($f)' /tmp/info.json > /dev/null; }
# feature_is NAME 0|1 WHY: the feature is listed exactly when the oracle
# (WHY) says the kernel has it.
feature_is() {
	if has_feature "$1"; then got=1; else got=0; fi
	expect_eq "feature $1 vs $3" "$2" "$got"
}

if [ "$ARCH" = aarch64 ]; then
	arm64_info
else
	x86_info
fi

# debugfs mirrors the same answer.
expect_eq "debugfs module_version" "$(j .module_version)" "$(debugfs_info module_version)"
expect_eq "debugfs kernel_release" "$(j .kernel_release)" "$(debugfs_info kernel_release)"
expect_eq "debugfs page_size" "$(j .page_size)" "$(debugfs_info page_size)"
expect_eq "debugfs paging_levels" "$(j .paging_levels)" "$(debugfs_info paging_levels)"
expect_eq "debugfs user_addr_max" "$(j .user_addr_max)" "$(debugfs_info user_addr_max)"
expect_eq "debugfs arch" "$(j .arch)" "$(debugfs_info arch)"
expect_eq "debugfs va_bits" "$(j .va_bits)" "$(debugfs_info va_bits)"
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
