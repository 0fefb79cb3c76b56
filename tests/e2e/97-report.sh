# TCK-style reports: run --report DIR writes TAP, JUnit, HTML and JSON;
# --known-broken makes a listed failure known (and a listed pass loud);
# report compare names a planted regression, report problems what to fix.
. "$(dirname "$0")/../lib.sh"

# Two real scenarios: one that fails on its own, sorted first, and bad_dest.
mkdir -p "$WORK/scn"
cp "$MWB_SCENARIOS"/x86_64/01-bad_dest.scn "$WORK/scn/01-bad_dest.scn"
printf 'path /test/fails\nbackend qemu\nstep s qemu.start role=src\nstep t qemu.wait-exit role=src timeout=0.2\n' \
	>"$WORK/scn/00-fails.scn"
export MWB_SCENARIOS=$WORK/scn

# check_files DIR: the four files exist and parse; prints what python found wrong.
check_files() {
	python3 - "$1" <<'PY'
import json, sys, xml.dom.minidom
from html.parser import HTMLParser
d = sys.argv[1]
r = json.load(open(d + "/results.json"))
assert r["format"] == "mwb-report" and r["version"] == 1, "results.json: format/version"
for s in r["scenarios"]:
    for k in ("path", "verdict", "duration", "reason", "failed_step", "failed_name", "run_dir", "kept",
              "known_broken", "known_reason", "checks"):
        assert k in s, "results.json: %s lacks %s" % (s.get("path"), k)
assert set(r["totals"]) == {"passed", "failed", "skipped", "known", "now_passing"}, "results.json: totals"
x = xml.dom.minidom.parse(d + "/junit.xml")
n = len(x.getElementsByTagName("testcase"))
assert n == len(r["scenarios"]), "junit.xml: %d testcases for %d scenarios" % (n, len(r["scenarios"]))
tap = open(d + "/results.tap").read().splitlines()
assert tap[0] == "TAP version 13" and tap[1] == "1..%d" % len(r["scenarios"]), "results.tap: plan"
points = [l for l in tap if l.startswith("ok ") or l.startswith("not ok ")]
assert len(points) == len(r["scenarios"]), "results.tap: %d test points" % len(points)
void = {"meta", "br", "input", "hr", "img", "link"}
class P(HTMLParser):
    stack = []
    def handle_starttag(self, t, a):
        if t not in void: self.stack.append(t)
    def handle_endtag(self, t):
        assert self.stack and self.stack.pop() == t, "index.html: unbalanced </%s>" % t
p = P()
p.feed(open(d + "/index.html").read())
assert not p.stack, "index.html: unclosed %s" % p.stack
for s in r["scenarios"]:
    assert s["path"] in open(d + "/index.html").read(), "index.html lacks " + s["path"]
PY
}

run_mwb run -a --keep-going --workdir "$WORK/runs" --report "$WORK/rep/a"
expect_rc 1
expect_out "^FAIL /test/fails at step 2 \(t\): timed out"
expect_out "^PASS /x86_64/migration/bad_dest"
expect_out "^report: $WORK/rep/a/index.html$"
expect_out "^1 passed, 1 failed, 0 skipped$"
for f in results.tap junit.xml index.html results.json; do
	[ -s "$WORK/rep/a/$f" ] || problem "--report wrote no $f"
done
err=$(check_files "$WORK/rep/a" 2>&1) || problem "malformed report: $(tail -n 1 <<<"$err")"
grep -q '^not ok 1 /test/fails$' "$WORK/rep/a/results.tap" || problem "results.tap lacks 'not ok 1 /test/fails'"
grep -q '^ok 2 /x86_64/migration/bad_dest$' "$WORK/rep/a/results.tap" || problem "results.tap lacks 'ok 2 .../bad_dest'"
grep -q '<failure message="timed out after 0.2 s' "$WORK/rep/a/junit.xml" || problem "junit.xml lacks the failure"
grep -q '<a href="file://'"$WORK"'/runs/mwb-' "$WORK/rep/a/index.html" || problem "index.html lacks the kept run dir's link"
grep -q '"failed_step": 2,' "$WORK/rep/a/results.json" || problem "results.json lacks failed_step 2"
cp "$WORK/rep/a/results.json" "$WORK/a.json"
expect_no_survivors
verdict "--report DIR writes results.tap, junit.xml, index.html and results.json, well-formed"

# Run directories kept inside the report's: relative links, to archive them together.
mkdir -p "$WORK/rep/b/runs"
run_mwb run -p /test/fails --workdir "$WORK/rep/b/runs" --report "$WORK/rep/b"
expect_rc 1
grep -q '<a href="runs/mwb-test-fails-' "$WORK/rep/b/index.html" || problem "index.html's link is not relative"
: >"$WORK/afile"
run_mwb run -p /test/fails --report "$WORK/afile"
expect_rc 2
expect_err "^mwb: --report $WORK/afile: exists and is not a directory$"
verdict "a run directory inside DIR gets a relative link; --report on a file is refused before running"

# The planted regression: bad_dest, edited to FAIL.
python3 - "$WORK/a.json" "$WORK/b.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["scenarios"]:
    if s["path"] == "/x86_64/migration/bad_dest":
        s.update(verdict="FAIL", failed_step=5, failed_name="migrate", reason="planted")
