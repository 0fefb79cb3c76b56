/* Key notation and keymaps; see keymap.h and keymaps/README.md. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>
#include <glib.h>

#include "keymap.h"

/* A keymap file bigger than this is a mistake (a log given as --keys), not
 * bindings; it is refused before it fills the warning list. */
#define MAX_FILE_SIZE (1024 * 1024)
#define MAX_CODE_POINT 0x10FFFF
#define MAX_FKEY 63

/* ---- key notation ---- */

/* The names inside <>, in the order help lists them. The first name of a key
 * is the one mwb_key_name() prints. */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", '\n' },
	{ "CR", '\n' },
	{ "Return", '\n' },
	{ "Esc", 27 },
	{ "Escape", 27 },
	{ "Tab", '\t' },
	{ "S-Tab", KEY_BTAB },
	{ "BackTab", KEY_BTAB },
	{ "Space", ' ' },
	{ "BS", KEY_BACKSPACE },
	{ "Backspace", KEY_BACKSPACE },
	{ "Del", KEY_DC },
	{ "Delete", KEY_DC },
	{ "Ins", KEY_IC },
	{ "Insert", KEY_IC },
	{ "Up", KEY_UP },
	{ "Down", KEY_DOWN },
	{ "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE },
	{ "PageUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE },
	{ "PgDown", KEY_NPAGE },
	{ "PageDown", KEY_NPAGE },
	{ "Home", KEY_HOME },
	{ "End", KEY_END },
	/* Characters that a keymap line cannot hold as they are. */
	{ "Lt", '<' },
	{ "LessThan", '<' },
	{ "Hash", '#' },
};

static gboolean
is_shifted_char (int key)
{
	return key >= MWB_KEY_CHAR_SHIFT + KEY_MIN && key <= MWB_KEY_CHAR_SHIFT + KEY_MAX;
}

static gboolean
key_valid (int key)
{
	return (key > 0 && key <= MAX_CODE_POINT) || is_shifted_char (key);
}

int
mwb_key_normalize (int key)
{
	switch (key) {
	case '\r':
	case KEY_ENTER:
		return '\n';
	case 127:
		return KEY_BACKSPACE;
	default:
		return key;
	}
}

int
mwb_key_from_wch (int rc, wint_t wch)
{
	int key;

	if (rc == KEY_CODE_YES)
		key = (int) wch;
	else if (rc == OK && wch <= MAX_CODE_POINT)
		key = (int) wch >= KEY_MIN && (int) wch <= KEY_MAX ? (int) wch + MWB_KEY_CHAR_SHIFT : (int) wch;
	else
		return -1;
	return key_valid (key) ? key : -1;
}

static int
parse_name (const char *name, size_t len, const char **error)
{
	for (size_t i = 0; i < G_N_ELEMENTS (key_names); i++)
		if (strlen (key_names[i].name) == len && g_ascii_strncasecmp (name, key_names[i].name, len) == 0)
			return key_names[i].key;

	if (len == 3 && g_ascii_tolower (name[0]) == 'c' && name[1] == '-' && g_ascii_isalpha (name[2]))
		return g_ascii_tolower (name[2]) - 'a' + 1;

	/* F1..F63, the function keys ncurses has codes for; no leading zero, so
	 * that each key has one spelling. */
	if (len >= 2 && len <= 3 && g_ascii_tolower (name[0]) == 'f' && name[1] >= '1' && name[1] <= '9') {
		int n = name[1] - '0';

		if (len == 3) {
			if (!g_ascii_isdigit (name[2]))
				goto unknown;
			n = n * 10 + (name[2] - '0');
		}
		if (n > MAX_FKEY) {
			*error = "no such function key";
			return -1;
		}
		return KEY_F (n);
	}

	if (len >= 3 && name[0] == '0' && g_ascii_tolower (name[1]) == 'x') {
		long v = 0;

		for (size_t i = 2; i < len; i++) {
			if (!g_ascii_isxdigit (name[i]))
				goto unknown;
			v = v * 16 + g_ascii_xdigit_value (name[i]);
			if (v > MAX_CODE_POINT) {
				*error = "no such key code";
				return -1;
			}
		}
		if (v == 0) {
			*error = "no such key code";
			return -1;
		}
		return (int) v;
	}

unknown:
	*error = "unknown key name";
	return -1;
}

int
mwb_key_parse_full (const char *text, const char **end, const char **error)
{
	const char *dummy;
	const char *after;
	int key;

	if (!error)
		error = &dummy;
	if (end)
		*end = text;
	if (!text || !*text) {
		*error = "no key";
		return -1;
	}

	if (text[0] == '<') {
		size_t j = 1;

		while (text[j] && text[j] != '>' && text[j] != '<' && !g_ascii_isspace (text[j]))
			j++;
		if (text[j] == '>') {
			if (j == 1) {
				*error = "empty key name";
				return -1;
			}
			key = parse_name (text + 1, j - 1, error);
			if (key < 0)
				return -1;
			after = text + j + 1;
			goto done;
		}
		/* Nothing closes it: a plain '<'. */
	}

	if ((guchar) text[0] < 0x80) {
		if ((guchar) text[0] < 0x20 || text[0] == 0x7f) {
			*error = "control character (write <C-x> or a <name>)";
			return -1;
		}
		key = (guchar) text[0];
		after = text + 1;
	} else {
		gunichar c = g_utf8_get_char_validated (text, -1);

		if (c == (gunichar) -1 || c == (gunichar) -2) {
			*error = "not valid UTF-8";
			return -1;
		}
		if (c >= 0x80 && c < 0xa0) {
			*error = "control character (write a <0xHEX> key code)";
			return -1;
		}
		key = (int) c;
		if (key >= KEY_MIN && key <= KEY_MAX)
			key += MWB_KEY_CHAR_SHIFT;
		after = g_utf8_next_char (text);
	}

done:
	if (!end && *after) {
		*error = "more than one key";
		return -1;
	}
	if (end)
		*end = after;
	return key;
}

int
mwb_key_parse (const char *text, const char **end)
{
	return mwb_key_parse_full (text, end, NULL);
}

/* A character is written as itself when it can be seen and cannot be taken
 * for something else. */
static gboolean
char_prints_as_itself (gunichar c)
{
	if (c < 0x80)
		return c > ' ' && c < 0x7f;
	return g_unichar_isprint (c) && !g_unichar_isspace (c) && !g_unichar_iszerowidth (c)
	       && !g_unichar_ismark (c);
}

char *
mwb_key_name (int key)
{
	char buf[8];

	if (!key_valid (key))
		return NULL;
	key = mwb_key_normalize (key);

	/* Letters of Latin Extended-A/B, all of them printable. */
	if (is_shifted_char (key)) {
		buf[g_unichar_to_utf8 ((gunichar) (key - MWB_KEY_CHAR_SHIFT), buf)] = 0;
		return g_strdup (buf);
	}
	for (size_t i = 0; i < G_N_ELEMENTS (key_names); i++)
		if (key_names[i].key == key)
			return g_strdup_printf ("<%s>", key_names[i].name);
	if (key >= 1 && key <= 26)
		return g_strdup_printf ("<C-%c>", 'a' + key - 1);
	if (key >= KEY_F (1) && key <= KEY_F (MAX_FKEY))
		return g_strdup_printf ("<F%d>", key - KEY_F0);
	if (key < KEY_MIN || key > KEY_MAX) {
		if (char_prints_as_itself ((gunichar) key)) {
			buf[g_unichar_to_utf8 ((gunichar) key, buf)] = 0;
			return g_strdup (buf);
		}
	}
	return g_strdup_printf ("<0x%x>", (unsigned) key);
}

/* Help lists characters first, then named keys in key_names[] order, then
 * function keys, control keys, and last the bare key codes. */
static void
key_rank (int key, int *klass, int *order)
{
	*order = key;
	if (is_shifted_char (key)) {
		*klass = 0;
		*order = key - MWB_KEY_CHAR_SHIFT;
		return;
	}
	if (key == '<' || key == '#') {
		*klass = 0;
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS (key_names); i++)
		if (key_names[i].key == key) {
			*klass = 1;
			*order = (int) i;
			return;
		}
	if (key >= KEY_F (1) && key <= KEY_F (MAX_FKEY))
		*klass = 2;
	else if (key >= 1 && key <= 26)
		*klass = 3;
	else if ((key < KEY_MIN || key > KEY_MAX) && char_prints_as_itself ((gunichar) key))
		*klass = 0;
	else
		*klass = 4;
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
	int ka = *(const int *) a, kb = *(const int *) b;
	int ca, oa, cb, ob;

	key_rank (ka, &ca, &oa);
	key_rank (kb, &cb, &ob);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return ka < kb ? -1 : ka > kb;
}

/* ---- keymaps ---- */

const char *const mwb_keymap_panes[] = {
	"generic", "list", "steps", "log", "files", "viewer", NULL,
};

#define N_PANES (G_N_ELEMENTS (mwb_keymap_panes) - 1)
#define GENERIC 0

struct _MwbKeymap {
	/* Per pane: key -> action, both as GINT_TO_POINTER. In a pane other
	 * than generic, MWB_ACT_NONE hides generic's binding of the key. */
	GHashTable *maps[N_PANES];
};

static int
pane_index (const char *pane)
{
	if (!pane)
		return GENERIC;
	for (size_t i = 0; i < N_PANES; i++)
		if (strcmp (mwb_keymap_panes[i], pane) == 0)
			return (int) i;
	return -1;
}

MwbKeymap *
mwb_keymap_new (void)
{
	MwbKeymap *km = g_new0 (MwbKeymap, 1);

	for (size_t i = 0; i < N_PANES; i++)
		km->maps[i] = g_hash_table_new (g_direct_hash, g_direct_equal);
	return km;
}

void
mwb_keymap_free (MwbKeymap *km)
{
	if (!km)
		return;
	for (size_t i = 0; i < N_PANES; i++)
		g_hash_table_unref (km->maps[i]);
	g_free (km);
}

gboolean
mwb_keymap_bind (MwbKeymap *km, const char *pane, int key, MwbAction action)
{
	int p = pane_index (pane);

	g_return_val_if_fail (km != NULL, FALSE);
	g_return_val_if_fail (action >= MWB_ACT_NONE && action < MWB_ACT_COUNT, FALSE);
	if (p < 0 || !key_valid (key))
		return FALSE;
	key = mwb_key_normalize (key);
	if (p == GENERIC && action == MWB_ACT_NONE)
		g_hash_table_remove (km->maps[p], GINT_TO_POINTER (key));
	else
		g_hash_table_insert (km->maps[p], GINT_TO_POINTER (key), GINT_TO_POINTER (action));
	return TRUE;
}

MwbAction
mwb_keymap_lookup (const MwbKeymap *km, const char *pane, int key)
{
	int p = pane_index (pane);
	gpointer value;

	g_return_val_if_fail (km != NULL, MWB_ACT_NONE);
	if (!key_valid (key))
		return MWB_ACT_NONE;
	key = mwb_key_normalize (key);
	if (p > GENERIC && g_hash_table_lookup_extended (km->maps[p], GINT_TO_POINTER (key), NULL, &value))
		return (MwbAction) GPOINTER_TO_INT (value);
	return (MwbAction) GPOINTER_TO_INT (g_hash_table_lookup (km->maps[GENERIC], GINT_TO_POINTER (key)));
}

/* ---- keymap files ---- */

static void
add_warning (GPtrArray *warnings, const char *file, guint line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
add_warning (GPtrArray *warnings, const char *file, guint line, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	if (!warnings)
		return;
	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_ptr_array_add (warnings, g_strdup_printf ("%s:%u: %s", file, line, msg));
}

/* A word of a line (valid UTF-8) as a warning quotes it: control characters
 * escaped, so that a warning shown on the terminal cannot drive it. */
static char *
quote_word (const char *word)
{
	GString *s = g_string_new (NULL);

	for (const char *p = word; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		if (c < 0x20 || c == 0x7f)
			g_string_append_printf (s, "\\x%02x", c);
		else if (c >= 0x80 && c < 0xa0)
			g_string_append_printf (s, "\\u%04x", c);
		else
			g_string_append_len (s, p, g_utf8_next_char (p) - p);
	}
	return g_string_free (s, FALSE);
}

#define BLANKS " \t\r\v\f"

static gboolean
load_line (MwbKeymap *km, char *line, const char *file, guint lineno, GPtrArray *warnings)
{
	char *words[5];
	guint n = 0;
	char *s = line;
	int pane, key;
	MwbAction action;
	const char *end, *why;

	if (!g_utf8_validate (line, -1, NULL)) {
		add_warning (warnings, file, lineno, "not valid UTF-8");
		return FALSE;
	}
	for (;;) {
		s += strspn (s, BLANKS);
		if (!*s || *s == '#')
			break;
		if (n < G_N_ELEMENTS (words))
			words[n] = s;
		n++;
		s += strcspn (s, BLANKS);
		if (*s)
			*s++ = 0;
	}
	if (n == 0)
		return TRUE;

	if (strcmp (words[0], "bind") != 0) {
		g_autofree char *q = quote_word (words[0]);

		add_warning (warnings, file, lineno, "unknown command '%s'", q);
		return FALSE;
	}
	if (n != 4) {
		add_warning (warnings, file, lineno, "expected 'bind PANE KEY ACTION'");
		return FALSE;
	}
	pane = pane_index (words[1]);
	if (pane < 0) {
		g_autofree char *q = quote_word (words[1]);
		g_autofree char *list = g_strjoinv (", ", (char **) mwb_keymap_panes);

		add_warning (warnings, file, lineno, "unknown pane '%s' (panes: %s)", q, list);
		return FALSE;
	}
	key = mwb_key_parse_full (words[2], &end, &why);
	if (key >= 0 && *end) {
		key = -1;
		why = "more than one key; a binding is one key";
	}
	if (key < 0) {
		g_autofree char *q = quote_word (words[2]);

		add_warning (warnings, file, lineno, "bad key '%s': %s", q, why);
		return FALSE;
	}
	if (strcmp (words[3], "none") == 0) {
		action = MWB_ACT_NONE;
	} else {
		action = mwb_action_by_name (words[3]);
		if (action == MWB_ACT_NONE) {
			g_autofree char *q = quote_word (words[3]);

			add_warning (warnings, file, lineno, "unknown action '%s'", q);
			return FALSE;
		}
	}
	return mwb_keymap_bind (km, mwb_keymap_panes[pane], key, action);
}

/* data holds len bytes; a NUL byte in a line makes it unusable. */
static gboolean
load_text (MwbKeymap *km, const char *data, size_t len, const char *file, GPtrArray *warnings)
{
	gboolean ok = TRUE;
	guint lineno = 0;
	size_t pos = 0;

	if (!file)
		file = "(keymap)";
	while (pos < len) {
		const char *nl = memchr (data + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t) (nl - (data + pos)) : len - pos;

		lineno++;
		if (memchr (data + pos, 0, line_len)) {
			add_warning (warnings, file, lineno, "NUL byte in the line");
			ok = FALSE;
		} else {
			g_autofree char *line = g_strndup (data + pos, line_len);

			if (!load_line (km, line, file, lineno, warnings))
				ok = FALSE;
		}
		pos += line_len + 1;
	}
	return ok;
}

gboolean
mwb_keymap_load_data (MwbKeymap *km, const char *data, const char *filename, GPtrArray *warnings)
{
	g_return_val_if_fail (km != NULL && data != NULL, FALSE);
	return load_text (km, data, strlen (data), filename, warnings);
}

/* Reads path whole, or says why not as "PATH: reason". */
static char *
read_file (const char *path, size_t *len, GPtrArray *warnings)
{
	FILE *f = fopen (path, "rb");
	g_autoptr (GString) s = NULL;
	char buf[8192];
	size_t n;
	int saved;

	if (!f) {
		saved = errno;
		if (warnings)
			g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", path, g_strerror (saved)));
		return NULL;
	}
	s = g_string_new (NULL);
	while ((n = fread (buf, 1, sizeof buf, f)) > 0) {
		g_string_append_len (s, buf, n);
		if (s->len > MAX_FILE_SIZE)
			break;
	}
	saved = errno;
	if (ferror (f) || s->len > MAX_FILE_SIZE) {
		if (warnings)
			g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", path,
				ferror (f) ? g_strerror (saved) : "too big for a keymap (over 1 MiB)"));
		fclose (f);
		return NULL;
	}
	fclose (f);
	*len = s->len;
	return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
mwb_keymap_load_file (MwbKeymap *km, const char *path, GPtrArray *warnings)
{
	g_autofree char *data = NULL;
	size_t len = 0;

	g_return_val_if_fail (km != NULL && path != NULL, FALSE);
	data = read_file (path, &len, warnings);
	if (!data)
		return FALSE;
	return load_text (km, data, len, path, warnings);
}

MwbKeymap *
mwb_keymap_new_default (GPtrArray *warnings)
{
	MwbKeymap *km = mwb_keymap_new ();

	mwb_keymap_load_data (km, mwb_default_keys, "default.keys", warnings);
	return km;
}

MwbKeymap *
mwb_keymap_load_named (const char *name_or_file, const char *keymaps_dir, GPtrArray *warnings)
{
	MwbKeymap *km = mwb_keymap_new_default (warnings);
	g_autofree char *path = NULL;

	if (!name_or_file || !*name_or_file || strcmp (name_or_file, "default") == 0)
		return km;
	if (strchr (name_or_file, '/')) {
		path = g_strdup (name_or_file);
	} else if (!keymaps_dir) {
		if (warnings)
			g_ptr_array_add (warnings, g_strdup_printf ("keymap '%s': no keymap directory to look in",
								    name_or_file));
		return km;
	} else {
		g_autofree char *base = g_strconcat (name_or_file, ".keys", NULL);

		path = g_build_filename (keymaps_dir, base, NULL);
	}
	mwb_keymap_load_file (km, path, warnings);
	return km;
}

char *
mwb_keymap_user_path (void)
{
	const char *xdg = g_getenv ("XDG_CONFIG_HOME");
	const char *home;

	/* Read here, not through g_get_user_config_dir(), which keeps the first
	 * answer for the life of the process. */
	if (xdg && g_path_is_absolute (xdg))
		return g_build_filename (xdg, "mwb", "keys", NULL);
	home = g_getenv ("HOME");
	if (!home || !*home)
		home = g_get_home_dir ();
	return g_build_filename (home, ".config", "mwb", "keys", NULL);
}

gboolean
mwb_keymap_load_user (MwbKeymap *km, GPtrArray *warnings)
{
	g_autofree char *path = mwb_keymap_user_path ();

	if (!g_file_test (path, G_FILE_TEST_EXISTS))
		return TRUE;
	return mwb_keymap_load_file (km, path, warnings);
}

/* ---- what the keymap says ---- */

/* The keys of km->maps[p] bound to action, sorted. */
static GArray *
pane_keys (const MwbKeymap *km, int p, MwbAction action)
{
	GArray *keys = g_array_new (FALSE, FALSE, sizeof (int));
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init (&it, km->maps[p]);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		int key = GPOINTER_TO_INT (k);

		if (GPOINTER_TO_INT (v) == (int) action)
			g_array_append_val (keys, key);
	}
	g_array_sort (keys, compare_keys);
	return keys;
}

