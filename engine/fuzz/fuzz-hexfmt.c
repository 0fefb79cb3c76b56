/* libFuzzer target for the hexdump viewer model.
 *
 * Input: a 6-byte header, then an offset expression, a search pattern and
 * the data, the first two with their lengths in the header.
 *
 *   byte 0      bytes per row (one of 1, 4, 8, 16, 32, 64), search
 *               direction, and whether the file size is the data's or a
 *               large one, so that offsets near 2^63 get parsed too
 *   byte 1      where the cursor is and where the search starts
 *   byte 2      offset of the first row, in units of 2^(4 * byte 2 % 16),
 *               so wide offsets get formatted
 *   byte 3      a terminal width in columns
 *   bytes 4, 5  lengths of the offset text and of the pattern text
 *
 * The texts stop at a NUL, like anything typed at a prompt.  Beyond not
 * crashing: offsets accepted are in the file; patterns accepted give the
 * bytes their rule says and hex ones survive writing back out; searching
 * agrees with a naive scan; rows decode back to the data; annotation
 * lookups agree with a scan; every error message fits one status line.
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "../hexfmt.h"

static void
check_message (const GError *error)
{
	const char *p;

	g_assert_true (error != NULL);
	g_assert_true (error->domain == MWB_HEX_ERROR);
	g_assert_true (error->code == MWB_HEX_ERROR_INVALID || error->code == MWB_HEX_ERROR_RANGE);
	g_assert_true (error->message[0] != '\0');
	g_assert_true (g_utf8_validate (error->message, -1, NULL));
	for (p = error->message; *p != '\0'; p++)
		g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
}

static void
check_offset (const char *text, goffset current, goffset size)
{
	g_autoptr(GError) error = NULL;
	goffset out = -1;
	gboolean ok = mwb_hex_parse_offset (text, current, size, &out, &error);

	g_assert_true (ok == (error == NULL));
	g_assert_true (mwb_hex_parse_offset (text, current, size, NULL, NULL) == ok);
	if (ok) {
		g_autofree char *hex = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", (guint64) out);
		g_autofree char *described = mwb_hex_describe_offset (out, size);
		goffset again = -1;

		g_assert_true (out >= 0 && out < size);
		/* wherever it landed, typing that offset in hex lands there too */
		g_assert_true (mwb_hex_parse_offset (hex, current, size, &again, NULL));
		g_assert_true (again == out);
		g_assert_true (g_str_has_prefix (described, hex));
	} else {
		check_message (error);
		g_assert_true (out == -1);
	}
}

static void
check_pattern (const char *text, GByteArray **pattern)
{
	g_autoptr(GError) error = NULL;
	GByteArray *bytes = NULL;
	gsize len = strlen (text);

	if (!mwb_hex_parse_pattern (text, &bytes, &error)) {
		check_message (error);
		g_assert_true (bytes == NULL);
		return;
	}
	g_assert_true (error == NULL);
	g_assert_true (bytes->len > 0);

	switch (mwb_hex_pattern_kind (text)) {
	case MWB_HEX_PATTERN_TEXT:
		g_assert_true (bytes->len == len && memcmp (bytes->data, text, len) == 0);
		break;
	case MWB_HEX_PATTERN_QUOTED:
		g_assert_true (bytes->len == len - 2 && memcmp (bytes->data, text + 1, len - 2) == 0);
		break;
	case MWB_HEX_PATTERN_HEX:
	default: {
		/* written back out, spaced and packed, it reads the same */
		g_autoptr(GString) spaced = g_string_new ("x:");
		g_autoptr(GString) packed = g_string_new ("x:");
		g_autoptr(GByteArray) a = NULL;
		g_autoptr(GByteArray) b = NULL;
		guint i;

		for (i = 0; i < bytes->len; i++) {
			g_string_append_printf (spaced, " %02X", bytes->data[i]);
			g_string_append_printf (packed, "%02x", bytes->data[i]);
		}
		g_assert_true (mwb_hex_parse_pattern (spaced->str, &a, NULL));
		g_assert_true (mwb_hex_parse_pattern (packed->str, &b, NULL));
		g_assert_true (a->len == bytes->len && memcmp (a->data, bytes->data, a->len) == 0);
		g_assert_true (b->len == bytes->len && memcmp (b->data, bytes->data, b->len) == 0);
		break;
	}
	}
	*pattern = bytes;
}

