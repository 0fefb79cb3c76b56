/* `mwb report compare` and `mwb report problems`: see report-compare.h. */
#include "report-compare.h"

#include <string.h>

const char *
mwb_change_kind_name (MwbChangeKind k)
{
	static const char *const names[] = { "REGRESSION", "KNOWN", "FIXED", "NEW", "REMOVED", "SKIPPED",
					     "SLOWER", "FASTER" };

	return (guint) k < G_N_ELEMENTS (names) ? names[k] : "?";
}

static gboolean
failed (const MwbReportEntry *e)
{
	return e->verdict != MWB_VERDICT_PASS && e->verdict != MWB_VERDICT_SKIP;
}

static GHashTable *
index_by_path (const MwbReport *r)
{
	GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);

	for (guint i = 0; i < r->entries->len; i++) {
		MwbReportEntry *e = r->entries->pdata[i];

		/* results.json has each name once; the first wins if not */
		if (!g_hash_table_contains (h, e->path))
			g_hash_table_insert (h, e->path, e);
	}
	return h;
}

static gboolean
timing_changed (const MwbReportEntry *a, const MwbReportEntry *b, const MwbCompareOptions *o)
{
	double d = b->duration - a->duration;

	if (ABS (d) < o->min_seconds || d == 0)
		return FALSE;
	return a->duration <= 0 || ABS (d) * 100 / a->duration >= o->threshold_pct;
}

/* The kind of change from a to b, or -1 for none worth a line. */
static int
classify (const MwbReportEntry *a, const MwbReportEntry *b, const MwbCompareOptions *o)
{
	if (!a)
		return MWB_CHANGE_NEW;
	if (!failed (a) && failed (b))
		return b->known_broken ? MWB_CHANGE_KNOWN : MWB_CHANGE_REGRESSION;
	if (failed (a) && b->verdict == MWB_VERDICT_PASS)
		return MWB_CHANGE_FIXED;
	if (a->verdict == MWB_VERDICT_PASS && b->verdict == MWB_VERDICT_SKIP)
		return MWB_CHANGE_SKIPPED;
	if (a->verdict == MWB_VERDICT_PASS && b->verdict == MWB_VERDICT_PASS && timing_changed (a, b, o))
		return b->duration > a->duration ? MWB_CHANGE_SLOWER : MWB_CHANGE_FASTER;
	return -1;
}

static gint
by_kind (gconstpointer x, gconstpointer y)
{
	return (int) ((const MwbChange *) x)->kind - (int) ((const MwbChange *) y)->kind;
}

GArray *
mwb_report_compare (const MwbReport *a, const MwbReport *b, const MwbCompareOptions *opts)
{
	MwbCompareOptions dflt = { MWB_COMPARE_THRESHOLD_PCT, MWB_COMPARE_MIN_SECONDS };
	GArray *out = g_array_new (FALSE, FALSE, sizeof (MwbChange));
	g_autoptr (GHashTable) in_a = index_by_path (a);
	g_autoptr (GHashTable) in_b = index_by_path (b);

	if (!opts)
		opts = &dflt;
	for (guint i = 0; i < b->entries->len; i++) {
		const MwbReportEntry *eb = b->entries->pdata[i];
		const MwbReportEntry *ea = g_hash_table_lookup (in_a, eb->path);
		int kind = classify (ea, eb, opts);
		MwbChange c = { kind, ea, eb };

		if (kind >= 0)
			g_array_append_val (out, c);
	}
	for (guint i = 0; i < a->entries->len; i++) {
		const MwbReportEntry *ea = a->entries->pdata[i];
		MwbChange c = { MWB_CHANGE_REMOVED, ea, NULL };

		if (!g_hash_table_contains (in_b, ea->path))
			g_array_append_val (out, c);
	}
	/* Stable: GLib's sort is a merge sort, so each kind keeps B's order. */
	g_array_sort (out, by_kind);
	return out;
}

static void
append_known (GString *s, const MwbReportEntry *e)
{
	g_string_append (s, " [known broken");
	if (e->known_where)
		g_string_append_printf (s, " (%s)", e->known_where);
	if (e->known_reason && *e->known_reason)
		g_string_append_printf (s, ": %s", e->known_reason);
	g_string_append_c (s, ']');
}

char *
mwb_report_change_line (const MwbChange *c)
{
	const MwbReportEntry *e = c->b ? c->b : c->a;
	GString *s = g_string_new (mwb_change_kind_name (c->kind));
	g_autofree char *vb = c->b ? mwb_report_entry_verdict_text (c->b) : NULL;
	double da = c->a ? c->a->duration : 0, db = c->b ? c->b->duration : 0;

	g_string_append_printf (s, " %s: ", e->path);
	switch (c->kind) {
	case MWB_CHANGE_REGRESSION:
	case MWB_CHANGE_KNOWN:
	case MWB_CHANGE_FIXED:
	case MWB_CHANGE_SKIPPED:
		g_string_append_printf (s, "%s -> %s", mwb_verdict_name (c->a->verdict), vb);
		if (c->b->known_broken)
			append_known (s, c->b);
		if (c->kind == MWB_CHANGE_FIXED && c->b->known_broken)
			g_string_append (s, "; take it off the known-broken list");
		break;
	case MWB_CHANGE_NEW:
		g_string_append (s, vb);
		if (c->b->known_broken)
			append_known (s, c->b);
		break;
	case MWB_CHANGE_REMOVED:
		g_string_append_printf (s, "was %s", mwb_verdict_name (c->a->verdict));
		break;
	case MWB_CHANGE_SLOWER:
	case MWB_CHANGE_FASTER:
		g_string_append_printf (s, "%.1f s -> %.1f s", da, db);
		if (da > 0)
			g_string_append_printf (s, " (%+.0f%%)", (db - da) * 100 / da);
		break;
	}
	{
		/* One line whatever a reason quotes. */
		char *t = mwb_report_clean_text (s->str);

		g_strdelimit (t, "\n\t", ' ');
		g_string_free (s, TRUE);
		return t;
	}
}

