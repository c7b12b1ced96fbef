# Harness self-test: the guest never finishes.
sleep 100000
