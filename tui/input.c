/* Where keys come from: the terminal, or a script (MWB_SCRIPT=FILE).
 *
 * A script line is one of
 *   # comment
 *   :command args        typed into the command line, then <Enter>
 *   ::command args       run directly, not typed: works while the prompt
 *                        is open (to dump the screen during completion)
 *   keys KEYS            keys in keymap notation, typed as they are
 *   KEYS                 the same, for lines that do not start with ':'
 * Before each key the player waits until the engine is settled (no step
 * running or scheduled, no teardown) and the loop has nothing pending, so
 * tests need no sleeps. At the end of the script comes :quit. */
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

#include "mwb-error.h"
#include "tui.h"

static gboolean
on_stdin (gint fd, GIOCondition cond, gpointer data)
{
	MwbTui *t = data;
	wint_t wch;
	int rc;

	(void) fd;
	(void) cond;
	while ((rc = get_wch (&wch)) != ERR) {
		int key = mwb_key_from_wch (rc, wch);

		if (key >= 0)
			tui_handle_key (t, key);
	}
	return G_SOURCE_CONTINUE;
}

/* The keys of one script line; a ':' line is the prompt key, the text and
 * <Enter>, so that it goes through readline like typed input. */
static GArray *
line_keys (const char *line, GError **error)
{
	GArray *keys = g_array_new (FALSE, FALSE, sizeof (int));
	const char *s = line;
	int key;

	if (*s == ':') {
		key = ':';
		g_array_append_val (keys, key);
		s++;
	} else if (g_str_has_prefix (s, "keys ")) {
		s += 5;
	}
	while (*s) {
		const char *end;

		/* Outside a ':' line, blanks only separate keys. */
		if (line[0] != ':' && (*s == ' ' || *s == '\t')) {
			s++;
			continue;
		}
		key = mwb_key_parse (s, &end);
		if (key < 0 || end == s) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "bad key at '%s'", s);
			g_array_unref (keys);
			return NULL;
		}
		g_array_append_val (keys, key);
		s = end;
	}
	if (line[0] == ':') {
		key = '\n';
		g_array_append_val (keys, key);
	}
	return keys;
}

static GArray *pending_keys;

static gboolean
settled (MwbTui *t)
{
	if (!tui_is_idle (t) || g_main_context_pending (NULL)) {
		t->settle_polls = 0;
		return FALSE;
	}
	/* Twice in a row: a reply that was already on its way has landed. */
	return ++t->settle_polls >= 2;
}

static gboolean
play_script (gpointer data)
{
	MwbTui *t = data;

	if (t->quitting)
		return G_SOURCE_CONTINUE;
	if (!settled (t))
		return G_SOURCE_CONTINUE;
	while (!pending_keys || pending_keys->len == 0) {
		g_autoptr (GError) err = NULL;
		const char *line;

		if (t->script_line >= t->script->len) {
			tui_refresh_files (t);
			tui_draw (t);
			tui_quit (t, t->exit_status);
			return G_SOURCE_CONTINUE;
		}
		line = t->script->pdata[t->script_line++];
		line += strspn (line, " \t");
		if (!*line || *line == '#')
			continue;
		if (g_str_has_prefix (line, "::")) {
			tui_refresh_files (t);
			command_run (t, line + 2);
			t->settle_polls = 0;
			return G_SOURCE_CONTINUE;
		}
		g_clear_pointer (&pending_keys, g_array_unref);
		pending_keys = line_keys (line, &err);
		if (!pending_keys) {
			/* A broken script is a broken test: say where, and stop. */
			g_printerr ("%s:%u: %s\n", t->script_file, t->script_line, err->message);
			t->exit_status = 2;
			tui_quit (t, 2);
			return G_SOURCE_CONTINUE;
		}
	}
	/* What the key sees is what the screen shows: files and tails as of now. */
	tui_refresh_files (t);
	if (t->need_redraw || t->need_layout)
		tui_draw (t);
	{
		int key = g_array_index (pending_keys, int, 0);

		g_array_remove_index (pending_keys, 0);
		tui_handle_key (t, key);
	}
	t->settle_polls = 0;
	return G_SOURCE_CONTINUE;
}

gboolean
input_init (MwbTui *t, const char *script_path, GError **error)
{
	if (script_path) {
		g_autofree char *text = NULL;
		g_auto (GStrv) lines = NULL;

		if (!g_file_get_contents (script_path, &text, NULL, error))
			return FALSE;
		lines = g_strsplit (text, "\n", -1);
		t->script = g_ptr_array_new_with_free_func (g_free);
		for (guint i = 0; lines[i]; i++)
			g_ptr_array_add (t->script, g_strdup (lines[i]));
		t->script_file = g_strdup (script_path);
		t->script_timer = g_timeout_add (5, play_script, t);
		return TRUE;
	}
	t->stdin_watch = g_unix_fd_add (STDIN_FILENO, G_IO_IN, on_stdin, t);
	return TRUE;
}

void
input_end (MwbTui *t)
{
	if (t->script_timer)
		g_source_remove (t->script_timer);
	if (t->stdin_watch)
		g_source_remove (t->stdin_watch);
	t->script_timer = t->stdin_watch = 0;
	g_clear_pointer (&t->script, g_ptr_array_unref);
	g_clear_pointer (&t->script_file, g_free);
	g_clear_pointer (&pending_keys, g_array_unref);
}
