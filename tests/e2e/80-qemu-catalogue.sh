# The migration-test catalogue, its knobs and cross-version runs, against
# real QEMU. The whole catalogue is bench/catalogue.sh; here a path of each
# kind of machinery.
. "$(dirname "$0")/../lib.sh"

# QEMU 7.2 migration-test's own TAP order (tests/qtest/migration-test --tap).
expected="bad_dest fd_proto validate_uuid validate_uuid_error validate_uuid_src_not_set
validate_uuid_dst_not_set auto_converge dirty_ring vcpu_dirty_limit postcopy/plain
postcopy/recovery/plain postcopy/recovery/tls/psk postcopy/preempt/plain
postcopy/preempt/recovery/plain postcopy/preempt/recovery/tls/psk postcopy/preempt/tls/psk
postcopy/tls/psk precopy/unix/plain precopy/unix/xbzrle precopy/unix/tls/psk
precopy/unix/tls/x509/default-host precopy/unix/tls/x509/override-host precopy/tcp/plain
precopy/tcp/tls/psk/match precopy/tcp/tls/psk/mismatch precopy/tcp/tls/x509/default-host
precopy/tcp/tls/x509/override-host precopy/tcp/tls/x509/mismatch-host
precopy/tcp/tls/x509/friendly-client precopy/tcp/tls/x509/hostile-client
precopy/tcp/tls/x509/allow-anon-client precopy/tcp/tls/x509/reject-anon-client
multifd/tcp/plain/none multifd/tcp/plain/cancel multifd/tcp/plain/zlib multifd/tcp/plain/zstd
multifd/tcp/tls/psk/match multifd/tcp/tls/psk/mismatch multifd/tcp/tls/x509/default-host
multifd/tcp/tls/x509/override-host multifd/tcp/tls/x509/mismatch-host
multifd/tcp/tls/x509/allow-anon-client multifd/tcp/tls/x509/reject-anon-client
precopy/exec/file cancel/active cancel/pre-switchover cancel/completed"
run_mwb list -r /x86_64/migration
expect_rc 0
want=$(for p in $expected; do echo "/x86_64/migration/$p"; done)
[ "$OUT" = "$want" ] || problem "list differs from migration-test's order: $(diff <(echo "$want") <(echo "$OUT") | head -5)"
verdict "mwb list -r /x86_64/migration: migration-test 7.2's 43 paths in its order, then mwb's own"

# One path of each kind of machinery; each passes or is a SKIP with the probe's answer.
run_mwb run --keep-going --workdir "$WORK/runs" -p /x86_64/migration/fd_proto \
	-p /x86_64/migration/dirty_ring -p /x86_64/migration/postcopy/recovery/plain \
	-p /x86_64/migration/precopy/tcp/tls/psk/mismatch -p /x86_64/migration/precopy/tcp/tls/x509/friendly-client \
	-p /x86_64/migration/multifd/tcp/plain/cancel -p /x86_64/migration/cancel/pre-switchover
expect_rc 0
expect_out "^PASS /x86_64/migration/fd_proto "
expect_out "^ +[0-9]+/[0-9]+ closefd +ok .*failed as expected: closefd: GenericError: File descriptor named 'fd-mig' not found"
expect_out "^(PASS /x86_64/migration/dirty_ring |SKIP /x86_64/migration/dirty_ring: .*(KVM|kvm))"
expect_out "^PASS /x86_64/migration/postcopy/recovery/plain "
expect_out "^ +[0-9]+/[0-9]+ src-paused +ok"
expect_out "^PASS /x86_64/migration/precopy/tcp/tls/psk/mismatch "
expect_out "^PASS /x86_64/migration/precopy/tcp/tls/x509/friendly-client "
expect_out "^ +[0-9]+/[0-9]+ tls-creds +ok .*CA, server certificate for 127.0.0.1, a client certificate in "
expect_out "^PASS /x86_64/migration/multifd/tcp/plain/cancel "
expect_out "^ +[0-9]+/[0-9]+ dst-exit +ok .*exited with status 1"
expect_out "^PASS /x86_64/migration/cancel/pre-switchover "
expect_no_survivors
verdict "fd_proto, dirty_ring, postcopy recovery, TLS (PSK mismatch, x509 authz), multifd cancel, cancel in pre-switchover"

# A failing TLS handshake must really fail the migration: with the same key
# the mismatch scenario's expected failure does not come, and it fails.
mkdir -p "$WORK/psk"
sed 's/dir=${run}\/tls-psk-other/dir=${run}\/tls-psk/' \
	"$MWB_SCENARIOS"/x86_64/25-precopy-tcp-tls-psk-mismatch.scn >"$WORK/psk/a.scn"
