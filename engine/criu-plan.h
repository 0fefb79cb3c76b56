/* zdtm.py's variations (--iters, --pre, --norst, ...) as transformations of
 * a checkpoint/restore scenario's steps. No I/O. */
#pragma once

#include "run-config.h"
#include "scenario.h"

/* The scenario as this configuration runs it (a new reference). */
MwbScenario *criu_plan (MwbScenario *scn, const MwbRunConfig *cfg);
/* "--iters 3 --page-server"; "" for the plain run. */
char *criu_plan_describe (const MwbCriuVariation *v);
/* zdtm's name for where a failure happened: "CRIU dump", "CRIU restore",
 * "result check" (or "start"). */
const char *criu_plan_phase (const char *action);
