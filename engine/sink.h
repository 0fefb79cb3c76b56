/* What the engine tells the outside world. A sink is a table of callbacks and
 * a context pointer; the batch printer, the journal and the TUI are sinks. Any
 * callback may be NULL. Strings are only valid during the call. */
#pragma once

#include <glib.h>

#include "scenario.h"

typedef struct _MwbRunner MwbRunner;

typedef enum {
	MWB_STEP_PENDING,
	MWB_STEP_RUNNING,
	MWB_STEP_OK,
	MWB_STEP_FAILED,
	MWB_STEP_SKIPPED,
} MwbStepState;

typedef enum {
	MWB_RUNNER_IDLE,	/* not started, or torn down */
	MWB_RUNNER_PAUSED,	/* waiting for step / continue / run-to */
	MWB_RUNNER_RUNNING,	/* a step is in flight */
	MWB_RUNNER_DONE,	/* verdict reached; processes kept until teardown */
} MwbRunnerState;

typedef enum {
	MWB_VERDICT_NONE,
	MWB_VERDICT_PASS,
	MWB_VERDICT_FAIL,
	MWB_VERDICT_SKIP,
	MWB_VERDICT_ABORTED,
} MwbVerdict;

typedef enum {
	MWB_LOG_NONE,		/* not a protocol record */
	MWB_LOG_IN,		/* from the process to mwb (reply, event, output) */
	MWB_LOG_OUT,		/* from mwb to the process (command) */
} MwbLogDir;

typedef struct {
	gint64 t_us;		/* monotonic microseconds since the run started */
	const char *source;	/* "qmp-src", "stderr-dst", "serial-src", "engine", ... */
	MwbLogDir dir;
	gboolean is_json;	/* text is one JSON value */
	const char *text;
	int step;		/* index of the step in flight, or -1 */
} MwbLogRecord;

typedef struct {
	void (*run_started) (gpointer ctx, MwbRunner *runner, const char *run_dir);
	void (*runner_state) (gpointer ctx, MwbRunner *runner, MwbRunnerState state,
			      const char *why);
	void (*step_state) (gpointer ctx, MwbRunner *runner, guint index, MwbStepState state,
			    double duration_s, const char *reason);
	void (*log) (gpointer ctx, MwbRunner *runner, const MwbLogRecord *rec);
	void (*file) (gpointer ctx, MwbRunner *runner, const char *name, goffset size,
		      gboolean gone);
	void (*verdict) (gpointer ctx, MwbRunner *runner, MwbVerdict verdict, int failed_step,
			 const char *reason, double duration_s);
	/* After teardown: every process is gone, the run directory kept or removed. */
	void (*run_finished) (gpointer ctx, MwbRunner *runner, const char *run_dir,
			      gboolean kept);
} MwbSinkOps;

const char *mwb_step_state_name (MwbStepState s);
const char *mwb_runner_state_name (MwbRunnerState s);
const char *mwb_verdict_name (MwbVerdict v);
