# Without the module the CLI says so, names the fix, and exits non-zero,
# in text and in JSON.
. /tests/lib.sh

grep -q '^ptscope ' /proc/modules && fail "module unexpectedly loaded"

ptscope info > /tmp/out 2> /tmp/err
rc=$?
expect_eq "exit status without module" 1 "$rc"
expect_eq "stderr" "ptscope: kernel module ptscope is not loaded (try: modprobe ptscope)" "$(cat /tmp/err)"
[ -s /tmp/out ] && fail "unexpected stdout: $(cat /tmp/out)"

ptscope -j info > /tmp/out 2> /tmp/err
expect_eq "JSON exit status" 1 "$?"
expect_eq "JSON error" "kernel module ptscope is not loaded (try: modprobe ptscope)" \
	"$(jq -er .error /tmp/out)"
true
