/* Hexdump viewer model: see hexfmt.h. */
#define _GNU_SOURCE
#include <string.h>

#include "hexfmt.h"

G_DEFINE_QUARK (mwb-hex-error-quark, mwb_hex_error)

static const char hex_digits[] = "0123456789abcdef";

/* ---- messages ---- */

/* text in double quotes for an error message, as valid UTF-8 and with
 * control characters escaped, because the message ends up on one line of
 * the status bar and a stray newline or escape sequence would wreck it */
static char *
quote_text (const char *text)
{
	g_autofree char *valid = g_utf8_make_valid (text, -1);
	GString *s = g_string_new ("\"");
	const char *p;

	for (p = valid; *p != '\0'; p++) {
		guchar c = *p;

		if (c == '"' || c == '\\')
			g_string_append_printf (s, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf (s, "\\x%02x", c);
		else
			g_string_append_c (s, (char) c);
	}
	g_string_append_c (s, '"');
	return g_string_free (s, FALSE);
}

/* The character at p for a message: 'q', 'é', or "byte 0x01" for what
 * would not show (or not show as itself) in a status line. */
static char *
describe_char (const char *p)
{
	guchar c = *p;

	if (c >= 0x20 && c < 0x7f)
		return g_strdup_printf ("'%c'", c);
	if (c >= 0x80) {
		gunichar u = g_utf8_get_char_validated (p, -1);

		if (u != (gunichar) -1 && u != (gunichar) -2 && g_unichar_isprint (u)) {
			char buf[8];

			buf[g_unichar_to_utf8 (u, buf)] = '\0';
			return g_strdup_printf ("'%s'", buf);
		}
	}
	return g_strdup_printf ("byte 0x%02x", c);
}

/* ---- rows ---- */

guint
mwb_hex_offset_digits (goffset offset)
{
	guint64 high;
	guint digits = 8;

	g_return_val_if_fail (offset >= 0, 8);

	for (high = (guint64) offset >> 32; high != 0; high >>= 4)
		digits++;
	return digits;
}

/* digits of offset, two spaces, three characters per byte slot plus one
 * between groups of 8, " |", the ASCII column, "|" */
static gsize
row_len (guint digits, guint width, gsize len)
{
	return digits + 2 + 3 * (gsize) width + (width - 1) / 8 + 2 + len + 1;
}

gsize
mwb_hex_format_row_len (guint width)
{
	g_return_val_if_fail (width >= 1 && width <= MWB_HEX_MAX_WIDTH, 0);

	return row_len (8, width, width);
}

guint
mwb_hex_row_width_for_columns (guint cols)
{
	if (cols >= mwb_hex_format_row_len (16))
		return 16;
	if (cols >= mwb_hex_format_row_len (8))
		return 8;
	return 4;
}

char *
mwb_hex_format_row (const guint8 *data, gsize len, goffset offset, guint width)
{
	guint64 off = (guint64) offset;
	guint digits;
	char *row, *p;
	gsize i;

	g_return_val_if_fail (width >= 1 && width <= MWB_HEX_MAX_WIDTH, NULL);
	g_return_val_if_fail (len <= width, NULL);
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (offset >= 0, NULL);

	digits = mwb_hex_offset_digits (offset);
	row = g_malloc (row_len (digits, width, len) + 1);

	for (i = digits; i-- > 0; off >>= 4)
		row[i] = hex_digits[off & 0xf];
	p = row + digits;
	*p++ = ' ';
	*p++ = ' ';
	for (i = 0; i < width; i++) {
		if (i > 0 && i % 8 == 0)
			*p++ = ' ';
		if (i < len) {
			*p++ = hex_digits[data[i] >> 4];
			*p++ = hex_digits[data[i] & 0xf];
		} else {
			*p++ = ' ';
			*p++ = ' ';
		}
		*p++ = ' ';
	}
	*p++ = ' ';
	*p++ = '|';
	for (i = 0; i < len; i++)
		*p++ = data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.';
	*p++ = '|';
	*p = '\0';
	return row;
}

char *
mwb_hex_describe_offset (goffset off, goffset size)
{
	g_return_val_if_fail (off >= 0 && size >= 0, NULL);

	return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x (%" G_GINT64_FORMAT ") of 0x%" G_GINT64_MODIFIER "x",
	                        (guint64) off, (gint64) off, (guint64) size);
}

