/* The steps pane: every step with its state, duration and breakpoint mark;
 * and under it the about box, which says in full what the selected step
 * does (or why it failed). The cursor follows the next step as the run
 * moves, so a user who only presses `s` always sees what comes next. */
#include <string.h>

#include "tui.h"

static guint
steps_count (MwbPane *p)
{
	return p->tui->scn ? p->tui->scn->steps->len : 0;
}

static const char *
state_label (MwbStepState s)
{
	switch (s) {
	case MWB_STEP_PENDING: return "";
	case MWB_STEP_RUNNING: return "run";
	case MWB_STEP_OK: return "ok";
	case MWB_STEP_FAILED: return "FAIL";
	case MWB_STEP_SKIPPED: return "skip";
	}
	return "?";
}

static MwbColor
state_color (MwbStepState s)
{
	switch (s) {
	case MWB_STEP_RUNNING: return MWB_C_RUNNING;
	case MWB_STEP_OK: return MWB_C_OK;
	case MWB_STEP_FAILED: return MWB_C_FAIL;
	case MWB_STEP_SKIPPED: return MWB_C_SKIP;
	default: return MWB_C_PENDING;
	}
}

static void
steps_draw (MwbPane *p)
{
	MwbTui *t = p->tui;
	guint n = steps_count (p);
	g_autofree char *title = g_strdup_printf (" steps (%u)", n);
	guint next = t->runner ? mwb_runner_next_step (t->runner) : 0;
	MwbRunnerState rs = t->runner ? mwb_runner_state (t->runner) : MWB_RUNNER_IDLE;

	pane_title (p, title);
	for (int y = 0; y < pane_rows (p); y++) {
		guint i = p->top + y;
		const MwbStep *st;
		MwbStepState s;
		gboolean is_next, brk;
		g_autofree char *dur = NULL;
		g_autofree char *line = NULL;
		double d;

		if (i >= n)
			break;
		st = t->scn->steps->pdata[i];
		s = t->runner ? mwb_runner_step_state (t->runner, i) : MWB_STEP_PENDING;
		is_next = rs == MWB_RUNNER_PAUSED && i == next;
		brk = t->runner && mwb_runner_has_break (t->runner, i);
		d = g_array_index (t->step_durations, double, i);
		dur = s == MWB_STEP_OK || s == MWB_STEP_FAILED ? g_strdup_printf ("%.2fs", d) : g_strdup ("");
		if (i == p->cursor && p == t->focus)
			pane_fill (p, y + 1, MWB_C_CURSOR);
		pane_put (p, y + 1, 0, MWB_C_BREAK, brk ? "*" : " ");
		pane_put (p, y + 1, 1, MWB_C_NEXT, is_next ? ">" : " ");
		line = g_strdup_printf ("%2u %-*s", i + 1, MAX (p->w - 17, 8), st->name);
		pane_put (p, y + 1, 2,
			  i == p->cursor && p == t->focus ? MWB_C_CURSOR : is_next ? MWB_C_NEXT : MWB_C_NORMAL,
			  line);
		pane_put (p, y + 1, MAX (p->w - 12, 12), state_color (s), state_label (s));
		pane_put (p, y + 1, MAX (p->w - 7, 17), MWB_C_DIM, dur);
	}
}

static gboolean
steps_request (MwbPane *p, MwbAction a)
{
	MwbTui *t = p->tui;

	switch (a) {
	case MWB_ACT_BREAK:
		if (!t->runner || p->cursor >= steps_count (p))
			return TRUE;
		mwb_runner_toggle_break (t->runner, p->cursor);
		tui_message (t, MWB_C_NORMAL, "breakpoint %s at step %u (%s)",
			     mwb_runner_has_break (t->runner, p->cursor) ? "set" : "deleted", p->cursor + 1,
			     ((MwbStep *) t->scn->steps->pdata[p->cursor])->name);
		return TRUE;
	case MWB_ACT_RUN_TO:
		if (!t->runner)
			return TRUE;
		if (mwb_runner_state (t->runner) != MWB_RUNNER_PAUSED) {
			tui_message (t, MWB_C_FAIL, "run-to works at a pause (the run is %s)",
				     mwb_runner_state (t->runner) == MWB_RUNNER_DONE ? "over: r runs it again"
				     : "busy");
			return TRUE;
		}
		if (p->cursor <= mwb_runner_next_step (t->runner)) {
			tui_message (t, MWB_C_FAIL, "run-to needs a step after the next one (%u)",
				     mwb_runner_next_step (t->runner) + 1);
			return TRUE;
		}
		mwb_runner_run_to (t->runner, p->cursor);
		return TRUE;
	case MWB_ACT_ENTER:
		return TRUE;
	default:
		return pane_move (p, a);
	}
}

