/* The `:` commands: a table of name, arguments, help, handler and what its
 * arguments complete to. The help overlay and the man page list them from
 * here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <readline/readline.h>

#include "hexfmt.h"
#include "proc.h"
#include "tui.h"

/* pane-viewer.c; belongs in tui.h with the other pane_viewer_ calls. */

typedef enum {
	COMPLETE_NONE,
	COMPLETE_STEP,		/* step names, and "event" for break/delete */
	COMPLETE_ROLE,
	COMPLETE_FILE,		/* run-dir paths */
	COMPLETE_SET,		/* option names */
	COMPLETE_TAB,		/* log tabs */
	COMPLETE_BLOCK,		/* the viewer's RAM blocks, as the second argument */
	COMPLETE_CRIT,		/* show|x, then run-dir files or directories, then ps|fds|mems|rss */
} Completion;

typedef struct {
	const char *name;
	const char *args;
	const char *help;
	void (*run) (MwbTui *t, const char *args);
	Completion completes;
} Command;

static const Command *find_command (const char *name);
/* ---- helpers ---- */

/* "3" (1-based) or a step name. */
static int
step_index (MwbTui *t, const char *arg)
{
	guint64 n;
	int i;

	if (g_ascii_string_to_unsigned (arg, 10, 1, t->scn->steps->len, &n, NULL))
		return (int) n - 1;
	i = mwb_scenario_find_step (t->scn, arg);
	if (i < 0)
		tui_message (t, MWB_C_FAIL, "no step '%s' in %s", arg, t->scn->path);
	return i;
}

/* ---- the commands ---- */

static void
cmd_step (MwbTui *t, const char *args) { (void) args; tui_do (t, MWB_ACT_STEP); }
static void
cmd_continue (MwbTui *t, const char *args) { (void) args; tui_do (t, MWB_ACT_CONTINUE); }
static void
cmd_skip (MwbTui *t, const char *args) { (void) args; tui_do (t, MWB_ACT_SKIP); }
static void
cmd_restart (MwbTui *t, const char *args) { (void) args; tui_do (t, MWB_ACT_RESTART); }
static void
cmd_abort (MwbTui *t, const char *args) { (void) args; tui_do (t, MWB_ACT_ABORT); }
static void
cmd_quit (MwbTui *t, const char *args) { (void) args; tui_quit (t, t->exit_status); }

/* From a replayed log to a live run of the same test. */
static void
cmd_rerun (MwbTui *t, const char *args)
{
	g_autofree char *path = NULL;
	const char *flavor = NULL;
	char *in;

	(void) args;
	if (!t->scn || !t->cfg->replay || !t->live_catalog) {
		tui_message (t, MWB_C_FAIL, ":rerun starts a replayed test live; this is not a replay (r restarts a run)");
		return;
	}
	path = g_strdup (t->scn->path);
	if ((in = strstr (path, " in "))) {
		*in = 0;
		flavor = in + 4;
	}
	for (guint i = 0; i < t->live_catalog->len; i++) {
		MwbScenario *scn = t->live_catalog->pdata[i];

		if (g_str_equal (scn->path, path)) {
			tui_message (t, MWB_C_NORMAL, "%s: live, from the catalogue's %s", path, scn->file);
			tui_rerun (t, scn, flavor);
			return;
		}
	}
	tui_message (t, MWB_C_FAIL, "mwb has no scenario %s to run live (mwb list shows those it has)", path);
}

static void
cmd_break (MwbTui *t, const char *args)
{
	g_autoptr (GError) err = NULL;
	int i;

	if (!tui_need_runner (t))
		return;
	if (!*args) {
		tui_do (t, MWB_ACT_BREAK);
		return;
	}
	if (g_str_has_prefix (args, "event ")) {
		const char *spec = args + 6;

		if (!mwb_runner_add_event_break (t->runner, spec, &err))
			tui_message (t, MWB_C_FAIL, "%s", err->message);
		else
			tui_message (t, MWB_C_NORMAL, "breakpoint on event %s", spec);
		return;
	}
	i = step_index (t, args);
	if (i < 0)
		return;
	if (!mwb_runner_has_break (t->runner, i))
		mwb_runner_toggle_break (t->runner, i);
	tui_message (t, MWB_C_NORMAL, "breakpoint at step %d (%s)", i + 1,
		     ((MwbStep *) t->scn->steps->pdata[i])->name);
}

