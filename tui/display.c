/* The only file that starts and ends curses: the screen, its colours with
 * a monochrome fallback, suspending it for gdb, and dumping it as text for
 * the scripted tests. Everything draws into stdscr through pane_put(), so
 * a dump is the screen row by row. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "mwb-error.h"
#include "tui.h"

static SCREEN *screen;
static FILE *screen_out;
static FILE *screen_in;

typedef struct {
	short fg, bg;
	attr_t color_attr;	/* added to the pair when colours are on */
	attr_t mono;		/* the whole look when they are off */
} ColorDef;

static const ColorDef color_defs[MWB_C_COUNT] = {
	[MWB_C_NORMAL] = { -1, -1, 0, 0 },
	[MWB_C_TITLE] = { COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE },
	[MWB_C_TITLE_FOCUS] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[MWB_C_CURSOR] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[MWB_C_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[MWB_C_OK] = { COLOR_GREEN, -1, 0, 0 },
	[MWB_C_FAIL] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[MWB_C_RUNNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[MWB_C_SKIP] = { COLOR_MAGENTA, -1, 0, A_DIM },
	[MWB_C_PENDING] = { -1, -1, 0, 0 },
	[MWB_C_NEXT] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[MWB_C_BREAK] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[MWB_C_COMMAND] = { COLOR_CYAN, -1, 0, 0 },
	[MWB_C_REPLY] = { -1, -1, 0, 0 },
	[MWB_C_EVENT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[MWB_C_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[MWB_C_ANNOT] = { COLOR_GREEN, -1, 0, A_UNDERLINE },
	[MWB_C_MATCH] = { COLOR_BLACK, COLOR_YELLOW, 0, A_STANDOUT },
};

static gboolean colors_on;

attr_t
display_attr (MwbTui *t, MwbColor c)
{
	(void) t;
	if (!colors_on)
		return color_defs[c].mono;
	return COLOR_PAIR (c + 1) | color_defs[c].color_attr;
}

static void
init_colors (MwbTui *t)
{
	/* https://no-color.org: any non-empty value. */
	const char *nc = g_getenv ("NO_COLOR");

	t->no_color = nc && *nc;
	colors_on = !t->no_color && has_colors ();
	if (!colors_on)
		return;
	start_color ();
	use_default_colors ();
	for (int i = 0; i < MWB_C_COUNT; i++)
		init_pair (i + 1, color_defs[i].fg, color_defs[i].bg);
}

/* Scripted runs have no terminal: curses writes to /dev/null and the size
 * comes from LINES and COLUMNS, so dumps are the same on any machine. */
gboolean
display_init (MwbTui *t, GError **error)
{
	if (t->headless) {
		screen_out = fopen ("/dev/null", "we");
		screen_in = fopen ("/dev/null", "re");
		if (!screen_out || !screen_in) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "/dev/null: %s", g_strerror (errno));
			return FALSE;
		}
		screen = newterm (NULL, screen_out, screen_in);
	} else {
		screen = newterm (NULL, stdout, stdin);
	}
	if (!screen) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO,
			     "cannot start the screen on terminal type '%s'",
			     g_getenv ("TERM") ? g_getenv ("TERM") : "(unset)");
		return FALSE;
	}
	set_term (screen);
	cbreak ();
	noecho ();
	nonl ();
	keypad (stdscr, TRUE);
	nodelay (stdscr, TRUE);
	curs_set (0);
	/* <Esc> alone must not wait a second for a sequence that never comes. */
	set_escdelay (50);
	init_colors (t);
	getmaxyx (stdscr, t->rows, t->cols);
	return TRUE;
}

void
display_end (void)
{
	if (!screen)
		return;
	endwin ();
	delscreen (screen);
	screen = NULL;
	if (screen_out)
		fclose (screen_out);
	if (screen_in)
		fclose (screen_in);
	screen_out = screen_in = NULL;
}

/* For gdb in the foreground: the terminal as the shell had it. */
void
display_suspend (void)
{
	if (screen)
		endwin ();
}

void
display_resume (MwbTui *t)
{
	if (!screen)
		return;
	reset_prog_mode ();
	clearok (curscr, TRUE);
	display_resize (t);
}

void
display_resize (MwbTui *t)
{
	struct winsize ws;

	if (!t->headless && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term (ws.ws_row, ws.ws_col);
	getmaxyx (stdscr, t->rows, t->cols);
	/* What the terminal kept of the old size is garbage now: repaint all. */
	clearok (curscr, TRUE);
	t->need_layout = TRUE;
	tui_redraw_soon (t);
}

/* Characters, not bytes, fill the width: a wide character takes two
 * cells, a combining one none; control characters and bytes that are not
 * UTF-8 show as '?', so nothing can move the cursor. */
void
pane_put (MwbPane *p, int row, int col, MwbColor c, const char *text)
{
	int avail = p->w - col;
	int y = p->y + row;
	g_autoptr (GString) out = NULL;
	int used = 0;

	if (avail <= 0 || row < 0 || row >= p->h || y >= LINES)
		return;
	out = g_string_new (NULL);
	for (const char *s = text; *s && used < avail;) {
		gunichar ch = g_utf8_get_char_validated (s, -1);
		gsize len;
		int w;

		if (ch == (gunichar) -1 || ch == (gunichar) -2) {
			g_string_append_c (out, '?');
			used++;
			s++;
			continue;
		}
		len = g_utf8_next_char (s) - s;
		w = ch < 32 || ch == 127 ? -1 : wcwidth ((wchar_t) ch);
		if (w < 0) {
			g_string_append_c (out, '?');
			used++;
		} else if (used + w <= avail) {
			g_string_append_len (out, s, len);
			used += w;
		} else {
			break;
		}
		s += len;
	}
	attrset (display_attr (p->tui, c));
	mvaddnstr (y, p->x + col, out->str, (int) out->len);
	attrset (A_NORMAL);
}

void
pane_fill (MwbPane *p, int row, MwbColor c)
{
	int y = p->y + row;

	if (row < 0 || row >= p->h || y >= LINES)
		return;
	attrset (display_attr (p->tui, c));
	mvhline (y, p->x, ' ', p->w);
	attrset (A_NORMAL);
}

void
pane_title (MwbPane *p, const char *title)
{
	MwbColor c = p == p->tui->focus ? MWB_C_TITLE_FOCUS : MWB_C_TITLE;

	pane_fill (p, 0, c);
	pane_put (p, 0, 0, c, title);
}

/* Row by row, trailing blanks trimmed: what a user would read off the
 * screen. With a pane, only its rectangle (tests compare the parts of a
 * live run that do not change from run to run). */
gboolean
display_save (MwbTui *t, const char *path, const MwbPane *only, GError **error)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *row = g_malloc (t->cols * 4 + 1);
	int y0 = only ? only->y : 0, x0 = only ? only->x : 0;
	int h = only ? only->h : t->rows, w = only ? only->w : t->cols;

	for (int y = y0; y < y0 + h && y < t->rows; y++) {
		int n = mvinnstr (y, x0, row, MIN (w, t->cols - x0));

		if (n < 0)
			n = 0;
		row[n] = 0;
		g_strchomp (row);
		g_string_append_printf (out, "%s\n", row);
	}
	return g_file_set_contents (path, out->str, out->len, error);
}
