/* The workbench's state and its reactions: the engine sink, key dispatch,
 * layout and the one redraw per loop pass. */
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "mwb-error.h"
#include "tui.h"

/* ---- redraw ---- */

static gboolean
redraw_idle (gpointer data)
{
	MwbTui *t = data;

	t->redraw_idle = 0;
	tui_draw (t);
	return G_SOURCE_REMOVE;
}

void
tui_redraw_soon (MwbTui *t)
{
	t->need_redraw = TRUE;
	if (!t->redraw_idle)
		t->redraw_idle = g_idle_add_full (G_PRIORITY_LOW, redraw_idle, t, NULL);
}

void
tui_message (MwbTui *t, MwbColor c, const char *fmt, ...)
{
	va_list ap;

	g_free (t->message);
	va_start (ap, fmt);
	t->message = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	/* One line: a multi-line reason shows its first line here, all of it
	 * in the about box. */
	t->message[strcspn (t->message, "\n")] = 0;
	t->message_color = c;
	tui_redraw_soon (t);
}

void
tui_focus (MwbTui *t, MwbPane *p)
{
	t->focus = p;
	tui_redraw_soon (t);
}

/* The log comes back where the viewer was, and the focus with it. */
void
tui_close_viewer (MwbTui *t)
{
	pane_viewer_close (t->viewer);
	if (t->focus == t->viewer)
		tui_focus (t, t->logp);
}

/* ---- layout ---- */

static void
place (MwbPane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = MAX (h, 0);
	p->w = MAX (w, 0);
	pane_scroll_to_cursor (p);
}

void
tui_layout (MwbTui *t)
{
	int main_rows = MAX (t->rows - 2, 1);
	int left, steps_h, about_h, files_h;

	t->need_layout = FALSE;
	place (t->help, 0, 0, main_rows, t->cols);
	if (t->mode == MWB_MODE_LIST) {
		place (t->list, 0, 0, main_rows, t->cols);
		return;
	}
	left = t->cols >= 100 ? CLAMP (t->cols * 36 / 100, 34, 60) : CLAMP (t->cols * 42 / 100, 24, 40);
	/* The log or viewer always keeps half of a narrow screen. */
	left = MIN (left, t->cols / 2);
	steps_h = MIN ((int) t->scn->steps->len + 1, main_rows / 2);
	place (t->steps, 0, 0, steps_h, left);
	about_h = MIN (pane_steps_about_rows (t->steps, left), MAX (main_rows - steps_h - 4, 2));
	place (t->about, steps_h, 0, about_h, left);
	files_h = main_rows - steps_h - about_h;
	place (t->files, steps_h + about_h, 0, files_h, left);
	place (t->logp, 0, left + 1, main_rows, t->cols - left - 1);
	place (t->viewer, 0, left + 1, main_rows, t->cols - left - 1);
}

/* ---- drawing ---- */

static void
draw_status (MwbTui *t)
{
	g_autoptr (GString) s = g_string_new (" mwb");
	MwbPane line = { .tui = t, .y = t->rows - 2, .x = 0, .h = 1, .w = t->cols };

	if (t->mode == MWB_MODE_RUN && t->runner) {
		MwbRunnerState rs = mwb_runner_state (t->runner);
		guint n = t->scn->steps->len;
		guint next = mwb_runner_next_step (t->runner);
		g_autofree char *progress = mwb_progress_describe (&t->progress);

		g_string_append_printf (s, "  %s  step %u/%u  %s", t->scn->path,
					rs == MWB_RUNNER_DONE ? MIN (next, n) : MIN (next + 1, n), n,
					rs == MWB_RUNNER_DONE ? mwb_verdict_name (mwb_runner_verdict (t->runner))
					: mwb_runner_state_name (rs));
		if (rs != MWB_RUNNER_IDLE)
			g_string_append_printf (s, "  %.1fs", mwb_runner_elapsed (t->runner));
		if (progress)
			g_string_append_printf (s, "  | %s", progress);
	} else if (t->mode == MWB_MODE_LIST) {
		g_string_append_printf (s, "  %u scenarios", t->catalog->len);
	}
	pane_fill (&line, 0, MWB_C_STATUS);
	pane_put (&line, 0, 0, MWB_C_STATUS, s->str);
}

