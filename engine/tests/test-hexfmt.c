/* Unit tests for the hexdump viewer model. */
#include <string.h>

#include <glib.h>

#include "../hexfmt.h"

/* The first 16 bytes of a QEMU migration stream: magic "QEVM", version 3,
 * then QEMU_VM_CONFIGURATION (7)... cut short; enough to look familiar. */
static const guint8 qevm_header[16] = {
	0x51, 0x45, 0x56, 0x4d, 0x00, 0x00, 0x00, 0x03,
	0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
};

/* ---- rows ---- */

static void
assert_row (const void *data, gsize len, goffset offset, guint width, const char *expected)
{
	g_autofree char *row = mwb_hex_format_row (data, len, offset, width);

	g_assert_cmpstr (row, ==, expected);
}

/* Expected rows below were printed by `hexdump -C` (util-linux) from the
 * same bytes, so the viewer looks exactly like it. */
static void
test_row_full (void)
{
	assert_row (qevm_header, 16, 0, 16,
	            "00000000  51 45 56 4d 00 00 00 03  01 00 00 00 03 00 00 00  |QEVM............|");
	assert_row (qevm_header, 16, 0x10, 16,
	            "00000010  51 45 56 4d 00 00 00 03  01 00 00 00 03 00 00 00  |QEVM............|");
	assert_row ("0123456789abcdef", 16, 0xfffffff0, 16,
	            "fffffff0  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|");
}

static void
test_row_short (void)
{
	/* printf 'ab\ncd' after 16 bytes | hexdump -C */
	assert_row ("ab\ncd", 5, 0x10, 16,
	            "00000010  61 62 0a 63 64                                    |ab.cd|");
	/* past the group gap */
	assert_row ("ram\0\x7f\x80\xff ~", 9, 0x10, 16,
	            "00000010  72 61 6d 00 7f 80 ff 20  7e                       |ram.... ~|");
	/* exactly the first group */
	assert_row ("QEVM\0\0\0\3", 8, 0x20, 16,
	            "00000020  51 45 56 4d 00 00 00 03                           |QEVM....|");
	assert_row ("Q", 1, 0x30, 16,
	            "00000030  51                                                |Q|");
	assert_row (qevm_header, 15, 0x40, 16,
	            "00000040  51 45 56 4d 00 00 00 03  01 00 00 00 03 00 00     |QEVM...........|");
}

static void
test_row_short_aligns (void)
{
	g_autofree char *full = mwb_hex_format_row (qevm_header, 16, 0, 16);
	const char *bar = strchr (full, '|');
	gsize len, k;

	/* the ASCII column of every short row starts where the full row's
	 * does; before it, the full row's text with the missing bytes blank */
	for (len = 0; len <= 16; len++) {
		g_autofree char *row = mwb_hex_format_row (qevm_header, len, 0, 16);

		g_assert_cmpuint (strchr (row, '|') - row, ==, bar - full);
		g_assert_cmpuint (strlen (row), ==, mwb_hex_format_row_len (16) - (16 - len));
		for (k = 0; k < (gsize) (bar - full); k++)
			g_assert_true (row[k] == full[k] || row[k] == ' ');
		g_assert_cmpmem (row + (bar - full), len + 1, bar, len + 1);
		g_assert_cmpint (row[strlen (row) - 1], ==, '|');
	}
}

static void
test_row_ascii (void)
{
	/* printf '\x1f\x20\x7e\x7f' | hexdump -C: only 0x20 to 0x7e show */
	assert_row ("\x1f\x20\x7e\x7f", 4, 0, 16,
	            "00000000  1f 20 7e 7f                                       |. ~.|");
	assert_row ("|\t\r\n\x1b[0m\xc3\xa9", 10, 0, 16,
	            "00000000  7c 09 0d 0a 1b 5b 30 6d  c3 a9                    ||....[0m..|");
}

static void
test_row_wide_offset (void)
{
	/* truncate -s 4G big; printf 'QEVM\0\0\0\3' >> big;
	 * hexdump -C -s 4294967280 big */
	assert_row ("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, G_GINT64_CONSTANT (0xfffffff0), 16,
	            "fffffff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|");
	assert_row ("QEVM\0\0\0\3", 8, G_GINT64_CONSTANT (0x100000000), 16,
	            "100000000  51 45 56 4d 00 00 00 03                           |QEVM....|");
	assert_row (qevm_header, 16, G_GINT64_CONSTANT (0x123456789a0), 16,
	            "123456789a0  51 45 56 4d 00 00 00 03  01 00 00 00 03 00 00 00  |QEVM............|");
	assert_row ("Q", 1, G_MAXINT64, 4,
	            "7fffffffffffffff  51           |Q|");

	g_assert_cmpuint (mwb_hex_offset_digits (0), ==, 8);
	g_assert_cmpuint (mwb_hex_offset_digits (G_GINT64_CONSTANT (0xffffffff)), ==, 8);
	g_assert_cmpuint (mwb_hex_offset_digits (G_GINT64_CONSTANT (0x100000000)), ==, 9);
	g_assert_cmpuint (mwb_hex_offset_digits (G_GINT64_CONSTANT (0xfffffffff)), ==, 9);
	g_assert_cmpuint (mwb_hex_offset_digits (G_GINT64_CONSTANT (0x1000000000)), ==, 10);
	g_assert_cmpuint (mwb_hex_offset_digits (G_MAXINT64), ==, 16);
}

static void
test_row_narrow (void)
{
	assert_row (qevm_header, 8, 0x10, 8,
	            "00000010  51 45 56 4d 00 00 00 03  |QEVM....|");
	assert_row (qevm_header, 3, 0x18, 8,
	            "00000018  51 45 56                 |QEV|");
	assert_row (qevm_header, 4, 0x10, 4,
	            "00000010  51 45 56 4d  |QEVM|");
	assert_row (qevm_header, 1, 0x14, 4,
	            "00000014  51           |Q|");
	assert_row ("A", 1, 7, 1,
	            "00000007  41  |A|");
}

static void
test_row_wide (void)
{
	guint8 data[32];
	guint i;

	for (i = 0; i < 32; i++)
		data[i] = (guint8) (0x40 + i);
	/* a gap after every 8 bytes */
	assert_row (data, 32, 0x20, 32,
	            "00000020  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  "
	            "50 51 52 53 54 55 56 57  58 59 5a 5b 5c 5d 5e 5f  "
	            "|@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_|");
	assert_row (data, 17, 0x20, 32,
	            "00000020  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  "
	            "50                                              "
	            "  |@ABCDEFGHIJKLMNOP|");
}

static void
test_row_empty (void)
{
	assert_row (NULL, 0, 0x10, 16,
	            "00000010                                                    ||");
	assert_row (NULL, 0, 0, 4,
	            "00000000               ||");
}

