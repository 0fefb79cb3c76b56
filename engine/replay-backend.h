/* The replay backend: each test of a replayed log as a scenario. */
#pragma once

#include "backend.h"
#include "replay.h"
#include "scenario.h"

/* MwbScenario*, one per test, in log order: backend "replay", steps
 * "replay.step" naming the test and step they replay. */
GPtrArray *mwb_replay_scenarios (MwbReplayLog *log);
