# Harness self-test: the guest's userland works (the arm64 one is cross-built
# and comes from a sysroot, not from the host). Prints what it ran on.
set -e
echo "machine $(uname -m) kernel $(uname -r)"
echo "page size $(/usr/local/bin/getconf PAGESIZE)"
/usr/local/bin/jq --version
echo '{"a":[1,2]}' | /usr/local/bin/jq -c '.a | length'
/usr/local/bin/setpriv --help > /dev/null
/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups id -u
ptscope --version
[ ! -x /usr/bin/ptscope-asan ] || ptscope-asan --version
for p in /sys/class/virtio-ports/*; do
	[ -e "$p/name" ] && echo "virtio port ${p##*/}: $(cat "$p/name")"
done
exit 0
