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
req="$pid $a $(printf '0x%x' $((a + 8192))) pages"
echo "\$ echo \"$req\" > /sys/kernel/debug/ptscope/walk"
echo "$req" > /sys/kernel/debug/ptscope/walk
show cat /sys/kernel/debug/ptscope/walk
kill $pid
