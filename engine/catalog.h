/* The scenario catalogue: every *.scn file under a directory, parsed and
 * checked against its backend, in file-name order (which keeps QEMU's test
 * order), and the -p / -r / -a selection over it. */
#pragma once

#include <glib.h>

#include "scenario.h"

/* $MWB_SCENARIOS, else scenarios/ beside the mwb binary, else the installed copy. */
/* A directory of mwb's data: $env_var when set and not empty, then NAME
 * beside the binary, then MWB_DATADIR/NAME. */
char *mwb_data_dir (const char *env_var, const char *name);
char *mwb_catalog_default_dir (void);
/* MwbScenario*, sorted; the first bad file is an error "file:line: msg". */
GPtrArray *mwb_catalog_load (const char *dir, GError **error);
/* An unknown -p path or a -r prefix that matches nothing is an error. */
GPtrArray *mwb_catalog_select (GPtrArray *catalog, const char *const *paths,
			       const char *const *prefixes, gboolean all, GError **error);
/* migration-test's tests in TAP order (the scenario files numbered 01, 02,
 * ... under /x86_64/migration), NULL-terminated; empty when there are none. */
GStrv mwb_catalog_tap_order (GPtrArray *catalog);