static gboolean
naive_search (const guint8 *data, gsize size, const GByteArray *pat,
              goffset from, gboolean backward, goffset *found)
{
	goffset i, last;

	if (pat->len > size)
		return FALSE;
	last = (goffset) (size - pat->len);
	if (backward) {
		for (i = MIN (from, last); i >= 0; i--)
			if (memcmp (data + i, pat->data, pat->len) == 0)
				return *found = i, TRUE;
	} else {
		for (i = MAX (from, 0); i <= last; i++)
			if (memcmp (data + i, pat->data, pat->len) == 0)
				return *found = i, TRUE;
	}
	return FALSE;
}

static void
check_search (const guint8 *data, gsize size, const GByteArray *pattern, goffset from, gboolean backward)
{
	goffset want = -1, got = -1;
	gboolean want_ok = naive_search (data, size, pattern, from, backward, &want);

	g_assert_true (mwb_hex_search (data, size, pattern, from, backward, &got) == want_ok);
	g_assert_true (got == want);
}

static void
check_rows (const guint8 *data, gsize size, goffset base, guint width)
{
	gsize full_bar = 0;
	gsize at;

	for (at = 0; at < size || at == 0; at += width) {
		gsize len = MIN (width, size - at);
		goffset offset = base + (goffset) at;
		g_autofree char *row = mwb_hex_format_row (data + at, len, offset, width);
		guint digits = mwb_hex_offset_digits (offset);
		const char *bar = strchr (row, '|');
		gsize i, col;

		g_assert_true (strlen (row) == mwb_hex_format_row_len (width) + (digits - 8) - (width - len));
		g_assert_true (g_ascii_strtoull (row, NULL, 16) == (guint64) offset);
		g_assert_true (row[digits] == ' ' && row[digits + 1] == ' ');
		/* the ASCII column of every row of the same offset width lines up */
		g_assert_true (bar != NULL);
		if (at == 0)
			full_bar = (gsize) (bar - row) - digits;
		g_assert_true ((gsize) (bar - row) - digits == full_bar);

		for (i = 0, col = digits + 2; i < width; i++, col += 3) {
			if (i > 0 && i % 8 == 0) {
				g_assert_true (row[col] == ' ');
				col++;
			}
			if (i < len) {
				g_assert_true ((guint8) g_ascii_xdigit_value (row[col]) << 4 == (data[at + i] & 0xf0));
				g_assert_true (g_ascii_xdigit_value (row[col + 1]) == (data[at + i] & 0x0f));
				g_assert_true (!g_ascii_isupper (row[col]) && !g_ascii_isupper (row[col + 1]));
			} else {
				g_assert_true (row[col] == ' ' && row[col + 1] == ' ');
			}
			g_assert_true (row[col + 2] == ' ');
		}
		g_assert_true (row + col + 1 == bar);
		for (i = 0; i < len; i++) {
			guint8 c = data[at + i];

			g_assert_true (bar[1 + i] == (c >= 0x20 && c < 0x7f ? (char) c : '.'));
		}
		g_assert_true (bar[1 + len] == '|' && bar[2 + len] == '\0');
		if (size == 0)
			break;
	}
}

/* Annotations from the data, 3 bytes each: offset, length (0 is a marker,
 * 255 is long), class; queries from the pattern text.  Compared with a
 * scan of the sorted list. */
