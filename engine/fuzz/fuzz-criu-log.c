/* libFuzzer target for reading CRIU's logs (engine/criu-log.c).
 *
 * Input: the bytes of a log (dump.log, restore.log, ...), any of them,
 * NULs and \r included, handed over without a terminating NUL.
 *
 * Beyond not crashing:
 *  - a line is never both an Error and a Warn, and noise is always an Error;
 *  - the grep block is exactly what zdtm.py's rule gives, stated here by
 *    line numbers: each Error or Warn line with the up to four lines before
 *    it that no earlier block took;
 *  - the cause is NULL exactly when no line is an Error that is not noise,
 *    and otherwise is that first line's "Error..." part, trimmed;
 *  - finished says whether one of CRIU's three "... finished successfully"
 *    phrases is in the bytes;
 *  - the same bytes give the same answers twice.
 *
 * criu-log.c's tail (CriuLogTail) hands lines to the runner; the parser does
 * not, so mwb_runner_log is a stub here that must never be called, and the
 * target links engine/criu-log.c alone. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "criu-log.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

void
mwb_runner_log (MwbRunner *runner, const char *source, MwbLogDir dir, gboolean is_json, const char *text)
{
	(void) runner, (void) source, (void) dir, (void) is_json, (void) text;
	abort ();
}

/* The log's lines as criu-log.c shows them: cut at \n, the last one even
 * without it, one \r before the end dropped, shown up to a NUL. */
static GPtrArray *
split_lines (const char *text, gsize len)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		gsize n = (nl ? nl : end) - p;
		char *line = g_strndup (p, n);

		if (n && p[n - 1] == '\r' && strlen (line) == n)
			line[n - 1] = '\0';
		g_ptr_array_add (lines, line);
		p = nl ? nl + 1 : end;
	}
	return lines;
}

static void
check (const char *text, gsize len)
{
	g_autoptr (GPtrArray) lines = split_lines (text, len);
	g_autoptr (GPtrArray) block = criu_log_grep_errors (text, len);
	g_autoptr (GPtrArray) again = criu_log_grep_errors (text, len);
	g_autofree char *cause = criu_log_cause (text, len);
	g_autofree char *cause2 = criu_log_cause (text, len);
	const char *first_cause = NULL;
	guint out = 0;
	gint next = 0;
	gboolean finished = FALSE;
	static const char *const done[] = {
		"Dumping finished successfully", "Restore finished successfully",
		"Pre-dumping finished successfully",
	};

	for (gint i = 0; i < (gint) lines->len; i++) {
		const char *l = lines->pdata[i];
		gboolean err = criu_log_line_is_error (l);
		gboolean warn = criu_log_line_is_warning (l);
		gboolean noise = criu_log_line_is_noise (l);

		g_assert_true (!(err && warn));
		g_assert_true (!noise || err);
		if (err && !noise && !first_cause)
			first_cause = l;
		if (!err && !warn)
			continue;
		for (gint j = MAX (next, i - 4); j <= i; j++, out++) {
			g_assert_true (out < block->len);
			g_assert_true (strcmp (block->pdata[out], lines->pdata[j]) == 0);
		}
		next = i + 1;
	}
	g_assert_true (out == block->len);
	g_assert_true (again->len == block->len);
	for (guint i = 0; i < block->len; i++) {
		g_assert_true (strcmp (again->pdata[i], block->pdata[i]) == 0);
		g_assert_null (strchr (block->pdata[i], '\n'));
	}

	if (!first_cause) {
		g_assert_null (cause);
	} else {
		g_autofree char *trimmed = g_strchomp (g_strdup (first_cause));
		gsize n;

		g_assert_nonnull (cause);
		g_assert_true (g_str_has_prefix (cause, "Error"));
		n = strlen (cause);
		g_assert_true (n > 0 && !g_ascii_isspace (cause[n - 1]));
		/* the end of its line, less trailing blanks */
		g_assert_true (g_str_has_suffix (trimmed, cause));
	}
	g_assert_cmpstr (cause, ==, cause2);

	for (guint i = 0; i < G_N_ELEMENTS (done); i++)
		finished |= memmem (text, len, done[i], strlen (done[i])) != NULL;
	g_assert_true (criu_log_finished (text, len) == finished);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* an exact-size copy: a read past size is ASan's to see */
	char *text = g_malloc (size ? size : 1);

	memcpy (text, data, size);
	check (text, size);
	g_free (text);
	return 0;
}
