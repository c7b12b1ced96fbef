# Harness self-test: a clean pass and a skip.
echo "SKIP: not really" ; exit 4
