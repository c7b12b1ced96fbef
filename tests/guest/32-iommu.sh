# iommu: a PCI device's DMA translation. In the default guest there is no
# IOMMU: "none", and an IOVA is the physical address. tests/run also boots
# q35 with an emulated Intel IOMMU (intel_iommu=on): a DMA domain and a
# group, and an IOVA nothing mapped gets a clear "not mapped". A DMA
# domain's IOVAs are translated only with iommu_dma_lookup=1.
. /tests/lib.sh
insmod "$PTSCOPE_KO" iommu_dma_lookup=1 || fail "insmod iommu_dma_lookup=1 failed"
dev=$(basename $(ls -d /sys/bus/pci/devices/* | tail -n 1))
ptscope iommu $dev
ptscope -j iommu $dev 0x1000 > /tmp/i.json || fail "iommu failed: $(cat /tmp/i.json)"
cat /tmp/i.json
if [ -z "$(ls /sys/class/iommu 2>/dev/null)" ]; then
	expect_eq "no IOMMU: domain" none "$(jq -r .domain /tmp/i.json)"
	expect_eq "no IOMMU: no group" null "$(jq -r .group /tmp/i.json)"
	expect_eq "no IOMMU: the IOVA is the physical address" 0x1000 "$(jq -r .phys /tmp/i.json)"
else
	# Every device against sysfs: its group and the group's domain type.
	for d in /sys/bus/pci/devices/*; do
		dev=$(basename $d)
		# arm64 (SMMUv3 through the device tree) puts a device in its
		# group when a driver first binds it: one never bound has none.
		if [ ! -e $d/iommu_group ]; then
			expect_eq "$dev: in no group yet (never bound): no domain" "none null" \
				"$(ptscope -j iommu $dev | jq -r '"\(.domain) \(.group)"')"
			continue
		fi
		group=$(basename $(readlink $d/iommu_group))
		type=$(cat /sys/kernel/iommu_groups/$group/type)
		case "$type" in DMA) want=dma ;; DMA-FQ) want=dma-fq ;; identity) want=identity ;; *) want=$type ;; esac
		expect_eq "$dev: domain and group vs sysfs" "$want $group" \
			"$(ptscope -j iommu $dev | jq -r '"\(.domain) \(.group)"')"
		# The oracle for translations: the group's direct-mapped (1:1) regions.
		direct=$(grep direct /sys/kernel/iommu_groups/$group/reserved_regions | head -n 1)
		case "$want" in dma|dma-fq) ;; *) continue ;; esac
		# Its I/O page table may be freed under the reader: refused unless asked for.
		echo N > /sys/module/ptscope/parameters/iommu_dma_lookup
		xerr "$dev: an IOVA of a DMA domain, by default" 1 \
			"IOVA not translated: the device's DMA domain is unmapped by its driver.*iommu_dma_lookup=1" \
			iommu $dev 0x5000
		echo Y > /sys/module/ptscope/parameters/iommu_dma_lookup
		if [ -n "$direct" ]; then
			set -- $direct
			iova=$(printf '0x%x' $(( $1 + 0x5000 )))
			expect_eq "$dev: an IOVA in a direct-mapped region ($direct) is its own physical address" \
				"$iova" "$(ptscope -j iommu $dev $iova | jq -r .phys)"
		elif [ -z "$nodirect" ]; then
			nodirect=$dev
			expect_eq "$dev: an IOVA nothing mapped" null "$(ptscope -j iommu $dev 0x5000 | jq -r .phys)"
			ptscope iommu $dev 0x5000 | grep -q "not mapped" || fail "no clear 'not mapped' answer"
		fi
	done
	[ -n "$nodirect" ] || fail "no device in a DMA domain without direct regions"
fi
xerr "no such device" 1 "no PCI device 0000:7f:1f.7|no such PCI device" iommu 0000:7f:1f.7
xerr "malformed device" 1 "not a PCI device address" iommu 00:zz
xerr "malformed IOVA" 2 "is not an address" iommu $dev 0xzz
true
