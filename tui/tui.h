/* The workbench: one more sink of the engine, drawn with curses. This
 * header is shared by the files of tui/; the engine never sees it.
 *
 * Flow of a key: input.c reads it (terminal or MWB_SCRIPT) -> the keymap
 * gives an action -> the focused pane's request() may take it -> else
 * tui_do() in app.c. Handlers only change state and ask for a redraw; the
 * one redraw happens when the main loop is idle. */
#pragma once

#include <curses.h>
#include <glib.h>

#include "actions.h"
#include "catalog.h"
#include "keymap.h"
#include "logbook.h"
#include "progress.h"
#include "run-config.h"
#include "runner.h"

typedef struct _MwbTui MwbTui;
typedef struct _MwbPane MwbPane;

/* Semantic colours, each with a monochrome fallback (the attribute). */
typedef enum {
	MWB_C_NORMAL,
	MWB_C_TITLE,		/* pane title rows */
	MWB_C_TITLE_FOCUS,
	MWB_C_CURSOR,		/* the selected line */
	MWB_C_STATUS,		/* the status line */
	MWB_C_OK,
	MWB_C_FAIL,
	MWB_C_RUNNING,
	MWB_C_SKIP,
	MWB_C_PENDING,
	MWB_C_NEXT,		/* the step that runs next */
	MWB_C_BREAK,
	MWB_C_COMMAND,		/* QMP mwb -> QEMU */
	MWB_C_REPLY,
	MWB_C_EVENT,
	MWB_C_DIM,
	MWB_C_ANNOT,		/* hexdump annotations */
	MWB_C_MATCH,		/* search hits */
	MWB_C_COUNT
} MwbColor;

typedef struct {
	const char *name;	/* keymap pane name: "list", "steps", ... */
	/* Lines in the pane's list (for the generic cursor movement). */
	guint (*count) (MwbPane *p);
	void (*draw) (MwbPane *p);
	/* TRUE: the pane took the action. */
	gboolean (*request) (MwbPane *p, MwbAction a);
	/* Moves the cursor to the next match at or after (before) the cursor. */
	gboolean (*search) (MwbPane *p, const char *pattern, gboolean backward);
	/* A printable key that no binding took (filter as you type). */
	gboolean (*key) (MwbPane *p, int key);
	/* Rows at the bottom the pane keeps for a line of its own, out of
	 * the list's reach (pane_rows() leaves them out); may be NULL. */
	int (*footer_rows) (MwbPane *p);
	void (*destroy) (gpointer priv);
} MwbPaneOps;

struct _MwbPane {
	const MwbPaneOps *ops;
	MwbTui *tui;
	int y, x, h, w;		/* rectangle on the screen, title row included */
	guint cursor;
	guint top;
	gboolean follow;	/* the cursor sticks to the last line as lines come */
	gboolean visible;
	gpointer priv;
};

typedef enum {
	MWB_MODE_LIST,		/* choosing a scenario */
	MWB_MODE_RUN,		/* a scenario is loaded */
} MwbMode;

struct _MwbTui {
	GMainLoop *loop;
	MwbMode mode;
	int rows, cols;
	gboolean need_redraw;
	gboolean need_layout;
	guint redraw_idle;
	gboolean quitting;
	int exit_status;
	gboolean no_color;
	gboolean mouse;
	gboolean headless;	/* MWB_SCRIPT without a terminal */

	/* configuration */
	MwbRunConfig *cfg;
	GPtrArray *catalog;	/* MwbScenario*, every scenario known */
	GPtrArray *live_catalog;	/* replaying: the scenarios :rerun can start, or NULL */
	MwbKeymap *keymap;
	char *state_dir;	/* $XDG_STATE_HOME/mwb */

	/* the run */
	MwbScenario *scn;
	MwbRunner *runner;
	MwbLogbook *log;
	MwbProgress progress;
	GArray *step_durations;	/* double, by step */
	GPtrArray *step_reasons;	/* char*, by step: why it failed or was skipped */
	gboolean busy;		/* a teardown or restart is in flight */
	GHashTable *tails;	/* run-dir file -> bytes already read (valgrind logs) */
	guint tick;		/* refreshes elapsed time and the files pane */
	guint signal_ids[4];

	/* panes */
	MwbPane *list, *steps, *about, *logp, *files, *viewer, *help;
	MwbPane *panes[4];	/* focus order in run mode */
	guint n_panes;
	MwbPane *focus;
	MwbPane *overlay;	/* help, drawn over everything */

	/* the bottom line */
	char *message;
	MwbColor message_color;
	gboolean prompt_active;
	char *last_search;
	gboolean search_prompt;	/* the prompt is a `/` search, not a command */

	/* scripted input */
	GPtrArray *script;	/* lines still to play */
	guint script_line;
	char *script_file;
	guint script_timer;
	guint stdin_watch;
	guint settle_polls;
};