static void
cmd_delete (MwbTui *t, const char *args)
{
	int i;

	if (!tui_need_runner (t))
		return;
	if (g_str_has_prefix (args, "event ")) {
		if (!mwb_runner_delete_event_break (t->runner, args + 6))
			tui_message (t, MWB_C_FAIL, "no breakpoint on event %s", args + 6);
		else
			tui_message (t, MWB_C_NORMAL, "deleted the breakpoint on event %s", args + 6);
		return;
	}
	if (!*args || strcmp (args, "all") == 0) {
		for (guint k = 0; k < t->scn->steps->len; k++)
			if (mwb_runner_has_break (t->runner, k))
				mwb_runner_toggle_break (t->runner, k);
		tui_message (t, MWB_C_NORMAL, "deleted every step breakpoint");
		return;
	}
	i = step_index (t, args);
	if (i < 0)
		return;
	if (mwb_runner_has_break (t->runner, i))
		mwb_runner_toggle_break (t->runner, i);
	tui_message (t, MWB_C_NORMAL, "no breakpoint at step %d", i + 1);
}

static void
cmd_run_to (MwbTui *t, const char *args)
{
	int i;

	if (!tui_need_runner (t))
		return;
	if (!*args) {
		tui_do (t, MWB_ACT_RUN_TO);
		return;
	}
	i = step_index (t, args);
	if (i < 0)
		return;
	pane_set_cursor (t->steps, (guint) i);
	t->steps->ops->request (t->steps, MWB_ACT_RUN_TO);
}

static void
cmd_open (MwbTui *t, const char *args)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *path = NULL;

	if (!tui_need_runner (t))
		return;
	if (!*args) {
		tui_message (t, MWB_C_FAIL, "open which file? Tab completes the run directory's");
		return;
	}
	path = g_path_is_absolute (args) ? g_strdup (args)
		: g_build_filename (mwb_runner_run_dir (t->runner), args, NULL);
	if (!pane_viewer_open (t->viewer, path, &err)) {
		tui_message (t, MWB_C_FAIL, "%s", err->message);
		return;
	}
	tui_focus (t, t->viewer);
}

/* crit: $MWB_CRIT, else mwb's own CRIU prefix's, else crit in PATH. */
static const char *
crit_binary (void)
{
	const char *env = g_getenv ("MWB_CRIT");

	if (env && *env)
		return env;
	if (g_file_test ("/opt/mwb/criu/bin/crit", G_FILE_TEST_IS_EXECUTABLE))
		return "/opt/mwb/criu/bin/crit";
	return "crit";
}

/* What crit said last on stderr: a Python traceback ends with the error. */
static char *
last_line (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

	for (guint n = g_strv_length (lines); n-- > 0;)
		if (*g_strstrip (lines[n]))
			return g_strdup (lines[n]);
	return g_strdup ("");
}

#define CRIT_TIMEOUT_MS 30000

/* ":crit show FILE", ":crit x DIR ps|fds|mems|rss": crit's output in the
 * viewer as text, relative names in the run directory as for :open. */
