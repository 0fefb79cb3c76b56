#!/usr/bin/env bash
# bench/precopy.sh: how much mwb costs on top of the migration it drives.
#
# Times /x86_64/migration/precopy/unix/plain run by mwb RUNS times and the
# same QMP sequence run by bench/bare-precopy.py (the smallest script that
# does the same work) RUNS times, alternating mwb-bare, bare-mwb, ... so that
# noise on a shared machine hits both alike.  Each run is timed end to end:
# from spawning the driver (which starts both QEMUs) until it exited, by which
# point it has migrated, verified the destination's memory, reaped both QEMUs
# and removed its run directory.  Prints every run, both medians, the ratio,
# the per-step medians, and the targets as information.  Not a test: exits 1
# only when a run itself failed, 2 on bad usage.  See bench/README.md.
#
#   bench/precopy.sh                 RUNS=5, mwb's default accelerator
#   RUNS=9 ACCEL=tcg bench/precopy.sh
#   MWB=/path/to/mwb bench/precopy.sh
#   PYTHON=python3 bench/precopy.sh  the bare driver's interpreter (default
#                                    /usr/bin/python3: a pyenv shim alone
#                                    costs ~0.2 s a start, and would count)
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
MWB=${MWB:-$root/mwb}
RUNS=${RUNS:-5}
ACCEL=${ACCEL:-}
SCENARIO=/x86_64/migration/precopy/unix/plain
BARE=$here/bare-precopy.py
if [[ -z ${PYTHON:-} ]]; then
	PYTHON=python3
	[[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3
fi

die() { echo "precopy.sh: $*" >&2; exit 2; }
case $ACCEL in '' | kvm | tcg) ;; *) die "ACCEL must be kvm or tcg, not '$ACCEL'" ;; esac
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ -x $MWB ]] || die "$MWB: no mwb binary (run make, or set MWB=path)"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON=...)"
command -v setsid >/dev/null || die "setsid not found (util-linux)"

mwb_accel=() bare_accel=()
if [[ -n $ACCEL ]]; then
	mwb_accel=(--accel "$ACCEL") bare_accel=("$ACCEL")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mwb-bench.XXXXXX") || die "mktemp failed"
mkdir -p "$work/setup" "$work/mwb" "$work/bare"
cur=        # session (= process group) of the run in flight
failed=0

# Every process a run starts has $work in its command line (mwb: --workdir,
# its guard is a fork of it; bare: its arguments; QEMU: its socket paths).
leftovers() { pgrep -f -- "$work/" || true; }

# Wait up to $1 tenths of a second for the run's processes to be gone.
gone_within() {
	local n
	for ((n = 0; n < $1; n++)); do
		[[ -z $(leftovers) ]] && return 0
		sleep 0.1
	done
	[[ -z $(leftovers) ]]
}

