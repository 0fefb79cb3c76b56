# Shared by tests/e2e/*.sh: run the real mwb, check what it printed and that
# no QEMU it started outlived it. Each test prints one TAP line.
set -u
MWB=${MWB:?MWB must name the mwb binary}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mwb-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8
export MWB_SCENARIOS=${MWB_SCENARIOS:-$(cd "$(dirname "$MWB")" && pwd)/scenarios}
[ -d "$MWB_SCENARIOS" ] || MWB_SCENARIOS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scenarios
# The keymaps too, for a binary built outside the tree's top (build/asan/mwb).
export MWB_KEYMAPS=${MWB_KEYMAPS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/keymaps}

_problems=()
problem() { _problems+=("$*"); }

# run_mwb ARGS...: OUT, ERR, RC; every run keeps its directory under $WORK/runs
# so its journal can name the processes it started.
run_mwb() {
	mkdir -p "$WORK/runs"
	OUT=$(timeout -k 5 "${MWB_TEST_TIMEOUT:-180}" "$MWB" "$@" 2>"$WORK/stderr")
	RC=$?
	ERR=$(cat "$WORK/stderr")
}

# Every QEMU pid a kept run's journal or the output recorded as started.
started_pids() {
	{
		cat "$WORK"/runs*/*/journal.jsonl 2>/dev/null
		printf '%s\n' "${OUT:-}"
	} | grep -oE '(started [a-z]+ QEMU \(pid [0-9]+\)|ok +[0-9.]+ s +pid [0-9]+)' | grep -oE 'pid [0-9]+' |
		grep -oE '[0-9]+' | sort -u
}

# A pid is "alive" if it exists and is not a zombie we cannot reap.
pid_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null)
	[ "$st" != Z ] && grep -q qemu "/proc/$1/cmdline" 2>/dev/null
}

expect_no_survivors() {
	local p pids
	pids=$(started_pids)
	[ -n "$pids" ] || { [ "${1:-}" = none-ok ] || problem "found no QEMU pid in the journal or output"; return; }
	for p in $pids; do
		pid_alive "$p" && problem "QEMU pid $p outlived mwb: $(tr '\0' ' ' </proc/$p/cmdline)"
	done
}

expect_rc() { [ "$RC" -eq "$1" ] || problem "exit status $RC, expected $1"; }
expect_out() { grep -qE -- "$1" <<<"$OUT" || problem "stdout lacks /$1/"; }
expect_err() { grep -qE -- "$1" <<<"$ERR" || problem "stderr lacks /$1/"; }
expect_not_out() { ! grep -qE -- "$1" <<<"$OUT" || problem "stdout has /$1/"; }

# verdict NAME: the TAP line for the checks made since the last verdict.
verdict() {
	if [ ${#_problems[@]} -eq 0 ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '#   %s\n' "${_problems[@]}"
		printf '%s\n' "${OUT:-}" | tail -n 25 | sed 's/^/#   out: /'
		printf '%s\n' "${ERR:-}" | tail -n 5 | sed 's/^/#   err: /'
	fi
	_problems=()
	rm -rf "$WORK/runs"
}

skip() { echo "ok - $1 # SKIP $2"; }

# The kept run directory of the last run.
last_run_dir() { ls -d "$WORK"/runs/mwb-* 2>/dev/null | tail -n 1; }

# sbs_run COMMAND KEY...: COMMAND under script(1), on a pty. Each KEY (a
# printf format, such as '\n' or 'c\n') is typed once the next --sbs prompt
# is on the screen; "pause:SECONDS" waits that long at the next prompt
# before its key; "eof" closes the input there. The input stays open until
# COMMAND ends, so no test depends on how fast the machine is. Sets OUT, RC.
sbs_run() {
	local cmd=$1 k n=0 delay=0 deadline
	shift
	rm -f "$WORK/sbs.in" "$WORK/sbs.out" "$WORK/sbs.rc"
	mkfifo "$WORK/sbs.in"
	(timeout -k 5 120 script -qefc "$cmd" /dev/null <"$WORK/sbs.in" >"$WORK/sbs.out" 2>&1
		echo $? >"$WORK/sbs.rc") &
	exec 7>"$WORK/sbs.in"
	for k in "$@"; do
		case $k in pause:*) delay=${k#pause:}; continue ;; esac
		n=$((n + 1))
		deadline=$((SECONDS + 90))
		until [ "$(grep -o 'q abort >' "$WORK/sbs.out" 2>/dev/null | wc -l)" -ge $n ] ||
			[ -s "$WORK/sbs.rc" ] || [ $SECONDS -ge $deadline ]; do
			sleep 0.05
		done
		[ "$delay" = 0 ] || sleep "$delay"
		delay=0
		if [ "$k" = eof ]; then
			exec 7>&-
			break
		fi
		printf "$k" >&7
	done
	deadline=$((SECONDS + 120))
	until [ -s "$WORK/sbs.rc" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
	exec 7>&- 2>/dev/null
	wait
	OUT=$(cat "$WORK/sbs.out")
	RC=$(cat "$WORK/sbs.rc" 2>/dev/null || echo 124)
}