static void
cmd_crit (MwbTui *t, const char *args)
{
	static const char *const explore[] = { "ps", "fds", "mems", "rss" };
	g_auto (GStrv) words = g_strsplit_set (args, " \t", -1);
	g_autoptr (GPtrArray) w = g_ptr_array_new ();
	g_autoptr (GError) err = NULL;
	g_autofree char *path = NULL;
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	g_autofree char *title = NULL;
	const char *argv[6] = { crit_binary () };
	int status = 0;
	gboolean x;

	for (guint i = 0; words[i]; i++)
		if (*words[i])
			g_ptr_array_add (w, words[i]);
	x = w->len > 0 && strcmp (w->pdata[0], "x") == 0;
	if (w->len == 0 || (!x && strcmp (w->pdata[0], "show") != 0) || w->len != (x ? 3u : 2u)
	    || (x && !g_strv_contains (explore, w->pdata[2]))) {
		tui_message (t, MWB_C_FAIL, "crit show FILE | crit x DIR ps|fds|mems|rss");
		return;
	}
	if (!tui_need_runner (t))
		return;
	path = g_path_is_absolute (w->pdata[1]) ? g_strdup (w->pdata[1])
		: g_build_filename (mwb_runner_run_dir (t->runner), (const char *) w->pdata[1], NULL);
	argv[1] = w->pdata[0];
	argv[2] = path;
	argv[3] = x ? w->pdata[2] : NULL;
	if (!mwb_run_sync (argv, NULL, CRIT_TIMEOUT_MS, &out, &errs, &status, &err)) {
		tui_message (t, MWB_C_FAIL, "crit: %s", err->message);
		return;
	}
	if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
		g_autofree char *why = mwb_describe_wait_status (status);
		g_autofree char *line = last_line (errs);

		tui_message (t, MWB_C_FAIL, "crit %s %s: %s%s%s", argv[1], (const char *) w->pdata[1], why,
			     *line ? ": " : "", line);
		return;
	}
	title = g_strdup_printf ("crit %s %s%s%s", argv[1], (const char *) w->pdata[1], x ? " " : "",
				 x ? (const char *) w->pdata[2] : "");
	pane_viewer_show_text (t->viewer, title, out, strlen (out));
	tui_focus (t, t->viewer);
}

static void
cmd_goto (MwbTui *t, const char *args)
{
	g_autoptr (GError) err = NULL;

	if (!pane_viewer_is_open (t->viewer)) {
		tui_message (t, MWB_C_FAIL, "goto works in the viewer: open a file first");
		return;
	}
	if (!pane_viewer_goto (t->viewer, args, &err))
		tui_message (t, MWB_C_FAIL, "goto %s: %s", args, err->message);
	else
		tui_focus (t, t->viewer);
}

static void
cmd_page (MwbTui *t, const char *args)
{
	g_autoptr (GError) err = NULL;

	if (!pane_viewer_is_open (t->viewer)) {
		tui_message (t, MWB_C_FAIL, "page works in the viewer: :open migfile first");
		return;
	}
	if (!*args) {
		tui_message (t, MWB_C_FAIL, "page ADDR [BLOCK]: e.g. page 0x3280000");
		return;
	}
	/* The cursor stays where it was when the page is not found. */
	if (!pane_viewer_page (t->viewer, args, &err))
		tui_message (t, MWB_C_FAIL, "page %s: %s", args, err->message);
	else
		tui_focus (t, t->viewer);
}

static void
cmd_search (MwbTui *t, const char *args)
{
	if (!*args) {
		tui_message (t, MWB_C_FAIL, "search for what?");
		return;
	}
	g_free (t->last_search);
	t->last_search = g_strdup (args);
	tui_do (t, MWB_ACT_SEARCH_NEXT);
}

static void
cmd_wrap (MwbTui *t, const char *args)
{
	g_auto (GStrv) parts = g_strsplit (args, " ", 2);
	g_autoptr (GError) err = NULL;

	if (!parts[0] || !*parts[0]) {
		tui_message (t, MWB_C_FAIL, "wrap ROLE PREFIX: e.g. wrap dst valgrind");
		return;
	}
	if (!debug_set_wrap (t, parts[0], parts[1] ? g_strstrip (parts[1]) : "", &err))
		tui_message (t, MWB_C_FAIL, "%s", err->message);
}

static void
cmd_gdb (MwbTui *t, const char *args)
{
	if (tui_need_runner (t))
		debug_gdb (t, *args ? args : "dst");
}

