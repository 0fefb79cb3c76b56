#!/usr/bin/env python3
"""Boot the mwb a-b guest under QEMU and check it (manual test helper).

Run from the repo root after building build/guestcode/a-b.{bootsect,rom}:

    python3 guestcode/test-a-b.py --form rom --accel tcg --check-ram
    python3 guestcode/test-a-b.py --form bootsect --accel kvm --timeout 600
    python3 guestcode/test-a-b.py --form rom --end 0x01000000 --period 1 --check-ram
    python3 guestcode/test-a-b.py --form rom -m 1G --end $((1024-28))M --check-ram

Prints the time from QEMU start to 'A' and to the first 'B'.  With
--check-ram it stops the guest over QMP, pmemsaves [1 MiB, dump-end) and
applies QEMU migration-test's check_guests_ram rule to [start, end): byte 0
of every page equal, except at most one place where it drops by one.  Pages
in [end, dump-end) must still be 0.  Every QEMU started is killed.
"""

import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

PARAM_OFFSET = 0x1E0          # in the sector (a-b.h MWB_GUEST_PARAM_OFFSET)
ROM_SECTOR_OFFSET = 0x0000    # a-b.h MWB_GUEST_ROM_SECTOR_OFFSET
MAGIC = b"MWBG"
PAGE = 4096
DEFAULT_DUMP_START = 1 << 20


def size_arg(s):
    s = s.strip()
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:].upper())
    if mult:
        return int(s[:-1], 0) * mult
    return int(s, 0)


def patch(src, dst, sector_offset, start, end, period):
    data = bytearray(open(src, "rb").read())
    off = sector_offset + PARAM_OFFSET
    assert data[off:off + 4] == MAGIC, "param block magic not found"
    if start is not None:
        struct.pack_into("<I", data, off + 4, start)
    if end is not None:
        struct.pack_into("<I", data, off + 8, end)
    if period is not None:
        struct.pack_into("<I", data, off + 12, period)
    open(dst, "wb").write(data)
    return struct.unpack_from("<III", data, off + 4)


class QMP:
    def __init__(self, path, timeout=600):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())          # greeting

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "event" in r:
                continue
            if "error" in r:
                raise RuntimeError(f"{name}: {r['error']}")
            return r["return"]

    def close(self):
        self.f.close()
        self.s.close()