static const char *
plural (guint n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *
mwb_report_compare_text (const MwbReport *a, const MwbReport *b, const MwbCompareOptions *opts,
			 guint *regressions)
{
	g_autoptr (GArray) changes = mwb_report_compare (a, b, opts);
	g_autoptr (GHashTable) in_a = index_by_path (a);
	GString *s = g_string_new (NULL);
	guint n[MWB_CHANGE_FASTER + 1] = { 0 };
	guint still = 0;

	for (guint i = 0; i < changes->len; i++) {
		const MwbChange *c = &g_array_index (changes, MwbChange, i);
		g_autofree char *line = mwb_report_change_line (c);

		n[c->kind]++;
		g_string_append_printf (s, "%s\n", line);
	}
	for (guint i = 0; i < b->entries->len; i++) {
		const MwbReportEntry *eb = b->entries->pdata[i];
		const MwbReportEntry *ea = g_hash_table_lookup (in_a, eb->path);

		still += ea && failed (ea) && failed (eb);
	}
	g_string_append_printf (s, "%u %s, %u fixed, %u known, %u new, %u removed, %u newly skipped, %u slower, "
				"%u faster, %u still failing (%u scenario%s before, %u after)\n",
				n[MWB_CHANGE_REGRESSION], plural (n[MWB_CHANGE_REGRESSION], "regression", "regressions"),
				n[MWB_CHANGE_FIXED], n[MWB_CHANGE_KNOWN], n[MWB_CHANGE_NEW], n[MWB_CHANGE_REMOVED],
				n[MWB_CHANGE_SKIPPED], n[MWB_CHANGE_SLOWER], n[MWB_CHANGE_FASTER], still,
				a->entries->len, plural (a->entries->len, "", "s"), b->entries->len);
	if (regressions)
		*regressions = n[MWB_CHANGE_REGRESSION];
	return g_string_free (s, FALSE);
}

static void
append_clean_line (GString *s, const char *text)
{
	g_autofree char *t = mwb_report_clean_text (text);

	g_strdelimit (t, "\n\t", ' ');
	g_string_append_printf (s, "%s\n", t);
}

char *
mwb_report_problems_text (const MwbReport *r, guint *problems)
{
	GString *s = g_string_new (NULL);
	MwbReportTotals t;

	for (guint i = 0; i < r->entries->len; i++) {
		const MwbReportEntry *e = r->entries->pdata[i];
		MwbOutcome o = mwb_report_entry_outcome (e);

		if (o == MWB_OUTCOME_FAIL) {
			g_autofree char *cause = mwb_report_entry_cause (e);
			g_autofree char *line = g_strdup_printf ("%s %s%s%s", mwb_verdict_name (e->verdict), e->path,
								 *cause && *cause != ':' ? " " : "", cause);

			append_clean_line (s, line);
			for (guint k = 0; e->checks && k < e->checks->len; k++) {
				const MwbReportCheck *c = e->checks->pdata[k];
				g_autofree char *cl = NULL;

				if (c->state != MWB_CHECK_NOT_OK)
					continue;
				cl = g_strdup_printf ("    not ok %u %s%s%s", k + 1, c->text, c->comment ? ": " : "",
						      c->comment ? c->comment : "");
				append_clean_line (s, cl);
			}
			if (e->kept && e->run_dir) {
				g_autofree char *dl = g_strdup_printf ("    run directory: %s", e->run_dir);

				append_clean_line (s, dl);
			}
		} else if (o == MWB_OUTCOME_NOW_PASSING) {
			GString *l = g_string_new (NULL);

			g_string_append_printf (l, "NOW PASSING %s: listed as known broken", e->path);
			if (e->known_where)
				g_string_append_printf (l, " (%s)", e->known_where);
			if (e->known_reason && *e->known_reason)
				g_string_append_printf (l, ": %s", e->known_reason);
			g_string_append (l, "; take it off the list");
			append_clean_line (s, l->str);
			g_string_free (l, TRUE);
		}
	}
	mwb_report_totals (r, &t);
	g_string_append_printf (s, "%u to fix: %u failed, %u now passing; not shown: %u known, %u passed, %u skipped\n",
				t.failed + t.now_passing, t.failed, t.now_passing, t.known, t.passed - t.now_passing,
				t.skipped);
	if (problems)
		*problems = t.failed + t.now_passing;
	return g_string_free (s, FALSE);
}