static void
draw_message (MwbTui *t)
{
	MwbPane line = { .tui = t, .y = t->rows - 1, .x = 0, .h = 1, .w = t->cols };

	if (t->prompt_active) {
		cmdline_draw (t);
		return;
	}
	pane_fill (&line, 0, MWB_C_NORMAL);
	if (t->message)
		pane_put (&line, 0, 0, t->message_color, t->message);
	else if (t->mode == MWB_MODE_RUN)
		pane_put (&line, 0, 0, MWB_C_DIM, "s step  c continue  b break  u run-to  r restart  x abort  : command  ? help  q quit");
}

void
tui_draw (MwbTui *t)
{
	if (t->need_layout)
		tui_layout (t);
	t->need_redraw = FALSE;
	erase ();
	if (t->overlay) {
		t->overlay->ops->draw (t->overlay);
	} else if (t->mode == MWB_MODE_LIST) {
		t->list->ops->draw (t->list);
	} else {
		MwbPane *right = pane_viewer_is_open (t->viewer) ? t->viewer : t->logp;

		t->steps->ops->draw (t->steps);
		t->about->ops->draw (t->about);
		t->files->ops->draw (t->files);
		right->ops->draw (right);
		attrset (display_attr (t, MWB_C_DIM));
		mvvline (0, t->steps->w, '|', MAX (t->rows - 2, 0));
		attrset (A_NORMAL);
	}
	draw_status (t);
	draw_message (t);
	if (!t->prompt_active)
		curs_set (0);
	refresh ();
}

/* ---- the engine's sink ---- */

static void
reset_run_view (MwbTui *t)
{
	guint n = t->scn ? t->scn->steps->len : 0;

	mwb_logbook_clear (t->log);
	mwb_progress_clear (&t->progress);
	g_array_set_size (t->step_durations, 0);
	g_array_set_size (t->step_durations, n);
	g_ptr_array_set_size (t->step_reasons, 0);
	g_ptr_array_set_size (t->step_reasons, n);
	g_hash_table_remove_all (t->tails);
	pane_log_reset (t->logp);
}

static void
on_run_started (gpointer ctx, MwbRunner *runner, const char *run_dir)
{
	MwbTui *t = ctx;

	(void) runner;
	(void) run_dir;
	reset_run_view (t);
	t->busy = FALSE;
	pane_files_refresh (t->files);
	tui_redraw_soon (t);
}

static void
on_runner_state (gpointer ctx, MwbRunner *runner, MwbRunnerState state, const char *why)
{
	MwbTui *t = ctx;

	if (state == MWB_RUNNER_PAUSED) {
		/* The cursor shows what `s` will do next. */
		pane_set_cursor (t->steps, mwb_runner_next_step (runner));
		if (why && strcmp (why, "stepped") != 0 && strcmp (why, "started") != 0)
			tui_message (t, MWB_C_NEXT, "paused: %s", why);
	}
	t->need_layout = TRUE;
	tui_redraw_soon (t);
}

static void
on_step_state (gpointer ctx, MwbRunner *runner, guint index, MwbStepState state, double duration_s,
	       const char *reason)
{
	MwbTui *t = ctx;

	(void) runner;
	if (index >= t->step_durations->len)
		return;
	g_array_index (t->step_durations, double, index) = duration_s;
	if (state == MWB_STEP_RUNNING) {
		pane_set_cursor (t->steps, index);
		g_clear_pointer (&t->step_reasons->pdata[index], g_free);
	} else if (state == MWB_STEP_FAILED || state == MWB_STEP_SKIPPED) {
		g_free (t->step_reasons->pdata[index]);
		t->step_reasons->pdata[index] = g_strdup (reason);
	}
	pane_files_refresh (t->files);
	t->need_layout = TRUE;
	tui_redraw_soon (t);
}

static void
on_log (gpointer ctx, MwbRunner *runner, const MwbLogRecord *rec)
{
	MwbTui *t = ctx;

	(void) runner;
	mwb_logbook_add (t->log, rec);
	/* A restart that could not start again leaves the runner idle. */
	if (t->busy && strcmp (rec->source, "engine") == 0 && g_str_has_prefix (rec->text, "restart failed")) {
		t->busy = FALSE;
		tui_message (t, MWB_C_FAIL, "%s", rec->text);
	}
	if (rec->is_json && rec->dir == MWB_LOG_IN && strcmp (rec->source, "qmp-src") == 0)
		mwb_progress_feed (&t->progress, rec->text);
	tui_redraw_soon (t);
}

