/* Unit tests for the key notation and keymaps (tui/keymap.c) and for the
 * keymaps shipped in keymaps/.
 *
 * Run from the top of the tree: the tests read the files in keymaps/ there (and
 * docs/mwb.1, once it holds the key table), so that a broken keymap fails
 * `make check`. mwb_default_keys comes from the build, compiled from
 * keymaps/default.keys. */
#include <string.h>

#include <curses.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "actions.h"
#include "keymap.h"

#define FILE_NAME "t.keys"
#define KEYMAPS_DIR "keymaps"

static GPtrArray *
warnings_new (void)
{
	return g_ptr_array_new_with_free_func (g_free);
}

static void
assert_no_warnings (GPtrArray *w)
{
	for (guint i = 0; i < w->len; i++)
		g_test_message ("unexpected warning: %s", (char *) w->pdata[i]);
	g_assert_cmpuint (w->len, ==, 0);
}

static void
assert_warnings (GPtrArray *w, const char *const *expected)
{
	guint n = g_strv_length ((char **) expected);

	for (guint i = 0; i < w->len && i < n; i++)
		g_assert_cmpstr (w->pdata[i], ==, expected[i]);
	g_assert_cmpuint (w->len, ==, n);
}

static void
assert_keys (GPtrArray *names, const char *const *expected)
{
	g_autofree char *got = NULL;
	g_autofree char *want = g_strjoinv (" ", (char **) expected);

	g_ptr_array_add (names, NULL);
	got = g_strjoinv (" ", (char **) names->pdata);
	g_ptr_array_unref (names);
	g_assert_cmpstr (got, ==, want);
}

/* ---- key notation ---- */

static const struct {
	const char *text;
	int key;
	const char *canonical;	/* NULL: text itself */
} notation[] = {
	{ "s", 's', NULL },
	{ "N", 'N', NULL },
	{ "/", '/', NULL },
	{ ":", ':', NULL },
	{ "?", '?', NULL },
	{ "]", ']', NULL },
	{ "[", '[', NULL },
	{ ">", '>', NULL },
	{ "~", '~', NULL },
	{ "\\", '\\', NULL },
	{ "é", 0xe9, NULL },
	{ "中", 0x4e2d, NULL },
	{ "<Lt>", '<', NULL },
	{ "<LessThan>", '<', "<Lt>" },
	{ "<", '<', "<Lt>" },
	{ "<Hash>", '#', NULL },
	{ "#", '#', "<Hash>" },
	{ "<Space>", ' ', NULL },
	{ " ", ' ', "<Space>" },
	{ "<Tab>", '\t', NULL },
	{ "<C-i>", '\t', "<Tab>" },
	{ "<S-Tab>", KEY_BTAB, NULL },
	{ "<BackTab>", KEY_BTAB, "<S-Tab>" },
	{ "<Enter>", '\n', NULL },
	{ "<CR>", '\n', "<Enter>" },
	{ "<Return>", '\n', "<Enter>" },
	{ "<C-j>", '\n', "<Enter>" },
	{ "<C-m>", '\r', "<Enter>" },
	{ "<Esc>", 27, NULL },
	{ "<Escape>", 27, "<Esc>" },
	{ "<BS>", KEY_BACKSPACE, NULL },
	{ "<Backspace>", KEY_BACKSPACE, "<BS>" },
	{ "<0x7f>", 127, "<BS>" },
	{ "<Del>", KEY_DC, NULL },
	{ "<Delete>", KEY_DC, "<Del>" },
	{ "<Ins>", KEY_IC, NULL },
	{ "<Insert>", KEY_IC, "<Ins>" },
	{ "<Up>", KEY_UP, NULL },
	{ "<Down>", KEY_DOWN, NULL },
	{ "<Left>", KEY_LEFT, NULL },
	{ "<Right>", KEY_RIGHT, NULL },
	{ "<PgUp>", KEY_PPAGE, NULL },
	{ "<PageUp>", KEY_PPAGE, "<PgUp>" },
	{ "<PgDn>", KEY_NPAGE, NULL },
	{ "<PgDown>", KEY_NPAGE, "<PgDn>" },
	{ "<PageDown>", KEY_NPAGE, "<PgDn>" },
	{ "<Home>", KEY_HOME, NULL },
	{ "<End>", KEY_END, NULL },
	{ "<F1>", KEY_F (1), NULL },
	{ "<F5>", KEY_F (5), NULL },
	{ "<F10>", KEY_F (10), NULL },
	{ "<F12>", KEY_F (12), NULL },
	{ "<F63>", KEY_F (63), NULL },
	{ "<C-a>", 1, NULL },
	{ "<C-l>", 12, NULL },
	{ "<C-z>", 26, NULL },
	{ "<0x41>", 'A', "A" },
	{ "<0x19a>", KEY_RESIZE, NULL },
	{ "<0x1c>", 0x1c, NULL },
	{ "<0x85>", 0x85, NULL },	/* NEL: a C1 control, not printed as itself */
	{ "<0xa0>", 0xa0, NULL },	/* no-break space */
	{ "<0x301>", 0x301, NULL },	/* a combining accent */
	{ "<0x10ffff>", 0x10ffff, NULL },
};

static void
test_notation (void)
{
	for (size_t i = 0; i < G_N_ELEMENTS (notation); i++) {
		const char *text = notation[i].text;
		const char *canonical = notation[i].canonical ? notation[i].canonical : text;
		const char *end = NULL;
		g_autofree char *name = NULL;

		g_test_message ("%s", text);
		g_assert_cmpint (mwb_key_parse (text, NULL), ==, notation[i].key);
		g_assert_cmpint (mwb_key_parse (text, &end), ==, notation[i].key);
		g_assert_true (end == text + strlen (text));
		name = mwb_key_name (notation[i].key);
		g_assert_cmpstr (name, ==, canonical);
		g_assert_cmpint (mwb_key_parse (name, NULL), ==, mwb_key_normalize (notation[i].key));
	}
}

