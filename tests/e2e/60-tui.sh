# The workbench, scripted: MWB_SCRIPT plays keys and commands, waiting for
# the engine to settle before each one, and :save-display writes the
# screen as text. Each screen is compared with tests/tui/NAME.screen after
# masking what changes from run to run (times, pids, sizes, the run
# directory's random suffix). MWB_TEST_REGENERATE=1 rewrites the goldens;
# review the diff before committing.
. "$(dirname "$0")/../lib.sh"
GOLDEN=$(cd "$(dirname "$0")/../tui" && pwd)

export TZ=UTC TERM=dumb INPUTRC=/dev/null MWB_NO_DISPLAY=1 HOME=$WORK/home
export XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config
unset XDG_DATA_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR TMUX NO_COLOR
mkdir -p "$HOME"

mask() {
	sed -E \
		-e "s|$WORK|WORK|g" \
		-e 's/mwb-([a-z0-9_-]+)-[A-Za-z0-9]{6}/mwb-\1-XXXXXX/g' \
		-e 's/[0-9]+\.[0-9]+s\b/N.Ns/g' \
		-e 's/^( *)[0-9]+\.[0-9]{3} /\1T.TTT /; s/\|( *)[0-9]+\.[0-9]{3} /|\1T.TTT /' \
		-e 's/pid [0-9]+/pid N/g' \
		-e 's/ *[0-9]+(\.[0-9])? (B|KiB|MiB|GiB)( |$)/ SIZE\3/g' \
		-e 's/(\| migration [a-z-]+).*/\1 .../' \
		-e 's/(first_byte|last_byte|current|expected) = [0-9a-f]+/\1 = X/g' \
		-e 's/inconsistency at [0-9a-f]+/inconsistency at X/g; s/another [0-9]+ pages/another N pages/g' \
		-e 's/QEMU [0-9]+\.[0-9]+\.[0-9]+/QEMU V/g' \
		-e 's/ of 0x[0-9a-f]+$/ of 0xSIZE/'
}