def check_ram(path, dump_start, start, end):
    """QEMU tests/qtest/migration-test.c check_guests_ram rule."""
    data = open(path, "rb").read()
    first = (start - dump_start)
    last_byte = data[first]
    drops = []
    bad = 0
    for a in range(start + PAGE, end, PAGE):
        b = data[a - dump_start]
        if b != last_byte:
            if (b + 1) % 256 == last_byte and not drops:
                drops.append(a)
            else:
                bad += 1
                if bad <= 10:
                    print(f"  bad byte at {a:#x}: {b} after {last_byte}")
        last_byte = b
    above = [a for a in range(end, dump_start + len(data), PAGE)
             if data[a - dump_start] != 0]
    return data[first], drops, bad, above


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--form", choices=["rom", "bootsect"], default="rom")
    ap.add_argument("--accel", choices=["tcg", "kvm"], default="tcg")
    ap.add_argument("-m", "--mem", default="128M")
    ap.add_argument("--start", type=size_arg)
    ap.add_argument("--end", type=size_arg)
    ap.add_argument("--period", type=size_arg)
    ap.add_argument("--bad-magic", action="store_true",
                    help="corrupt the magic; expect '!' and no 'A'")
    ap.add_argument("--wait-bs", type=int, default=1,
                    help="number of B's to wait for")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--check-ram", action="store_true")
    ap.add_argument("--dump-end", type=size_arg,
                    help="end of pmemsave range (default 100 MiB or end)")
    ap.add_argument("--builddir", default="build/guestcode")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="mwb-ab-")
    qemu = None
    try:
        if a.form == "rom":
            img = os.path.join(tmp, "a-b.rom")
            start, end, period = patch(os.path.join(a.builddir, "a-b.rom"), img,
                                       ROM_SECTOR_OFFSET, a.start, a.end, a.period)
            bootargs = ["-bios", img]
        else:
            img = os.path.join(tmp, "a-b.bootsect")
            start, end, period = patch(os.path.join(a.builddir, "a-b.bootsect"),
                                       img, 0, a.start, a.end, a.period)
            bootargs = ["-drive", f"file={img},format=raw,if=none,id=d0",
                        "-device", "ide-hd,drive=d0,secs=1,cyls=1,heads=1"]
        if a.bad_magic:
            data = bytearray(open(img, "rb").read())
            off = (ROM_SECTOR_OFFSET if a.form == "rom" else 0) + PARAM_OFFSET
            data[off] ^= 0xFF
            open(img, "wb").write(data)

        serial = os.path.join(tmp, "serial")
        sock = os.path.join(tmp, "q.sock")
        cmd = [a.qemu, "-nodefaults", "-no-user-config", "-display", "none",
               "-machine", "pc", "-accel", a.accel, "-m", a.mem,
               "-serial", f"file:{serial}",
               "-qmp", f"unix:{sock},server=on,wait=off"] + bootargs
        print(f"{a.form}/{a.accel} -m {a.mem}: start={start:#x} end={end:#x} "
              f"period={period}")
        print("  " + " ".join(cmd))
        t0 = time.monotonic()
        qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        t_a = t_b = t_last = None
        n_last = 0
        out = b""
        while time.monotonic() - t0 < a.timeout:
            if qemu.poll() is not None:
                print(f"  QEMU exited early with {qemu.returncode}")
                return 1
            try:
                out = open(serial, "rb").read()
            except FileNotFoundError:
                out = b""
            now = time.monotonic() - t0
            if t_a is None and out[:1] in (b"A", b"!"):
                t_a = now
            if t_b is None and b"B" in out:
                t_b = now
            if b"B" in out:
                t_last, n_last = now, out.count(b"B")
            if out.count(b"B") >= a.wait_bs or (a.bad_magic and out):
                break
            time.sleep(0.01)
        elapsed = time.monotonic() - t0
        ok = True
        if a.bad_magic:
            time.sleep(0.5)
            out = open(serial, "rb").read()
            print(f"  serial after {elapsed:.2f}s: {out!r}")
            return 0 if out == b"!" else 1
        print(f"  serial after {elapsed:.2f}s: {out[:40]!r}{'...' if len(out) > 40 else ''}"
              f" ({len(out)} bytes)")
        print(f"  time to A: {t_a if t_a is None else f'{t_a:.3f}s'}; "
              f"time to first B: {t_b if t_b is None else f'{t_b:.3f}s'}")
        if n_last > 1:
            print(f"  mean B interval: {(t_last - t_b) / (n_last - 1):.3f}s "
                  f"over {n_last} B's")
        if not (out.startswith(b"A") and set(out[1:]) <= {ord("B")}
                and out.count(b"B") >= a.wait_bs):
            print("  FAIL: serial output is not A followed by B's")
            ok = False

        if ok and a.check_ram:
            q = QMP(sock)
            q.cmd("qmp_capabilities")
            q.cmd("stop")
            dump_start = DEFAULT_DUMP_START
            dump_end = a.dump_end or max(end, 100 << 20)
            mem = os.path.join(tmp, "mem")
            t = time.monotonic()
            q.cmd("pmemsave", val=dump_start, size=dump_end - dump_start,
                  filename=mem)
            q.close()
            print(f"  pmemsave [{dump_start:#x}, {dump_end:#x}) took "
                  f"{time.monotonic() - t:.2f}s")
            first, drops, bad, above = check_ram(mem, dump_start, start, end)
            print(f"  pages [{start:#x},{end:#x}): first byte {first}, "
                  f"drop-by-one at {[hex(d) for d in drops]}, bad {bad}")
            if end < dump_end:
                print(f"  pages [{end:#x},{dump_end:#x}) non-zero: {len(above)}")
            if bad or above:
                ok = False
        print("  PASS" if ok else "  FAIL")
        return 0 if ok else 1
    finally:
        if qemu is not None and qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
