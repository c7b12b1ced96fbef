# Harness self-test: the test passes but the kernel log shows a warning.
echo "WARNING: CPU: 0 PID: 1 at ptscope-selftest" > /dev/kmsg