/* ---- goto offset ---- */

/* The typed text, and the part of it between the blanks around it. */
typedef struct {
	const char *text;
	const char *start;
	const char *end;
} OffsetText;

static gboolean offset_syntax_error (const OffsetText *t, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
offset_syntax_error (const OffsetText *t, GError **error, const char *format, ...)
{
	g_autofree char *quoted = quote_text (t->text);
	g_autofree char *reason = NULL;
	va_list args;

	va_start (args, format);
	reason = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID,
	             "%s is not an offset: %s", quoted, reason);
	return FALSE;
}

/* in_decimal: p is where a decimal digit could have been, so a hex letter
 * there most likely means hex typed without its 0x */
static gboolean
offset_unexpected (const OffsetText *t, GError **error, const char *p, gboolean in_decimal)
{
	g_autofree char *what = describe_char (p);

	return offset_syntax_error (t, error, "unexpected %s at position %d%s",
	                            what, (int) (p - t->text) + 1,
	                            in_decimal && g_ascii_isxdigit (*p) ? "; hex needs 0x, as in 0x1f0" : "");
}

static int
suffix_shift (char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	default:
		return -1;
	}
}

/* Reads the unsigned number filling [p, t->end).  A number too large for
 * a goffset is no syntax error: it is past the end of any file, so it
 * sets *too_big and lets the caller say that. */
static gboolean
parse_magnitude (const OffsetText *t, const char *p, goffset *value, gboolean *too_big, GError **error)
{
	const char *end = t->end;
	guint64 v = 0;
	gboolean big = FALSE;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		const char *digits = p + 2;

		for (p = digits; p < end && g_ascii_isxdigit (*p); p++) {
			if (v > (guint64) G_MAXINT64 >> 4)
				big = TRUE;
			else
				v = v << 4 | (guint64) g_ascii_xdigit_value (*p);
		}
		if (p == end && p == digits)
			return offset_syntax_error (t, error, "expected hex digits after \"%.2s\"", digits - 2);
		if (p < end && p > digits && suffix_shift (*p) >= 0)
			return offset_syntax_error (t, error, "the suffix '%c' at position %d only goes with decimal numbers",
			                            *p, (int) (p - t->text) + 1);
		if (p < end)
			return offset_unexpected (t, error, p, FALSE);
	} else {
		const char *digits = p;

		for (; p < end && g_ascii_isdigit (*p); p++) {
			guint64 d = (guint64) (*p - '0');

			if (v > ((guint64) G_MAXINT64 - d) / 10)
				big = TRUE;
			else
				v = v * 10 + d;
		}
		/* also catches a suffix alone ("k"), which is no number */
		if (p == digits)
			return offset_unexpected (t, error, p, TRUE);
		if (p < end) {
			int shift = suffix_shift (*p);

			if (shift < 0)
				return offset_unexpected (t, error, p, TRUE);
			if (p + 1 < end)
				return offset_unexpected (t, error, p + 1, FALSE);
			if (v > (guint64) G_MAXINT64 >> shift)
				big = TRUE;
			else
				v <<= shift;
		}
	}
	*value = (goffset) v;
	*too_big = big;
	return TRUE;
}

static gboolean
word_is (const OffsetText *t, const char *word)
{
	gsize len = strlen (word);

	return (gsize) (t->end - t->start) == len && g_ascii_strncasecmp (t->start, word, len) == 0;
}