static void
test_row_len (void)
{
	static const guint widths[] = { 1, 4, 8, 9, 16, 24, 32, MWB_HEX_MAX_WIDTH };
	guint8 data[MWB_HEX_MAX_WIDTH] = { 0 };
	gsize i;

	g_assert_cmpuint (mwb_hex_format_row_len (16), ==, 78);
	g_assert_cmpuint (mwb_hex_format_row_len (8), ==, 45);
	g_assert_cmpuint (mwb_hex_format_row_len (4), ==, 29);
	for (i = 0; i < G_N_ELEMENTS (widths); i++) {
		guint w = widths[i];
		g_autofree char *row = mwb_hex_format_row (data, w, 0, w);
		g_autofree char *wide = mwb_hex_format_row (data, w, G_GINT64_CONSTANT (0x10000000000), w);

		g_assert_cmpuint (strlen (row), ==, mwb_hex_format_row_len (w));
		/* 11 digits: three more */
		g_assert_cmpuint (strlen (wide), ==, mwb_hex_format_row_len (w) + 3);
	}
}

static void
test_row_width_for_columns (void)
{
	g_assert_cmpuint (mwb_hex_row_width_for_columns (80), ==, 16);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (60), ==, 8);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (40), ==, 4);

	/* the edges: a row may take every column */
	g_assert_cmpuint (mwb_hex_row_width_for_columns (300), ==, 16);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (78), ==, 16);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (77), ==, 8);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (45), ==, 8);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (44), ==, 4);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (29), ==, 4);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (10), ==, 4);
	g_assert_cmpuint (mwb_hex_row_width_for_columns (0), ==, 4);
}

static void
test_row_refused (void)
{
	/* programming errors, not user errors: loud, and no row */
	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*width >= 1*");
	g_assert_null (mwb_hex_format_row (qevm_header, 0, 0, 0));
	g_test_assert_expected_messages ();

	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*width >= 1*");
	g_assert_null (mwb_hex_format_row (qevm_header, 0, 0, MWB_HEX_MAX_WIDTH + 1));
	g_test_assert_expected_messages ();

	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*len <= width*");
	g_assert_null (mwb_hex_format_row (qevm_header, 16, 0, 8));
	g_test_assert_expected_messages ();

	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*offset >= 0*");
	g_assert_null (mwb_hex_format_row (qevm_header, 16, -16, 16));
	g_test_assert_expected_messages ();
}

static void
test_describe_offset (void)
{
	g_autofree char *a = mwb_hex_describe_offset (0x1f0, 0x1000);
	g_autofree char *b = mwb_hex_describe_offset (0, 0);
	g_autofree char *c = mwb_hex_describe_offset (G_GINT64_CONSTANT (0x123456789a), G_GINT64_CONSTANT (0x200000000000));

	g_assert_cmpstr (a, ==, "0x1f0 (496) of 0x1000");
	g_assert_cmpstr (b, ==, "0x0 (0) of 0x0");
	g_assert_cmpstr (c, ==, "0x123456789a (78187493530) of 0x200000000000");
}

/* ---- goto offset ---- */

static void
assert_offset (const char *text, goffset current, goffset size, goffset expected)
{
	g_autoptr(GError) error = NULL;
	goffset out = -42;

	g_assert_true (mwb_hex_parse_offset (text, current, size, &out, &error));
	g_assert_no_error (error);
	g_assert_cmpint (out, ==, expected);
}

static void
assert_offset_error (const char *text, goffset current, goffset size,
                     MwbHexError code, const char *message)
{
	g_autoptr(GError) error = NULL;
	goffset out = -42;

	g_assert_false (mwb_hex_parse_offset (text, current, size, &out, &error));
	g_assert_error (error, MWB_HEX_ERROR, (gint) code);
	g_assert_cmpstr (error->message, ==, message);
	/* untouched on error */
	g_assert_cmpint (out, ==, -42);
}

static void
test_offset_decimal (void)
{
	assert_offset ("4096", 0, 0x10000, 4096);
	assert_offset ("0", 100, 0x10000, 0);
	/* leading zeros are not octal */
	assert_offset ("010", 0, 0x10000, 10);
	assert_offset ("  42  ", 0, 0x10000, 42);
	assert_offset ("\t42\n", 0, 0x10000, 42);
	assert_offset ("65535", 0, 0x10000, 65535);
	assert_offset ("9223372036854775806", 0, G_MAXINT64, G_MAXINT64 - 1);
}

static void
test_offset_hex (void)
{
	assert_offset ("0x1f0", 0, 0x1000, 0x1f0);
	assert_offset ("0X1F0", 0, 0x1000, 0x1f0);
	assert_offset ("0x0", 0x100, 0x1000, 0);
	assert_offset ("0x000fff", 0, 0x1000, 0xfff);
	assert_offset ("0xABCdef", 0, 0x1000000, 0xabcdef);
	assert_offset (" 0x10 ", 0, 0x1000, 0x10);
	assert_offset ("0x7ffffffffffffffe", 0, G_MAXINT64, G_MAXINT64 - 1);
}

static void
test_offset_suffix (void)
{
	const goffset big = G_GINT64_CONSTANT (4) << 30;

	assert_offset ("4k", 0, big, 4096);
	assert_offset ("4K", 0, big, 4096);
	assert_offset ("0k", 0, big, 0);
	assert_offset ("1m", 0, big, 1048576);
	assert_offset ("3M", 0, big, 3 * 1048576);
	assert_offset ("1g", 0, big, G_GINT64_CONSTANT (1) << 30);
	assert_offset ("3G", 0, big, G_GINT64_CONSTANT (3) << 30);
	assert_offset ("+4k", 0x10, big, 0x1010);
	assert_offset ("-4k", 0x1010, big, 0x10);
}

static void
test_offset_relative (void)
{
	assert_offset ("+16", 0x100, 0x1000, 0x110);
	assert_offset ("-16", 0x100, 0x1000, 0xf0);
	assert_offset ("-0x10", 0x100, 0x1000, 0xf0);
	assert_offset ("+0x10", 0x100, 0x1000, 0x110);
	assert_offset ("+0", 0x100, 0x1000, 0x100);
	assert_offset ("-0", 0x100, 0x1000, 0x100);
	/* right to both edges */
	assert_offset ("-0x100", 0x100, 0x1000, 0);
	assert_offset ("+0xeff", 0x100, 0x1000, 0xfff);
	assert_offset (" +16 ", 0, 0x1000, 16);
}

static void
test_offset_end (void)
{
	assert_offset ("$", 0, 0x1000, 0xfff);
	assert_offset ("end", 0, 0x1000, 0xfff);
	assert_offset ("END", 0, 0x1000, 0xfff);
	assert_offset ("End", 0x10, 0x1000, 0xfff);
	assert_offset (" end\n", 0, 0x1000, 0xfff);
	assert_offset (" $ ", 0, 1, 0);
}

static void
test_offset_null_out (void)
{
	/* a caller may only want to know whether the text is acceptable */
	g_assert_true (mwb_hex_parse_offset ("0x10", 0, 0x1000, NULL, NULL));
	g_assert_false (mwb_hex_parse_offset ("0x10000", 0, 0x1000, NULL, NULL));
	g_assert_false (mwb_hex_parse_offset ("zz", 0, 0x1000, NULL, NULL));
}

