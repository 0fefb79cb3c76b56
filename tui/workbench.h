/* The curses workbench, as seen from main.c. */
#pragma once

#include <glib.h>

#include "keymap.h"
#include "run-config.h"
#include "scenario.h"

/* Runs the workbench until the user quits: on the scenario list, or on
 * `open` paused before its first step. Returns the exit status. */
int mwb_workbench_run (MwbRunConfig *cfg, GPtrArray *catalog, MwbScenario *open, const char *keymap);
/* The workbench on a replayed log: tests are its scenarios (the replay
 * backend's), open the one to run to its failure; live is the catalogue
 * :rerun looks the test up in. */
int mwb_workbench_replay (MwbRunConfig *cfg, GPtrArray *tests, MwbScenario *open, GPtrArray *live,
			  const char *keymap);
/* The active keymap: builtin defaults, NAME or FILE on top, then the
 * user's $XDG_CONFIG_HOME/mwb/keys. Problems go to warnings as "file:line: msg". */
MwbKeymap *mwb_workbench_keymap (const char *name, GPtrArray *warnings);