# tui NAME COLSxROWS SCRIPT -- MWB-ARGS...: plays SCRIPT; every
# ":save-display @NAME" in it is a golden screen tests/tui/NAME.screen.
tui() {
	local name=$1 size=$2 script=$3; shift 4
	local cols=${size%x*} rows=${size#*x} s
	mkdir -p "$WORK/screens"
	printf '%s\n' "$script" | sed -e "s|@\([a-z0-9-]*\)|$WORK/screens/\1.screen|g" -e "s|\$WORK|$WORK|g" \
		>"$WORK/$name.script"
	mkdir -p "$WORK/runs"
	MWB_SCRIPT=$WORK/$name.script LINES=$rows COLUMNS=$cols \
		timeout -k 5 120 "$MWB" "$@" >"$WORK/out" 2>"$WORK/stderr"
	RC=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/stderr")
	for s in $(grep -oE '@[a-z0-9-]+' <<<"$script" | tr -d @); do
		# The other saves go to files the test greps.
		if [ ! -f "$WORK/screens/$s.screen" ]; then
			problem "no screen $s was saved"
			continue
		fi
		mask <"$WORK/screens/$s.screen" >"$WORK/screens/$s.masked"
		if [ -n "${MWB_TEST_REGENERATE:-}" ]; then
			cp "$WORK/screens/$s.masked" "$GOLDEN/$s.screen"
		elif ! diff -u "$GOLDEN/$s.screen" "$WORK/screens/$s.masked" >"$WORK/diff"; then
			problem "screen $s differs from tests/tui/$s.screen:"
			while IFS= read -r l; do problem "  $l"; done <"$WORK/diff"
		fi
	done
}

RUN=(run --tui --keep always --workdir "$WORK/runs")
P=/x86_64/migration/precopy/unix/plain

tui list 80x24 '
:save-display @list-80x24
exec
:save-display @list-filter
<BS><BS><BS><BS>
:resize 160x50
:save-display @list-160x50
' --
expect_rc 0
verdict "the scenario list as a tree, filtered as you type, at 80x24 and 160x50"

tui open 100x30 '
unix<Enter>
:save-display @list-opened
' --
expect_rc 0
grep -q 'step 1/12  paused' "$WORK/screens/list-opened.screen" || problem "Enter did not open the scenario paused"
verdict "Enter in the list opens the scenario, paused before step 1"

tui paused 120x40 '
:save-display @paused-120x40
:resize 80x24
:save-display @paused-80x24
:resize 160x50
:save-display @paused-160x50
' -- "${RUN[@]}" -p $P
expect_rc 0
expect_no_survivors none-ok
verdict "run --tui opens paused before step 1 (120x40, 80x24, 160x50)"

# A live run's log interleaves two QEMUs as they happen: the steps, the
# about box and the status line are compared whole, the log by content.
tui walk 120x40 '
s
s
s
:save-display @step3-steps steps
:save-display @step3-about about
:save-display $WORK/step3-log.txt log
s
s
s
s
s
s
s
s
s
:save-display @completed-steps steps
:save-display @completed-status status
:save-display $WORK/all-log.txt log
:qmp dst query-status
:qmp dst query-status
:qmp dst query-status
:save-display $WORK/dst-status.txt status
:log qmp-dst
:save-display $WORK/dst-log.txt log
:log qmp-src
:search <- query-migrate
:save-display $WORK/src-log.txt log
' -- "${RUN[@]}" -p $P
expect_rc 0
expect_no_survivors
for want in 'src +-> migrate-set-capabilities' 'dst +-> migrate-set-capabilities' 'src +<- migrate-set-capabilities: ok'; do
	grep -qE -- "$want" "$WORK/step3-log.txt" || problem "step 3's log lacks /$want/"
done
grep -qE -- '-> migrate \{"uri":"unix:' "$WORK/src-log.txt" || problem "qmp-src lacks the migrate command"
grep -qE -- '<- query-migrate: \{"status":"compl' "$WORK/src-log.txt" ||
	{ problem "qmp-src lacks the answer to query-migrate"; while IFS= read -r l; do problem "  | $l"; done <"$WORK/src-log.txt"; }
grep -qE -- '-> query-status +\[\+ x3\] last <- query-status: \{"status":"paused"' "$WORK/dst-log.txt" ||
	problem "three query-status polls are not folded into one line with a count"
grep -qE -- 'qmp dst: \{ *"status" *: *"paused"' "$WORK/dst-status.txt" || problem ":qmp did not show the reply"
grep -qE -- 'dst +<- event RESUME' "$WORK/all-log.txt" || problem "the merged log lacks dst's RESUME"
grep -qE -- 'log \[all\]' "$WORK/all-log.txt" || problem "the merged tab is not named"
verdict "s walks every step of precopy/unix/plain to PASS; each step's QMP is logged as it happens"

tui fail 80x24 '
c
:save-display @failed-steps steps
:save-display $WORK/fail-about.txt about
:save-display $WORK/fail-log.txt log
:save-display $WORK/fail-status.txt status
' -- "${RUN[@]}" -p $P --fault dst-write
expect_rc 1
expect_no_survivors
grep -q 'Memory content inconsisten' "$WORK/fail-log.txt" || problem "the log does not show the inconsistency lines"
grep -q 'and in another' "$WORK/fail-log.txt" || problem "the log does not show the page count line"
tr '\n' ' ' <"$WORK/fail-about.txt" | grep -qE 'failed: Memory +content +inconsistency at' ||
	problem "the about box does not give the failed step's reason"
grep -q 'FAIL at step 12 (check): Memory content inconsistency at' "$WORK/fail-status.txt" ||
	problem "the message line does not name the failed step and why"
verdict "with --fault dst-write the screen lands on the failed check with the inconsistency lines"

# 200 columns leave the labels beside the rows room for two or three.
# Offsets past the RAM block list change from run to run (so do the pages
# the guest dirtied), so the jumps are checked by what they land on: the
# timer's section header is found by its bytes (05 "timer", instance 0,
# version 2), which no guest page holds.
tui hex 200x50 '
c
:open migfile
:save-display @hexdump
:goto 0x100
:save-display $WORK/goto.txt viewer
/x:70 63 2e 72 6f 6d<Enter>
:save-display $WORK/search.txt viewer
:goto 0x1a
:save-display $WORK/start.txt viewer
}
:save-display $WORK/next.txt viewer
/x:05 74 69 6d 65 72 00 00 00 00 00 00 00 02<Enter>
:save-display $WORK/hit.txt viewer
{
:save-display $WORK/timer.txt viewer
{
:save-display $WORK/ramend.txt viewer
}
:save-display $WORK/timer2.txt viewer
:page 0x3280000
:save-display $WORK/page.txt viewer
:page 0x7fffffff0
:save-display $WORK/nopage.txt
:open journal.jsonl
}
:save-display $WORK/text.txt
' -- "${RUN[@]}" -p /x86_64/migration/precopy/exec/file
expect_rc 0
grep -q '^ migfile  hex, QEMU migration stream  0x100 (256) of 0x' "$WORK/goto.txt" || problem ":goto 0x100 did not land on 0x100"
# The stream's VM description names pc.rom again, far past the header.
grep -qE '^ migfile  hex, QEMU migration stream  0x[0-9a-f]{5,} \([0-9]+\) of 0x' "$WORK/search.txt" ||
	problem "the hex search did not move past the header: $(head -n 1 "$WORK/search.txt")"