static void
cmd_bt (MwbTui *t, const char *args)
{
	if (tui_need_runner (t))
		debug_bt (t, *args ? args : "dst");
}

static void
on_qmp_reply (const char *role, const char *reply, const char *error, gpointer data)
{
	MwbTui *t = data;

	/* The exchange is in the QMP log already; this is the short answer. */
	if (error) {
		tui_message (t, MWB_C_FAIL, "qmp %s: %s", role, error);
		return;
	}
	{
		g_autofree char *flat = g_strdup (reply);

		for (char *c = flat; *c; c++)
			if (*c == '\n')
				*c = ' ';
		tui_message (t, MWB_C_OK, "qmp %s: %s", role, flat);
	}
	if (t->logp) {
		g_autofree char *tab = g_strdup_printf ("qmp-%s", role);

		pane_log_show (t->logp, tab);
	}
}

static void
cmd_qmp (MwbTui *t, const char *args)
{
	g_auto (GStrv) parts = g_strsplit (args, " ", 2);
	g_autoptr (GError) err = NULL;

	if (!tui_need_runner (t))
		return;
	if (!parts[0] || !parts[1] || !*g_strstrip (parts[1])) {
		tui_message (t, MWB_C_FAIL, "qmp ROLE COMMAND: e.g. qmp dst query-status");
		return;
	}
	if (!mwb_runner_send_command (t->runner, parts[0], parts[1], on_qmp_reply, t, &err))
		tui_message (t, MWB_C_FAIL, "qmp %s: %s", parts[0], err->message);
}

static void
cmd_set (MwbTui *t, const char *args)
{
	g_auto (GStrv) kv = g_strsplit_set (args, " =", 2);
	const char *key = kv[0] ? kv[0] : "";
	const char *val = kv[0] && kv[1] ? g_strstrip (kv[1]) : "";

	if (strcmp (key, "mouse") == 0) {
		t->mouse = strcmp (val, "on") == 0;
		mousemask (t->mouse ? ALL_MOUSE_EVENTS : 0, NULL);
		tui_message (t, MWB_C_NORMAL, "mouse %s", t->mouse ? "on" : "off");
	} else if (strcmp (key, "timeout-scale") == 0) {
		double d = g_ascii_strtod (val, NULL);

		if (d <= 0) {
			tui_message (t, MWB_C_FAIL, "timeout-scale wants a positive number");
			return;
		}
		t->cfg->step_timeout_scale = d;
		tui_message (t, MWB_C_NORMAL, "step timeouts x%g", d);
	} else if (strcmp (key, "keep") == 0) {
		if (strcmp (val, "always") == 0)
			t->cfg->keep = MWB_KEEP_ALWAYS;
		else if (strcmp (val, "never") == 0)
			t->cfg->keep = MWB_KEEP_NEVER;
		else if (strcmp (val, "failed") == 0)
			t->cfg->keep = MWB_KEEP_FAILED;
		else {
			tui_message (t, MWB_C_FAIL, "keep is always, failed or never");
			return;
		}
		tui_message (t, MWB_C_NORMAL, "run directories kept: %s", val);
	} else {
		tui_message (t, MWB_C_FAIL, "set what? mouse on|off, timeout-scale N, keep always|failed|never");
	}
}

static void
cmd_log (MwbTui *t, const char *args)
{
	if (!tui_need_runner (t))
		return;
	if (mwb_logbook_view_index (t->log, args) < 0) {
		tui_message (t, MWB_C_FAIL, "no log tab '%s'", args);
		return;
	}
	tui_close_viewer (t);
	pane_log_show (t->logp, args);
	tui_focus (t, t->logp);
}