static gboolean
step_matches (MwbPane *p, guint i, const char *pattern)
{
	const MwbStep *st = p->tui->scn->steps->pdata[i];

	return strstr (st->name, pattern) || strstr (st->action, pattern)
	       || (st->about && strstr (st->about, pattern));
}

static gboolean
steps_search (MwbPane *p, const char *pattern, gboolean backward)
{
	return pane_find (p, steps_count (p), backward, step_matches, pattern);
}

static const MwbPaneOps steps_ops = {
	.name = "steps",
	.count = steps_count,
	.draw = steps_draw,
	.request = steps_request,
	.search = steps_search,
};

MwbPane *
pane_steps_new (MwbTui *t)
{
	return pane_new (t, &steps_ops, NULL);
}

/* ---- the about box ---- */

/* The lines the box shows for the selected step, wrapped to width. */
static GPtrArray *
about_lines (MwbTui *t, guint i, int width)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	const MwbStep *st;
	g_autofree char *about = NULL;
	const char *reason;
	g_autoptr (GString) text = g_string_new (NULL);
	const char *s;

	if (!t->scn || i >= t->scn->steps->len || width < 10)
		return lines;
	st = t->scn->steps->pdata[i];
	about = t->runner ? mwb_runner_step_about (t->runner, i) : g_strdup (st->about);
	g_string_append (text, about && *about ? about : "(no description)");
	reason = i < t->step_reasons->len ? t->step_reasons->pdata[i] : NULL;
	if (reason && *reason)
		g_string_append_printf (text, "\n%s: %s",
					t->runner ? mwb_step_state_name (mwb_runner_step_state (t->runner, i)) : "",
					reason);
	/* Greedy word wrap; a word longer than the width is cut. */
	s = text->str;
	while (*s) {
		const char *nl = strchr (s, '\n');
		gsize len = nl ? (gsize) (nl - s) : strlen (s);
		gsize take = len;

		if ((int) take > width) {
			take = width;
			while (take > 0 && s[take] != ' ')
				take--;
			if (!take)
				take = width;
		}
		g_ptr_array_add (lines, g_strndup (s, take));
		s += take;
		while (*s == ' ')
			s++;
		if (*s == '\n' && take == len)
			s++;
	}
	return lines;
}

int
pane_steps_about_rows (MwbPane *p, int width)
{
	g_autoptr (GPtrArray) lines = about_lines (p->tui, p->tui->steps->cursor, width - 1);

	return 1 + CLAMP ((int) lines->len, 1, 6);
}

static void
about_draw (MwbPane *p)
{
	MwbTui *t = p->tui;
	guint i = t->steps->cursor;
	g_autoptr (GPtrArray) lines = about_lines (t, i, p->w - 1);
	g_autofree char *title = NULL;
	const MwbStep *st;
	gboolean has_reason = i < t->step_reasons->len && t->step_reasons->pdata[i];
	guint about_len = lines->len;

	if (!t->scn || i >= t->scn->steps->len)
		return;
	st = t->scn->steps->pdata[i];
	title = g_strdup_printf (" %u/%u %s (%s)%s", i + 1, t->scn->steps->len, st->name, st->action,
				 st->expect_fail ? " expects failure" : "");
	pane_title (p, title);
	if (has_reason) {
		/* The reason is the last paragraph: count its lines from the end. */
		g_autoptr (GPtrArray) bare = NULL;
		g_autofree char *saved = t->step_reasons->pdata[i];

		t->step_reasons->pdata[i] = NULL;
		bare = about_lines (t, i, p->w - 1);
		t->step_reasons->pdata[i] = g_steal_pointer (&saved);
		about_len = bare->len;
	}
	for (int y = 0; y < pane_rows (p) && (guint) y < lines->len; y++) {
		MwbStepState s = t->runner ? mwb_runner_step_state (t->runner, i) : MWB_STEP_PENDING;
		MwbColor c = (guint) y < about_len ? MWB_C_NORMAL
			: s == MWB_STEP_FAILED ? MWB_C_FAIL : MWB_C_DIM;

		pane_put (p, y + 1, 1, c, lines->pdata[y]);
	}
}

static const MwbPaneOps about_ops = {
	.name = "steps",
	.draw = about_draw,
};

MwbPane *
pane_about_new (MwbTui *t)
{
	return pane_new (t, &about_ops, NULL);
}
