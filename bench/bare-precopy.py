#!/usr/bin/env python3
"""The bare precopy driver mwb is measured against (bench/precopy.sh).

    bare-precopy.py ROM WORKDIR [kvm|tcg]

The same work as mwb's /x86_64/migration/precopy/unix/plain, and nothing
more: the same patched guest ROM (mwb's own, from a kept run directory), the
same two QEMU command lines except that QMP and serial are QEMU's own
(-qmp unix:...,server=on,wait=off, -serial file:...), the same QMP sequence,
the same check_guests_ram rule on the destination's file-backed RAM.  Without
an accelerator it passes `-accel kvm -accel tcg`, as mwb does by default.
Prints mwb's step lines, then PASS or FAIL; exits 0 or 1.  Leaves nothing
behind: its QEMUs are killed and its run directory removed, pass or fail.
"""
import json, mmap, os, shutil, signal, socket, struct, subprocess, sys, tempfile, time

TIMEOUT = 120  # s, for the whole run (SIGALRM): every wait below may block
POLL = 0.005
MEM = 128  # MiB, mwb's default --guest-mem


class Fail(Exception):
    pass


class QMP:
    def __init__(self, path, proc):
        while True:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if proc.poll() is not None:
                    raise Fail(f"QEMU exited before its QMP socket {path} was there")
                time.sleep(POLL)
        self.s, self.f, self.events = s, s.makefile("rb"), []
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self):
        line = self.f.readline()
        if not line:
            raise Fail("QMP connection closed")
        return json.loads(line)

    def send(self, name, args=None):
        msg = {"execute": name, **({"arguments": args} if args else {})}
        self.s.sendall(json.dumps(msg).encode() + b"\n")

    def cmd(self, name, args=None):
        self.send(name, args)
        while True:
            m = self.read()
            if "event" in m:
                self.events.append(m)
            elif "error" in m:
                raise Fail(f"{name}: {m['error']['desc']}")
            else:
                return m["return"]

    def event(self, want):
        while True:
            m = self.events.pop(0) if self.events else self.read()
            if "event" in m and want(m):
                return m


def wait_serial(path, proc):
    while True:
        with open(path, "rb") as f:
            if b"B" in f.read():
                return
        if proc.poll() is not None:
            raise Fail(f"QEMU exited with no 'B' in {path}")
        time.sleep(POLL)


def timed_out(*_):
    raise Fail(f"timed out after {TIMEOUT} s")


def main():
    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(TIMEOUT)
    rom, workdir = sys.argv[1], sys.argv[2]
    accel = sys.argv[3:] or ["kvm", "tcg"]
    with open(rom, "rb") as f:
        magic, start, end, _period = struct.unpack("<4sIII", f.read()[0x1E0:0x1F0])
    if magic != b"MWBG":
        sys.exit(f"FAIL bare precopy: {rom}: no MWBG parameter block at 0x1e0")
    qemu = os.environ.get("QTEST_QEMU_BINARY", "qemu-system-x86_64")
    run = tempfile.mkdtemp(prefix="bare-", dir=workdir)
    procs, t0, last = [], time.monotonic(), [time.monotonic()]
    nstep = [0]

    def step(name, msg=""):
        now = time.monotonic()
        nstep[0] += 1
        print(f"  {nstep[0]:2}/12 {name:<16} ok  {now - last[0]:8.3f} s  {msg}".rstrip(), flush=True)
        last[0] = now

    def launch(role, *extra):
        argv = [qemu, "-nodefaults", "-no-user-config", "-display", "none", "-machine", "pc"]
        for a in accel:
            argv += ["-accel", a]
        argv += ["-m", f"{MEM}M", "-name", role,
                 "-qmp", f"unix:{run}/{role}.qmp,server=on,wait=off",
                 "-serial", f"file:{run}/{role}.serial", "-bios", rom, *extra]
        with open(f"{run}/{role}.stderr", "wb") as err:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        procs.append(p)
        q = QMP(f"{run}/{role}.qmp", p)
        return p, q, "kvm" if q.cmd("query-kvm")["enabled"] else "tcg"

    try:
        src, qs, acc = launch("src")
        step("start-src", f"pid {src.pid}, accel {acc}")
        ram = f"{run}/dst.ram"
        dst, qd, acc = launch("dst", "-object",
                        f"memory-backend-file,id=pc.ram,size={MEM}M,mem-path={ram},share=on",
                        "-machine", "memory-backend=pc.ram", "-incoming", "defer")
        step("start-dst", f"pid {dst.pid}, accel {acc}")
        for q in (qs, qd):
            q.cmd("migrate-set-capabilities", {"capabilities": [{"capability": "events", "state": True}]})
        step("events")
        qs.cmd("migrate-set-parameters", {"max-bandwidth": 1000000000, "downtime-limit": 30000})
        step("converge")
        wait_serial(f"{run}/src.serial", src)
        step("wait-guest")
        uri = f"unix:{run}/migsocket"
        qd.cmd("migrate-incoming", {"uri": uri})
        step("listen")
        qs.cmd("migrate", {"uri": uri})
        step("migrate")
        st = qs.event(lambda m: m["event"] == "MIGRATION"
                      and m["data"]["status"] in ("completed", "failed", "cancelled"))
        if st["data"]["status"] != "completed":
            raise Fail(f"migration {st['data']['status']}")
        info = qs.cmd("query-migrate")
        while info["total-time"] == 0:  # the event can beat QEMU's final figures; mwb asks again too
            info = qs.cmd("query-migrate")
        step("wait-done", f"completed in {info['total-time']} ms, downtime {info['downtime']} ms, "
             f"{info['ram']['transferred']} bytes, {info['ram']['dirty-sync-count']} dirty syncs")
        qd.event(lambda m: m["event"] == "RESUME")
        step("wait-resume")
        wait_serial(f"{run}/dst.serial", dst)
        step("dst-alive")
        qs.send("quit")
        src.wait()
        step("quit-src", f"exit status {src.returncode}")
        qd.cmd("stop")
        with open(ram, "rb") as f, mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as m:
            pages = m[start:end:4096]
        bad, hit_edge = 0, False
        for last_b, b in zip(pages, pages[1:]):
            if b != last_b:
                if (b + 1) & 0xFF == last_b and not hit_edge:
                    hit_edge = True
                else:
                    bad += 1
        if bad:
            raise Fail(f"{bad} bad pages of {len(pages)} in [{start:#x}, {end:#x})")
        step("check", f"{len(pages)} pages in [{start:#x}, {end:#x}) consistent, "
             f"first_byte = {pages[0]:x}, hit_edge = {int(hit_edge)}")
        qd.send("quit")
        dst.wait()
    except Exception as e:
        for role in ("src", "dst"):
            try:
                with open(f"{run}/{role}.stderr", "rb") as f:
                    sys.stdout.write(f.read().decode(errors="replace"))
            except OSError:
                pass
        print(f"FAIL bare precopy: {type(e).__name__}: {e}", flush=True)
        return 1
    finally:
        signal.alarm(0)
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        shutil.rmtree(run, ignore_errors=True)
    print(f"PASS bare precopy ({time.monotonic() - t0:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    # SIGTERM (the benchmark's trap) unwinds through the `finally` above.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
