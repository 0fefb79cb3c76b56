/* What a migration-test log does not say outright: which test a
 * "Bail out!" belongs to (TAP names a test only when it ends), which tests
 * a bail-out kept from running, and which QEMU died. Each guess says what
 * it rests on. */
#include "replay-priv.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static gboolean
matches_any (GPtrArray *prefixes, const char *path)
{
	for (guint i = 0; i < prefixes->len; i++)
		if (mwb_path_has_prefix (path, prefixes->pdata[i]))
			return TRUE;
	return FALSE;
}

/* The catalogue names migration-test's tests, not any TAP producer's. */
static const char *const *
order_of (Rp *rp)
{
	MwbReplayFormat f = rp->log->format;

	return f == MWB_REPLAY_GTAP || f == MWB_REPLAY_MESON ? rp->opt->order : NULL;
}

static guint
order_len (const char *const *order)
{
	guint n = 0;

	while (order && order[n])
		n++;
	return n;
}

/* Does the log number its tests the way the catalogue does? */
static gboolean
numbering_agrees (Rp *rp)
{
	guint n = order_len (order_of (rp));

	return n && (rp->plan < 0 || (guint) rp->plan == n) && !rp->only_args->len;
}

static char *
nest_prefix (Rp *rp)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < rp->nest->len; i++)
		g_string_append_printf (s, "/%s", (char *) rp->nest->pdata[i]);
	return g_string_free (s, FALSE);
}

/* Where to start looking in the catalogue: after the last result. */
static guint
search_start (Rp *rp)
{
	const char *const *order = order_of (rp);

	if (rp->last_num > 0 && numbering_agrees (rp))
		return MIN ((guint) rp->last_num, order_len (order));
	for (guint i = 0; rp->last_path && order && order[i]; i++)
		if (g_str_equal (order[i], rp->last_path))
			return i + 1;
	return 0;
}

void
rp_infer_name (Rp *rp)
{
	MwbReplayTest *t = rp->cur;
	const char *const *order = order_of (rp);
	g_autofree char *prefix = nest_prefix (rp);
	g_autoptr (GString) why = g_string_new ("the log does not name it: ");
	guint start = search_start (rp);

	if (rp->last_num > 0)
		g_string_append_printf (why, "after \"ok %d\"", rp->last_num);
	else
		g_string_append (why, "before any result");
	if (rp->plan > 0)
		g_string_append_printf (why, " of 1..%d", rp->plan);
	if (*prefix)
		g_string_append_printf (why, ", inside \"# Start of %s tests\"",
					(char *) rp->nest->pdata[rp->nest->len - 1]);
	for (guint i = start; order && order[i]; i++) {
		if (*prefix && !mwb_path_has_prefix (order[i], prefix))
			continue;
		if (matches_any (rp->skip_args, order[i]))
			continue;
		if (rp->only_args->len && !matches_any (rp->only_args, order[i]))
			continue;
		t->path = g_strdup (order[i]);
		if (numbering_agrees (rp))
			t->tap_number = i + 1;
		if (rp->skip_args->len || rp->only_args->len)
			g_string_append_printf (why, ", not skipped by the command line's %s",
						rp->only_args->len ? "-p/-s" : "-s");
		g_string_append_printf (why, "; the next such test in %s's order",
					rp->opt->order_from ? rp->opt->order_from : "the catalogue");
		if (rp->log->qemu_version && rp->opt->order_from
		    && !strstr (rp->opt->order_from, rp->log->qemu_version))
			g_string_append_printf (why, " (the log's QEMU is %s)", rp->log->qemu_version);
		t->named_by = g_string_free (g_steal_pointer (&why), FALSE);
		return;
	}
	t->path = *prefix ? g_strdup_printf ("%s/?", prefix) : g_strdup ("(unnamed test)");
	g_string_append (why, order ? "; no test in the catalogue fits" : "; no catalogue to name it from");
	t->named_by = g_string_free (g_steal_pointer (&why), FALSE);
}