static void
cmd_focus (MwbTui *t, const char *args)
{
	MwbPane *p = strcmp (args, "steps") == 0 ? t->steps : strcmp (args, "log") == 0 ? t->logp
		: strcmp (args, "files") == 0 ? t->files : strcmp (args, "viewer") == 0 ? t->viewer : NULL;

	if (!p || t->mode != MWB_MODE_RUN) {
		tui_message (t, MWB_C_FAIL, "focus steps|log|files|viewer");
		return;
	}
	/* Only what is shown: the viewer covers the log while a file is open. */
	if (p == t->viewer && !pane_viewer_is_open (t->viewer)) {
		tui_message (t, MWB_C_FAIL, "no file is open: :open FILE");
		return;
	}
	if (p == t->logp)
		tui_close_viewer (t);
	tui_focus (t, p);
}

static void
cmd_help (MwbTui *t, const char *args)
{
	(void) args;
	t->help->top = 0;
	t->overlay = t->help;
}

static void
cmd_save_display (MwbTui *t, const char *args)
{
	g_auto (GStrv) words = g_strsplit (args, " ", 2);
	g_autoptr (GError) err = NULL;
	MwbPane status = { .tui = t, .y = t->rows - 2, .x = 0, .h = 2, .w = t->cols };
	const MwbPane *only = NULL;
	const char *pane = words[0] && words[1] ? g_strstrip (words[1]) : NULL;

	if (!words[0] || !*words[0]) {
		tui_message (t, MWB_C_FAIL, "save-display FILE [PANE]");
		return;
	}
	if (pane) {
		only = strcmp (pane, "steps") == 0 ? t->steps : strcmp (pane, "about") == 0 ? t->about
			: strcmp (pane, "log") == 0 ? t->logp : strcmp (pane, "files") == 0 ? t->files
			: strcmp (pane, "viewer") == 0 ? t->viewer : strcmp (pane, "list") == 0 ? t->list
			: strcmp (pane, "status") == 0 ? &status : NULL;
		if (!only) {
			tui_message (t, MWB_C_FAIL, "save-display: no pane '%s' (steps, about, log, files, viewer, list, status)", pane);
			return;
		}
	}
	tui_draw (t);
	if (!display_save (t, words[0], only, &err))
		tui_message (t, MWB_C_FAIL, "%s", err->message);
}

/* Scripts cannot resize a terminal they do not have. */
static void
cmd_resize (MwbTui *t, const char *args)
{
	int cols, rows;

	if (sscanf (args, "%dx%d", &cols, &rows) != 2 || cols < 40 || rows < 10) {
		tui_message (t, MWB_C_FAIL, "resize COLSxROWS, at least 40x10");
		return;
	}
	resize_term (rows, cols);
	t->rows = rows;
	t->cols = cols;
	t->need_layout = TRUE;
}

