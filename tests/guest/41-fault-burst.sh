# A burst of 1000 segfaults with a ring of 64: the newest 64 are kept, the
# rest counted as dropped, the module stays responsive; the live stream
# delivers every record of a smaller burst.
. /tests/lib.sh
insmod "$PTSCOPE_KO" ring_size=64 || fail "insmod ring_size=64 failed"
expect_eq "ring size" 64 "$(ptscope -j info | jq .fault_ring)"

echo "--- live: 20 crashes while a follower listens"
ptscope -j faults --follow > /tmp/live.out 2> /tmp/live.err &
follower=$!
sleep 1
crashlab burst 20 || fail "burst of 20 failed"
for i in $(seq 1 50); do [ "$(grep -c '"id"' /tmp/live.out)" -ge 20 ] && break; sleep 0.2; done
kill $follower
expect_eq "records streamed live" 20 "$(grep -c '"id"' /tmp/live.out)"
expect_eq "each a null dereference" null-deref "$(jq -r .reason /tmp/live.out | sort -u)"
# A read of nothing from user space: x86's error code 4 (USER), arm64's ESR
# a translation fault of a read from EL0, which ptscope makes the same bits.
expect_eq "each with the error bits of a user read of nothing" 0x4 "$(jq -r .error /tmp/live.out | sort -u)"
if [ "$ARCH" = aarch64 ]; then
	esr=$(jq -r .esr.value /tmp/live.out | sort -u)
	expect_eq "each with one ESR, whose bits those are" "1 4" "$(echo "$esr" | wc -l) $(esr_pf $esr)"
fi

echo "--- 1000 crashes into a ring of 64"
ptscope faults clear
before=$(ptscope -j info | jq .faults)
start=$(date +%s)
crashlab burst 1000 || fail "burst of 1000 failed"
echo "1000 crashes in $(( $(date +%s) - start )) s"
ptscope -j faults > /tmp/f.json || fail "faults failed after the burst"
made=$(( $(ptscope -j info | jq .faults) - before ))
expect_eq "crashes recorded" 1000 "$made"
expect_eq "records kept" 64 "$(jq '.faults | length' /tmp/f.json)"
expect_eq "the newest are kept" "$(ptscope -j info | jq .faults)" "$(jq '.faults[-1].id' /tmp/f.json)"
expect_eq "kept ids are consecutive" 63 "$(jq '.faults[-1].id - .faults[0].id' /tmp/f.json)"
expect_eq "dropped = made - kept" 936 "$(jq .summary.dropped /tmp/f.json)"
ptscope info > /dev/null || fail "the module stopped answering"
rmmod ptscope || fail "rmmod after the burst failed (a task_work still pending?)"
true
