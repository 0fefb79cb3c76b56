#include "sink.h"

const char *
mwb_step_state_name (MwbStepState s)
{
	static const char *const names[] = { "pending", "running", "ok", "failed", "skipped" };

	return (guint) s < G_N_ELEMENTS (names) ? names[s] : "?";
}

const char *
mwb_runner_state_name (MwbRunnerState s)
{
	static const char *const names[] = { "idle", "paused", "running", "done" };

	return (guint) s < G_N_ELEMENTS (names) ? names[s] : "?";
}

const char *
mwb_verdict_name (MwbVerdict v)
{
	static const char *const names[] = { "NONE", "PASS", "FAIL", "SKIP", "ABORTED" };

	return (guint) v < G_N_ELEMENTS (names) ? names[v] : "?";
}
