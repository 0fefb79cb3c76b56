/* Live migration progress for the status line, read from the QMP traffic
 * the log pane already sees: query-migrate replies and MIGRATION /
 * MIGRATION_PASS events. Pure: fed JSON text, no curses. */
#pragma once

#include <glib.h>

typedef struct {
	char *status;		/* "active", "completed", ... or NULL before any */
	gint64 transferred;	/* bytes; -1 unknown */
	gint64 remaining;
	double mbps;		/* QEMU's own throughput figure, -1 unknown */
	gint64 dirty_syncs;	/* ram.dirty-sync-count, or MIGRATION_PASS count */
	gint64 passes;		/* MIGRATION_PASS events seen */
} MwbProgress;

void mwb_progress_init (MwbProgress *p);
void mwb_progress_clear (MwbProgress *p);
/* A QMP message from the source (reply or event); others are ignored. */
void mwb_progress_feed (MwbProgress *p, const char *json);
/* "migration active: 45.2 MiB sent, 80.1 MiB left, 312 Mbps, sync 3", or NULL. */
char *mwb_progress_describe (const MwbProgress *p);
/* "512 B", "1.5 MiB": sizes for the screen. */
char *mwb_format_bytes (gint64 n);
