# Every required scenario, for real, and what a kept run directory holds.
. "$(dirname "$0")/../lib.sh"

for path in /x86_64/migration/precopy/unix/plain /x86_64/migration/precopy/tcp/plain \
	/x86_64/migration/bad_dest /x86_64/migration/validate_uuid_error \
	/x86_64/migration/precopy/exec/file; do
	run_mwb run -p "$path" --keep always --workdir "$WORK/runs"
	expect_rc 0
	expect_out "^PASS $path \("
	expect_out "^1 passed, 0 failed, 0 skipped$"
	case $path in
	*validate_uuid_error) expect_out "failed as expected: destination QEMU \(pid [0-9]+\) exited with status 1: .*UUID received is 11111111-1111-1111-1111-111111111111 and local is 22222222-2222-2222-2222-222222222222" ;;
	*bad_dest) expect_out "failed as expected: migration failed on source QEMU: Failed to connect" ;;
	*exec/file)
		dir=$(last_run_dir)
		[ "$(head -c 4 "$dir/migfile" 2>/dev/null)" = QEVM ] || problem "migfile is not a QEMU stream (no QEVM magic)" ;;
	*) expect_out "check +ok .*25344 pages in \[0x100000, 0x6400000\) consistent" ;;
	esac
	expect_no_survivors
	verdict "$path passes with a real QEMU and leaves no QEMU behind"
done

# The kept directory holds everything the issue promises.
run_mwb run -p /x86_64/migration/precopy/unix/plain --keep always --workdir "$WORK/runs"
dir=$(last_run_dir)
for f in journal.jsonl qmp-src.log qmp-dst.log src_serial dst_serial src.stderr dst.stderr \
	src.stdout dst.stdout guest.rom dst.ram memcheck-dst.log; do
	[ -f "$dir/$f" ] || problem "run directory lacks $f"
done
grep -q '"execute":"migrate"' "$dir/qmp-src.log" || problem "qmp-src.log lacks the migrate command"
grep -q '"event": *"RESUME"' "$dir/qmp-dst.log" || problem "qmp-dst.log lacks the RESUME event"
grep -q B "$dir/src_serial" || problem "src_serial lacks the guest's B"
python3 - "$dir/journal.jsonl" <<'PY' || problem "journal.jsonl is not one JSON object per line with run, step, log and verdict records"
import json, sys
kinds = set()
for line in open(sys.argv[1]):
    kinds.add(json.loads(line)["ev"])
sys.exit(0 if {"run", "step", "log", "verdict"} <= kinds else 1)
PY
expect_no_survivors
verdict "a kept run directory holds the journal, both QMP logs, both serial logs and each stderr"

# Default --keep failed: a passing run leaves nothing.
mkdir -p "$WORK/default"
run_mwb run -p /x86_64/migration/precopy/tcp/plain --workdir "$WORK/default"
expect_rc 0
[ -z "$(ls -A "$WORK/default")" ] || problem "a passing run left $(ls "$WORK/default")"
expect_no_survivors
verdict "--keep failed (the default) removes a passing run's directory"

# The verdict must not depend on the accelerator.
run_mwb run -p /x86_64/migration/precopy/unix/plain --accel tcg --keep always --workdir "$WORK/runs"
expect_rc 0
expect_out "start-src +ok .*accel tcg"
expect_no_survivors
verdict "--accel tcg passes"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	run_mwb run -p /x86_64/migration/precopy/unix/plain --accel kvm --keep always --workdir "$WORK/runs"
	expect_rc 0
	expect_out "start-src +ok .*accel kvm"
	expect_no_survivors
	verdict "--accel kvm passes"
else
	skip "--accel kvm passes" "/dev/kvm cannot be opened on this host"
fi
