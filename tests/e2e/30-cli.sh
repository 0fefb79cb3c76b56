# Bad input: exit 2 with a one-line reason; selection and output formats.
. "$(dirname "$0")/../lib.sh"

run_mwb run -p /x86_64/migration/nope
expect_rc 2
[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || problem "expected a one-line reason, got: $ERR"
expect_err "^mwb: unknown scenario path '/x86_64/migration/nope'"
verdict "-p with an unknown path exits 2 with one line"

mkdir -p "$WORK/bad"
cp "$MWB_SCENARIOS"/x86_64/18-precopy-unix-plain.scn "$WORK/bad/a.scn"
printf 'step oops qemu.start role=src\nbogus line here\n' >>"$WORK/bad/a.scn"
n=$(wc -l <"$WORK/bad/a.scn")
MWB_SCENARIOS=$WORK/bad run_mwb run -p /x86_64/migration/precopy/unix/plain
expect_rc 2
expect_err "^mwb: $WORK/bad/a.scn:$n: unknown keyword 'bogus'"
verdict "a malformed scenario file exits 2 naming file:line"

printf 'path /a/b\nbackend qemu\nstep s qemu.start role=src\nstep t qemu.nope\n' >"$WORK/bad/a.scn"
MWB_SCENARIOS=$WORK/bad run_mwb list
expect_rc 2
expect_err "a.scn:4: unknown action 'qemu.nope' for backend qemu"
verdict "an unknown action is reported with file:line"

# A file that cannot be read, even by root: a dangling link.
rm -rf "$WORK/bad" && mkdir -p "$WORK/bad"
ln -s "$WORK/nowhere.scn" "$WORK/bad/a.scn"
MWB_SCENARIOS=$WORK/bad run_mwb run -a
expect_rc 2
expect_err "^mwb: $WORK/bad/a.scn: "
[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || problem "expected a one-line reason"
verdict "an unreadable scenario file exits 2 naming it"

run_mwb list -r /x86_64/migration/precopy/tcp/tls/x509
expect_rc 0
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 7 ] || problem "expected 7 precopy/tcp/tls/x509 paths"
run_mwb list -r /x86_64/migration/precop
expect_rc 2
expect_err "no scenario path under '/x86_64/migration/precop'"
verdict "-r matches whole path components, as migration-test's -r"

run_mwb list
expect_rc 0
expect_out "^/x86_64/migration/bad_dest$"
expect_out "^/x86_64/migration/precopy/unix/plain$"
verdict "mwb list prints the scenario paths"

run_mwb run
expect_rc 2
expect_err "nothing selected"
run_mwb run -a --keep sometimes
expect_rc 2
expect_err "--keep takes always, failed or never"
run_mwb run -a --fault melt
expect_rc 2
expect_err "unknown --fault 'melt'"
run_mwb run -a --wrap nobody=x
expect_rc 2
expect_err "--wrap takes ROLE=PREFIX"
run_mwb frobnicate
expect_rc 2
run_mwb run -a --qemu /nonexistent/qemu
expect_rc 2
expect_err "QEMU binary '/nonexistent/qemu' \\(--qemu\\) not found"
run_mwb run -a --timeout 1e9
expect_rc 2
expect_err "--timeout takes seconds"
run_mwb run -a --guest-mem 100K
expect_rc 2
expect_err "--guest-mem takes a size in whole MiB"
run_mwb run -p /x86_64/migration/bad_dest --guest-mem 16M --workdir "$WORK/runs"
expect_rc 1
expect_out "guest memory 16 MiB is too small"
expect_no_survivors none-ok
verdict "usage errors exit 2 with a reason"

run_mwb run -a --sbs </dev/null
expect_rc 2
expect_err "--sbs waits for Enter on a terminal, and standard input is not one"
verdict "--sbs refuses without a terminal"

run_mwb run -p /x86_64/migration/precopy/unix/plain --tap --junit "$WORK/junit.xml" --workdir "$WORK/runs"
expect_rc 0
expect_out "^1\.\.1$"
expect_out "^ok 1 /x86_64/migration/precopy/unix/plain$"
expect_out "^# 1 passed, 0 failed, 0 skipped$"
grep -q '<testcase classname="x86_64.migration.precopy.unix" name="plain"' "$WORK/junit.xml" 2>/dev/null ||
	problem "JUnit file lacks the testcase"
expect_no_survivors
verdict "--tap and --junit"

run_mwb run -p /x86_64/migration/precopy/unix/plain --timeout 0.3 --workdir "$WORK/runs"
expect_rc 1
expect_out "FAIL .*scenario timed out after 0.3 s"
expect_no_survivors none-ok
verdict "--timeout fails a scenario that runs too long and stops its QEMUs"

run_mwb run -p /x86_64/migration/precopy/unix/plain --break migrate --break-event 'MIGRATION status=completed' \
	--workdir "$WORK/runs"
expect_rc 0
expect_out "^  paused: breakpoint at step 7 \(migrate\)$"
# Both sides emit it; whichever comes first stops the run.
expect_out "^  paused: event breakpoint 'MIGRATION status=completed' \((src|dst)\)$"
expect_out "^PASS "
expect_no_survivors
run_mwb run -a --break nosuch
expect_rc 2
expect_err "--break nosuch: no selected scenario has that step"
run_mwb run -a --break-event 'STOP when'
expect_rc 2
expect_err "expected key=value, got 'when'"
verdict "--break and --break-event pause where they say (batch mode reports and goes on)"

# Checked at load: a set line may only use what is known before step 1.
mkdir -p "$WORK/set"
printf 'path /a\nbackend qemu\nset x = ${nope}/y\nstep s qemu.start role=src\n' >"$WORK/set/a.scn"
MWB_SCENARIOS=$WORK/set run_mwb list
expect_rc 2
expect_err "a.scn:3: unknown variable \\\$\{nope\} \(a set line may use"
printf 'path /a\nbackend qemu\nset run = /tmp\nstep s qemu.start role=src\n' >"$WORK/set/a.scn"
MWB_SCENARIOS=$WORK/set run_mwb list
expect_rc 2
expect_err "a.scn:3: 'run' is set by mwb itself"
verdict "set lines are checked when the file is loaded"

# What a person reads has its variables filled in; markers count once; quit wants exit 0.
mkdir -p "$WORK/qs"
cat >"$WORK/qs/a.scn" <<'SCN'
path /test/quit
backend qemu
set sock = ${run}/migsocket
step start   qemu.start role=src args="-no-shutdown"
     about   Start a QEMU; the socket would be ${sock}
step one     qemu.wait-serial role=src
step two     qemu.wait-serial role=src marker=A timeout=0.5
     about   'A' comes once, and the first wait on A takes it
step three   qemu.quit role=src
SCN
MWB_SCENARIOS=$WORK/qs run_mwb run -a --keep always --workdir "$WORK/runs"
expect_rc 0
dir=$(last_run_dir)
grep -q "Start a QEMU; the socket would be $dir/migsocket" "$dir/journal.jsonl" || problem "the journal's about line is not expanded"
expect_out "two +ok .*1 new 'A' marker"
printf 'path /test/twice\nbackend qemu\nstep s qemu.start role=src\nstep a qemu.wait-serial role=src marker=A\nstep b qemu.wait-serial role=src marker=A timeout=0.5\n' >"$WORK/qs/a.scn"
MWB_SCENARIOS=$WORK/qs run_mwb run -a --workdir "$WORK/runs"
expect_rc 1
expect_out "FAIL /test/twice at step 3 \(b\): timed out after 0.5 s waiting for 1 new 'A'"
printf 'path /test/exit3\nbackend qemu\nstep s qemu.start role=src\nstep q qemu.quit role=src\n' >"$WORK/qs/a.scn"
MWB_SCENARIOS=$WORK/qs run_mwb run -a --wrap 'src=sh -c "\"$@\"; exit 3" wrapper' --workdir "$WORK/runs"
expect_rc 1
expect_out "FAIL /test/exit3 at step 2 \(q\): expected exit status 0: source QEMU \(pid [0-9]+\) exited with status 3"
expect_no_survivors
verdict "about lines are expanded; a marker counts for one wait; quit must exit 0"

# The workbench wants a terminal; batch users get a pointer to `mwb run`.
run_mwb </dev/null
expect_rc 2
expect_err "the workbench needs a terminal \\(use \`mwb run\` for batch runs\\)"
run_mwb run --tui -p /x86_64/migration/precopy/unix/plain </dev/null
expect_rc 2
expect_err "the workbench needs a terminal"
run_mwb run --tui -r /x86_64/migration/precopy/tcp/tls/x509 </dev/null
expect_rc 2
expect_err "--tui opens one scenario; 7 are selected"
run_mwb run --tui --tap -p /x86_64/migration/precopy/unix/plain
expect_rc 2
expect_err "--tui is interactive"
verdict "mwb alone and run --tui refuse without a terminal, and --tui takes one scenario"

# Keymaps: a bad line is a warning with file:line, never fatal.
printf 'bind generic s step\nbind nowhere s step\nbind generic <Nope> quit\nbind generic z fly\n' >"$WORK/bad.keys"
run_mwb keys --keymap "$WORK/bad.keys"
expect_rc 0
expect_err "$WORK/bad.keys:2: unknown pane 'nowhere'"
expect_err "$WORK/bad.keys:3: bad key '<Nope>'"
expect_err "$WORK/bad.keys:4: unknown action 'fly'"
expect_out "step"
run_mwb keys --keymap vi
expect_rc 0
[ -z "$ERR" ] || problem "vi.keys gave warnings: $ERR"
expect_out "^ +j, <Down> +move-down|j.*move-down"
run_mwb keys --keymap /nonexistent.keys
expect_rc 0
expect_err "/nonexistent.keys: "
verdict "keymap files: bad lines are file:line warnings, never fatal; vi.keys loads clean"

# The man page's key table is the one the binary has.
run_mwb keys --mdoc
table=$OUT
man=$(cd "$(dirname "$0")/../.." && pwd)/docs/mwb.1
if grep -qF -- "$(head -n 3 <<<"$table")" "$man"; then
	awk '/^\.\\" keys-begin/ { on = 1; next } /^\.\\" keys-end/ { on = 0 } on' "$man" >"$WORK/man-keys"
	printf '%s\n' "$table" | diff -u "$WORK/man-keys" - >"$WORK/keys.diff" ||
		problem "docs/mwb.1's key table is stale: $(head -c 600 "$WORK/keys.diff")"
else
	problem "docs/mwb.1 has no key table from mwb keys --mdoc"
fi
verdict "docs/mwb.1's key table is generated from the actions and default.keys"

# The completion files know every option and command the binary has.
top=$(cd "$(dirname "$0")/../.." && pwd)
run_mwb run --help
for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$OUT" | sort -u); do
	[ "$o" = --help-all ] && continue
	grep -qe "$o" "$top/completions/mwb.bash" || problem "completions/mwb.bash lacks $o"
	grep -qe "$o" "$top/completions/_mwb" || problem "completions/_mwb lacks $o"
	grep -qe "Fl -${o#--}" "$top/docs/mwb.1" || problem "docs/mwb.1 lacks $o"
done
for c in list run actions keys; do
	grep -q "$c" "$top/completions/mwb.bash" || problem "completions/mwb.bash lacks the command $c"
	grep -q "'$c:" "$top/completions/_mwb" || problem "completions/_mwb lacks the command $c"
	grep -q "^\.Cm $c" "$top/docs/mwb.1" || problem "docs/mwb.1 lacks the command $c"
done
# And bash really completes them.
comp=$(bash -c ". '$top/completions/mwb.bash'; COMP_WORDS=(mwb run --k); COMP_CWORD=2; _mwb; printf '%s\n' \"\${COMPREPLY[@]}\"")
grep -qx -- --keymap <<<"$comp" || problem "bash: mwb run --k does not offer --keymap: $comp"
comp=$(bash -c ". '$top/completions/mwb.bash'; COMP_WORDS=(mwb k); COMP_CWORD=1; _mwb; printf '%s\n' \"\${COMPREPLY[@]}\"")
grep -qx keys <<<"$comp" || problem "bash: mwb k does not offer keys: $comp"
if command -v zsh >/dev/null; then
	zsh -n "$top/completions/_mwb" 2>"$WORK/zsh.err" || problem "_mwb: $(cat "$WORK/zsh.err")"
fi
verdict "the completion files and the man page know every option and command"
