#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The procfs source on the host, where no module is: the host's own
# processes (memkinds serve, as root and as uid 65534) walked, mapped and
# translated by ptscope, checked page by page against /proc/PID/pagemap,
# /proc/kpageflags and /proc/kpagecount as tests/host/lib/pagemap-oracle.py
# reads them; pagemap's refusals (another user, not dumpable, a PID from a
# hidden namespace), a process that exits mid-walk, and the requests only
# the module answers. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
unset PTSCOPE_SOURCE
P=$ROOT/build/ptscope
MK=$ROOT/build/tests/prog/memkinds
ORACLE=$ROOT/tests/host/lib/pagemap-oracle.py
V=$ROOT/tests/host/lib/json-validate.py
. "$ROOT/tests/host/lib/tap.sh"
. "$ROOT/tests/host/lib/ptscope_t.sh"
T=$(mktemp -d)
chmod 755 "$T"
pids=()
trap 'kill "${pids[@]}" 2> /dev/null; rm -rf "$T"' EXIT

# serve NAME [USER] [ARGS...]: memkinds (serve unless ARGS) in the background,
# as USER, until it says "ready"; its pid in $served, its lines in $T/NAME.
serve() {
	local name=$1 user=${2:-root} i
	shift 2 2> /dev/null || shift
	[ $# -gt 0 ] || set -- serve
	if [ "$user" = root ]; then
		"$MK" "$@" > "$T/$name" 2>&1 &
	else
		setpriv --reuid="$user" --regid="$user" --clear-groups "$MK" "$@" > "$T/$name" 2>&1 &
	fi
	served=$!
	pids+=("$served")
	for i in $(seq 100); do
		grep -q '^ready' "$T/$name" && return 0
		sleep 0.1
	done
	return 1
}

# oracle WHO MODE PID FILE [WRAPPER...]: pagemap-oracle.py's checks of FILE
# (run under WRAPPER), each a TAP line named "WHO: ...".
oracle() {
	local who=$1 mode=$2 pid=$3 file=$4 line
	shift 4
	"$@" "$ORACLE" "$mode" "$pid" "$file" > "$T/oracle" 2>&1
	while read -r line; do
		case "$line" in
		"ok - "*) tap_ok "$who: ${line#ok - }" ;;
		"not ok - "*) tap_not_ok "$who: ${line#not ok - }" "$(grep '^#' "$T/oracle")" ;;
		esac
	done < "$T/oracle"
}

# as USER ARGS...: ptscope as USER
as() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$user" --clear-groups "$P" "$@"
}

# Which source answers, and what it says it cannot tell.
t "auto: procfs answers without the module" 0 '^source +procfs.*cannot tell:' -- info
t "--source=module: the module's absence is the error" 1 'kernel module ptscope is not loaded' -- --source=module info
t "--source=bogus is a usage error" 2 "--source 'bogus' is none of module, procfs, auto" -- --source=bogus info
out=$(PTSCOPE_SOURCE=bogus "$P" info 2>&1)
rc=$?
[ $rc = 1 ] && [[ "$out" =~ "PTSCOPE_SOURCE='bogus' is none of" ]] &&
	tap_ok "PTSCOPE_SOURCE=bogus is refused, naming the variable" ||
	tap_not_ok "PTSCOPE_SOURCE=bogus is refused, naming the variable" "status $rc: $out"
"$P" -j info > "$T/info.json"
tap_check "info -j validates (source procfs)" "$V" info "$T/info.json"
tap_check "info -j: frames shown to root" grep -q '"source":"procfs".*"frames":true' "$T/info.json"

# Root: every page of every mapping, and the mappings' counters.
if ! serve root root; then
	tap_not_ok "memkinds serve started" "$(cat "$T/root")"
	tap_done
	exit
fi
pid=$served
"$P" -j walk --pages "$pid" > "$T/walk.json"
tap_check "walk --pages -j (root) validates" "$V" walk "$T/walk.json"
oracle root walk "$pid" "$T/walk.json"
grep -q '"kind":"anon"' "$T/walk.json" && grep -q '"mapcount":1' "$T/walk.json" &&
	tap_ok "root: kinds and mapcounts are given" ||
	tap_not_ok "root: kinds and mapcounts are given" "$(head -c 600 "$T/walk.json")"
