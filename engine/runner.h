/* The step machine: walks one scenario run one step at a time.
 *
 *   IDLE --start--> PAUSED --step/continue/run-to--> RUNNING --step ends--> PAUSED
 *                                                            \--failed/last--> DONE
 *   DONE/PAUSED --teardown--> IDLE (processes gone, run dir kept or removed)
 *
 * Every change is told to the sinks; the journal is always one of them. */
#pragma once

#include <glib-object.h>

#include "backend.h"
#include "run-config.h"
#include "scenario.h"
#include "sink.h"

MwbRunner *mwb_runner_new (MwbScenario *scn, const MwbBackendClass *klass,
			   const MwbRunConfig *cfg);
void mwb_runner_free (MwbRunner *runner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbRunner, mwb_runner_free)

void mwb_runner_add_sink (MwbRunner *runner, const MwbSinkOps *ops, gpointer ctx);

/* Makes the run directory, the journal and the backend; pauses before step 1. */
gboolean mwb_runner_start (MwbRunner *runner, GError **error);
/* Runs the next step, then pauses. */
void mwb_runner_step (MwbRunner *runner);
/* Runs until a breakpoint, a failure or the end. */
void mwb_runner_continue (MwbRunner *runner);
/* Pauses after the step in flight (a step is never cut short). */
void mwb_runner_pause (MwbRunner *runner, const char *why);
/* Runs until step `index` is next (pauses before it). */
void mwb_runner_run_to (MwbRunner *runner, guint index);
/* Marks the next step skipped without running it. */
void mwb_runner_skip (MwbRunner *runner, const char *why);
/* Fails the step in flight (if any) and ends the run with verdict ABORTED. */
void mwb_runner_abort (MwbRunner *runner, const char *why);
/* Stops every process, closes the journal, keeps or removes the run dir;
 * calls done (may be NULL) when all is gone. */
void mwb_runner_teardown (MwbRunner *runner, GCallback done, gpointer data);
/* Teardown, then start again with a fresh run directory. */
void mwb_runner_restart (MwbRunner *runner);

gboolean mwb_runner_toggle_break (MwbRunner *runner, guint index);
gboolean mwb_runner_has_break (MwbRunner *runner, guint index);
/* "STOP", "MIGRATION status=completed", optionally "src:RESUME" for one side. */
gboolean mwb_runner_add_event_break (MwbRunner *runner, const char *spec, GError **error);
gboolean mwb_runner_delete_event_break (MwbRunner *runner, const char *spec);

MwbRunnerState mwb_runner_state (MwbRunner *runner);
MwbVerdict mwb_runner_verdict (MwbRunner *runner);
const char *mwb_runner_reason (MwbRunner *runner);
int mwb_runner_failed_step (MwbRunner *runner);
guint mwb_runner_next_step (MwbRunner *runner);
MwbStepState mwb_runner_step_state (MwbRunner *runner, guint index);
MwbScenario *mwb_runner_scenario (MwbRunner *runner);
const MwbRunConfig *mwb_runner_config (MwbRunner *runner);
const char *mwb_runner_run_dir (MwbRunner *runner);
double mwb_runner_elapsed (MwbRunner *runner);
gint64 mwb_runner_start_time (MwbRunner *runner);

/* For backends: variables for ${...} in later steps' arguments. */
void mwb_runner_set_var (MwbRunner *runner, const char *name, const char *value);
const char *mwb_runner_get_var (MwbRunner *runner, const char *name);
/* For backends: a log record from a source. */
void mwb_runner_log (MwbRunner *runner, const char *source, MwbLogDir dir, gboolean is_json,
		     const char *text);
void mwb_runner_logf (MwbRunner *runner, const char *source, const char *fmt, ...)
	G_GNUC_PRINTF (3, 4);
/* For backends: an asynchronous event (QMP event, domain event) that event
 * breakpoints may match. data is a JSON object's members as strings. */
void mwb_runner_note_event (MwbRunner *runner, const char *side, const char *event,
			    GHashTable *data);
MwbBackend *mwb_runner_backend (MwbRunner *runner);

/* Nothing in flight and nothing about to start: no step running or
 * scheduled, no teardown under way (scripted input waits for this). */
gboolean mwb_runner_is_settled (MwbRunner *runner);
/* For the workbench: what the backend runs right now. Empty / 0 / an error
 * when there is no backend (idle) or it cannot tell. */
GPtrArray *mwb_runner_live_roles (MwbRunner *runner);
GPid mwb_runner_pid_of (MwbRunner *runner, const char *role);
gboolean mwb_runner_send_command (MwbRunner *runner, const char *role, const char *text,
				  MwbCommandReplyFunc func, gpointer data, GError **error);
/* The step's `about` line with the variables known so far filled in. */
char *mwb_runner_step_about (MwbRunner *runner, guint index);