gboolean
mwb_hex_parse_offset (const char *text, goffset current, goffset size,
                      goffset *out, GError **error)
{
	OffsetText t = { text, text, NULL };
	const char *p;
	char sign = 0;
	goffset value = 0, target;
	gboolean too_big = FALSE;

	g_return_val_if_fail (text != NULL, FALSE);
	g_return_val_if_fail (current >= 0 && size >= 0, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	while (*t.start != '\0' && g_ascii_isspace (*t.start))
		t.start++;
	t.end = t.start + strlen (t.start);
	while (t.end > t.start && g_ascii_isspace (t.end[-1]))
		t.end--;

	if (t.start == t.end) {
		g_set_error_literal (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID,
		                     "no offset given: type one such as 4096, 0x1f0, 4k, +16, -0x10 or end");
		return FALSE;
	}

	if (word_is (&t, "$") || word_is (&t, "end")) {
		target = size - 1;
	} else if (*t.start == '$') {
		return offset_unexpected (&t, error, t.start + 1, FALSE);
	} else if (t.end - t.start > 3 && g_ascii_strncasecmp (t.start, "end", 3) == 0) {
		return offset_unexpected (&t, error, t.start + 3, FALSE);
	} else {
		p = t.start;
		if (*p == '+' || *p == '-') {
			sign = *p++;
			if (p == t.end)
				return offset_syntax_error (&t, error, "expected a number after '%c'", sign);
		}
		if (!parse_magnitude (&t, p, &value, &too_big, error))
			return FALSE;

		if (sign == '+' && value > G_MAXINT64 - current)
			too_big = TRUE;
		if (too_big)
			target = 0;   /* unused: the error below says it */
		else if (sign == '-')
			target = current - value;   /* >= -G_MAXINT64: no overflow */
		else if (sign == '+')
			target = current + value;
		else
			target = value;
	}

	if (size == 0) {
		g_set_error_literal (error, MWB_HEX_ERROR, MWB_HEX_ERROR_RANGE,
		                     "the file is empty: there is no offset to go to");
		return FALSE;
	}
	/* a number that does not even fit is shown as typed */
	if (too_big) {
		g_autofree char *typed = g_strndup (t.start, (gsize) (t.end - t.start));

		if (sign == '-')
			g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_RANGE,
			             "offset %s is before the start of the file", typed);
		else
			g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_RANGE,
			             "offset %s is past the end of the file (0x%" G_GINT64_MODIFIER "x bytes)",
			             typed, (guint64) size);
		return FALSE;
	}
	if (target < 0) {
		g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_RANGE,
		             "offset -0x%" G_GINT64_MODIFIER "x is before the start of the file",
		             (guint64) -target);
		return FALSE;
	}
	if (target >= size) {
		g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_RANGE,
		             "offset 0x%" G_GINT64_MODIFIER "x is past the end of the file (0x%" G_GINT64_MODIFIER "x bytes)",
		             (guint64) target, (guint64) size);
		return FALSE;
	}

	if (out != NULL)
		*out = target;
	return TRUE;
}

/* ---- search ---- */

MwbHexPattern
mwb_hex_pattern_kind (const char *text)
{
	gsize len;

	g_return_val_if_fail (text != NULL, MWB_HEX_PATTERN_TEXT);

	if (text[0] == 'x' && text[1] == ':')
		return MWB_HEX_PATTERN_HEX;
	len = strlen (text);
	if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
		return MWB_HEX_PATTERN_QUOTED;
	return MWB_HEX_PATTERN_TEXT;
}

static gboolean
hex_pattern_error (const char *text, GError **error, const char *p, const char *problem, const char *hint)
{
	g_autofree char *quoted = quote_text (text);
	g_autofree char *what = describe_char (p);

	g_set_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID,
	             "bad hex pattern %s: %s at position %d %s; %s",
	             quoted, what, (int) (p - text) + 1, problem, hint);
	return FALSE;
}

static gboolean
parse_hex_bytes (const char *text, GByteArray *bytes, GError **error)
{
	const char *p = text + 2;

	for (;;) {
		guint8 byte;

		while (g_ascii_isspace (*p))
			p++;
		if (*p == '\0')
			break;
		if (!g_ascii_isxdigit (*p))
			return hex_pattern_error (text, error, p, "is not a hex digit",
			                          "to search for this text, put it in double quotes");
		if (p[1] == '\0' || g_ascii_isspace (p[1])) {
			g_autofree char *hint = g_strdup_printf ("write a byte as two digits, e.g. 0%c", *p);

			return hex_pattern_error (text, error, p, "is a lone hex digit", hint);
		}
		if (!g_ascii_isxdigit (p[1]))
			return hex_pattern_error (text, error, p + 1, "is not a hex digit",
			                          "to search for this text, put it in double quotes");
		byte = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
		g_byte_array_append (bytes, &byte, 1);
		p += 2;
	}

	if (bytes->len == 0) {
		g_set_error_literal (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID,
		                     "no hex bytes after \"x:\"");
		return FALSE;
	}
	return TRUE;
}