"$P" -j maps "$pid" > "$T/maps.json"
tap_check "maps -j (root) validates" "$V" maps "$T/maps.json"
oracle root maps "$pid" "$T/maps.json"
# Runs hold the same pages as the per-page walk.
runs=$("$P" -j walk "$pid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["pages"])')
pages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["pages"])' "$T/walk.json")
[ "$runs" = "$pages" ] && tap_ok "runs cover the same $pages pages" ||
	tap_not_ok "runs cover the same pages" "runs $runs, pages $pages"
t "walk (text) says the source cannot count huge leaves" 0 'huge leaves unknown \(source procfs\)$' -- walk "$pid" '[stack]'
t "walk --huge needs the table level" 2 '--huge needs the table level of each leaf, which the procfs source cannot see' -- walk --huge "$pid"
t "walk --cow needs the COW state" 2 '--cow needs the copy-on-write state' -- walk --cow "$pid"
addr=$(awk '$1 == "anon-written" { print $2 }' "$T/root")
"$P" -j xlate "$pid" "$addr" > "$T/xlate.json"
tap_check "xlate -j validates" "$V" xlate "$T/xlate.json"
want=$(python3 - "$pid" "$addr" <<'EOF'
import struct, sys
f = open("/proc/%s/pagemap" % sys.argv[1], "rb")
f.seek(int(sys.argv[2], 16) // 4096 * 8)
print("0x%x" % (struct.unpack("<Q", f.read(8))[0] & ((1 << 55) - 1)))
EOF
)
grep -q "\"levels\":null,\"leaf\":{\"level\":null,\"size\":null,\"present\":true,\"pfn\":\"$want\"" "$T/xlate.json" &&
	tap_ok "xlate: the leaf only, its frame pagemap's ($want)" ||
	tap_not_ok "xlate: the leaf only, its frame pagemap's ($want)" "$(cat "$T/xlate.json")"
t "xlate (text) says the tables are unknown" 0 'tables: unknown \(source procfs' -- xlate "$pid" "$addr"
# Snapshots keep what was unknown; a snapshot against itself differs nowhere.
"$P" walk -o "$T/a.snap" "$pid" '[heap]' > /dev/null
tap_check "walk -o: records carry unknown=" grep -q ' unknown=0x' "$T/a.snap"
t "diff of a procfs snapshot with itself: no change" 0 '' -- diff "$T/a.snap" "$T/a.snap"

# The commands built on walk and maps.
"$P" -j share "$pid" $$ > "$T/share.json"
tap_check "share -j validates" "$V" share "$T/share.json"
tap_check "share: a COW state where procfs decides it (read-only text)" grep -q '"cow":"read-only"' "$T/share.json"
tap_check "share: none it cannot decide (writable, reusable, may-copy)" \
	bash -c "! grep -Eq '\"cow\":\"(writable|reusable|may-copy)\"' '$T/share.json'"
t "map of a live process says its source" 0 'source procfs \(no huge or COW marks\)' -- map --width 80 "$pid"
"$P" -j map "$pid" > "$T/map.json"
tap_check "map -j validates" "$V" map "$T/map.json"
printf '%s\n' "$pid $addr+16K present anon" "$pid $addr+16K huge" "$pid $addr+16K writable" \
	"$pid $addr+16K !uffd-wp mapcount=1" "$pid $addr+16K cow-shared" > "$T/checks"
"$P" check -f "$T/checks" > "$T/check.tap"
rc=$?
want="TAP version 13
1..5
# source procfs: assertions on what /proc cannot show are skipped
ok 1 - $pid $addr+16K present anon
ok 2 - $pid $addr+16K huge # SKIP huge needs the table level, which the procfs source cannot see
ok 3 - $pid $addr+16K writable # SKIP writable needs the entry's hardware flags, which the procfs source cannot see
ok 4 - $pid $addr+16K !uffd-wp mapcount=1
ok 5 - $pid $addr+16K cow-shared # SKIP cow-shared needs the copy-on-write state, which the procfs source cannot see"
[ $rc = 0 ] && [ "$(cat "$T/check.tap")" = "$want" ] &&
	tap_ok "check -f: what procfs shows is checked, the rest skipped with the reason" ||
	tap_not_ok "check -f: what procfs shows is checked, the rest skipped" "status $rc: $(cat "$T/check.tap")"
"$P" check --format json -f "$T/checks" > "$T/check.json"
tap_check "check --format json validates" "$V" check "$T/check.json"
t "a single check on a field procfs lacks: SKIP, status 0" 0 'SKIP: .* level=PTE needs the table level' -- check "$pid" "$addr" level=PTE
t "explain --access write: undecided without the write bit" 0 'undecided \(undecided\)' -- explain "$pid" "$addr" --access write
t "explain --access read: the page is present" 0 'succeeds \(present\)' -- explain "$pid" "$addr" --access read
"$P" -j explain "$pid" "$addr" --access write > "$T/explain.json"
tap_check "explain -j validates" "$V" explain "$T/explain.json"

# Requests only the module answers.
t "phys needs the module" 1 'PHYS needs the ptscope module; this handle reads /proc' -- phys 0x1000
t "faults needs the module" 1 'needs the ptscope module' -- faults

# uid 65534: its own process without frames, root's refused, as pagemap does.
if serve nobody 65534; then
	npid=$served
	as 65534 -j walk --pages "$npid" > "$T/nwalk.json" 2> "$T/nwalk.err"
	tap_check "walk --pages -j (uid 65534) validates" "$V" walk "$T/nwalk.json"
	# The oracle reads pagemap as the same user: frames hidden from it too.
	oracle "uid 65534" walk "$npid" "$T/nwalk.json" setpriv --reuid=65534 --regid=65534 --clear-groups
	if grep -q '"pfn":"0x[1-9a-f]' "$T/nwalk.json" || grep -q '"mapcount":' "$T/nwalk.json"; then
		tap_not_ok "uid 65534 sees no frame and no mapcount" "$(head -c 600 "$T/nwalk.json")"
	else
		tap_ok "uid 65534 sees no frame and no mapcount"
	fi
	as 65534 info > "$T/ninfo" 2>&1
	tap_check "info (uid 65534): frames hidden" grep -Eq '^frames +hidden' "$T/ninfo"
else
	tap_not_ok "memkinds serve started as uid 65534" "$(cat "$T/nobody")"
fi
out=$(as 65534 walk "$pid" 2>&1)
rc=$?
[ $rc = 1 ] && [[ "$out" =~ "permission denied: pid $pid: it runs as another user" ]] &&
	tap_ok "uid 65534 is refused root's process, as pagemap refuses it" ||
	tap_not_ok "uid 65534 is refused root's process" "status $rc: $out"
if serve nodump 65534 hog 1 nodump; then
	out=$(as 65534 maps "$served" 2>&1)
	rc=$?
	[ $rc = 1 ] && [[ "$out" =~ "not dumpable" ]] &&
		tap_ok "a non-dumpable process of the same user is refused" ||
		tap_not_ok "a non-dumpable process of the same user is refused" "status $rc: $out"
else
	tap_not_ok "memkinds hog nodump started" "$(cat "$T/nodump")"
fi

# A PID of a namespace the caller cannot see is no process to it.
out=$(unshare --pid --fork --mount-proc "$P" walk "$pid" 2>&1)
rc=$?
[ $rc = 1 ] && [[ "$out" =~ "pid $pid has exited or does not exist" ]] &&
	tap_ok "a PID hidden by a PID namespace does not exist there" ||
	tap_not_ok "a PID hidden by a PID namespace does not exist there" "status $rc: $out"

# Exit mid-walk: the reader stalls the walk on a full pipe, the target
# exits, the walk resumes against an address space that is gone.
if serve big root hog 64; then
	bpid=$served
	{
		"$P" walk --pages "$bpid" 2> "$T/big.err"
		echo "rc=$?" >> "$T/big.err"
	} | {
		head -c 1 > /dev/null
		kill "$bpid"
		# A zombie until this script reaps it: its address space is gone.
		while [ -d /proc/"$bpid" ] && ! grep -qs '^State:.*Z' /proc/"$bpid"/status; do
			sleep 0.05
		done
		cat > /dev/null
	}
	grep -q "pid $bpid exited during the walk" "$T/big.err" && grep -q '^rc=1$' "$T/big.err" &&
		tap_ok "a process that exits mid-walk ends it with an error (status 1)" ||
		tap_not_ok "a process that exits mid-walk ends it with an error" "$(cat "$T/big.err")"
else
	tap_not_ok "memkinds hog 64 started" "$(cat "$T/big")"
fi
tap_done
