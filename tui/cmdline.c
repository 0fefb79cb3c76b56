/* The `:` command line: GNU readline inside the curses screen, through its
 * callback interface on the same main loop. Keys reach readline the way
 * they reach everything else (terminal or script) via rl_getc_function;
 * readline never touches the terminal itself: its redisplay draws into the
 * bottom line and completion lists go to the message area. History lives
 * in $XDG_STATE_HOME/mwb/history. */
#include <stdio.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tui.h"

static MwbTui *the_tui;
static GQueue pending = G_QUEUE_INIT;	/* bytes for rl_getc */
static char *history_path;
static char *matches_text;	/* the last completion list, for the message line */

static int
cmd_getc (FILE *f)
{
	(void) f;
	if (g_queue_is_empty (&pending))
		return EOF;
	return GPOINTER_TO_INT (g_queue_pop_head (&pending));
}

static int
cmd_input_available (void)
{
	return !g_queue_is_empty (&pending);
}

static void
no_prep (int meta)
{
	(void) meta;
}

static void
no_deprep (void)
{
}

static void
cmd_redisplay (void)
{
	if (the_tui)
		tui_redraw_soon (the_tui);
}

/* Readline would print the candidates on its own stream; show them in the
 * message line instead, as many as fit. */
static void
show_matches (char **matches, int n, int max_len)
{
	g_autoptr (GString) s = g_string_new (NULL);

	(void) max_len;
	for (int i = 1; i <= n; i++)
		g_string_append_printf (s, "%s%s", i > 1 ? "  " : "", matches[i]);
	g_free (matches_text);
	matches_text = g_strdup (s->str);
	cmd_redisplay ();
}

static void
close_prompt (MwbTui *t)
{
	rl_callback_handler_remove ();
	t->prompt_active = FALSE;
	g_queue_clear (&pending);
	g_clear_pointer (&matches_text, g_free);
	tui_redraw_soon (t);
}

static void
on_line (char *line)
{
	MwbTui *t = the_tui;
	gboolean search = t->search_prompt;

	close_prompt (t);
	if (!line)
		return;
	if (*line) {
		add_history (line);
		/* append_history() wants the file to exist already. */
		if (history_path && !g_file_test (history_path, G_FILE_TEST_EXISTS))
			write_history (history_path);
		else if (history_path)
			append_history (1, history_path);
	}
	if (search) {
		if (*line) {
			g_free (t->last_search);
			t->last_search = g_strdup (line);
		}
		tui_do (t, MWB_ACT_SEARCH_NEXT);
	} else {
		command_run (t, line);
	}
	free (line);
}

static char **
attempt_completion (const char *text, int start, int end)
{
	(void) end;
	/* Never fall back to file names of the current directory. */
	rl_attempted_completion_over = 1;
	return command_complete (the_tui, text, start, rl_line_buffer);
}

void
cmdline_init (MwbTui *t)
{
	g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "mwb", NULL);

	the_tui = t;
	rl_readline_name = "mwb";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = no_prep;
	rl_deprep_term_function = no_deprep;
	rl_getc_function = cmd_getc;
	rl_input_available_hook = cmd_input_available;
	rl_redisplay_function = cmd_redisplay;
	rl_completion_display_matches_hook = show_matches;
	rl_attempted_completion_function = attempt_completion;
	/* Arguments are split at blanks only: RAM blocks such as
	 * /rom@etc/acpi/tables complete as one word. */
	rl_completer_word_break_characters = " \t\n";
	rl_instream = NULL;
	/* One Tab lists the candidates when there is more than one. */
	rl_variable_bind ("show-all-if-ambiguous", "on");
	rl_variable_bind ("bell-style", "none");
	rl_outstream = fopen ("/dev/null", "we");
	using_history ();
	if (g_mkdir_with_parents (dir, 0700) == 0) {
		history_path = g_build_filename (dir, "history", NULL);
		read_history (history_path);
		stifle_history (1000);
	}
}