static void
on_verdict (gpointer ctx, MwbRunner *runner, MwbVerdict verdict, int failed_step,
	    const char *reason, double duration_s)
{
	MwbTui *t = ctx;

	(void) runner;
	(void) failed_step;
	if (verdict == MWB_VERDICT_PASS)
		tui_message (t, MWB_C_OK, "PASS in %.1fs: r runs it again, q quits", duration_s);
	else if (verdict == MWB_VERDICT_FAIL)
		tui_land_on_failure (t);
	else
		tui_message (t, verdict == MWB_VERDICT_SKIP ? MWB_C_SKIP : MWB_C_FAIL, "%s%s%s",
			     mwb_verdict_name (verdict), reason ? ": " : "", reason ? reason : "");
}

static void
on_run_finished (gpointer ctx, MwbRunner *runner, const char *run_dir, gboolean kept)
{
	MwbTui *t = ctx;

	(void) runner;
	(void) run_dir;
	(void) kept;
	if (t->quitting)
		g_main_loop_quit (t->loop);
}

static const MwbSinkOps tui_sink = {
	.run_started = on_run_started,
	.runner_state = on_runner_state,
	.step_state = on_step_state,
	.log = on_log,
	.verdict = on_verdict,
	.run_finished = on_run_finished,
};

/* The failing step selected, its reason in the about box and the message
 * line, and the log around its last lines. */
void
tui_land_on_failure (MwbTui *t)
{
	int step = t->runner ? mwb_runner_failed_step (t->runner) : -1;
	const char *reason = t->runner ? mwb_runner_reason (t->runner) : NULL;

	t->overlay = NULL;
	tui_close_viewer (t);
	if (step >= 0)
		pane_set_cursor (t->steps, (guint) step);
	tui_focus (t, t->steps);
	t->need_layout = TRUE;
	tui_layout (t);
	pane_log_land (t->logp, step);
	if (step >= 0)
		tui_message (t, MWB_C_FAIL, "FAIL at step %d (%s): %s", step + 1,
			     ((MwbStep *) t->scn->steps->pdata[step])->name, reason ? reason : "");
	else
		tui_message (t, MWB_C_FAIL, "FAIL: %s", reason ? reason : "");
}

/* ---- opening, restarting, quitting ---- */

gboolean
tui_open_scenario (MwbTui *t, MwbScenario *scn, GError **error)
{
	const MwbBackendClass *klass = mwb_backend_lookup (scn->backend);
	g_autoptr (MwbRunner) runner = NULL;

	if (!klass) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_NOT_FOUND, "%s: no backend '%s'", scn->file,
			     scn->backend);
		return FALSE;
	}
	if (t->runner) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "a scenario is already open");
		return FALSE;
	}
	runner = mwb_runner_new (scn, klass, t->cfg);
	mwb_runner_add_sink (runner, &tui_sink, t);
	t->scn = mwb_scenario_ref (scn);
	t->mode = MWB_MODE_RUN;
	reset_run_view (t);
	t->runner = g_steal_pointer (&runner);
	t->need_layout = TRUE;
	tui_focus (t, t->steps);
	if (!mwb_runner_start (t->runner, error))
		return FALSE;
	if (klass->runs_on_open) {
		/* A replay opens where the log failed; every step is instant. */
		mwb_runner_continue (t->runner);
		return TRUE;
	}
	tui_message (t, MWB_C_NORMAL, "%s: paused before step 1 (%s); s runs it",
		     scn->path, ((MwbStep *) scn->steps->pdata[0])->name);
	return TRUE;
}

typedef struct {
	MwbTui *t;
	MwbScenario *scn;
	char *flavor;
} Rerun;

