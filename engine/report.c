/* The report model: entries, what each counts as, the names files use. */
#include "report.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mwb-error.h"

MwbReport *
mwb_report_new (void)
{
	MwbReport *r = g_new0 (MwbReport, 1);
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

	r->started = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
	r->host = g_strdup (g_get_host_name ());
	r->entries = g_ptr_array_new ();
	r->notes = g_ptr_array_new_with_free_func (g_free);
	return r;
}

static void
check_free (gpointer p)
{
	MwbReportCheck *c = p;

	g_free (c->text);
	g_free (c->comment);
	g_free (c);
}

static void
entry_free (MwbReportEntry *e)
{
	g_free (e->path);
	g_free (e->reason);
	g_free (e->failed_name);
	g_free (e->run_dir);
	if (e->checks)
		g_ptr_array_unref (e->checks);
	g_free (e->known_reason);
	g_free (e->known_where);
	g_free (e);
}

void
mwb_report_free (MwbReport *r)
{
	if (!r)
		return;
	for (guint i = 0; i < r->entries->len; i++)
		entry_free (r->entries->pdata[i]);
	g_ptr_array_unref (r->entries);
	g_ptr_array_unref (r->notes);
	g_free (r->started);
	g_free (r->host);
	g_free (r);
}

MwbReportEntry *
mwb_report_add (MwbReport *r, const char *path, MwbVerdict verdict)
{
	MwbReportEntry *e = g_new0 (MwbReportEntry, 1);

	e->path = g_strdup (path);
	e->verdict = verdict;
	e->failed_step = -1;
	g_ptr_array_add (r->entries, e);
	return e;
}

void
mwb_report_entry_add_check (MwbReportEntry *e, const char *text, MwbCheckState state, const char *comment)
{
	MwbReportCheck *c = g_new0 (MwbReportCheck, 1);

	c->text = g_strdup (text ? text : "");
	c->state = state;
	c->comment = g_strdup (comment);
	if (!e->checks)
		e->checks = g_ptr_array_new_with_free_func (check_free);
	g_ptr_array_add (e->checks, c);
}

MwbOutcome
mwb_report_entry_outcome (const MwbReportEntry *e)
{
	switch (e->verdict) {
	case MWB_VERDICT_PASS:
		return e->known_broken ? MWB_OUTCOME_NOW_PASSING : MWB_OUTCOME_PASS;
	case MWB_VERDICT_SKIP:
		return MWB_OUTCOME_SKIP;
	default:
		/* NONE too: a run that reached no verdict did not pass. */
		return e->known_broken ? MWB_OUTCOME_KNOWN : MWB_OUTCOME_FAIL;
	}
}

const char *
mwb_outcome_name (MwbOutcome o)
{
	static const char *const names[] = { "PASS", "FAIL", "SKIP", "KNOWN", "NOW PASSING" };

	return (guint) o < G_N_ELEMENTS (names) ? names[o] : "?";
}

void
mwb_report_totals (const MwbReport *r, MwbReportTotals *t)
{
	memset (t, 0, sizeof *t);
	for (guint i = 0; i < r->entries->len; i++) {
		switch (mwb_report_entry_outcome (r->entries->pdata[i])) {
		case MWB_OUTCOME_NOW_PASSING:
			t->now_passing++;
			/* it passed, too */
			G_GNUC_FALLTHROUGH;
		case MWB_OUTCOME_PASS:
			t->passed++;
			break;
		case MWB_OUTCOME_FAIL:
			t->failed++;
			break;
		case MWB_OUTCOME_SKIP:
			t->skipped++;
			break;
		case MWB_OUTCOME_KNOWN:
			t->known++;
			break;
		}
	}
}

char *
mwb_report_entry_cause (const MwbReportEntry *e)
{
	const char *reason = e->reason && *e->reason ? e->reason : NULL;

	if (e->failed_step >= 0)
		return g_strdup_printf ("at step %d (%s)%s%s", e->failed_step + 1,
					e->failed_name ? e->failed_name : "?", reason ? ": " : "", reason ? reason : "");
	return reason ? g_strdup_printf (": %s", reason) : g_strdup ("");
}

char *
mwb_report_entry_verdict_text (const MwbReportEntry *e)
{
	g_autofree char *cause = mwb_report_entry_cause (e);

	return g_strconcat (mwb_verdict_name (e->verdict), *cause && *cause != ':' ? " " : "", cause, NULL);
}

gboolean
mwb_verdict_from_name (const char *name, MwbVerdict *v)
{
	for (MwbVerdict i = MWB_VERDICT_NONE; i <= MWB_VERDICT_ABORTED; i++)
		if (g_str_equal (name, mwb_verdict_name (i))) {
			*v = i;
			return TRUE;
		}
	return FALSE;
}

const char *
mwb_check_state_name (MwbCheckState s)
{
	static const char *const names[] = { "ok", "not ok", "skip" };

	return (guint) s < G_N_ELEMENTS (names) ? names[s] : "?";
}

gboolean
mwb_check_state_from_name (const char *name, MwbCheckState *s)
{
	for (MwbCheckState i = MWB_CHECK_OK; i <= MWB_CHECK_SKIP; i++)
		if (g_str_equal (name, mwb_check_state_name (i))) {
			*s = i;
			return TRUE;
		}
	return FALSE;
}

char *
mwb_report_clean_text (const char *s)
{
	char *t = g_utf8_make_valid (s ? s : "", -1);

	/* Reasons quote QEMU's and CRIU's output: an escape sequence there
	 * would make junit.xml ill-formed (XML 1.0 has no &#x1b;). */
	for (char *p = t; *p; p++)
		if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n')
			*p = ' ';
	return t;
}

static gboolean
write_one (const char *dir, const char *name, char *text, GError **error)
{
	g_autofree char *owned = text;
	g_autofree char *file = g_build_filename (dir, name, NULL);

	return g_file_set_contents (file, owned, -1, error);
}

gboolean
mwb_report_write_dir (const MwbReport *r, const char *dir, GError **error)
{
	if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "%s exists and is not a directory", dir);
		return FALSE;
	}
	if (g_mkdir_with_parents (dir, 0755) < 0) {
		int e = errno;

		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot make %s: %s", dir,
			     g_strerror (e));
		return FALSE;
	}
	/* results.json last: a reader that finds it finds the others. */
	return write_one (dir, "results.tap", mwb_report_tap (r), error)
		&& write_one (dir, "junit.xml", mwb_report_junit (r), error)
		&& write_one (dir, "index.html", mwb_report_html (r, dir), error)
		&& write_one (dir, "results.json", mwb_report_to_json (r), error);
}
