/* libFuzzer target for the two report parsers: results.json
 * (engine/report-json.c) and the known-broken list (engine/known-broken.c).
 * The same bytes go to both, handed over without a terminating NUL.
 *
 * results.json: either an MWB_ERROR_PARSE error that starts with
 * "fuzz.json:", or a report that, written back, reads back to the same
 * text; every writer takes it (junit.xml well-formed to GMarkup, index.html
 * and results.tap valid UTF-8), and compared with itself it has no change.
 *
 * The known-broken list: either "fuzz.kb:N: ..." with N a line of the
 * input, or entries whose patterns are one non-empty word and whose reasons
 * are trimmed; written back as "PATTERN REASON" lines, the list parses to
 * itself. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "known-broken.h"
#include "mwb-error.h"
#include "report-compare.h"
#include "report.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_junit (const char *x)
{
	static const GMarkupParser none = { 0 };
	GMarkupParseContext *ctx = g_markup_parse_context_new (&none, 0, NULL, NULL);
	g_autoptr (GError) err = NULL;

	if (!g_markup_parse_context_parse (ctx, x, -1, &err) || !g_markup_parse_context_end_parse (ctx, &err))
		g_error ("junit.xml is not well-formed: %s\n%s", err->message, x);
	g_markup_parse_context_free (ctx);
}

static void
fuzz_json (const char *text, size_t size)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbReport) r = mwb_report_from_json ("fuzz.json", text, size, &err);
	g_autofree char *json = NULL;
	g_autoptr (MwbReport) back = NULL;
	g_autofree char *again = NULL;

	if (!r) {
		g_assert_true (err->domain == MWB_ERROR && err->code == MWB_ERROR_PARSE);
		g_assert_true (g_str_has_prefix (err->message, "fuzz.json:"));
		return;
	}
	g_assert_null (err);
	json = mwb_report_to_json (r);
	g_assert_true (g_utf8_validate (json, -1, NULL));
	back = mwb_report_from_json ("again.json", json, strlen (json), &err);
	if (!back)
		g_error ("written back, the report does not read: %s\n%s", err->message, json);
	again = mwb_report_to_json (back);
	g_assert_cmpstr (json, ==, again);
	{
		g_autofree char *junit = mwb_report_junit (r);
		g_autofree char *html = mwb_report_html (r, "/reports");
		g_autofree char *tap = mwb_report_tap (r);
		g_autofree char *problems = mwb_report_problems_text (r, NULL);
		guint regressions = 1;
		g_autoptr (GArray) changes = mwb_report_compare (r, back, NULL);
		g_autofree char *cmp = mwb_report_compare_text (r, back, NULL, &regressions);

		check_junit (junit);
		g_assert_true (g_utf8_validate (html, -1, NULL));
		g_assert_true (g_utf8_validate (tap, -1, NULL));
		g_assert_true (g_utf8_validate (problems, -1, NULL));
		g_assert_cmpuint (changes->len, ==, 0);
		g_assert_cmpuint (regressions, ==, 0);
		g_assert_true (g_utf8_validate (cmp, -1, NULL));
	}
}

static void
fuzz_known_broken (const char *text, size_t size)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbKnownBroken) kb = mwb_known_broken_parse ("fuzz.kb", text, size, &err);
	g_autoptr (GString) back = NULL;
	g_autoptr (MwbKnownBroken) again = NULL;

	if (!kb) {
		gsize lines = 1;
		char *end = NULL;
		guint64 n;

		g_assert_true (err->domain == MWB_ERROR && err->code == MWB_ERROR_PARSE);
		g_assert_true (g_str_has_prefix (err->message, "fuzz.kb:"));
		for (gsize i = 0; i < size; i++)
			lines += text[i] == '\n';
		n = g_ascii_strtoull (err->message + strlen ("fuzz.kb:"), &end, 10);
		g_assert_true (end && *end == ':' && n >= 1 && n <= lines);
		return;
	}
	back = g_string_new ("# written back\n");
	for (guint i = 0; i < kb->entries->len; i++) {
		MwbKnownBrokenEntry *e = kb->entries->pdata[i];

		g_assert_true (*e->pattern);
		for (const char *p = e->pattern; *p; p++)
			g_assert_false (g_ascii_isspace (*p));
		if (e->reason) {
			gsize n = strlen (e->reason);

			g_assert_true (n && !g_ascii_isspace (e->reason[0]) && !g_ascii_isspace (e->reason[n - 1]));
		}
		g_assert_true (mwb_known_broken_match (kb, e->pattern) != NULL || strpbrk (e->pattern, "*?"));
		g_string_append_printf (back, "%s%s%s\n", e->pattern, e->reason ? "\t" : "", e->reason ? e->reason : "");
	}
	again = mwb_known_broken_parse ("again.kb", back->str, back->len, &err);
	if (!again)
		g_error ("written back, the list does not parse: %s\n%s", err->message, back->str);
	g_assert_cmpuint (again->entries->len, ==, kb->entries->len);
	for (guint i = 0; i < kb->entries->len; i++) {
		MwbKnownBrokenEntry *a = kb->entries->pdata[i], *b = again->entries->pdata[i];

		g_assert_cmpstr (a->pattern, ==, b->pattern);
		g_assert_cmpstr (a->reason, ==, b->reason);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* an exact-size copy: a read past size is ASan's to see */
	g_autofree char *text = g_malloc (size ? size : 1);

	memcpy (text, data, size);
	fuzz_json (text, size);
	fuzz_known_broken (text, size);
	return 0;
}