/* After the teardown's callback has returned: the replay's runner can go. */
static gboolean
rerun_open (gpointer data)
{
	Rerun *r = data;
	MwbTui *t = r->t;
	g_autoptr (GError) err = NULL;

	g_clear_pointer (&t->runner, mwb_runner_free);
	g_clear_pointer (&t->scn, mwb_scenario_unref);
	t->cfg->replay = NULL;
	if (r->flavor) {
		g_free (t->cfg->flavor);
		t->cfg->flavor = g_strdup (r->flavor);
	}
	t->busy = FALSE;
	if (!tui_open_scenario (t, r->scn, &err))
		tui_message (t, MWB_C_FAIL, "%s", err->message);
	mwb_scenario_unref (r->scn);
	g_free (r->flavor);
	g_free (r);
	tui_redraw_soon (t);
	return G_SOURCE_REMOVE;
}

static void
rerun_torn_down (gpointer data)
{
	g_idle_add (rerun_open, data);
}

void
tui_rerun (MwbTui *t, MwbScenario *live, const char *flavor)
{
	Rerun *r = g_new0 (Rerun, 1);

	r->t = t;
	r->scn = mwb_scenario_ref (live);
	r->flavor = g_strdup (flavor);
	t->busy = TRUE;
	tui_close_viewer (t);
	mwb_runner_teardown (t->runner, G_CALLBACK (rerun_torn_down), r);
}

void
tui_restart (MwbTui *t)
{
	if (!t->runner)
		return;
	t->busy = TRUE;
	tui_close_viewer (t);
	g_clear_pointer (&t->message, g_free);
	mwb_runner_restart (t->runner);
	tui_redraw_soon (t);
}

static void
on_quit_teardown (gpointer data)
{
	MwbTui *t = data;

	g_main_loop_quit (t->loop);
}

void
tui_quit (MwbTui *t, int status)
{
	if (t->quitting)
		return;
	t->quitting = TRUE;
	t->exit_status = status;
	if (t->runner && mwb_runner_state (t->runner) != MWB_RUNNER_IDLE) {
		tui_message (t, MWB_C_NORMAL, "stopping every process...");
		tui_draw (t);
		mwb_runner_teardown (t->runner, G_CALLBACK (on_quit_teardown), t);
		return;
	}
	g_main_loop_quit (t->loop);
}

gboolean
tui_is_idle (MwbTui *t)
{
	return !t->busy && (!t->runner || mwb_runner_is_settled (t->runner));
}

/* ---- actions ---- */

static void
cycle_focus (MwbTui *t, int dir)
{
	MwbPane *order[] = { t->steps, pane_viewer_is_open (t->viewer) ? t->viewer : t->logp, t->files };
	guint n = G_N_ELEMENTS (order);
	guint i = 0;

	if (t->mode != MWB_MODE_RUN)
		return;
	while (i < n && order[i] != t->focus)
		i++;
	tui_focus (t, order[(i + n + dir) % n]);
}

static void
search_again (MwbTui *t, gboolean backward)
{
	MwbPane *p = t->overlay ? t->overlay : t->focus;

	if (!t->last_search) {
		tui_message (t, MWB_C_FAIL, "no search yet: / searches");
		return;
	}
	if (!p->ops->search || !p->ops->search (p, t->last_search, backward))
		tui_message (t, MWB_C_FAIL, "not found: %s", t->last_search);
	else
		tui_message (t, MWB_C_NORMAL, "/%s", t->last_search);
}

gboolean
tui_need_runner (MwbTui *t)
{
	if (t->runner)
		return TRUE;
	tui_message (t, MWB_C_FAIL, "no scenario is open: Enter opens one");
	return FALSE;
}

static void
explain_cannot_go (MwbTui *t)
{
	switch (mwb_runner_state (t->runner)) {
	case MWB_RUNNER_RUNNING:
		tui_message (t, MWB_C_NORMAL, "a step is running; ^C pauses after it");
		break;
	case MWB_RUNNER_DONE:
		tui_message (t, MWB_C_NORMAL, "the run is over (%s): r runs it again",
			     mwb_verdict_name (mwb_runner_verdict (t->runner)));
		break;
	case MWB_RUNNER_IDLE:
		tui_message (t, MWB_C_FAIL, t->busy ? "restarting: wait a moment"
			     : "the scenario is not started (a restart failed?): r starts it");
		break;
	default:
		if (t->busy)
			tui_message (t, MWB_C_NORMAL, "restarting: wait a moment");
		break;
	}
}

