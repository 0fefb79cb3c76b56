/* Inside the replay parser: one pass over a log's lines, each format a line
 * handler that opens tests and steps and files lines into items. */
#pragma once

#include "replay.h"

typedef struct {
	const char *s;		/* cleaned: no CR, NUL, escape codes; valid UTF-8 */
	gsize len;
	guint64 off, end;	/* the raw bytes in the file */
	guint64 lineno;
} RpLine;

typedef struct _Rp Rp;
typedef void (*RpLineFunc) (Rp *rp, const RpLine *l);

/* What a migration-test log said about the test in flight. */
typedef struct {
	guint n_started;	/* QEMUs started */
	gboolean src_quit;	/* the source's qtest session closed */
	char *greet_side;	/* the side the next greeting belongs to */
	char *last_cmd;		/* the last command's text, for "the same to both sides" */
	char *last_cmd_side;
	char *qtest_side;	/* of the qtest session being logged */
	guint qtest_sessions;
	gboolean migrated;	/* a migrate command was seen */
	double qtest_clock;	/* the largest qtest timestamp: a lower bound of the duration */
	/* Memory content inconsistency */
	guint bad_listed, bad_more;
	guint64 bad_lo, bad_hi;
	/* what each side complained about, to tell which QEMU died */
	gboolean src_complained, dst_complained;
	int death_signal;
	char *death_name;
	char *assert_func;	/* the failed assertion's function */
} RpQemu;

struct _Rp {
	MwbReplayLog *log;
	const MwbReplayOptions *opt;
	RpLineFunc line;
	GHashTable *source_ids;	/* name -> index + 1 */

	/* the test being built, not yet in log->tests */
	MwbReplayTest *cur;
	gboolean cur_content;	/* more than comments: a QEMU, QMP, an error */
	gboolean cur_bailed;
	guint cur_first_item;
	MwbReplayStep *step;

	/* TAP */
	GPtrArray *nest;	/* "# Start of X tests" */
	int plan;		/* N of 1..N, or -1 */
	int last_num;		/* of the last result line */
	char *last_path;
	guint n_results;
	gboolean bailed;
	RpQemu q;

	/* meson */
	int meson_part;		/* 0 header, 1 stdout, 2 stderr, 3 after */
	char *meson_name;
	char *meson_result;
	double meson_duration;
	GPtrArray *skip_args;	/* -s PATH */
	GPtrArray *only_args;	/* -p PATH */
	guint meson_first_test;
	guint n_meson;

	/* zdtm */
	gboolean in_grep;
	char *grep_source;	/* "dump.log" */
	gboolean in_test_output;

	/* CRIU log: a section is a title between two rules */
	int criu_section;	/* 1: after a rule, 2: after its title */
	char *criu_title;

	/* journal */
	GPtrArray *journal_steps;	/* index -> MwbReplayStep*, of cur */
};

/* replay-lines.c: raw bytes to cleaned lines. */
void rp_clean (GString *out, const char *raw, gsize len);
/* Where a qtest record ("[R +0.1] read ...") starts inside raw after its
 * first byte, or 0: QTEST_LOG's lines land in the middle of others. */
gboolean rp_is_qtest (const char *s, gsize len);
gsize rp_qtest_split (const char *raw, gsize len);
/* One raw line (without its newline; off..end in the file, newline
 * included) as its cleaned pieces, blank ones left out. */
void rp_raw_line (GString *scratch, const char *raw, gsize len, guint64 off, guint64 end,
		  guint64 lineno, void (*func) (const RpLine *l, gpointer data), gpointer data);
/* Splits [buf, buf+len) into lines and pieces, cleaned; empty ones are
 * left out. base is buf's offset in the file. */
void rp_each_line (const char *buf, gsize len, guint64 base,
		   void (*func) (const RpLine *l, gpointer data), gpointer data);

/* replay.c: building tests, steps and items. */
guint16 rp_source (Rp *rp, const char *name);
MwbReplayTest *rp_test (Rp *rp, guint64 line);
MwbReplayStep *rp_step (Rp *rp, const char *name, guint64 line);
/* rp_step, and what the step is about when it has no words yet. */
void rp_step_about (Rp *rp, const char *name, guint64 line, const char *about);
void rp_text (Rp *rp, const RpLine *l, const char *source);
/* A journal "log" record, read back as JSON when replayed. */
void rp_journal_record (Rp *rp, const RpLine *l);
/* A QMP line; key names a command that polls and may fold ("query-migrate"). */
void rp_qmp (Rp *rp, const RpLine *l, const char *source, gboolean is_command, const char *key);
/* Into log->tests; the last step fails when the verdict is bad. */
void rp_test_finish (Rp *rp);
/* Drops cur and its items (comments between tests). */
void rp_test_drop (Rp *rp);
void rp_set (char **field, const char *value);
/* Text after prefix, when line starts with it. */
const char *rp_after (const RpLine *l, const char *prefix);

/* The format handlers. */
void rp_tap_line (Rp *rp, const RpLine *l);
void rp_tap_end (Rp *rp);
void rp_meson_line (Rp *rp, const RpLine *l);
void rp_meson_end (Rp *rp);
void rp_zdtm_line (Rp *rp, const RpLine *l);
void rp_zdtm_end (Rp *rp);
void rp_criu_line (Rp *rp, const RpLine *l);
void rp_criu_end (Rp *rp);
void rp_journal_line (Rp *rp, const RpLine *l);
void rp_journal_end (Rp *rp);
MwbReplayFormat rp_detect (const char *buf, gsize len);

/* replay-infer.c: what the log does not say outright. */
/* Names cur (a test TAP did not name) from the plan, the last result, the
 * nesting, -p/-s and the catalogue's order; adds the tests a bail-out kept
 * from running. */
void rp_infer_name (Rp *rp);
void rp_infer_not_run (Rp *rp);
/* The process, memory and cause lines of a failed migration-test test. */
void rp_infer_qemu (Rp *rp);
/* "12 pages differ ..." from the inconsistency lines. */
void rp_note_inconsistency (Rp *rp, const char *text);