static void
check_round_trip (int key)
{
	g_autofree char *name = mwb_key_name (key);
	g_autofree char *again = NULL;

	g_assert_nonnull (name);
	g_assert_cmpint (mwb_key_parse (name, NULL), ==, mwb_key_normalize (key));
	again = mwb_key_name (mwb_key_parse (name, NULL));
	g_assert_cmpstr (again, ==, name);
}

/* Every key, not just the named ones: what help prints, a keymap reads back. */
static void
test_round_trip_all (void)
{
	for (int k = 1; k < 0x3100; k++)
		check_round_trip (k);
	for (int k = 0xd7f0; k < 0xe010; k++)
		check_round_trip (k);
	for (int k = 0x10fff0; k <= 0x10ffff; k++)
		check_round_trip (k);
	for (int k = KEY_MIN; k <= KEY_MAX; k++)
		check_round_trip (k + MWB_KEY_CHAR_SHIFT);
	for (int n = 1; n <= 63; n++) {
		g_autofree char *text = g_strdup_printf ("<F%d>", n);
		g_autofree char *name = mwb_key_name (KEY_F (n));

		g_assert_cmpint (mwb_key_parse (text, NULL), ==, KEY_F (n));
		g_assert_cmpstr (name, ==, text);
	}
	for (char c = 'a'; c <= 'z'; c++) {
		g_autofree char *text = g_strdup_printf ("<C-%c>", c);

		g_assert_cmpint (mwb_key_parse (text, NULL), ==, c - 'a' + 1);
	}
}

static void
test_case_insensitive (void)
{
	static const struct {
		const char *text;
		int key;
	} cases[] = {
		{ "<tab>", '\t' }, { "<TAB>", '\t' }, { "<s-tab>", KEY_BTAB },
		{ "<c-L>", 12 }, { "<C-L>", 12 }, { "<pgdn>", KEY_NPAGE },
		{ "<PGUP>", KEY_PPAGE }, { "<f10>", KEY_F (10) }, { "<eNtEr>", '\n' },
		{ "<lt>", '<' }, { "<HASH>", '#' }, { "<bs>", KEY_BACKSPACE },
		{ "<0X1B>", 27 }, { "<0xAbC>", 0xabc },
	};

	for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpint (mwb_key_parse (cases[i].text, NULL), ==, cases[i].key);
	/* Outside the brackets case is the key. */
	g_assert_cmpint (mwb_key_parse ("n", NULL), ==, 'n');
	g_assert_cmpint (mwb_key_parse ("N", NULL), ==, 'N');
}

static void
test_parse_errors (void)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{ "", "no key" },
		{ "<Foo>", "unknown key name" },
		{ "<>", "empty key name" },
		{ "<F0>", "unknown key name" },
		{ "<F01>", "unknown key name" },
		{ "<F64>", "no such function key" },
		{ "<F1x>", "unknown key name" },
		{ "<C-1>", "unknown key name" },
		{ "<C-ab>", "unknown key name" },
		{ "<C->", "unknown key name" },
		{ "<M-x>", "unknown key name" },
		{ "<0x>", "unknown key name" },
		{ "<0x0>", "no such key code" },
		{ "<0x110000>", "no such key code" },
		{ "<0xffffffffffffffffff>", "no such key code" },
		{ "<0xzz>", "unknown key name" },
		{ "\x01", "control character (write <C-x> or a <name>)" },
		{ "\t", "control character (write <C-x> or a <name>)" },
		{ "\x7f", "control character (write <C-x> or a <name>)" },
		{ "\xc2\x85", "control character (write a <0xHEX> key code)" },
		{ "\xff", "not valid UTF-8" },
		{ "\xc3", "not valid UTF-8" },
		{ "\xed\xa0\x80", "not valid UTF-8" },	/* a surrogate */
		{ "ab", "more than one key" },
		{ "<Up>x", "more than one key" },
		{ "<a", "more than one key" },
	};

	g_assert_cmpint (mwb_key_parse (NULL, NULL), ==, -1);
	for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
		const char *why = NULL;
		const char *end = "unset";
		g_autofree char *shown = g_strescape (cases[i].text, NULL);

		g_test_message ("%s", shown);
		g_assert_cmpint (mwb_key_parse_full (cases[i].text, NULL, &why), ==, -1);
		g_assert_cmpstr (why, ==, cases[i].error);
		if (strcmp (cases[i].error, "more than one key") != 0) {
			g_assert_cmpint (mwb_key_parse (cases[i].text, &end), ==, -1);
			g_assert_true (end == cases[i].text);
		}
	}

	/* Not keys at all. */
	g_assert_null (mwb_key_name (0));
	g_assert_null (mwb_key_name (-1));
	g_assert_null (mwb_key_name (ERR));
	g_assert_null (mwb_key_name (0x110000));
	g_assert_null (mwb_key_name (MWB_KEY_CHAR_SHIFT + KEY_MAX + 1));
	g_assert_null (mwb_key_name (G_MAXINT));
	g_assert_null (mwb_key_name (G_MININT));
}

/* Scripts read keys one after another. */
static void
test_parse_sequence (void)
{
	static const int want[] = { KEY_DOWN, 'j', 'j', '<', '<', KEY_UP, 'a', '>', 12, 0x4e2d, ' ', '<' };
	const char *text = "<Down>jj<Lt><<Up>a><C-l>中 <";
	const char *p = text;

	for (size_t i = 0; i < G_N_ELEMENTS (want); i++) {
		const char *end;

		g_assert_cmpint (mwb_key_parse (p, &end), ==, want[i]);
		g_assert_true (end > p);
		p = end;
	}
	g_assert_cmpstr (p, ==, "");
}

