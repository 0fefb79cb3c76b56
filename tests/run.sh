#!/usr/bin/env bash
# Runs every test and ends with the one line CI reads: "N passed, N failed, N skipped".
# Unit tests are GTest binaries (TAP with --tap); end-to-end tests are the
# tests/e2e/*.sh scripts, which drive the real mwb against real QEMU.
#   MWB=path/to/mwb UNIT_DIR=build/default/tests tests/run.sh [e2e-name-filter]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top" || exit 2
export MWB=${MWB:-$top/mwb}
UNIT_DIR=${UNIT_DIR:-$top/build/default/tests}
filter=${1:-}
passed=0 failed=0 skipped=0
failures=()

# Reads TAP on stdin, echoes it, counts it.
count() {
	local name=$1 line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok"*) failed=$((failed + 1)); failures+=("$name: ${line#not ok }") ;;
		"ok "*"# SKIP"* | "ok "*"# skip"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		esac
	done
}

if [ -z "$filter" ]; then
	for t in "$UNIT_DIR"/test-*; do
		[ -x "$t" ] || continue
		echo "# unit: $(basename "$t")"
		out=$(timeout -k 5 300 "$t" --tap 2>&1)
		rc=$?
		count "$(basename "$t")" <<<"$out"
		if [ $rc -ne 0 ]; then
			failed=$((failed + 1))
			failures+=("$(basename "$t"): exited with status $rc")
			echo "not ok - $(basename "$t") exited with status $rc"
		fi
	done
fi

for t in "$here"/e2e/*.sh; do
	case $(basename "$t") in *"$filter"*) ;; *) continue ;; esac
	echo "# e2e: $(basename "$t")"
	count "$(basename "$t" .sh)" < <(timeout -k 10 900 bash "$t" 2>&1)
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "# failures:"
	printf '#   %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
