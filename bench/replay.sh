#!/usr/bin/env bash
# bench/replay.sh: mwb replay on a 300 MB QTEST_LOG, the size a hung
# postcopy run left in CI.
#
# Builds the log from the real one in tests/replay/fixtures: its head up to
# the migrate command, then its block of query-migrate polls repeated until
# the file is SIZE_MB (default 300) and cut mid-line, as when the test was
# killed. Then times, alternating, RUNS times each:
#   wc        wc -l FILE: one read of the file, the floor
#   summary   mwb replay FILE --summary, with its peak RSS (GNU time)
#   tui       mwb replay FILE in the workbench (scripted with ::commands, which
#             run at once rather than typed a key every 5 ms, no terminal) until
#             it has run to the log's end and saved the screen; the screen
#             must show the file's last poll
# and prints the medians and the ratios to wc. Targets: summary <= 2 s with
# peak RSS <= 150 MB; the workbench at the last line in <= 1 s. Not a test.
#
#   bench/replay.sh           RUNS=3 SIZE_MB=300
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
MWB=${MWB:-$root/mwb}
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-300}

die() { echo "replay.sh: $*" >&2; exit 2; }
[[ -x $MWB ]] || die "$MWB: no mwb binary (run make, or set MWB=path)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed for the peak RSS: apt-get install time"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"

work=$(mktemp -d "${TMPDIR:-/tmp}/mwb-bench-replay.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
zcat "$root/tests/replay/fixtures/direct-pass-precopy-unix-plain.qtest-log.txt.gz" >"$work/real.log" ||
	die "no fixture"
first=$(grep -n '"execute": "query-migrate"' "$work/real.log" | head -n 1 | cut -d: -f1)
last=$(grep -n '"execute": "migrate-set-parameters"' "$work/real.log" | sed -n 3p | cut -d: -f1)
head -n $((first - 1)) "$work/real.log" >"$work/hung.log"
sed -n "${first},$((last - 1))p" "$work/real.log" >"$work/block"
block=$(stat -c %s "$work/block")
n=$((SIZE_MB * 1000000 / block + 1))
for ((i = 0; i < n; i++)); do cat "$work/block"; done >>"$work/hung.log"
truncate -s $((SIZE_MB * 1000000)) "$work/hung.log"
file=$work/hung.log
printf 'log: %s, %.1f MB, %d lines (%d repeats of %d poll lines)\n' "$file" \
	"$(awk -v s="$(stat -c %s "$file")" 'BEGIN { print s / 1e6 }')" "$(wc -l <"$file")" "$n" "$(wc -l <"$work/block")"
tail_poll=$(tail -c 4096 "$file" | grep -o '"total-time": [0-9]*' | tail -n 1)

printf '::log qmp-src\n::save-display %s/screen\n::quit\n' "$work" >"$work/script"

now() { date +%s.%N; }
declare -a t_grep t_sum t_tui rss_sum
for ((r = 0; r < RUNS; r++)); do
	s=$(now); wc -l <"$file" >/dev/null; e=$(now)
	t_grep+=("$(echo "$e - $s" | bc)")
	s=$(now)
	/usr/bin/time -f '%M' -o "$work/rss" "$MWB" replay "$file" --summary >"$work/summary" 2>&1
	rc=$?
	e=$(now)
	[ "$rc" -le 1 ] || die "summary exited with $rc: $(tail -n 3 "$work/summary")"
	t_sum+=("$(echo "$e - $s" | bc)")
	rss_sum+=("$(tail -n 1 "$work/rss")")
	rm -f "$work/screen"
	s=$(now)
	MWB_NO_DISPLAY=1 TERM=dumb INPUTRC=/dev/null MWB_SCRIPT=$work/script LINES=50 COLUMNS=200 \
		"$MWB" replay "$file" >/dev/null 2>"$work/tui.err"
	e=$(now)
	t_tui+=("$(echo "$e - $s" | bc)")
	grep -qF "${tail_poll//\"/}" <(tr -d '"' <"$work/screen") ||
		die "the workbench's screen does not show the last poll (${tail_poll}): $(tail -n 5 "$work/screen")"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
g=$(median "${t_grep[@]}")
sm=$(median "${t_sum[@]}")
tu=$(median "${t_tui[@]}")
rss=$(median "${rss_sum[@]}")
echo "summary of the log:"
sed 's/^/  /' "$work/summary"
printf '%-10s %8s %8s\n' what median 'x wc'
printf "%-10s %7.3fs %8s\n" "wc -l" "$g" 1.0
printf '%-10s %7.3fs %8.1f   peak RSS %.1f MB (target <= 2 s, <= 150 MB)\n' summary "$sm" "$(echo "$sm / $g" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
printf '%-10s %7.3fs %8.1f   (target <= 1 s, open and at the last line)\n' tui "$tu" "$(echo "$tu / $g" | bc -l)"