/* wget_wch() gives U+0102 and KEY_DOWN as the same number. */
static void
test_wch (void)
{
	int down_char = mwb_key_parse ("Ă", NULL);
	g_autofree char *name = mwb_key_name (down_char);
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();

	g_assert_cmpint (down_char, ==, 0x102 + MWB_KEY_CHAR_SHIFT);
	g_assert_cmpint (down_char, !=, KEY_DOWN);
	g_assert_cmpstr (name, ==, "Ă");
	g_assert_cmpint (mwb_key_from_wch (OK, 0x102), ==, down_char);
	g_assert_cmpint (mwb_key_from_wch (KEY_CODE_YES, KEY_DOWN), ==, KEY_DOWN);
	g_assert_cmpint (mwb_key_from_wch (OK, 's'), ==, 's');
	g_assert_cmpint (mwb_key_from_wch (OK, 0xe9), ==, 0xe9);
	g_assert_cmpint (mwb_key_from_wch (OK, 0x100), ==, 0x100);
	g_assert_cmpint (mwb_key_from_wch (OK, 0x200), ==, 0x200);
	g_assert_cmpint (mwb_key_from_wch (OK, 0), ==, -1);
	g_assert_cmpint (mwb_key_from_wch (OK, 0x110000), ==, -1);
	g_assert_cmpint (mwb_key_from_wch (ERR, 's'), ==, -1);
	g_assert_cmpint (mwb_key_parse ("<0x102>", NULL), ==, KEY_DOWN);

	g_assert_true (mwb_keymap_bind (km, NULL, KEY_DOWN, MWB_ACT_MOVE_DOWN));
	g_assert_true (mwb_keymap_bind (km, NULL, down_char, MWB_ACT_SEARCH));
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, mwb_key_from_wch (KEY_CODE_YES, KEY_DOWN)), ==,
			 MWB_ACT_MOVE_DOWN);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, mwb_key_from_wch (OK, 0x102)), ==, MWB_ACT_SEARCH);
}

/* ---- keymaps ---- */

static void
test_enter_and_backspace_aliases (void)
{
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();

	g_assert_true (mwb_keymap_bind (km, "generic", mwb_key_parse ("<Enter>", NULL), MWB_ACT_ENTER));
	g_assert_true (mwb_keymap_bind (km, "generic", mwb_key_parse ("<BS>", NULL), MWB_ACT_BACK));
	g_assert_cmpint (mwb_keymap_lookup (km, "list", '\n'), ==, MWB_ACT_ENTER);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", '\r'), ==, MWB_ACT_ENTER);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", KEY_ENTER), ==, MWB_ACT_ENTER);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", KEY_BACKSPACE), ==, MWB_ACT_BACK);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", 127), ==, MWB_ACT_BACK);
	/* <C-h> is a key of its own. */
	g_assert_cmpint (mwb_keymap_lookup (km, "list", 8), ==, MWB_ACT_NONE);

	/* Binding an alias binds the key it stands for. */
	g_assert_true (mwb_keymap_bind (km, "generic", mwb_key_parse ("<C-m>", NULL), MWB_ACT_HELP));
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, '\n'), ==, MWB_ACT_HELP);
	assert_keys (mwb_keymap_keys_for (km, NULL, MWB_ACT_HELP), (const char *[]) { "<Enter>", NULL });
}

static void
test_default_keys (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);
	g_autofree char *on_disk = NULL;

	assert_no_warnings (w);
	/* The binary holds the file as it is now. */
	g_assert_true (g_file_get_contents (KEYMAPS_DIR "/default.keys", &on_disk, NULL, NULL));
	g_assert_cmpstr (mwb_default_keys, ==, on_disk);

	for (int a = 1; a < MWB_ACT_COUNT; a++) {
		guint n = 0;

		for (int p = 0; mwb_keymap_panes[p]; p++) {
			g_autoptr (GPtrArray) keys = mwb_keymap_keys_for (km, mwb_keymap_panes[p], (MwbAction) a);

			n += keys->len;
		}
		if (n == 0)
			g_test_message ("action '%s' has no default key", mwb_actions[a].name);
		g_assert_cmpuint (n, >, 0);
	}

	/* What the product promises. */
	static const struct {
		const char *pane, *key;
		MwbAction action;
	} promised[] = {
		{ "list", "s", MWB_ACT_STEP }, { "steps", "c", MWB_ACT_CONTINUE },
		{ "steps", "b", MWB_ACT_BREAK }, { "steps", "u", MWB_ACT_RUN_TO },
		{ "steps", "r", MWB_ACT_RESTART }, { "steps", "x", MWB_ACT_ABORT },
		{ "steps", "S", MWB_ACT_SKIP }, { "log", "<Tab>", MWB_ACT_NEXT_PANE },
		{ "log", "<S-Tab>", MWB_ACT_PREV_PANE }, { "log", "/", MWB_ACT_SEARCH },
		{ "log", "n", MWB_ACT_SEARCH_NEXT }, { "log", "N", MWB_ACT_SEARCH_PREV },
		{ "files", ":", MWB_ACT_PROMPT }, { "files", "?", MWB_ACT_HELP },
		{ "files", "q", MWB_ACT_QUIT }, { "log", "]", MWB_ACT_NEXT_TAB },
		{ "log", "[", MWB_ACT_PREV_TAB }, { "viewer", "g", MWB_ACT_GOTO },
		{ "list", "g", MWB_ACT_NONE }, { "viewer", "<C-l>", MWB_ACT_REDRAW },
		{ "steps", "<F5>", MWB_ACT_CONTINUE }, { "steps", "<F10>", MWB_ACT_STEP },
		{ "steps", "<F1>", MWB_ACT_HELP }, { "list", "<Up>", MWB_ACT_MOVE_UP },
		{ "list", "<Down>", MWB_ACT_MOVE_DOWN }, { "list", "<PgUp>", MWB_ACT_PAGE_UP },
		{ "list", "<PgDn>", MWB_ACT_PAGE_DOWN }, { "list", "<Home>", MWB_ACT_MOVE_FIRST },
		{ "list", "<End>", MWB_ACT_MOVE_LAST }, { "files", "<Enter>", MWB_ACT_ENTER },
		{ "viewer", "<Esc>", MWB_ACT_BACK }, { "list", "k", MWB_ACT_NONE },
		{ "list", "j", MWB_ACT_NONE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (promised); i++) {
		g_test_message ("%s %s", promised[i].pane, promised[i].key);
		g_assert_cmpint (mwb_keymap_lookup (km, promised[i].pane, mwb_key_parse (promised[i].key, NULL)),
				 ==, promised[i].action);
	}
}

