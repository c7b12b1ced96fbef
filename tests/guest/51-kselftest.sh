# The guest tests as a kselftest target: run_tests prints TAP 13 with a plan
# and kselftest's "ok N selftests: ptscope: NAME" lines, "# SKIP" for exit
# status 4; the host validates its output with prove(1). Run here on two
# tiny tests (the real ones are this suite).
. /tests/lib.sh
mkdir -p /tmp/ks
cp /tests/run_tests /tmp/ks/
printf '%s\n' '. /tests/lib.sh' 'load_ptscope' 'ptscope info > /dev/null' > /tmp/ks/01-info.sh
printf '%s\n' 'echo "SKIP: on purpose"' 'exit 4' > /tmp/ks/02-skip.sh
/tmp/ks/run_tests > /tmp/ks.tap 2>&1 || fail "run_tests failed: $(cat /tmp/ks.tap)"
cat /tmp/ks.tap
expect_eq "plan" "TAP version 13|1..2" "$(head -n 2 /tmp/ks.tap | paste -sd'|')"
expect_eq "results" "ok 1 selftests: ptscope: 01-info.sh|ok 2 selftests: ptscope: 02-skip.sh # SKIP" \
	"$(grep -E '^(not )?ok' /tmp/ks.tap | paste -sd'|')"
echo "--- PROVE BEGIN kselftest"
cat /tmp/ks.tap
echo "--- PROVE END"