void
cmdline_end (MwbTui *t)
{
	if (t->prompt_active)
		rl_callback_handler_remove ();
	if (history_path)
		history_truncate_file (history_path, 1000);
	g_clear_pointer (&history_path, g_free);
	g_clear_pointer (&matches_text, g_free);
	if (rl_outstream) {
		fclose (rl_outstream);
		rl_outstream = NULL;
	}
	clear_history ();
	the_tui = NULL;
}

void
cmdline_open (MwbTui *t, const char *initial, gboolean search)
{
	t->prompt_active = TRUE;
	t->search_prompt = search;
	rl_callback_handler_install (search ? "/" : ":", on_line);
	if (initial && *initial) {
		rl_insert_text (initial);
		rl_point = rl_end;
	}
	tui_redraw_soon (t);
}

/* Keys in, readline's bytes out: special keys become the sequences
 * readline knows from a terminal. */
void
cmdline_feed (MwbTui *t, int key)
{
	const char *seq = NULL;

	switch (key) {
	case KEY_LEFT: seq = "\033[D"; break;
	case KEY_RIGHT: seq = "\033[C"; break;
	case KEY_UP: seq = "\033[A"; break;
	case KEY_DOWN: seq = "\033[B"; break;
	case KEY_HOME: seq = "\001"; break;
	case KEY_END: seq = "\005"; break;
	case KEY_DC: seq = "\004"; break;
	case KEY_BACKSPACE: seq = "\177"; break;
	case KEY_ENTER: seq = "\n"; break;
	case 27:
		/* Esc leaves the prompt, as in vi's command line; a history
		 * search in progress (^R) must not outlive it. */
		rl_callback_sigcleanup ();
		rl_free_line_state ();
		close_prompt (t);
		return;
	default:
		break;
	}
	if (seq) {
		for (const char *c = seq; *c; c++)
			g_queue_push_tail (&pending, GINT_TO_POINTER ((int) (unsigned char) *c));
	} else if (key == 13) {
		g_queue_push_tail (&pending, GINT_TO_POINTER ('\n'));
	} else if (key > 0 && key < 0x80) {
		g_queue_push_tail (&pending, GINT_TO_POINTER (key));
	} else if ((key >= 0x80 && key < KEY_MIN) || key > KEY_MAX) {
		/* Characters only: other curses key codes (<F2>, KEY_RESIZE) share
		 * the numbers of U+0101..U+01FF, which live shifted. */
		char buf[8];
		int n = g_unichar_to_utf8 ((gunichar) (key >= MWB_KEY_CHAR_SHIFT ? key - MWB_KEY_CHAR_SHIFT : key), buf);

		for (int i = 0; i < n; i++)
			g_queue_push_tail (&pending, GINT_TO_POINTER ((int) (unsigned char) buf[i]));
	}
	g_clear_pointer (&matches_text, g_free);
	while (t->prompt_active && !g_queue_is_empty (&pending))
		rl_callback_read_char ();
}

void
cmdline_draw (MwbTui *t)
{
	MwbPane line = { .tui = t, .y = t->rows - 1, .x = 0, .h = 1, .w = t->cols };
	const char *prompt = t->search_prompt ? "/" : ":";
	int plen = (int) strlen (prompt);
	int shift = 0;
	int cursor_col;

	pane_fill (&line, 0, MWB_C_NORMAL);
	/* Keep the cursor on screen in a long line. */
	if (plen + rl_point >= t->cols - 1)
		shift = plen + rl_point - t->cols + 2;
	pane_put (&line, 0, 0, MWB_C_NORMAL, prompt);
	pane_put (&line, 0, plen, MWB_C_NORMAL, rl_line_buffer + MIN (shift, rl_end));
	cursor_col = plen + rl_point - shift;
	if (matches_text && t->rows >= 3) {
		/* The candidates go where the status line was, for that moment. */
		MwbPane status = { .tui = t, .y = t->rows - 2, .x = 0, .h = 1, .w = t->cols };

		pane_fill (&status, 0, MWB_C_STATUS);
		pane_put (&status, 0, 1, MWB_C_STATUS, matches_text);
	}
	move (t->rows - 1, MIN (cursor_col, t->cols - 1));
	if (!t->headless)
		curs_set (1);
}
