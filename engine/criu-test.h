/* Private to the CRIU backend: the test process's helpers shared by its files. */
#pragma once

#include "criu-backend.h"

/* Where the test binaries and their .desc files are (MWB_ZDTM, build/zdtm). */
char *criu_zdtm_dir (void);
/* The last non-empty line of a .out file, or NULL. */
char *criu_test_last_line (const char *out_file);
/* Polls check until it finishes the step. */
void criu_poll (CriuBackend *be, MwbStepRun *sr, CriuPollCheck check);
/* After a restore: the new root from criu's --pidfile, and the test in it. */
gboolean criu_test_adopt (CriuBackend *be, const char *criu_pidfile, GError **error);
/* Finds criu, the test, its .desc and the flavor (once per run). */
gboolean criu_prepare (CriuBackend *be, MwbStepRun *sr, GError **error);
