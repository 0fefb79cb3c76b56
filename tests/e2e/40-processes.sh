# Process control: wrap prefixes, and no QEMU outlives mwb however it ends.
. "$(dirname "$0")/../lib.sh"

# A wrap prefix is put in front of the QEMU command line, as QTEST_QEMU_BINARY="gdb ..." would.
if command -v gdb >/dev/null; then
	# QEMU kicks its vCPU threads with SIGUSR1: gdb must let it through.
	run_mwb run -p /x86_64/migration/precopy/unix/plain \
		--wrap 'src=gdb -batch -ex "handle SIGUSR1 nostop noprint pass" -ex run --args' \
		--keep always --workdir "$WORK/runs"
	expect_rc 0
	dir=$(last_run_dir)
	grep -q "gdb.*-batch.*-ex.*run.*--args" "$dir/journal.jsonl" || problem "the journal does not show the gdb prefix"
	# gdb announces the inferior's threads as it starts them; its closing
	# "[Inferior 1 ... exited normally]" is not always printed, so not asked for.
	grep -qE "^\[New Thread .*\]$|libthread_db" "$dir/src.stdout" || problem "src.stdout lacks gdb's own words"
	expect_no_survivors
	verdict "--wrap src='gdb -batch -ex run --args' runs the source under gdb"
else
	skip "--wrap src='gdb ...'" "gdb is not installed"
fi

# Waits until mwb has started both QEMUs (bounded), then prints their pids.
wait_for_qemus() {
	local i pids
	for i in $(seq 1 100); do
		pids=$(pgrep -f "qemu-system-x86_64.*$WORK/runs" | tr '\n' ' ')
		[ "$(wc -w <<<"$pids")" -ge 2 ] && { echo "$pids"; return 0; }
		sleep 0.05
	done
	return 1
}

# end_with SIGNAL EXPECTED_RC: start a long run, signal mwb mid-step, check the QEMUs go.
end_with() {
	local sig=$1 want=$2 mwb_pid pids p i alive
	# A 30 s wait that never ends by itself: stop mwb in the middle of it.
	mkdir -p "$WORK/runs"
	"$MWB" run -p /x86_64/migration/precopy/unix/plain --fault kill-dst --workdir "$WORK/runs" \
		--keep always >"$WORK/out" 2>&1 &
	mwb_pid=$!
	if ! pids=$(wait_for_qemus); then
		problem "mwb did not start two QEMUs"
		kill -9 "$mwb_pid" 2>/dev/null
		return
	fi
	kill -s "$sig" "$mwb_pid"
	wait "$mwb_pid" 2>/dev/null
	RC=$?
	OUT=$(cat "$WORK/out")
	[ "$want" = any ] || expect_rc "$want"
	# The guard needs a moment after a SIGKILL; nothing else may take long.
	for i in $(seq 1 60); do
		alive=
		for p in $pids; do pid_alive "$p" && alive="$alive $p"; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	[ -z "$alive" ] || problem "QEMU pids$alive outlived mwb ended by $sig"
}

end_with INT 130
expect_out "interrupted by SIGINT"
verdict "^C (SIGINT) mid-run: exit 130, no QEMU left"

end_with TERM 143
verdict "SIGTERM mid-run: exit 143, no QEMU left"

end_with KILL 137
verdict "SIGKILL of mwb itself: its guard still ends every QEMU"

# --sbs on a real terminal: script(1) gives mwb a pty and feeds it Enter per step.
if command -v script >/dev/null; then
	mkdir -p "$WORK/runs"
	steps=$(grep -c '^step ' "$MWB_SCENARIOS"/x86_64/01-bad_dest.scn)
	sbs_run "$MWB run --sbs -p /x86_64/migration/bad_dest --keep always --workdir $WORK/runs" \
		$(for i in $(seq 1 "$steps"); do printf '%s ' '\n'; done)
	expect_rc 0
	expect_out "next 1/$steps start-src: Start the source QEMU"
	expect_out "\[Enter\] run it, s skip it, c continue, q abort"
	expect_out "PASS /x86_64/migration/bad_dest"
	expect_no_survivors
	verdict "--sbs on a terminal: a prompt before each step, Enter runs it"

	mkdir -p "$WORK/runs"
	sbs_run "$MWB run --sbs -p /x86_64/migration/bad_dest --keep always --workdir $WORK/runs" 'q\n'
	expect_rc 1
	expect_out "aborted at the --sbs prompt"
	verdict "--sbs: q aborts the scenario"

	# c continues to the next breakpoint, where the prompt comes back.
	mkdir -p "$WORK/runs"
	sbs_run "$MWB run --sbs -p /x86_64/migration/bad_dest --break src-alive --keep always --workdir $WORK/runs" \
		'c\n' 'c\n'
	expect_rc 0
	expect_out "next 7/$steps src-alive"
	expect_out "PASS /x86_64/migration/bad_dest"
	expect_no_survivors
	verdict "--sbs: c runs on to a --break step and prompts there"
else
	skip "--sbs on a terminal" "script(1) from util-linux is not installed"
fi
