/* The contract between the runner and a backend (qemu, later criu, virt,
 * replay). A backend is a table of actions; the runner knows nothing of
 * QEMU. Each action starts work and later finishes its MwbStepRun exactly
 * once, synchronously or from the main loop. */
#pragma once

#include <glib-object.h>

#include "sink.h"
#include "run-config.h"

typedef struct _MwbBackend MwbBackend;
typedef struct _MwbStepRun MwbStepRun;

/* reply is the answer as text, or NULL with error set. */
typedef void (*MwbCommandReplyFunc) (const char *role, const char *reply, const char *error,
				     gpointer data);

typedef struct {
	const char *name;		/* "qemu.start" */
	const char *summary;		/* for `mwb actions` and docs */
	const char *const *required;	/* NULL-terminated argument names */
	const char *const *optional;
	double default_timeout_s;
	void (*run) (MwbBackend *be, MwbStepRun *sr);
} MwbActionDef;

typedef struct {
	const char *name;		/* the scenario's `backend` */
	const MwbActionDef *actions;	/* terminated by an entry with name NULL */
	MwbBackend *(*create) (MwbRunner *runner, GError **error);
	/* The step's time ran out or the run was aborted: forget its waiters.
	 * The runner has already finished sr. */
	void (*cancel_step) (MwbBackend *be, MwbStepRun *sr);
	/* Stop every process (SIGTERM, then SIGKILL), call done when all are reaped. */
	void (*teardown) (MwbBackend *be, GCallback done, gpointer data);
	void (*destroy) (MwbBackend *be);
	/* Every step passed: can the backend vouch for it? FALSE with a reason
	 * turns the PASS into a FAIL (say, a fault asked for never fired). May be NULL. */
	gboolean (*vet_pass) (MwbBackend *be, char **why);
	/* For the workbench (may be NULL): the roles with a live process, and
	 * that process's pid (0 when none); a command typed by the user sent to
	 * one role, its reply (pretty JSON) or error handed to func later. */
	GPtrArray *(*live_roles) (MwbBackend *be);
	GPid (*pid_of) (MwbBackend *be, const char *role);
	gboolean (*send_command) (MwbBackend *be, const char *role, const char *text,
				  MwbCommandReplyFunc func, gpointer data, GError **error);
	/* May be NULL. The scenario as cfg runs it (a new reference): the
	 * backend may rewrite its steps (zdtm's variations). */
	MwbScenario *(*plan) (MwbScenario *scn, const MwbRunConfig *cfg);
	/* May be NULL. A line in the backend's own tool's words for a verdict
	 * ("Test zdtm/static/env00 FAIL at CRIU dump"), or NULL. */
	char *(*verdict_line) (const MwbScenario *scn, MwbVerdict verdict, int failed_step);
	/* Its steps only tell what already happened (a replayed log): the
	 * workbench runs them to the verdict as it opens the scenario. */
	gboolean runs_on_open;
} MwbBackendClass;

struct _MwbBackend {
	const MwbBackendClass *klass;
	MwbRunner *runner;
};

const MwbActionDef *mwb_backend_find_action (const MwbBackendClass *klass, const char *name);

/* Checks each step's action and argument names against the backend;
 * errors are "file:line: message". */
gboolean mwb_backend_validate (const MwbBackendClass *klass, const MwbScenario *scn,
			       GError **error);

/* The registry of backends compiled in. */
const MwbBackendClass *mwb_backend_lookup (const char *name);
extern const MwbBackendClass mwb_qemu_backend;
extern const MwbBackendClass mwb_criu_backend;
extern const MwbBackendClass mwb_replay_backend;
extern const MwbBackendClass mwb_libvirt_backend;
/* The QEMU binary role ("src", "dst") runs, as given or looked up (not yet
 * searched in PATH); whence names where it came from ("--qemu-dst",
 * "QTEST_QEMU_BINARY_SRC", "the default"). */
const char *mwb_qemu_binary (const MwbRunConfig *cfg, const char *role, const char **whence);

/* One execution of a step. */
const MwbStep *mwb_step_run_step (MwbStepRun *sr);
MwbRunner *mwb_step_run_runner (MwbStepRun *sr);
/* The argument after ${var} expansion, or NULL. */
const char *mwb_step_run_arg (MwbStepRun *sr, const char *key);
const char *mwb_step_run_arg_or (MwbStepRun *sr, const char *key, const char *fallback);
gboolean mwb_step_run_is_finished (MwbStepRun *sr);
/* Say what the step waits for, so a timeout can name it. */
void mwb_step_run_waiting_for (MwbStepRun *sr, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void mwb_step_run_ok (MwbStepRun *sr, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void mwb_step_run_fail (MwbStepRun *sr, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void mwb_step_run_skip (MwbStepRun *sr, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* A failure of the scenario itself (bad argument, a side never started):
 * it fails the step even when the step expects a failure. */
void mwb_step_run_error (MwbStepRun *sr, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
MwbStepRun *mwb_step_run_ref (MwbStepRun *sr);
void mwb_step_run_unref (MwbStepRun *sr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbStepRun, mwb_step_run_unref)
