/* The replay backend: a recorded log's test as a scenario whose steps hand
 * the runner what was logged then, so stepping, breakpoints, search and
 * the panes work on a CI log as on a live run. Nothing is started. */
#include "replay-backend.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* A step shows at most this many plain lines of a run; the rest stays in
 * the file (a hung test's 300 MB of polls). */
#define MAX_LINES 400

typedef struct {
	MwbBackend parent;
	MwbReplayLog *log;
} ReplayBackend;

static const char *const step_args[] = { "test", "step", NULL };

static void
emit_journal (MwbRunner *runner, const char *line)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonObject *o;
	JsonNode *json;
	const char *src, *dir, *text;

	if (!json_parser_load_from_data (parser, line, -1, NULL)
	    || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
		mwb_runner_log (runner, "journal", MWB_LOG_NONE, FALSE, line);
		return;
	}
	o = json_node_get_object (json_parser_get_root (parser));
	src = json_object_has_member (o, "src") ? json_object_get_string_member (o, "src") : "journal";
	dir = json_object_has_member (o, "dir") ? json_object_get_string_member (o, "dir") : NULL;
	json = json_object_get_member (o, "json");
	text = json_object_has_member (o, "text") ? json_object_get_string_member (o, "text") : NULL;
	if (json) {
		g_autofree char *s = json_to_string (json, FALSE);

		mwb_runner_log (runner, src ? src : "journal",
				!dir ? MWB_LOG_NONE : g_str_equal (dir, "out") ? MWB_LOG_OUT : MWB_LOG_IN, TRUE, s);
	} else if (text)
		mwb_runner_log (runner, src ? src : "journal", MWB_LOG_NONE, FALSE, text);
}

static gboolean
is_json (const char *line)
{
	g_autoptr (JsonParser) parser = json_parser_new ();

	return line[0] == '{' && json_parser_load_from_data (parser, line, -1, NULL);
}

static void
emit_item (ReplayBackend *be, const MwbReplayItem *it)
{
	MwbRunner *runner = be->parent.runner;
	const char *source = be->log->sources->pdata[it->source];
	g_autoptr (GPtrArray) lines = mwb_replay_item_lines (be->log, it, MAX_LINES);

	for (guint i = 0; i < lines->len; i++) {
		const char *line = lines->pdata[i];

		if (it->kind == MWB_RI_JOURNAL)
			emit_journal (runner, line);
		else if (it->kind == MWB_RI_QMP && is_json (line))
			mwb_runner_log (runner, source,
					g_str_has_prefix (line, "{\"execute\"") || g_str_has_prefix (line, "{\"exec-oob\"")
						? MWB_LOG_OUT : MWB_LOG_IN,
					TRUE, line);
		else
			mwb_runner_log (runner, source, MWB_LOG_NONE, FALSE, line);
	}
}

/* What the log says of the test and what mwb worked out. */
static void
tell_summary (MwbRunner *runner, MwbReplayLog *log, const MwbReplayTest *t)
{
	const char *const labels[] = { "named", "process", "cause", "memory", "result" };
	const char *const values[] = { t->named_by, t->process, t->cause, t->memory, t->result };

	mwb_runner_logf (runner, "engine", "replay of %s, line %" G_GUINT64_FORMAT ": %s %s%s%s", log->file,
			 t->line, mwb_replay_verdict_name (t->verdict), t->path, t->flavor ? " in " : "",
			 t->flavor ? t->flavor : "");
	if (t->failed_step >= 0)
		mwb_runner_logf (runner, "engine", "  step: %s (step %d)",
				 ((MwbReplayStep *) t->steps->pdata[t->failed_step])->name, t->failed_step + 1);
	for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
		if (values[i])
			mwb_runner_logf (runner, "engine", "  %s: %s", labels[i], values[i]);
}

static void
replay_step (MwbBackend *base, MwbStepRun *sr)
{
	ReplayBackend *be = (ReplayBackend *) base;
	guint ti = atoi (mwb_step_run_arg_or (sr, "test", "0"));
	guint si = atoi (mwb_step_run_arg_or (sr, "step", "0"));
	const MwbReplayTest *t;
	const MwbReplayStep *st;

	if (ti >= be->log->tests->len || si >= ((MwbReplayTest *) be->log->tests->pdata[ti])->steps->len) {
		mwb_step_run_error (sr, "the replayed log has no test %u step %u", ti, si);
		return;
	}
	t = be->log->tests->pdata[ti];
	st = t->steps->pdata[si];
	/* Where the log failed, first what mwb makes of it. */
	if (st->state == MWB_STEP_FAILED)
		tell_summary (be->parent.runner, be->log, t);
	for (guint i = 0; i < st->n_items; i++)
		emit_item (be, &g_array_index (be->log->items, MwbReplayItem, st->first_item + i));
	switch (st->state) {
	case MWB_STEP_FAILED:
		mwb_step_run_fail (sr, "%s", st->reason ? st->reason : "failed in the log");
		break;
	case MWB_STEP_SKIPPED:
		mwb_step_run_skip (sr, "%s", st->reason ? st->reason : "skipped in the log");
		break;
	default:
		mwb_step_run_ok (sr, "as logged from line %" G_GUINT64_FORMAT, st->line);
	}
}

