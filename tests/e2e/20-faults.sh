# --fault proves a verdict can fail.
. "$(dirname "$0")/../lib.sh"

run_mwb run -p /x86_64/migration/precopy/unix/plain --fault dst-write --workdir "$WORK/runs"
expect_rc 1
expect_out "^        Memory content inconsistency at 500000 first_byte = [0-9a-f]+ last_byte = [0-9a-f]+ current = [0-9a-f]+ hit_edge = [01]$"
expect_out "and in another [0-9]+ pages"
expect_out "^FAIL /x86_64/migration/precopy/unix/plain at step 12 \(check\): Memory content inconsistency at"
expect_out "^    run directory kept: "
expect_out "^0 passed, 1 failed, 0 skipped$"
[ -s "$(last_run_dir)/memcheck-dst.log" ] || problem "memcheck-dst.log missing or empty"
expect_no_survivors
verdict "--fault dst-write: exit 1 with QEMU's inconsistency lines"

run_mwb run -p /x86_64/migration/precopy/unix/plain --fault kill-dst --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/precopy/unix/plain at step [0-9]+ \([a-z-]+\): destination QEMU \(pid [0-9]+\) killed by signal 9 \(SIGKILL\)"
expect_no_survivors
verdict "--fault kill-dst: exit 1 naming the destination and the signal"

# A scenario that fails on its own, sorted before a real one.
mkdir -p "$WORK/kg"
cp "$MWB_SCENARIOS"/x86_64/01-bad_dest.scn "$WORK/kg/01-bad_dest.scn"
printf 'path /test/fails\nbackend qemu\nstep s qemu.start role=src\nstep t qemu.wait-exit role=src timeout=0.2\n' \
	>"$WORK/kg/00-fails.scn"
MWB_SCENARIOS=$WORK/kg run_mwb run -a --keep-going --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /test/fails at step 2 \(t\): timed out after 0.2 s waiting for source QEMU to exit"
expect_out "^PASS /x86_64/migration/bad_dest"
expect_out "^1 passed, 1 failed, 0 skipped$"
expect_no_survivors
verdict "--keep-going runs the rest after a failure"

run_mwb run -r /x86_64/migration/precopy --fault kill-dst --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/precopy/unix/plain"
expect_not_out "precopy/tcp/plain"
expect_out "stopped after the first failure: [0-9]+ scenarios not run"
expect_no_survivors
verdict "without --keep-going the run stops at the first failure"

# A fault that cannot happen in a scenario must not let it pass.
run_mwb run -p /x86_64/migration/bad_dest --fault dst-write --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/bad_dest: --fault dst-write never fired"
run_mwb run -p /x86_64/migration/precopy/exec/file --fault kill-dst --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/precopy/exec/file: --fault kill-dst never fired"
expect_no_survivors
verdict "a fault that never fires turns PASS into FAIL"