static GPtrArray *
key_names_of (GArray *keys)
{
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; i < keys->len; i++)
		g_ptr_array_add (names, mwb_key_name (g_array_index (keys, int, i)));
	return names;
}

GPtrArray *
mwb_keymap_keys_for (const MwbKeymap *km, const char *pane, MwbAction action)
{
	int p = pane_index (pane);
	g_autoptr (GArray) keys = NULL;

	g_return_val_if_fail (km != NULL, NULL);
	if (p < 0)
		p = GENERIC;
	if (action == MWB_ACT_NONE)
		return g_ptr_array_new_with_free_func (g_free);
	keys = pane_keys (km, GENERIC, action);
	if (p != GENERIC) {
		g_autoptr (GArray) own = pane_keys (km, p, action);
		g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (int));

		g_array_append_vals (all, own->data, own->len);
		for (guint i = 0; i < keys->len; i++) {
			int k = g_array_index (keys, int, i);

			if (!g_hash_table_contains (km->maps[p], GINT_TO_POINTER (k)))
				g_array_append_val (all, k);
		}
		g_array_sort (all, compare_keys);
		g_array_unref (keys);
		keys = g_steal_pointer (&all);
	}
	return key_names_of (keys);
}

static char *
join_names (GPtrArray *names, const char *sep)
{
	g_ptr_array_add (names, NULL);
	return g_strjoinv (sep, (char **) names->pdata);
}