static const Command commands[] = {
	{ "step", "", "run the next step, then pause", cmd_step, COMPLETE_NONE },
	{ "continue", "", "run until a breakpoint, a failure or the end", cmd_continue, COMPLETE_NONE },
	{ "break", "[STEP | event EVENT [k=v...]]", "set a breakpoint on a step or a QMP event (src:EVENT for one side)", cmd_break, COMPLETE_STEP },
	{ "delete", "[STEP | all | event SPEC]", "delete breakpoints", cmd_delete, COMPLETE_STEP },
	{ "run-to", "STEP", "run until STEP is next", cmd_run_to, COMPLETE_STEP },
	{ "skip", "", "skip the next step", cmd_skip, COMPLETE_NONE },
	{ "restart", "", "stop everything and start again (with new wraps)", cmd_restart, COMPLETE_NONE },
	{ "rerun", "", "replay: start the replayed test live, when mwb has its scenario", cmd_rerun, COMPLETE_NONE },
	{ "abort", "", "abort the run", cmd_abort, COMPLETE_NONE },
	{ "open", "FILE", "show a run-dir file in the viewer (hexdump when binary)", cmd_open, COMPLETE_FILE },
	{ "crit", "show FILE | x DIR ps|fds|mems|rss", "show what CRIU's crit says of an image or a dump directory, in the viewer", cmd_crit, COMPLETE_CRIT },
	{ "goto", "OFFSET", "viewer: go to an offset (0x1f0, 4096, +16, -0x10, end) or a text line", cmd_goto, COMPLETE_NONE },
	{ "page", "ADDR [BLOCK]", "viewer: go to the record that last sent the guest page at ADDR (pc.ram unless BLOCK)", cmd_page, COMPLETE_BLOCK },
	{ "search", "TEXT", "search the focused pane (x:de ad for bytes in the viewer)", cmd_search, COMPLETE_NONE },
	{ "log", "TAB", "show a log tab (all, qmp-src, stderr-dst, ...)", cmd_log, COMPLETE_TAB },
	{ "focus", "PANE", "focus steps, log, files or viewer", cmd_focus, COMPLETE_NONE },
	{ "wrap", "ROLE [PREFIX]", "run ROLE under PREFIX from its next start (valgrind, gdb --args, strace -f); no prefix unwraps", cmd_wrap, COMPLETE_ROLE },
	{ "gdb", "ROLE", "attach gdb to ROLE's process (a tmux window inside tmux)", cmd_gdb, COMPLETE_ROLE },
	{ "bt", "ROLE", "backtrace of every thread of ROLE's process, into the log", cmd_bt, COMPLETE_ROLE },
	{ "qmp", "ROLE COMMAND [ARGS]", "send a QMP command (or a whole JSON object) to ROLE", cmd_qmp, COMPLETE_ROLE },
	{ "set", "NAME VALUE", "mouse on|off, timeout-scale N, keep always|failed|never", cmd_set, COMPLETE_SET },
	{ "help", "", "show the keys and commands", cmd_help, COMPLETE_NONE },
	{ "save-display", "FILE [PANE]", "write the screen (or one pane, or status) as text to FILE", cmd_save_display, COMPLETE_NONE },
	{ "resize", "COLSxROWS", "lay the screen out for another size (scripts)", cmd_resize, COMPLETE_NONE },
	{ "quit", "", "stop every process and quit", cmd_quit, COMPLETE_NONE },
};

/* Unique prefixes work too (":c", ":q"), as in gdb; ":c" stays continue
 * now that crit starts with c too. */
static const Command *
find_command (const char *name)
{
	const Command *found = NULL;
	gsize len = strlen (name);

	if (strcmp (name, "c") == 0)
		name = "continue";

	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		if (strcmp (commands[i].name, name) == 0)
			return &commands[i];
		if (len && strncmp (commands[i].name, name, len) == 0)
			found = found ? (const Command *) -1 : &commands[i];
	}
	return found == (const Command *) -1 ? NULL : found;
}

void
command_run (MwbTui *t, const char *line)
{
	g_autofree char *copy = g_strstrip (g_strdup (line));
	char *args = copy + strcspn (copy, " \t");
	const Command *c;

	if (!*copy)
		return;
	if (*args)
		*args++ = 0;
	args = g_strstrip (args);
	c = find_command (copy);
	if (!c) {
		tui_message (t, MWB_C_FAIL, "unknown command '%s': :help lists them", copy);
		return;
	}
	c->run (t, args);
	tui_redraw_soon (t);
}

const char *const *
command_names (void)
{
	static const char *names[G_N_ELEMENTS (commands) + 1];

	for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
		names[i] = commands[i].name;
	return names;
}

char *
command_help_text (void)
{
	GString *s = g_string_new ("Commands (after :, unique prefixes work)\n");

	for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
		g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, commands[i].args);

		g_string_append_printf (s, "  %-34s %s\n", usage, commands[i].help);
	}
	return g_string_free (s, FALSE);
}

/* ---- completion ---- */

static GPtrArray *candidates;
static guint candidate_next;

static char *
generate (const char *text, int state)
{
	if (!state)
		candidate_next = 0;
	while (candidates && candidate_next < candidates->len) {
		const char *c = candidates->pdata[candidate_next++];

		if (g_str_has_prefix (c, text))
			return strdup (c);
	}
	return NULL;
}

static void
add (const char *s)
{
	g_ptr_array_add (candidates, g_strdup (s));
}

