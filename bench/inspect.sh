#!/usr/bin/env bash
# bench/inspect.sh: mwb inspect on a real migration stream.
#
# Makes the stream the way a user gets it, /x86_64/migration/precopy/exec/file
# with a 128 MiB guest (~104 MB, RUN/migfile), then times, alternating, RUNS
# times each:
#   cat       reading the file once (the floor any tool pays)
#   summary   mwb inspect FILE
#   json      mwb inspect FILE --json (every record, ~12 MB of JSON)
#   analyze   QEMU's scripts/analyze-migration.py -f FILE, when a copy is found
#             (ANALYZE=path, or analyze-migration.py in PATH or under
#             /usr/share/qemu*); the column is skipped otherwise
# and prints the medians and the ratios. The issue measured
# analyze-migration.py at 0.43 s on such a file on this machine class; that
# figure is printed as a reference when no copy is here to run. Not a test.
#
#   bench/inspect.sh             RUNS=5
#   RUNS=9 ANALYZE=~/qemu/scripts/analyze-migration.py bench/inspect.sh
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
MWB=${MWB:-$root/mwb}
RUNS=${RUNS:-5}
REFERENCE_S=0.43

die() { echo "inspect.sh: $*" >&2; exit 2; }
[[ -x $MWB ]] || die "$MWB: no mwb binary (run make, or set MWB=path)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
ANALYZE=${ANALYZE:-$(command -v analyze-migration.py 2>/dev/null || ls /usr/share/qemu*/analyze-migration.py 2>/dev/null | head -n 1)}
PYTHON=python3
[[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3

work=$(mktemp -d "${TMPDIR:-/tmp}/mwb-bench-inspect.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
"$MWB" run -p /x86_64/migration/precopy/exec/file --keep always --workdir "$work" >"$work/run.out" 2>&1 ||
	die "making the stream failed: $(tail -n 3 "$work/run.out")"
file=$(ls "$work"/mwb-*/migfile) || die "no migfile in the run directory"
size=$(stat -c %s "$file")
printf 'stream: %s (%.1f MB)\n' "$file" "$(awk -v s="$size" 'BEGIN { print s / 1e6 }')"

# Seconds one command takes, output thrown away.
timed() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || echo "  (exit $? from: $*)" >&2
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -a cat_t sum_t json_t ana_t
for ((i = 0; i < RUNS; i++)); do
	cat_t+=("$(timed cat "$file")")
	sum_t+=("$(timed "$MWB" inspect "$file")")
	json_t+=("$(timed "$MWB" inspect "$file" --json)")
	[[ -n $ANALYZE ]] && ana_t+=("$(timed "$PYTHON" "$ANALYZE" -f "$file")")
done
c=$(printf '%s\n' "${cat_t[@]}" | median)
s=$(printf '%s\n' "${sum_t[@]}" | median)
j=$(printf '%s\n' "${json_t[@]}" | median)
printf '\nmedians over %d runs\n' "$RUNS"
printf '  cat (read floor)          %7.3f s\n' "$c"
printf '  mwb inspect               %7.3f s   %5.1fx the read floor\n' "$s" "$(awk -v a="$s" -v b="$c" 'BEGIN { print a / b }')"
printf '  mwb inspect --json        %7.3f s   %5.1fx the read floor\n' "$j" "$(awk -v a="$j" -v b="$c" 'BEGIN { print a / b }')"
if [[ -n $ANALYZE ]]; then
	a=$(printf '%s\n' "${ana_t[@]}" | median)
	printf '  analyze-migration.py      %7.3f s   mwb inspect is %.1fx faster, --json %.1fx (target >= 5x)\n' "$a" \
		"$(awk -v a="$a" -v b="$s" 'BEGIN { print a / b }')" "$(awk -v a="$a" -v b="$j" 'BEGIN { print a / b }')"
else
	echo "  analyze-migration.py      (no copy found: set ANALYZE=path; column skipped)"
	printf '  reference: analyze-migration.py took %.2f s on such a file (the issue'"'"'s measurement, not re-run):\n' "$REFERENCE_S"
	printf '             mwb inspect %.1fx, --json %.1fx faster than that (target >= 5x)\n' \
		"$(awk -v a="$REFERENCE_S" -v b="$s" 'BEGIN { print a / b }')" "$(awk -v a="$REFERENCE_S" -v b="$j" 'BEGIN { print a / b }')"
fi