/* Columns on the terminal, as help is drawn: wide characters take two. */
static int
char_width (gunichar c)
{
	return g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
}

static int
text_width (const char *s)
{
	int w = 0;

	for (; *s; s = g_utf8_next_char (s))
		w += char_width (g_utf8_get_char (s));
	return w;
}

/* Appends line and a newline, cut to width columns (width <= 0: whole). */
static void
append_line (GString *out, const char *line, int width)
{
	int w = 0;
	const char *p = line;

	if (width > 0) {
		for (; *p; p = g_utf8_next_char (p)) {
			int cw = char_width (g_utf8_get_char (p));

			if (w + cw > width)
				break;
			w += cw;
		}
		g_string_append_len (out, line, p - line);
	} else {
		g_string_append (out, line);
	}
	/* Cutting may leave the padding of a column behind. */
	while (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	g_string_append_c (out, '\n');
}

static void
pad_to (GString *s, int col)
{
	int w = text_width (s->str);

	while (w++ < col)
		g_string_append_c (s, ' ');
}

#define HELP_INDENT 2
#define HELP_GAP 2
#define HELP_MAX_KEYS 20
#define HELP_MIN_WRAP 16

typedef struct {
	int keys_col, name_col, help_col, width;
} HelpLayout;

/* One help entry: the keys, the action's name and its help, which wraps
 * under itself when the line is too narrow; keys too wide for their column
 * get a line of their own. */
static void
help_entry (GString *out, const HelpLayout *lay, const char *keys, const char *name, const char *help)
{
	g_autoptr (GString) line = g_string_new (NULL);
	int room = lay->width > 0 ? lay->width - lay->help_col : 0;

	pad_to (line, lay->keys_col);
	g_string_append (line, keys);
	if (text_width (line->str) > lay->name_col - HELP_GAP) {
		append_line (out, line->str, lay->width);
		g_string_truncate (line, 0);
	}
	pad_to (line, lay->name_col);
	g_string_append (line, name);
	pad_to (line, lay->help_col);

	if (lay->width <= 0 || room < HELP_MIN_WRAP || text_width (help) <= room) {
		g_string_append (line, help);
		append_line (out, line->str, lay->width);
		return;
	}

	/* Word wrap, hard-breaking a word longer than the room. */
	{
		g_auto (GStrv) words = g_strsplit (help, " ", -1);
		int used = 0;

		for (guint i = 0; words[i]; i++) {
			const char *w = words[i];
			int ww = text_width (w);

			if (used > 0 && used + 1 + ww > room) {
				append_line (out, line->str, lay->width);
				g_string_truncate (line, 0);
				pad_to (line, lay->help_col);
				used = 0;
			}
			if (used > 0) {
				g_string_append_c (line, ' ');
				used++;
			}
			while (ww > room - used) {
				/* Only a word alone on its line gets here: used is 0. */
				const char *p = w;
				int pw = 0;

				for (; *p; p = g_utf8_next_char (p)) {
					int cw = char_width (g_utf8_get_char (p));

					if (pw + cw > room && p > w)
						break;
					pw += cw;
				}
				g_string_append_len (line, w, p - w);
				append_line (out, line->str, lay->width);
				g_string_truncate (line, 0);
				pad_to (line, lay->help_col);
				w = p;
				ww = text_width (w);
			}
			g_string_append (line, w);
			used += ww;
		}
		append_line (out, line->str, lay->width);
	}
}

char *
mwb_keymap_help_text (const MwbKeymap *km, int width)
{
	GString *out = g_string_new (NULL);
	g_autoptr (GPtrArray) sections = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	HelpLayout lay = { 0 };
	int keys_w = 1, name_w = 0;

	g_return_val_if_fail (km != NULL, NULL);

	/* Each section: its title, then (keys, name, help) triples. */
	for (size_t p = 0; p < N_PANES; p++) {
		GPtrArray *sec = g_ptr_array_new_with_free_func (g_free);
		g_autoptr (GArray) hidden = g_array_new (FALSE, FALSE, sizeof (int));
		GHashTableIter it;
		gpointer k, v;

		g_ptr_array_add (sec, p == GENERIC ? g_strdup ("Keys in every pane")
				 : g_strdup_printf ("Keys of the %s pane", mwb_keymap_panes[p]));
		for (int a = 1; a < MWB_ACT_COUNT; a++) {
			g_autoptr (GArray) keys = pane_keys (km, (int) p, (MwbAction) a);
			g_autoptr (GPtrArray) names = NULL;

			if (p != GENERIC && keys->len == 0)
				continue;
			names = key_names_of (keys);
			g_ptr_array_add (sec, keys->len ? join_names (names, ", ") : g_strdup ("-"));
			g_ptr_array_add (sec, g_strdup (mwb_actions[a].name));
			g_ptr_array_add (sec, g_strdup (mwb_actions[a].help));
		}
		/* Generic's keys that this pane leaves unbound. */
		if (p != GENERIC) {
			g_hash_table_iter_init (&it, km->maps[p]);
			while (g_hash_table_iter_next (&it, &k, &v)) {
				int key = GPOINTER_TO_INT (k);

				if (GPOINTER_TO_INT (v) == MWB_ACT_NONE
				    && g_hash_table_contains (km->maps[GENERIC], k))
					g_array_append_val (hidden, key);
			}
			if (hidden->len) {
				g_autoptr (GPtrArray) names = NULL;

				g_array_sort (hidden, compare_keys);
				names = key_names_of (hidden);
				g_ptr_array_add (sec, join_names (names, ", "));
				g_ptr_array_add (sec, g_strdup ("none"));
				g_ptr_array_add (sec, g_strdup ("unbound in this pane"));
			}
		}
		if (sec->len == 1) {
			g_ptr_array_unref (sec);
			continue;
		}
		for (guint i = 1; i < sec->len; i += 3) {
			int kw = text_width (sec->pdata[i]);
			int nw = text_width (sec->pdata[i + 1]);

			if (kw <= HELP_MAX_KEYS && kw > keys_w)
				keys_w = kw;
			if (nw > name_w)
				name_w = nw;
		}
		g_ptr_array_add (sections, sec);
	}

	lay.width = width;
	lay.keys_col = HELP_INDENT;
	lay.name_col = lay.keys_col + keys_w + HELP_GAP;
	lay.help_col = lay.name_col + name_w + HELP_GAP;
	for (guint s = 0; s < sections->len; s++) {
		GPtrArray *sec = sections->pdata[s];

		if (s > 0)
			g_string_append_c (out, '\n');
		append_line (out, sec->pdata[0], width);
		for (guint i = 1; i < sec->len; i += 3)
			help_entry (out, &lay, sec->pdata[i], sec->pdata[i + 1], sec->pdata[i + 2]);
	}
	return g_string_free (out, FALSE);
}

/* A key as an argument of an mdoc macro line. */
static void
mdoc_key (GString *out, const char *name)
{
	/* mdoc takes these alone as punctuation, not as an argument. */
	if (name[0] && !name[1] && strchr (".,;:()[]?!|", name[0])) {
		g_string_append_printf (out, "\\&%c", name[0]);
		return;
	}
	for (const char *p = name; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		if (c == '\\')
			g_string_append (out, "\\e");
		else if (c == '"')
			g_string_append (out, "\\(dq");
		else if (c >= 0x80)
			g_string_append_printf (out, "\\[u%04X]", c);
		else
			g_string_append_c (out, (char) c);
	}
}

/* Text as a roff text line. */
static void
mdoc_text (GString *out, const char *text)
{
	if (text[0] == '.' || text[0] == '\'')
		g_string_append (out, "\\&");
	for (const char *p = text; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		if (c == '\\')
			g_string_append (out, "\\e");
		else if (c >= 0x80)
			g_string_append_printf (out, "\\[u%04X]", c);
		else
			g_string_append_c (out, (char) c);
	}
}

char *
mwb_keymap_mdoc_table (const MwbKeymap *km)
{
	GString *out = g_string_new (".Bl -tag -width Ds\n");

	g_return_val_if_fail (km != NULL, NULL);
	for (int a = 1; a < MWB_ACT_COUNT; a++) {
		for (size_t p = 0; p < N_PANES; p++) {
			g_autoptr (GArray) keys = pane_keys (km, (int) p, (MwbAction) a);
			g_autoptr (GPtrArray) names = NULL;

			if (keys->len == 0)
				continue;
			names = key_names_of (keys);
			g_string_append (out, ".It");
			for (guint i = 0; i < names->len; i++) {
				g_string_append (out, i ? " , Ic " : " Ic ");
				mdoc_key (out, names->pdata[i]);
			}
			g_string_append_c (out, '\n');
			if (p != GENERIC)
				g_string_append_printf (out, "In the %s pane,\n", mwb_keymap_panes[p]);
			g_string_append_printf (out, ".Cm %s :\n", mwb_actions[a].name);
			mdoc_text (out, mwb_actions[a].help);
			g_string_append (out, ".\n");
		}
	}
	g_string_append (out, ".El\n");
	return g_string_free (out, FALSE);
}

char *
mwb_keymap_to_text (const MwbKeymap *km)
{
	GString *out = g_string_new (NULL);

	g_return_val_if_fail (km != NULL, NULL);
	for (size_t p = 0; p < N_PANES; p++) {
		g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (int));
		GHashTableIter it;
		gpointer k;

		g_hash_table_iter_init (&it, km->maps[p]);
		while (g_hash_table_iter_next (&it, &k, NULL)) {
			int key = GPOINTER_TO_INT (k);

			g_array_append_val (keys, key);
		}
		g_array_sort (keys, compare_keys);
		for (guint i = 0; i < keys->len; i++) {
			int key = g_array_index (keys, int, i);
			MwbAction a = (MwbAction) GPOINTER_TO_INT (g_hash_table_lookup (km->maps[p],
											GINT_TO_POINTER (key)));
			g_autofree char *name = mwb_key_name (key);

			g_string_append_printf (out, "bind %s %s %s\n", mwb_keymap_panes[p], name,
						a == MWB_ACT_NONE ? "none" : mwb_actions[a].name);
		}
	}
	return g_string_free (out, FALSE);
}
