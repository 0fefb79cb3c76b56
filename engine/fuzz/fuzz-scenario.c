/* libFuzzer target for the scenario parser.
 *
 * Input: the text of a scenario file, up to its first NUL byte (the parser
 * takes a C string). Any outcome is fine as long as it is one of the two:
 * a parse error that says "file:line: ..." in the parse domain, or a scenario
 * that holds what the parser promises its users. The step machine looks steps
 * up by name, so every step must be found again under its own name; the same
 * text parsed twice must give the same answer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "mwb-error.h"
#include "scenario.h"

#define FILE_NAME "fuzz.scn"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_scenario (const MwbScenario *scn)
{
	g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);

	g_assert_cmpstr (scn->file, ==, FILE_NAME);
	/* "/x86_64/migration/..." or zdtm's "zdtm/static/env00". */
	g_assert_true (scn->path && *scn->path);
	g_assert_true (mwb_path_has_prefix (scn->path, scn->path));
	g_assert_true (scn->path[0] != '/' || mwb_path_has_prefix (scn->path, "/"));
	for (guint i = 0; i < scn->steps->len; i++) {
		const char *check = mwb_scenario_step (scn, i)->check;

		g_assert_true (!check || (*check && !strchr (check, '#')));
	}
	g_assert_true (scn->backend && *scn->backend);
	g_assert_nonnull (scn->description);
	g_assert_cmpuint (scn->steps->len, >, 0);
	g_assert_null (mwb_scenario_step (scn, scn->steps->len));

	/* Expansion never crashes, whatever the values; its result does not matter. */
	g_hash_table_insert (vars, "run", "/tmp/run");
	g_hash_table_insert (vars, "path", scn->path);
	for (guint i = 0; i < scn->params->len; i++) {
		const MwbArg *a = &g_array_index (scn->params, MwbArg, i);
		g_autoptr (GError) err = NULL;
		g_autofree char *v = mwb_expand (a->value, vars, &err);

		g_assert_true ((v == NULL) != (err == NULL));
	}

	for (guint i = 0; i < scn->steps->len; i++) {
		const MwbStep *st = mwb_scenario_step (scn, i);

		g_assert_nonnull (st);
		/* Names are unique, so the first match is this very step. */
		g_assert_cmpint (mwb_scenario_find_step (scn, st->name), ==, (int) i);
		g_assert_true (*st->name);
		g_assert_nonnull (strchr (st->action, '.'));
		g_assert_nonnull (st->about);
		g_assert_true (st->line >= 1);
		g_assert_true (st->timeout_s == 0 || (st->timeout_s > 0 && st->timeout_s <= 86400));
		g_assert_true (!st->expect_match || st->expect_fail);
		for (guint j = 0; j < st->args->len; j++) {
			const MwbArg *a = &g_array_index (st->args, MwbArg, j);
			g_autoptr (GError) err = NULL;
			g_autofree char *v = NULL;

			g_assert_true (*a->key);
			/* The engine's own keys never reach the backend. */
			g_assert_true (!g_str_equal (a->key, "timeout") && !g_str_equal (a->key, "expect")
				       && !g_str_equal (a->key, "match"));
			g_assert_true (mwb_step_arg (st, a->key) == a->value);
			v = mwb_expand (a->value, vars, &err);
			g_assert_true ((v == NULL) != (err == NULL));
		}
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup ((const char *) data, size);
	g_autoptr (GError) err = NULL;
	g_autoptr (GError) err2 = NULL;
	g_autoptr (MwbScenario) scn = mwb_scenario_parse (FILE_NAME, text, &err);
	g_autoptr (MwbScenario) again = mwb_scenario_parse (FILE_NAME, text, &err2);

	if (!scn) {
		g_assert_nonnull (err);
		g_assert_true (err->domain == MWB_ERROR && err->code == MWB_ERROR_PARSE);
		g_assert_true (g_str_has_prefix (err->message, FILE_NAME ":"));
		/* Words are cut at ASCII blanks only, so what is quoted back stays UTF-8. */
		g_assert_true (g_utf8_validate (err->message, -1, NULL));
		/* The parser is a pure function of the text. */
		g_assert_null (again);
		g_assert_cmpstr (err->message, ==, err2->message);
		return 0;
	}
	g_assert_null (err);
	g_assert_nonnull (again);
	g_assert_cmpstr (scn->path, ==, again->path);
	g_assert_cmpuint (scn->steps->len, ==, again->steps->len);
	check_scenario (scn);
	return 0;
}
