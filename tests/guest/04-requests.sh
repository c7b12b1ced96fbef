# Malformed requests are refused with an errno and the kernel's own extended
# ack message, passed through libptscope; GET_INFO is open to any user.
. /tests/lib.sh
load_ptscope

# An attribute GET_INFO does not take (type 1 = PAD, 2 = INFO, 200 = unknown).
for type in 1 2 200; do
	out=$(nlprobe get-info-with-attr $type 2>&1)
	rc=$?
	echo "attr $type: rc=$rc: $out"
	[ $rc = 1 ] || fail "GET_INFO with attribute $type was not refused"
	case "$out" in
	*"errno 22:"*) ;;
	*) fail "attribute $type: expected EINVAL, got: $out" ;;
	esac
	case "$out" in
	*"nsupported attribute"*|*"nknown attribute"*|*"sent by the module, not to it"*) ;;
	*) fail "attribute $type: no extack message from the kernel in: $out" ;;
	esac
done

# A command the family does not have.
out=$(nlprobe raw-cmd 77 2>&1)
echo "cmd 77: $out"
case "$out" in
*"errno 95:"*) ;;
*) fail "unknown command 77: expected EOPNOTSUPP, got: $out" ;;
esac

# The handle stays usable after refused requests.
nlprobe get-info-after-error > /tmp/out 2>&1 || fail "GET_INFO after an error failed: $(cat /tmp/out)"

# Any user may ask for GET_INFO: it reveals nothing about other processes.
/usr/local/bin/setpriv --reuid=1000 --regid=1000 --clear-groups ptscope -j info > /tmp/user.json 2>&1 ||
	fail "unprivileged ptscope info failed: $(cat /tmp/user.json)"
expect_eq "unprivileged kernel_release" "$(uname -r)" "$(jq -r .kernel_release /tmp/user.json)"
