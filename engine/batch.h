/* Headless runs: `mwb run`. Runs the selected scenarios one after another
 * on a GLib main loop, prints a line per step and a verdict per scenario
 * (or TAP), writes JUnit, and returns the exit status. */
#pragma once

#include <glib.h>

#include "run-config.h"

typedef struct {
	gboolean sbs;		/* zdtm.py's --sbs in line mode */
	gboolean keep_going;
	gboolean tap;
	const char *junit;	/* file, or NULL */
	/* --report DIR: results.tap, junit.xml, index.html, results.json
	 * (docs/reports.md). --known-broken FILE: failures it lists are
	 * reported as known, not counted as failed; passes it lists, loudly. */
	const char *report_dir;
	const char *known_broken;
	const char *const *breaks;	/* step names or 1-based numbers */
	const char *const *event_breaks;	/* "MIGRATION status=completed", "dst:RESUME" */
	/* Each scenario runs once per variant, named "PATH [label]":
	 * --both-ways gives two (the QEMU binaries swapped: "[7.2.22->10.0.13]"),
	 * -f h,ns,uns one per zdtm flavor ("[ns]"). With variant_backend set,
	 * only that backend's scenarios take the variants; the others run once
	 * with the batch's configuration. */
	const MwbRunConfig *const *variants;
	const char *const *variant_labels;
	guint n_variants;
	const char *variant_backend;
} MwbBatchOptions;

/* Checks --break and --break-event against the scenarios: a step that no
 * selected scenario has, or a malformed event spec, is a usage error. */
gboolean mwb_batch_check_breaks (GPtrArray *scenarios, const MwbBatchOptions *opts, GError **error);

/* 0: all passed (skips and known failures allowed); 1: something failed;
 * 2: the known-broken list is bad (nothing runs) or the report could not
 * be written; 130/143/129: interrupted. */
int mwb_batch_run (GPtrArray *scenarios, const MwbRunConfig *cfg, const MwbBatchOptions *opts);
