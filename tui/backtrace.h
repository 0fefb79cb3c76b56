/* Backtraces of every thread of another process (a hung QEMU), through
 * libunwind's ptrace unwinder. */
#pragma once

#include <sys/types.h>

#include <glib.h>

/* Text like
 *
 *   Thread 1 (LWP 1234 "qemu-system-x86"):
 *   #0  0x00007f0d2c8a1d8a in ppoll+0x8a (/usr/lib/x86_64-linux-gnu/libc.so.6)
 *   #1  0x000055d0c1f0a4b2 in ?? (/usr/bin/qemu-system-x86_64)
 *
 * one block per thread of pid, a blank line between blocks, at most 64
 * frames a thread. Each thread is stopped only while it is unwound. A thread
 * that ends before its turn is left out; one that cannot be attached (traced
 * by a debugger, say) or does not stop within 2 s gets a line saying so
 * instead of frames.
 *
 * The tracing runs in a short-lived forked helper process: if it hangs on a
 * thread stuck in the kernel, or crashes inside libunwind, it is killed, and
 * the kernel detaches and resumes whatever it was tracing. So pid may be a
 * child of the caller, or the caller itself. Blocks for at most about 30 s.
 *
 * NULL with a G_FILE_ERROR ("cannot attach to pid 123: Operation not
 * permitted") when no thread of pid could be attached; text ending with a
 * note when the helper died or timed out half-way. */
char *mwb_backtrace_process (pid_t pid, GError **error);