static void
test_shipped_keymaps (void)
{
	static const char *const names[] = { "vi", "emacs" };

	for (size_t i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autoptr (GPtrArray) w = warnings_new ();
		g_autofree char *path = g_strdup_printf (KEYMAPS_DIR "/%s.keys", names[i]);
		g_autoptr (MwbKeymap) alone = mwb_keymap_new ();
		g_autoptr (MwbKeymap) km = NULL;

		g_assert_true (mwb_keymap_load_file (alone, path, w));
		assert_no_warnings (w);
		km = mwb_keymap_load_named (names[i], KEYMAPS_DIR, w);
		assert_no_warnings (w);
		/* On top of the defaults, not in their place. */
		g_assert_cmpint (mwb_keymap_lookup (km, "list", 's'), ==, MWB_ACT_STEP);
		g_assert_cmpint (mwb_keymap_lookup (km, "list", KEY_DOWN), ==, MWB_ACT_MOVE_DOWN);
	}

	{
		g_autoptr (GPtrArray) w = warnings_new ();
		g_autoptr (MwbKeymap) vi = mwb_keymap_load_named ("vi", KEYMAPS_DIR, w);

		g_assert_cmpint (mwb_keymap_lookup (vi, "list", 'j'), ==, MWB_ACT_MOVE_DOWN);
		g_assert_cmpint (mwb_keymap_lookup (vi, "list", 'k'), ==, MWB_ACT_MOVE_UP);
		g_assert_cmpint (mwb_keymap_lookup (vi, "list", 'G'), ==, MWB_ACT_MOVE_LAST);
		g_assert_cmpint (mwb_keymap_lookup (vi, "list", 'g'), ==, MWB_ACT_MOVE_FIRST);
		g_assert_cmpint (mwb_keymap_lookup (vi, "viewer", 'g'), ==, MWB_ACT_GOTO);
		g_assert_cmpint (mwb_keymap_lookup (vi, "log", 6), ==, MWB_ACT_PAGE_DOWN);
		g_assert_cmpint (mwb_keymap_lookup (vi, "log", 2), ==, MWB_ACT_PAGE_UP);
		assert_keys (mwb_keymap_keys_for (vi, "list", MWB_ACT_MOVE_DOWN),
			     (const char *[]) { "j", "<Down>", NULL });
		assert_keys (mwb_keymap_keys_for (vi, "viewer", MWB_ACT_MOVE_FIRST),
			     (const char *[]) { "<Home>", NULL });
		assert_no_warnings (w);
	}
	{
		g_autoptr (GPtrArray) w = warnings_new ();
		g_autoptr (MwbKeymap) em = mwb_keymap_load_named ("emacs", KEYMAPS_DIR, w);

		g_assert_cmpint (mwb_keymap_lookup (em, "list", 14), ==, MWB_ACT_MOVE_DOWN);
		g_assert_cmpint (mwb_keymap_lookup (em, "list", 16), ==, MWB_ACT_MOVE_UP);
		g_assert_cmpint (mwb_keymap_lookup (em, "list", 7), ==, MWB_ACT_BACK);
		g_assert_cmpint (mwb_keymap_lookup (em, "list", 19), ==, MWB_ACT_SEARCH);
		/* XON stays free for the terminal. */
		g_assert_cmpint (mwb_keymap_lookup (em, "list", 17), ==, MWB_ACT_NONE);
		assert_no_warnings (w);
	}
}

static const char bad_text[] =
	"# a comment\n"					/* 1 */
	"bind generic a step\n"				/* 2 */
	"bind nowhere b step\n"				/* 3 */
	"bind generic <Foo> step\n"			/* 4 */
	"bind generic c fly\n"				/* 5 */
	"bind generic d\n"				/* 6 */
	"bind generic e step extra\n"			/* 7 */
	"set mouse = yes\n"				/* 8 */
	"bind generic gg move-first\n"			/* 9 */
	"bind generic # search\n"			/* 10: # starts a comment */
	"bind generic \xff step\n"			/* 11 */
	"bind Generic f step\n"				/* 12: names are lower case */
	"bind generic g Step\n"				/* 13 */
	"bind generic \x1b[A move-up\n"			/* 14 */
	"    \t  \n"					/* 15 */
	"bind generic <F99> help\n"			/* 16 */
	"bind generic <> help\n"			/* 17 */
	"\tbind  viewer\t<Hash>   search   # fine\n"	/* 18 */
	"bind generic h help\r\n"			/* 19: CRLF is fine */
	"bind generic i quit";				/* 20: no final newline */

static const char *const bad_warnings[] = {
	FILE_NAME ":3: unknown pane 'nowhere' (panes: generic, list, steps, log, files, viewer)",
	FILE_NAME ":4: bad key '<Foo>': unknown key name",
	FILE_NAME ":5: unknown action 'fly'",
	FILE_NAME ":6: expected 'bind PANE KEY ACTION'",
	FILE_NAME ":7: expected 'bind PANE KEY ACTION'",
	FILE_NAME ":8: unknown command 'set'",
	FILE_NAME ":9: bad key 'gg': more than one key; a binding is one key",
	FILE_NAME ":10: expected 'bind PANE KEY ACTION'",
	FILE_NAME ":11: not valid UTF-8",
	FILE_NAME ":12: unknown pane 'Generic' (panes: generic, list, steps, log, files, viewer)",
	FILE_NAME ":13: unknown action 'Step'",
	FILE_NAME ":14: bad key '\\x1b[A': control character (write <C-x> or a <name>)",
	FILE_NAME ":16: bad key '<F99>': no such function key",
	FILE_NAME ":17: bad key '<>': empty key name",
	NULL,
};