/* app.c */
MwbTui *tui_new (MwbRunConfig *cfg, GPtrArray *catalog, MwbKeymap *keymap, gboolean headless);
void tui_free (MwbTui *t);
void tui_refresh_files (MwbTui *t);
void tui_do (MwbTui *t, MwbAction a);
void tui_redraw_soon (MwbTui *t);
void tui_message (MwbTui *t, MwbColor c, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
gboolean tui_open_scenario (MwbTui *t, MwbScenario *scn, GError **error);
void tui_quit (MwbTui *t, int status);
void tui_restart (MwbTui *t);
/* Leaves a replay for a live run of the same scenario (zdtm: in flavor). */
void tui_rerun (MwbTui *t, MwbScenario *live, const char *flavor);
void tui_focus (MwbTui *t, MwbPane *p);
void tui_close_viewer (MwbTui *t);
void tui_layout (MwbTui *t);
void tui_draw (MwbTui *t);
gboolean tui_is_idle (MwbTui *t);
/* FALSE, with a message saying so, when no scenario is open. */
gboolean tui_need_runner (MwbTui *t);
void tui_handle_key (MwbTui *t, int key);
void tui_land_on_failure (MwbTui *t);

/* display.c */
gboolean display_init (MwbTui *t, GError **error);
void display_end (void);
void display_suspend (void);
void display_resume (MwbTui *t);
void display_resize (MwbTui *t);
attr_t display_attr (MwbTui *t, MwbColor c);
/* Writes text clipped to the pane's width at (row, col) inside the pane. */
void pane_put (MwbPane *p, int row, int col, MwbColor c, const char *text);
void pane_fill (MwbPane *p, int row, MwbColor c);
void pane_title (MwbPane *p, const char *title);
gboolean display_save (MwbTui *t, const char *path, const MwbPane *only, GError **error);

/* pane.c: the generic list cursor */
MwbPane *pane_new (MwbTui *t, const MwbPaneOps *ops, gpointer priv);
void pane_free (MwbPane *p);
gboolean pane_move (MwbPane *p, MwbAction a);
void pane_set_cursor (MwbPane *p, guint line);
void pane_scroll_to_cursor (MwbPane *p);
/* Body rows (without the title). */
int pane_rows (MwbPane *p);
/* Moves the cursor to the next line (wrapping around, the cursor's own line
 * last) for which match says yes; FALSE when none does. */
gboolean pane_find (MwbPane *p, guint n, gboolean backward,
		    gboolean (*match) (MwbPane *p, guint line, const char *pattern), const char *pattern);

/* pane-*.c */
MwbPane *pane_list_new (MwbTui *t);
MwbScenario *pane_list_selected (MwbPane *p);
MwbPane *pane_steps_new (MwbTui *t);
MwbPane *pane_about_new (MwbTui *t);
MwbPane *pane_log_new (MwbTui *t);
void pane_log_show (MwbPane *p, const char *view);
void pane_log_show_from (MwbPane *p, const char *view, guint item);
void pane_log_reset (MwbPane *p);
void pane_log_land (MwbPane *p, int step);
const char *pane_log_view_name (MwbPane *p);
MwbPane *pane_files_new (MwbTui *t);
void pane_files_refresh (MwbPane *p);
const char *pane_files_selected (MwbPane *p);
GPtrArray *pane_files_names (MwbPane *p);
MwbPane *pane_viewer_new (MwbTui *t);
gboolean pane_viewer_open (MwbPane *p, const char *path, GError **error);
/* Shows text that is no file (crit's output) under a title. */
gboolean pane_viewer_show_text (MwbPane *p, const char *title, const char *text, gsize len);
gboolean pane_viewer_goto (MwbPane *p, const char *where, GError **error);
/* Moves the cursor to the record that last sent the guest page holding
 * ADDR ("ADDR [BLOCK]"), in a migration stream. */
gboolean pane_viewer_page (MwbPane *p, const char *args, GError **error);
GPtrArray *pane_viewer_ram_blocks (MwbPane *p);
void pane_viewer_close (MwbPane *p);
gboolean pane_viewer_is_open (MwbPane *p);
MwbPane *pane_help_new (MwbTui *t);
/* steps pane: the about box under the steps */
int pane_steps_about_rows (MwbPane *p, int width);

/* input.c */
gboolean input_init (MwbTui *t, const char *script_path, GError **error);
void input_end (MwbTui *t);

/* cmdline.c: readline in the bottom line */
void cmdline_init (MwbTui *t);
void cmdline_end (MwbTui *t);
void cmdline_open (MwbTui *t, const char *initial, gboolean search);
void cmdline_feed (MwbTui *t, int key);
void cmdline_draw (MwbTui *t);
/* Runs one command line as if typed after ':'. */
void command_run (MwbTui *t, const char *line);
char **command_complete (MwbTui *t, const char *text, int start, const char *line);
void command_complete_free (void);
const char *const *command_names (void);
char *command_help_text (void);

/* debug.c */
void debug_gdb (MwbTui *t, const char *role);
void debug_bt (MwbTui *t, const char *role);
gboolean debug_set_wrap (MwbTui *t, const char *role, const char *prefix, GError **error);
