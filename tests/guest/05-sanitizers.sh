# The CLI and library under AddressSanitizer, UBSan and LeakSanitizer, on the
# paths that need the module (success, JSON, kernel refusals) and without it.
. /tests/lib.sh
command -v ptscope-asan > /dev/null || skip "no sanitizer build of the CLI in this guest"
export ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=23:print_stacktrace=1

# run WANT_STATUS ARGS...
run() {
	want=$1
	shift
	# Under TCG an ASan start costs seconds on arm64: there the refusals
	# (argument parsing, the same code as on x86, where they all run) are
	# left out; every path that reads the machine's answers runs.
	if [ "$ARCH" = aarch64 ] && [ "$want" != 0 ]; then
		echo "skipped on arm64 (runs on x86): ptscope $*"
		return
	fi
	ptscope-asan "$@" > /tmp/asan.out 2>&1
	rc=$?
	if grep -Eq 'Sanitizer|runtime error' /tmp/asan.out; then
		cat /tmp/asan.out
		fail "sanitizer report for: ptscope $*"
	fi
	[ "$rc" = "$want" ] || { cat /tmp/asan.out; fail "ptscope $*: status $rc, want $want"; }
	echo "ok: ptscope $* -> $rc, no sanitizer report"
}

# run_x86 WANT_STATUS ARGS...: as run, but left out on arm64 too when it
# succeeds: what only formats (pretty printing, help, the version) is the
# same code on both machines.
run_x86() {
	if [ "$ARCH" = aarch64 ]; then
		echo "skipped on arm64 (runs on x86): ptscope $*"
		return
	fi
	run "$@"
}

run 1 info
run 1 -j info
load_ptscope
run 0 info
run_x86 0 -p info
run_x86 0 --version
run 2 info extra
run 2 -j bogus
run_x86 0 help info
# xlate: a mapped address of init, a kernel thread, bad arguments.
addr=0x$(head -n 1 /proc/1/maps | cut -d- -f1)
run 0 xlate 1 $addr
run_x86 0 -p xlate 1 $addr
run 1 xlate 2 0x1000
run 1 -j xlate 1 0xffffffffffffffff
run 2 xlate abc 0x1000
# walk: runs, pages, filters, JSON, a refusal.
run 0 walk 1
run 0 -j walk --pages 1
run 0 -p walk --present --huge 1
run 1 walk 2
run 1 -j walk 4000000
run 2 walk 1 0x3000-0x1000
# maps: success, JSON, a refusal.
run 0 maps 1
run_x86 0 -p maps 1
run 1 maps 2
run 0 map 1
run 0 map 1 --svg /tmp/asan.svg
run 0 -j map 1 1
run 0 map 1 1 --svg /tmp/asan-pair.svg
run 0 walk 1 -o /tmp/asan.snap
run 0 map -i /tmp/asan.snap --color=always
run 1 map 2
run 2 map 1 1
# check -f: checks sharing a walk, one retried alone, refusals.
printf '%s\n' "1 $addr+4K count(present)>=0" "1 $addr+8K count(present)>=0 !swapped" \
	> /tmp/asan-pass.checks
cat /tmp/asan-pass.checks - > /tmp/asan.checks <<EOT
1 0xffffffffffff0000+4K present
4000000 0x1000+4K present
1 $addr+4K presnt
EOT
run 0 check -f /tmp/asan-pass.checks
run 0 check -f /tmp/asan-pass.checks --format=json
run 2 check -f /tmp/asan.checks
# explain --core of a real core this kernel wrote (notes are only 4-byte
# aligned: every field must be copied out, not loaded in place).
echo "/tmp/core.%p" > /proc/sys/kernel/core_pattern
(ulimit -c unlimited; exec crashlab null) > /tmp/c05.out 2>&1
p=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' /tmp/c05.out)
[ -s "/tmp/core.$p" ] || fail "crashlab null left no core (/tmp/core.$p)"
run 0 explain --core /tmp/core.$p
run 0 -j explain --core /tmp/core.$p
rm -f /tmp/core.$p