static void
test_offset_syntax_errors (void)
{
	const MwbHexError I = MWB_HEX_ERROR_INVALID;

	assert_offset_error ("", 0, 0x1000, I,
	                     "no offset given: type one such as 4096, 0x1f0, 4k, +16, -0x10 or end");
	assert_offset_error (" \t ", 0, 0x1000, I,
	                     "no offset given: type one such as 4096, 0x1f0, 4k, +16, -0x10 or end");
	assert_offset_error ("12q", 0, 0x1000, I,
	                     "\"12q\" is not an offset: unexpected 'q' at position 3");
	/* the position counts the blanks the parser skipped */
	assert_offset_error ("  12q", 0, 0x1000, I,
	                     "\"  12q\" is not an offset: unexpected 'q' at position 5");
	assert_offset_error ("1f0", 0, 0x1000, I,
	                     "\"1f0\" is not an offset: unexpected 'f' at position 2; hex needs 0x, as in 0x1f0");
	assert_offset_error ("1f0h", 0, 0x1000, I,
	                     "\"1f0h\" is not an offset: unexpected 'f' at position 2; hex needs 0x, as in 0x1f0");
	assert_offset_error ("dead", 0, 0x1000, I,
	                     "\"dead\" is not an offset: unexpected 'd' at position 1; hex needs 0x, as in 0x1f0");
	assert_offset_error ("+beef", 0, 0x1000, I,
	                     "\"+beef\" is not an offset: unexpected 'b' at position 2; hex needs 0x, as in 0x1f0");
	assert_offset_error ("0x", 0, 0x1000, I,
	                     "\"0x\" is not an offset: expected hex digits after \"0x\"");
	assert_offset_error ("-0X", 0, 0x1000, I,
	                     "\"-0X\" is not an offset: expected hex digits after \"0X\"");
	assert_offset_error ("0xg", 0, 0x1000, I,
	                     "\"0xg\" is not an offset: unexpected 'g' at position 3");
	assert_offset_error ("0x1fz", 0, 0x1000, I,
	                     "\"0x1fz\" is not an offset: unexpected 'z' at position 5");
	assert_offset_error ("0x10k", 0, 0x1000, I,
	                     "\"0x10k\" is not an offset: the suffix 'k' at position 5 only goes with decimal numbers");
	assert_offset_error ("0x1M", 0, 0x1000, I,
	                     "\"0x1M\" is not an offset: the suffix 'M' at position 4 only goes with decimal numbers");
	assert_offset_error ("0x0x10", 0, 0x1000, I,
	                     "\"0x0x10\" is not an offset: unexpected 'x' at position 4");
	assert_offset_error ("4kb", 0, 0x1000, I,
	                     "\"4kb\" is not an offset: unexpected 'b' at position 3");
	assert_offset_error ("4k5", 0, 0x1000, I,
	                     "\"4k5\" is not an offset: unexpected '5' at position 3");
	assert_offset_error ("4T", 0, 0x1000, I,
	                     "\"4T\" is not an offset: unexpected 'T' at position 2");
	assert_offset_error ("k", 0, 0x1000, I,
	                     "\"k\" is not an offset: unexpected 'k' at position 1");
	assert_offset_error ("+k", 0, 0x1000, I,
	                     "\"+k\" is not an offset: unexpected 'k' at position 2");
	assert_offset_error ("+", 0, 0x1000, I,
	                     "\"+\" is not an offset: expected a number after '+'");
	assert_offset_error (" - ", 0, 0x1000, I,
	                     "\" - \" is not an offset: expected a number after '-'");
	assert_offset_error ("+-5", 0, 0x1000, I,
	                     "\"+-5\" is not an offset: unexpected '-' at position 2");
	assert_offset_error ("+ 16", 0, 0x1000, I,
	                     "\"+ 16\" is not an offset: unexpected ' ' at position 2");
	assert_offset_error ("1 6", 0, 0x1000, I,
	                     "\"1 6\" is not an offset: unexpected ' ' at position 2");
	assert_offset_error ("1.5k", 0, 0x1000, I,
	                     "\"1.5k\" is not an offset: unexpected '.' at position 2");
	assert_offset_error ("$5", 0, 0x1000, I,
	                     "\"$5\" is not an offset: unexpected '5' at position 2");
	assert_offset_error ("$-16", 0, 0x1000, I,
	                     "\"$-16\" is not an offset: unexpected '-' at position 2");
	assert_offset_error ("end5", 0, 0x1000, I,
	                     "\"end5\" is not an offset: unexpected '5' at position 4");
	assert_offset_error ("ending", 0, 0x1000, I,
	                     "\"ending\" is not an offset: unexpected 'i' at position 4");
	assert_offset_error ("-end", 0, 0x1000, I,
	                     "\"-end\" is not an offset: unexpected 'e' at position 2; hex needs 0x, as in 0x1f0");
	/* what would not show in a status line is escaped and named by value */
	assert_offset_error ("4\x01", 0, 0x1000, I,
	                     "\"4\\x01\" is not an offset: unexpected byte 0x01 at position 2");
	assert_offset_error ("4\x1b[2J", 0, 0x1000, I,
	                     "\"4\\x1b[2J\" is not an offset: unexpected byte 0x1b at position 2");
	assert_offset_error ("4\"\\", 0, 0x1000, I,
	                     "\"4\\\"\\\\\" is not an offset: unexpected '\"' at position 2");
	assert_offset_error ("4\xc3\xa9", 0, 0x1000, I,
	                     "\"4\xc3\xa9\" is not an offset: unexpected '\xc3\xa9' at position 2");
	/* not UTF-8: the message still is */
	assert_offset_error ("4\xff", 0, 0x1000, I,
	                     "\"4\xef\xbf\xbd\" is not an offset: unexpected byte 0xff at position 2");

	/* syntax is checked before the range, even of an empty file */
	assert_offset_error ("12q", 0, 0, I,
	                     "\"12q\" is not an offset: unexpected 'q' at position 3");
}