static void
test_bad_lines (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();

	g_assert_false (mwb_keymap_load_data (km, bad_text, FILE_NAME, w));
	assert_warnings (w, bad_warnings);
	/* The good lines count, before and after the bad ones. */
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'a'), ==, MWB_ACT_STEP);
	g_assert_cmpint (mwb_keymap_lookup (km, "viewer", '#'), ==, MWB_ACT_SEARCH);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'h'), ==, MWB_ACT_HELP);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'i'), ==, MWB_ACT_QUIT);
	for (const char *k = "bcdefg"; *k; k++)
		g_assert_cmpint (mwb_keymap_lookup (km, NULL, *k), ==, MWB_ACT_NONE);

	/* Warnings are optional. */
	g_assert_false (mwb_keymap_load_data (km, "bind x y z\n", FILE_NAME, NULL));
	g_assert_true (mwb_keymap_load_data (km, "", FILE_NAME, NULL));
	g_assert_true (mwb_keymap_load_data (km, "\n\n# only comments\n", FILE_NAME, NULL));
}

/* A NUL byte, which only a file can hold, spoils its line alone. */
static void
test_load_file (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-keymap-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "nul.keys", NULL);
	g_autofree char *missing = g_build_filename (dir, "missing.keys", NULL);
	static const char text[] = "bind generic a step\nbind generic\0 b step\nbind generic c quit\n";
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();
	g_autofree char *want = NULL;

	g_assert_nonnull (dir);
	g_assert_true (g_file_set_contents (path, text, sizeof text - 1, NULL));
	g_assert_false (mwb_keymap_load_file (km, path, w));
	want = g_strdup_printf ("%s:2: NUL byte in the line", path);
	assert_warnings (w, (const char *[]) { want, NULL });
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'a'), ==, MWB_ACT_STEP);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'b'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'c'), ==, MWB_ACT_QUIT);

	g_ptr_array_set_size (w, 0);
	g_assert_false (mwb_keymap_load_file (km, missing, w));
	g_free (want);
	want = g_strdup_printf ("%s: No such file or directory", missing);
	assert_warnings (w, (const char *[]) { want, NULL });

	g_ptr_array_set_size (w, 0);
	g_assert_false (mwb_keymap_load_file (km, dir, w));
	g_free (want);
	want = g_strdup_printf ("%s: Is a directory", dir);
	assert_warnings (w, (const char *[]) { want, NULL });

	/* Not a keymap but, say, a log given by mistake. */
	{
		g_autofree char *big = g_malloc (1024 * 1024 + 1);

		memset (big, '#', 1024 * 1024 + 1);
		g_assert_true (g_file_set_contents (path, big, 1024 * 1024 + 1, NULL));
		g_ptr_array_set_size (w, 0);
		g_assert_false (mwb_keymap_load_file (km, path, w));
		g_free (want);
		want = g_strdup_printf ("%s: too big for a keymap (over 1 MiB)", path);
		assert_warnings (w, (const char *[]) { want, NULL });
		/* Exactly 1 MiB of comments is a keymap. */
		g_assert_true (g_file_set_contents (path, big, 1024 * 1024, NULL));
		g_ptr_array_set_size (w, 0);
		g_assert_true (mwb_keymap_load_file (km, path, w));
		assert_no_warnings (w);
	}

	g_assert_no_errno (g_unlink (path));
	g_assert_no_errno (g_rmdir (dir));
}

static void
test_load_named (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-keymap-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "mine.keys", NULL);
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autofree char *want = NULL;

	g_assert_true (g_file_set_contents (path, "bind generic s quit\nbind generic <F10> none\n", -1, NULL));

	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named (NULL, NULL, w);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_STEP);
	}
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("default", NULL, w);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_STEP);
	}
	/* A path, then a name in a directory: the same file. */
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named (path, NULL, w);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_QUIT);
		g_assert_cmpint (mwb_keymap_lookup (km, NULL, KEY_F (10)), ==, MWB_ACT_NONE);
		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'c'), ==, MWB_ACT_CONTINUE);
	}
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("mine", dir, w);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_QUIT);
	}
	assert_no_warnings (w);

	/* What cannot be found leaves the defaults, and says so. */
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("nope", dir, w);
		g_autofree char *nope = g_build_filename (dir, "nope.keys", NULL);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_STEP);
		want = g_strdup_printf ("%s: No such file or directory", nope);
		assert_warnings (w, (const char *[]) { want, NULL });
	}
	g_ptr_array_set_size (w, 0);
	{
		g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("vi", NULL, w);

		g_assert_cmpint (mwb_keymap_lookup (km, NULL, 's'), ==, MWB_ACT_STEP);
		assert_warnings (w, (const char *[]) { "keymap 'vi': no keymap directory to look in", NULL });
	}

	g_assert_no_errno (g_unlink (path));
	g_assert_no_errno (g_rmdir (dir));
}

