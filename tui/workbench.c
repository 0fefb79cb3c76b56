/* The workbench's entry: keymap, screen, input and the main loop, and the
 * terminal given back on every way out (return, signal, crash). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "catalog.h"
#include "crash.h"
#include "tui.h"
#include "workbench.h"

static struct termios saved_tty;
static gboolean have_saved_tty;

/* From the crash handler too: nothing but endwin and tcsetattr. */
static void
restore_terminal (void)
{
	if (!isendwin ())
		endwin ();
	if (have_saved_tty)
		tcsetattr (STDIN_FILENO, TCSANOW, &saved_tty);
}

MwbKeymap *
mwb_workbench_keymap (const char *name, GPtrArray *warnings)
{
	g_autofree char *dir = mwb_data_dir ("MWB_KEYMAPS", "keymaps");
	MwbKeymap *km = mwb_keymap_load_named (name ? name : "default", dir, warnings);

	mwb_keymap_load_user (km, warnings);
	return km;
}

static int
workbench_run (MwbRunConfig *cfg, GPtrArray *catalog, MwbScenario *open, GPtrArray *live,
	       const char *keymap)
{
	const char *script = g_getenv ("MWB_SCRIPT");
	gboolean headless = script && *script && (g_getenv ("MWB_NO_DISPLAY") || !isatty (STDOUT_FILENO));
	g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) err = NULL;
	g_autofree char *crash_dir = g_build_filename (g_get_user_state_dir (), "mwb", NULL);
	MwbKeymap *km;
	MwbTui *t;
	int status;

	if (!headless && (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO))) {
		fprintf (stderr, "mwb: the workbench needs a terminal (use `mwb run` for batch runs)\n");
		return 2;
	}
	km = mwb_workbench_keymap (keymap, warnings);
	/* Config mistakes are warnings, printed where a user sees them. */
	for (guint i = 0; i < warnings->len; i++)
		fprintf (stderr, "mwb: warning: %s\n", (char *) warnings->pdata[i]);
	if (!headless && tcgetattr (STDIN_FILENO, &saved_tty) == 0)
		have_saved_tty = TRUE;
	mwb_crash_install (restore_terminal, crash_dir);
	t = tui_new (cfg, catalog, km, headless);
	if (live)
		t->live_catalog = g_ptr_array_ref (live);
	if (!display_init (t, &err)) {
		fprintf (stderr, "mwb: %s\n", err->message);
		tui_free (t);
		mwb_keymap_free (km);
		return 2;
	}
	if (!input_init (t, headless || (script && *script) ? script : NULL, &err)) {
		display_end ();
		fprintf (stderr, "mwb: MWB_SCRIPT: %s\n", err->message);
		tui_free (t);
		mwb_keymap_free (km);
		return 2;
	}
	cmdline_init (t);
	if (warnings->len)
		tui_message (t, MWB_C_FAIL, "%s (and %u more warnings at exit)",
			     (char *) warnings->pdata[0], warnings->len - 1);
	if (open && !tui_open_scenario (t, open, &err))
		tui_message (t, MWB_C_FAIL, "%s", err->message);
	tui_draw (t);
	g_main_loop_run (t->loop);
	status = t->exit_status;
	input_end (t);
	cmdline_end (t);
	command_complete_free ();
	display_end ();
	restore_terminal ();
	for (guint i = 0; i < warnings->len; i++)
		fprintf (stderr, "mwb: warning: %s\n", (char *) warnings->pdata[i]);
	if (t->runner && mwb_runner_verdict (t->runner) == MWB_VERDICT_FAIL && status == 0)
		status = 1;
	tui_free (t);
	mwb_keymap_free (km);
	return status;
}

int
mwb_workbench_run (MwbRunConfig *cfg, GPtrArray *catalog, MwbScenario *open, const char *keymap)
{
	return workbench_run (cfg, catalog, open, NULL, keymap);
}

int
mwb_workbench_replay (MwbRunConfig *cfg, GPtrArray *tests, MwbScenario *open, GPtrArray *live,
		      const char *keymap)
{
	return workbench_run (cfg, tests, open, live, keymap);
}