static void
test_offset_range_errors (void)
{
	const MwbHexError R = MWB_HEX_ERROR_RANGE;

	assert_offset_error ("0x20000", 0, 0x1000, R,
	                     "offset 0x20000 is past the end of the file (0x1000 bytes)");
	/* the size itself is one past the last byte */
	assert_offset ("4095", 0, 4096, 4095);
	assert_offset_error ("4096", 0, 4096, R,
	                     "offset 0x1000 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("4k", 0, 4096, R,
	                     "offset 0x1000 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("+16", 0xff8, 0x1000, R,
	                     "offset 0x1008 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("-0x10", 8, 0x1000, R,
	                     "offset -0x8 is before the start of the file");
	assert_offset_error ("-1", 0, 0x1000, R,
	                     "offset -0x1 is before the start of the file");
	assert_offset_error ("-0x7fffffffffffffff", 0, 0x1000, R,
	                     "offset -0x7fffffffffffffff is before the start of the file");
	assert_offset_error ("9223372036854775807", 0, 0x1000, R,
	                     "offset 0x7fffffffffffffff is past the end of the file (0x1000 bytes)");
	assert_offset_error ("8589934591G", 0, 0x1000, R,
	                     "offset 0x7fffffffc0000000 is past the end of the file (0x1000 bytes)");

	/* too big for any file: shown as typed */
	assert_offset_error ("99999999999999999999", 0, 0x1000, R,
	                     "offset 99999999999999999999 is past the end of the file (0x1000 bytes)");
	assert_offset_error (" 9223372036854775808 ", 0, 0x1000, R,
	                     "offset 9223372036854775808 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("0x8000000000000000", 0, 0x1000, R,
	                     "offset 0x8000000000000000 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("0x10000000000000000000", 0, 0x1000, R,
	                     "offset 0x10000000000000000000 is past the end of the file (0x1000 bytes)");
	assert_offset_error ("8589934592G", 0, 0x1000, R,
	                     "offset 8589934592G is past the end of the file (0x1000 bytes)");
	assert_offset_error ("+0x7fffffffffffffff", 1, 0x1000, R,
	                     "offset +0x7fffffffffffffff is past the end of the file (0x1000 bytes)");
	assert_offset_error ("-99999999999999999999", 0x10, 0x1000, R,
	                     "offset -99999999999999999999 is before the start of the file");

	/* nowhere to go in an empty file */
	assert_offset_error ("0", 0, 0, R, "the file is empty: there is no offset to go to");
	assert_offset_error ("end", 0, 0, R, "the file is empty: there is no offset to go to");
	assert_offset_error ("+0", 0, 0, R, "the file is empty: there is no offset to go to");
}

/* ---- search patterns ---- */

static void
assert_pattern (const char *text, const void *expected, gsize expected_len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) bytes = NULL;

	g_assert_true (mwb_hex_parse_pattern (text, &bytes, &error));
	g_assert_no_error (error);
	g_assert_cmpmem (bytes->data, bytes->len, expected, expected_len);
}

static void
assert_pattern_error (const char *text, const char *message)
{
	g_autoptr(GError) error = NULL;
	GByteArray *bytes = (GByteArray *) &error;   /* any non-NULL sentinel */

	g_assert_false (mwb_hex_parse_pattern (text, &bytes, &error));
	g_assert_error (error, MWB_HEX_ERROR, MWB_HEX_ERROR_INVALID);
	g_assert_cmpstr (error->message, ==, message);
	g_assert_true (bytes == (GByteArray *) &error);
}

static void
test_pattern_kind (void)
{
	g_assert_cmpint (mwb_hex_pattern_kind ("ram"), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind (""), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind ("x"), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind ("X:de"), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind (" x:de"), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind ("\""), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind ("\"ram"), ==, MWB_HEX_PATTERN_TEXT);
	g_assert_cmpint (mwb_hex_pattern_kind ("x:"), ==, MWB_HEX_PATTERN_HEX);
	g_assert_cmpint (mwb_hex_pattern_kind ("x:de ad"), ==, MWB_HEX_PATTERN_HEX);
	/* x: wins over quotes: it is checked first */
	g_assert_cmpint (mwb_hex_pattern_kind ("x:\"\""), ==, MWB_HEX_PATTERN_HEX);
	g_assert_cmpint (mwb_hex_pattern_kind ("\"\""), ==, MWB_HEX_PATTERN_QUOTED);
	g_assert_cmpint (mwb_hex_pattern_kind ("\"x:de\""), ==, MWB_HEX_PATTERN_QUOTED);
}

static void
test_pattern_text (void)
{
	assert_pattern ("ram", "ram", 3);
	assert_pattern ("QEVM", "QEVM", 4);
	/* blanks are part of a text pattern */
	assert_pattern (" 0000:00:02.0/virtio-net ", " 0000:00:02.0/virtio-net ", 25);
	assert_pattern ("h\xc3\xa9", "h\xc3\xa9", 3);
	assert_pattern ("X:de", "X:de", 4);
	assert_pattern ("x", "x", 1);
	/* a lone quote or quotes on one side only are text */
	assert_pattern ("\"", "\"", 1);
	assert_pattern ("\"ram", "\"ram", 4);
	assert_pattern ("ram\"", "ram\"", 4);
}

static void
test_pattern_quoted (void)
{
	assert_pattern ("\"x:de\"", "x:de", 4);
	assert_pattern ("\"ram\"", "ram", 3);
	assert_pattern ("\" a b \"", " a b ", 5);
	/* quotes inside are as they are; so ""name"" finds "name" with quotes */
	assert_pattern ("\"\"name\"\"", "\"name\"", 6);
	assert_pattern ("\"a\\\"\"", "a\\\"", 3);
	assert_pattern ("\"\"\"", "\"", 1);
}

static void
test_pattern_hex (void)
{
	static const guint8 deadbeef[] = { 0xde, 0xad, 0xbe, 0xef };
	static const guint8 qevm[] = { 0x51, 0x45, 0x56, 0x4d, 0x00, 0x00, 0x00, 0x03 };

	assert_pattern ("x:de ad be ef", deadbeef, 4);
	assert_pattern ("x:deadbeef", deadbeef, 4);
	assert_pattern ("x:DEADBEEF", deadbeef, 4);
	assert_pattern ("x:DE AD be EF", deadbeef, 4);
	assert_pattern ("x:dead beef", deadbeef, 4);
	assert_pattern ("x:  de\tad  be\nef  ", deadbeef, 4);
	assert_pattern ("x:DE AD", deadbeef, 2);
	assert_pattern ("x:00", "", 1);
	assert_pattern ("x:5145564d00000003", qevm, 8);
}

