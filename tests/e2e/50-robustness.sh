# Failures found by review: each was a crash, a hang or a false verdict.
. "$(dirname "$0")/../lib.sh"

# A backend that cannot start, in a run of several scenarios: a FAIL and the
# summary, not a crash.
run_mwb run -r /x86_64/migration/precopy --guest-mem 16M --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/precopy/unix/plain: guest memory 16 MiB is too small"
expect_out "^0 passed, 1 failed, 0 skipped$"
verdict "a scenario that cannot start ends in FAIL and a summary"

QTEST_QEMU_BINARY_DST=/nonexistent/qemu run_mwb run -p /x86_64/migration/bad_dest --workdir "$WORK/runs"
expect_rc 1
expect_out "QEMU binary '/nonexistent/qemu' for dst \(from QTEST_QEMU_BINARY_DST\) not found"
verdict "a missing QTEST_QEMU_BINARY_DST names the role and the variable"

# A reply that comes after its step timed out must not finish the next step.
mkfifo "$WORK/fifo"
mkdir -p "$WORK/stale"
cat >"$WORK/stale/a.scn" <<SCN
path /test/stale-reply
backend qemu
step start-src qemu.start role=src
step stop      qemu.qmp role=src command=stop
step hang      qemu.qmp role=src command=pmemsave arguments="{\"val\":0,\"size\":4096,\"filename\":\"$WORK/fifo\"}" timeout=1 expect=fail match="timed out"
step running   qemu.check-running role=src
SCN
# The answer is let out only once the step has timed out, however slow the machine.
mkdir -p "$WORK/runs"
(deadline=$((SECONDS + 60))
	until grep -qsE '"name":"hang","state":"(ok|failed)"' "$WORK"/runs/*/journal.jsonl || [ $SECONDS -ge $deadline ]; do
		sleep 0.05
	done
	sleep 0.5
	cat "$WORK/fifo" >/dev/null) &
reader=$!
MWB_SCENARIOS=$WORK/stale run_mwb run -a --workdir "$WORK/runs"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
expect_rc 1
expect_out "^FAIL /test/stale-reply at step 4 \(running\): source QEMU is not running: status paused"
expect_no_survivors
verdict "a late QMP reply never finishes the step after its own"

# A QEMU that dies while mwb waits at the --sbs prompt is news for the next step.
mkdir -p "$WORK/between" "$WORK/runs"
cat >"$WORK/between/a.scn" <<'SCN'
path /test/death-between-steps
backend qemu
step start-src qemu.start role=src
step start-dst qemu.start role=dst incoming=defer
step bye       qemu.qmp role=dst command=quit
step later     qemu.wait-serial role=src timeout=5
SCN
if command -v script >/dev/null; then
	# Enter for steps 1-3, then a pause at the prompt while the destination goes.
	# The pause at the 4th prompt is the destination's time to quit.
	sbs_run "env MWB_SCENARIOS=$WORK/between $MWB run --sbs -a --keep always --workdir $WORK/runs" \
		'\n' '\n' '\n' pause:1.5 '\n'
	expect_rc 1
	expect_out "FAIL /test/death-between-steps at step 4 \\(later\\): destination QEMU \\(pid [0-9]+\\) exited with status 0.*it died while no step was running"
	expect_no_survivors
	verdict "a QEMU that dies while mwb waits between steps fails the next step"
else
	skip "a QEMU that dies between steps" "script(1) from util-linux is not installed"
fi

# mwb mistakes are never "the failure expected".
mkdir -p "$WORK/own"
printf 'path /test/own\nbackend qemu\nstep s qemu.start role=src boot=floppy expect=fail\n' >"$WORK/own/a.scn"
MWB_SCENARIOS=$WORK/own run_mwb run -a --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /test/own at step 1 \(s\): boot must be rom or disk, not 'floppy'"
verdict "a scenario's own error is not accepted as its expected failure"

# mwb as pid 1 (a container's entry point) still runs its QEMUs.
if unshare --pid --fork --mount-proc true 2>/dev/null; then
	OUT=$(timeout -k 5 120 unshare --pid --fork --mount-proc "$MWB" run -p /x86_64/migration/precopy/unix/plain 2>&1)
	RC=$?
	expect_rc 0
	expect_out "^PASS /x86_64/migration/precopy/unix/plain"
	verdict "mwb as pid 1 of a pid namespace"
else
	skip "mwb as pid 1 of a pid namespace" "this host cannot create pid namespaces (unshare --pid failed)"
fi

# End of input at the --sbs prompt ends the batch instead of waiting forever.
if command -v script >/dev/null; then
	mkdir -p "$WORK/runs"
	sbs_run "$MWB run --sbs -r /x86_64/migration/precopy --keep-going --workdir $WORK/runs --keep always" eof
	expect_rc 1
	expect_out "FAIL /x86_64/migration/precopy/unix/plain: standard input closed during --sbs"
	expect_out "standard input closed: [0-9]+ scenarios not run"
	expect_no_survivors none-ok
	verdict "--sbs: end of input ends the batch, --keep-going or not"
else
	skip "--sbs: end of input" "script(1) from util-linux is not installed"
fi
