# Copy-on-write inside a private PFN mapping of /dev/mem: the written page
# is an anonymous page of its own (pagemap's frame, KPF_ANON), the others
# the mapped window's frames (tests/prog/pfncow.c).
. /tests/lib.sh
load_ptscope
# x86: the legacy VGA window below 1 MiB. arm64's virt machine has nothing
# there: the first memory BAR of a PCI device (the harness adds -device VGA),
# which /dev/mem maps when no driver claimed it exclusively.
window=
if [ "$ARCH" = aarch64 ]; then
	for d in /sys/bus/pci/devices/*; do
		set -- $(head -n 1 $d/resource)
		[ $(( $3 & 0x200 )) != 0 ] && [ $(( $2 - $1 + 1 )) -ge $((4 * PAGE)) ] &&
			{ window=$(printf '0x%x' $1); break; }
	done
	[ -n "$window" ] || skip "no PCI device with a memory BAR of 4 pages (the harness adds -device VGA)"
	echo "window: PCI BAR at $window"
fi
pfncow $window > /tmp/pfncow.out
rc=$?
unload_ptscope
[ $rc = 4 ] && { cat /tmp/pfncow.out; skip "/dev/mem cannot be mapped in this guest"; }
lab_tap pfncow /tmp/pfncow.out && [ $rc = 0 ] ||
	fail "walk and pagemap disagree on a PFN mapping's copied page"
