#!/bin/bash
# Boot build/guestcode/lvguest.elf under plain QEMU and check its contract
# (guestcode/lvguest.h): magic, 'L' on serial, the counter advances while
# running and stands still while stopped, the dirty rate is bounded.
#
#   bash guestcode/test-lvguest.sh [ACCEL...]     (default: kvm tcg)
#
# Run from the repo root after `make build/guestcode/lvguest.elf`.  kvm is
# skipped (not failed) when /dev/kvm is not usable.  Exit 0 if every run
# passed, 1 otherwise.  QEMU is killed on exit, whatever happens.
set -u

ELF=${LVGUEST_ELF:-build/guestcode/lvguest.elf}
QEMU=${QEMU:-qemu-system-x86_64}
BIOS=${QBOOT:-/usr/share/qemu/qboot.rom}
[ $# -gt 0 ] || set -- kvm tcg

for f in "$ELF" "$BIOS"; do
	[ -r "$f" ] || { echo "FAIL: $f not readable" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/lvguest.XXXXXX)
qpid=
cleanup() {
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

rc=0
for accel in "$@"; do
	if [ "$accel" = kvm ] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
		echo "SKIP accel=kvm: /dev/kvm not usable"
		continue
	fi
	rm -f "$tmp"/*
	start=$(date +%s.%N)
	# accel=kvm alone (not kvm:tcg) so that a kvm run cannot silently be tcg.
	"$QEMU" -machine pc,accel="$accel" -m 64 -bios "$BIOS" -kernel "$ELF" \
		-nodefaults -no-user-config -display none \
		-serial file:"$tmp/serial" -qmp unix:"$tmp/qmp",server=on,wait=off \
		2>"$tmp/stderr" &
	qpid=$!

	echo "== accel=$accel"
	python3 - "$tmp" "$accel" "$start" <<'EOF'
import json, os, socket, sys, time

tmp, accel, started = sys.argv[1], sys.argv[2], float(sys.argv[3])
COUNTER, MAGIC_ADDR, MAGIC = 0x200000, 0x200008, 0x545347564c42574d
DIRTY_START, DIRTY_END, PAGE = 0x400000, 0x1400000, 4096
failed = False

def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    failed |= not ok

def wait_for(cond, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False

sock = socket.socket(socket.AF_UNIX)
if not wait_for(lambda: sock.connect_ex(tmp + "/qmp") == 0, 10):
    sys.exit("FAIL no QMP socket (QEMU stderr: %r)"
             % open(tmp + "/stderr").read())
f = sock.makefile("rw")
f.readline()                                    # greeting

def qmp(cmd, **args):
    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" in r:
            continue
        if "error" in r:
            sys.exit("FAIL %s: %s" % (cmd, r["error"]))
        return r["return"]

def hmp(line):
    return qmp("human-monitor-command", **{"command-line": line})

def xp64(addr):                     # "0000000000200000: 0x00000000000564a7"
    return int(hmp("xp /1gx %#x" % addr).split()[1], 16)

def counter_pair(gap=0.2):
    a, ta = xp64(COUNTER), time.monotonic()
    time.sleep(gap)
    b, tb = xp64(COUNTER), time.monotonic()
    return a, b, (b - a) / (tb - ta)

def dump_dirty(name):               # byte 0 of every page of the dirty area
    path = os.path.join(tmp, name)
    qmp("pmemsave", val=DIRTY_START, size=DIRTY_END - DIRTY_START,
        filename=path)
    data = open(path, "rb").read()
    return data[::PAGE]

qmp("qmp_capabilities")
kvm = qmp("query-kvm")
print("kvm enabled: %s" % kvm["enabled"])
check(kvm["enabled"] == (accel == "kvm"), "accelerator is " + accel)

booted = wait_for(lambda: xp64(MAGIC_ADDR) == MAGIC, 20)
check(booted, "magic %#x at %#x (seen %.2f s after QEMU started)"
      % (xp64(MAGIC_ADDR), MAGIC_ADDR, time.time() - started))
if not booted:
    sys.exit(1)

a, b, rate = counter_pair()
check(b > a, "running: counter %d -> %d in 0.2 s (%.0f/s)" % (a, b, rate))
check(rate >= 1000, "running: counter rate >= 1000/s")

qmp("stop")
a, b, _ = counter_pair()
check(a == b, "stopped: counter %d -> %d in 0.2 s" % (a, b))
qmp("cont")
a, b, rate = counter_pair()
check(b > a, "resumed: counter %d -> %d in 0.2 s (%.0f/s)" % (a, b, rate))

# Pages whose byte changed in 1 s: a pass takes ~4 s, so this does not
# saturate (4096 pages) unless the rate is far above the contract's.
d0, ta = dump_dirty("d0"), time.monotonic()
time.sleep(1.0)
d1, tb = dump_dirty("d1"), time.monotonic()
changed = sum(x != y for x, y in zip(d0, d1))
mib_s = changed * PAGE / (tb - ta) / (1 << 20)
check(changed > 0, "dirty: %d pages changed in %.2f s (%.0f pages/s, %.2f MiB/s)"
      % (changed, tb - ta, changed / (tb - ta), mib_s))
check(mib_s < 50, "dirty: rate under 50 MiB/s")
check(set(d1) - {0} <= {1, 2, 3, 4, 5, 6, 7, 8},
      "dirty: bytes are pass numbers (seen %s)" % sorted(set(d1)))

serial = open(tmp + "/serial", "rb").read()
check(serial == b"L", "serial: %r" % serial)
sys.exit(1 if failed else 0)
EOF
	r=$?
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	qpid=
	if [ $r -eq 0 ]; then echo "PASS accel=$accel"; else echo "FAIL accel=$accel"; rc=1; fi
done
exit $rc
