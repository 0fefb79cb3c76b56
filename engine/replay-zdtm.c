/* zdtm.py's output and CRIU's own logs. zdtm.py names each phase ("Run
 * criu dump"), quotes each log's Error lines as Python bytes (b'...'), and
 * ends a test with "Test zdtm/static/env00 FAIL at CRIU dump"; the cause is
 * the first Error that is not the RLIMIT_NOFILE noise every log here has. */
#include "replay-priv.h"

#include <stdlib.h>
#include <string.h>

#include "criu-log.h"

/* zdtm.py prints log lines as repr(bytes): b'...' or b"...". */
static char *
unquote_bytes (const char *s)
{
	GString *out;
	char q;

	if (s[0] != 'b' || (s[1] != '\'' && s[1] != '"'))
		return g_strdup (s);
	q = s[1];
	out = g_string_new (NULL);
	for (s += 2; *s && !(*s == q && !s[1]); s++) {
		if (*s != '\\' || !s[1]) {
			g_string_append_c (out, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 't': g_string_append_c (out, '\t'); break;
		case 'n': g_string_append (out, " "); break;
		case 'r': break;
		case 'x':
			if (g_ascii_isxdigit (s[1]) && g_ascii_isxdigit (s[2])) {
				g_string_append_c (out, '?');
				s += 2;
			}
			break;
		default: g_string_append_c (out, *s);
		}
	}
	return g_string_free (out, FALSE);
}

/* The banner's text without its padding: "Test x PASS" from "=== Test x PASS ===". */
static char *
unpad (const char *s)
{
	g_autofree char *copy = g_strdup (s);

	g_strdelimit (copy, "=#", ' ');
	return g_strdup (g_strstrip (copy));
}

static void
zdtm_close (Rp *rp)
{
	MwbReplayTest *t = rp->cur;

	if (!t)
		return;
	if (!rp->cur_content) {
		rp_test_drop (rp);
		return;
	}
	if (!t->result) {
		t->verdict = MWB_RV_UNFINISHED;
		rp_set (&t->result, "the log ends before zdtm.py gave a verdict");
		if (!t->cause)
			t->cause = g_strdup (t->result);
	}
	rp_test_finish (rp);
	rp->in_grep = FALSE;
	rp->in_test_output = FALSE;
}

static MwbReplayStep *
last_step_named (MwbReplayTest *t, const char *prefix)
{
	for (guint i = t->steps->len; i-- > 0;) {
		MwbReplayStep *st = t->steps->pdata[i];

		if (g_str_has_prefix (st->name, prefix))
			return st;
	}
	return NULL;
}

/* "Test zdtm/static/env00 FAIL at CRIU dump" */
static void
verdict_line (Rp *rp, const RpLine *l, const char *text)
{
	MwbReplayTest *t = rp_test (rp, l->lineno);
	const char *at = strstr (text, " FAIL at ");

	rp->cur_content = TRUE;
	rp_text (rp, l, "zdtm");
	if (!at) {
		t->verdict = strstr (text, " PASS") ? MWB_RV_PASS : strstr (text, " SKIP") ? MWB_RV_SKIP : MWB_RV_FAIL;
		rp_set (&t->result, text + 5);
		return;
	}
	t->verdict = MWB_RV_FAIL;
	rp_set (&t->result, at + 1);
	{
		const char *where = at + strlen (" FAIL at ");
		MwbReplayStep *st = NULL;

		if (g_str_has_prefix (where, "CRIU "))
			st = last_step_named (t, where + 5);
		if (!st)
			st = rp_step (rp, g_str_has_prefix (where, "result") ? "check" : "fail", l->lineno);
		t->failed_step = -1;
		for (guint i = 0; i < t->steps->len; i++)
			if (t->steps->pdata[i] == st)
				t->failed_step = i;
		if (st->reason && !t->cause)
			t->cause = g_strdup (st->reason);
	}
	if (!t->cause)
		t->cause = g_strdup (text);
}

static void
grep_line (Rp *rp, const RpLine *l)
{
	g_autofree char *line = unquote_bytes (l->s);

	rp_text (rp, l, rp->grep_source ? rp->grep_source : "criu.log");
	/* The first Error of the phase that is not noise explains its failure. */
	if (rp->step && !rp->step->reason && criu_log_line_is_error (line) && !criu_log_line_is_noise (line)) {
		const char *p = line;

		if (p[0] == '(' && strchr (p, ')'))
			p = strchr (p, ')') + 1;
		rp->step->reason = g_strdup (p);
		g_strstrip (rp->step->reason);
	}
}

static void
duration_line (Rp *rp, const char *wall)
{
	MwbReplayLog *log = rp->log;
	MwbReplayTest *t = rp->cur ? rp->cur : log->tests->len ? log->tests->pdata[log->tests->len - 1] : NULL;

	if (t)
		t->duration_s = g_ascii_strtod (wall, NULL);
}

void
rp_zdtm_line (Rp *rp, const RpLine *l)
{
	const char *p;

	if (rp->in_grep) {
		if (strstr (l->s, " ERROR OVER ")) {
			rp->in_grep = FALSE;
			rp_text (rp, l, "zdtm");
		} else
			grep_line (rp, l);
		return;
	}
	if (rp->in_test_output) {
		if (g_str_has_prefix (l->s, " <<< ") || g_str_has_prefix (l->s, "<<< "))
			rp->in_test_output = FALSE;
		else if (rp->cur && !rp->cur->cause && strstr (l->s, "FAIL"))
			rp->cur->cause = g_strdup (l->s);
		rp_text (rp, l, "test output");
		return;
	}
	if ((p = rp_after (l, "=== Run ")) && strstr (p, "zdtm/")) {
		zdtm_close (rp);
		rp_test (rp, l->lineno)->path = g_strdup (strrchr (l->s, ' ') + 1);
		rp_text (rp, l, "zdtm");
		return;
	}
	if (l->s[0] == '=' && (p = strstr (l->s, " Run ")) && strstr (p, " in ")) {
		g_autofree char *text = unpad (l->s);
		g_auto (GStrv) w = g_strsplit (text, " ", -1);

		if (g_strv_length (w) >= 4) {
			if (rp->cur && rp->cur->path && !g_str_equal (rp->cur->path, w[1]))
				zdtm_close (rp);
			if (!rp_test (rp, l->lineno)->path)
				rp->cur->path = g_strdup (w[1]);
			rp_set (&rp->cur->flavor, w[3]);
		}
		rp_text (rp, l, "zdtm");
		return;
	}
	if ((l->s[0] == '#' || l->s[0] == '=') && strstr (l->s, " Test ")) {
		g_autofree char *text = unpad (l->s);

		if (g_str_has_prefix (text, "Test ")) {
			verdict_line (rp, l, text);
			return;
		}
	}
	if (g_str_equal (l->s, "Start test")) {
		rp->cur_content = TRUE;
		rp_step_about (rp, "start", l->lineno, "zdtm.py starts the test");
	} else if ((p = rp_after (l, "Run criu "))) {
		g_autofree char *name = g_strdup (p);
		g_autofree char *about = g_strdup_printf ("criu %s", p);

		rp->cur_content = TRUE;
		g_strstrip (name);
		g_strdelimit (name, " ", '-');
		rp_step_about (rp, name, l->lineno, about);
	} else if ((p = rp_after (l, "=[log]=> "))) {
		g_free (rp->grep_source);
		rp->grep_source = g_path_get_basename (p);
	} else if (strstr (l->s, " grep Error ") && l->s[0] == '-') {
		rp->in_grep = TRUE;
	} else if (g_str_has_prefix (l->s, "Test output: ")) {
		rp->in_test_output = TRUE;
	} else if ((p = rp_after (l, "Send the ")) && atoi (p) == 15 && rp->cur && !rp->cur->result) {
		rp_step (rp, "sigterm", l->lineno);
	} else if ((p = strstr (l->s, "wall=")) || (p = strstr (l->s, ", wall "))) {
		duration_line (rp, p + (p[0] == 'w' ? 5 : 7));
	}
	if (!rp->cur && !rp->log->tests->len)
		rp_test (rp, l->lineno);
	if (rp->cur)
		rp_text (rp, l, "zdtm");
}

void
rp_zdtm_end (Rp *rp)
{
	zdtm_close (rp);
	rp->log->about = g_strdup ("zdtm.py output");
}

/* A CRIU log on its own: "(00.065992) ..." lines, sections between rules. */
void
rp_criu_line (Rp *rp, const RpLine *l)
{
	MwbReplayTest *t = rp_test (rp, 1);
	const char *text = l->s;
	gboolean rule;

	if (!t->path) {
		t->path = g_path_get_basename (rp->log->file);
		rp->cur_content = TRUE;
	}
	if (text[0] == '(' && strchr (text, ')')) {
		t->duration_s = g_ascii_strtod (text + 1, NULL);
		text = strchr (text, ')') + 1;
		while (*text == ' ')
			text++;
	}
	rule = g_str_has_prefix (text, "=====");
	/* "=====" / "Dumping processes (pid: 62 comm: env00)" / "=====": a section. */
	if (rule && rp->criu_section == 2 && rp->criu_title) {
		g_autofree char *slug = g_ascii_strdown (rp->criu_title, -1);
		char *paren = strchr (slug, '(');

		if (paren)
			*paren = 0;
		g_strstrip (slug);
		g_strdelimit (slug, " :", '-');
		rp_step (rp, *slug ? slug : "section", l->lineno);
		rp->criu_section = 0;
	} else if (rule)
		rp->criu_section = 1;
	else if (rp->criu_section == 1) {
		rp_set (&rp->criu_title, text);
		rp->criu_section = 2;
	} else
		rp->criu_section = 0;
	rp_text (rp, l, "criu");
	if (criu_log_line_is_error (text) && !criu_log_line_is_noise (text) && !t->cause)
		t->cause = g_strstrip (g_strdup (text));
	if (strstr (text, "finished successfully") && t->verdict != MWB_RV_FAIL) {
		rp_set (&t->result, text);
		t->verdict = MWB_RV_PASS;
	}
	if ((strstr (text, "Dumping FAILED") || strstr (text, "Restoring FAILED") || strstr (text, "FAILED."))
	    && !t->result) {
		rp_set (&t->result, text);
		t->verdict = MWB_RV_FAIL;
	}
}

void
rp_criu_end (Rp *rp)
{
	MwbReplayTest *t = rp->cur;

	rp->log->about = g_strdup ("a CRIU log");
	if (!t)
		return;
	if (!t->result) {
		t->verdict = MWB_RV_UNFINISHED;
		rp_set (&t->result, "the log ends before CRIU said it finished");
	}
	if (t->verdict != MWB_RV_PASS && !t->cause)
		t->cause = g_strdup (t->result);
	rp_test_finish (rp);
}
