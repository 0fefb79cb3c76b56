/* mwb's own journal.jsonl: the run as the engine saw it, so nothing needs
 * guessing: the steps, their states and reasons, every log record and the
 * verdict. Several journals concatenated are several tests. */
#include "replay-priv.h"

#include <json-glib/json-glib.h>
#include <string.h>

static const char *
member_str (JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member (o, name);

	return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
		       ? json_node_get_string (n)
		       : NULL;
}

static double
member_num (JsonObject *o, const char *name, double fallback)
{
	JsonNode *n = json_object_get_member (o, name);

	if (!n || !JSON_NODE_HOLDS_VALUE (n))
		return fallback;
	if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
		return json_node_get_double (n);
	if (json_node_get_value_type (n) == G_TYPE_INT64)
		return json_node_get_int (n);
	return fallback;
}

static void
journal_close (Rp *rp)
{
	MwbReplayTest *t = rp->cur;

	if (!t)
		return;
	if (!t->result) {
		t->verdict = MWB_RV_UNFINISHED;
		rp_set (&t->result, "the journal ends before the verdict");
		if (!t->cause)
			t->cause = g_strdup (t->result);
	}
	rp_test_finish (rp);
}

static MwbStepState
state_from_name (const char *s)
{
	if (!s)
		return MWB_STEP_PENDING;
	if (g_str_equal (s, "ok"))
		return MWB_STEP_OK;
	if (g_str_equal (s, "failed"))
		return MWB_STEP_FAILED;
	if (g_str_equal (s, "skipped"))
		return MWB_STEP_SKIPPED;
	if (g_str_equal (s, "running"))
		return MWB_STEP_RUNNING;
	return MWB_STEP_PENDING;
}

static void
on_step (Rp *rp, const RpLine *l, JsonObject *o)
{
	const char *name = member_str (o, "name");
	MwbStepState state = state_from_name (member_str (o, "state"));
	MwbReplayStep *st;

	if (!name)
		return;
	if (state == MWB_STEP_RUNNING) {
		st = rp_step (rp, name, l->lineno);
		st->state = MWB_STEP_OK;
		if (member_str (o, "about") && !st->about)
			st->about = g_strdup (member_str (o, "about"));
		return;
	}
	/* A step may end without having run (skipped after a failure). */
	st = rp->step && g_str_equal (rp->step->name, name) ? rp->step : rp_step (rp, name, l->lineno);
	st->state = state == MWB_STEP_PENDING ? MWB_STEP_OK : state;
	if (member_str (o, "reason"))
		rp_set (&st->reason, member_str (o, "reason"));
}

static void
on_verdict (Rp *rp, JsonObject *o)
{
	MwbReplayTest *t = rp->cur;
	const char *v = member_str (o, "verdict");
	double step = member_num (o, "step", 0);

	if (!t)
		return;
	t->verdict = !v ? MWB_RV_UNFINISHED
		   : g_str_equal (v, "PASS") ? MWB_RV_PASS
		   : g_str_equal (v, "SKIP") ? MWB_RV_SKIP : MWB_RV_FAIL;
	rp_set (&t->result, v ? v : "?");
	t->duration_s = member_num (o, "duration", -1);
	if (member_str (o, "reason") && t->verdict != MWB_RV_PASS) {
		rp_set (t->verdict == MWB_RV_SKIP ? &t->reason : &t->cause, member_str (o, "reason"));
	}
	if (step >= 1) {
		const char *want = NULL;

		/* The journal numbers steps of the scenario; ours are the steps that ran. */
		if (rp->journal_steps && step <= rp->journal_steps->len)
			want = rp->journal_steps->pdata[(guint) step - 1];
		for (guint i = 0; want && i < t->steps->len; i++)
			if (g_str_equal (((MwbReplayStep *) t->steps->pdata[i])->name, want))
				t->failed_step = i;
	}
}

void
rp_journal_line (Rp *rp, const RpLine *l)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonNode *root;
	JsonObject *o;
	const char *ev;

	if (!json_parser_load_from_data (parser, l->s, l->len, NULL)
	    || !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root)) {
		if (rp->cur)
			rp_text (rp, l, "journal");
		return;
	}
	o = json_node_get_object (root);
	ev = member_str (o, "ev");
	if (!ev)
		return;
	if (g_str_equal (ev, "run")) {
		JsonNode *steps = json_object_get_member (o, "steps");

		journal_close (rp);
		rp_test (rp, l->lineno)->path = g_strdup (member_str (o, "path") ? member_str (o, "path") : "?");
		rp->cur_content = TRUE;
		if (rp->journal_steps)
			g_ptr_array_unref (rp->journal_steps);
		rp->journal_steps = g_ptr_array_new_with_free_func (g_free);
		if (steps && JSON_NODE_HOLDS_ARRAY (steps)) {
			JsonArray *a = json_node_get_array (steps);

			for (guint i = 0; i < json_array_get_length (a); i++) {
				const char *s = json_array_get_string_element (a, i);

				g_ptr_array_add (rp->journal_steps, g_strdup (s ? s : "?"));
			}
		}
		rp_step_about (rp, "setup", l->lineno, "what mwb said before the first step");
		return;
	}
	if (!rp->cur)
		return;
	if (g_str_equal (ev, "step"))
		on_step (rp, l, o);
	else if (g_str_equal (ev, "log"))
		rp_journal_record (rp, l);
	else if (g_str_equal (ev, "verdict"))
		on_verdict (rp, o);
}

void
rp_journal_end (Rp *rp)
{
	journal_close (rp);
	rp->log->about = g_strdup ("mwb journal");
}