static void
test_load_user (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-keymap-XXXXXX", NULL);
	g_autofree char *conf = g_build_filename (dir, "conf", NULL);
	g_autofree char *mwbdir = g_build_filename (conf, "mwb", NULL);
	g_autofree char *keys = g_build_filename (mwbdir, "keys", NULL);
	g_autofree char *home_keys = g_build_filename (dir, ".config", "mwb", "keys", NULL);
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);
	g_autofree char *path = NULL;
	g_autofree char *want = NULL;

	g_setenv ("HOME", dir, TRUE);
	g_setenv ("XDG_CONFIG_HOME", conf, TRUE);
	path = mwb_keymap_user_path ();
	g_assert_cmpstr (path, ==, keys);

	/* No file: nothing to say. */
	g_assert_true (mwb_keymap_load_user (km, w));
	assert_no_warnings (w);

	g_assert_no_errno (g_mkdir_with_parents (mwbdir, 0700));
	g_assert_true (g_file_set_contents (keys, "bind generic q none\nbind generic Q quit\nbind log x y\n", -1,
					    NULL));
	g_assert_false (mwb_keymap_load_user (km, w));
	want = g_strdup_printf ("%s:3: unknown action 'y'", keys);
	assert_warnings (w, (const char *[]) { want, NULL });
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'q'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'Q'), ==, MWB_ACT_QUIT);

	/* XDG_CONFIG_HOME counts only when absolute. */
	g_setenv ("XDG_CONFIG_HOME", "relative/conf", TRUE);
	g_free (path);
	path = mwb_keymap_user_path ();
	g_assert_cmpstr (path, ==, home_keys);
	g_unsetenv ("XDG_CONFIG_HOME");
	g_free (path);
	path = mwb_keymap_user_path ();
	g_assert_cmpstr (path, ==, home_keys);

	g_assert_no_errno (g_unlink (keys));
	g_assert_no_errno (g_rmdir (mwbdir));
	g_assert_no_errno (g_rmdir (conf));
	g_assert_no_errno (g_rmdir (dir));
}

static void
test_pane_fallback (void)
{
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();

	g_assert_true (mwb_keymap_bind (km, "generic", 'x', MWB_ACT_ABORT));
	g_assert_true (mwb_keymap_bind (km, "viewer", 'x', MWB_ACT_GOTO));
	g_assert_true (mwb_keymap_bind (km, "log", 'y', MWB_ACT_SEARCH));

	g_assert_cmpint (mwb_keymap_lookup (km, "viewer", 'x'), ==, MWB_ACT_GOTO);
	for (int p = 0; mwb_keymap_panes[p]; p++)
		if (strcmp (mwb_keymap_panes[p], "viewer") != 0)
			g_assert_cmpint (mwb_keymap_lookup (km, mwb_keymap_panes[p], 'x'), ==, MWB_ACT_ABORT);
	g_assert_cmpint (mwb_keymap_lookup (km, NULL, 'x'), ==, MWB_ACT_ABORT);
	/* A pane's binding is its own. */
	g_assert_cmpint (mwb_keymap_lookup (km, "log", 'y'), ==, MWB_ACT_SEARCH);
	g_assert_cmpint (mwb_keymap_lookup (km, "files", 'y'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, "generic", 'y'), ==, MWB_ACT_NONE);
	/* A pane the keymap does not know has generic's keys. */
	g_assert_cmpint (mwb_keymap_lookup (km, "popup", 'x'), ==, MWB_ACT_ABORT);
	g_assert_cmpint (mwb_keymap_lookup (km, "popup", 'y'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", -1), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", 0), ==, MWB_ACT_NONE);

	g_assert_false (mwb_keymap_bind (km, "popup", 'x', MWB_ACT_QUIT));
	g_assert_false (mwb_keymap_bind (km, NULL, 0, MWB_ACT_QUIT));
	g_assert_false (mwb_keymap_bind (km, NULL, -1, MWB_ACT_QUIT));
	g_assert_false (mwb_keymap_bind (km, NULL, 0x110000, MWB_ACT_QUIT));

	assert_keys (mwb_keymap_keys_for (km, "viewer", MWB_ACT_ABORT), (const char *[]) { NULL });
	assert_keys (mwb_keymap_keys_for (km, "list", MWB_ACT_ABORT), (const char *[]) { "x", NULL });
	assert_keys (mwb_keymap_keys_for (km, "viewer", MWB_ACT_GOTO), (const char *[]) { "x", NULL });
	assert_keys (mwb_keymap_keys_for (km, NULL, MWB_ACT_GOTO), (const char *[]) { NULL });
	assert_keys (mwb_keymap_keys_for (km, NULL, MWB_ACT_NONE), (const char *[]) { NULL });
}

static void
test_unbind (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);

	g_assert_true (mwb_keymap_load_data (km,
					     "bind generic x none      # unbinds\n"
					     "bind viewer q none\n"
					     "bind viewer <F10> none\n",
					     FILE_NAME, w));
	assert_no_warnings (w);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", 'x'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, "list", 'q'), ==, MWB_ACT_QUIT);
	g_assert_cmpint (mwb_keymap_lookup (km, "viewer", 'q'), ==, MWB_ACT_NONE);
	g_assert_cmpint (mwb_keymap_lookup (km, "viewer", 's'), ==, MWB_ACT_STEP);
	assert_keys (mwb_keymap_keys_for (km, "viewer", MWB_ACT_STEP), (const char *[]) { "s", NULL });
	assert_keys (mwb_keymap_keys_for (km, "list", MWB_ACT_STEP), (const char *[]) { "s", "<F10>", NULL });
	assert_keys (mwb_keymap_keys_for (km, NULL, MWB_ACT_ABORT), (const char *[]) { NULL });

	/* A pane can bind again what it unbound. */
	g_assert_true (mwb_keymap_bind (km, "viewer", 'q', MWB_ACT_BACK));
	g_assert_cmpint (mwb_keymap_lookup (km, "viewer", 'q'), ==, MWB_ACT_BACK);
}

static void
test_unbind_bad_key_warns (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);

	g_assert_false (mwb_keymap_load_data (km, "bind log zz none\n", FILE_NAME, w));
	assert_warnings (w, (const char *[]) {
		FILE_NAME ":1: bad key 'zz': more than one key; a binding is one key", NULL });
}

