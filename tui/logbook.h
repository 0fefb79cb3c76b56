/* The log pane's model: every record a run produced, and the views the pane
 * shows as tabs (one per source, plus "all" merging them). QMP messages are
 * decoded once: commands and replies are paired by id and shown as one line
 * each; a run of the same query (query-migrate polled every 100 ms) folds
 * into one item with a count that Enter expands. No curses here, so the
 * model is unit-tested on its own. */
#pragma once

#include <glib.h>

#include "sink.h"

typedef enum {
	MWB_LB_PLAIN,		/* engine messages, stderr, serial, bt output */
	MWB_LB_COMMAND,		/* mwb -> QEMU */
	MWB_LB_REPLY,		/* QEMU -> mwb: return */
	MWB_LB_ERROR,		/* QEMU -> mwb: error, or a failure line */
	MWB_LB_EVENT,		/* QEMU -> mwb: asynchronous event */
	MWB_LB_GREETING,
} MwbLbKind;

typedef struct {
	gint64 t_us;
	char *source;		/* "qmp-src" */
	char *side;		/* "src", or NULL */
	MwbLbKind kind;
	char *text;		/* as received (JSON, or a line) */
	char *summary;		/* one line: "-> query-migrate", "<- event STOP" */
	char *command;		/* commands, and replies paired with theirs */
	char *poll_key;		/* commands that may fold: side + command + args */
	int step;
} MwbLbRecord;

typedef struct {
	GArray *recs;		/* guint indices into the book's records */
	char *poll_key;		/* a foldable run, or NULL */
	gboolean expanded;
} MwbLbItem;

typedef struct {
	char *name;		/* "all", "qmp-src", ... */
	GPtrArray *items;	/* MwbLbItem* */
} MwbLbView;

typedef struct _MwbLogbook MwbLogbook;

MwbLogbook *mwb_logbook_new (void);
void mwb_logbook_free (MwbLogbook *lb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbLogbook, mwb_logbook_free)
void mwb_logbook_clear (MwbLogbook *lb);

void mwb_logbook_add (MwbLogbook *lb, const MwbLogRecord *rec);
/* A plain line (bt output, a command's answer, a tailed file). */
void mwb_logbook_add_line (MwbLogbook *lb, gint64 t_us, const char *source, const char *text,
			   MwbLbKind kind);

guint mwb_logbook_n_views (MwbLogbook *lb);
MwbLbView *mwb_logbook_view (MwbLogbook *lb, guint index);
/* -1 when there is no such view yet. */
int mwb_logbook_view_index (MwbLogbook *lb, const char *name);
const MwbLbRecord *mwb_logbook_record (MwbLogbook *lb, guint index);
guint mwb_logbook_n_records (MwbLogbook *lb);

/* An item as the lines it shows: one when folded, header + records when
 * expanded; a single JSON record expands into pretty-printed JSON. Each
 * line's kind (for colour) goes into kinds when not NULL. */
GPtrArray *mwb_logbook_item_lines (MwbLogbook *lb, const MwbLbView *view, const MwbLbItem *item,
				   GArray *kinds);
/* The item that holds the last record of step (for landing on a failure), or -1. */
int mwb_logbook_last_item_of_step (MwbLogbook *lb, const MwbLbView *view, int step);
