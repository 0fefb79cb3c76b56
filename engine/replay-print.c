/* `mwb replay FILE --summary` and `--json`: per test its verdict and, under
 * a failure, what the log says (or lets mwb work out) about it. */
#include "replay.h"

#include "journal.h"

static void
count (const MwbReplayLog *log, guint n[6])
{
	for (guint i = 0; i < 6; i++)
		n[i] = 0;
	for (guint i = 0; i < log->tests->len; i++)
		n[((MwbReplayTest *) log->tests->pdata[i])->verdict]++;
}

static void
print_detail (FILE *out, const char *label, const char *text)
{
	if (text)
		fprintf (out, "    %-9s %s\n", label, text);
}

static const MwbReplayStep *
failed_step (const MwbReplayTest *t)
{
	return t->failed_step >= 0 && (guint) t->failed_step < t->steps->len ? t->steps->pdata[t->failed_step] : NULL;
}

void
mwb_replay_print_summary (FILE *out, const MwbReplayLog *log)
{
	guint n[6];

	fprintf (out, "replay %s: %s", log->file, log->about ? log->about : mwb_replay_format_name (log->format));
	if (log->qemu_version)
		fprintf (out, ", QEMU %s", log->qemu_version);
	fprintf (out, ", %" G_GUINT64_FORMAT " lines%s\n", log->n_lines,
		 log->truncated ? " (the last one cut short)" : "");
	for (guint i = 0; i < log->tests->len; i++) {
		const MwbReplayTest *t = log->tests->pdata[i];
		const MwbReplayStep *st = failed_step (t);

		fprintf (out, "%-10s %s", mwb_replay_verdict_name (t->verdict), t->path);
		if (t->flavor)
			fprintf (out, " in %s", t->flavor);
		if (t->duration_s >= 0)
			fprintf (out, "  %.2fs", t->duration_s);
		if (t->verdict == MWB_RV_SKIP && t->reason)
			fprintf (out, "  (%s)", t->reason);
		fputc ('\n', out);
		if (!mwb_replay_verdict_is_bad (t->verdict))
			continue;
		if (t->verdict == MWB_RV_NOTRUN) {
			print_detail (out, "why:", t->result);
			continue;
		}
		print_detail (out, "named:", t->named_by);
		if (st) {
			g_autofree char *where = g_strdup_printf ("%s (step %d of %u, log line %" G_GUINT64_FORMAT ")",
								  st->name, t->failed_step + 1, t->steps->len, st->line);

			print_detail (out, "step:", where);
		}
		print_detail (out, "process:", t->process);
		print_detail (out, "cause:", t->cause);
		print_detail (out, "memory:", t->memory);
		print_detail (out, "result:", t->result);
	}
	if (log->unreached_skips)
		fprintf (out, "(%u more test%s, skipped by -s, not reached)\n", log->unreached_skips,
			 log->unreached_skips == 1 ? "" : "s");
	count (log, n);
	fprintf (out, "%u passed, %u failed, %u skipped", n[MWB_RV_PASS], n[MWB_RV_FAIL], n[MWB_RV_SKIP]);
	if (n[MWB_RV_TIMEOUT])
		fprintf (out, ", %u timed out", n[MWB_RV_TIMEOUT]);
	if (n[MWB_RV_UNFINISHED])
		fprintf (out, ", %u unfinished", n[MWB_RV_UNFINISHED]);
	if (n[MWB_RV_NOTRUN])
		fprintf (out, ", %u not run", n[MWB_RV_NOTRUN]);
	fputc ('\n', out);
	if (!log->tests->len)
		fprintf (out, "no test results in %s (read as %s)\n", log->file, mwb_replay_format_name (log->format));
}

static void
add_str (GString *s, const char *key, const char *val)
{
	g_string_append_printf (s, ",\"%s\":", key);
	if (val)
		mwb_json_escape (s, val);
	else
		g_string_append (s, "null");
}

void
mwb_replay_print_json (FILE *out, const MwbReplayLog *log)
{
	g_autoptr (GString) s = g_string_new ("{\"file\":");
	guint n[6];

	mwb_json_escape (s, log->file);
	add_str (s, "format", mwb_replay_format_name (log->format));
	add_str (s, "about", log->about);
	add_str (s, "qemu_version", log->qemu_version);
	g_string_append_printf (s, ",\"size\":%" G_GUINT64_FORMAT ",\"lines\":%" G_GUINT64_FORMAT
				",\"truncated\":%s,\"unreached_skips\":%u,\"tests\":[",
				log->size, log->n_lines, log->truncated ? "true" : "false", log->unreached_skips);
	for (guint i = 0; i < log->tests->len; i++) {
		const MwbReplayTest *t = log->tests->pdata[i];
		const MwbReplayStep *st = failed_step (t);

		g_string_append (s, i ? ",{\"path\":" : "{\"path\":");
		mwb_json_escape (s, t->path);
		add_str (s, "flavor", t->flavor);
		add_str (s, "verdict", mwb_replay_verdict_name (t->verdict));
		if (t->duration_s >= 0)
			g_string_append_printf (s, ",\"duration\":%.3f", t->duration_s);
		else
			g_string_append (s, ",\"duration\":null");
		g_string_append_printf (s, ",\"tap_number\":%d,\"line\":%" G_GUINT64_FORMAT, t->tap_number, t->line);
		add_str (s, "reason", t->reason);
		add_str (s, "named_by", t->named_by);
		add_str (s, "failed_step", st ? st->name : NULL);
		add_str (s, "process", t->process);
		add_str (s, "cause", t->cause);
		add_str (s, "memory", t->memory);
		add_str (s, "result", t->result);
		g_string_append (s, ",\"steps\":[");
		for (guint j = 0; j < t->steps->len; j++) {
			const MwbReplayStep *p = t->steps->pdata[j];

			g_string_append (s, j ? ",{\"name\":" : "{\"name\":");
			mwb_json_escape (s, p->name);
			add_str (s, "state", mwb_step_state_name (p->state));
			add_str (s, "reason", p->reason);
			g_string_append_printf (s, ",\"line\":%" G_GUINT64_FORMAT "}", p->line);
		}
		g_string_append (s, "]}");
	}
	count (log, n);
	g_string_append_printf (s, "],\"counts\":{\"passed\":%u,\"failed\":%u,\"skipped\":%u,\"timed_out\":%u,"
				"\"unfinished\":%u,\"not_run\":%u}}\n",
				n[MWB_RV_PASS], n[MWB_RV_FAIL], n[MWB_RV_SKIP], n[MWB_RV_TIMEOUT],
				n[MWB_RV_UNFINISHED], n[MWB_RV_NOTRUN]);
	fputs (s->str, out);
}
