/* results.tap: one test point per scenario, named as `mwb run --tap` names
 * it; a scenario with checks has its checks as its test points instead, as
 * `mwb run --tap` prints them ("PATH: check" here, where every scenario
 * shares one plan). A known failure is TAP's "not ok ... # TODO": expected
 * to fail, so no harness counts it; one that passes is "ok ... # TODO",
 * which harnesses report as an unexpected success. */
#include "report.h"

#include <string.h>

/* On one line, and no '#' a harness would take for a directive. */
static void
append_desc (GString *s, const char *text)
{
	g_autofree char *t = mwb_report_clean_text (text);

	for (const char *p = t; *p; p++) {
		if (*p == '#')
			g_string_append (s, "\\#");
		else if (*p == '\\')
			g_string_append (s, "\\\\");
		else
			g_string_append_c (s, *p == '\n' || *p == '\t' ? ' ' : *p);
	}
}

static void
append_reason (GString *s, const char *text)
{
	g_autofree char *t = mwb_report_clean_text (text);

	g_strdelimit (t, "\n\t", ' ');
	g_string_append (s, t);
}

/* Lines a harness shows under a test point and otherwise ignores. */
static void
append_comment (GString *s, const char *text)
{
	g_autofree char *t = mwb_report_clean_text (text);
	g_auto (GStrv) lines = g_strsplit (t, "\n", -1);

	for (guint i = 0; lines[i]; i++)
		if (*lines[i])
			g_string_append_printf (s, "#   %s\n", lines[i]);
}

static void
append_known (GString *s, const MwbReportEntry *e)
{
	g_string_append (s, " # TODO known broken");
	if (e->known_reason && *e->known_reason) {
		g_string_append (s, ": ");
		append_reason (s, e->known_reason);
	}
}

static guint
append_checks (GString *s, const MwbReportEntry *e, guint n)
{
	for (guint i = 0; e->checks && i < e->checks->len; i++) {
		const MwbReportCheck *c = e->checks->pdata[i];

		g_string_append_printf (s, "%s %u ", c->state == MWB_CHECK_NOT_OK ? "not ok" : "ok", ++n);
		append_desc (s, e->path);
		g_string_append (s, ": ");
		append_desc (s, c->text);
		if (c->state == MWB_CHECK_SKIP) {
			g_string_append (s, " # SKIP ");
			append_reason (s, c->comment);
		} else if (c->state == MWB_CHECK_NOT_OK && e->known_broken)
			append_known (s, e);
		g_string_append_c (s, '\n');
		if (c->state == MWB_CHECK_NOT_OK && c->comment)
			append_comment (s, c->comment);
	}
	return n;
}

/* Whether the scenario gets a test point of its own besides its checks:
 * when it has none, when its checks would not show that it failed (a
 * results.json written by hand), and when it passes though listed as known
 * broken, which a harness must see. */
static gboolean
own_point (const MwbReportEntry *e)
{
	MwbOutcome o = mwb_report_entry_outcome (e);

	if (!e->checks || !e->checks->len || o == MWB_OUTCOME_NOW_PASSING)
		return TRUE;
	if (o != MWB_OUTCOME_FAIL && o != MWB_OUTCOME_KNOWN)
		return FALSE;
	for (guint i = 0; i < e->checks->len; i++)
		if (((MwbReportCheck *) e->checks->pdata[i])->state == MWB_CHECK_NOT_OK)
			return FALSE;
	return TRUE;
}

char *
mwb_report_tap (const MwbReport *r)
{
	GString *s = g_string_new ("TAP version 13\n");
	guint plan = 0, n = 0;
	MwbReportTotals t;

	for (guint i = 0; i < r->entries->len; i++) {
		const MwbReportEntry *e = r->entries->pdata[i];

		plan += own_point (e) + (e->checks ? e->checks->len : 0);
	}
	g_string_append_printf (s, "1..%u\n", plan);
	{
		g_autofree char *line = g_strdup_printf ("mwb report: started %s on %s", r->started, r->host);

		g_strdelimit (line, "\n", ' ');
		append_comment (s, line);
	}
	for (guint i = 0; i < r->entries->len; i++) {
		const MwbReportEntry *e = r->entries->pdata[i];
		MwbOutcome o = mwb_report_entry_outcome (e);

		gboolean own = own_point (e);

		n = append_checks (s, e, n);
		if (own) {
			g_string_append_printf (s, "%s %u ", o == MWB_OUTCOME_FAIL || o == MWB_OUTCOME_KNOWN ? "not ok" : "ok",
						++n);
			append_desc (s, e->path);
			if (o == MWB_OUTCOME_SKIP) {
				g_string_append (s, " # SKIP ");
				append_reason (s, e->reason);
			} else if (o == MWB_OUTCOME_KNOWN || o == MWB_OUTCOME_NOW_PASSING)
				append_known (s, e);
			g_string_append_c (s, '\n');
		}
		/* Without its own point, the checks need their scenario's name. */
		if (o == MWB_OUTCOME_FAIL || o == MWB_OUTCOME_KNOWN || (!own && o == MWB_OUTCOME_SKIP)) {
			g_autofree char *v = mwb_report_entry_verdict_text (e);
			g_autofree char *line = own ? g_strdup (v) : g_strdup_printf ("%s: %s", e->path, v);

			append_comment (s, line);
		}
		if (o == MWB_OUTCOME_NOW_PASSING) {
			g_autofree char *line = g_strdup_printf ("NOW PASSING: listed as known broken%s%s%s",
								 e->known_where ? " (" : "",
								 e->known_where ? e->known_where : "",
								 e->known_where ? ")" : "");

			append_comment (s, line);
		}
		if (e->kept && e->run_dir && o != MWB_OUTCOME_PASS) {
			g_autofree char *line = g_strdup_printf ("run directory kept: %s", e->run_dir);

			append_comment (s, line);
		}
	}
	mwb_report_totals (r, &t);
	g_string_append_printf (s, "# %u passed, %u failed, %u skipped, %u known, %u now passing\n", t.passed,
				t.failed, t.skipped, t.known, t.now_passing);
	return g_string_free (s, FALSE);
}