static void
test_pattern_errors (void)
{
	assert_pattern_error ("", "empty search pattern");
	assert_pattern_error ("\"\"", "empty search pattern");
	assert_pattern_error ("x:", "no hex bytes after \"x:\"");
	assert_pattern_error ("x: \t ", "no hex bytes after \"x:\"");
	assert_pattern_error ("x:de az",
	                      "bad hex pattern \"x:de az\": 'z' at position 7 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:zz",
	                      "bad hex pattern \"x:zz\": 'z' at position 3 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:foo",
	                      "bad hex pattern \"x:foo\": 'o' at position 4 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:0xde",
	                      "bad hex pattern \"x:0xde\": 'x' at position 4 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:de,ad",
	                      "bad hex pattern \"x:de,ad\": ',' at position 5 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:dea",
	                      "bad hex pattern \"x:dea\": 'a' at position 5 is a lone hex digit; "
	                      "write a byte as two digits, e.g. 0a");
	assert_pattern_error ("x:d ead",
	                      "bad hex pattern \"x:d ead\": 'd' at position 3 is a lone hex digit; "
	                      "write a byte as two digits, e.g. 0d");
	assert_pattern_error ("x:de F",
	                      "bad hex pattern \"x:de F\": 'F' at position 6 is a lone hex digit; "
	                      "write a byte as two digits, e.g. 0F");
	assert_pattern_error ("x:de\x01",
	                      "bad hex pattern \"x:de\\x01\": byte 0x01 at position 5 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:d\xc3\xa9",
	                      "bad hex pattern \"x:d\xc3\xa9\": '\xc3\xa9' at position 4 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
	assert_pattern_error ("x:\xff",
	                      "bad hex pattern \"x:\xef\xbf\xbd\": byte 0xff at position 3 is not a hex digit; "
	                      "to search for this text, put it in double quotes");
}

/* ---- search ---- */

static GByteArray *
bytes_of (const char *s)
{
	GByteArray *b = g_byte_array_new ();

	g_byte_array_append (b, (const guint8 *) s, (guint) strlen (s));
	return b;
}

static goffset
search (const char *data, const char *pattern, goffset from, gboolean backward)
{
	g_autoptr(GByteArray) pat = bytes_of (pattern);
	goffset found = -42;

	if (!mwb_hex_search ((const guint8 *) data, strlen (data), pat, from, backward, &found)) {
		g_assert_cmpint (found, ==, -42);
		return -1;
	}
	return found;
}

static void
test_search_forward (void)
{
	const char *d = "abcabcab";

	g_assert_cmpint (search (d, "abc", 0, FALSE), ==, 0);
	g_assert_cmpint (search (d, "abc", 1, FALSE), ==, 3);
	g_assert_cmpint (search (d, "abc", 3, FALSE), ==, 3);
	g_assert_cmpint (search (d, "abc", 4, FALSE), ==, -1);
	g_assert_cmpint (search (d, "ab", 4, FALSE), ==, 6);
	g_assert_cmpint (search (d, "ab", 6, FALSE), ==, 6);
	g_assert_cmpint (search (d, "ab", 7, FALSE), ==, -1);
	g_assert_cmpint (search (d, "b", 7, FALSE), ==, 7);
	g_assert_cmpint (search (d, "b", 8, FALSE), ==, -1);
	/* from outside the data */
	g_assert_cmpint (search (d, "abc", -5, FALSE), ==, 0);
	g_assert_cmpint (search (d, "abc", G_MININT64, FALSE), ==, 0);
	g_assert_cmpint (search (d, "abc", 100, FALSE), ==, -1);
	g_assert_cmpint (search (d, "abc", G_MAXINT64, FALSE), ==, -1);
	g_assert_cmpint (search (d, "abd", 0, FALSE), ==, -1);
}

static void
test_search_backward (void)
{
	const char *d = "abcabcab";

	g_assert_cmpint (search (d, "abc", 7, TRUE), ==, 3);
	g_assert_cmpint (search (d, "abc", 3, TRUE), ==, 3);
	g_assert_cmpint (search (d, "abc", 2, TRUE), ==, 0);
	g_assert_cmpint (search (d, "abc", 0, TRUE), ==, 0);
	g_assert_cmpint (search (d, "ab", 7, TRUE), ==, 6);
	g_assert_cmpint (search (d, "ab", 5, TRUE), ==, 3);
	g_assert_cmpint (search (d, "b", 7, TRUE), ==, 7);
	g_assert_cmpint (search (d, "c", 1, TRUE), ==, -1);
	g_assert_cmpint (search (d, "abc", -1, TRUE), ==, -1);
	g_assert_cmpint (search (d, "abc", G_MININT64, TRUE), ==, -1);
	g_assert_cmpint (search (d, "abc", 100, TRUE), ==, 3);
	g_assert_cmpint (search (d, "abc", G_MAXINT64, TRUE), ==, 3);
	g_assert_cmpint (search (d, "abd", 7, TRUE), ==, -1);
}

static void
test_search_edges (void)
{
	g_autoptr(GByteArray) pat = bytes_of ("xyz");
	goffset found = -42;

	/* at the very end, from both sides */
	g_assert_cmpint (search ("....xyz", "xyz", 0, FALSE), ==, 4);
	g_assert_cmpint (search ("....xyz", "xyz", 4, FALSE), ==, 4);
	g_assert_cmpint (search ("....xyz", "xyz", 6, TRUE), ==, 4);
	g_assert_cmpint (search ("....xyz", "xyz", 4, TRUE), ==, 4);
	g_assert_cmpint (search ("....xyz", "xyz", 3, TRUE), ==, -1);
	/* at the very start */
	g_assert_cmpint (search ("xyz....", "xyz", 0, TRUE), ==, 0);
	g_assert_cmpint (search ("xyz....", "xyz", 1, FALSE), ==, -1);
	/* the pattern is the whole data */
	g_assert_cmpint (search ("xyz", "xyz", 0, FALSE), ==, 0);
	g_assert_cmpint (search ("xyz", "xyz", 2, TRUE), ==, 0);
	g_assert_cmpint (search ("xyz", "xyz", 1, FALSE), ==, -1);
	/* overlapping matches */
	g_assert_cmpint (search ("aaaa", "aa", 1, FALSE), ==, 1);
	g_assert_cmpint (search ("aaaa", "aa", 3, TRUE), ==, 2);
	g_assert_cmpint (search ("aaaa", "aa", 1, TRUE), ==, 1);

	/* a pattern longer than the data, and no data at all */
	g_assert_cmpint (search ("xy", "xyz", 0, FALSE), ==, -1);
	g_assert_cmpint (search ("xy", "xyz", 0, TRUE), ==, -1);
	g_assert_false (mwb_hex_search (NULL, 0, pat, 0, FALSE, &found));
	g_assert_false (mwb_hex_search (NULL, 0, pat, 0, TRUE, &found));
	g_assert_cmpint (found, ==, -42);

	/* binary, NULs included */
	{
		static const guint8 data[] = { 0, 0, 1, 0, 0, 0, 1, 0 };
		static const guint8 p[] = { 0, 0, 1 };
		g_autoptr(GByteArray) bin = g_byte_array_new ();

		g_byte_array_append (bin, p, sizeof p);
		g_assert_true (mwb_hex_search (data, sizeof data, bin, 1, FALSE, &found));
		g_assert_cmpint (found, ==, 4);
		g_assert_true (mwb_hex_search (data, sizeof data, bin, 3, TRUE, &found));
		g_assert_cmpint (found, ==, 0);
		/* found may be NULL */
		g_assert_true (mwb_hex_search (data, sizeof data, bin, 0, FALSE, NULL));
	}
}

static gboolean
naive_search (const guint8 *data, gsize size, const guint8 *pat, gsize plen,
              goffset from, gboolean backward, goffset *found)
{
	goffset i;

	if (plen > size)
		return FALSE;
	if (backward) {
		for (i = MIN (from, (goffset) (size - plen)); i >= 0; i--)
			if (memcmp (data + i, pat, plen) == 0)
				return *found = i, TRUE;
	} else {
		for (i = MAX (from, 0); i <= (goffset) (size - plen); i++)
			if (memcmp (data + i, pat, plen) == 0)
				return *found = i, TRUE;
	}
	return FALSE;
}

static void
assert_same_as_naive (const guint8 *data, gsize size, GByteArray *pat, goffset from, gboolean backward)
{
	goffset want = -1, got = -1;
	gboolean want_ok = naive_search (data, size, pat->data, pat->len, from, backward, &want);
	gboolean got_ok = mwb_hex_search (data, size, pat, from, backward, &got);

	g_assert_cmpint (got_ok, ==, want_ok);
	g_assert_cmpint (got, ==, want);
}

/* Every start, both ways, on short random data over a 2-letter alphabet,
 * so that matches are dense and overlap. */
static void
test_search_random_small (void)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
	guint round;

	for (round = 0; round < 300; round++) {
		guint8 data[40];
		gsize size = (gsize) g_rand_int_range (rand, 0, sizeof data + 1);
		g_autoptr(GByteArray) pat = g_byte_array_new ();
		guint plen = (guint) g_rand_int_range (rand, 1, 6);
		goffset from;
		gsize i;

		for (i = 0; i < size; i++)
			data[i] = (guint8) ('a' + g_rand_int_range (rand, 0, 2));
		for (i = 0; i < plen; i++) {
			guint8 c = (guint8) ('a' + g_rand_int_range (rand, 0, 2));

			g_byte_array_append (pat, &c, 1);
		}
		for (from = -2; from <= (goffset) size + 2; from++) {
			assert_same_as_naive (data, size, pat, from, FALSE);
			assert_same_as_naive (data, size, pat, from, TRUE);
		}
	}
}

