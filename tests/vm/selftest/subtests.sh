# Harness self-test: inner checks are results of their own. The test passes
# as a whole, yet its failed inner check fails the run, and its skipped one
# stays a skip.
. /tests/lib.sh
check_ok "a passed inner check"
check_not_ok "a failed inner check"
check_skip "a skipped inner check" "not really"
echo "    ok, indented but no check: a comment"
true
