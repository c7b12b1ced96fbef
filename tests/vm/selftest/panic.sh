# Harness self-test: the guest kernel panics mid-run.
echo c > /proc/sysrq-trigger