tr -d '\n' <"$WORK/search.txt" | grep -q 'pc.r' || problem "the row with the match is not shown"
# The structure beside the bytes, and the record under the cursor below them.
sed -n 2p "$WORK/screens/hexdump.screen" | grep -q '| QEVM v3, config pc-i440fx-7.2' ||
	problem "row 0 does not carry the header and configuration labels"
sed -n 3p "$WORK/screens/hexdump.screen" | grep -q '| START ram (2) v4' || problem "row 0x10 does not carry START ram"
grep -q '| stream header: magic QEVM, version 3$' "$WORK/screens/hexdump.screen" ||
	problem "no explanation of the record at offset 0 under the rows"
tail -n 1 "$WORK/start.txt" | grep -q '^ section 2 START ram instance 0 version 4' ||
	problem ":goto 0x1a is not explained as the START of ram: $(tail -n 1 "$WORK/start.txt")"
head -n 1 "$WORK/next.txt" | grep -q ' 0xc4 (196) of 0x' && tail -n 1 "$WORK/next.txt" | grep -q '^ section 2 PART ram ' ||
	problem "} from START ram did not go to its first PART at 0xc4: $(head -n 1 "$WORK/next.txt") / $(tail -n 1 "$WORK/next.txt")"
at() { head -n 1 "$1" | sed -nE 's/.* stream  0x([0-9a-f]+) .*/\1/p'; }
tail -n 1 "$WORK/timer.txt" | grep -q '^ section 0 FULL timer instance 0 version 2' &&
	[ $((0x$(at "$WORK/timer.txt") + 5)) -eq $((0x$(at "$WORK/hit.txt"))) ] ||
	problem "{ inside the timer's header did not go to its start: $(head -n 1 "$WORK/timer.txt") / $(tail -n 1 "$WORK/timer.txt")"
tail -n 1 "$WORK/ramend.txt" | grep -q '^ section 2 END ram ' ||
	problem "{ from the timer did not go back to the END of ram: $(tail -n 1 "$WORK/ramend.txt")"
[ "$(head -n 1 "$WORK/timer2.txt")" = "$(head -n 1 "$WORK/timer.txt")" ] && tail -n 1 "$WORK/timer2.txt" | grep -q 'FULL timer' ||
	problem "} from the END of ram did not go to the timer: $(head -n 1 "$WORK/timer2.txt")"
tail -n 1 "$WORK/page.txt" | grep -q '^ RAM page 0x03280000 of pc.ram (flags [A-Z|]*), 4096 bytes at 0x[0-9a-f]*  in section 2 [A-Z]* ram$' ||
	problem ":page 0x3280000 did not land on the page's record: $(tail -n 1 "$WORK/page.txt")"
grep -q 'PAGE 0x3280000 pc.ram' "$WORK/page.txt" || problem "the page's row does not carry its label"
grep -q 'page 0x7fffffff0: the stream never sent that page' "$WORK/nopage.txt" ||
	problem ":page of a page never sent gave no message: $(tail -n 1 "$WORK/nopage.txt")"
grep -F "$(head -n 1 "$WORK/page.txt" | cut -c2-)" "$WORK/nopage.txt" >/dev/null ||
	problem ":page of a page never sent moved the cursor"
grep -q 'no sections: a text file is not a QEMU migration stream' "$WORK/text.txt" ||
	problem "} in a text file said nothing: $(tail -n 1 "$WORK/text.txt")"
