/* meson's testlog.txt: per test program a header (result, duration, the
 * command line with its -p/-s arguments), its stdout (TAP for
 * migration-test) and then its stderr, which holds the assertion and the
 * QEMU death of whichever subtest failed. */
#include "replay-priv.h"

#include <stdlib.h>
#include <string.h>

static gboolean
is_rule (const RpLine *l, char c)
{
	gsize n = 0;

	for (gsize i = 0; i < l->len; i++)
		if (l->s[i] == c)
			n++;
	return n >= 20;
}

/* "----------- stdout -----------" */
static gboolean
is_part (const RpLine *l, const char *name)
{
	g_autofree char *want = g_strdup_printf (" %s ", name);

	return l->s[0] == '-' && strstr (l->s, want) && is_rule (l, '-');
}

static void
read_command (Rp *rp, const char *cmd)
{
	g_auto (GStrv) argv = NULL;

	g_ptr_array_set_size (rp->skip_args, 0);
	g_ptr_array_set_size (rp->only_args, 0);
	if (!g_shell_parse_argv (cmd, NULL, &argv, NULL))
		argv = g_strsplit (cmd, " ", -1);
	for (guint i = 0; argv[i]; i++) {
		if (!argv[i + 1])
			break;
		if (g_str_equal (argv[i], "-s"))
			g_ptr_array_add (rp->skip_args, g_strdup (argv[++i]));
		else if (g_str_equal (argv[i], "-p"))
			g_ptr_array_add (rp->only_args, g_strdup (argv[++i]));
	}
}

static gboolean
result_is_timeout (const char *r)
{
	return r && (strstr (r, "timeout") || strstr (r, "TIMEOUT") || strstr (r, "timed out"));
}

static gboolean
result_is_pass (const char *r)
{
	return r && (g_str_equal (r, "exit status 0") || g_str_equal (r, "OK"));
}

/* The program's own outcome, on the tests it ran. */
static void
end_program (Rp *rp)
{
	MwbReplayLog *log = rp->log;
	guint first = rp->meson_first_test;
	const char *r = rp->meson_result;
	int failed = -1;

	if (rp->cur && rp->cur_content && !rp->cur_bailed && result_is_timeout (r)) {
		rp->cur->verdict = MWB_RV_TIMEOUT;
		rp->cur_bailed = TRUE;
		rp->bailed = TRUE;
	}
	rp_tap_end (rp);
	for (guint i = first; i < log->tests->len; i++) {
		MwbReplayTest *t = log->tests->pdata[i];

		if ((t->verdict == MWB_RV_FAIL || t->verdict == MWB_RV_TIMEOUT || t->verdict == MWB_RV_UNFINISHED)
		    && failed < 0)
			failed = i;
	}
	if (log->tests->len == first) {
		/* No TAP: the program is the test. */
		MwbReplayTest *t = rp_test (rp, log->n_lines);

		t->path = g_strdup (rp->meson_name ? rp->meson_name : "(meson test)");
		t->verdict = result_is_pass (r) ? MWB_RV_PASS
			   : r && g_str_equal (r, "exit status 77") ? MWB_RV_SKIP
			   : result_is_timeout (r) ? MWB_RV_TIMEOUT : MWB_RV_FAIL;
		if (rp->meson_duration >= 0)
			t->duration_s = rp->meson_duration;
		t->result = r ? g_strdup (r) : g_strdup ("no result line");
		if (t->verdict != MWB_RV_PASS && !t->cause)
			t->cause = g_strdup_printf ("meson: %s", t->result);
		rp_test_finish (rp);
		return;
	}
	if (failed >= 0) {
		MwbReplayTest *t = log->tests->pdata[failed];

		g_free (t->result);
		t->result = g_strdup_printf ("%s: %s after %.2fs", rp->meson_name ? rp->meson_name : "the program",
					     r ? r : "no result", rp->meson_duration);
		if (result_is_timeout (r))
			t->verdict = MWB_RV_TIMEOUT;
	} else if (r && !result_is_pass (r) && !g_str_has_prefix (r, "exit status 77")) {
		/* Every subtest passed and the program still failed. */
		MwbReplayTest *t = rp_test (rp, log->n_lines);

		t->path = g_strdup (rp->meson_name ? rp->meson_name : "(meson test)");
		t->verdict = result_is_timeout (r) ? MWB_RV_TIMEOUT : MWB_RV_FAIL;
		t->result = g_strdup (r);
		t->cause = g_strdup_printf ("meson: %s, after every subtest passed", r);
		t->duration_s = rp->meson_duration;
		rp_test_finish (rp);
	}
	if (log->tests->len == first + 1 && rp->meson_duration >= 0) {
		MwbReplayTest *t = log->tests->pdata[first];

		t->duration_s = rp->meson_duration;
	}
}

