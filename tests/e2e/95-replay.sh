# mwb replay: recorded logs (meson, migration-test with and without
# QTEST_LOG, zdtm.py, mwb's own journal) read back into tests and steps; the
# summaries are compared with tests/replay/NAME.summary, written down by
# reading each log. Broken input must end in 0, 1 or 2, never in a crash or
# a hang.
. "$(dirname "$0")/../lib.sh"
DIR=$(cd "$(dirname "$0")/../replay" && pwd)

mkdir -p "$WORK/fx"
for f in "$DIR"/fixtures/*; do
	case $f in
	*.gz) zcat "$f" >"$WORK/fx/$(basename "${f%.gz}")" ;;
	*) cp "$f" "$WORK/fx/" ;;
	esac
done
cd "$WORK/fx" || exit 1

# summary NAME RC: the summary of fixture NAME is its golden, with exit RC.
summary() {
	OUT=$(timeout -k 5 60 "$MWB" replay "$1" --summary 2>"$WORK/stderr")
	RC=$?
	ERR=$(cat "$WORK/stderr")
	expect_rc "$2"
	if [ -n "${MWB_TEST_REGENERATE:-}" ]; then
		printf '%s\n' "$OUT" >"$DIR/$1.summary"
	elif ! diff -u "$DIR/$1.summary" - <<<"$OUT" >"$WORK/diff"; then
		problem "summary of $1 differs from tests/replay/$1.summary:"
		while IFS= read -r l; do problem "  $l"; done <"$WORK/diff"
	fi
}

summary meson-fail-dest-abort.testlog.txt 1
expect_out "^FAIL +/x86_64/migration/postcopy/plain"
expect_out "process: +destination QEMU died from signal 6 \(Aborted\)"
expect_out "^NOT RUN +/x86_64/migration/precopy/unix/plain"
verdict "meson: the bailed-out test named from plan, last ok, nesting, -s and order; the destination's death"

summary meson-pass-4-paths.testlog.txt 0
expect_out "^4 passed, 0 failed, 39 skipped$"
verdict "meson: a passing run, 4 run and 39 skipped by -s"

summary direct-fail-corrupt-precopy-unix-plain.log 1
expect_out "^FAIL +/x86_64/migration/precopy/unix/plain"
expect_out "memory: +12 pages differ after migration: 0x500000 to 0x2900000"
verdict "migration-test's own TAP: the corrupted pages, counted, with their range"

summary direct-pass-precopy-unix-plain.log 0
summary direct-pass-precopy-unix-plain.qtest-log.txt 0
expect_out "QEMU 7.2, 53476 lines"
verdict "migration-test's own TAP, with and without QTEST_LOG, passing"

summary env00-h-plain.log 1
expect_out "^FAIL +zdtm/static/env00 in h"
expect_out "step: +dump "
expect_out "cause: +Error \(criu/cr-dump.c:371\): Can't get rlimit 0"
expect_not_out "cause:.*RLIMIT_NOFILE"
verdict "zdtm.py: FAIL at CRIU dump, the first Error that is not RLIMIT noise"

for f in env00-uns-plain.log env00-uns-iters3.log env00-uns-sbs-iters2.log; do
	summary "$f" 0
	expect_out "^PASS +zdtm/static/env00 in uns"
done
verdict "zdtm.py: three passing runs, plain, --iters 3 and step by step"

OUT=$(timeout 60 "$MWB" replay meson-fail-dest-abort.testlog.txt --json 2>&1)
RC=$?
expect_rc 1
python3 -c 'import json,sys; d=json.load(sys.stdin); t=[t for t in d["tests"] if t["verdict"]=="FAIL"][0]; assert t["path"]=="/x86_64/migration/postcopy/plain", t; assert t["failed_step"]=="wait-done", t' <<<"$OUT" ||
	problem "--json: not JSON, or the failed test is wrong"
verdict "--json: one object, the failed test and step"

# Steps of a QTEST_LOG test, sides and folding.
OUT=$(timeout 60 "$MWB" replay direct-pass-precopy-unix-plain.qtest-log.txt --json)
python3 -c '
import json,sys
t=json.load(sys.stdin)["tests"][0]
names=[s["name"] for s in t["steps"]]
assert names==["begin","start-src","start-dst","set-parameters","migrate","wait-done","wait-resume","quit-src","stop-dst","check"], names
' <<<"$OUT" || problem "QTEST_LOG steps are not start-src .. check"
verdict "QTEST_LOG: steps from the QMP traffic, source then target"

# Damaged logs: each ends in 0, 1 or 2 within the time limit, with no crash.
damaged() {
	timeout -k 5 60 "$MWB" replay "$1" --summary >"$WORK/out" 2>"$WORK/stderr"
	RC=$?
	[ "$RC" -le 2 ] || problem "$1: exit status $RC"
	grep -q 'AddressSanitizer\|runtime error' "$WORK/stderr" && problem "$1: $(head -3 "$WORK/stderr")"
}
for n in 1 100 1000 2000 3000 4000 5000 6000; do
	head -c "$n" meson-fail-dest-abort.testlog.txt >"cut-$n.txt"
	damaged "cut-$n.txt"
done
# The `> file 2>&1` hazard: a run of NULs where a writer's output was lost.
{ head -c 3000 meson-fail-dest-abort.testlog.txt; head -c 65536 /dev/zero; tail -c +3001 meson-fail-dest-abort.testlog.txt; } >nul.txt
damaged nul.txt
expect_rc 1
grep -q "^FAIL .*/x86_64/migration/postcopy/plain" "$WORK/out" || problem "NULs: the failure is lost"
sed 's/$/\r/' meson-fail-dest-abort.testlog.txt >crlf.txt
damaged crlf.txt
diff <(sed 1d "$WORK/out") <(sed 1d "$DIR/meson-fail-dest-abort.testlog.txt.summary") >/dev/null ||
	problem "CRLF: the summary differs from the LF one"
