# iommu against domains ptscope does not own, in the q35 guest with QEMU's
# emulated Intel IOMMU (tests/run's iommu suite, with vfio-pci loaded and a
# virtio device for a driver that uses the DMA API). Each answer against
# sysfs: a device with a DMA-API driver and one with no driver are in their
# group's default domain, whose IOVAs are translated. A device bound to
# vfio-pci whose group a process holds through VFIO is in that process's
# unmanaged domain: its IOVA, which the process did map, is refused with the
# reason. Then, while ptscope asks about all three, the virtio driver
# unbound and bound and the driverless group's default domain replaced
# (identity, DMA) through sysfs, with a process attaching and freeing VFIO
# domains, then with vfio-pci unbound and bound. Every answer must be a
# translation or a refusal naming its reason; the kernel log must be clean.
. /tests/lib.sh
secs=${IOMMU_RACE_SECONDS:-20}
# DMA domains' IOVAs too (the opt-in): the race below is run against it.
insmod "$PTSCOPE_KO" iommu_dma_lookup=1 || fail "insmod iommu_dma_lookup=1 failed"
[ -n "$(ls /sys/class/iommu 2>/dev/null)" ] || { unload_ptscope; skip "no IOMMU in this guest"; }

P=/sys/bus/pci/devices
group_of() { basename "$(readlink $P/$1/iommu_group)"; }
driver_of() { local d; d=$(readlink $P/$1/driver) && basename "$d"; }
in_group() { ls /sys/kernel/iommu_groups/$1/devices | wc -l; }
kind_of() {
	case "$(cat /sys/kernel/iommu_groups/$1/type)" in
	DMA) echo dma ;; DMA-FQ) echo dma-fq ;; identity) echo identity ;; *) echo "?" ;;
	esac
}
# answer DEV: "DOMAIN GROUP" as ptscope reports them.
answer() { ptscope -j iommu $1 | jq -r '"\(.domain) \(.group)"'; }

