#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# doc/ptscope.schema.json on the host: the schema is a valid JSON Schema
# whose names are the module's (uapi/ptscope.h) and whose version
# ptscope(8) states; what ptscope prints without a module (versions,
# errors, snapshots, kernel logs) validates; and documents that break it
# (an extra key, a wrong type, bytes that are not UTF-8, a repeated key)
# are refused, so the guests' validation (tests/run) can fail. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The module's paths: without it, auto would answer from /proc (tests/host/procfs.sh).
export PTSCOPE_SOURCE=module
P=$ROOT/build/ptscope
V=$ROOT/tests/host/lib/json-validate.py
S=$ROOT/doc/ptscope.schema.json
F=$ROOT/tests/host/map
. "$ROOT/tests/host/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if ! python3 -c 'import jsonschema' 2> /dev/null; then
	tap_not_ok "python3 has jsonschema (tests/deps.sh installs python3-jsonschema)"
	tap_done
	exit
fi

# The schema's enums hold every name the module's header defines, in order,
# and nothing else but "?" (a value from a newer module).
tap_check "the schema's names are uapi/ptscope.h's" python3 - "$S" "$ROOT/module/uapi/ptscope.h" <<'EOF'
import json, re, sys
schema = json.load(open(sys.argv[1]))
d = schema["$defs"]
hdr = open(sys.argv[2]).read()
def names(macro):
    m = re.search(r"#define %s\s*\{(.*?)\}" % macro, hdr, re.S)
    return re.findall(r'"([^"]*)"', m.group(1))
def enum(name):
    e = d[name]
    return e["enum"] if "enum" in e else e["items"]["anyOf"][0]["enum"]
pairs = {
    "PTSCOPE_LEVEL_NAMES": "level_name", "PTSCOPE_STATE_NAMES": "state_name",
    "PTSCOPE_KIND_NAMES": "kind_name", "PTSCOPE_CACHE_NAMES": "cache_name",
    "PTSCOPE_COW_NAMES": "cow_name", "PTSCOPE_BACKING_NAMES": "backing_name",
    "PTSCOPE_IOMMU_DOMAIN_NAMES": "domain_name", "PTSCOPE_ENTRY_NAMES": "entry_flags",
    "PTSCOPE_VMA_NAMES": "vma_flags", "PTSCOPE_PAGE_NAMES": "page_flags",
    "PTSCOPE_PHYS_NAMES": "phys_flags", "PTSCOPE_FEATURE_NAMES": "features",
}
bad = 0
for macro, name in pairs.items():
    want, got = names(macro), [x for x in enum(name) if x != "?"]
    if want != got:
        print("%s: header %s, schema %s" % (name, want, got))
        bad = 1
cow = [c for c in names("PTSCOPE_COW_NAMES") if c != "unmapped"]
if sorted(cow) != sorted(d["cow_counts"]["properties"]):
    print("cow_counts: want %s" % cow)
    bad = 1
sys.exit(bad)
EOF
ver=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["x-ptscope-json-version"])' "$S")
tap_check "the schema's \$id carries its version ($ver)" grep -q "\"\$id\": \"urn:ptscope:json:$ver\"" "$S"
tap_check "ptscope(8) names the schema and its version" \
	grep -q "urn:ptscope:json:$ver" "$ROOT/doc/ptscope.8"

# valid CMD DESCRIPTION ARGS...: "ptscope ARGS" validates as CMD's output.
valid() {
	local cmd=$1 desc=$2
	shift 2
	"$P" "$@" > "$T/out" 2> "$T/err" < "${STDIN:-/dev/null}"
	tap_check "$desc validates as $cmd" "$V" "$cmd" "$T/out"
}
valid version "-j --version" -j --version
valid version "-p --version" -p --version
valid help "-j help nope (an error)" -j help nope
valid info "-j info without the module (an error)" -j info
valid walk "-j walk with a PID that is not UTF-8 (an error)" -j walk $'\xff\xfe'
valid walk "-j walk --frob (a usage error)" -j walk --frob
valid tables "-j tables from procfs (an error: the module only)" -j --source procfs tables self
valid tables "-j tables with two ranges (a usage error)" -j tables self 0x1000 0x2000
valid faults "-j faults without the module (an error)" -j faults
valid explain "-j explain --core of no file (an error)" -j explain --core /nonexistent
# Cores of both machines, with their registers and instruction (tests/cores).
for m in x86_64 aarch64; do
	gzip -dc "$ROOT/tests/cores/$m-write-ro.core.gz" > "$T/$m.core"
	valid explain "-j explain --core of an $m core" -j explain --core "$T/$m.core"
