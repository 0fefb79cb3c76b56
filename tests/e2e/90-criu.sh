# ZDTM-style checkpoint/restore with a real CRIU (make deps gives one that
# passes `criu check` here): the catalogue, zdtm.py's variations and
# flavors, what this kernel cannot do as SKIPs, faults, image inspection.
. "$(dirname "$0")/../lib.sh"

# No test program, nsinit or criu of ours may outlive a run.
criu_survivors() {
	local p
	for p in $(pgrep -f '/zdtm/static/|build/zdtm/|/nsinit|sbin/criu ' 2>/dev/null); do
		[ "$p" = $$ ] && continue
		grep -qE 'zdtm|nsinit|criu' "/proc/$p/cmdline" 2>/dev/null || continue
		[ "$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' /proc/$p/stat 2>/dev/null)" = Z ] && continue
		problem "pid $p outlived mwb: $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"
	done
}

run_mwb list -r zdtm/static
expect_rc 0
n=$(grep -c '^zdtm/static/' <<<"$OUT")
[ "$n" -ge 15 ] || problem "only $n zdtm/static tests listed"
verdict "mwb list -r zdtm/static lists $n tests (at least 15)"

run_mwb run -r zdtm/static --keep-going --workdir "$WORK/runs"
expect_rc 0
expect_out "^$n passed, 0 failed, 0 skipped$"
expect_out "^=+ Test zdtm/static/env00 PASS =+$"
expect_out "^ +Run criu dump$"
expect_out "^ +=\[log\]=> dump/zdtm/static/env00/[0-9]+/1/dump.log$"
expect_out "^ +------------------------ grep Error ------------------------$"
expect_out "^ +\(the RLIMIT_NOFILE Error is CRIU's harmless noise"
expect_out "^PASS zdtm/static/shm00 "
criu_survivors
verdict "mwb run -r zdtm/static: every test passes, in zdtm.py's words"

for v in "--iters 3" "--norst" "--page-server" "--sibling" "--stop" "--dedup" "-f ns" "-f uns" "--norst --stop"; do
	# shellcheck disable=SC2086
	run_mwb run -p zdtm/static/env00 --workdir "$WORK/runs" $v
	expect_rc 0
	expect_out "^PASS zdtm/static/env00 "
	case $v in
	--iters*) expect_out "^ +[0-9]+/[0-9]+ +restore-3 +ok" ;;
	--norst) expect_not_out "restore +ok" ;;
	--page-server) expect_out "^ +[0-9]+/[0-9]+ +page-server +ok .*criu page-server is ready" ;;
	--stop) expect_out "^ +[0-9]+/[0-9]+ +stopped +ok .*were stopped; sent SIGCONT" ;;
	"-f ns" | "-f uns") expect_out "under its namespace's init" ; expect_out "Run zdtm/static/env00 in ${v#-f }" ;;
	esac
	criu_survivors
	verdict "env00 passes with $v"
done

# --norst's dump really leaves the test running: its steps say so
run_mwb run -v -p zdtm/static/env00 --norst --workdir "$WORK/runs"
expect_out "criu dump .*--leave-running"
verdict "--norst dumps with --leave-running and restores nothing"

old_pipe=$(sysctl -n fs.pipe-max-size) old_uffd=$(sysctl -n vm.unprivileged_userfaultfd)
run_mwb run -p zdtm/static/env00 --lazy-pages --workdir "$WORK/runs"
expect_rc 0
expect_out "^PASS zdtm/static/env00 "
expect_out "lazy-done +ok .*criu lazy-pages exited 0"
run_mwb run -p zdtm/static/env00 --lazy-pages -f uns --workdir "$WORK/runs"
expect_rc 0
expect_out "^PASS zdtm/static/env00 "
expect_out "sysctl vm.unprivileged_userfaultfd = 1 for this run \(was $old_uffd"
[ "$(sysctl -n vm.unprivileged_userfaultfd)" = "$old_uffd" ] || problem "vm.unprivileged_userfaultfd not restored"
[ "$(sysctl -n fs.pipe-max-size)" = "$old_pipe" ] || problem "fs.pipe-max-size changed"
criu_survivors
verdict "--lazy-pages passes (also in a user namespace) and the sysctls are back afterwards"

# A failing run puts the sysctls back too.
if [ "$old_uffd" = 0 ]; then
	run_mwb run -p zdtm/static/env00 --lazy-pages -f uns --fault tamper-image --workdir "$WORK/runs"
	expect_rc 1
	[ "$(sysctl -n vm.unprivileged_userfaultfd)" = 0 ] || problem "vm.unprivileged_userfaultfd not restored after a failure"
	criu_survivors
	verdict "a failed run restores the sysctls it set"
