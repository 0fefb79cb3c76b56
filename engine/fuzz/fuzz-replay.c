/* libFuzzer target for the replay parser (engine/replay*.c).
 *
 * Input: a first byte picking the format (auto, meson, gtap, tap, zdtm,
 * criu, journal), then the log's bytes, NULs and \r included.
 *
 * Beyond not crashing:
 *  - every test has a path and at least one step, a failed step exists
 *    exactly when the verdict is a failure (NOT RUN included);
 *  - steps' items lie inside the item array, in order, and every item's
 *    byte range lies inside the log, off before end;
 *  - every item reads back (as the workbench would) without a crash;
 *  - the same bytes give the same verdicts twice.
 *
 * criu-log.c's tail and journal.c's writer talk to the runner; the parser
 * uses neither (only mwb_json_escape), so the runner's functions are stubs
 * here that must never be called. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "replay.h"
#include "runner.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

void
mwb_runner_log (MwbRunner *runner, const char *source, MwbLogDir dir, gboolean is_json, const char *text)
{
	(void) runner, (void) source, (void) dir, (void) is_json, (void) text;
	abort ();
}

MwbScenario *
mwb_runner_scenario (MwbRunner *runner)
{
	(void) runner;
	abort ();
}

char *
mwb_runner_step_about (MwbRunner *runner, guint index)
{
	(void) runner, (void) index;
	abort ();
}

gint64
mwb_runner_start_time (MwbRunner *runner)
{
	(void) runner;
	abort ();
}

static const char *const order[] = {
	"/x86_64/migration/bad_dest", "/x86_64/migration/postcopy/plain",
	"/x86_64/migration/precopy/unix/plain", NULL,
};

static void
check (MwbReplayLog *log)
{
	guint next_item = 0;

	for (guint i = 0; i < log->tests->len; i++) {
		MwbReplayTest *t = log->tests->pdata[i];
		gboolean failed = FALSE;

		if (!t->path || !t->steps->len)
			abort ();
		for (guint j = 0; j < t->steps->len; j++) {
			MwbReplayStep *st = t->steps->pdata[j];

			failed |= st->state == MWB_STEP_FAILED;
			if (st->first_item < next_item || st->first_item + st->n_items > log->items->len)
				abort ();
			next_item = st->first_item + st->n_items;
		}
		if (failed != mwb_replay_verdict_is_bad (t->verdict))
			abort ();
	}
	for (guint i = 0; i < log->items->len; i++) {
		MwbReplayItem *it = &g_array_index (log->items, MwbReplayItem, i);
		g_autoptr (GPtrArray) lines = NULL;

		if (it->off >= it->end || it->end > log->size)
			abort ();
		lines = mwb_replay_item_lines (log, it, 8);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	MwbReplayOptions opt = { 0 };
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (MwbReplayLog) a = NULL;
	g_autoptr (MwbReplayLog) b = NULL;
	FILE *null;

	if (!size)
		return 0;
	opt.format = data[0] % 7;
	opt.order = order;
	opt.items = TRUE;
	bytes = g_bytes_new (data + 1, size - 1);
	a = mwb_replay_parse_bytes ("fuzz.log", bytes, &opt);
	check (a);
	opt.items = FALSE;
	b = mwb_replay_parse_bytes ("fuzz.log", bytes, &opt);
	if (a->tests->len != b->tests->len)
		abort ();
	for (guint i = 0; i < a->tests->len; i++)
		if (((MwbReplayTest *) a->tests->pdata[i])->verdict != ((MwbReplayTest *) b->tests->pdata[i])->verdict)
			abort ();
	null = fopen ("/dev/null", "w");
	mwb_replay_print_summary (null, a);
	mwb_replay_print_json (null, a);
	fclose (null);
	return 0;
}