void
tui_do (MwbTui *t, MwbAction a)
{
	switch (a) {
	case MWB_ACT_STEP:
	case MWB_ACT_CONTINUE:
	case MWB_ACT_SKIP:
		if (!tui_need_runner (t))
			break;
		if (mwb_runner_state (t->runner) != MWB_RUNNER_PAUSED || t->busy) {
			explain_cannot_go (t);
			break;
		}
		g_clear_pointer (&t->message, g_free);
		if (a == MWB_ACT_STEP)
			mwb_runner_step (t->runner);
		else if (a == MWB_ACT_CONTINUE)
			mwb_runner_continue (t->runner);
		else
			mwb_runner_skip (t->runner, "skipped by the user");
		break;
	case MWB_ACT_BREAK:
	case MWB_ACT_RUN_TO:
		if (tui_need_runner (t))
			t->steps->ops->request (t->steps, a);
		break;
	case MWB_ACT_RESTART:
		if (tui_need_runner (t))
			tui_restart (t);
		break;
	case MWB_ACT_ABORT:
		if (!tui_need_runner (t))
			break;
		if (mwb_runner_state (t->runner) == MWB_RUNNER_DONE)
			explain_cannot_go (t);
		else
			mwb_runner_abort (t->runner, "aborted by the user");
		break;
	case MWB_ACT_NEXT_PANE:
		cycle_focus (t, 1);
		break;
	case MWB_ACT_PREV_PANE:
		cycle_focus (t, -1);
		break;
	case MWB_ACT_NEXT_TAB:
	case MWB_ACT_PREV_TAB:
		if (t->mode == MWB_MODE_RUN) {
			tui_close_viewer (t);
			t->logp->ops->request (t->logp, a);
		}
		break;
	case MWB_ACT_SEARCH:
		cmdline_open (t, "", TRUE);
		break;
	case MWB_ACT_SEARCH_NEXT:
	case MWB_ACT_SEARCH_PREV:
		search_again (t, a == MWB_ACT_SEARCH_PREV);
		break;
	case MWB_ACT_GOTO:
		cmdline_open (t, "goto ", FALSE);
		break;
	case MWB_ACT_PROMPT:
		cmdline_open (t, "", FALSE);
		break;
	case MWB_ACT_HELP:
		t->help->top = 0;
		t->overlay = t->overlay == t->help ? NULL : t->help;
		break;
	case MWB_ACT_REDRAW:
		clearok (curscr, TRUE);
		t->need_layout = TRUE;
		break;
	case MWB_ACT_QUIT:
		tui_quit (t, 0);
		break;
	case MWB_ACT_BACK:
		if (t->overlay)
			t->overlay = NULL;
		else if (pane_viewer_is_open (t->viewer)) {
			tui_close_viewer (t);
			tui_focus (t, t->files);
		} else if (t->mode == MWB_MODE_LIST)
			tui_quit (t, 0);
		break;
	default:
		break;
	}
	tui_redraw_soon (t);
}

/* With :set mouse on: a click focuses a pane and selects a line, the
 * wheel moves the selection. */
static void
handle_mouse (MwbTui *t)
{
	MEVENT ev;
	MwbPane *candidates[] = { t->overlay, t->mode == MWB_MODE_LIST ? t->list : NULL,
				  t->mode == MWB_MODE_RUN ? t->steps : NULL,
				  t->mode == MWB_MODE_RUN ? t->files : NULL,
				  t->mode == MWB_MODE_RUN ? (pane_viewer_is_open (t->viewer) ? t->viewer : t->logp) : NULL };

	if (getmouse (&ev) != OK)
		return;
	for (guint i = 0; i < G_N_ELEMENTS (candidates); i++) {
		MwbPane *p = candidates[i];

		if (!p || ev.y < p->y || ev.y >= p->y + p->h || ev.x < p->x || ev.x >= p->x + p->w)
			continue;
		if (ev.bstate & BUTTON4_PRESSED)
			pane_move (p, MWB_ACT_MOVE_UP);
		else if (ev.bstate & BUTTON5_PRESSED)
			pane_move (p, MWB_ACT_MOVE_DOWN);
		else if (ev.y > p->y && ev.y <= p->y + pane_rows (p)) {
			if (p != t->overlay && t->mode == MWB_MODE_RUN)
				tui_focus (t, p);
			pane_set_cursor (p, p->top + (guint) (ev.y - p->y - 1));
			p->follow = FALSE;
		}
		break;
	}
	tui_redraw_soon (t);
}