else
	skip "a failed run restores the sysctls it set" "vm.unprivileged_userfaultfd is already 1 on this host"
fi

for v in "--pre 2" "--snaps"; do
	# shellcheck disable=SC2086
	run_mwb run -p zdtm/static/env00 --workdir "$WORK/runs" $v
	if /opt/mwb/criu/sbin/criu check --feature mem_dirty_track >/dev/null 2>&1; then
		expect_rc 0
		expect_out "^PASS zdtm/static/env00 "
	else
		expect_rc 0
		expect_out "^SKIP zdtm/static/env00: ${v% *} needs dirty-memory tracking, which this machine lacks: criu check --feature mem_dirty_track says: "
		expect_out "^0 passed, 0 failed, 1 skipped$"
	fi
	verdict "$v: exit 0, a SKIP with the dirty-tracking reason where the kernel has none"
done

run_mwb run -p zdtm/static/env00 --fault tamper-image --keep always --workdir "$WORK/runs"
expect_rc 1
expect_out "^ +tamper-image: pages-[0-9]+\.img offset [0-9]+ = address 0x[0-9a-f]+ of pid [0-9]+"
expect_out "^=+ Test zdtm/static/env00 FAIL at (result check|CRIU restore) =+$"
expect_out "^FAIL zdtm/static/env00 at step [0-9]+ \((check|restore)\): .*(differs|FAIL)"
img=$(ls -d "$(last_run_dir)"/dump/zdtm/static/env00/*/1 2>/dev/null | head -n1)
if [ -n "$img" ]; then
	run_mwb inspect "$img"
	expect_rc 0
	for what in "pstree.img +PSTREE" "core-[0-9]+.img +CORE .*comm env00" "mm-[0-9]+.img +MM" \
		"pagemap-[0-9]+.img +PAGEMAP .*-> pages-[0-9]+.img" "pages-[0-9]+.img +PAGES .*sizes agree"; do
		expect_out "^  $what"
	done
	run_mwb inspect "$img" --json
	expect_rc 0
	python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" || problem "inspect --json is not JSON"
else
	problem "no kept image directory"
fi
criu_survivors
verdict "--fault tamper-image fails the run at result check; inspect lists pstree, core, mm, pagemap, pages"

# CRIU's fault 1 is a sudden detach in the middle of the dump, as zdtm's --fault 1.
run_mwb run -v -p zdtm/static/env00 --fault criu=1 --workdir "$WORK/runs"
expect_rc 1
expect_out "dump.log +<< .*fault: CRIU sudden detach"
expect_out "^=+ Test zdtm/static/env00 FAIL at CRIU dump =+$"
criu_survivors
verdict "--fault criu=N passes CRIU_FAULT=N to criu, and the test does not survive"

# --wrap criu=PREFIX runs every criu under it.
run_mwb run -p zdtm/static/env00 --wrap "criu=strace -o $WORK/criu.strace" --workdir "$WORK/runs"
expect_rc 0
expect_out "^PASS zdtm/static/env00 "
grep -q 'execve(".*criu", \[".*criu", "restore"' "$WORK/criu.strace" 2>/dev/null ||
	problem "strace saw no criu restore: $(head -c 300 "$WORK/criu.strace" 2>/dev/null)"
criu_survivors
verdict "--wrap criu=PREFIX wraps every criu (strace saw the restore)"

# A criu whose check fails is refused, with the check's words.
printf '#!/bin/sh\necho "Error (criu/vdso.c:1): vdso: Unexpected rt vDSO area bounds" >&2\nexit 1\n' >"$WORK/bad-criu"
chmod +x "$WORK/bad-criu"
run_mwb run -p zdtm/static/env00 --criu "$WORK/bad-criu" --workdir "$WORK/runs"
expect_rc 1
expect_out "refusing $WORK/bad-criu \(from --criu\): .*check. exited with status 1: Error \(criu/vdso.c:1\): vdso: Unexpected rt vDSO area bounds"
criu_survivors
verdict "a criu that fails criu check is refused, quoting it"

run_mwb run -p zdtm/static/env00 --iters 0x
expect_rc 2
run_mwb run -p zdtm/static/env00 -f hx
expect_rc 2
expect_err "-f takes zdtm's flavors h, ns, uns"
run_mwb run -p zdtm/static/env00 --nocr --iters 2
expect_rc 2
expect_err "--nocr runs no checkpoint/restore"
verdict "bad variation and flavor arguments are usage errors"