# shellcheck disable=SC2317  # reached through the traps below
cleanup() {
	local pids
	trap - EXIT INT TERM HUP
	[[ -n $cur ]] && kill -TERM -- "-$cur" 2>/dev/null
	if ! gone_within 50; then
		mapfile -t pids < <(leftovers)
		((${#pids[@]})) && kill -KILL "${pids[@]}" 2>/dev/null
	fi
	wait 2>/dev/null
	if ((failed)); then
		echo "work directory kept for the failed runs: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }

# launch LOG CMD...: run CMD in a session of its own (so cleanup can end it
# and everything it started), output to LOG; sets rc and us (wall time).
launch() {
	local log=$1 t0
	shift
	t0=$(now_us)
	setsid "$@" >"$log" 2>&1 &
	cur=$!
	wait "$cur"
	rc=$?
	us=$(($(now_us) - t0))
	cur=
}

secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 / 1000 % 1000)); }

show_log() { sed 's/^/      | /' "$1" | tail -n 25; }

# ---- setup: mwb's patched ROM, and one warm-up run of each driver ----
echo "== mwb precopy benchmark: $SCENARIO, $RUNS runs each, alternating"
echo "   mwb:  $MWB ($("$MWB" --version 2>&1 | head -n 1))"
echo "   qemu: $(command -v "${QTEST_QEMU_BINARY:-qemu-system-x86_64}") ($("${QTEST_QEMU_BINARY:-qemu-system-x86_64}" --version | head -n 1))"
echo "   host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

launch "$work/setup.log" "$MWB" run -p "$SCENARIO" --keep always --workdir "$work/setup" "${mwb_accel[@]}"
roms=("$work"/setup/*/guest.rom)
rom=${roms[0]}
if [[ $rc -ne 0 || ! -f $rom ]]; then
	echo "setup: mwb run FAILED (exit $rc); no ROM to share"
	show_log "$work/setup.log"
	failed=1
	exit 1
fi
rm -f "$work"/setup/*/dst.ram
used=$(sed -n 's/.*start-src .*accel \([a-z]*\).*/\1/p' "$work/setup.log")
read -r start end period < <(od -An -tu4 -j $((0x1e4)) -N 12 "$rom")
if [[ -n $ACCEL ]]; then
	how="ACCEL=$ACCEL: mwb --accel $ACCEL, both QEMUs -accel $ACCEL"
else
	how="mwb's default: both QEMUs -accel kvm -accel tcg"
fi
echo "   accel: ${used:-?} ($how)"
printf "   guest: mwb's ROM %s: dirties [0x%x, 0x%x), 'B' every %d passes\n" "${rom#"$work"/}" "$start" "$end" "$period"
launch "$work/warm.log" "$PYTHON" -I "$BARE" "$rom" "$work/bare" "${bare_accel[@]}"
if [[ $rc -ne 0 ]]; then
	echo "setup: bare warm-up run FAILED (exit $rc)"
	show_log "$work/warm.log"
	failed=1
	exit 1
fi
# What bare pays for being Python: interpreter start-up and its imports.
best=
for _ in 1 2 3; do
	launch "$work/py.log" "$PYTHON" -I -c 'import json, mmap, os, shutil, signal, socket, struct, subprocess, sys, tempfile, time'
	[[ -z $best || $us -lt $best ]] && best=$us
done
echo "   bare: $PYTHON -I $(basename "$BARE") ($("$PYTHON" -V 2>&1)); start-up and imports alone: $(secs "$best") s"
echo "   warm-up: 1 mwb run (kept, for the ROM) and 1 bare run, not counted"
echo

# ---- measured runs ----
: >"$work/results"
run_one() { # KIND I
	local kind=$1 i=$2 log="$work/$1-$2.log" cmd left status
	if [[ $kind == mwb ]]; then
		cmd=("$MWB" run -p "$SCENARIO" --workdir "$work/mwb" "${mwb_accel[@]}")
	else
		cmd=("$PYTHON" -I "$BARE" "$rom" "$work/bare" "${bare_accel[@]}")
	fi
	launch "$log" "${cmd[@]}"
	status=ok
	if [[ $rc -ne 0 ]]; then
		status="FAILED (exit $rc)"
	elif ! gone_within 20; then
		mapfile -t left < <(leftovers)
		status="FAILED (left processes behind: ${left[*]})"
		((${#left[@]})) && kill -KILL "${left[@]}" 2>/dev/null
	fi
	if [[ $status == ok ]]; then
		printf 'run %2d/%d  %-4s  %s s\n' "$i" "$RUNS" "$kind" "$(secs "$us")"
		{
			echo "time $kind $i $(secs "$us")"
			# The step lines both drivers print: "  N/12 name  ok  0.05 s ..."
			sed -nE "s|^ *[0-9]+/[0-9]+ +([a-z-]+) +ok +([0-9.]+) s.*|step $kind $i \\1 \\2|p" "$log"
			# QEMU's own figure for the migration (query-migrate total-time, ms)
			sed -nE "s|.*wait-done .* completed in ([0-9]+) ms.*|qemu $kind $i \\1|p" "$log"
		} >>"$work/results"
	else
		printf 'run %2d/%d  %-4s  %s after %s s\n' "$i" "$RUNS" "$kind" "$status" "$(secs "$us")"
		show_log "$log"
		failed=1
	fi
}

for ((i = 1; i <= RUNS; i++)); do
	if ((i % 2)); then
		run_one mwb "$i"
		run_one bare "$i"
	else
		run_one bare "$i"
		run_one mwb "$i"
	fi
done
echo

# ---- summary ----
"$PYTHON" -I - "$work/results" "$(secs "$best")" <<'EOF'
import statistics, sys
from collections import defaultdict

times, steps, order = defaultdict(dict), defaultdict(lambda: defaultdict(dict)), []
qemu = defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "time":
        times[f[1]][f[2]] = float(f[3])
    elif f[0] == "qemu":
        qemu[f[1]].append(float(f[3]) / 1000)
    else:
        steps[f[1]][f[3]][f[2]] = float(f[4])
        if f[3] not in order:
            order.append(f[3])

def med(xs):
    return statistics.median(xs) if xs else None

def fmt(x, w=6):
    return f"{x:{w}.3f}" if x is not None else f"{'-':>{w}}"

m, b = med(list(times["mwb"].values())), med(list(times["bare"].values()))
for kind in ("mwb", "bare"):
    runs = " ".join(f"{times[kind][i]:.3f}" for i in sorted(times[kind], key=int))
    print(f"{kind:<4} runs (s):  {runs or 'none passed'}")
for kind, x in (("mwb", m), ("bare", b)):
    print(f"median {kind + ':':<5}  " + (f"{x:.3f} s  ({len(times[kind])} runs)" if x is not None else "n/a (no run passed)"))
if m and b:
    print(f"overhead: {m / b:.2f}x ({(m / b - 1) * 100:.0f} %)  ({(m - b) * 1000:+.0f} ms per run)")
    py = float(sys.argv[2])
    print(f"  (bare pays ~{py:.3f} s of Python start-up that mwb, in C, does not; without it: "
          f"{m / (b - py):.2f}x ({(m / (b - py) - 1) * 100:.0f} %))")
else:
    print("overhead: n/a")

print()
print("per step, median over the runs (s; mwb prints its steps to 0.01 s):")
print(f"  {'step':<14} {'mwb':>6} {'bare':>6}")
other = {}
for kind in ("mwb", "bare"):
    other[kind] = med([times[kind][i] - sum(steps[kind][s].get(i, 0) for s in order)
                       for i in times[kind]])
for s in order:
    print(f"  {s:<14} {fmt(med(list(steps['mwb'][s].values())))} {fmt(med(list(steps['bare'][s].values())))}")
print(f"  {'(outside)':<14} {fmt(other['mwb'])} {fmt(other['bare'])}"
      "   driver start-up, quitting the destination, removing the run dir")
print(f"  {'total':<14} {fmt(m)} {fmt(b)}")
print(f"  {'(in QEMU)':<14} {fmt(med(qemu['mwb']))} {fmt(med(qemu['bare']))}"
      "   the migration by QEMU's own clock (query-migrate total-time)")

print()
print("target: median <= 2.0 s end to end:", "met" if m is not None and m <= 2.0 else "not met")
print("target: overhead <= 10 %:", "met" if m and b and m / b <= 1.10 else "not met")
print("(the targets are information; only a failed run makes this script fail)")
EOF

if ((failed)); then
	echo "some runs FAILED (above); their times are left out"
	exit 1
fi
exit 0
