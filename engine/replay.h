/* A recorded test log turned back into tests and steps: meson's testlog.txt,
 * migration-test's own GLib TAP (with or without QTEST_LOG), zdtm.py's
 * output, CRIU's dump/restore logs, TAP from any producer, and mwb's own
 * run journals.
 *
 * The file is read once, in chunks, and never held in memory: a log's
 * records are items naming byte ranges of the file (a run of plain lines
 * from one source, one QMP exchange, a run of like polls folded into one),
 * read back only when a step is replayed. A 300 MB QTEST_LOG costs a few
 * thousand items. */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "sink.h"

typedef enum {
	MWB_REPLAY_AUTO,
	MWB_REPLAY_MESON,	/* meson's testlog.txt */
	MWB_REPLAY_GTAP,	/* a GLib test program's TAP (migration-test) */
	MWB_REPLAY_TAP,		/* TAP from any producer (libvirt-tck) */
	MWB_REPLAY_ZDTM,	/* zdtm.py's output */
	MWB_REPLAY_CRIU,	/* a CRIU dump.log / restore.log */
	MWB_REPLAY_JOURNAL,	/* mwb's journal.jsonl */
} MwbReplayFormat;

typedef enum {
	MWB_RV_PASS,
	MWB_RV_FAIL,
	MWB_RV_SKIP,
	MWB_RV_TIMEOUT,
	MWB_RV_UNFINISHED,	/* the log ends inside the test */
	MWB_RV_NOTRUN,		/* planned and not skipped, never reached */
} MwbReplayVerdict;

typedef enum {
	MWB_RI_TEXT,		/* plain lines */
	MWB_RI_QMP,		/* QMP lines: a command, its reply, an event */
	MWB_RI_JOURNAL,		/* mwb journal "log" records, one per line */
} MwbReplayItemKind;

typedef struct {
	guint64 off, end;	/* bytes [off, end) of the file */
	guint64 skip_from, skip_to;	/* folded: the like exchanges not shown */
	guint64 line;		/* of the first line */
	guint32 n_lines;	/* lines shown (folded: first and last exchange) */
	guint32 folds;		/* > 1: this many like exchanges folded into one */
	guint32 key;		/* QMP: a hash of the polling command's name */
	guint16 source;		/* index into the log's sources */
	guint8 kind;		/* MwbReplayItemKind */
	guint8 poll;		/* QMP: a command that polls, so its exchanges may fold */
	guint8 is_command;	/* QMP: the item starts with a command */
} MwbReplayItem;

typedef struct {
	char *name;		/* "start-src", "wait-done", "dump-2" */
	char *about;
	MwbStepState state;	/* OK, FAILED, SKIPPED */
	char *reason;
	guint64 line;
	guint first_item, n_items;
} MwbReplayStep;

typedef struct {
	char *path;		/* "/x86_64/migration/precopy/unix/plain", "zdtm/static/env00" */
	char *flavor;		/* zdtm's "h", "ns", "uns", or NULL */
	MwbReplayVerdict verdict;
	double duration_s;	/* < 0: unknown */
	int tap_number;		/* 0: none */
	guint64 line;		/* of the test's first line */
	char *reason;		/* a SKIP's reason, a TAP description */
	char *named_by;		/* how the path was worked out when the log hides it */
	char *cause;		/* the first error line */
	char *process;		/* "destination QEMU died from signal 6 (Aborted)" */
	char *memory;		/* "12 pages differ, 0x500000..0x2900000 (10 listed)" */
	char *result;		/* "migration-test killed by signal 6 SIGABRT" */
	int failed_step;	/* -1: none */
	GPtrArray *steps;	/* MwbReplayStep* */
} MwbReplayTest;

typedef struct _MwbReplayLog MwbReplayLog;

struct _MwbReplayLog {
	char *file;
	MwbReplayFormat format;
	char *about;		/* "meson testlog: 1 program" */
	char *qemu_version;	/* from a QMP greeting, or NULL */
	GPtrArray *tests;	/* MwbReplayTest* */
	GArray *items;		/* MwbReplayItem; empty unless asked for */
	GPtrArray *sources;	/* char*: item source names */
	guint unreached_skips;	/* tests after a bail-out that -s would have skipped */
	guint64 size;
	guint64 n_lines;
	gboolean truncated;	/* the last line had no newline, or NULs ran to the end */
	int fd;			/* to read items back; -1 with bytes */
	GBytes *bytes;		/* the log itself, when parsed from memory */
};

/* What to parse with: order is migration-test's test paths in TAP order
 * (the catalogue's), used to name a test TAP hides; may be NULL. */
typedef struct {
	MwbReplayFormat format;	/* AUTO: from the content */
	const char *const *order;
	const char *order_from;	/* "QEMU 7.2's migration-test" */
	gboolean items;		/* keep items, for stepping through (not --summary) */
} MwbReplayOptions;

/* NULL with error only when the file cannot be read. */
MwbReplayLog *mwb_replay_load (const char *file, const MwbReplayOptions *opt, GError **error);
MwbReplayLog *mwb_replay_parse_bytes (const char *name, GBytes *bytes, const MwbReplayOptions *opt);
void mwb_replay_log_free (MwbReplayLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbReplayLog, mwb_replay_log_free)

/* "meson", "gtap", ...; MWB_REPLAY_AUTO for an unknown name. */
MwbReplayFormat mwb_replay_format_from_name (const char *name);
const char *mwb_replay_format_name (MwbReplayFormat f);
const char *mwb_replay_verdict_name (MwbReplayVerdict v);
/* A failure for the exit status: FAIL, TIMEOUT, UNFINISHED, NOTRUN. */
gboolean mwb_replay_verdict_is_bad (MwbReplayVerdict v);
/* The first test that failed, or -1. */
int mwb_replay_first_failure (const MwbReplayLog *log);

/* The lines an item shows, cleaned (no CR, NUL or escape codes); a fold
 * shows its first and last exchange around a line saying what it hides,
 * and a run of more than max_lines plain lines its head and tail. */
GPtrArray *mwb_replay_item_lines (MwbReplayLog *log, const MwbReplayItem *it, guint max_lines);

/* Batch output: a line per test, the causes under failures; --json. */
void mwb_replay_print_summary (FILE *out, const MwbReplayLog *log);
void mwb_replay_print_json (FILE *out, const MwbReplayLog *log);
/* 0: every test passed or was skipped; 1: one failed, timed out, or never
 * finished; 2: no test in the log. */
int mwb_replay_exit_status (const MwbReplayLog *log);