gboolean
mwb_hex_parse_pattern (const char *text, GByteArray **out, GError **error)
{
	g_autoptr(GByteArray) bytes = NULL;
	gsize len;

	g_return_val_if_fail (text != NULL, FALSE);
	g_return_val_if_fail (out != NULL, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	len = strlen (text);
	bytes = g_byte_array_new ();
	switch (mwb_hex_pattern_kind (text)) {
	case MWB_HEX_PATTERN_HEX:
		if (!parse_hex_bytes (text, bytes, error))
			return FALSE;
		break;
	case MWB_HEX_PATTERN_QUOTED:
		g_byte_array_append (bytes, (const guint8 *) text + 1, (guint) (len - 2));
		break;
	case MWB_HEX_PATTERN_TEXT:
	default:
		g_byte_array_append (bytes, (const guint8 *) text, (guint) len);
		break;
	}

	if (bytes->len == 0) {
		g_set_error_literal (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID,
		                     "empty search pattern");
		return FALSE;
	}
	*out = g_steal_pointer (&bytes);
	return TRUE;
}

/* Backward search scans windows of this many start positions, from the
 * last one down, each with memmem(): glibc's memmem is linear in the worst
 * case, whereas checking candidates one by one (memrchr for the first
 * byte, then memcmp) costs the whole pattern length at every byte of a
 * zero-filled migration stream when the pattern is zeros ending in
 * anything else. */
#define BACKWARD_WINDOW ((gsize) 64 * 1024)

static gboolean
search_backward (const guint8 *data, const guint8 *pat, gsize plen, gsize last_start, goffset *found)
{
	gsize hi = last_start;

	for (;;) {
		gsize lo = hi >= BACKWARD_WINDOW ? hi - BACKWARD_WINDOW + 1 : 0;
		const guint8 *hay = data + lo;
		gsize hay_len = hi - lo + plen;
		const guint8 *best = NULL;
		const guint8 *m;

		/* the last of possibly many matches in the window */
		while ((m = memmem (hay, hay_len, pat, plen)) != NULL) {
			best = m;
			hay_len -= (gsize) (m + 1 - hay);
			hay = m + 1;
			if (hay_len < plen)
				break;
		}
		if (best != NULL) {
			if (found != NULL)
				*found = (goffset) (best - data);
			return TRUE;
		}
		if (lo == 0)
			return FALSE;
		hi = lo - 1;
	}
}

gboolean
mwb_hex_search (const guint8 *data, gsize size, const GByteArray *pattern,
                goffset from, gboolean backward, goffset *found)
{
	gsize plen, last_start, start;
	const guint8 *m;

	g_return_val_if_fail (data != NULL || size == 0, FALSE);
	g_return_val_if_fail (pattern != NULL && pattern->len > 0, FALSE);

	plen = pattern->len;
	if (plen > size)
		return FALSE;
	last_start = size - plen;

	if (backward) {
		if (from < 0)
			return FALSE;
		return search_backward (data, pattern->data, plen,
		                        MIN ((guint64) from, (guint64) last_start), found);
	}

	if (from >= 0 && (guint64) from > (guint64) last_start)
		return FALSE;
	start = from < 0 ? 0 : (gsize) from;
	m = memmem (data + start, size - start, pattern->data, plen);
	if (m == NULL)
		return FALSE;
	if (found != NULL)
		*found = (goffset) (m - data);
	return TRUE;
}

/* ---- annotations ---- */

static const char *const class_names[MWB_HEX_CLASS_COUNT] = {
	[MWB_HEX_CLASS_NONE] = "none",
	[MWB_HEX_CLASS_HEADER] = "header",
	[MWB_HEX_CLASS_SECTION] = "section",
	[MWB_HEX_CLASS_FIELD] = "field",
	[MWB_HEX_CLASS_RAM] = "ram",
	[MWB_HEX_CLASS_JSON] = "json",
	[MWB_HEX_CLASS_PADDING] = "padding",
	[MWB_HEX_CLASS_UNKNOWN] = "unknown",
	[MWB_HEX_CLASS_ERROR] = "error",
};

const char *
mwb_hex_class_name (int cls)
{
	if (cls < 0 || cls >= MWB_HEX_CLASS_COUNT)
		return NULL;
	return class_names[cls];
}

int
mwb_hex_class_from_name (const char *name)
{
	int cls;

	g_return_val_if_fail (name != NULL, -1);

	for (cls = 0; cls < MWB_HEX_CLASS_COUNT; cls++)
		if (strcmp (class_names[cls], name) == 0)
			return cls;
	return -1;
}

/* The annotations are a sorted array that is also an implicit interval
 * tree, after Heng Li's cgranges: with the array sorted by start, entry i
 * is a node at level (number of trailing 1 bits of i), leaves at even
 * indices, and each node keeps the highest end in its subtree.  Sorting by
 * start alone is not enough for a binary search, because a range starting
 * far before the one looked up may still reach it (a RAM section holding
 * thousands of pages); the subtree maxima let the lookup skip every
 * subtree that ends before the range without ever scanning them. */
typedef struct {
	MwbHexAnnotation a;   /* first, so &entry->a is what lookups hand out */
	goffset max_end;      /* highest end in this node's subtree */
} Entry;

struct _MwbHexAnnotations {
	GArray *entries;      /* of Entry */
	gboolean indexed;     /* sorted and max_end up to date */
	int root_level;
};

/* A marker (length 0) is looked up as if it covered its byte. */
static goffset
entry_end (const Entry *e)
{
	return e->a.offset + MAX (e->a.length, 1);
}

static void
entry_clear (gpointer data)
{
	Entry *e = data;

	g_clear_pointer (&e->a.label, g_free);
}

MwbHexAnnotations *
mwb_hex_annotations_new (void)
{
	MwbHexAnnotations *annots = g_new0 (MwbHexAnnotations, 1);

	annots->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
	g_array_set_clear_func (annots->entries, entry_clear);
	annots->indexed = TRUE;
	annots->root_level = -1;
	return annots;
}

void
mwb_hex_annotations_free (MwbHexAnnotations *annots)
{
	if (annots == NULL)
		return;
	g_array_unref (annots->entries);
	g_free (annots);
}

void
mwb_hex_annotations_add (MwbHexAnnotations *annots, goffset offset, goffset length,
                         const char *label, int cls)
{
	Entry e = { { 0 }, 0 };

	g_return_if_fail (annots != NULL);
	g_return_if_fail (offset >= 0 && length >= 0);
	/* G_MAXINT64 - 1 so that a marker's end, offset + 1, fits too */
	g_return_if_fail (length <= G_MAXINT64 - 1 - offset);

	e.a.offset = offset;
	e.a.length = length;
	e.a.label = g_strdup (label);
	e.a.cls = cls;
	g_array_append_val (annots->entries, e);
	annots->indexed = FALSE;
}

static gint
entry_compare (gconstpointer pa, gconstpointer pb)
{
	const Entry *a = pa, *b = pb;

	if (a->a.offset != b->a.offset)
		return a->a.offset < b->a.offset ? -1 : 1;
	if (a->a.length != b->a.length)
		return a->a.length > b->a.length ? -1 : 1;
	/* equal: g_array_sort() is stable, so they stay in order of adding */
	return 0;
}

/* Fills max_end bottom up; returns the root's level, -1 when empty.  A
 * node whose right child lies past the end of the array (n is rarely a
 * power of two minus one) takes as that child's maximum the one of the
 * last real subtree at that level, carried along in last. */
static int
index_build (Entry *e, gsize n)
{
	gsize i, last_i = 0;
	goffset last = 0;
	int k;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		last_i = i;
		last = e[i].max_end = entry_end (&e[i]);
	}
	for (k = 1; ((gsize) 1 << k) <= n; k++) {
		gsize x = (gsize) 1 << (k - 1);
		gsize step = x << 2;

		for (i = (x << 1) - 1; i < n; i += step) {
			goffset max = entry_end (&e[i]);
			goffset left = e[i - x].max_end;
			goffset right = i + x < n ? e[i + x].max_end : last;

			max = MAX (max, left);
			e[i].max_end = MAX (max, right);
		}
		/* up to the parent of last_i */
		last_i = (last_i >> k) & 1 ? last_i - x : last_i + x;
		if (last_i < n && e[last_i].max_end > last)
			last = e[last_i].max_end;
	}
	return k - 1;
}

