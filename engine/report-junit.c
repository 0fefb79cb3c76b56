/* junit.xml: a testcase per scenario, named as `mwb run --junit` names it
 * (classname the path's directory with dots, name its last component), and
 * a testcase per check under the scenario's own classname, so that a CI
 * page groups a scenario's checks under it. JUnit has no "expected to
 * fail": a known failure is a skipped testcase, as pytest writes xfail. */
#include "report.h"

#include <string.h>

static char *
esc (const char *s)
{
	g_autofree char *t = mwb_report_clean_text (s);

	return g_markup_escape_text (t, -1);
}

/* "/x86_64/migration/precopy/unix/plain [ns]": classname
 * "x86_64.migration.precopy.unix", name "plain [ns]". zdtm's paths have
 * no leading '/'. A variant's label is never split. */
static void
split_name (const char *path, char **cls, char **name)
{
	const char *label = strstr (path, " [");
	g_autofree char *bare = label ? g_strndup (path, label - path) : g_strdup (path);
	const char *slash = strrchr (bare, '/');
	const char *dir = bare[0] == '/' ? bare + 1 : bare;

	*cls = slash && slash + 1 > dir ? g_strndup (dir, slash - dir) : g_strdup ("");
	g_strdelimit (*cls, "/", '.');
	*name = g_strconcat (slash ? slash + 1 : bare, label ? label : "", NULL);
}

static void
testcase_open (GString *x, const char *cls, const char *name, double t)
{
	g_autofree char *c = esc (cls);
	g_autofree char *n = esc (name);

	g_string_append_printf (x, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", c, n, t);
}

static void
append_checks (GString *x, const MwbReportEntry *e, guint *tests, guint *failures, guint *skipped)
{
	g_autofree char *cls = NULL;

	if (!e->checks)
		return;
	cls = g_strdup (e->path[0] == '/' ? e->path + 1 : e->path);
	g_strdelimit (cls, "/", '.');
	for (guint i = 0; i < e->checks->len; i++) {
		const MwbReportCheck *c = e->checks->pdata[i];
		g_autofree char *comment = esc (c->comment ? c->comment : "");

		(*tests)++;
		testcase_open (x, cls, c->text, 0);
		if (c->state == MWB_CHECK_OK) {
			g_string_append (x, "/>\n");
			continue;
		}
		if (c->state == MWB_CHECK_SKIP || e->known_broken) {
			(*skipped)++;
			g_string_append_printf (x, ">\n   <skipped%s message=\"%s\"/>\n",
						c->state == MWB_CHECK_SKIP ? "" : " type=\"known-broken\"", comment);
		} else {
			(*failures)++;
			g_string_append_printf (x, ">\n   <failure message=\"%s\" type=\"not ok\"/>\n", comment);
		}
		g_string_append (x, "  </testcase>\n");
	}
}

static void
append_entry (GString *x, const MwbReportEntry *e, guint *failures, guint *skipped)
{
	MwbOutcome o = mwb_report_entry_outcome (e);
	g_autofree char *cls = NULL, *name = NULL;
	g_autofree char *reason = esc (e->reason ? e->reason : "");
	g_autofree char *text = NULL, *detail = NULL;
	g_autofree char *known = esc (e->known_reason ? e->known_reason : "");

	split_name (e->path, &cls, &name);
	testcase_open (x, cls, name, e->duration);
	{
		g_autofree char *v = mwb_report_entry_verdict_text (e);

		text = g_strdup_printf ("%s%s%s", v, e->kept && e->run_dir ? "; run directory " : "",
					e->kept && e->run_dir ? e->run_dir : "");
		detail = esc (text);
	}
	switch (o) {
	case MWB_OUTCOME_PASS:
		g_string_append (x, "/>\n");
		return;
	case MWB_OUTCOME_SKIP:
		(*skipped)++;
		g_string_append_printf (x, ">\n   <skipped message=\"%s\"/>\n", reason);
		break;
	case MWB_OUTCOME_FAIL:
		(*failures)++;
		g_string_append_printf (x, ">\n   <failure message=\"%s\" type=\"%s\">%s</failure>\n", reason,
					mwb_verdict_name (e->verdict), detail);
		break;
	case MWB_OUTCOME_KNOWN:
		(*skipped)++;
		g_string_append_printf (x, ">\n   <skipped type=\"known-broken\" message=\"known broken%s%s\">%s</skipped>\n",
					*known ? ": " : "", known, detail);
		break;
	case MWB_OUTCOME_NOW_PASSING:
		g_string_append_printf (x, ">\n   <system-out>NOW PASSING: listed as known broken%s%s</system-out>\n",
					*known ? ": " : "", known);
		break;
	}
	g_string_append (x, "  </testcase>\n");
}

char *
mwb_report_junit (const MwbReport *r)
{
	g_autoptr (GString) cases = g_string_new (NULL);
	GString *x = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	guint tests = 0, failures = 0, skipped = 0;
	double total = 0;
	g_autofree char *started = esc (r->started);
	g_autofree char *host = esc (r->host);

	for (guint i = 0; i < r->entries->len; i++) {
		const MwbReportEntry *e = r->entries->pdata[i];

		append_checks (cases, e, &tests, &failures, &skipped);
		append_entry (cases, e, &failures, &skipped);
		tests++;
		total += e->duration;
	}
	g_string_append_printf (x, "<testsuites name=\"mwb\" tests=\"%u\" failures=\"%u\" skipped=\"%u\" time=\"%.3f\">\n"
				" <testsuite name=\"mwb\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\""
				" time=\"%.3f\" timestamp=\"%s\" hostname=\"%s\">\n",
				tests, failures, skipped, total, tests, failures, skipped, total, started, host);
	g_string_append_len (x, cases->str, cases->len);
	g_string_append (x, " </testsuite>\n</testsuites>\n");
	return g_string_free (x, FALSE);
}
