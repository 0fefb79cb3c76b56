/* Private to the CRIU backend: a ZDTM-style test process, the criu
 * commands run against it, their logs, and what the run changed on the host
 * (sysctls) that teardown puts back. */
#pragma once

#include <glib.h>

#include "backend.h"
#include "criu-desc.h"
#include "criu-log.h"
#include "proc.h"
#include "runner.h"

typedef struct _CriuBackend CriuBackend;
/* TRUE once it has finished the step (ok or fail). */
typedef gboolean (*CriuPollCheck) (CriuBackend *be, MwbStepRun *sr);

/* A criu process in flight: dump, restore, or a daemon (page-server, lazy-pages). */
typedef struct {
	CriuBackend *be;
	char *what;		/* "dump", "page-server" */
	char *dir;		/* its images directory */
	gboolean is_daemon;	/* serves until others are done with it */
	const char *ready_text;	/* a daemon is ready once its log says this */
	char *log_path;		/* the -o file, tailed as it grows */
	CriuLogTail *tail;
	MwbProc *proc;
	gboolean exited;
	int status;
	MwbStepRun *sr;		/* the step that waits for it, if any */
	char *phase;		/* zdtm's words for a failure: "CRIU dump" */
} CriuCmd;

/* A sysctl the run changed, to put back at teardown. */
typedef struct {
	char *name;		/* "fs.pipe-max-size" */
	char *old_value;
} CriuSysctl;

struct _CriuBackend {
	MwbBackend parent;
	MwbRunner *runner;
	const MwbRunConfig *cfg;
	char *criu;		/* the criu binary that passed `criu check` */
	char *test;		/* "env00" */
	char *test_bin;		/* build/zdtm/env00 */
	char *flavor;		/* "h", "ns", "uns" */
	CriuDesc *desc;		/* the test's NAME.desc */
	char *root;		/* ns/uns: the namespace's root directory, else NULL */
	char *test_dir;		/* where the .out and .pid are (host path) */
	char *out_file;
	char *pid_file;
	char *img_base;		/* RUN/dump/zdtm/static/env00/PID */
	MwbProc *launcher;	/* the test (or nsinit) before it daemonizes */
	GPid root_pid;		/* the dumped tree's root: the test, or its init */
	GPid test_pid;		/* the test itself (host pid) */
	guint root_watch;	/* child watch on root_pid once mwb adopted it */
	gboolean root_reaped;
	int root_status;
	guint poll_timer;
	CriuCmd *daemon;	/* page-server or lazy-pages, while it runs */
	CriuCmd *cmd;		/* dump/restore/pre-dump in flight */
	GPid dump_pid;		/* the root's pid at the first dump: names the image dir */
	GPid dumped_root;	/* the tree a dump ends, until it is gone (a remote
				 * lazy dump keeps it past the restore) */
	GArray *dumped_tree;	/* GPid: its every process; their zombies come to
				 * mwb and hold PIDs (as pgid, sid) the restore needs */
	GPtrArray *sysctls;	/* CriuSysctl*: what teardown restores */
	guint port;		/* page server port of this run */
	gboolean tampered;	/* --fault tamper-image fired */
	/* the step in flight and what it waits for */
	MwbStepRun *sr;
	CriuPollCheck poll_check;
	gint64 deadline_us;
	/* teardown */
	GCallback teardown_done;
	gpointer teardown_data;
	guint teardown_timer;
};

#define CB(mb) ((CriuBackend *) (mb))

/* criu-bin.c: --criu, MWB_CRIU, the private prefix, PATH; refused unless
 * `criu check` passes. */
char *criu_find_binary (const MwbRunConfig *cfg, GError **error);

/* criu-test.c: the test process. */
void criu_action_start_test (MwbBackend *mb, MwbStepRun *sr);
void criu_action_wait_gone (MwbBackend *mb, MwbStepRun *sr);
void criu_action_signal_test (MwbBackend *mb, MwbStepRun *sr);
void criu_action_check_test (MwbBackend *mb, MwbStepRun *sr);
void criu_action_check_stopped (MwbBackend *mb, MwbStepRun *sr);
/* Host pids of the dumped tree (root first), for --stop checks and :gdb. */
GArray *criu_tree_pids (CriuBackend *be);
void criu_test_forget (CriuBackend *be);
/* A dump will end the tree: remember its processes for criu.wait-gone. */
void criu_note_dumped_tree (CriuBackend *be);
/* Is the root of the test tree gone (reaped, or no /proc entry)? */
gboolean criu_root_gone (CriuBackend *be);
/* The same for any pid of the tree: reaped if it is mwb's child, or no
 * longer in /proc (a zombie counts as there: it holds its PID). */
gboolean criu_pid_gone (GPid pid, int *status, gboolean *reaped);

/* criu-exec.c: criu commands. */
void criu_action_dump (MwbBackend *mb, MwbStepRun *sr);
void criu_action_pre_dump (MwbBackend *mb, MwbStepRun *sr);
void criu_action_restore (MwbBackend *mb, MwbStepRun *sr);
void criu_action_page_server (MwbBackend *mb, MwbStepRun *sr);
void criu_action_lazy_pages (MwbBackend *mb, MwbStepRun *sr);
void criu_action_wait_daemon (MwbBackend *mb, MwbStepRun *sr);
void criu_action_tamper (MwbBackend *mb, MwbStepRun *sr);
void criu_daemon_wait_ready (CriuBackend *be, CriuCmd *c, MwbStepRun *sr);
void criu_cmd_free (CriuCmd *c);
/* The image directory of iteration iter ("RUN/dump/.../PID/ITER"). */
char *criu_iter_dir (CriuBackend *be, guint iter);

/* criu-probe.c: what this kernel and this test can do. */
void criu_action_probe (MwbBackend *mb, MwbStepRun *sr);
/* Puts back every sysctl the run changed; returns what it could not. */
char *criu_sysctls_restore (CriuBackend *be);

/* The step in flight is over: forget it. */
void criu_clear_wait (CriuBackend *be);
/* zdtm's vocabulary, always shown in batch mode ("zdtm" log source). */
void criu_zdtm_say (CriuBackend *be, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