/* Backward search goes by windows of start positions; matches on either
 * side of a window's edge, and straddling it, must all be found. */
static void
test_search_backward_windows (void)
{
	const gsize size = 300 * 1024;
	g_autofree guint8 *data = g_malloc0 (size);
	static const guint8 p[] = { 0, 0, 0, 0, 1 };
	g_autoptr(GByteArray) pat = g_byte_array_new ();
	const gsize last_start = size - sizeof p;
	const gsize w = 64 * 1024;
	const gsize starts[] = {
		0, 1, 7,
		last_start - w - 1, last_start - w, last_start - w + 1,
		last_start - 2 * w, last_start - 2 * w + 1, last_start - 2 * w - 1,
		123457, last_start,
	};
	gsize i, j;

	g_byte_array_append (pat, p, sizeof p);
	for (i = 0; i < G_N_ELEMENTS (starts); i++) {
		goffset found = -1;

		/* one match alone each time, so the window it is in is the
		 * only one that can find it */
		memset (data, 0, size);
		memcpy (data + starts[i], p, sizeof p);
		g_assert_true (mwb_hex_search (data, size, pat, G_MAXINT64, TRUE, &found));
		g_assert_cmpint (found, ==, (goffset) starts[i]);
		g_assert_true (mwb_hex_search (data, size, pat, 0, FALSE, &found));
		g_assert_cmpint (found, ==, (goffset) starts[i]);
		if (starts[i] > 0)
			g_assert_false (mwb_hex_search (data, size, pat, (goffset) starts[i] - 1, TRUE, &found));
	}

	/* and all of them at once, hopping back from one to the next */
	memset (data, 0, size);
	for (i = 0; i < G_N_ELEMENTS (starts); i++)
		memcpy (data + starts[i], p, sizeof p);
	for (j = 0; j < 2000; j++) {
		goffset from = (goffset) (j * (size / 2000)) + (goffset) (j % 7);

		assert_same_as_naive (data, size, pat, from, TRUE);
		assert_same_as_naive (data, size, pat, from, FALSE);
	}
}

/* 16 MiB of zeros, the shape of a migration stream full of zero pages,
 * and a pattern of zeros that never matches: checking each candidate in
 * turn would be 16 Mi x 64 comparisons; this must stay quick. */
static void
test_search_zeros (void)
{
	const gsize size = 16 * 1024 * 1024;
	g_autofree guint8 *data = g_malloc0 (size);
	g_autoptr(GByteArray) pat = g_byte_array_new ();
	guint8 zeros[64] = { 0 };
	guint8 one = 1;
	goffset found = -42;
	gint64 start = g_get_monotonic_time ();

	g_byte_array_append (pat, zeros, sizeof zeros);
	g_byte_array_append (pat, &one, 1);
	g_assert_false (mwb_hex_search (data, size, pat, G_MAXINT64, TRUE, &found));
	g_assert_false (mwb_hex_search (data, size, pat, 0, FALSE, &found));
	g_assert_cmpint (found, ==, -42);
	/* generous, for sanitizer builds on a slow machine */
	g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

	data[size - 1] = 1;
	g_assert_true (mwb_hex_search (data, size, pat, G_MAXINT64, TRUE, &found));
	g_assert_cmpint (found, ==, (goffset) (size - 65));
}

/* ---- annotations ---- */

static void
test_class_names (void)
{
	int cls;

	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_NONE), ==, "none");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_HEADER), ==, "header");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_SECTION), ==, "section");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_FIELD), ==, "field");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_RAM), ==, "ram");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_JSON), ==, "json");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_PADDING), ==, "padding");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_UNKNOWN), ==, "unknown");
	g_assert_cmpstr (mwb_hex_class_name (MWB_HEX_CLASS_ERROR), ==, "error");
	g_assert_null (mwb_hex_class_name (MWB_HEX_CLASS_COUNT));
	g_assert_null (mwb_hex_class_name (-1));
	g_assert_null (mwb_hex_class_name (1000));

	for (cls = 0; cls < MWB_HEX_CLASS_COUNT; cls++)
		g_assert_cmpint (mwb_hex_class_from_name (mwb_hex_class_name (cls)), ==, cls);
	g_assert_cmpint (mwb_hex_class_from_name ("RAM"), ==, -1);
	g_assert_cmpint (mwb_hex_class_from_name (""), ==, -1);
	g_assert_cmpint (mwb_hex_class_from_name ("bogus"), ==, -1);
}

/* Labels of a lookup, joined with ",", for compact expectations. */
static char *
lookup_labels (MwbHexAnnotations *annots, goffset off, goffset len)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new ();
	GString *s = g_string_new (NULL);
	guint n, i;

	n = mwb_hex_annotations_lookup (annots, off, len, found);
	g_assert_cmpuint (n, ==, found->len);
	for (i = 0; i < found->len; i++) {
		const MwbHexAnnotation *a = found->pdata[i];

		if (i > 0)
			g_string_append_c (s, ',');
		g_string_append (s, a->label != NULL ? a->label : "(null)");
	}
	return g_string_free (s, FALSE);
}

static void
assert_lookup (MwbHexAnnotations *annots, goffset off, goffset len, const char *expected)
{
	g_autofree char *labels = lookup_labels (annots, off, len);

	g_assert_cmpstr (labels, ==, expected);
}

