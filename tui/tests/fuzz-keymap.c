/* libFuzzer target for the key notation and keymap files (tui/keymap.c).
 *
 * Input: the same bytes, up to the first NUL, twice over. As key notation,
 * read key by key: each key is named, and the name reads back as the same
 * key. As a keymap file loaded over the defaults: every warning is
 * "fuzz.keys:LINE: ..." and safe to show on a terminal, and what the keymap
 * then says (its text, help, man page table, keys per action) agrees with
 * how it looks keys up. Links mwb_default_keys from keymaps/default.keys. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "actions.h"
#include "keymap.h"

#define FILE_NAME "fuzz.keys"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_key (int key)
{
	g_autofree char *name = mwb_key_name (key);
	g_autofree char *again = NULL;

	g_assert_nonnull (name);
	g_assert_true (g_utf8_validate (name, -1, NULL));
	g_assert_cmpint (mwb_key_parse (name, NULL), ==, mwb_key_normalize (key));
	again = mwb_key_name (mwb_key_parse (name, NULL));
	g_assert_cmpstr (again, ==, name);
}

static void
fuzz_notation (const char *text)
{
	const char *p = text;
	const char *end;
	int key;

	/* One key alone is the first key of a sequence, and all of it. */
	key = mwb_key_parse (text, NULL);
	if (key >= 0) {
		g_assert_cmpint (mwb_key_parse (text, &end), ==, key);
		g_assert_cmpstr (end, ==, "");
		check_key (key);
	}
	while (*p) {
		const char *why = NULL;

		key = mwb_key_parse_full (p, &end, &why);
		if (key < 0) {
			g_assert_nonnull (why);
			g_assert_true (end == p);
			break;
		}
		g_assert_null (why);
		g_assert_true (end > p && end <= p + strlen (p));
		check_key (key);
		p = end;
	}
}

/* No control character that could drive the terminal the warning is shown on. */
static void
check_shown_text (const char *s)
{
	g_assert_true (g_utf8_validate (s, -1, NULL));
	for (const char *q = s; *q; q = g_utf8_next_char (q)) {
		gunichar c = g_utf8_get_char (q);

		g_assert_false (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0));
	}
}

static void
fuzz_keymap (const char *text, int width)
{
	g_autoptr (GPtrArray) w = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);
	g_autoptr (MwbKeymap) back = mwb_keymap_new ();
	g_autofree char *dump = NULL;
	g_autofree char *dump2 = NULL;
	g_autofree char *help = NULL;
	g_autofree char *mdoc = NULL;
	gboolean clean;

	g_assert_cmpuint (w->len, ==, 0);
	clean = mwb_keymap_load_data (km, text, FILE_NAME, w);
	g_assert_true (clean == (w->len == 0));
	for (guint i = 0; i < w->len; i++) {
		const char *msg = w->pdata[i];
		const char *q = msg + strlen (FILE_NAME ":");

		g_assert_true (g_str_has_prefix (msg, FILE_NAME ":"));
		g_assert_true (g_ascii_isdigit (*q));
		while (g_ascii_isdigit (*q))
			q++;
		g_assert_true (g_str_has_prefix (q, ": "));
		check_shown_text (msg);
	}

	/* The keymap as text loads back into the same keymap. */
	dump = mwb_keymap_to_text (km);
	g_assert_true (mwb_keymap_load_data (back, dump, FILE_NAME, w));
	dump2 = mwb_keymap_to_text (back);
	g_assert_cmpstr (dump, ==, dump2);

	/* Each key help shows for an action runs that action. */
	for (int p = 0; mwb_keymap_panes[p]; p++)
		for (int a = 0; a < MWB_ACT_COUNT; a++) {
			g_autoptr (GPtrArray) keys = mwb_keymap_keys_for (km, mwb_keymap_panes[p], (MwbAction) a);

			g_assert_true (a != MWB_ACT_NONE || keys->len == 0);
			for (guint i = 0; i < keys->len; i++) {
				int key = mwb_key_parse (keys->pdata[i], NULL);

				g_assert_cmpint (key, >, 0);
				g_assert_cmpint (mwb_keymap_lookup (km, mwb_keymap_panes[p], key), ==, a);
			}
		}

	help = mwb_keymap_help_text (km, width);
	g_assert_true (g_utf8_validate (help, -1, NULL));
	if (width > 0) {
		g_auto (GStrv) lines = g_strsplit (help, "\n", -1);

		/* Keys are at most two columns each; counting characters is enough
		 * when none is wide. */
		for (guint i = 0; lines[i]; i++)
			if (g_utf8_strlen (lines[i], -1) == (glong) strlen (lines[i]))
				g_assert_cmpint (strlen (lines[i]), <=, width);
	}
	/* Narrow lines may cut names off. */
	if (width <= 0)
		for (int a = 1; a < MWB_ACT_COUNT; a++)
			g_assert_nonnull (strstr (help, mwb_actions[a].name));

	/* The man page table is ASCII: the rest is escaped. */
	mdoc = mwb_keymap_mdoc_table (km);
	g_assert_true (g_str_has_prefix (mdoc, ".Bl -tag -width Ds\n"));
	g_assert_true (g_str_has_suffix (mdoc, ".El\n"));
	for (const char *q = mdoc; *q; q++)
		g_assert_true ((guchar) *q < 0x80 && (*q >= ' ' || *q == '\n'));
	{
		g_autofree char *mdoc2 = mwb_keymap_mdoc_table (back);

		g_assert_cmpstr (mdoc, ==, mdoc2);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup ((const char *) data, size);
	int width = (int) (size % 97) - 5;
	int raw = 0;
	g_autofree char *raw_name = NULL;

	fuzz_notation (text);
	fuzz_keymap (text, width);

	/* Any int is a key or not; a key has a name that reads back, and a
	 * keymap takes it. */
	memcpy (&raw, data, MIN (size, sizeof raw));
	raw_name = mwb_key_name (raw);
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_new ();

		g_assert_true (mwb_keymap_bind (km, "log", raw, MWB_ACT_HELP) == (raw_name != NULL));
		g_assert_cmpint (mwb_keymap_lookup (km, "log", raw), ==, raw_name ? MWB_ACT_HELP : MWB_ACT_NONE);
	}
	if (raw_name)
		check_key (raw);
	return 0;
}
