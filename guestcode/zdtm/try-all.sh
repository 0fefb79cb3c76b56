#!/bin/sh
# Smoke run of the zdtm tests without checkpoint/restore: start each test,
# check it daemonizes and writes its pidfile, SIGTERM it, check the last line
# of its .out is PASS and that it left no process or SysV segment behind.
#
#   guestcode/zdtm/try-all.sh BUILD_DIR [NAME...]     (BUILD_DIR: build/zdtm)
#
# Every test in BUILD_DIR (each NAME.desc) unless names are given. Scratch
# directories: /tmp/zdtm-try/NAME. Exit status 1 if any test did not PASS.
set -u

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [NAME...]" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
shift
if [ $# -eq 0 ]; then
	for desc in "$build"/*.desc; do
		[ -e "$desc" ] || { echo "$0: no tests in $build" >&2; exit 2; }
		n=${desc##*/}
		set -- "$@" "${n%.desc}"
	done
fi

root=/tmp/zdtm-try
passed=0
failed=0
failed_names=

# /proc/PID/stat fields after the ")" that ends the command name: state ppid pgrp session
proc_field() { # PID N
	sed -n 's/.*) //p' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f"$2"
}

gone() { # PID: no longer running (a zombie counts as gone: PID 1 may reap late)
	state=$(proc_field "$1" 1)
	[ -z "$state" ] || [ "$state" = Z ]
}

# Processes of the test's session (setsid made the test its leader) still running.
leftovers() { # SID
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v sid="$1" '{
		pid = $1
		sub(/.*\) /, "")
		if ($4 == sid && $1 != "Z")
			print pid
	}'
}

# SysV segments the test created and did not remove.
leaked_shm() { # PID
	[ -r /proc/sysvipc/shm ] && awk -v pid="$1" 'NR > 1 && $5 == pid { print $2 }' /proc/sysvipc/shm
}

for name in "$@"; do
	bin=$build/$name
	dir=$root/$name
	why=
	rm -rf "$dir"
	mkdir -p "$dir"
	start=$(date +%s%N)

	(cd "$dir" && exec timeout 10 "$bin" --pidfile="$dir/$name.pid" --outfile="$dir/$name.out") \
		>"$dir/start.log" 2>&1
	rc=$?
	pid=
	if [ $rc -ne 0 ]; then
		why="start exited with $rc: $(tr '\n' ' ' <"$dir/start.log")"
	elif [ ! -s "$dir/$name.pid" ]; then
		why="no pidfile after the start exited 0"
	else
		pid=$(cat "$dir/$name.pid")
		if gone "$pid"; then
			why="pid $pid from the pidfile is not running"
		else
			kill -TERM "$pid"
			i=0
			while ! gone "$pid" && [ $i -lt 500 ]; do
				sleep 0.02
				i=$((i + 1))
			done
			if ! gone "$pid"; then
				why="still running 10 s after SIGTERM"
				kill -KILL "$pid" 2>/dev/null
			fi
		fi
	fi
	last=$(tail -n 1 "$dir/$name.out" 2>/dev/null)
	if [ -z "$why" ] && [ "$last" != PASS ]; then
		why="last line of $name.out: ${last:-(none)}"
	fi

	if [ -n "$pid" ]; then
		sleep 0.05 # a SIGKILLed child may take a moment to go
		left=$(leftovers "$pid")
		if [ -n "$left" ]; then
			why="${why:+$why; }left processes behind: $(echo $left)"
			for p in $left; do kill -KILL "$p" 2>/dev/null; done
		fi
		shm=$(leaked_shm "$pid")
		if [ -n "$shm" ]; then
			why="${why:+$why; }left SysV segments behind: $(echo $shm)"
			for id in $shm; do ipcrm -m "$id" 2>/dev/null; done
		fi
	fi

	ms=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "PASS $name (${ms} ms)"
	else
		failed=$((failed + 1))
		failed_names="$failed_names $name"
		echo "FAIL $name: $why (${ms} ms)"
		[ -s "$dir/$name.out" ] && sed 's/^/    | /' "$dir/$name.out"
	fi
done

echo "$passed passed, $failed failed${failed_names:+:$failed_names}"
[ $failed -eq 0 ]
