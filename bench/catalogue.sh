#!/usr/bin/env bash
# bench/catalogue.sh: the wall time of the whole QEMU catalogue.
#
# Runs `mwb run -r /x86_64/migration --keep-going` (every migration-test 7.2
# path plus mwb's own) end to end, RUNS times, and prints each run's wall
# time, its verdict counts, the slowest scenarios, and the ratio to the
# target (3 minutes) and to QEMU's own migration-test on this machine class
# (~14 minutes for its 7.2 set; migration-test is not built here, so that
# figure is the issue's measurement, printed as a reference, not re-run).
# A run whose verdicts differ from the first run's is reported: speed is no
# use if verdicts move. Not a test: exits 1 only if a scenario failed.
#
#   bench/catalogue.sh            RUNS=1
#   RUNS=3 ACCEL=tcg bench/catalogue.sh
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
MWB=${MWB:-$root/mwb}
RUNS=${RUNS:-1}
ACCEL=${ACCEL:-}
TARGET_S=180
MIGRATION_TEST_S=840

die() { echo "catalogue.sh: $*" >&2; exit 2; }
[[ -x $MWB ]] || die "$MWB: no mwb binary (run make, or set MWB=path)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
accel=()
[[ -n $ACCEL ]] && accel=(--accel "$ACCEL")

work=$(mktemp -d "${TMPDIR:-/tmp}/mwb-bench-cat.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
failed=0
first=

for ((i = 1; i <= RUNS; i++)); do
	out=$work/run$i.out
	t0=$(date +%s.%N)
	"$MWB" run -r /x86_64/migration --keep-going --keep never --workdir "$work" "${accel[@]}" >"$out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	counts=$(tail -n 1 "$out")
	verdicts=$(grep -E '^(PASS|FAIL|SKIP) ' "$out" | sed -E 's/ \([0-9.]+ s\)$//; s/^(FAIL [^ ]+).*/\1/; s/^(SKIP [^:]+):.*/\1/')
	printf 'run %d: %6.1f s wall, %s (exit %d)\n' "$i" "$wall" "$counts" "$rc"
	[[ $rc -eq 0 ]] || failed=1
	if [[ -z $first ]]; then
		first=$verdicts
	elif [[ $verdicts != "$first" ]]; then
		echo "  verdicts differ from run 1:"
		diff <(echo "$first") <(echo "$verdicts") | sed 's/^/    /'
	fi
	walls+=("$wall")
done

echo
echo "slowest scenarios (last run):"
grep -E '^(PASS|FAIL) ' "$out" | sed -E 's/^.* (\/[^ ]+).*\(([0-9.]+) s\)$/\2 \1/' | sort -rn | head -n 5 |
	awk '{ printf "  %6.1f s  %s\n", $1, $2 }'
grep -E '^SKIP ' "$out" | sed 's/^/  /'
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo
printf 'median wall time        %6.1f s over %d run(s)\n' "$median" "$RUNS"
printf 'vs target (%d s)        %6.2fx of the budget\n' "$TARGET_S" "$(awk -v m="$median" -v t="$TARGET_S" 'BEGIN { print m / t }')"
printf 'vs migration-test 7.2   %6.2fx faster (reference %d s, measured by the issue on this machine class, not re-run)\n' \
	"$(awk -v m="$median" -v t="$MIGRATION_TEST_S" 'BEGIN { print t / m }')" "$MIGRATION_TEST_S"
exit $failed