done
valid explain "-j explain --coredump without its entry (an error)" -j explain --coredump 4194304
printf 'kernel: cr\xffash[123]: segfault at 10 ip 0000000000401000 sp 00007ffc00000000 error 4 in cr\xffash[401000+1000]\n' > "$T/log"
STDIN=$T/log valid explain "-j explain --dmesg with a comm that is not UTF-8" -j explain --dmesg
for s in "$F"/*.snap; do
	valid map "-j map -i $(basename "$s")" -j map -i "$s"
done
valid map "-p map of a pair of snapshots" -p map -i "$F/fork-parent.snap" -i "$F/fork-child.snap"
valid diff "-j diff of two snapshots" -j diff "$F/fork-parent.snap" "$F/fork-child.snap"
valid diff "-p diff of a snapshot with itself" -p diff "$F/names.snap" "$F/names.snap"

# Documents that break the schema are refused, each for its reason.
# refused CMD DESCRIPTION REGEX: $T/bad must fail validation with REGEX said.
refused() {
	if "$V" "$1" "$T/bad" > "$T/why" 2>&1; then
		tap_not_ok "refused: $2" "$(cat "$T/bad")"
	elif grep -Eq "$3" "$T/why"; then
		tap_ok "refused: $2"
	else
		tap_not_ok "refused: $2, for the wrong reason" "$(cat "$T/why")"
	fi
}
"$P" -j diff "$F/fork-parent.snap" "$F/fork-child.snap" > "$T/good"
sed 's/"summary":{/"summary":{"extra":1,/' "$T/good" > "$T/bad"
refused diff "an extra key" "'extra' was unexpected"
sed 's/"nr_pages":1,/"nr_pages":"1",/' "$T/good" > "$T/bad"
refused diff "a number as a string" "is not of type 'integer'"
sed 's/"state":"present"/"state":"presnet"/' "$T/good" > "$T/bad"
refused diff "a state the module has no name for" "presnet"
sed 's/"changed":[0-9]*,\{0,1\}//; s/,}/}/' "$T/good" > "$T/bad"
refused diff "a missing key" "'changed' is a required property"
sed 's/"addr":"0x/"addr":"0X/' "$T/good" > "$T/bad"
refused diff "an address not in lower-case 0x hex" "does not match"
printf '{"error":"bad \xff name"}\n' > "$T/bad"
refused walk "bytes that are not UTF-8" "not UTF-8"
printf '{"error":"a","error":"b"}\n' > "$T/bad"
refused walk "a key twice in one object" "appears 2 times"
printf '{"pid":1,"addr":"0x0","access":"read","outcome":"fault","reason":"unmapped","explanation":NaN}\n' > "$T/bad"
refused explain "NaN" "NaN is not JSON"
printf '{"error":"a"} {"error":"b"}\n' > "$T/bad"
refused walk "two documents on one line" "not one per line"
"$P" -j --version > "$T/bad"
refused walk "a document of another command" "valid under|is not valid|required"
"$P" -j explain --core "$T/x86_64.core" > "$T/good"
sed 's/"rax":"0x0"/"rax":0/' "$T/good" > "$T/bad"
refused explain "a core's register as a number" "is not of type 'string'|is not valid"
sed 's/"source":[^,}]*/"source":"memory"/' "$T/good" > "$T/bad"
refused explain "a core's instruction from nowhere it names" "'memory' is not one of|is not valid"
sed 's/,"registers":{[^}]*}//' "$T/good" > "$T/bad"
refused explain "a core's fault without its registers" "valid under|is not valid|required"

tap_done