/* The start of a migration stream, as an inspector would describe it. */
static MwbHexAnnotations *
stream_annotations (void)
{
	MwbHexAnnotations *annots = mwb_hex_annotations_new ();

	mwb_hex_annotations_add (annots, 0, 8, "magic+version", MWB_HEX_CLASS_HEADER);
	mwb_hex_annotations_add (annots, 8, 0x38, "configuration", MWB_HEX_CLASS_SECTION);
	mwb_hex_annotations_add (annots, 0x40, 0x3000, "ram section", MWB_HEX_CLASS_SECTION);
	mwb_hex_annotations_add (annots, 0x40, 8, "page header", MWB_HEX_CLASS_RAM);
	mwb_hex_annotations_add (annots, 0x48, 0x1000, "page 0", MWB_HEX_CLASS_RAM);
	mwb_hex_annotations_add (annots, 0x1048, 0x1000, "page 1", MWB_HEX_CLASS_RAM);
	mwb_hex_annotations_add (annots, 0x2048, 0xff8, "page 2", MWB_HEX_CLASS_RAM);
	mwb_hex_annotations_add (annots, 0x3040, 0, "EOS", MWB_HEX_CLASS_SECTION);
	return annots;
}

static void
test_annotations_lookup (void)
{
	g_autoptr(MwbHexAnnotations) annots = stream_annotations ();

	g_assert_cmpuint (mwb_hex_annotations_count (annots), ==, 8);
	assert_lookup (annots, 0, 16, "magic+version,configuration");
	assert_lookup (annots, 0, 8, "magic+version");
	assert_lookup (annots, 7, 1, "magic+version");
	assert_lookup (annots, 8, 1, "configuration");
	/* an enclosing range comes before what it holds */
	assert_lookup (annots, 0x40, 16, "ram section,page header,page 0");
	assert_lookup (annots, 0x30, 16, "configuration");
	assert_lookup (annots, 0x30, 17, "configuration,ram section,page header");
	/* a range starting far before still reaches */
	assert_lookup (annots, 0x1500, 16, "ram section,page 1");
	assert_lookup (annots, 0x1040, 16, "ram section,page 0,page 1");
	assert_lookup (annots, 0, 0x10000,
	               "magic+version,configuration,ram section,page header,page 0,page 1,page 2,EOS");
	/* past all of it, and empty ranges */
	assert_lookup (annots, 0x3041, 16, "");
	assert_lookup (annots, 0x10, 0, "");
	assert_lookup (annots, 0x10, -5, "");
	/* a range reaching past the largest offset does not overflow */
	assert_lookup (annots, 0x3030, G_MAXINT64, "ram section,page 2,EOS");
	assert_lookup (annots, G_MAXINT64, G_MAXINT64, "");
}

static void
test_annotations_markers (void)
{
	g_autoptr(MwbHexAnnotations) annots = stream_annotations ();

	/* a marker is found by the ranges holding its offset only */
	assert_lookup (annots, 0x3040, 1, "EOS");
	assert_lookup (annots, 0x3030, 16, "ram section,page 2");
	assert_lookup (annots, 0x3030, 17, "ram section,page 2,EOS");
	assert_lookup (annots, 0x3041, 1, "");
	g_assert_cmpint (mwb_hex_annotations_get (annots, 7)->length, ==, 0);
}

static void
test_annotations_order (void)
{
	g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();
	const MwbHexAnnotation *a;
	char label[] = "changed";

	/* added backwards, with ties */
	mwb_hex_annotations_add (annots, 0x20, 4, "d", MWB_HEX_CLASS_FIELD);
	mwb_hex_annotations_add (annots, 0x10, 4, "b1", MWB_HEX_CLASS_FIELD);
	mwb_hex_annotations_add (annots, 0x10, 0x20, "a", MWB_HEX_CLASS_SECTION);
	mwb_hex_annotations_add (annots, 0x10, 4, "b2", MWB_HEX_CLASS_FIELD);
	mwb_hex_annotations_add (annots, 0x10, 0, "c", 42);
	mwb_hex_annotations_add (annots, 0x00, 1, label, MWB_HEX_CLASS_UNKNOWN);
	mwb_hex_annotations_add (annots, 0x00, 1, NULL, MWB_HEX_CLASS_NONE);
	/* the label was copied */
	label[0] = 'X';

	mwb_hex_annotations_sort (annots);
	g_assert_cmpuint (mwb_hex_annotations_count (annots), ==, 7);
	/* by offset, longest first, then order of adding */
	a = mwb_hex_annotations_get (annots, 0);
	g_assert_cmpstr (a->label, ==, "changed");
	g_assert_cmpint (a->cls, ==, MWB_HEX_CLASS_UNKNOWN);
	g_assert_null (mwb_hex_annotations_get (annots, 1)->label);
	g_assert_cmpstr (mwb_hex_annotations_get (annots, 2)->label, ==, "a");
	g_assert_cmpstr (mwb_hex_annotations_get (annots, 3)->label, ==, "b1");
	g_assert_cmpstr (mwb_hex_annotations_get (annots, 4)->label, ==, "b2");
	a = mwb_hex_annotations_get (annots, 5);
	g_assert_cmpstr (a->label, ==, "c");
	g_assert_cmpint (a->cls, ==, 42);
	g_assert_cmpstr (mwb_hex_annotations_get (annots, 6)->label, ==, "d");
	assert_lookup (annots, 0, 0x100, "changed,(null),a,b1,b2,c,d");

	/* adding after a lookup: the next lookup sorts again */
	mwb_hex_annotations_add (annots, 0x12, 1, "e", MWB_HEX_CLASS_FIELD);
	assert_lookup (annots, 0x12, 1, "a,b1,b2,e");
	g_assert_cmpstr (mwb_hex_annotations_get (annots, 6)->label, ==, "e");
}

static void
test_annotations_empty (void)
{
	g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();
	g_autoptr(GPtrArray) found = g_ptr_array_new ();

	g_assert_cmpuint (mwb_hex_annotations_count (annots), ==, 0);
	g_assert_cmpuint (mwb_hex_annotations_lookup (annots, 0, G_MAXINT64, found), ==, 0);
	mwb_hex_annotations_sort (annots);
	g_assert_cmpuint (found->len, ==, 0);
	mwb_hex_annotations_free (NULL);
}

static void
test_annotations_refused (void)
{
	g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();

	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*offset >= 0*");
	mwb_hex_annotations_add (annots, -1, 4, "x", 0);
	g_test_assert_expected_messages ();
	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*length >= 0*");
	mwb_hex_annotations_add (annots, 0, -4, "x", 0);
	g_test_assert_expected_messages ();
	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_MAXINT64*");
	mwb_hex_annotations_add (annots, G_MAXINT64 - 10, 20, "x", 0);
	g_test_assert_expected_messages ();
	g_assert_cmpuint (mwb_hex_annotations_count (annots), ==, 0);

	/* the biggest that fits */
	mwb_hex_annotations_add (annots, G_MAXINT64 - 11, 10, "last", 0);
	mwb_hex_annotations_add (annots, G_MAXINT64 - 1, 0, "marker", 0);
	assert_lookup (annots, G_MAXINT64 - 2, 2, "last,marker");
}