sed 's/^ok /\x1b[32mok\x1b[0m /; s/^Bail out!/\x1b[1;31mBail out!\x1b[0m/' meson-fail-dest-abort.testlog.txt >esc.txt
damaged esc.txt
diff <(sed 1d "$WORK/out") <(sed 1d "$DIR/meson-fail-dest-abort.testlog.txt.summary") >/dev/null ||
	problem "escape codes: the summary differs from the plain one"
head -c 1000000 /dev/urandom >random.bin
damaged random.bin
: >empty.txt
damaged empty.txt
expect_rc 2
verdict "truncated, NUL-filled, CRLF, coloured, random and empty logs: exit 0/1/2, same verdicts"

run_mwb replay "$WORK/nonexistent.log" --summary
expect_rc 2
expect_err "cannot read .*nonexistent.log"
run_mwb replay "$WORK" --summary
expect_rc 2
expect_err "is a directory"
run_mwb replay meson-pass-4-paths.testlog.txt --format nonsense
expect_rc 2
expect_err "unknown --format 'nonsense'"
verdict "unreadable input and a bad --format: exit 2 with the reason"

# mwb's own journal, from a real run.
run_mwb run -p /x86_64/migration/bad_dest --keep always --workdir "$WORK/runs"
expect_rc 0
J=$(ls "$WORK"/runs/mwb-*/journal.jsonl 2>/dev/null | head -1)
if [ -n "$J" ]; then
	OUT=$(timeout 60 "$MWB" replay "$J" --summary)
	RC=$?
	expect_rc 0
	expect_out "^PASS +/x86_64/migration/bad_dest"
	expect_out "mwb journal"
else
	problem "no journal kept"
fi
expect_no_survivors
verdict "a kept run's journal.jsonl replays as the run it was"

# The workbench: opens on the failure; QTEST_LOG's QMP split by side, polls folded.
export TERM=dumb INPUTRC=/dev/null MWB_NO_DISPLAY=1 HOME=$WORK/home
mkdir -p "$HOME"
cat >"$WORK/s1" <<S
:save-display $WORK/fail.screen
:quit
S
MWB_SCRIPT=$WORK/s1 LINES=30 COLUMNS=160 timeout -k 5 60 "$MWB" --replay meson-fail-dest-abort.testlog.txt >/dev/null 2>"$WORK/stderr"
RC=$?
expect_rc 1
grep -q "FAIL at step 4 (wait-done)" "$WORK/fail.screen" 2>/dev/null || problem "the workbench did not land on the failure"
grep -q "named:" "$WORK/fail.screen" 2>/dev/null || problem "the failure's summary is not in the log pane"
cat >"$WORK/s2" <<S
:log qmp-src
:save-display $WORK/src.screen
:log qmp-dst
keys g
:save-display $WORK/dst.screen
:quit
S
MWB_SCRIPT=$WORK/s2 LINES=60 COLUMNS=160 timeout -k 5 60 "$MWB" replay direct-pass-precopy-unix-plain.qtest-log.txt >/dev/null 2>"$WORK/stderr"
RC=$?
expect_rc 0
grep -qE -- '-> query-migrate +\[\+ x[0-9]+\]' "$WORK/src.screen" 2>/dev/null || problem "qmp-src: polls not folded"
grep -q -- '<- query-migrate: {"status":"completed"' "$WORK/src.screen" 2>/dev/null || problem "qmp-src: no completed reply"
grep -q -- '<- event RESUME' "$WORK/dst.screen" 2>/dev/null || problem "qmp-dst: no RESUME"
grep -q -- '-> stop' "$WORK/dst.screen" 2>/dev/null || problem "qmp-dst: the stop command went elsewhere"
grep -q -- '-> migrate ' "$WORK/dst.screen" 2>/dev/null && problem "qmp-dst: has the migrate command"
verdict "the workbench: on the first failure; QTEST_LOG split into source and target, polls folded"

# :rerun: from the replayed log to a live run of the same scenario.
cat >"$WORK/s3" <<S
:rerun
:continue
::save-display $WORK/rerun.screen
:quit
S
mkdir -p "$WORK/runs"
MWB_SCRIPT=$WORK/s3 LINES=30 COLUMNS=160 timeout -k 5 120 "$MWB" replay direct-pass-precopy-unix-plain.log \
	--workdir "$WORK/runs" --keep always >/dev/null 2>"$WORK/stderr"
RC=$?
expect_rc 0
grep -q "(qemu.check-memory)" "$WORK/rerun.screen" 2>/dev/null || problem ":rerun did not run the live scenario's steps"
grep -q "PASS" "$WORK/rerun.screen" 2>/dev/null || problem ":rerun: no PASS"
OUT=
expect_no_survivors
printf 'ok 1 - a\nok 2 - b\n1..3\n' >plan.tap
run_mwb replay plan.tap --summary
expect_rc 1
expect_out "^NOT RUN +tests 3..3"
verdict ":rerun runs the replayed test live; a TAP plan not met is not a pass"
