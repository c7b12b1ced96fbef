# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for ptscope(8): commands, each command's options, PIDs,
# places ([heap], [stack]) and files where a command takes them. Built on
# bash-completion's own helpers: _init_completion -s splits --opt=VALUE,
# _filedir quotes file names (spaces included), _pids lists processes.
# Each command's options are those of its spec (cli/cmd_*.c), and an
# option's value is skipped as the parser skips it: tests/host/completion.sh
# checks both against 'ptscope help CMD'.

# _ptscope_add WORDS: add those of WORDS that start with $cur, one each,
# neither split nor globbed again ([heap] must not match a file named h).
_ptscope_add()
{
	local w
	while IFS= read -r w; do
		COMPREPLY+=("$w")
	done < <(compgen -W "$1" -- "$cur")
}

_ptscope()
{
	local cur prev words cword split
	_init_completion -s || return

	local commands="info maps xlate walk tables share diff dma phys iommu map check faults explain help"
	local common="-j --json -p --pretty --source -h --help -V --version"
	local cmd= i

	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-o | --output | -f | --file | --format | --fault | --access | -i | --input | --svg | --width | --by | --core | --coredump | --log | --source | --fields) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	case "$prev" in
	-o | --output | -f | --file | --core | --dmesg | --log | -i | --input | --svg)
		_filedir
		return ;;
	--width | --fault | --coredump)
		return ;;
	--format)
		_ptscope_add "tap json plain"
		return ;;
	--access)
		_ptscope_add "read write exec"
		return ;;
	--source)
		_ptscope_add "module procfs auto"
		return ;;
	--color)
		_ptscope_add "auto always never"
		return ;;
	--by)
		_ptscope_add "state node fill"
		return ;;
	--fields)
		_ptscope_add "entry frame cow place all entry,frame entry,cow"
		return ;;
	esac
	# --opt=VALUE with no value list above: nothing to offer.
	$split && return

	local opts=
	case "$cmd" in
	walk) opts="--pages --present --swapped --huge --cow --placement --fields -o --output" ;;
	maps) opts="--placement" ;;
	share) opts="--all" ;;
	phys) opts="--who" ;;
	faults) opts="--follow" ;;
	explain) opts="--fault --last --dmesg --core --coredump --journal --log --access" ;;
	check) opts="-f --file --format" ;;
	map) opts="--svg -i --input --by --width --color --color=" ;;
	esac

	if [[ "$cur" == -* ]]; then
		_ptscope_add "$common $opts"
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	if [ -z "$cmd" ]; then
		_ptscope_add "$commands"
		return
	fi
	# Positional arguments: PIDs first, then places for range commands.
	local nargs=0
	for ((i = i + 1; i < cword; i++)); do
		case "${words[i]}" in
		-o | --output | -f | --file | --format | --fault | --access | -i | --input | --svg | --width | --by | --core | --coredump | --log | --source | --fields) ((i++)) ;;
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done
	case "$cmd" in
	help) _ptscope_add "$commands" ;;
	faults) [ $nargs = 0 ] && _ptscope_add "clear" ;;
	maps | dma | share) _pids; _ptscope_add "self" ;;
	map) [ $nargs -lt 2 ] && { _pids; _ptscope_add "self"; } ;;
	xlate | walk | tables | check | explain | diff)
		if [ $nargs = 0 ]; then
			_pids
			_ptscope_add "self"
			[ "$cmd" = diff ] && _filedir
		elif { [ $nargs = 1 ] && [ "$cmd" != diff ]; } ||
			{ [ $nargs -gt 1 ] && [ "$cmd" = xlate ]; }; then	# xlate PID ADDR...
			_ptscope_add "[heap] [stack] [vdso]"
		fi ;;
	esac
} &&
	complete -F _ptscope ptscope
