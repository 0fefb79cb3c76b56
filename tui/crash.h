/* A last word from a crashing curses program, after htop's
 * CRT_installSignalHandlers: on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT,
 * give the terminal back, print the signal and a backtrace to stderr and to
 * CRASH_DIR/crash-PID.txt (which also gets /proc/self/maps, to symbolize
 * the addresses later), then die of the same signal: a core dump, or the
 * handler that was there before (ASan's), still sees it. */
#pragma once

/* restore_terminal (may be NULL) runs first, inside the signal handler: it
 * should do little more than endwin() and put back the tty modes.
 * crash_dir (may be NULL: stderr only) is created now if missing. The
 * alternate signal stack, which lets a stack overflow be reported, is set
 * up for the calling thread only: call this from the curses thread. */
void mwb_crash_install (void (*restore_terminal) (void), const char *crash_dir);

/* The file a crash of this process would write, or NULL when there is no
 * crash directory. */
const char *mwb_crash_file (void);