# Communication controllers (class 0x07) are left alone: on arm64 the
# result port is a virtio console. arm64 (SMMUv3 through the device tree)
# puts a device in its group when a driver first binds it, so a device
# never bound has no group: the VGA gets its group from vfio-pci, and the
# driverless device is a second virtio device unbound here (tests/run
# boots the arm64 iommu guest with two).
bound= bare= vga= spare=
for d in $P/*; do
	dev=$(basename $d)
	drv=$(driver_of $dev)
	class=$(cat $d/class)
	case "$class" in 0x07*) continue ;; esac
	if [ ! -e $d/iommu_group ]; then
		case "$drv:$class" in :0x03*) [ -z "$vga" ] && vga=$dev ;; esac
		continue
	fi
	g=$(group_of $dev)
	case "$drv" in
	"") [ "$(in_group $g)" = 1 ] || continue
	    case "$class" in
	    0x03*) [ -z "$vga" ] && vga=$dev ;;
	    *) [ -z "$bare" ] && bare=$dev ;;
	    esac ;;
	vfio-pci) ;;
	*) if [ -z "$bound" ]; then bound=$dev
	   elif [ -z "$spare" ] && [ "$(in_group $g)" = 1 ]; then spare=$dev; fi ;;
	esac
done
if [ -z "$bare" ] && [ -n "$spare" ]; then
	echo $spare > /sys/bus/pci/drivers/$(driver_of $spare)/unbind
	[ -z "$(driver_of $spare)" ] && bare=$spare
fi
echo "with a driver: ${bound:-none} ($(driver_of $bound 2>/dev/null)), without: ${bare:-none}," \
	"for vfio-pci: ${vga:-none}"
[ -n "$bound" ] || fail "no device with a driver (tests/run boots the iommu guest with a virtio device)"
[ -n "$bare" ] || fail "no driverless device alone in its group"

for dev in $bound $bare; do
	g=$(group_of $dev)
	expect_eq "$dev ($(driver_of $dev || echo no driver)): domain and group vs sysfs" \
		"$(kind_of $g) $g" "$(answer $dev)"
	ptscope iommu $dev 0x5000 || fail "$dev: an IOVA of its default domain was refused"
done

vfio=
if [ -n "$vga" ] && { [ -d /sys/bus/pci/drivers/vfio-pci ] || modprobe vfio-pci 2>/dev/null; }; then
	vfio=$vga
	echo vfio-pci > $P/$vfio/driver_override
	echo $vfio > /sys/bus/pci/drivers_probe
	expect_eq "$vfio: bound to" vfio-pci "$(driver_of $vfio)"
	vg=$(group_of $vfio)
	[ -e /dev/vfio/$vg ] || fail "no /dev/vfio/$vg"
	expect_eq "$vfio, bound to vfio-pci, its group not taken: still the default domain" \
		"$(kind_of $vg) $vg" "$(answer $vfio)"

	iommulab hold $vg 0x100000 > /tmp/hold.out &
	hold=$!
	wait_line /tmp/hold.out '^ready$' || fail "iommulab hold did not take group $vg"
	expect_eq "$vfio, its group held through VFIO: domain" "unmanaged $vg" "$(answer $vfio)"
	# The holder mapped 0x100000 to its buffer: the IOVA is there to be read,
	# and refused all the same.
	xerr "$vfio: an IOVA of a domain VFIO owns" 1 \
		"IOVA not translated: the device is in an unmanaged IOMMU domain, owned by whoever attached it" \
		iommu $vfio 0x100000
	kill $hold
	wait $hold || fail "iommulab hold failed"
	expect_eq "$vfio, its group given back: the default domain again" \
		"$(kind_of $vg) $vg" "$(answer $vfio)"
else
	echo "note: no vfio-pci here (or no device for it): no domain owned by userspace"
fi

# race SECONDS WHAT...: ptscope asks about every device for SECONDS while
# the adversaries named run: "rebind" (the DMA-API driver unbound and bound),
# "retype" (the driverless group's default domain replaced through sysfs),
# "churn" (VFIO domains attached and freed) and "vfiobind" (vfio-pci unbound
# and bound). Every answer must be a translation or a refusal that names its
# reason; refusals are left in /tmp/ask.out.
race() {
	local secs=$1 end pids= targets="$bound@0x5000 $bare@0x5000" what
	shift
	end=$(($(date +%s) + secs))
	[ -n "$vfio" ] && targets="$targets $vfio@0x100000"
	for what in "$@"; do
		case $what in
		rebind) while [ $(date +%s) -lt $end ]; do
				echo $bound > /sys/bus/pci/drivers/$drv/unbind
				echo $bound > /sys/bus/pci/drivers/$drv/bind
			done 2>/dev/null & ;;
		retype) while [ $(date +%s) -lt $end ]; do
				echo identity > /sys/kernel/iommu_groups/$bg/type
				echo DMA > /sys/kernel/iommu_groups/$bg/type
			done 2>/dev/null & ;;
		churn) iommulab churn $vg $secs > /tmp/churn.out & ;;
		vfiobind) while [ $(date +%s) -lt $end ]; do
				echo $vfio > /sys/bus/pci/drivers/vfio-pci/unbind
				echo $vfio > /sys/bus/pci/drivers/vfio-pci/bind
			done 2>/dev/null & ;;
		esac
		pids="$pids $!"
	done
	iommulab ask $secs $targets > /tmp/ask.out
	rc=$?
	wait $pids
	cat /tmp/ask.out
	if [ $rc = 0 ]; then
		check_ok "iommulab ask, racing $*: every answer a translation or a reasoned refusal"
	else
		check_not_ok "iommulab ask, racing $*: every answer a translation or a reasoned refusal"
		fail "race $*: an answer neither a translation nor a reasoned refusal"
	fi
	if [ -e $P/$vfio/driver ] && [ "$(driver_of $vfio)" != vfio-pci ]; then
		fail "$vfio: bound to $(driver_of $vfio)"
	fi
}
bg=$(group_of $bare)
type_was=$(cat /sys/kernel/iommu_groups/$bg/type)
drv=$(driver_of $bound)
if [ -n "$vfio" ]; then
	# Not vfiobind and churn at once: unbinding vfio-pci from a device whose
	# group a process is using through a type1 container races that
	# process's own unmaps in the kernel's VFIO (6.12.117: a vfio_dma
	# removed twice, a task's refcount put twice, an oops), with or without
	# ptscope; any reader of the group's sysfs files widens it just as well.
	race $((secs / 2)) rebind retype churn
	cat /tmp/churn.out
	grep -q "^churn: .* [1-9][0-9]* with the group held" /tmp/churn.out ||
		fail "VFIO never held the group during the race"
	grep -q "ask: .* [1-9][0-9]* refusals naming their reason" /tmp/ask.out ||
		fail "no IOVA of a VFIO domain was refused during the race"
	race $((secs / 2)) rebind retype vfiobind
	echo $vfio > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
	echo > $P/$vfio/driver_override
else
	race $secs rebind retype
fi
echo $type_was > /sys/kernel/iommu_groups/$bg/type 2>/dev/null
[ -e $P/$bound/driver ] || echo $bound > /sys/bus/pci/drivers/$drv/bind
expect_eq "$bound: bound again to" "$drv" "$(driver_of $bound)"
unload_ptscope