static void
check_annotations (const guint8 *data, gsize size, const guint8 *queries, gsize n_queries)
{
	g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();
	g_autoptr(GPtrArray) found = g_ptr_array_new ();
	gsize i, q;
	guint n, k, j;

	for (i = 0; i + 3 <= size && i < 3 * 2000; i += 3) {
		goffset len = data[i + 1] == 255 ? 100000 : data[i + 1];

		mwb_hex_annotations_add (annots, (goffset) data[i] * 8, len, NULL, data[i + 2]);
	}
	n = mwb_hex_annotations_count (annots);
	for (k = 1; k < n; k++) {
		const MwbHexAnnotation *a = mwb_hex_annotations_get (annots, k - 1);
		const MwbHexAnnotation *b = mwb_hex_annotations_get (annots, k);

		g_assert_true (a->offset < b->offset || (a->offset == b->offset && a->length >= b->length));
	}

	for (q = 0; q + 2 <= n_queries && q < 2 * 32; q += 2) {
		goffset off = (goffset) queries[q] * 8 + (queries[q + 1] & 7);
		goffset len = queries[q + 1] >> 2;

		g_ptr_array_set_size (found, 0);
		g_assert_true (mwb_hex_annotations_lookup (annots, off, len, found) == found->len);
		for (k = 0, j = 0; k < n; k++) {
			const MwbHexAnnotation *a = mwb_hex_annotations_get (annots, k);

			if (len > 0 && a->offset < off + len && a->offset + MAX (a->length, 1) > off) {
				g_assert_true (j < found->len && found->pdata[j] == a);
				j++;
			}
		}
		g_assert_true (j == found->len);
	}
}

int LLVMFuzzerTestOneInput (const uint8_t *input, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *input, size_t size)
{
	static const guint widths[] = { 1, 4, 8, 16, 32, 64 };
	g_autofree char *offset_text = NULL;
	g_autofree char *pattern_text = NULL;
	g_autoptr(GByteArray) pattern = NULL;
	const guint8 *data;
	gsize data_len, rest, olen, plen;
	goffset file_size, current, from, base;
	guint width;
	gboolean backward;

	if (size < 6)
		return 0;
	width = widths[(input[0] & 0x0f) % G_N_ELEMENTS (widths)];
	backward = (input[0] & 0x10) != 0;
	rest = size - 6;
	olen = MIN ((gsize) input[4], rest);
	plen = MIN ((gsize) input[5], rest - olen);
	offset_text = g_strndup ((const char *) input + 6, olen);
	pattern_text = g_strndup ((const char *) input + 6 + olen, plen);
	data = input + 6 + olen + plen;
	data_len = rest - olen - plen;

	/* the data's size, or 2^(32..63) - 1 */
	file_size = (input[0] & 0x20) == 0 ? (goffset) data_len
	            : (goffset) (((guint64) 1 << (32 + input[1] % 32)) - 1);
	current = file_size / 255 * input[1];
	from = (goffset) input[1] - 4;   /* a little outside at both ends too */
	if (input[1] > 250)
		from = (goffset) data_len + (input[1] - 250);
	base = (goffset) (((guint64) input[2] << (4 * (input[2] % 16))) & G_MAXINT64);
	if (base > G_MAXINT64 - (goffset) data_len - MWB_HEX_MAX_WIDTH)
		base = G_MAXINT64 - (goffset) data_len - MWB_HEX_MAX_WIDTH;

	check_offset (offset_text, current, file_size);
	check_offset (offset_text, 0, (goffset) data_len);

	check_pattern (pattern_text, &pattern);
	if (pattern == NULL && plen > 0) {
		/* a text that is no pattern still makes a search: its bytes */
		pattern = g_byte_array_new ();
		g_byte_array_append (pattern, input + 6 + olen, (guint) plen);
	}
	if (pattern != NULL) {
		check_search (data, data_len, pattern, from, backward);
		check_search (data, data_len, pattern, from, !backward);
		check_search (data, data_len, pattern, -1, FALSE);
		check_search (data, data_len, pattern, G_MAXINT64, TRUE);
	}

	check_rows (data, data_len, base, width);
	g_assert_true (mwb_hex_row_width_for_columns (input[3]) <= 16);

	check_annotations (data, data_len, input + 6 + olen, plen);
	return 0;
}