static void
begin_program (Rp *rp)
{
	if (rp->n_meson++)
		end_program (rp);
	g_clear_pointer (&rp->meson_name, g_free);
	g_clear_pointer (&rp->meson_result, g_free);
	rp->meson_duration = -1;
	rp->meson_first_test = rp->log->tests->len;
	g_ptr_array_set_size (rp->skip_args, 0);
	g_ptr_array_set_size (rp->only_args, 0);
	rp->meson_part = 0;
}

/* stderr comes after stdout: it belongs to the test that failed, or else
 * to the last one. */
static void
stderr_line (Rp *rp, const RpLine *l)
{
	MwbReplayLog *log = rp->log;

	if (!rp->cur && log->tests->len > rp->meson_first_test) {
		/* Reopen the last test: its items are the last ones, so the
		 * stderr lines can join them. */
		MwbReplayTest *last = g_ptr_array_steal_index (log->tests, log->tests->len - 1);

		rp->cur = last;
		rp->cur_content = TRUE;
		rp->cur_bailed = TRUE;
		rp->cur_first_item = log->items->len;
		rp->step = last->steps->len ? last->steps->pdata[last->steps->len - 1] : NULL;
		if (!mwb_replay_verdict_is_bad (last->verdict))
			rp_step (rp, "stderr", l->lineno);
	}
	rp_tap_line (rp, l);
}

/* The comments after the last result belong to no test. */
static void
begin_stderr (Rp *rp)
{
	if (rp->cur && !rp->cur_content)
		rp_test_drop (rp);
	rp->meson_part = 2;
}

static void
set_stripped (char **field, const char *value)
{
	g_free (*field);
	*field = g_strstrip (g_strdup (value));
}

/* "Summary of Failures:" says TIMEOUT where the result line says SIGTERM. */
static void
summary_timeout (Rp *rp, const char *line)
{
	g_autofree char *name = rp->meson_name ? g_strdup_printf (" %s ", rp->meson_name) : NULL;

	/* The program this summary follows is not closed yet. */
	if (name && strstr (line, name) && rp->meson_result && !strstr (rp->meson_result, "timeout")) {
		char *r = g_strdup_printf ("%s (timeout, says meson's summary)", rp->meson_result);

		g_free (rp->meson_result);
		rp->meson_result = r;
	}
	for (guint i = 0; i < rp->log->tests->len; i++) {
		MwbReplayTest *t = rp->log->tests->pdata[i];
		g_autofree char *name = NULL;
		const char *colon;

		if (!t->result || !mwb_replay_verdict_is_bad (t->verdict) || !(colon = strstr (t->result, ": ")))
			continue;
		name = g_strdup_printf (" %.*s ", (int) (colon - t->result), t->result);
		if (strstr (line, name))
			t->verdict = MWB_RV_TIMEOUT;
	}
}

void
rp_meson_line (Rp *rp, const RpLine *l)
{
	const char *p;

	if (l->s[0] == '=' && is_rule (l, '=') && strchr (l->s, '/')) {
		begin_program (rp);
		return;
	}
	if (rp->meson_part == 0 || rp->meson_part == 3) {
		if ((p = rp_after (l, "test:")))
			set_stripped (&rp->meson_name, p);
		else if ((p = rp_after (l, "result:")))
			set_stripped (&rp->meson_result, p);
		else if (rp->meson_part == 3 && strstr (l->s, " TIMEOUT "))
			summary_timeout (rp, l->s);
		else if ((p = rp_after (l, "duration:")))
			rp->meson_duration = g_ascii_strtod (p, NULL);
		else if ((p = rp_after (l, "command:")))
			read_command (rp, p);
		else if (is_part (l, "stdout"))
			rp->meson_part = 1;
		else if (is_part (l, "stderr"))
			begin_stderr (rp);
		return;
	}
	if (is_part (l, "stderr")) {
		begin_stderr (rp);
		return;
	}
	if (is_part (l, "stdout")) {
		rp->meson_part = 1;
		return;
	}
	if (l->s[0] == '=' && is_rule (l, '=')) {
		rp->meson_part = 3;
		return;
	}
	if (rp->meson_part == 2)
		stderr_line (rp, l);
	else
		rp_tap_line (rp, l);
}

void
rp_meson_end (Rp *rp)
{
	if (rp->n_meson)
		end_program (rp);
	rp->log->about = g_strdup_printf ("meson testlog, %u test program%s", rp->n_meson,
					  rp->n_meson == 1 ? "" : "s");
}
