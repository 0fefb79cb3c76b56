# libvirt: mwb's two libvirt hosts (started, stopped, and gone when mwb is
# killed), the TCK matrix's scenarios as generated, a slice of the matrix as
# TAP, the four failure scenarios against real daemons and real QEMU, and
# :qmp through qemu-monitor-command. tests/e2e/99-libvirt-matrix.sh runs all
# 96 cases.
. "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# Its own hosts directory: a user's `mwb hosts start` is not touched.
export MWB_HOSTS_DIR=$WORK/hosts
trap 'MWB_HOSTS_DIR=$WORK/hosts "$MWB" hosts stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT

# Every trace a host could leave: a process that names the directory or runs
# in a host's mount namespace, a mount that names it, the directory itself.
expect_no_trace() {
	local p ns
	for p in /proc/[0-9]*; do
		[ -r "$p/cmdline" ] || continue
		if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$MWB_HOSTS_DIR/"; then
			problem "process ${p#/proc/} still runs: $(tr '\0' ' ' <"$p/cmdline")"
		fi
		for ns in "${NAMESPACES[@]}"; do
			[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && problem "process ${p#/proc/} still in $ns"
		done
	done
	grep -hF "$MWB_HOSTS_DIR" /proc/[0-9]*/mountinfo 2>/dev/null | head -n 3 | while read -r l; do
		echo "mount left: $l"
	done | grep -q . && problem "a mount names $MWB_HOSTS_DIR"
	[ -e "$MWB_HOSTS_DIR" ] && problem "$MWB_HOSTS_DIR is still there: $(ls -R "$MWB_HOSTS_DIR" | head -n 5)"
	pgrep -f "libvirtd --config $MWB_HOSTS_DIR" >/dev/null && problem "a libvirtd of these hosts still runs"
}

remember_namespaces() {
	NAMESPACES=()
	for f in "$MWB_HOSTS_DIR"/*/mntns; do [ -f "$f" ] && NAMESPACES+=("$(cat "$f")"); done
}

# ---- the scenarios ----

"$TOP/scripts/gen-libvirt-matrix.py" "$WORK/gen" >/dev/null
diff -r "$WORK/gen" "$MWB_SCENARIOS/libvirt/migration" >"$WORK/diff" ||
	problem "scenarios/libvirt/migration differs from what scripts/gen-libvirt-matrix.py writes: $(head -n 5 "$WORK/diff")"
run_mwb list -r /libvirt/migration
expect_rc 0
[ "$(grep -c '^/libvirt/migration/' <<<"$OUT")" -eq 96 ] || problem "list -r /libvirt/migration: $(grep -c . <<<"$OUT") lines, expected 96"
for m in normal p2p p2p-tunnelled; do
	[ "$(grep -c "^/libvirt/migration/$m/" <<<"$OUT")" -eq 32 ] || problem "method $m: not 32 cases"
done
expect_out '^/libvirt/migration/p2p-tunnelled/persistent-paused-dst-defined/undefine-source$'
run_mwb list -r /libvirt/failure
[ "$(grep -c . <<<"$OUT")" -eq 4 ] || problem "list -r /libvirt/failure: expected 4 scenarios"
verdict "libvirt: 96 matrix scenarios as scripts/gen-libvirt-matrix.py writes them (3 methods x 8 x 4 flags), 4 failure scenarios"

# ---- hosts ----

run_mwb hosts status
expect_rc 3
expect_out '^src stopped '
run_mwb hosts start
expect_rc 0
expect_out '^src running pid [0-9]+ qemu\+tcp://127\.0\.0\.2/system '
expect_out '^dst running pid [0-9]+ qemu\+tcp://127\.0\.0\.3/system '
remember_namespaces
[ ${#NAMESPACES[@]} -eq 2 ] || problem "expected two mount namespaces recorded, got ${#NAMESPACES[@]}"
[ "${NAMESPACES[0]:-a}" != "${NAMESPACES[1]:-a}" ] || problem "both hosts share a mount namespace"
[ "${NAMESPACES[0]:-}" != "$(readlink /proc/self/ns/mnt)" ] || problem "a host runs in the machine's own mount namespace"
grep -q '/var/lib/libvirt\|/run/libvirt' /proc/self/mountinfo && problem "the machine's own mount table shows a host's bind mount"
for a in 127.0.0.2 127.0.0.3; do
	u=$(virsh -c "qemu+tcp://$a/system" sysinfo 2>/dev/null; virsh -c "qemu+tcp://$a/system" capabilities 2>/dev/null | grep -m1 -o '<uuid>[^<]*')
	grep -q "6d77622d-686f-7374-0000-00000000000${a##*.}" <<<"$u" || problem "host $a: capabilities do not show its own host UUID: $u"
done
run_mwb hosts start
expect_rc 1
expect_err 'already run'
run_mwb hosts stop
expect_rc 0
expect_out '^src stopped '
expect_no_trace
run_mwb hosts stop
expect_rc 0
verdict "libvirt: mwb hosts start gives two daemons in their own mount namespaces and host UUIDs; stop leaves no process, mount or directory"

# ---- killed mwb ----

timeout -k 5 120 "$MWB" run -p /libvirt/migration/normal/transient-running/live --workdir "$WORK" >"$WORK/killed.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
	grep -q 'migrate' "$WORK/killed.out" 2>/dev/null && break
	sleep 0.1
done
remember_namespaces
[ ${#NAMESPACES[@]} -eq 2 ] || problem "the run did not start the hosts: $(tail -n 3 "$WORK/killed.out")"
kill -KILL "$(pgrep -P "$pid" -x mwb || echo "$pid")" 2>/dev/null
wait "$pid" 2>/dev/null
# The guard runs the hosts' stop.sh (up to ~10 s for the daemons to go).
for _ in $(seq 300); do [ -e "$MWB_HOSTS_DIR" ] || break; sleep 0.1; done
sleep 0.5
expect_no_trace
pgrep -f 'guest=tck' >/dev/null && problem "a tck QEMU outlived the killed mwb: $(pgrep -af 'guest=tck')"
verdict "libvirt: mwb killed with SIGKILL mid-scenario: its guard stops the hosts it started, nothing left"

# ---- a slice of the matrix as TAP ----

run_mwb run -r /libvirt/migration/normal/transient-running -r /libvirt/migration/p2p-tunnelled/persistent-paused-dst-defined --tap --workdir "$WORK/runs"
expect_rc 0
plan=$(grep -m1 -oE '^1\.\.[0-9]+' <<<"$OUT")
n_ok=$(grep -cE '^ok [0-9]+ - ' <<<"$OUT")
[ "$plan" = "1..$n_ok" ] || problem "plan $plan but $n_ok ok lines"
tck=$(grep -E '^ok [0-9]+ - ' <<<"$OUT" | grep -vc ' - strict: ')
[ "$tck" -eq 80 ] || problem "$tck TCK checks for 8 cases, expected 80"
expect_not_out '^not ok'
expect_out '^ok [0-9]+ - no need to define initial domain$'
expect_out '^ok [0-9]+ - target VM is persistent$'
expect_out '^ok [0-9]+ - strict: source config really gone$'
expect_out '^ok [0-9]+ - strict: guest counter advancing on the target$'
expect_out '^ok [0-9]+ - strict: guest counter frozen on the target$'
expect_out '^# === /libvirt/migration/normal/transient-running/live: .*PreState 1 PostState 1 PreSrcConf 0 PostSrcConf 0 PreDstConf 0 PostDstConf 0 Flags  1 \( 0\)'
expect_out '^# 8 passed, 0 failed, 0 skipped$'
expect_no_trace
verdict "libvirt: 8 cases as TAP: 80 TCK checks by their TCK names, the strict ones, the plan matching, hosts gone after"

# ---- a case that cannot connect: the plan still holds ----

run_mwb run -p /libvirt/migration/normal/transient-running/live --tap --workdir "$WORK/runs" \
	--uri qemu+tcp://127.0.0.9/system --other-uri qemu+tcp://127.0.0.8/system
expect_rc 1
expect_out '^1\.\.13$'
expect_out '^not ok 1 - no need to define initial domain$'
expect_out '^#   not reached: step 1 \(connect\) failed: cannot connect to the src host qemu\+tcp://127\.0\.0\.9/system: libvirt error VIR_ERR_SYSTEM_ERROR \(code 38'
expect_out '^ok 13 - strict: guest counter advancing on the target # SKIP not reached'
[ "$(grep -cE '^(not )?ok [0-9]+ ' <<<"$OUT")" -eq 13 ] || problem "not 13 test lines"
[ -e "$MWB_HOSTS_DIR" ] && problem "--uri given, yet mwb started its own hosts"
run_mwb run -p /libvirt/migration/normal/transient-running/live --uri qemu+tcp://127.0.0.9/system
expect_rc 2
expect_err '--uri and --other-uri go together'
verdict "libvirt: --uri hosts that do not answer: the first check is not ok with libvirt's error, the rest skipped, 13 of 13 lines"

# ---- failure scenarios ----

for s in unreachable-destination name-clash destination-daemon-killed destination-qemu-killed; do
	run_mwb run -p "/libvirt/failure/$s" -v --workdir "$WORK/runs"
	expect_rc 0
	expect_out "^PASS /libvirt/failure/$s"
	expect_out 'src-state +ok .* is running'
	expect_out 'src-guest +ok .* advances'
	expect_out 'libvirt error VIR_ERR_[A-Z_]+ \(code [0-9]+'
	case $s in
	destination-daemon-killed) expect_out 'wait +ok .*mwb aborted the job' ;;
	esac
	grep -E '^ +[0-9]+/[0-9]+ (migrate|wait) ' <<<"$OUT" | sed 's/^/# /'
	expect_no_trace
	verdict "libvirt: failure scenario $s: its expected failure, libvirt's error code and message, the source still running"
done

# ---- the workbench: events, job statistics, :qmp through libvirt ----

cat >"$WORK/tui.script" <<SCRIPT
s
s
s
s
s
s
:save-display $WORK/tui-steps.txt steps
:log events-src
:save-display $WORK/tui-events.txt log
:log job
:save-display $WORK/tui-job.txt log
:qmp dst query-status
:save-display $WORK/tui-status.txt status
:log qmp-dst
:save-display $WORK/tui-qmp.txt log
q
SCRIPT
MWB_SCRIPT=$WORK/tui.script LINES=40 COLUMNS=140 timeout -k 5 120 "$MWB" run --tui --workdir "$WORK" -p /libvirt/migration/normal/transient-running/live \
	>"$WORK/tui.out" 2>"$WORK/stderr"
RC=$?
OUT=$(cat "$WORK"/tui-*.txt 2>/dev/null)
ERR=$(cat "$WORK/stderr")
expect_rc 0
expect_out '^ +6 migrate +ok'
expect_out 'LIFECYCLE suspended migrated'
expect_out 'MIGRATION_ITERATION 1 domain tck'
expect_out 'JOB_COMPLETED domain tck: operation='
expect_out 'job unbounded: elapsed [0-9]+ ms, data processed'
expect_out 'qmp dst: \{ *"status" : "running"'
expect_out '-> query-status .*<- query-status: \{"status":"running"'
expect_no_trace
verdict "libvirt: the workbench shows domain events, job statistics and :qmp dst through qemu-monitor-command"