void
tui_handle_key (MwbTui *t, int key)
{
	MwbPane *p;
	MwbAction a;

	if (key == KEY_RESIZE) {
		display_resize (t);
		return;
	}
	/* Quitting: every process is being stopped; nothing may start again. */
	if (t->quitting)
		return;
	if (key == KEY_MOUSE) {
		handle_mouse (t);
		return;
	}
	if (t->prompt_active) {
		cmdline_feed (t, key);
		return;
	}
	p = t->overlay ? t->overlay : t->mode == MWB_MODE_LIST ? t->list : t->focus;
	/* In the scenario list, typing filters: paths are letters, digits, / - _ */
	if (p->ops->key && key > 32 && key < 127 && key != ':' && key != '?' && p->ops->key (p, key))
		return;
	a = mwb_keymap_lookup (t->keymap, p == t->help ? "generic" : p->ops->name, key);
	if (a == MWB_ACT_NONE) {
		if (p->ops->key && p->ops->key (p, key))
			return;
		g_autofree char *name = mwb_key_name (key);

		tui_message (t, MWB_C_DIM, "%s does nothing here: ? shows the keys", name);
		return;
	}
	/* A new action makes the last message old news; a failure stays, and
	 * the prompt or help do not count as new actions. */
	if (t->message && t->message_color != MWB_C_FAIL && a != MWB_ACT_PROMPT && a != MWB_ACT_HELP
	    && a != MWB_ACT_SEARCH)
		g_clear_pointer (&t->message, g_free);
	if (!p->ops->request || !p->ops->request (p, a))
		tui_do (t, a);
	tui_redraw_soon (t);
}

/* ---- signals and the tick ---- */

