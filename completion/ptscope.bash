# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for ptscope(8): commands, each command's options, PIDs,
# places ([heap], [stack]) and files where a command takes them.

_ptscope_pids()
{
	local p
	for p in /proc/[0-9]*; do
		echo "${p#/proc/}"
	done
}

_ptscope()
{
	local cur prev cmd i opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="info maps xlate walk share diff dma phys iommu map check faults explain help"
	local common="-j --json -p --pretty -h --help -V --version"

	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-o | --output | -f | --file | --format | --fault | --access | -i | --input | --svg | --width) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case "$prev" in
	-o | --output | -f | --file | --core | --dmesg | -i | --input | --svg)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--width)
		return ;;
	--format)
		COMPREPLY=($(compgen -W "tap json plain" -- "$cur"))
		return ;;
	--access)
		COMPREPLY=($(compgen -W "read write exec" -- "$cur"))
		return ;;
	--fault)
		return ;;
	esac

	case "$cmd" in
	walk) opts="--pages --present --swapped --huge --cow -o --output" ;;
	share) opts="--all" ;;
	phys) opts="--who" ;;
	faults) opts="--follow" ;;
	explain) opts="--fault --last --dmesg --core --access" ;;
	check) opts="-f --file --format" ;;
	map) opts="--svg -i --input --width --color --color=auto --color=always --color=never" ;;
	*) opts= ;;
	esac

	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$common $opts" -- "$cur"))
		return
	fi
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return
	fi
	# Positional arguments: PIDs first, then places for range commands.
	local nargs=0
	for ((i = i + 1; i < COMP_CWORD; i++)); do
		[[ "${COMP_WORDS[i]}" == -* ]] || ((nargs++))
	done
	case "$cmd" in
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	faults) [ $nargs = 0 ] && COMPREPLY=($(compgen -W "clear" -- "$cur")) ;;
	maps | dma | share) COMPREPLY=($(compgen -W "self $(_ptscope_pids)" -- "$cur")) ;;
	map) [ $nargs -lt 2 ] && COMPREPLY=($(compgen -W "self $(_ptscope_pids)" -- "$cur")) ;;
	xlate | walk | check | explain | diff)
		if [ $nargs = 0 ]; then
			COMPREPLY=($(compgen -W "self $(_ptscope_pids)" -- "$cur"))
			[ "$cmd" = diff ] && COMPREPLY+=($(compgen -f -- "$cur"))
		elif [ $nargs = 1 ] && [ "$cmd" != diff ]; then
			COMPREPLY=($(compgen -W "[heap] [stack] [vdso]" -- "$cur"))
		fi ;;
	esac
}
complete -F _ptscope ptscope
