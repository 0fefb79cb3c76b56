/* TAP, and GLib's flavour of it as migration-test prints it: "# Start of"
 * nesting, "# starting QEMU: exec ...", results that name the test only
 * when it ends, "Bail out!" that names nothing, and with QTEST_LOG the QMP
 * traffic of both QEMUs without a word on which one spoke. */
#include "replay-priv.h"

#include <stdlib.h>
#include <string.h>

static gboolean
is_space_or_end (char c)
{
	return !c || c == ' ' || c == '\t';
}

/* "# Start of migration tests" -> "migration" */
static char *
group_name (const char *rest)
{
	const char *sp = strrchr (rest, ' ');

	if (!sp || !g_str_equal (sp, " tests"))
		return NULL;
	return g_strndup (rest, sp - rest);
}

/* "qmp-src", "stderr-dst": constants, since this runs for every line. */
static const char *
side_source (const char *prefix, const char *side)
{
	static const char *const names[][2] = {
		{ "qmp-src", "qmp-dst" }, { "qtest-src", "qtest-dst" }, { "stderr-src", "stderr-dst" },
	};
	int i = prefix[0] == 'q' ? (prefix[1] == 'm' ? 0 : 1) : 2;

	return names[i][side && side[0] == 'd'];
}

static void reset_qemu (Rp *rp);

/* A test that failed without a result line naming it. */
static void
finish_unnamed (Rp *rp)
{
	if (!rp->cur->path)
		rp_infer_name (rp);
	rp_infer_qemu (rp);
	rp_test_finish (rp);
	reset_qemu (rp);
}

/* Ends the test in flight when a new one shows up after a bail-out. */
static void
finish_bailed (Rp *rp)
{
	if (rp->cur && rp->cur_bailed)
		finish_unnamed (rp);
}

/* After a bail-out only the failed test's stderr follows (meson prints
 * it after stdout), so content joins the test in flight. */
static void
content (Rp *rp, guint64 line)
{
	rp_test (rp, line);
	rp->cur_content = TRUE;
}

static void
reset_qemu (Rp *rp)
{
	RpQemu *q = &rp->q;

	g_free (q->greet_side);
	g_free (q->last_cmd);
	g_free (q->last_cmd_side);
	g_free (q->qtest_side);
	g_free (q->death_name);
	g_free (q->assert_func);
	memset (q, 0, sizeof *q);
}

static void
starting_qemu (Rp *rp, const RpLine *l)
{
	RpQemu *q = &rp->q;
	const char *side;
	g_autofree char *step = NULL;

	finish_bailed (rp);
	content (rp, l->lineno);
	q->n_started++;
	if (strstr (l->s, " -name source"))
		side = "src";
	else if (strstr (l->s, " -name target"))
		side = "dst";
	else
		side = q->n_started == 1 ? "src" : "dst";
	rp_set (&q->greet_side, side);
	step = g_strdup_printf ("start-%s", side);
	rp_step_about (rp, step, l->lineno,
		       g_str_equal (side, "src") ? "migration-test starts the source QEMU"
						 : "migration-test starts the destination QEMU");
	rp_text (rp, l, "stdout");
}

/* The value of "key": "value" near the start of a JSON line, without a
 * JSON parser: a QTEST_LOG line is one object on one line, and the names
 * that matter ("execute", "event") come first. Only the head is searched:
 * a 300 MB log is mostly long replies. */
