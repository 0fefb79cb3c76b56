# The workbench on a real terminal, driven through a private tmux server:
# what the scripted tests cannot show (a real tty, resizing, gdb taking the
# terminal and giving it back, a crash restoring the terminal modes).
# Every wait polls the screen with a deadline; there are no bare sleeps.
. "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null; then
	for t in walk resize gdb bt wrap interrupt colours crash; do skip "tmux: $t" "tmux is not installed"; done
	exit 0
fi

# A server per session: a new session on the socket of a server that is
# still exiting fails ("server exited unexpectedly").
SOCKN=0
SOCK=mwb-test-$$-$SOCKN
cat >"$WORK/tmux.conf" <<'EOF'
set -g remain-on-exit on
set -g status off
set -g default-terminal screen-256color
EOF
T() { tmux -L "$SOCK" -f "$WORK/tmux.conf" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
export HOME=$WORK/home XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config INPUTRC=/dev/null
mkdir -p "$HOME"
P=/x86_64/migration/precopy/unix/plain

# start COLSxROWS COMMAND: a fresh session "t" running COMMAND.
start() {
	T kill-server 2>/dev/null
	SOCKN=$((SOCKN + 1))
	SOCK=mwb-test-$$-$SOCKN
	mkdir -p "$WORK/runs-tmux"
	rm -f "$WORK/exit-status"
	# The shell records the exit status: tmux has been seen to leave an
	# exited pane unreaped (a zombie) for half a minute under load.
	T new-session -d -s t -x "${1%x*}" -y "${1#*x}" \
		"cd '$PWD' && env HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' INPUTRC=/dev/null $2; echo \$? >'$WORK/exit-status'"
}
screen() { T capture-pane -p -t t:0 2>/dev/null; }
# wait_for REGEX [SECONDS]: until the screen matches; a problem if it never does.
wait_for() {
	local deadline=$((SECONDS + ${2:-30}))
	while [ $SECONDS -lt $deadline ]; do
		screen | grep -qE -- "$1" && return 0
		# Nothing more will come: mwb has exited, or tmux went away.
		if [ -s "$WORK/exit-status" ] || ! T has-session -t t 2>/dev/null; then
			problem "mwb or tmux ended (exit status: $(cat "$WORK/exit-status" 2>/dev/null)) before /$1/"
			break
		fi
		sleep 0.1
	done
	problem "the screen never showed /$1/; it showed:"
	while IFS= read -r l; do problem "  | $l"; done < <(screen)
	return 1
}
keys() { T send-keys -t t:0 "$@"; }
command() { keys ":$1" Enter; }
dead_status() {
	local deadline=$((SECONDS + ${1:-30}))
	while [ $SECONDS -lt $deadline ]; do
		if [ -s "$WORK/exit-status" ]; then
			cat "$WORK/exit-status"
			return 0
		fi
		sleep 0.1
	done
	echo "timeout; the screen:"
	screen | sed 's/^/  | /'
	local pid tty
	tty=$(T display -p -t t:0 '#{pane_tty}' 2>/dev/null)
	echo "  processes on $tty:"
	for fd in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$tty" ] && echo "$fd"
	done | cut -d/ -f3 | sort -u | while read -r p; do
		echo "  holds it: $p $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | cut -c1-150) [$(awk '/^State/ {print $2}' /proc/$p/status 2>/dev/null)]"
	done
	pid=$(mwb_pid)
	echo "  mwb pid $pid: $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null | cut -c1-120) [$(awk '/^State/ {print $2}' /proc/$pid/status 2>/dev/null)]"
	local pp
	pp=$(awk '/^PPid/ {print $2}' /proc/"$pid"/status 2>/dev/null)
	echo "  parent $pp: $(tr '\0' ' ' </proc/$pp/cmdline 2>/dev/null | cut -c1-100) [$(awk '/^State/ {print $2}' /proc/$pp/status 2>/dev/null)] wchan=$(cat /proc/$pp/wchan 2>/dev/null)"
	grep -E '^Sig(Blk|Ign|Cgt)' /proc/"$pp"/status 2>/dev/null | sed 's/^/      /'
	echo "  exit_signal of $pid: $(sed -E 's/^[0-9]+ \(.*\) //' /proc/$pid/stat | awk '{print $36}')"
	grep -E '^Sig(Pnd|Blk)|ShdPnd' /proc/"$pp"/status | sed 's/^/      parent /'
	for task in /proc/"$pid"/task/*; do
		echo "  task $(basename "$task") $(cat "$task/comm" 2>/dev/null) [$(awk '/^State/ {print $2}' "$task/status" 2>/dev/null)] wchan=$(cat "$task/wchan" 2>/dev/null) tracer=$(awk '/^TracerPid/ {print $2}' "$task/status")"
		head -n 6 "$task/stack" 2>/dev/null | sed 's/^/      /'
	done
	pgrep -P "$pid" | while read -r c; do echo "  child $c: $(tr '\0' ' ' </proc/$c/cmdline | cut -c1-120) [$(awk '/^State/ {print $2}' /proc/$c/status)]"; done
	if [ -n "$pid" ]; then
		echo "  mwb (pid $pid) is still there:"
		gdb -q -batch -p "$pid" -ex 'thread apply all bt 12' 2>&1 | grep -E '^(#|Thread)' | sed 's/^/  | /'
	fi
}
# A crash report, if the workbench left one, says why it died.
crash_report() {
	local f
	for f in "$XDG_STATE_HOME"/mwb/crash-*.txt; do
		[ -f "$f" ] || continue
		while IFS= read -r l; do problem "  crash: $l"; done < <(head -n 30 "$f")
	done
}
# mwb in the pane's session (its guard has a session of its own).
mwb_pid() { pgrep -x -s "$(ps -o sid= -p "$(T display -p -t t:0 '#{pane_pid}')" | tr -d ' ')" mwb | head -n 1; }
MWB_TUI="$MWB run --tui --keep always --workdir $WORK/runs-tmux -p $P"

# ---- walk ----
start 120x40 "$MWB_TUI"
wait_for 'step 1/12  paused' 15
# Each step's QMP traffic is on the screen when the step has run.
want=('' '-> qmp_capabilities' 'dst +-> query-kvm' '-> migrate-set-capabilities' '-> migrate-set-parameters'
	'' '-> migrate-incoming' '-> migrate \{' 'event MIGRATION \{"status":"completed"\}' 'event RESUME' ''
	'-> quit' '-> stop')
for i in $(seq 1 12); do
	keys s
	if [ "$i" -lt 12 ]; then
		wait_for "step $((i + 1))/12  paused" 30 || break
	else
		wait_for 'step 12/12  PASS' 30 || break
	fi
	[ -z "${want[$i]}" ] || screen | grep -qE -- "${want[$i]}" || problem "after step $i the log lacks /${want[$i]}/"
done
screen | grep -qE '^ +12 check +ok' || problem "step 12 is not shown ok"
verdict "in tmux at 120x40, repeated s walks every step to PASS with each step's QMP on screen"

# ---- resize ----
T resize-window -t t:0 -x 80 -y 24
wait_for '^ mwb  /x86_64' 5
rows=$(screen | wc -l)
[ "$rows" -eq 24 ] || problem "80x24: the screen has $rows rows"
screen | sed -n 23p | grep -q '^ mwb  /x86_64/migration/precopy/unix/plain  step 12/12  PASS' ||
	problem "80x24: the status line is not on row 23: $(screen | sed -n 23p)"
screen | awk 'length > 80 { bad = 1 } END { exit bad }' || problem "80x24: a row is wider than 80"
screen | grep -q '^ steps (12)' || problem "80x24: no steps pane"
T resize-window -t t:0 -x 120 -y 40
sleep 0.3
wait_for '^ steps \(12\) ' 5
screen | sed -n 39p | grep -q '^ mwb  /x86_64' || problem "back at 120x40: the status line is not on row 39"
screen | grep -qE '^ +12 check +ok' || problem "back at 120x40: the steps are not redrawn"
# The mouse is off until asked for; then a click selects (X10 encoding:
# ESC [ M, button+32, column+33, row+33).
command 'set mouse on'
wait_for 'mouse on' 5
keys -l "$(printf '\033[M %s%s' "$(printf "\\$(printf %o $((33 + 5)))")" "$(printf "\\$(printf %o $((33 + 5)))")")"
keys -l "$(printf '\033[M#%s%s' "$(printf "\\$(printf %o $((33 + 5)))")" "$(printf "\\$(printf %o $((33 + 5)))")")"
wait_for '^ 5/12 wait-guest \(qemu.wait-serial\)' 5
keys q
st=$(dead_status 30)
[ "$st" = 0 ] || problem "q: exit status $st"
expect_no_survivors
verdict "resizing to 80x24 and back redraws every pane; set mouse on makes a click select; q stops every process"

# ---- gdb ----
start 120x40 "$MWB_TUI"
wait_for 'step 1/12  paused' 15
keys s
wait_for 'step 2/12  paused'
keys s
wait_for 'step 3/12  paused'
command 'gdb dst here'
if wait_for '\(gdb\) ?$' 30; then
	keys 'info threads' Enter
	wait_for 'qemu-system-x86'
	keys quit Enter
	wait_for 'Quit anyway\? \(y or n\)|detach' 10 && keys y Enter
	wait_for 'back from gdb \(dst' 15
	screen | grep -q '^ steps (12)' || problem "the screen did not come back after gdb"
	screen | grep -qE '^ > 3 events' || problem "the steps pane is not intact after gdb"
fi
# Inside tmux, :gdb opens a window instead.
command 'gdb dst'
wait_for 'in tmux window gdb-dst' 10
T list-windows -t t -F '#{window_name}' | grep -qx gdb-dst || problem "no tmux window gdb-dst"
T kill-window -t t:gdb-dst 2>/dev/null
# Closing gdb's window must not leave the destination stopped or traced.
deadline=$((SECONDS + 10))
while pgrep -f 'gdb -q -p' >/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
sleep 0.5
verdict ":gdb dst attaches gdb and returns to an intact screen; inside tmux it opens a window"

# ---- bt ----
command 'bt dst'
wait_for 'log \[bt-dst\]' 10
wait_for 'Thread 1 \(LWP [0-9]+ "qemu-system-x86"\):' 5
wait_for '#0  0x[0-9a-f]+ in ' 5
dst=$(grep -o 'started destination QEMU (pid [0-9]*' "$(ls -td "$WORK"/runs-tmux/mwb-* | head -n 1)/journal.jsonl" | grep -o '[0-9]*$' | tail -n 1)
if [ -n "$dst" ]; then
	for task in /proc/"$dst"/task/*; do
		st=$(awk '/^State:/ { print $2 }' "$task/status")
		tr=$(awk '/^TracerPid:/ { print $2 }' "$task/status")
		[ "$st" != t ] && [ "$st" != T ] || problem "after :bt, thread $(basename "$task") is stopped ($st)"
		[ "$tr" = 0 ] || problem "after :bt, thread $(basename "$task") is still traced by $tr"
	done
else
	problem "no destination pid in the journal"
fi
# The destination still works: the migration completes.
keys c
wait_for 'step 12/12  PASS' 60
keys q
st=$(dead_status 30); [ "$st" = 0 ] || { problem "q: exit status $st"; crash_report; }
expect_no_survivors
verdict ":bt dst shows every thread of the destination and leaves it running"

# ---- wrap ----
start 120x40 "$MWB_TUI"
wait_for 'step 1/12  paused' 15
command 'wrap dst valgrind'
wait_for "dst runs under 'valgrind --log-file=" 5
keys r
wait_for 'step 1/12  paused' 30
keys c
wait_for 'step 12/12  (PASS|FAIL)' 300
command 'log valgrind-dst'
wait_for 'log \[valgrind-dst\]' 10
keys Home
wait_for 'Memcheck, a memory error detector' 10
screen | grep -q 'step 12/12  PASS' || problem "the run under valgrind did not pass"
run=$(ls -td "$WORK"/runs-tmux/mwb-* | head -n 1)
[ -s "$run/valgrind-dst.log" ] || problem "no valgrind-dst.log in the run directory"
grep -q 'valgrind' "$run/journal.jsonl" || problem "the journal does not show the wrapped start"
keys q
st=$(dead_status 60); [ "$st" = 0 ] || problem "q: exit status $st"
expect_no_survivors
verdict ":wrap dst valgrind + r reruns with the destination under valgrind; its log is a tab"

# ---- ^C ----
start 120x40 "$MWB_TUI --guest-mem 1G"
wait_for 'step 1/12  paused' 15
keys c
wait_for 'step [2-9]/12  running|step 1[0-2]/12  running' 10
keys C-c
wait_for 'paused: interrupted by \^C' 60
[ -s "$WORK/exit-status" ] && problem "^C ended mwb with status $(cat "$WORK/exit-status")"
keys q
st=$(dead_status 30); [ "$st" = 0 ] || problem "q after ^C: exit status $st"
expect_no_survivors
verdict "^C during a running step pauses the runner after that step instead of killing mwb"

# ---- colours ----
start 100x30 "$MWB_TUI"
wait_for 'step 1/12  paused' 15
T capture-pane -e -p -t t:0 >"$WORK/color.screen"
keys q
dead_status 30 >/dev/null
start 100x30 "env NO_COLOR=1 $MWB_TUI"
wait_for 'step 1/12  paused' 15
T capture-pane -e -p -t t:0 >"$WORK/nocolor.screen"
keys q
dead_status 30 >/dev/null
# SGR colours: 30-37, 40-47, 90-97, 38;5 / 48;5.
sgr='\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|[34]8;5)(;[0-9;]*)?m'
grep -qE "$sgr" "$WORK/color.screen" || problem "no colour at all on a colour terminal"
grep -qE "$sgr" "$WORK/nocolor.screen" && problem "NO_COLOR=1 still draws colours: $(grep -oE "$sgr" "$WORK/nocolor.screen" | sort -u | head -3 | tr '\n' ' ')"
grep -qE '\[([0-9;]*;)?7(;[0-9;]*)?m' "$WORK/nocolor.screen" || problem "NO_COLOR=1: no reverse video for the titles and status line"
grep -q 'step 1/12  paused' "$WORK/nocolor.screen" || problem "NO_COLOR=1: the screen is not drawn"
verdict "colours on a colour terminal; NO_COLOR gives a monochrome screen with reverse video"

# ---- crash ----
start 120x40 "sh -c 'stty -g >$WORK/stty.before; $MWB_TUI; echo rc=\$? >$WORK/rc; stty -g >$WORK/stty.after'"
wait_for 'step 1/12  paused' 15
keys s
wait_for 'step 2/12  paused'
pid=$(mwb_pid)
if [ -n "$pid" ]; then
	kill -SEGV "$pid"
	deadline=$((SECONDS + 20))
	while [ ! -s "$WORK/stty.after" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
	if [ -s "$WORK/stty.after" ]; then
		cmp -s "$WORK/stty.before" "$WORK/stty.after" ||
			problem "stty -g changed: $(cat "$WORK/stty.before") -> $(cat "$WORK/stty.after")"
		# Under ASan the handler hands the signal on to ASan, which aborts.
		grep -q 'rc=139' "$WORK/rc" || { [ -n "${ASAN_OPTIONS:-}" ] && grep -q 'rc=134' "$WORK/rc"; } ||
			problem "mwb did not die of SIGSEGV: $(cat "$WORK/rc")"
	else
		problem "the shell never got past mwb"
	fi
	ls "$XDG_STATE_HOME"/mwb/crash-*.txt >/dev/null 2>&1 || problem "no crash file in the state dir"
	grep -qs 'SIGSEGV' "$XDG_STATE_HOME"/mwb/crash-*.txt || problem "the crash file does not name SIGSEGV"
	sleep 1
	expect_no_survivors
else
	problem "cannot find mwb's pid"
fi
verdict "kill -SEGV of mwb leaves stty -g unchanged, writes a crash file, and the guard ends the QEMUs"
