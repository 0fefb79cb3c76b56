# The whole libvirt TCK matrix: 96 cases, each with the TCK's ten checks and
# mwb's strict ones, on mwb's own two hosts: 960 TCK results by their TCK
# names, a plan that matches the lines, no failure, nothing left after.
. "$(dirname "$0")/../lib.sh"
export MWB_HOSTS_DIR=$WORK/hosts
trap 'MWB_HOSTS_DIR=$WORK/hosts "$MWB" hosts stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT

MWB_TEST_TIMEOUT=800 run_mwb run -r /libvirt/migration --tap --workdir "$WORK/runs"
expect_rc 0
plan=$(grep -m1 -oE '^1\.\.[0-9]+' <<<"$OUT")
lines=$(grep -cE '^(not )?ok [0-9]+ ' <<<"$OUT")
[ "$plan" = "1..$lines" ] || problem "plan $plan but $lines test lines"
tck=$(grep -E '^ok [0-9]+ - ' <<<"$OUT" | grep -vc ' - strict: ')
strict=$(grep -cE '^ok [0-9]+ - strict: ' <<<"$OUT")
[ "$tck" -eq 960 ] || problem "$tck TCK checks passed, expected 960"
# 96 counters, 60 sources whose config must be gone, 36 transient targets.
[ "$strict" -eq 192 ] || problem "$strict strict checks passed, expected 192"
expect_not_out '^not ok'
for c in 'defined initial domain' 'no need to define initial domain' 'started initial domain' \
	'created initial domain' 'defined target domain' 'no need to define target domain' 'migrated domain' \
	'source VM is not still active' 'source VM config still exists' 'source VM config does not still exist' \
	'target VM exists' 'target VM is running' 'target VM is persistent' 'target VM state'; do
	grep -qE "^ok [0-9]+ - $c\$" <<<"$OUT" || problem "no check named '$c'"
done
[ "$(grep -c '^# === /libvirt/migration/' <<<"$OUT")" -eq 96 ] || problem "not 96 cases announced"
expect_out '^# 96 passed, 0 failed, 0 skipped$'
[ -e "$MWB_HOSTS_DIR" ] && problem "the hosts this run started are still there"
pgrep -f "libvirtd --config $MWB_HOSTS_DIR" >/dev/null && problem "a libvirtd of the run's hosts still runs"
grep -E '^# PreState' <<<"$OUT" | head -n 1
verdict "libvirt: the TCK matrix, 96 cases: 960 TCK checks and 192 strict checks pass, plan $plan"