MWB_SCENARIOS=$WORK/psk run_mwb run -a --workdir "$WORK/runs"
expect_rc 1
expect_out "^FAIL /x86_64/migration/precopy/tcp/tls/psk/mismatch at step [0-9]+ \(src-fails\): expected a failure, but the step succeeded"
expect_no_survivors
verdict "a PSK scenario whose keys match cannot pass as the mismatch"

run_mwb run -v --live off --workdir "$WORK/runs" -p /x86_64/migration/precopy/unix/plain -p /x86_64/migration/auto_converge
expect_rc 0
expect_out "--live off: stopping the source before it migrates"
expect_out "--live off: cont on the destination"
expect_out "^PASS /x86_64/migration/precopy/unix/plain "
expect_out "^SKIP /x86_64/migration/auto_converge: this scenario needs the guest running while it migrates, and --live off was given"
expect_no_survivors
verdict "--live off: stop-and-copy passes; auto_converge is a reasoned SKIP"

run_mwb run -v --multifd-channels 4 --max-bandwidth 2G --downtime-limit 20000 --workdir "$WORK/runs" \
	-p /x86_64/migration/multifd/tcp/plain/none
expect_rc 0
expect_out '"multifd-channels":4'
expect_out '"max-bandwidth":2147483648,"downtime-limit":20000'
expect_out "^PASS /x86_64/migration/multifd/tcp/plain/none "
expect_no_survivors
verdict "--multifd-channels, --max-bandwidth and --downtime-limit reach QEMU"

run_mwb run -a --live maybe
expect_rc 2
expect_err "--live takes on .* or off .*, not 'maybe'"
run_mwb run -a --multifd-channels 300
expect_rc 2
expect_err "--multifd-channels takes 1 to 255, not 300"
run_mwb run -a --max-bandwidth fast
expect_rc 2
expect_err "--max-bandwidth takes bytes per second"
run_mwb run -a --both-ways
expect_rc 2
expect_err "--both-ways needs two different QEMUs"
run_mwb run -a --qemu-dst /nonexistent/qemu
expect_rc 2
expect_err "QEMU binary '/nonexistent/qemu' \(--qemu-dst\) not found"
verdict "bad knob values are usage errors"

NEXT=${QEMU_NEXT_PREFIX:-/opt/mwb/qemu-next}/bin/qemu-system-x86_64
if [ -x "$NEXT" ]; then
	run_mwb run --both-ways --qemu-dst "$NEXT" --workdir "$WORK/runs" -p /x86_64/migration/precopy/tcp/plain
	expect_rc 0
	expect_out "^        machine pc-i440fx-7\.2: the newest both know \(source QEMU 7\.2\.[0-9]+ knows up to pc-i440fx-7\.2, destination QEMU 10\.0\.[0-9]+ up to pc-i440fx-10\.0\)"
	expect_out "^PASS /x86_64/migration/precopy/tcp/plain \[7\.2\.[0-9]+->10\.0\.[0-9]+\] "
	expect_out "^PASS /x86_64/migration/precopy/tcp/plain \[10\.0\.[0-9]+->7\.2\.[0-9]+\] "
	expect_out "^2 passed, 0 failed, 0 skipped$"
	expect_no_survivors
	verdict "--both-ways: 7.2 -> 10.0 and 10.0 -> 7.2 on pc-i440fx-7.2, memory verified"

	QTEST_QEMU_BINARY_SRC=$NEXT run_mwb run --workdir "$WORK/runs" -p /x86_64/migration/postcopy/plain
	expect_rc 0
	expect_out "source QEMU 10\.0\.[0-9]+ knows up to pc-i440fx-10\.0"
	expect_out "^PASS /x86_64/migration/postcopy/plain "
	expect_no_survivors
	verdict "QTEST_QEMU_BINARY_SRC: postcopy from QEMU 10.0 to 7.2"
else
	skip "--both-ways with QEMU 10.0" "no $NEXT (make deps-qemu-next installs it)"
	skip "QTEST_QEMU_BINARY_SRC with QEMU 10.0" "no $NEXT (make deps-qemu-next installs it)"
fi