static const char *
head_find (const char *s, gsize len, const char *needle)
{
	gsize n = strlen (needle);
	const char *p = s, *end = s + len;

	while ((gsize) (end - p) >= n && (p = memchr (p, needle[0], end - p - n + 1))) {
		if (memcmp (p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* pat is "\"key\": \"". */
static char *
json_str (const char *s, gsize len, const char *pat)
{
	const char *p = head_find (s, MIN (len, 96), pat), *e;

	if (!p)
		return NULL;
	p += strlen (pat);
	e = memchr (p, '"', s + len - p);
	return e ? g_strndup (p, e - p) : NULL;
}

/* The step a command belongs to. */
static const char *
command_phase (Rp *rp, const char *cmd, const char *side)
{
	static char buf[64];

	if (g_str_equal (cmd, "qmp_capabilities"))
		return NULL;
	if (g_str_has_prefix (cmd, "migrate-set-") || g_str_equal (cmd, "query-migrate-parameters")
	    || g_str_equal (cmd, "query-migrate-capabilities"))
		/* Once migrating, a parameter change is the test pushing the
		 * migration to converge: part of waiting for it. */
		return rp->q.migrated ? NULL : "set-parameters";
	if (g_str_equal (cmd, "migrate"))
		return "migrate";
	if (g_str_equal (cmd, "query-migrate")) {
		if (rp->step && g_str_has_prefix (rp->step->name, "postcopy"))
			return NULL;
		return rp->q.migrated ? "wait-done" : "query-migrate";
	}
	if (g_str_equal (cmd, "migrate-start-postcopy"))
		return "postcopy";
	if (g_str_equal (cmd, "migrate-incoming"))
		return "listen";
	if (g_str_equal (cmd, "migrate_cancel"))
		return "cancel";
	if (g_str_equal (cmd, "stop") || g_str_equal (cmd, "cont")) {
		g_snprintf (buf, sizeof buf, "%s-%s", cmd, side);
		return buf;
	}
	g_snprintf (buf, sizeof buf, "%s", cmd);
	return buf;
}

/* Which QEMU a command went to. The log does not say; migration-test's
 * habits do: the source is driven until it quits, the destination is the
 * one told to listen or recover, and a command sent twice in a row went to
 * both (capabilities are set on each side). */
static const char *
command_side (Rp *rp, const char *cmd, const char *text)
{
	RpQemu *q = &rp->q;

	if (g_str_equal (cmd, "qmp_capabilities") && q->greet_side)
		return q->greet_side;
	if (q->src_quit)
		return "dst";
	if (g_str_equal (cmd, "migrate-incoming") || g_str_equal (cmd, "migrate-recover"))
		return "dst";
	if (q->last_cmd && g_str_equal (q->last_cmd, text) && q->last_cmd_side
	    && g_str_equal (q->last_cmd_side, "src") && !g_str_has_prefix (cmd, "query-"))
		return "dst";
	return "src";
}

static void
qmp_line (Rp *rp, const RpLine *l)
{
	RpQemu *q = &rp->q;
	g_autofree char *cmd = l->s[2] != 'e' ? NULL
			       : g_str_has_prefix (l->s, "{\"execute\": \"") ? json_str (l->s + 1, l->len - 1, "\"execute\": \"")
			       : g_str_has_prefix (l->s, "{\"exec-oob\": \"") ? json_str (l->s + 1, l->len - 1, "\"exec-oob\": \"")
			       : NULL;
	g_autofree char *event = NULL;
	const char *side;

	content (rp, l->lineno);
	if (g_str_has_prefix (l->s, "{\"QMP\"")) {
		g_autofree char *ver = NULL;
		const char *maj = strstr (l->s, "\"major\": "), *min = strstr (l->s, "\"minor\": ");

		side = q->greet_side ? q->greet_side : "src";
		if (maj && min && !rp->log->qemu_version) {
			ver = g_strdup_printf ("%d.%d", atoi (maj + 9), atoi (min + 9));
			rp->log->qemu_version = g_steal_pointer (&ver);
		}
		rp_qmp (rp, l, side_source ("qmp", side), FALSE, NULL);
		return;
	}
	if (cmd) {
		const char *phase;

		side = command_side (rp, cmd, l->s);
		phase = command_phase (rp, cmd, side);
		if (g_str_equal (cmd, "migrate"))
			q->migrated = TRUE;
		if (phase)
			rp_step (rp, phase, l->lineno);
		rp_set (&q->last_cmd, l->s);
		rp_set (&q->last_cmd_side, side);
		rp_qmp (rp, l, side_source ("qmp", side), TRUE,
			g_str_has_prefix (cmd, "query-") ? cmd : NULL);
		return;
	}
	event = l->s[2] == 'r' ? NULL : json_str (l->s, l->len, "\"event\": \"");
	side = q->last_cmd_side ? q->last_cmd_side : "src";
	if (event) {
		/* The source stops to complete; the destination resumes. */
		if (g_str_equal (event, "RESUME") && q->migrated) {
			side = "dst";
			if (rp->step && g_str_equal (rp->step->name, "wait-done"))
				rp_step (rp, "wait-resume", l->lineno);
		} else if (g_str_equal (event, "STOP") && !q->src_quit)
			side = "src";
		rp_qmp (rp, l, side_source ("qmp", side), FALSE, NULL);
		return;
	}
	/* The source reporting a failed migration is the source complaining. */
	if (head_find (l->s, MIN (l->len, 160), "failed\"") && head_find (l->s, MIN (l->len, 160), "\"status\": \"failed\"")
	    && g_str_equal (side, "src"))
		q->src_complained = TRUE;
	rp_qmp (rp, l, side_source ("qmp", side), FALSE, NULL);
}

static void
qtest_line (Rp *rp, const RpLine *l)
{
	RpQemu *q = &rp->q;
	const char *close;
	double t;

	content (rp, l->lineno);
	if (g_str_has_prefix (l->s, "[I ") && strstr (l->s, "] OPENED")) {
		q->qtest_sessions++;
		rp_set (&q->qtest_side, q->qtest_sessions == 1 ? "src" : "dst");
	}
	if (!q->qtest_side)
		rp_set (&q->qtest_side, "src");
	t = g_ascii_strtod (l->s + (l->s[3] == '+' ? 4 : 3), NULL);
	if (t > q->qtest_clock)
		q->qtest_clock = t;
	close = strstr (l->s, "] CLOSED");
	if (g_str_equal (q->qtest_side, "src"))
		rp_step (rp, "quit-src", l->lineno);
	else if (g_str_has_prefix (l->s, "[R ") && strstr (l->s, "] read "))
		rp_step (rp, "check", l->lineno);
	rp_text (rp, l, side_source ("qtest", q->qtest_side));
	if (close && g_str_equal (q->qtest_side, "src"))
		q->src_quit = TRUE;
}

/* GLib's "ERROR:file:line:func: message": the function that failed. */
static char *
assert_func (const char *s)
{
	g_auto (GStrv) parts = g_strsplit (s, ":", 5);

	if (g_strv_length (parts) < 5)
		return NULL;
	return g_strdup (parts[3]);
}

/* The step in flight when a test without QMP logged fails. */
static const char *
failure_phase (const char *func)
{
	if (!func)
		return NULL;
	if (strstr (func, "check_guests_ram") || strstr (func, "test_migrate_end"))
		return "check";
	if (strstr (func, "wait_for_migration") || strstr (func, "migrate_query")
	    || strstr (func, "wait_for_serial"))
		return "wait-done";
	return NULL;
}

static void
error_line (Rp *rp, const RpLine *l, const char *err)
{
	RpQemu *q = &rp->q;
	MwbReplayTest *t;

	content (rp, l->lineno);
	t = rp->cur;
	if (!t->cause) {
		const char *phase;

		t->cause = g_strdup (err);
		q->assert_func = assert_func (err);
		phase = failure_phase (q->assert_func);
		/* Without QMP the log shows no steps past the starts: name the one
		 * the assertion belongs to. */
		if (phase && rp->step && g_str_has_prefix (rp->step->name, "start-"))
			rp_step (rp, phase, l->lineno);
	}
}

static void
stderr_line (Rp *rp, const RpLine *l)
{
	RpQemu *q = &rp->q;
	const char *side = rp->step && g_str_has_prefix (rp->step->name, "start-") ? rp->step->name + 6 : NULL;
	const char *s = l->s;

	content (rp, l->lineno);
	/* Which side complains tells which one died. */
	if (strstr (s, "Unable to write to socket") || strstr (s, "shows failed migration")
	    || strstr (s, "failed to save") || strstr (s, "Failed to connect"))
		q->src_complained = TRUE;
	if (strstr (s, "load of migration failed") || strstr (s, "Failed to load")
	    || strstr (s, "error while loading state") || strstr (s, "Unknown savevm section"))
		q->dst_complained = TRUE;
	rp_text (rp, l, side ? side_source ("stderr", side) : "stderr");
}

static void
death_line (Rp *rp, const RpLine *l, const char *p)
{
	RpQemu *q = &rp->q;
	const char *open, *close;

	content (rp, l->lineno);
	q->death_signal = atoi (p);
	open = strchr (p, '(');
	close = open ? strchr (open, ')') : NULL;
	if (open && close) {
		g_free (q->death_name);
		q->death_name = g_strndup (open + 1, close - open - 1);
	}
	rp_text (rp, l, "stderr");
}

/* "ok 3 /x86_64/migration/validate_uuid # SKIP by request (-s option)",
 * "not ok 7 - target VM is persistent # TODO ..." */
static void
result_line (Rp *rp, const RpLine *l, gboolean ok, const char *rest)
{
	MwbReplayTest *t;
	char *end;
	long num = strtol (rest, &end, 10);
	g_autofree char *desc = NULL;
	char *hash;

	finish_bailed (rp);
	t = rp_test (rp, l->lineno);
	if (end == rest)
		num = rp->last_num + 1;
	while (*end == ' ')
		end++;
	if (*end == '-' && end[1] == ' ')
		end += 2;
	desc = g_strdup (end);
	hash = strstr (desc, " # ");
	if (!hash && g_str_has_prefix (desc, "# "))
		hash = desc - 1;
	t->tap_number = num;
	if (hash) {
		const char *directive = hash + 3;

		if (!g_ascii_strncasecmp (directive, "SKIP", 4)) {
			t->verdict = MWB_RV_SKIP;
			t->reason = g_strdup (g_strstrip ((char *) directive + 4));
			if (!*t->reason)
				rp_set (&t->reason, "skipped");
		} else if (!g_ascii_strncasecmp (directive, "TODO", 4)) {
			/* A TODO test's failure is expected: it does not fail the run. */
			t->reason = g_strdup_printf ("TODO%s", directive + 4);
			if (!ok)
				t->verdict = MWB_RV_SKIP;
		}
		if (hash >= desc)
			*hash = 0;
		else
			*desc = 0;
	}
	g_strstrip (desc);
	if (!ok && t->verdict != MWB_RV_SKIP)
		t->verdict = MWB_RV_FAIL;
	t->path = *desc ? g_strdup (desc) : g_strdup_printf ("test %ld", num);
	if (!ok && !t->cause)
		t->cause = g_strdup (l->s);
	rp_text (rp, l, "stdout");
	if (rp->q.qtest_clock > 0 && t->duration_s < 0)
		t->duration_s = rp->q.qtest_clock;
	rp->last_num = num;
	rp_set (&rp->last_path, t->path);
	rp->n_results++;
	if (t->verdict != MWB_RV_PASS && t->verdict != MWB_RV_SKIP)
		rp_infer_qemu (rp);
	rp_test_finish (rp);
	reset_qemu (rp);
}

static void
bail_line (Rp *rp, const RpLine *l, const char *rest)
{
	MwbReplayTest *t;

	finish_bailed (rp);
	t = rp_test (rp, l->lineno);
	rp->cur_content = TRUE;
	t->verdict = MWB_RV_FAIL;
	while (*rest == ' ')
		rest++;
	if (g_str_has_prefix (rest, "ERROR:"))
		error_line (rp, l, rest);
	else if (!t->cause)
		t->cause = g_strdup_printf ("Bail out! %s", rest);
	rp_text (rp, l, "stdout");
	rp->cur_bailed = TRUE;
	rp->bailed = TRUE;
}

static gboolean
is_qmp (const RpLine *l)
{
	return l->s[0] == '{' && (g_str_has_prefix (l->s, "{\"execute\"") || g_str_has_prefix (l->s, "{\"return\"")
				  || g_str_has_prefix (l->s, "{\"error\"") || g_str_has_prefix (l->s, "{\"QMP\"")
				  || g_str_has_prefix (l->s, "{\"timestamp\"") || g_str_has_prefix (l->s, "{\"event\"")
				  || g_str_has_prefix (l->s, "{\"exec-oob\""));
}

/* Lines that belong to no test until one shows up: comments, plans. */
static void
chatter (Rp *rp, const RpLine *l, const char *source)
{
	if (rp->cur && rp->cur_bailed) {
		rp_text (rp, l, source);
		return;
	}
	rp_test (rp, l->lineno);
	rp_text (rp, l, source);
}

void
rp_tap_line (Rp *rp, const RpLine *l)
{
	const char *p;

	if (rp_is_qtest (l->s, l->len)) {
		qtest_line (rp, l);
		return;
	}
	if (is_qmp (l)) {
		qmp_line (rp, l);
		return;
	}
	if ((p = rp_after (l, "ok")) && is_space_or_end (*p)) {
		result_line (rp, l, TRUE, p);
		return;
	}
	if ((p = rp_after (l, "not ok")) && is_space_or_end (*p)) {
		result_line (rp, l, FALSE, p);
		return;
	}
	if ((p = rp_after (l, "Bail out!"))) {
		bail_line (rp, l, p);
		return;
	}
	if ((p = rp_after (l, "# starting QEMU: ")) || (p = rp_after (l, "# starting QEMU "))) {
		starting_qemu (rp, l);
		return;
	}
	if (rp_after (l, "# random seed: ") && (rp->n_results || rp->cur_content)) {
		/* A new run of the program (logs concatenated): close the last one. */
		rp_tap_end (rp);
		chatter (rp, l, "stdout");
		return;
	}
	if ((p = rp_after (l, "# Start of "))) {
		char *g = group_name (p);

		if (g)
			g_ptr_array_add (rp->nest, g);
		chatter (rp, l, "stdout");
		return;
	}
	if ((p = rp_after (l, "# End of "))) {
		g_autofree char *g = group_name (p);

		if (g && rp->nest->len && g_str_equal (rp->nest->pdata[rp->nest->len - 1], g))
			g_ptr_array_remove_index (rp->nest, rp->nest->len - 1);
		chatter (rp, l, "stdout");
		return;
	}
	if ((p = rp_after (l, "1..")) && g_ascii_isdigit (*p)) {
		rp->plan = atoi (p);
		chatter (rp, l, "stdout");
		return;
	}
	if ((p = strstr (l->s, "kill_qemu() detected QEMU death from signal "))) {
		death_line (rp, l, p + strlen ("kill_qemu() detected QEMU death from signal "));
		return;
	}
	if ((p = strstr (l->s, "ERROR:")) && (p == l->s || g_str_has_prefix (l->s, "**"))) {
		error_line (rp, l, p);
		rp_text (rp, l, "stderr");
		return;
	}
	if (g_str_has_prefix (l->s, "Memory content inconsistency at ") || strstr (l->s, "and in another ")) {
		content (rp, l->lineno);
		if (rp->step && g_str_has_prefix (rp->step->name, "start-"))
			rp_step (rp, "check", l->lineno);
		rp_note_inconsistency (rp, l->s);
		rp_text (rp, l, "stderr");
		return;
	}
	if (g_str_has_prefix (l->s, "qemu-system-") || g_str_has_prefix (l->s, "qemu-")
	    || strstr (l->s, "shows failed migration")) {
		stderr_line (rp, l);
		return;
	}
	chatter (rp, l, l->s[0] == '#' ? "stdout" : "output");
}

void
rp_tap_end (Rp *rp)
{
	MwbReplayTest *t = rp->cur;

	if (t && (rp->cur_content || rp->cur_bailed)) {
		if (!rp->cur_bailed) {
			t->verdict = MWB_RV_UNFINISHED;
			rp_set (&t->result, "the log ends inside this test");
		}
		finish_unnamed (rp);
		rp_infer_not_run (rp);
	} else {
		rp_test_drop (rp);
		rp_infer_not_run (rp);
	}
	reset_qemu (rp);
	g_ptr_array_set_size (rp->nest, 0);
	rp->plan = -1;
	rp->last_num = 0;
	rp->n_results = 0;
	rp->bailed = FALSE;
	g_clear_pointer (&rp->last_path, g_free);
}
