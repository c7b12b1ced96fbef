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
show ptscope -p info
show cat /sys/kernel/debug/ptscope/info