# The stream inspector on the stream migration-test users hexdump.
run_mwb run -p /x86_64/migration/precopy/exec/file --keep always --workdir "$WORK/runs"
expect_rc 0
# verdict removes the run directories: keep the stream.
MIGFILE=$WORK/migfile
cp "$(last_run_dir)/migfile" "$MIGFILE" || problem "no migfile in the run directory"
run_mwb inspect "$MIGFILE"
expect_rc 0
expect_out "^QEMU migration stream: magic QEVM, version 3, "
expect_out "^configuration: machine pc-i440fx-7\.2$"
expect_out "^ +2 +1 +[0-9]+ +1 +0 +ram +0 +4 "
expect_out "^  pc\.ram +0x8000000 +[0-9]{5} +[0-9]{4} +32768$"
expect_out "^  timer +instance 0 "
expect_out "^  cpu +instance 0 "
grep -A1 '^not understood or cut short:$' <<<"$OUT" | grep -qx '  none' || problem "a clean stream has parts not understood"
verdict "mwb inspect: configuration, the ram section, pc.ram's page and zero-page counts, the devices"

run_mwb inspect "$MIGFILE" --json
expect_rc 0
python3 -c "$(cat <<'PY'
import json, sys
d = json.load(sys.stdin)
names = [s["idstr"] for s in d["sections"]]
assert "ram" in names and "timer" in names and "cpu" in names, names
assert any(b["name"] == "pc.ram" for b in d["ram_blocks"])
assert d["machine"] == "pc-i440fx-7.2"
assert len(d["records"]) > 30000
PY
)" <<<"$OUT" || problem "--json lacks what it must name"
verdict "mwb inspect --json names the ram section with pc.ram, the timer and cpu sections"

run_mwb inspect "$MIGFILE" --page 0x3280000
expect_rc 0
expect_out "^page 0x3280000 of pc\.ram: last sent by the record at 0x[0-9a-f]+ in section 2 "
expect_out "^03280000  [0-9a-f]{2} 00 00 00"
run_mwb inspect "$MIGFILE" --page 0x7fff0000
expect_rc 1
expect_err "mwb: inspect: "
run_mwb inspect "$WORK/nonexistent"
expect_rc 2
run_mwb inspect "$MIGFILE" --page nowhere
expect_rc 2
expect_err "--page takes a guest address"
verdict "mwb inspect --page: the page as the stream sent it; an address never sent is exit 1"

# Something it does not understand in the middle: reported with its
# offset, and everything after it still found.
python3 - "$MIGFILE" "$WORK/damaged" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
at = data.index(b'\x04\x00\x00\x00\x00\x05timer')   # the timer section's FULL header
data[at] = 0x5a                                      # no section type
open(sys.argv[2], 'wb').write(data)
PY
run_mwb inspect "$WORK/damaged"
expect_rc 0
expect_out "0x[0-9a-f]+"
grep -qiE "unknown|not understood" <<<"$OUT" || problem "the damaged byte is not reported"
expect_out "^  cpu +instance 0 "
expect_out "^  pc\.ram +0x8000000 "
verdict "a damaged section header is reported with its offset and the devices after it are still listed"

run_mwb run -p /x86_64/migration/precopy/exec/file --fault corrupt-stream --workdir "$WORK/runs"
expect_rc 1
addr=$(sed -nE 's/.*fault corrupt-stream: .*the first byte of guest page 0x([0-9a-f]+) \(pc\.ram\).*/\1/p' <<<"$OUT")
[ -n "$addr" ] || problem "the fault does not say which page it corrupted"
expect_out "^FAIL /x86_64/migration/precopy/exec/file at step [0-9]+ \(check\): Memory content inconsistency at $addr "
expect_no_survivors
verdict "--fault corrupt-stream: the check names the guest page whose byte was flipped"

run_mwb run -p /x86_64/migration/precopy/unix/plain --fault corrupt-stream --workdir "$WORK/runs"
expect_rc 1
expect_out "--fault corrupt-stream never fired"
expect_no_survivors
verdict "--fault corrupt-stream on a scenario without a stream file cannot pass"

run_mwb run --accel tcg -p /x86_64/migration/dirty_ring --workdir "$WORK/runs"
expect_rc 0
expect_out "^SKIP /x86_64/migration/dirty_ring: --accel tcg: the dirty ring is a KVM feature$"
expect_no_survivors none-ok
verdict "a path the host cannot run is a SKIP with the probe's answer"

run_mwb run --guest-mem 1G -p /x86_64/migration/precopy/unix/plain --workdir "$WORK/runs"
expect_rc 0
expect_out "^ +12/12 check +ok .* 254720 pages in \[0x100000, 0x3e400000\) consistent"
expect_no_survivors
verdict "--guest-mem 1G: a 1 GiB guest migrates and every dirtied page checks out"