/* Checks every lookup answer against a scan of the whole sorted list. */
static void
assert_lookup_as_scan (MwbHexAnnotations *annots, goffset off, goffset len)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new ();
	guint n = mwb_hex_annotations_count (annots);
	guint i, j = 0;

	mwb_hex_annotations_lookup (annots, off, len, found);
	for (i = 0; i < n; i++) {
		const MwbHexAnnotation *a = mwb_hex_annotations_get (annots, i);
		goffset end = a->offset + MAX (a->length, 1);

		if (len > 0 && a->offset < off + len && end > off) {
			g_assert_cmpuint (j, <, found->len);
			g_assert_true (found->pdata[j] == a);
			j++;
		}
	}
	g_assert_cmpuint (j, ==, found->len);
}

static void
test_annotations_random (void)
{
	/* around the powers of two, where the implicit tree's shape changes */
	static const guint sizes[] = {
		1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
		100, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025,
	};
	g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
	gsize s;

	for (s = 0; s < G_N_ELEMENTS (sizes); s++) {
		guint shape;

		for (shape = 0; shape < 3; shape++) {
			g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();
			guint q, i;

			for (i = 0; i < sizes[s]; i++) {
				goffset off = g_rand_int_range (rand, 0, 2000);
				goffset len;

				/* short fields; a mix with long ranges and markers;
				 * a few huge ones over everything */
				if (shape == 0)
					len = g_rand_int_range (rand, 1, 8);
				else if (shape == 1)
					len = g_rand_int_range (rand, 0, 3) == 0 ? 0 : g_rand_int_range (rand, 1, 500);
				else
					len = g_rand_int_range (rand, 0, 50) == 0 ? 100000 : g_rand_int_range (rand, 1, 20);
				mwb_hex_annotations_add (annots, off, len, NULL, 0);
			}
			for (q = 0; q < 300; q++) {
				goffset off = g_rand_int_range (rand, 0, 2200);
				goffset len = g_rand_int_range (rand, 0, 4) == 0
					? g_rand_int_range (rand, 0, 3000) : g_rand_int_range (rand, 0, 20);

				assert_lookup_as_scan (annots, off, len);
			}
		}
	}
}

/* 100000 pages inside one RAM section, as an inspector of a big stream
 * adds them: one lookup per row over the whole range must come back with
 * exactly the section and the row's page, quickly. */
static void
test_annotations_many (void)
{
	const guint pages = 100000;
	const goffset page = 0x1000;
	g_autoptr(MwbHexAnnotations) annots = mwb_hex_annotations_new ();
	g_autoptr(GPtrArray) found = g_ptr_array_new ();
	gint64 start;
	guint i;

	mwb_hex_annotations_add (annots, 0, page * pages, "ram", MWB_HEX_CLASS_SECTION);
	for (i = 0; i < pages; i++) {
		g_autofree char *label = g_strdup_printf ("page %u", i);

		mwb_hex_annotations_add (annots, page * i, page, label, MWB_HEX_CLASS_RAM);
	}
	start = g_get_monotonic_time ();
	mwb_hex_annotations_sort (annots);
	g_assert_cmpuint (mwb_hex_annotations_count (annots), ==, pages + 1);

	/* one 16-byte row in the middle of each page */
	for (i = 0; i < pages; i++) {
		const MwbHexAnnotation *p;

		g_ptr_array_set_size (found, 0);
		g_assert_cmpuint (mwb_hex_annotations_lookup (annots, page * i + 0x800, 16, found), ==, 2);
		g_assert_cmpstr (((const MwbHexAnnotation *) found->pdata[0])->label, ==, "ram");
		p = found->pdata[1];
		g_assert_cmpint (p->offset, ==, page * i);
		g_assert_cmpint (p->cls, ==, MWB_HEX_CLASS_RAM);
	}
	/* a screen across a page boundary */
	assert_lookup (annots, page * 777 - 0x100, 0x200, "ram,page 776,page 777");
	/* scanning the list 100000 times would take minutes */
	g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

	/* and against the plain scan, here and there */
	for (i = 0; i < 20; i++)
		assert_lookup_as_scan (annots, (goffset) i * page * 4999 + 0x7f8, 0x10);
	assert_lookup_as_scan (annots, 0, page * pages);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/hexfmt/row/full", test_row_full);
	g_test_add_func ("/hexfmt/row/short", test_row_short);
	g_test_add_func ("/hexfmt/row/short-aligns", test_row_short_aligns);
	g_test_add_func ("/hexfmt/row/ascii", test_row_ascii);
	g_test_add_func ("/hexfmt/row/wide-offset", test_row_wide_offset);
	g_test_add_func ("/hexfmt/row/narrow", test_row_narrow);
	g_test_add_func ("/hexfmt/row/wide", test_row_wide);
	g_test_add_func ("/hexfmt/row/empty", test_row_empty);
	g_test_add_func ("/hexfmt/row/len", test_row_len);
	g_test_add_func ("/hexfmt/row/width-for-columns", test_row_width_for_columns);
	g_test_add_func ("/hexfmt/row/refused", test_row_refused);
	g_test_add_func ("/hexfmt/describe-offset", test_describe_offset);
	g_test_add_func ("/hexfmt/offset/decimal", test_offset_decimal);
	g_test_add_func ("/hexfmt/offset/hex", test_offset_hex);
	g_test_add_func ("/hexfmt/offset/suffix", test_offset_suffix);
	g_test_add_func ("/hexfmt/offset/relative", test_offset_relative);
	g_test_add_func ("/hexfmt/offset/end", test_offset_end);
	g_test_add_func ("/hexfmt/offset/null-out", test_offset_null_out);
	g_test_add_func ("/hexfmt/offset/syntax-errors", test_offset_syntax_errors);
	g_test_add_func ("/hexfmt/offset/range-errors", test_offset_range_errors);
	g_test_add_func ("/hexfmt/pattern/kind", test_pattern_kind);
	g_test_add_func ("/hexfmt/pattern/text", test_pattern_text);
	g_test_add_func ("/hexfmt/pattern/quoted", test_pattern_quoted);
	g_test_add_func ("/hexfmt/pattern/hex", test_pattern_hex);
	g_test_add_func ("/hexfmt/pattern/errors", test_pattern_errors);
	g_test_add_func ("/hexfmt/search/forward", test_search_forward);
	g_test_add_func ("/hexfmt/search/backward", test_search_backward);
	g_test_add_func ("/hexfmt/search/edges", test_search_edges);
	g_test_add_func ("/hexfmt/search/random-small", test_search_random_small);
	g_test_add_func ("/hexfmt/search/backward-windows", test_search_backward_windows);
	g_test_add_func ("/hexfmt/search/zeros", test_search_zeros);
	g_test_add_func ("/hexfmt/annotations/class-names", test_class_names);
	g_test_add_func ("/hexfmt/annotations/lookup", test_annotations_lookup);
	g_test_add_func ("/hexfmt/annotations/markers", test_annotations_markers);
	g_test_add_func ("/hexfmt/annotations/order", test_annotations_order);
	g_test_add_func ("/hexfmt/annotations/empty", test_annotations_empty);
	g_test_add_func ("/hexfmt/annotations/refused", test_annotations_refused);
	g_test_add_func ("/hexfmt/annotations/random", test_annotations_random);
	g_test_add_func ("/hexfmt/annotations/many", test_annotations_many);

	return g_test_run ();
}