static void
test_keys_for_order (void)
{
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();
	static const char *const keys[] = {
		"<0x19a>", "<C-b>", "<C-a>", "<F12>", "<F2>", "<End>", "<Up>", "<Tab>", "<Enter>",
		"<Space>", "é", "<Hash>", "<Lt>", "z", "A", "1",
	};

	for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
		g_assert_true (mwb_keymap_bind (km, NULL, mwb_key_parse (keys[i], NULL), MWB_ACT_HELP));
	assert_keys (mwb_keymap_keys_for (km, NULL, MWB_ACT_HELP), (const char *[]) {
		"<Hash>", "1", "<Lt>", "A", "z", "é", "<Enter>", "<Tab>", "<Space>", "<Up>", "<End>",
		"<F2>", "<F12>", "<C-a>", "<C-b>", "<0x19a>", NULL });
}

/* ---- help, man page, dump ---- */

static gboolean
line_present (const char *text, const char *line)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	return g_strv_contains ((const char *const *) lines, line);
}

static void
test_help_text (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);
	g_autofree char *help = mwb_keymap_help_text (km, 0);
	g_autofree char *again = mwb_keymap_help_text (km, 0);
	static const int widths[] = { 1, 10, 20, 30, 40, 50, 60, 80, 132 };

	g_assert_cmpstr (help, ==, again);
	g_assert_true (g_str_has_prefix (help, "Keys in every pane\n"));
	g_assert_true (g_str_has_suffix (help, "\n"));
	for (int a = 1; a < MWB_ACT_COUNT; a++) {
		g_autofree char *word = g_strdup_printf ("  %s  ", mwb_actions[a].name);

		g_assert_nonnull (strstr (help, word));
		g_assert_nonnull (strstr (help, mwb_actions[a].help));
	}
	g_assert_true (line_present (help, "  s, <F10>  step          run the next step, then pause"));
	g_assert_true (line_present (help, "  ?, <F1>   help          show the keys and commands"));
	g_assert_true (line_present (help, "  -         goto          go to an offset in the viewer (opens :goto)"));
	g_assert_true (line_present (help, "Keys of the viewer pane"));
	g_assert_true (line_present (help, "  g         goto          go to an offset in the viewer (opens :goto)"));
	/* Panes without bindings of their own get no section. */
	g_assert_null (strstr (help, "Keys of the list pane"));

	for (size_t i = 0; i < G_N_ELEMENTS (widths); i++) {
		g_autofree char *narrow = mwb_keymap_help_text (km, widths[i]);
		g_auto (GStrv) lines = g_strsplit (narrow, "\n", -1);

		for (guint j = 0; lines[j]; j++) {
			g_assert_cmpint (g_utf8_strlen (lines[j], -1), <=, widths[i]);
			g_assert_false (g_str_has_suffix (lines[j], " "));
		}
	}
	/* Wrapped at 50 columns, not cut: all words are there. */
	{
		g_autofree char *narrow = mwb_keymap_help_text (km, 50);

		g_assert_true (line_present (narrow, "  x         abort         abort the run: fail the"));
		g_assert_true (line_present (narrow, "                          step in flight, stop the"));
		g_assert_true (line_present (narrow, "                          processes"));
	}
}

static void
test_help_text_panes (void)
{
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();
	g_autofree char *help = NULL;
	static const char want[] =
		"Keys in every pane\n"
		"  q             step          run the next step, then pause\n";

	g_assert_true (mwb_keymap_load_data (km,
					     "bind generic q step\n"
					     "bind generic w help\n"
					     "bind log w none\n"
					     "bind log <C-a> quit\n"
					     "bind log <C-b> quit\n"
					     "bind files a quit\n"
					     "bind files b quit\n"
					     "bind files c quit\n"
					     "bind files d quit\n"
					     "bind files e quit\n"
					     "bind files f quit\n"
					     "bind files g quit\n"
					     "bind files h quit\n"
					     "bind files i quit\n"
					     "bind files j quit\n",
					     FILE_NAME, NULL));
	help = mwb_keymap_help_text (km, 0);
	g_assert_true (g_str_has_prefix (help, want));
	g_assert_true (line_present (help, "  -             continue      run until a breakpoint, a failure or the end"));
	g_assert_true (line_present (help, "Keys of the log pane"));
	g_assert_true (line_present (help, "  <C-a>, <C-b>  quit          quit mwb (stops every process first)"));
	g_assert_true (line_present (help, "  w             none          unbound in this pane"));
	/* Keys wider than their column take a line of their own. */
	g_assert_true (line_present (help, "  a, b, c, d, e, f, g, h, i, j"));
	g_assert_true (line_present (help, "                quit          quit mwb (stops every process first)"));
	g_assert_null (strstr (help, "Keys of the list pane"));
}

static void
test_mdoc_table (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_new_default (w);
	g_autoptr (MwbKeymap) other = mwb_keymap_new ();
	g_autofree char *table = mwb_keymap_mdoc_table (km);
	g_autofree char *text = mwb_keymap_to_text (km);
	g_autofree char *table2 = NULL;
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	g_autofree char *man = NULL;

	/* The same bindings made in another order give the same table. */
	for (gint i = (gint) g_strv_length (lines) - 1; i >= 0; i--)
		if (*lines[i])
			g_assert_true (mwb_keymap_load_data (other, lines[i], FILE_NAME, w));
	assert_no_warnings (w);
	table2 = mwb_keymap_mdoc_table (other);
	g_assert_cmpstr (table, ==, table2);

	g_assert_true (g_str_has_prefix (table, ".Bl -tag -width Ds\n.It Ic s , Ic <F10>\n.Cm step :\n"
					 "run the next step, then pause.\n"));
	g_assert_true (g_str_has_suffix (table, "\n.El\n"));
	for (int a = 1; a < MWB_ACT_COUNT; a++) {
		g_autofree char *cm = g_strdup_printf ("\n.Cm %s :\n", mwb_actions[a].name);

		g_assert_nonnull (strstr (table, cm));
	}
	/* mdoc's punctuation needs \& to be an argument. */
	g_assert_true (line_present (table, ".It Ic \\&?"  " , Ic <F1>"));
	g_assert_true (line_present (table, ".It Ic \\&:"));
	g_assert_true (line_present (table, ".It Ic \\&]"));
	g_assert_true (line_present (table, ".It Ic \\&["));
	g_assert_true (strstr (table, ".It Ic g\nIn the viewer pane,\n.Cm goto :\n") != NULL);

	/* Once docs/mwb.1 holds the table, it must be this one. */
	if (g_file_get_contents ("docs/mwb.1", &man, NULL, NULL) && strstr (man, ".Cm step :\n"))
		g_assert_nonnull (strstr (man, table));
	else
		g_test_message ("docs/mwb.1 does not hold the key table yet");
}