verdict "the hexdump viewer shows migfile with offsets, ASCII and the stream's records annotated; goto, hex search, } and { between sections, :page to a guest page's record"

tui help 80x24 '
?
:save-display @help-80x24
<PgDn>
:save-display @help-80x24-page2
<Esc>
:resize 160x50
?
:save-display @help-160x50
' -- "${RUN[@]}" -p $P
expect_rc 0
verdict "? shows help generated from the actions and the keymap"

tui complete 120x40 '
keys :<Tab>
::save-display @complete-commands
<Esc>
keys :op<Tab><Tab>
::save-display @complete-files
<Esc>
keys :break<Space>e<Tab>
::save-display @complete-steps
<Enter>
' -- "${RUN[@]}" -p $P
expect_rc 0
verdict "Tab completes commands, run-dir files and step names"

# Every default binding, each checked by what it changes on the screen.
tui keys 120x40 '
<Down><Down><Down><Down><Down><Down>
b
:save-display $WORK/k-break.txt steps
<F5>
:save-display $WORK/k-cont.txt
<End>
u
:save-display $WORK/k-runto.txt status
S
:save-display $WORK/k-skip.txt status
r
:save-display $WORK/k-restart.txt status
<F10>
<Up>
:save-display $WORK/k-up.txt about
<PgDn>
:save-display $WORK/k-pgdn.txt about
<PgUp>
<Home>
:save-display $WORK/k-home.txt about
<Tab>
/greeting<Enter>
<Enter>
:save-display $WORK/k-expand.txt log
n
N
]
:save-display $WORK/k-nexttab.txt log
[
:save-display $WORK/k-prevtab.txt log
<S-Tab>
<S-Tab>
<Home><Down>
<Enter>
:save-display $WORK/k-open.txt
g
0x100<Enter>
:save-display $WORK/k-goto.txt
<Esc>
:save-display $WORK/k-back.txt
<F1>
:save-display $WORK/k-help.txt
<Esc>
<C-l>
x
:save-display $WORK/k-abort.txt status
q
' -- "${RUN[@]}" -p $P
expect_rc 0
expect_no_survivors
g() { grep -qE -- "$2" "$WORK/k-$1.txt" || problem "$1: no /$2/ in: $(head -c 400 "$WORK/k-$1.txt")"; }
g break '^\* +7 migrate'
g cont 'step 7/12  paused'
g cont 'paused: breakpoint at step 7 \(migrate\)'
g runto 'step 12/12  paused'
g skip 'SKIP'
g restart 'step 1/12  paused'
g up '^ 1/12 start-src'
g pgdn '^ 12/12 check'
g home '^ 1/12 start-src'
g expand '"QMP" : \{'
g nexttab 'log \[engine\]'
g prevtab 'log \[all\]'
g open '\| guest.rom  hex'
g goto 'guest.rom  hex  0x100 \(256\) of 0x10000'
g back 'log \[all\]'
g help 'help: keys and commands'
g abort 'ABORTED'
verdict "every default key does what the help says: step, continue, break, run-to, skip, restart, abort, panes, tabs, moves, search, open, goto, back, help, redraw, quit"

# What review found: the focus never stays on a closed viewer, a ^R history
# search does not outlive Esc, bad roles are named, the history is saved.
tui review 120x40 '
:open journal.jsonl
]
:save-display $WORK/r-tab.txt
:focus viewer
:save-display $WORK/r-focus.txt status
:qmp foo query-status
:save-display $WORK/r-qmp.txt status
keys :<C-r>open<Esc>
:save-display $WORK/r-esc.txt status
' -- "${RUN[@]}" -p $P
expect_rc 0
grep -q 'log \[engine\]' "$WORK/r-tab.txt" || problem "] did not bring the log back over the viewer"
grep -q 'no file is open' "$WORK/r-focus.txt" || problem ":focus viewer with no file open was not refused"
grep -q "the roles are src and dst, not 'foo'" "$WORK/r-qmp.txt" || problem ":qmp with a bad role is not named"
[ -f "$WORK/r-esc.txt" ] || problem "after Esc in a ^R search the next command did not run"
grep -qx 'open journal.jsonl' "$XDG_STATE_HOME/mwb/history" 2>/dev/null || problem "no command history in \$XDG_STATE_HOME/mwb/history"
verdict "the viewer never keeps the focus once closed; Esc ends a ^R search; a bad role is named; history is saved"
