/* Quality analysis over results.json files, as the libvirt TCK's: what
 * changed between two runs (`mwb report compare A B`), and what in one run
 * needs fixing (`mwb report problems A`). Each finding is one line that
 * starts with its kind in capitals, for people and for grep. */
#pragma once

#include <glib.h>

#include "report.h"

typedef enum {
	MWB_CHANGE_REGRESSION,	/* PASS or SKIP in A, failed in B, not known broken */
	MWB_CHANGE_KNOWN,	/* the same, but listed as known broken */
	MWB_CHANGE_FIXED,	/* failed in A, passes in B */
	MWB_CHANGE_NEW,		/* in B only */
	MWB_CHANGE_REMOVED,	/* in A only */
	MWB_CHANGE_SKIPPED,	/* passed in A, skipped in B: coverage lost */
	MWB_CHANGE_SLOWER,	/* passed in both, beyond the thresholds */
	MWB_CHANGE_FASTER,
} MwbChangeKind;

typedef struct {
	MwbChangeKind kind;
	const MwbReportEntry *a;	/* NULL for NEW */
	const MwbReportEntry *b;	/* NULL for REMOVED */
} MwbChange;

/* A timing change counts when it is both threshold_pct percent and
 * min_seconds seconds; run-to-run noise on a one-second scenario is not. */
typedef struct {
	double threshold_pct;
	double min_seconds;
} MwbCompareOptions;

#define MWB_COMPARE_THRESHOLD_PCT 50.0
#define MWB_COMPARE_MIN_SECONDS 1.0

const char *mwb_change_kind_name (MwbChangeKind k);

/* The changes, grouped by kind in the enum's order, each group in B's
 * order (A's for REMOVED). Entries match by their whole name. */
GArray *mwb_report_compare (const MwbReport *a, const MwbReport *b, const MwbCompareOptions *opts);

/* "REGRESSION /a/b: PASS -> FAIL at step 5 (migrate): reason" */
char *mwb_report_change_line (const MwbChange *c);

/* Every change's line, then a summary line; *regressions gets their count. */
char *mwb_report_compare_text (const MwbReport *a, const MwbReport *b, const MwbCompareOptions *opts,
			       guint *regressions);

/* Only what needs fixing: failures that are not known (with their failing
 * checks), and known-broken entries that now pass; then a summary line.
 * *problems gets their count. */
char *mwb_report_problems_text (const MwbReport *r, guint *problems);