static void
test_mdoc_escapes (void)
{
	g_autoptr (MwbKeymap) km = mwb_keymap_new ();
	g_autofree char *table = NULL;

	g_assert_true (mwb_keymap_load_data (km,
					     "bind generic \\ step\n"
					     "bind generic \" step\n"
					     "bind generic é step\n"
					     "bind generic . quit\n"
					     "bind generic | quit\n",
					     FILE_NAME, NULL));
	table = mwb_keymap_mdoc_table (km);
	g_assert_true (line_present (table, ".It Ic \\(dq , Ic \\e , Ic \\[u00E9]"));
	g_assert_true (line_present (table, ".It Ic \\&. , Ic \\&|"));
}

/* mandoc checks the table in a page of its own, when it is installed. */
static void
test_mdoc_lint (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("vi", KEYMAPS_DIR, w);
	g_autofree char *table = NULL;
	g_autofree char *mandoc = g_find_program_in_path ("mandoc");
	g_autofree char *dir = NULL;
	g_autofree char *page = NULL;
	g_autofree char *doc = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;

	if (!mandoc) {
		g_test_skip ("mandoc is not installed");
		return;
	}
	/* With every character mdoc treats specially. */
	g_assert_true (mwb_keymap_load_data (km,
					     "bind generic \\ step\nbind generic \" step\nbind log . quit\n"
					     "bind log , quit\nbind log ; quit\nbind log ( quit\nbind log ) quit\n"
					     "bind log | quit\nbind log ! quit\nbind files é help\n",
					     FILE_NAME, w));
	assert_no_warnings (w);
	table = mwb_keymap_mdoc_table (km);
	dir = g_dir_make_tmp ("test-keymap-XXXXXX", NULL);
	page = g_build_filename (dir, "keys.1", NULL);
	doc = g_strconcat (".Dd January 1, 2024\n.Dt KEYS 1\n.Os\n.Sh NAME\n.Nm keys\n.Nd key table\n"
			   ".Sh DESCRIPTION\n", table, NULL);
	g_assert_true (g_file_set_contents (page, doc, -1, NULL));
	{
		const char *argv[] = { mandoc, "-T", "lint", "-W", "all", page, NULL };

		g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
					     &status, NULL));
	}
	g_assert_cmpstr (out, ==, "");
	g_assert_cmpstr (err, ==, "");
	g_assert_true (g_spawn_check_wait_status (status, NULL));
	g_assert_no_errno (g_unlink (page));
	g_assert_no_errno (g_rmdir (dir));
}

static void
test_to_text (void)
{
	g_autoptr (GPtrArray) w = warnings_new ();
	g_autoptr (MwbKeymap) km = mwb_keymap_load_named ("emacs", KEYMAPS_DIR, w);
	g_autoptr (MwbKeymap) back = mwb_keymap_new ();
	g_autofree char *text = NULL;
	g_autofree char *again = NULL;

	g_assert_true (mwb_keymap_load_data (km, "bind viewer q none\nbind log <Hash> help\nbind log <Lt> back\n",
					     FILE_NAME, w));
	text = mwb_keymap_to_text (km);
	g_assert_true (mwb_keymap_load_data (back, text, FILE_NAME, w));
	assert_no_warnings (w);
	again = mwb_keymap_to_text (back);
	g_assert_cmpstr (text, ==, again);
	g_assert_true (g_str_has_prefix (text, "bind generic / search\nbind generic : prompt\n"));
	g_assert_true (line_present (text, "bind viewer q none"));
	g_assert_true (line_present (text, "bind viewer g goto"));
	g_assert_true (line_present (text, "bind log <Hash> help"));
	g_assert_true (line_present (text, "bind log <Lt> back"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/keymap/notation", test_notation);
	g_test_add_func ("/keymap/notation/round-trip-all", test_round_trip_all);
	g_test_add_func ("/keymap/notation/case-insensitive", test_case_insensitive);
	g_test_add_func ("/keymap/notation/errors", test_parse_errors);
	g_test_add_func ("/keymap/notation/sequence", test_parse_sequence);
	g_test_add_func ("/keymap/notation/wch", test_wch);
	g_test_add_func ("/keymap/aliases", test_enter_and_backspace_aliases);
	g_test_add_func ("/keymap/default", test_default_keys);
	g_test_add_func ("/keymap/shipped", test_shipped_keymaps);
	g_test_add_func ("/keymap/bad-lines", test_bad_lines);
	g_test_add_func ("/keymap/load-file", test_load_file);
	g_test_add_func ("/keymap/load-named", test_load_named);
	g_test_add_func ("/keymap/load-user", test_load_user);
	g_test_add_func ("/keymap/pane-fallback", test_pane_fallback);
	g_test_add_func ("/keymap/unbind", test_unbind);
	g_test_add_func ("/keymap/unbind-bad-key", test_unbind_bad_key_warns);
	g_test_add_func ("/keymap/keys-for-order", test_keys_for_order);
	g_test_add_func ("/keymap/help", test_help_text);
	g_test_add_func ("/keymap/help/panes", test_help_text_panes);
	g_test_add_func ("/keymap/mdoc", test_mdoc_table);
	g_test_add_func ("/keymap/mdoc/escapes", test_mdoc_escapes);
	g_test_add_func ("/keymap/mdoc/lint", test_mdoc_lint);
	g_test_add_func ("/keymap/to-text", test_to_text);
	return g_test_run ();
}
