# bash completion for mwb(1), the migration workbench.
#
# Source it, or install it as /usr/share/bash-completion/completions/mwb.
# Scenario paths for -p and -r come from `mwb list`, run with the very mwb
# being completed (./mwb, build/asan/mwb, ...) and with the command line's
# --scenarios DIR if it has one. Needs nothing from the bash-completion
# package.

# The scenario paths, one per line.
_mwb_list()
{
	local mwb=$1 dir=$2

	[[ $mwb == "~/"* ]] && mwb=$HOME/${mwb#"~/"}
	if [[ -n $dir ]]; then
		[[ $dir == "~/"* ]] && dir=$HOME/${dir#"~/"}
		"$mwb" list --scenarios "$dir" 2>/dev/null
	else
		"$mwb" list 2>/dev/null
	fi
}

# Every path and each of its leading components: what -r takes.
_mwb_prefixes()
{
	local path prefix part
	local -a parts

	while IFS= read -r path; do
		prefix=
		IFS=/ read -ra parts <<<"${path#/}"
		for part in "${parts[@]}"; do
			prefix+=/$part
			printf '%s\n' "$prefix"
		done
	done | sort -u
}

# COMPREPLY from newline-separated candidates that start with $2, each given
# the prefix $3 (for --opt=value written as one word).
_mwb_reply()
{
	local cand=$1 cur=$2 pre=$3 c

	COMPREPLY=()
	while IFS= read -r c; do
		[[ -n $c && $c == "$cur"* ]] && COMPREPLY+=("$pre$c")
	done <<<"$cand"
}

_mwb_files()
{
	# $1: -d for directories, -f for files; $2: the word; $3: a prefix
	local c

	compopt -o filenames 2>/dev/null
	COMPREPLY=()
	while IFS= read -r c; do
		[[ -n $c ]] && COMPREPLY+=("$3$c")
	done < <(compgen "$1" -- "$2")
}

_mwb()
{
	local -a words=("${COMP_WORDS[@]}")
	local cword=$COMP_CWORD
	local cur=${words[cword]} prev= opt= pre= cmd= dir= i
	local list_opts='-p --path -r --prefix -v --verbose --scenarios --help'
	local run_opts='-p --path -r --prefix -a --all -v --verbose --tui --keymap --sbs --keep-going
		--keep --workdir --accel --qemu --qemu-src --qemu-dst --both-ways --wrap --fault --timeout
		--timeout-scale --guest-mem --multifd-channels --max-bandwidth --downtime-limit --live
		-b --break --break-event --tap --junit --scenarios --help
		--criu -f --flavor --nocr --norst --iters --pre --snaps --page-server --lazy-pages
		--remote-lazy-pages --sibling --stop --dedup --report --known-broken --uri --other-uri'
	local report_opts='--known-broken --threshold --min-seconds --help'
	local replay_opts='--summary --json --format --keymap --scenarios --keep --workdir --help'
	local value_opts='-p|--path|-r|--prefix|--keymap|--keep|--workdir|--accel|--qemu|--qemu-src|--qemu-dst|--wrap|--fault|--timeout|--timeout-scale|--guest-mem|--multifd-channels|--max-bandwidth|--downtime-limit|--live|-b|--break|--break-event|--junit|--scenarios|--criu|-f|--flavor|--iters|--pre|--replay|--format|--report|--known-broken|--threshold|--min-seconds|--uri|--other-uri'

	((cword > 0)) && prev=${words[cword - 1]}

	if ((cword == 1)); then
		_mwb_reply $'list\nrun\ninspect\nreplay\nreport\nhosts\nactions\nkeys\nhelp\n--version\n--help\n--keymap\n--scenarios\n--replay' "$cur"
		return 0
	fi
	cmd=${words[1]}

	# The --scenarios DIR the command line gives, if any, for `mwb list`.
	for ((i = 2; i < ${#words[@]}; i++)); do
		((i == cword)) && continue
		case ${words[i]} in
		--scenarios)
			if [[ ${words[i + 1]} == = ]]; then
				dir=${words[i + 2]}
			else
				dir=${words[i + 1]}
			fi
			;;
		--scenarios=?*) dir=${words[i]#--scenarios=} ;;
		esac
	done

	# Which option the word is a value of. Bash splits "--keep=al" into
	# "--keep" "=" "al" when '=' is in COMP_WORDBREAKS, and keeps it whole
	# when it is not.
	if [[ $cur == = ]]; then
		opt=$prev
		cur=
	elif [[ $prev == = ]]; then
		((cword >= 2)) && opt=${words[cword - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		pre=$opt=
		cur=${cur#*=}
	elif [[ $prev == @($value_opts) ]]; then
		opt=$prev
	fi

	# --break-event SIDE:EVENT, split at ':' as '=' is.
	if [[ $prev == : && ${words[cword - 2]} == @(src|dst) && ${words[cword - 3]} == --break-event ]] ||
		[[ $cur == : && ${words[cword - 1]} == @(src|dst) && ${words[cword - 2]} == --break-event ]]; then
		[[ $cur == : ]] && cur=
		_mwb_reply $'MIGRATION\nMIGRATION_PASS\nRESUME\nSTOP\nSHUTDOWN' "$cur"
		return 0
	fi

	# --wrap ROLE=PREFIX: after ROLE=, a command; "src" "=" split as above.
	if [[ $opt == @(src|dst) && ${words[cword - 3]} == --wrap ]] ||
		[[ $opt == @(src|dst) && $cur == "" && ${words[cword - 2]} == --wrap ]]; then
		_mwb_reply "$(compgen -c -- "$cur" | sort -u)" "$cur"
		return 0
	fi

	if [[ -n $opt ]]; then
		case $opt in
		-p | --path)
			_mwb_reply "$(_mwb_list "${words[0]}" "$dir")" "$cur" "$pre"
			;;
		-r | --prefix)
			_mwb_reply "$(_mwb_list "${words[0]}" "$dir" | _mwb_prefixes)" "$cur" "$pre"
			;;
		--keep)
			_mwb_reply $'always\nfailed\nnever' "$cur" "$pre"
			;;
		--keymap)
			# A name from keymaps/, or a file.
			if [[ $cur == */* ]]; then
				_mwb_files -f "$cur" "$pre"
			else
				_mwb_reply $'default\nvi\nemacs' "$cur" "$pre"
			fi
			;;
		--accel)
			_mwb_reply $'kvm\ntcg' "$cur" "$pre"
			;;
		--fault)
			_mwb_reply $'dst-write\nkill-dst\ncorrupt-stream' "$cur" "$pre"
			;;
		--wrap)
			if [[ $cur == @(src|dst)=* ]]; then
				local role=${cur%%=*}
				_mwb_reply "$(compgen -c -- "${cur#*=}" | sort -u)" "${cur#*=}" "$pre$role="
			else
				_mwb_reply $'src=\ndst=\ncriu=' "$cur" "$pre"
				compopt -o nospace 2>/dev/null
			fi
			;;
		--workdir | --scenarios | --report)
			_mwb_files -d "$cur" "$pre"
			;;
		--known-broken)
			_mwb_files -f "$cur" "$pre"
			;;
		--threshold)
			# percent: a timing change counts from here (default 50)
			_mwb_reply $'25\n50\n100' "$cur" "$pre"
			;;
		--min-seconds)
			_mwb_reply $'0.5\n1\n5' "$cur" "$pre"
			;;
		--junit | --replay)
			_mwb_files -f "$cur" "$pre"
			;;
		--format)
			# How mwb replay reads the log (else told from its content).
			_mwb_reply $'meson\ngtap\ntap\nzdtm\ncriu\njournal' "$cur" "$pre"
			;;
		--qemu | --qemu-src | --qemu-dst)
			if [[ $cur == */* ]]; then
				_mwb_files -f "$cur" "$pre"
			else
				_mwb_reply "$(compgen -c -- "$cur" | sort -u)" "$cur" "$pre"
			fi
			;;
		--guest-mem)
			_mwb_reply $'128M\n256M\n512M\n1G\n2G' "$cur" "$pre"
			;;
		--multifd-channels)
			_mwb_reply $'2\n4\n8\n16' "$cur" "$pre"
			;;
		--max-bandwidth)
			_mwb_reply $'100M\n1G\n10G' "$cur" "$pre"
			;;
		--downtime-limit)
			_mwb_reply $'300\n1000\n30000' "$cur" "$pre"
			;;
		-f | --flavor)
			_mwb_reply $'h\nns\nuns\nh,ns,uns' "$cur"
			return 0
			;;
		--criu)
			_mwb_reply "$(compgen -c -- "$cur")" "$cur"
			return 0
			;;
		--live)
			_mwb_reply $'on\noff' "$cur" "$pre"
			;;
		--timeout-scale)
			# A factor from 0.1 to 1000; 10 suits valgrind.
			_mwb_reply $'2\n5\n10\n20' "$cur" "$pre"
			;;
		--break-event)
			# Event names; key=value filters go in the same (quoted) word.
			_mwb_reply $'MIGRATION\nMIGRATION_PASS\nRESUME\nSTOP\nSHUTDOWN\nsrc:\ndst:' "$cur" "$pre"
			[[ ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
			;;
		*)
			COMPREPLY=()
			;;
		esac
		return 0
	fi

	case $cmd in
	list) _mwb_reply "$(printf '%s\n' $list_opts)" "$cur" ;;
	run) _mwb_reply "$(printf '%s\n' $run_opts)" "$cur" ;;
	actions) _mwb_reply '--help' "$cur" ;;
	keys) _mwb_reply $'--keymap\n--mdoc\n--help' "$cur" ;;
	inspect)
		if [[ $prev == --page ]]; then
			return 0
		elif [[ $cur == -* ]]; then
			_mwb_reply $'--json\n--page\n--help' "$cur"
		else
			_mwb_files -f "$cur" ""
		fi
		;;
	hosts)
		((cword == 2)) && _mwb_reply $'start\nstop\nstatus' "$cur"
		;;
	report)
		# report compare A.json B.json, report problems A.json
		if ((cword == 2)); then
			_mwb_reply $'compare\nproblems' "$cur"
		elif [[ $cur == -* ]]; then
			_mwb_reply "$(printf '%s\n' $report_opts)" "$cur"
		else
			_mwb_files -f "$cur" ""
		fi
		;;
	replay)
		if [[ $cur == -* ]]; then
			_mwb_reply "$(printf '%s\n' $replay_opts)" "$cur"
		else
			_mwb_files -f "$cur" ""
		fi
		;;
	-*) _mwb_reply $'--keymap\n--scenarios\n--replay' "$cur" ;;
	*) COMPREPLY=() ;;
	esac
	return 0
}

complete -F _mwb mwb
