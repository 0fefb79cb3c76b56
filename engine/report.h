/* A batch's results as one report, whatever world the scenarios come from
 * (QEMU, CRIU, libvirt): the model, and the files `mwb run --report DIR`
 * writes from it: results.tap, junit.xml, index.html (report-html.c) and
 * results.json (report-json.c), which `mwb report` reads back. No process,
 * no main loop: the batch fills a report, the writers only read it. */
#pragma once

#include <glib.h>

#include "sink.h"

/* A sub-result of a scenario: libvirt's TCK prints some ten per scenario. */
typedef enum {
	MWB_CHECK_OK,
	MWB_CHECK_NOT_OK,
	MWB_CHECK_SKIP,
} MwbCheckState;

typedef struct {
	char *text;
	MwbCheckState state;
	char *comment;		/* why it was skipped or what went wrong; NULL for none */
} MwbReportCheck;

typedef struct {
	char *path;		/* the run's name: the path, or "PATH [variant]" */
	MwbVerdict verdict;
	double duration;	/* seconds */
	char *reason;		/* NULL for none */
	int failed_step;	/* 0-based; -1: no step was in flight */
	char *failed_name;
	char *run_dir;
	gboolean kept;		/* run_dir is still there */
	GPtrArray *checks;	/* MwbReportCheck *, or NULL when the scenario has none */
	/* Set by mwb_report_apply_known_broken (known-broken.h), or read back. */
	gboolean known_broken;
	char *known_reason;
	char *known_where;	/* "FILE:LINE" of the entry; not in results.json */
} MwbReportEntry;

typedef struct {
	char *started;		/* ISO 8601, UTC */
	char *host;
	GPtrArray *entries;	/* MwbReportEntry *, in run order */
	GPtrArray *notes;	/* char *: said in index.html, not in results.json */
} MwbReport;

/* What an entry counts as, once the known-broken list is applied. */
typedef enum {
	MWB_OUTCOME_PASS,
	MWB_OUTCOME_FAIL,	/* FAIL, ABORTED or NONE, not known broken: a problem */
	MWB_OUTCOME_SKIP,
	MWB_OUTCOME_KNOWN,	/* failed, and listed as known broken */
	MWB_OUTCOME_NOW_PASSING,	/* passed, yet listed as known broken */
} MwbOutcome;

/* now_passing entries are among the passed; known ones are not failed. */
typedef struct {
	guint passed, failed, skipped, known, now_passing;
} MwbReportTotals;

/* started is now, host is this machine's name. */
MwbReport *mwb_report_new (void);
void mwb_report_free (MwbReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbReport, mwb_report_free)

/* A new entry at the end; the caller fills in the rest (owned strings). */
MwbReportEntry *mwb_report_add (MwbReport *r, const char *path, MwbVerdict verdict);
void mwb_report_entry_add_check (MwbReportEntry *e, const char *text, MwbCheckState state,
				 const char *comment);

MwbOutcome mwb_report_entry_outcome (const MwbReportEntry *e);
const char *mwb_outcome_name (MwbOutcome o);
void mwb_report_totals (const MwbReport *r, MwbReportTotals *t);
/* "at step 5 (migrate): reason", ": reason" or "" for none. */
char *mwb_report_entry_cause (const MwbReportEntry *e);
/* "FAIL at step 5 (migrate): reason", "SKIP: reason", "PASS". */
char *mwb_report_entry_verdict_text (const MwbReportEntry *e);

gboolean mwb_verdict_from_name (const char *name, MwbVerdict *v);
const char *mwb_check_state_name (MwbCheckState s);	/* "ok", "not ok", "skip" */
gboolean mwb_check_state_from_name (const char *name, MwbCheckState *s);

/* Valid UTF-8 without the control characters XML cannot carry (tab and
 * newline stay): what the writers put in their files. */
char *mwb_report_clean_text (const char *s);

/* The files' contents. dir: where index.html goes, for relative links to
 * the run directories kept inside it (NULL: every link absolute). */
char *mwb_report_tap (const MwbReport *r);
char *mwb_report_junit (const MwbReport *r);
char *mwb_report_html (const MwbReport *r, const char *dir);
char *mwb_report_to_json (const MwbReport *r);

/* Reads results.json back; errors name file, and line:column where JSON
 * syntax is at fault. totals are recomputed, not read. */
MwbReport *mwb_report_from_json (const char *file, const char *text, gsize len, GError **error);
MwbReport *mwb_report_load (const char *file, GError **error);

/* DIR/results.tap, junit.xml, index.html and results.json; DIR is made if
 * it is missing. */
gboolean mwb_report_write_dir (const MwbReport *r, const char *dir, GError **error);
