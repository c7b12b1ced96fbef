# What `make demo` shows inside the guest.
. /tests/lib.sh
show() { echo "\$ $*"; "$@" || fail "'$*' failed"; echo; }

echo "--- ptscope demo on Linux $(uname -r), $(nproc) CPUs under QEMU TCG"
echo
echo "\$ ptscope info        # before the module is loaded"
ptscope info && fail "ptscope info worked without the module"
echo
echo "\$ insmod ptscope.ko"
load_ptscope
echo
show ptscope info
show cat /sys/kernel/debug/ptscope/info

# A live process with memory of many kinds (tests/prog/memkinds.c).
memkinds_serve /tmp/serve.out
pid=$MK_PID
a=$(mk_addr /tmp/serve.out anon-written)
echo "--- a live process: memkinds, pid $pid"
echo
echo "\$ ptscope maps $pid | head -n 12"
ptscope maps $pid | head -n 12
echo
show ptscope walk $pid $a+16K
show ptscope xlate $pid $a
t=$(mk_addr /tmp/serve.out anon-thp)
show ptscope walk --huge $pid $t+2M
show ptscope walk $pid '[heap]'
# Where its pages live and what its page tables cost (README: "Where memory lives").
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup 2> /dev/null
show ptscope walk --placement --present $pid $a+8K
echo "\$ ptscope tables $pid | tail -n 18"
ptscope tables $pid | tail -n 18
echo
show ptscope check $pid $a+16K present node=0 'count(tables.pte)>=1'
req="$pid $a $(printf '0x%x' $((a + 8192))) pages"
echo "\$ echo \"$req\" > /sys/kernel/debug/ptscope/walk"
echo "$req" > /sys/kernel/debug/ptscope/walk
show cat /sys/kernel/debug/ptscope/walk
kill $pid

# Copy-on-write, visible: a parent and the child it forked share frames
# until the child writes (tests/prog/cowlab.c, "forked").
cowlab forked > /tmp/f.out &
for i in $(seq 1 100); do grep -q '^ready$' /tmp/f.out && break; sleep 0.1; done
set -- $(head -n 1 /tmp/f.out)
parent=$2 child=$4 a=$6
echo "--- copy-on-write: parent $parent forked child $child; 4 pages at $a written before"
echo
show ptscope walk --pages $parent $a+16K
show ptscope walk --pages $child $a+16K
echo "\$ ptscope walk $child -o /tmp/before.snap > /dev/null"
ptscope walk $child -o /tmp/before.snap > /dev/null || fail "walk -o failed"
echo "\$ kill -USR1 $child      # the child writes its first page"
kill -USR1 $child
for i in $(seq 1 50); do grep -q '^wrote$' /tmp/f.out && break; sleep 0.1; done
echo
show ptscope walk --pages $parent $a+16K
show ptscope walk --pages $child $a+16K
echo "\$ ptscope diff /tmp/before.snap $child $a+16K"
ptscope diff /tmp/before.snap $child $a+16K || fail "diff failed"
echo
echo "\$ ptscope map $child | head -n 16"
ptscope map $child | head -n 16
echo
echo "\$ ptscope map $parent $child --svg /tmp/fork.svg; grep -c '<g class=\"vma\">' /tmp/fork.svg"
ptscope map $parent $child --svg /tmp/fork.svg || fail "map --svg failed"
grep -c '<g class="vma">' /tmp/fork.svg
echo
echo "\$ ptscope share $parent $child | grep -E 'MAPPING|libc.so.6 +r-xp|anon|frames'"
ptscope share $parent $child | grep -E 'MAPPING|libc.so.6 +r-xp|anon|frames'
echo
kill $parent

# DMA: buffers io_uring pinned, and a PCI BAR mapped from sysfs
# (tests/prog/dmalab.c; the demo guest has a VGA device).
dmalab pin > /tmp/pin.out &
pinner=$!
for i in $(seq 1 100); do grep -q '^ready$' /tmp/pin.out && break; sleep 0.1; done
echo "--- DMA: pid $pinner registered 64 KiB and a 2 MiB THP with io_uring"
echo
echo "\$ ptscope dma $pinner | head -n 6"
ptscope dma $pinner | head -n 6
echo
small=$(sed -n 's/^small //p' /tmp/pin.out)
pfn=$(ptscope -j walk $pinner $small | jq -r '.records[0].pfn')
show ptscope phys pfn:$pfn --who
kill $pinner
for d in /sys/bus/pci/devices/*; do
	[ -e $d/resource0_wc ] && { dev=$(basename $d); break; }
done
if [ -n "${dev:-}" ]; then
	dmalab bar /sys/bus/pci/devices/$dev/resource0_wc > /tmp/bar.out &
	barpid=$!
	for i in $(seq 1 100); do grep -q '^ready$' /tmp/bar.out && break; sleep 0.1; done
	echo "--- pid $barpid mapped BAR 0 of $dev through resource0_wc"
	echo
	echo "\$ ptscope dma $barpid | tail -n 4"
	ptscope dma $barpid | tail -n 4
	echo
	bar=$(printf '0x%x' $(head -n 1 /sys/bus/pci/devices/$dev/resource | cut -d' ' -f1))
	show ptscope phys $bar
	show ptscope iommu $dev 0x1000
	kill $barpid
fi

# A crash, explained after the process is gone (tests/prog/crashlab.c).
echo "--- segfaults, explained after the fact"
echo
echo "\$ crashlab null; crashlab write-ro; crashlab stack-overflow"
for m in null write-ro stack-overflow; do crashlab $m > /dev/null 2>&1; done
echo
show ptscope faults
show ptscope explain --last
show ptscope explain --fault 2