static const MwbActionDef replay_actions[] = {
	{ "replay.step", "hand the runner what the log recorded for one step", step_args, NULL, 10, replay_step },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static int
test_index (MwbReplayLog *log, const MwbScenario *scn)
{
	const MwbStep *first = scn->steps->len ? scn->steps->pdata[0] : NULL;
	const char *arg = first ? mwb_step_arg (first, "test") : NULL;
	int i = arg ? atoi (arg) : -1;

	return i >= 0 && (guint) i < log->tests->len ? i : -1;
}

static MwbBackend *
replay_create (MwbRunner *runner, GError **error)
{
	const MwbRunConfig *cfg = mwb_runner_config (runner);
	ReplayBackend *be;
	int ti;

	if (!cfg->replay) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "a replay scenario needs its log (mwb replay FILE)");
		return NULL;
	}
	be = g_new0 (ReplayBackend, 1);
	be->parent.klass = &mwb_replay_backend;
	be->parent.runner = runner;
	be->log = cfg->replay;
	ti = test_index (be->log, mwb_runner_scenario (runner));
	if (ti >= 0)
		mwb_runner_logf (runner, "engine", "replay of %s: test %d of %u, from line %" G_GUINT64_FORMAT,
				 be->log->file, ti + 1, be->log->tests->len,
				 ((MwbReplayTest *) be->log->tests->pdata[ti])->line);
	return &be->parent;
}

static void
replay_cancel_step (MwbBackend *be, MwbStepRun *sr)
{
	(void) be;
	(void) sr;
}

static void
replay_teardown (MwbBackend *be, GCallback done, gpointer data)
{
	(void) be;
	if (done)
		((void (*) (gpointer)) done) (data);
}

static void
replay_destroy (MwbBackend *be)
{
	g_free (be);
}

const MwbBackendClass mwb_replay_backend = {
	.name = "replay",
	.actions = replay_actions,
	.create = replay_create,
	.cancel_step = replay_cancel_step,
	.teardown = replay_teardown,
	.destroy = replay_destroy,
	.runs_on_open = TRUE,
};

GPtrArray *
mwb_replay_scenarios (MwbReplayLog *log)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_scenario_unref);

	for (guint i = 0; i < log->tests->len; i++) {
		const MwbReplayTest *t = log->tests->pdata[i];
		g_autoptr (GArray) params = g_array_new (FALSE, TRUE, sizeof (MwbArg));
		g_autofree char *path = t->flavor ? g_strdup_printf ("%s in %s", t->path, t->flavor) : g_strdup (t->path);
		g_autofree char *about = g_strdup_printf ("%s in the log (line %" G_GUINT64_FORMAT ")%s%s",
							  mwb_replay_verdict_name (t->verdict), t->line,
							  t->cause ? ": " : "", t->cause ? t->cause : "");
		MwbScenario tmpl = { .file = log->file, .path = path, .description = about,
				     .backend = (char *) "replay", .params = params };
		MwbScenario *scn = mwb_scenario_copy_without_steps (&tmpl);

		for (guint j = 0; j < t->steps->len; j++) {
			const MwbReplayStep *st = t->steps->pdata[j];
			MwbStep *step = mwb_step_new (st->name, "replay.step");
			char num[16];

			g_snprintf (num, sizeof num, "%u", i);
			mwb_step_set_arg (step, "test", num);
			g_snprintf (num, sizeof num, "%u", j);
			mwb_step_set_arg (step, "step", num);
			step->about = g_strdup_printf ("%s (log line %" G_GUINT64_FORMAT ")",
						       st->about ? st->about : "what the log recorded", st->line);
			step->line = st->line > G_MAXUINT ? G_MAXUINT : st->line;
			g_ptr_array_add (scn->steps, step);
		}
		g_ptr_array_add (out, scn);
	}
	return out;
}