void
rp_infer_not_run (Rp *rp)
{
	const char *const *order = order_of (rp);
	guint n = order_len (order), from = 0;
	MwbReplayLog *log = rp->log;

	if (rp->plan > 0 && rp->n_results + rp->bailed < (guint) rp->plan && !numbering_agrees (rp)) {
		/* Any TAP: the plan promised more results than the log has (a
		 * bailed-out test is one of them). */
		MwbReplayTest *t = rp_test (rp, log->n_lines);

		t->path = g_strdup_printf ("tests %u..%d", rp->n_results + rp->bailed + 1, rp->plan);
		t->verdict = MWB_RV_NOTRUN;
		t->result = g_strdup_printf ("the plan says 1..%d and the log has %u result%s%s", rp->plan,
					     rp->n_results, rp->n_results == 1 ? "" : "s",
					     rp->bailed ? " (it bailed out)" : "");
		t->cause = g_strdup (t->result);
		rp_test_finish (rp);
		return;
	}
	if (!numbering_agrees (rp) || rp->plan < 0)
		return;
	for (guint i = 0; i < log->tests->len; i++) {
		MwbReplayTest *t = log->tests->pdata[i];

		if (t->tap_number > 0 && (guint) t->tap_number > from)
			from = t->tap_number;
	}
	if (rp->n_results >= (guint) rp->plan || from >= n)
		return;
	for (guint i = from; i < n && i < (guint) rp->plan; i++) {
		MwbReplayTest *t;

		if (matches_any (rp->skip_args, order[i])) {
			log->unreached_skips++;
			continue;
		}
		t = rp_test (rp, log->n_lines);
		t->path = g_strdup (order[i]);
		t->tap_number = i + 1;
		t->verdict = MWB_RV_NOTRUN;
		t->named_by = g_strdup_printf ("test %u of 1..%d by %s's order, not skipped by -s", i + 1,
					       rp->plan, rp->opt->order_from ? rp->opt->order_from : "the catalogue");
		t->result = g_strdup (rp->bailed ? "never ran: the program bailed out before it"
						 : "never ran: the log ends before it");
		t->cause = g_strdup (t->result);
		rp_test_finish (rp);
	}
}

void
rp_note_inconsistency (Rp *rp, const char *text)
{
	RpQemu *q = &rp->q;
	const char *p;

	if ((p = strstr (text, "inconsistency at "))) {
		guint64 a = g_ascii_strtoull (p + strlen ("inconsistency at "), NULL, 16);

		if (!q->bad_listed || a < q->bad_lo)
			q->bad_lo = a;
		if (!q->bad_listed || a > q->bad_hi)
			q->bad_hi = a;
		q->bad_listed++;
	}
	if ((p = strstr (text, "and in another ")))
		q->bad_more += atoi (p + strlen ("and in another "));
}

void
rp_infer_qemu (Rp *rp)
{
	RpQemu *q = &rp->q;
	MwbReplayTest *t = rp->cur;

	if (!t)
		return;
	if (q->qtest_clock > 0 && t->duration_s < 0)
		t->duration_s = q->qtest_clock;
	if (q->bad_listed && !t->memory) {
		guint total = q->bad_listed + q->bad_more;

		if (q->bad_more)
			t->memory = g_strdup_printf ("%u pages differ after migration: 0x%" G_GINT64_MODIFIER "x to 0x%"
						     G_GINT64_MODIFIER "x among the %u listed, %u more not listed",
						     total, q->bad_lo, q->bad_hi, q->bad_listed, q->bad_more);
		else
			t->memory = g_strdup_printf ("%u page%s differ%s after migration: 0x%" G_GINT64_MODIFIER
						     "x to 0x%" G_GINT64_MODIFIER "x",
						     total, total == 1 ? "" : "s", total == 1 ? "s" : "",
						     q->bad_lo, q->bad_hi);
	}
	if (q->death_signal && !t->process) {
		const char *who = NULL, *because = NULL;

		/* kill_qemu() does not say which QEMU; the survivor is the one
		 * that complained about the migration breaking. */
		if (q->src_complained && !q->dst_complained) {
			who = "destination";
			because = "the source reported the broken migration";
		} else if (q->dst_complained && !q->src_complained) {
			who = "source";
			because = "the destination reported the broken stream";
		}
		if (who)
			t->process = g_strdup_printf ("%s QEMU died from signal %d (%s): kill_qemu() found it dead; %s",
						      who, q->death_signal, q->death_name ? q->death_name : "?",
						      because);
		else
			t->process = g_strdup_printf ("a QEMU died from signal %d (%s): kill_qemu() does not say which",
						      q->death_signal, q->death_name ? q->death_name : "?");
	}
	if (!t->cause && t->process)
		t->cause = g_strdup (t->process);
	if (!t->cause && t->memory)
		t->cause = g_strdup (t->memory);
}
