#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion against the help text: every command and every
# option the help lists can be completed where it applies. TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LD_LIBRARY_PATH=$ROOT/build
. "$ROOT/tests/host/lib/tap.sh"
check() { tap_check "$@"; }
# As an interactive bash runs it: bash-completion's library first (its
# helpers split --opt=VALUE, quote file names and list PIDs).
BC=/usr/share/bash-completion/bash_completion
if [ ! -r $BC ]; then
	tap_not_ok "bash-completion is installed (make deps)"
	tap_done
	exit 1
fi
. $BC
. "$ROOT/completion/ptscope.bash"
# complete_line LINE: what completing at the end of LINE offers, one per
# line. LINE is split the way bash splits it for completion: at blanks
# (not backslash-escaped ones), with "=" a word of its own.
complete_line() {
	local line=$1 w=() word="" c i
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [ "$c" = '\\' ]; then
			word+=$c${line:i+1:1}
			((i++))
		elif [ "$c" = " " ]; then
			[ -n "$word" ] && w+=("$word")
			word=""
		elif [ "$c" = "=" ]; then
			[ -n "$word" ] && w+=("$word")
			w+=("=")
			word=""
		else
			word+=$c
		fi
	done
	w+=("$word")
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=("${w[@]}")
	COMP_CWORD=$((${#w[@]} - 1))
	COMPREPLY=()
	_ptscope
	printf '%s\n' "${COMPREPLY[@]}"
}
complete_words() {	# complete_words WORD...: the same, as one sorted line
	complete_line "$*" | sort -u | tr '\n' ' '
}
help=$("$ROOT/build/ptscope" --help)
help_cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' <<< "$help" | sort | tr '\n' ' ')
check "commands = --help commands ($help_cmds)" test "$(complete_words ptscope '')" = "$help_cmds"
# Each command's options, as its spec lists them in its help ("Options:"),
# are what completing "-" offers it, with the global ones (--help's
# "Options:") and nothing else.
spec_opts() {	# spec_opts: the options listed under "Options:" on stdin, sorted
	sed -n '/^Options:/,/^$/s/^  \(-[a-zA-Z-]*\)\(, \(--[a-z-]*\)\)\{0,1\}.*/\1 \3/p' |
		tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' '
}
globals=$(spec_opts <<< "$help")
check "global options listed ($globals)" test "$globals" = "--help --json --pretty --source --version -V -h -j -p "
for cmd in $help_cmds; do
	want=$( (spec_opts < <("$ROOT/build/ptscope" help $cmd); echo "$globals") | tr ' ' '\n' |
		sed '/^$/d' | sort -u | tr '\n' ' ')
	got=$(complete_line "ptscope $cmd -" | grep -v '=$' | sort -u | tr '\n' ' ')
	check "$cmd: completion offers its spec's options ($want)" test "$got" = "$want"
	# An option's value is skipped in finding the command word, as the parser does.
	for opt in $("$ROOT/build/ptscope" help $cmd |
		sed -n '/^Options:/,/^$/s/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\) [A-Z]\{1,\}  .*/\2/p'); do
		check "$cmd: the value of $opt before the command is no command word" \
			test "$(complete_words ptscope $opt VALUE $cmd --)" = "$(complete_words ptscope $cmd --)"
	done
done
check "walk --pages is not offered to maps" bash -c "! grep -q -- --pages <<< '$(complete_words ptscope maps --)'"
check "a PID completes for walk" grep -q " $$ " <<< " $(complete_words ptscope walk '') "
check "places complete for walk's range" grep -q '\[heap\]' <<< "$(complete_words ptscope walk 1 '')"
check "a PID completes for tables" grep -q " $$ " <<< " $(complete_words ptscope tables '') "
check "places complete for tables' range" grep -q '\[heap\]' <<< "$(complete_words ptscope tables 1 '')"
check "--format values" test "$(complete_words ptscope check --format '')" = "json plain tap "
check "--access values" test "$(complete_words ptscope explain 1 0x1000 --access '')" = "exec read write "
check "--source values" test "$(complete_words ptscope --source '')" = "auto module procfs "
check "map -i completes files" grep -q "completion.sh" <<< "$(cd "$ROOT/tests/host" && complete_words ptscope map -i comp)"
check "map offers a second PID" grep -q " $$ " <<< " $(complete_words ptscope map 1 '') "
check "map offers no third PID" test -z "$(complete_words ptscope map 1 2 '' | tr -d ' ')"
check "faults completes clear" test "$(complete_words ptscope faults '')" = "clear "
check "--color=al completes always" test "$(complete_words ptscope map 1 --color=al)" = "always "
check "--color= offers every value" test "$(complete_words ptscope map 1 --color=)" = "always auto never "
# A file name with spaces stays one name.
D=$(mktemp -d)
touch "$D/my file.snap" "$D/other.snap"
check "map -i: a file name with a space is one candidate" \
	test "$(cd "$D" && complete_line 'ptscope map -i my')" = "my file.snap"
check "diff: snapshots with spaces, one candidate each" \
	test "$(cd "$D" && complete_line 'ptscope diff ' | grep -c snap)" = 2
# Places are words, not patterns: files named like their letters stay out.
touch "$D/h" "$D/e" "$D/a" "$D/p"
check "places complete as themselves beside files h, e, a and p" \
	test "$(cd "$D" && complete_words ptscope walk 1 '')" = "[heap] [stack] [vdso] "
rm -rf "$D"
tap_done