json.dump(r, open(sys.argv[2], "w"), indent=1)
PY
run_mwb report compare "$WORK/a.json" "$WORK/b.json"
expect_rc 1
expect_out "^REGRESSION /x86_64/migration/bad_dest: PASS -> FAIL at step 5 \(migrate\): planted$"
expect_not_out "/test/fails"
expect_out "^1 regression, 0 fixed, 0 known, 0 new, 0 removed, 0 newly skipped, 0 slower, 0 faster, 1 still failing"
run_mwb report compare "$WORK/b.json" "$WORK/a.json"
expect_rc 0
expect_out "^FIXED /x86_64/migration/bad_dest: FAIL -> PASS$"
run_mwb report compare "$WORK/a.json" "$WORK/a.json"
expect_rc 0
expect_out "^0 regressions, "
verdict "report compare names a planted regression (exit 1), and a fix"

printf '# known broken here\n/x86_64/migration/bad_*   refused on this host\n' >"$WORK/kb"
run_mwb report compare "$WORK/a.json" "$WORK/b.json" --known-broken "$WORK/kb"
expect_rc 0
expect_out "^KNOWN /x86_64/migration/bad_dest: PASS -> FAIL at step 5 \(migrate\): planted \[known broken \($WORK/kb:2\): refused on this host\]$"
expect_not_out "^REGRESSION"
expect_out "^0 regressions, 0 fixed, 1 known, "
verdict "with a known-broken list the same failure is KNOWN, not a regression"

# A real run: the known failure does not fail the batch, nor stop it.
printf '/test/fails   waits for an exit that never comes\n/nowhere/*\n' >"$WORK/kb"
run_mwb run -a --workdir "$WORK/runs" --known-broken "$WORK/kb" --report "$WORK/rep/c"
expect_rc 0
expect_out "^FAIL /test/fails at step 2"
expect_out "^PASS /x86_64/migration/bad_dest"
expect_out "^KNOWN /test/fails: known broken \($WORK/kb:1\): waits for an exit that never comes$"
expect_out "^note: 1 known-broken entry of $WORK/kb matched no scenario that ran$"
expect_out "^1 passed, 0 failed, 0 skipped, 1 known$"
grep -q '^not ok 1 /test/fails # TODO known broken: waits for an exit that never comes$' "$WORK/rep/c/results.tap" ||
	problem "results.tap lacks the TODO line"
grep -q '"known_broken": true,' "$WORK/rep/c/results.json" || problem "results.json lacks known_broken"
grep -q '<skipped type="known-broken"' "$WORK/rep/c/junit.xml" || problem "junit.xml lacks the known failure"
err=$(check_files "$WORK/rep/c" 2>&1) || problem "malformed report: $(tail -n 1 <<<"$err")"
expect_no_survivors
verdict "run --known-broken: a listed failure is KNOWN, exit 0, and the batch goes on"

printf '/test/fails\n/x86_64/migration/bad_dest  was broken once\n' >"$WORK/kb2"
run_mwb run -a --workdir "$WORK/runs" --known-broken "$WORK/kb2" --tap
expect_rc 0
expect_out "^# NOW PASSING /x86_64/migration/bad_dest: passed, yet listed as known broken \($WORK/kb2:2\): was broken once$"
expect_out "^# 1 passed, 0 failed, 0 skipped, 1 known$"
expect_no_survivors
verdict "a listed scenario that passes is flagged NOW PASSING"

run_mwb report problems "$WORK/a.json"
expect_rc 1
expect_out "^FAIL /test/fails at step 2 \(t\): timed out after 0.2 s"
expect_not_out "bad_dest"
expect_out "^1 to fix: 1 failed, 0 now passing; not shown: 0 known, 1 passed, 0 skipped$"
run_mwb report problems "$WORK/rep/c/results.json"
expect_rc 0
expect_out "^0 to fix: "
run_mwb report problems "$WORK/a.json" --known-broken "$WORK/kb2"
expect_rc 1
expect_out "^NOW PASSING /x86_64/migration/bad_dest: listed as known broken \($WORK/kb2:2\): was broken once; take it off the list$"
expect_not_out "^FAIL"
verdict "report problems prints only what needs fixing"

printf '/a fine\n\n-p /x86_64/foo\n' >"$WORK/bad.kb"
run_mwb run -a --workdir "$WORK/runs" --known-broken "$WORK/bad.kb"
expect_rc 2
expect_err "^mwb: --known-broken: $WORK/bad.kb:3: expected a scenario path or glob, not '-p'$"
expect_not_out "==="
run_mwb report problems "$WORK/a.json" --known-broken "$WORK/bad.kb"
expect_rc 2
expect_err "$WORK/bad.kb:3: "
printf '{\n "format": "mwb-report",\n "version": 1,\n "scenarios": [ {"path": "/a", "verdict": "PASS"},\n' >"$WORK/cut.json"
run_mwb report problems "$WORK/cut.json"
expect_rc 2
expect_err "^mwb: report: $WORK/cut.json:[0-9]+:[0-9]+: Parse error"
printf '{"format": "mwb-report", "version": 1, "scenarios": [{"path": "/a", "verdict": "MAYBE"}]}' >"$WORK/bad.json"
run_mwb report compare "$WORK/a.json" "$WORK/bad.json"
expect_rc 2
expect_err "^mwb: report: $WORK/bad.json: scenarios\[0\] \(/a\): 'verdict' must be PASS, FAIL, SKIP, ABORTED or NONE, not 'MAYBE'$"
run_mwb report compare "$WORK/a.json"
expect_rc 2
expect_err "report compare takes two results.json files"
run_mwb report frobnicate
expect_rc 2
run_mwb report problems "$WORK/a.json" --threshold 10
expect_rc 2
verdict "bad lists, bad JSON and bad use exit 2 naming FILE:LINE (and :COLUMN)"
