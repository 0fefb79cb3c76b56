#include "journal.h"

#include <stdio.h>

#include "runner.h"

struct _MwbJournal {
	FILE *fp;
	MwbRunner *runner;
};

MwbJournal *
mwb_journal_new (void)
{
	return g_new0 (MwbJournal, 1);
}

void
mwb_journal_free (MwbJournal *j)
{
	if (!j)
		return;
	if (j->fp)
		fclose (j->fp);
	g_free (j);
}

void
mwb_json_escape (GString *out, const char *s)
{
	g_string_append_c (out, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		switch (*p) {
		case '"': g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf (out, "\\u%04x", *p);
			else
				g_string_append_c (out, *p);
		}
	}
	g_string_append_c (out, '"');
}

static GString *
record_begin (MwbJournal *j, const char *ev)
{
	GString *s = g_string_new (NULL);
	gint64 now = g_get_monotonic_time () - mwb_runner_start_time (j->runner);

	g_string_append_printf (s, "{\"t\":%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT ",\"ev\":\"%s\"",
				now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, ev);
	return s;
}

static void
record_end (MwbJournal *j, GString *s)
{
	g_string_append (s, "}\n");
	if (j->fp)
		fwrite (s->str, 1, s->len, j->fp);
	g_string_free (s, TRUE);
}

static void
add_str (GString *s, const char *key, const char *val)
{
	g_string_append_printf (s, ",\"%s\":", key);
	mwb_json_escape (s, val ? val : "");
}

static void
j_run_started (gpointer ctx, MwbRunner *runner, const char *run_dir)
{
	MwbJournal *j = ctx;
	g_autofree char *file = g_build_filename (run_dir, "journal.jsonl", NULL);
	MwbScenario *scn = mwb_runner_scenario (runner);
	GString *s;

	j->runner = runner;
	j->fp = fopen (file, "we");
	if (!j->fp) {
		g_printerr ("mwb: cannot write %s: %s\n", file, g_strerror (errno));
		return;
	}
	/* A crash must not lose what was already seen. */
	setvbuf (j->fp, NULL, _IOLBF, 0);
	s = record_begin (j, "run");
	add_str (s, "path", scn->path);
	add_str (s, "file", scn->file);
	add_str (s, "backend", scn->backend);
	add_str (s, "run_dir", run_dir);
	g_string_append (s, ",\"steps\":[");
	for (guint i = 0; i < scn->steps->len; i++) {
		MwbStep *st = scn->steps->pdata[i];

		if (i)
			g_string_append_c (s, ',');
		mwb_json_escape (s, st->name);
	}
	g_string_append_c (s, ']');
	record_end (j, s);
}

static void
j_runner_state (gpointer ctx, MwbRunner *runner, MwbRunnerState state, const char *why)
{
	MwbJournal *j = ctx;
	GString *s = record_begin (j, "runner");

	(void) runner;
	add_str (s, "state", mwb_runner_state_name (state));
	if (why)
		add_str (s, "why", why);
	record_end (j, s);
}

static void
j_step_state (gpointer ctx, MwbRunner *runner, guint index, MwbStepState state,
	      double duration_s, const char *reason)
{
	MwbJournal *j = ctx;
	MwbStep *st = mwb_scenario_step (mwb_runner_scenario (runner), index);
	GString *s = record_begin (j, "step");

	g_string_append_printf (s, ",\"index\":%u", index + 1);
	add_str (s, "name", st->name);
	add_str (s, "state", mwb_step_state_name (state));
	if (state == MWB_STEP_RUNNING) {
		g_autofree char *about = mwb_runner_step_about (runner, index);

		add_str (s, "about", about);
	}
	else
		g_string_append_printf (s, ",\"duration\":%.6f", duration_s);
	if (reason)
		add_str (s, "reason", reason);
	record_end (j, s);
}

static void
j_log (gpointer ctx, MwbRunner *runner, const MwbLogRecord *rec)
{
	MwbJournal *j = ctx;
	GString *s = record_begin (j, "log");

	(void) runner;
	add_str (s, "src", rec->source);
	if (rec->dir != MWB_LOG_NONE)
		add_str (s, "dir", rec->dir == MWB_LOG_IN ? "in" : "out");
	if (rec->step >= 0)
		g_string_append_printf (s, ",\"step\":%d", rec->step + 1);
	/* JSON payloads are embedded as they are, so the journal stays one parse away. */
	if (rec->is_json)
		g_string_append_printf (s, ",\"json\":%s", rec->text);
	else
		add_str (s, "text", rec->text);
	record_end (j, s);
}

static void
j_file (gpointer ctx, MwbRunner *runner, const char *name, goffset size, gboolean gone)
{
	MwbJournal *j = ctx;
	GString *s = record_begin (j, "file");

	(void) runner;
	add_str (s, "name", name);
	if (gone)
		g_string_append (s, ",\"gone\":true");
	else
		g_string_append_printf (s, ",\"size\":%" G_GINT64_FORMAT, (gint64) size);
	record_end (j, s);
}

static void
j_verdict (gpointer ctx, MwbRunner *runner, MwbVerdict verdict, int failed_step,
	   const char *reason, double duration_s)
{
	MwbJournal *j = ctx;
	GString *s = record_begin (j, "verdict");

	(void) runner;
	add_str (s, "verdict", mwb_verdict_name (verdict));
	if (failed_step >= 0)
		g_string_append_printf (s, ",\"step\":%d", failed_step + 1);
	if (reason)
		add_str (s, "reason", reason);
	g_string_append_printf (s, ",\"duration\":%.6f", duration_s);
	record_end (j, s);
}

const MwbSinkOps mwb_journal_sink = {
	.run_started = j_run_started,
	.runner_state = j_runner_state,
	.step_state = j_step_state,
	.log = j_log,
	.file = j_file,
	.verdict = j_verdict,
};
