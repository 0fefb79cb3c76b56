/* index.html: one self-contained page (inline CSS, no script, nothing
 * fetched) that a CI job can archive and a person can open from disk: the
 * counts, then a row per scenario with its verdict, time, cause and a link
 * to its kept run directory, its checks folded under it. */
#include "report.h"

#include <string.h>

static char *
esc (const char *s)
{
	g_autofree char *t = mwb_report_clean_text (s);

	return g_markup_escape_text (t, -1);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
	"h1{font-size:1.4em;margin:0 0 .3em}\n"
	".meta{color:#555;margin:0 0 1em}\n"
	".totals span{display:inline-block;padding:.2em .7em;margin:0 .4em .4em 0;border-radius:3px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #ddd}\n"
	"th{background:#f4f4f4}\n"
	"td.num,td.time{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"td.path,td.cause{font-family:ui-monospace,monospace;font-size:13px;word-break:break-all}\n"
	".v{font-weight:bold;white-space:nowrap;padding:.1em .5em;border-radius:3px}\n"
	".PASS{background:#d8f0d8;color:#145214}.FAIL{background:#f8d0d0;color:#8a1010}\n"
	".SKIP{background:#e8e8e8;color:#444}.KNOWN{background:#fbe7c0;color:#7a4a00}\n"
	".NOW_PASSING{background:#d6e4ff;color:#123f8a}\n"
	".alert{border:2px solid #123f8a;background:#eef3ff;padding:.5em 1em;margin:0 0 1em}\n"
	"details{margin-top:.3em}summary{cursor:pointer;color:#555}\n"
	"ol.checks{margin:.3em 0;padding-left:2em}ol.checks li.not-ok{color:#8a1010;font-weight:bold}\n"
	"ol.checks li.skip{color:#777}\n"
	"#only:checked~table tr.quiet{display:none}\n";

static const char *
outcome_class (MwbOutcome o)
{
	static const char *const names[] = { "PASS", "FAIL", "SKIP", "KNOWN", "NOW_PASSING" };

	return names[o];
}

/* Relative when the run directory is inside the report's, so that the two
 * can be archived and moved together; a file:// URI otherwise. */
static char *
run_dir_href (const char *run_dir, const char *dir)
{
	g_autofree char *abs = g_canonicalize_filename (run_dir, NULL);
	g_autofree char *base = dir ? g_canonicalize_filename (dir, NULL) : NULL;
	gsize n = base ? strlen (base) : 0;

	if (base && n > 1 && g_str_has_prefix (abs, base) && abs[n] == '/' && abs[n + 1])
		return g_uri_escape_string (abs + n + 1, "/", FALSE);
	return g_filename_to_uri (abs, NULL, NULL);
}

static void
append_checks (GString *h, const MwbReportEntry *e)
{
	guint n[3] = { 0 };

	if (!e->checks || !e->checks->len)
		return;
	for (guint i = 0; i < e->checks->len; i++)
		n[((MwbReportCheck *) e->checks->pdata[i])->state]++;
	g_string_append_printf (h, "<details%s><summary>%u check%s: %u ok, %u not ok, %u skipped</summary>"
				"<ol class=\"checks\">", n[MWB_CHECK_NOT_OK] ? " open" : "", e->checks->len,
				e->checks->len == 1 ? "" : "s", n[MWB_CHECK_OK], n[MWB_CHECK_NOT_OK], n[MWB_CHECK_SKIP]);
	for (guint i = 0; i < e->checks->len; i++) {
		const MwbReportCheck *c = e->checks->pdata[i];
		g_autofree char *text = esc (c->text);
		g_autofree char *comment = c->comment ? esc (c->comment) : NULL;

		g_string_append_printf (h, "<li class=\"%s\">%s: %s%s%s</li>",
					c->state == MWB_CHECK_OK ? "ok" : c->state == MWB_CHECK_SKIP ? "skip" : "not-ok",
					mwb_check_state_name (c->state), text, comment ? " &#8212; " : "",
					comment ? comment : "");
	}
	g_string_append (h, "</ol></details>");
}

static void
append_row (GString *h, guint n, const MwbReportEntry *e, const char *dir)
{
	MwbOutcome o = mwb_report_entry_outcome (e);
	g_autofree char *path = esc (e->path);
	g_autofree char *cause = mwb_report_entry_cause (e);
	g_autofree char *cause_h = esc (cause[0] == ':' ? cause + 2 : cause);

	g_string_append_printf (h, "<tr class=\"%s\"><td class=\"num\">%u</td><td class=\"path\">%s",
				o == MWB_OUTCOME_PASS || o == MWB_OUTCOME_SKIP ? "quiet" : "loud", n, path);
	append_checks (h, e);
	g_string_append_printf (h, "</td><td><span class=\"v %s\">%s</span></td><td class=\"time\">%.2f s</td>"
				"<td class=\"cause\">%s", outcome_class (o), mwb_outcome_name (o), e->duration, cause_h);
	if (e->known_broken) {
		g_autofree char *why = esc (e->known_reason ? e->known_reason : "");
		g_autofree char *where = esc (e->known_where ? e->known_where : "");

		g_string_append_printf (h, "%s<em>known broken%s%s%s%s%s</em>", *cause_h ? "<br>" : "",
					*where ? " (" : "", where, *where ? ")" : "", *why ? ": " : "", why);
	}
	g_string_append (h, "</td><td class=\"path\">");
	if (e->run_dir && e->kept) {
		g_autofree char *href = run_dir_href (e->run_dir, dir);
		g_autofree char *href_h = esc (href);
		g_autofree char *shown = esc (e->run_dir);

		g_string_append_printf (h, "<a href=\"%s\">%s</a>", href_h, shown);
	} else if (e->run_dir)
		g_string_append (h, "<span class=\"meta\">removed</span>");
	g_string_append (h, "</td></tr>\n");
}

char *
mwb_report_html (const MwbReport *r, const char *dir)
{
	GString *h = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
	g_autofree char *started = esc (r->started);
	g_autofree char *host = esc (r->host);
	MwbReportTotals t;
	double total = 0;

	mwb_report_totals (r, &t);
	for (guint i = 0; i < r->entries->len; i++)
		total += ((MwbReportEntry *) r->entries->pdata[i])->duration;
	g_string_append_printf (h, "<title>mwb report: %s, %s</title>\n<style>\n%s</style></head><body>\n"
				"<h1>mwb report</h1>\n<p class=\"meta\">Started %s on %s: %u scenario%s, %.1f s</p>\n"
				"<p class=\"totals\"><span class=\"PASS\">%u passed</span><span class=\"FAIL\">%u failed</span>"
				"<span class=\"SKIP\">%u skipped</span><span class=\"KNOWN\">%u known failure%s</span>"
				"<span class=\"NOW_PASSING\">%u now passing</span></p>\n",
				host, started, style, started, host, r->entries->len, r->entries->len == 1 ? "" : "s",
				total, t.passed, t.failed, t.skipped, t.known, t.known == 1 ? "" : "s", t.now_passing);
	if (t.now_passing)
		g_string_append_printf (h, "<p class=\"alert\"><strong>%u scenario%s listed as known broken passed:</strong> "
					"take %s off the known-broken list.</p>\n", t.now_passing,
					t.now_passing == 1 ? "" : "s", t.now_passing == 1 ? "it" : "them");
	if (r->notes->len) {
		g_string_append (h, "<ul class=\"meta\">\n");
		for (guint i = 0; i < r->notes->len; i++) {
			g_autofree char *note = esc (r->notes->pdata[i]);

			g_string_append_printf (h, "<li>%s</li>\n", note);
		}
		g_string_append (h, "</ul>\n");
	}
	/* A checkbox and a sibling selector: the filter needs no script. */
	g_string_append (h, "<input type=\"checkbox\" id=\"only\"><label for=\"only\"> only what is not a plain "
			 "pass or skip</label>\n<table>\n<tr><th>#</th><th>Scenario</th><th>Verdict</th><th>Time</th>"
			 "<th>Cause</th><th>Run directory</th></tr>\n");
	for (guint i = 0; i < r->entries->len; i++)
		append_row (h, i + 1, r->entries->pdata[i], dir);
	g_string_append (h, "</table>\n</body></html>\n");
	return g_string_free (h, FALSE);
}