char **
command_complete (MwbTui *t, const char *text, int start, const char *line)
{
	g_autofree char *first = NULL;
	const Command *c;
	const char *sp;

	g_clear_pointer (&candidates, g_ptr_array_unref);
	candidates = g_ptr_array_new_with_free_func (g_free);
	{
		int lead = (int) strspn (line, " ");

		/* readline's start counts the blanks we skip. */
		line += lead;
		start -= lead;
	}
	sp = strchr (line, ' ');
	if (!sp || start <= (int) (sp - line)) {
		for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
			add (commands[i].name);
		return rl_completion_matches (text, generate);
	}
	first = g_strndup (line, sp - line);
	c = find_command (first);
	if (!c)
		return NULL;
	/* Only the first argument completes (page's block: only the second;
	 * crit's all three); qmp's JSON is the user's. */
	if ((strchr (sp + strspn (sp, " "), ' ') != NULL) != (c->completes == COMPLETE_BLOCK)
	    && c->completes != COMPLETE_SET && c->completes != COMPLETE_CRIT)
		return NULL;
	switch (c->completes) {
	case COMPLETE_STEP:
		if (strcmp (c->name, "break") == 0 || strcmp (c->name, "delete") == 0)
			add ("event");
		if (strcmp (c->name, "delete") == 0)
			add ("all");
		for (guint i = 0; t->scn && i < t->scn->steps->len; i++)
			add (((MwbStep *) t->scn->steps->pdata[i])->name);
		break;
	case COMPLETE_ROLE:
		if (t->scn && g_str_equal (t->scn->backend, "criu")) {
			add ("criu");
			add ("test");
		} else {
			add ("src");
			add ("dst");
		}
		break;
	case COMPLETE_FILE:
		if (t->mode == MWB_MODE_RUN) {
			g_autoptr (GPtrArray) names = pane_files_names (t->files);

			for (guint i = 0; i < names->len; i++)
				add (names->pdata[i]);
		}
		break;
	case COMPLETE_SET:
		add ("mouse");
		add ("timeout-scale");
		add ("keep");
		add ("on");
		add ("off");
		add ("always");
		add ("failed");
		add ("never");
		break;
	case COMPLETE_TAB:
		for (guint i = 0; i < mwb_logbook_n_views (t->log); i++)
			add (mwb_logbook_view (t->log, i)->name);
		break;
	case COMPLETE_CRIT: {
		g_auto (GStrv) words = g_strsplit_set (line, " ", -1);
		guint arg = 0;
		int at = 0;

		/* Which argument the cursor is in: words that end before it. */
		for (guint i = 0; words[i]; at += (int) strlen (words[i]) + 1, i++)
			if (*words[i] && at + (int) strlen (words[i]) < start)
				arg++;
		if (arg == 1) {
			add ("show");
			add ("x");
		} else if (arg == 2 && t->mode == MWB_MODE_RUN) {
			g_autoptr (GPtrArray) names = pane_files_names (t->files);
			gboolean x = words[1] && strcmp (words[1], "x") == 0;
			g_autoptr (GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

			for (guint i = 0; i < names->len; i++) {
				g_autofree char *dir = g_path_get_dirname (names->pdata[i]);

				if (!x)
					add (names->pdata[i]);
				else if (strcmp (dir, ".") != 0 && g_hash_table_add (dirs, g_strdup (dir)))
					add (dir);
			}
			if (x)
				add (".");
		} else if (arg == 3) {
			add ("ps");
			add ("fds");
			add ("mems");
			add ("rss");
		}
		break;
	}
	case COMPLETE_BLOCK:
		if (t->viewer) {
			g_autoptr (GPtrArray) names = pane_viewer_ram_blocks (t->viewer);

			for (guint i = 0; names && i < names->len; i++)
				add (names->pdata[i]);
		}
		break;
	default:
		return NULL;
	}
	return rl_completion_matches (text, generate);
}

void
command_complete_free (void)
{
	g_clear_pointer (&candidates, g_ptr_array_unref);
}