void
mwb_hex_annotations_sort (MwbHexAnnotations *annots)
{
	g_return_if_fail (annots != NULL);

	if (annots->indexed)
		return;
	g_array_sort (annots->entries, entry_compare);
	annots->root_level = index_build ((Entry *) (gpointer) annots->entries->data, annots->entries->len);
	annots->indexed = TRUE;
}

guint
mwb_hex_annotations_count (MwbHexAnnotations *annots)
{
	g_return_val_if_fail (annots != NULL, 0);

	return annots->entries->len;
}

const MwbHexAnnotation *
mwb_hex_annotations_get (MwbHexAnnotations *annots, guint i)
{
	g_return_val_if_fail (annots != NULL, NULL);
	g_return_val_if_fail (i < annots->entries->len, NULL);

	mwb_hex_annotations_sort (annots);
	return &g_array_index (annots->entries, Entry, i).a;
}

typedef struct {
	gsize x;
	int k;
	gboolean left_done;
} Visit;

guint
mwb_hex_annotations_lookup (MwbHexAnnotations *annots, goffset off, goffset len,
                            GPtrArray *out)
{
	/* two per level at most, and there are fewer than 64 levels */
	Visit stack[128];
	const Entry *e;
	gsize n;
	goffset st, en;
	guint added = 0;
	int t = 0;

	g_return_val_if_fail (annots != NULL, 0);
	g_return_val_if_fail (off >= 0, 0);
	g_return_val_if_fail (out != NULL, 0);

	if (len <= 0)
		return 0;
	mwb_hex_annotations_sort (annots);
	n = annots->entries->len;
	if (n == 0)
		return 0;
	e = (const Entry *) (gconstpointer) annots->entries->data;
	st = off;
	en = len > G_MAXINT64 - off ? G_MAXINT64 : off + len;

	/* in-order walk, so the matches come out in array order */
	stack[t++] = (Visit) { ((gsize) 1 << annots->root_level) - 1, annots->root_level, FALSE };
	while (t > 0) {
		Visit z = stack[--t];

		if (z.k <= 3) {
			/* a small subtree: a plain scan beats walking it */
			gsize i = z.x >> z.k << z.k;
			gsize stop = MIN (i + ((gsize) 1 << (z.k + 1)) - 1, n);

			for (; i < stop && e[i].a.offset < en; i++) {
				if (st < entry_end (&e[i])) {
					g_ptr_array_add (out, (gpointer) &e[i].a);
					added++;
				}
			}
		} else if (!z.left_done) {
			/* the left child; past the array it stands for the real
			 * nodes under it and cannot be pruned on its own max */
			gsize y = z.x - ((gsize) 1 << (z.k - 1));

			stack[t++] = (Visit) { z.x, z.k, TRUE };
			if (y >= n || e[y].max_end > st)
				stack[t++] = (Visit) { y, z.k - 1, FALSE };
		} else if (z.x < n && e[z.x].a.offset < en) {
			if (st < entry_end (&e[z.x])) {
				g_ptr_array_add (out, (gpointer) &e[z.x].a);
				added++;
			}
			stack[t++] = (Visit) { z.x + ((gsize) 1 << (z.k - 1)), z.k - 1, FALSE };
		}
	}
	return added;
}