static gboolean
on_sigint (gpointer data)
{
	MwbTui *t = data;

	if (t->quitting || t->busy) {
		tui_message (t, MWB_C_NORMAL, "^C: %s, wait a moment", t->quitting ? "quitting" : "restarting");
	} else if (t->runner && !mwb_runner_is_settled (t->runner)) {
		mwb_runner_pause (t->runner, "interrupted by ^C");
		tui_message (t, MWB_C_NEXT, "^C: pausing after the step in flight");
	} else if (t->mode == MWB_MODE_LIST) {
		tui_quit (t, 130);
	} else {
		tui_message (t, MWB_C_NORMAL, "^C pauses a running step; q quits");
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer data)
{
	tui_quit (data, 143);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_sighup (gpointer data)
{
	tui_quit (data, 129);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_sigwinch (gpointer data)
{
	display_resize (data);
	return G_SOURCE_CONTINUE;
}

/* The bytes of path from offset on (at most 1 MiB), NUL-terminated; NULL
 * when there are none or the file cannot be read. */
static char *
read_from (const char *path, gsize offset, gsize *len)
{
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	g_autofree char *buf = NULL;
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf = g_malloc (1024 * 1024 + 1);
	n = pread (fd, buf, 1024 * 1024, (off_t) offset);
	close (fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	*len = (gsize) n;
	return g_steal_pointer (&buf);
}

/* Files a wrapper writes into the run dir (valgrind's log) become log tabs. */
static void
poll_tails (MwbTui *t)
{
	g_autoptr (GPtrArray) names = NULL;

	if (!t->runner || !mwb_runner_run_dir (t->runner))
		return;
	names = pane_files_names (t->files);
	for (guint i = 0; i < names->len; i++) {
		const char *rel = names->pdata[i];
		g_autofree char *path = NULL;
		g_autofree char *data = NULL;
		g_autofree char *source = NULL;
		gsize len, done, start = 0;

		if (!g_str_has_prefix (rel, "valgrind") || !g_str_has_suffix (rel, ".log") || strchr (rel, '/'))
			continue;
		path = g_build_filename (mwb_runner_run_dir (t->runner), rel, NULL);
		done = GPOINTER_TO_SIZE (g_hash_table_lookup (t->tails, rel));
		/* Only what was added since the last look, twice a second. */
		data = read_from (path, done, &len);
		if (!data)
			continue;
		source = g_strndup (rel, strlen (rel) - 4);
		/* Whole lines only; the rest comes next time. */
		for (gsize j = 0; j < len; j++) {
			if (data[j] != '\n')
				continue;
			data[j] = 0;
			mwb_logbook_add_line (t->log, (gint64) (mwb_runner_elapsed (t->runner) * 1e6), source,
					      data + start, MWB_LB_PLAIN);
			start = j + 1;
		}
		done += start;
		g_hash_table_replace (t->tails, g_strdup (rel), GSIZE_TO_POINTER (done));
	}
}

void
tui_refresh_files (MwbTui *t)
{
	if (t->mode != MWB_MODE_RUN)
		return;
	pane_files_refresh (t->files);
	poll_tails (t);
	tui_redraw_soon (t);
}

static gboolean
on_tick (gpointer data)
{
	MwbTui *t = data;

	/* Scripted runs refresh before each key instead: dumps must not
	 * depend on when a timer fired. */
	if (!t->headless)
		tui_refresh_files (t);
	return G_SOURCE_CONTINUE;
}

/* ---- life cycle ---- */

MwbTui *
tui_new (MwbRunConfig *cfg, GPtrArray *catalog, MwbKeymap *keymap, gboolean headless)
{
	MwbTui *t = g_new0 (MwbTui, 1);

	t->loop = g_main_loop_new (NULL, FALSE);
	t->cfg = cfg;
	t->catalog = g_ptr_array_ref (catalog);
	t->keymap = keymap;
	t->headless = headless;
	t->log = mwb_logbook_new ();
	mwb_progress_init (&t->progress);
	t->step_durations = g_array_new (FALSE, TRUE, sizeof (double));
	t->step_reasons = g_ptr_array_new_with_free_func (g_free);
	t->tails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	t->state_dir = g_build_filename (g_get_user_state_dir (), "mwb", NULL);
	t->list = pane_list_new (t);
	t->steps = pane_steps_new (t);
	t->about = pane_about_new (t);
	t->logp = pane_log_new (t);
	t->files = pane_files_new (t);
	t->viewer = pane_viewer_new (t);
	t->help = pane_help_new (t);
	t->focus = t->list;
	t->mode = MWB_MODE_LIST;
	t->need_layout = TRUE;
	/* Before curses starts: ncurses installs its own SIGWINCH handler
	 * only while the disposition is the default. */
	t->signal_ids[0] = g_unix_signal_add (SIGWINCH, on_sigwinch, t);
	t->signal_ids[1] = g_unix_signal_add (SIGINT, on_sigint, t);
	t->signal_ids[2] = g_unix_signal_add (SIGTERM, on_sigterm, t);
	t->signal_ids[3] = g_unix_signal_add (SIGHUP, on_sighup, t);
	t->tick = g_timeout_add (500, on_tick, t);
	return t;
}

void
tui_free (MwbTui *t)
{
	if (!t)
		return;
	if (t->tick)
		g_source_remove (t->tick);
	for (guint i = 0; i < G_N_ELEMENTS (t->signal_ids); i++)
		if (t->signal_ids[i])
			g_source_remove (t->signal_ids[i]);
	if (t->redraw_idle)
		g_source_remove (t->redraw_idle);
	g_clear_pointer (&t->runner, mwb_runner_free);
	g_clear_pointer (&t->scn, mwb_scenario_unref);
	pane_free (t->list);
	pane_free (t->steps);
	pane_free (t->about);
	pane_free (t->logp);
	pane_free (t->files);
	pane_free (t->viewer);
	pane_free (t->help);
	mwb_logbook_free (t->log);
	mwb_progress_clear (&t->progress);
	g_array_unref (t->step_durations);
	g_ptr_array_unref (t->step_reasons);
	g_hash_table_unref (t->tails);
	g_ptr_array_unref (t->catalog);
	if (t->live_catalog)
		g_ptr_array_unref (t->live_catalog);
	g_free (t->state_dir);
	g_free (t->message);
	g_free (t->last_search);
	g_main_loop_unref (t->loop);
	g_free (t);
}
