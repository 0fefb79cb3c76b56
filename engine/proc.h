/* A child process: its own process group, stdout and stderr captured line by
 * line (and copied raw into files), an optional wrap prefix (valgrind, gdb,
 * strace: the QTEST_QEMU_BINARY trick), SIGTERM -> SIGKILL escalation and
 * reaping, all on the GLib main loop. */
#pragma once

#include <glib.h>

typedef struct _MwbProc MwbProc;

typedef void (*MwbProcLineFunc) (MwbProc *proc, gboolean is_stderr, const char *line,
				 gpointer data);
/* Called once, after the process is reaped and its output drained. */
typedef void (*MwbProcExitFunc) (MwbProc *proc, int wait_status, gpointer data);

typedef struct {
	const char *name;		/* "src", "dst": for messages */
	const char *const *argv;
	const char *wrap;		/* shell words put in front of argv, or NULL */
	const char *output_base;	/* writes OUTPUT_BASE.stdout / .stderr, or NULL */
	const char *cwd;		/* working directory, or NULL: mwb's */
	const char *const *env_add;	/* "NAME=VALUE" set on top of mwb's environment */
	MwbProcLineFunc on_line;
	MwbProcExitFunc on_exit;
	gpointer data;
} MwbProcSpec;

MwbProc *mwb_proc_spawn (const MwbProcSpec *spec, GError **error);
/* Kills the group if still running (without waiting) and frees. */
void mwb_proc_free (MwbProc *proc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbProc, mwb_proc_free)

GPid mwb_proc_pid (MwbProc *proc);
const char *mwb_proc_name (MwbProc *proc);
/* The full command line as run (with the wrap prefix), shell-quoted. */
const char *mwb_proc_command_line (MwbProc *proc);
gboolean mwb_proc_is_running (MwbProc *proc);
/* Has the process exited, even if the exit callback has not run yet?
 * Looks without reaping. */
gboolean mwb_proc_has_exited (MwbProc *proc, int *wait_status);
/* The last line the process wrote to stderr, or NULL. */
const char *mwb_proc_last_stderr (MwbProc *proc);
/* Sends sig to the whole process group. */
void mwb_proc_signal (MwbProc *proc, int sig);
/* SIGTERM to the group now, SIGKILL after grace_ms if it is still there. */
void mwb_proc_terminate (MwbProc *proc, guint grace_ms);

/* "exited with status 1", "killed by signal 9 (SIGKILL)" */
char *mwb_describe_wait_status (int wait_status);

/* Runs argv to completion (PATH searched) in its own process group under
 * the guard, feeding input (may be NULL) to its stdin; kills it after
 * timeout_ms. out/err (may be NULL) get what it wrote. FALSE only when it
 * could not be run or timed out; its exit status is for the caller to judge. */
gboolean mwb_run_sync (const char *const *argv, const char *input, guint timeout_ms, char **out,
		       char **err, int *wait_status, GError **error);
