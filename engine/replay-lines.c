/* Raw log bytes to the lines people read. CI logs carry CRLF, colour codes,
 * the NUL runs a `> file 2>&1` leaves behind, and QTEST_LOG records that
 * land in the middle of other lines; none of it may reach a pane. */
#include "replay-priv.h"

#include <string.h>

/* Bytes of the escape sequence at p (p[0] is ESC), at most end - p. */
static gsize
escape_len (const char *p, const char *end)
{
	const char *q = p + 1;

	if (q >= end)
		return 1;
	if (*q == '[') {
		/* CSI: parameters and intermediates, then a final byte 0x40..0x7e */
		for (q++; q < end; q++)
			if ((unsigned char) *q >= 0x40 && (unsigned char) *q <= 0x7e)
				return q + 1 - p;
		return end - p;
	}
	if (*q == ']') {
		/* OSC: up to BEL or ESC \ */
		for (q++; q < end; q++) {
			if (*q == '\a')
				return q + 1 - p;
			if (*q == 0x1b && q + 1 < end && q[1] == '\\')
				return q + 2 - p;
		}
		return end - p;
	}
	return 2;
}

static void
append_valid (GString *out, const char *s, gsize len)
{
	const char *end = s + len, *bad;

	while (s < end) {
		if (g_utf8_validate (s, end - s, &bad)) {
			g_string_append_len (out, s, end - s);
			return;
		}
		g_string_append_len (out, s, bad - s);
		g_string_append_c (out, '?');
		s = bad + 1;
	}
}

void
rp_clean (GString *out, const char *raw, gsize len)
{
	const char *p = raw, *end = raw + len, *run = raw;

	g_string_truncate (out, 0);
	/* Most lines are plain printable ASCII: copy them as they are. Eight
	 * bytes at a time: a byte below 0x20 or from 0x7f up stops the scan. */
	for (; end - p >= 8; p += 8) {
		guint64 w;

		memcpy (&w, p, 8);
		if (((w - 0x2020202020202020ULL) | w | (w + 0x0101010101010101ULL)) & 0x8080808080808080ULL)
			break;
	}
	while (p < end && (unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f)
		p++;
	if (p == end) {
		g_string_append_len (out, raw, len);
		return;
	}
	p = raw;
	while (p < end) {
		unsigned char c = *p;

		if (c >= 0x20 || c == '\t') {
			p++;
			continue;
		}
		append_valid (out, run, p - run);
		p += c == 0x1b ? escape_len (p, end) : 1;
		run = p;
	}
	append_valid (out, run, p - run);
}

/* "[R +0.104062] ", "[S +0.1] ", "[I 0.000001] ", "[I +25.4] " */
static gboolean
is_qtest_record (const char *p, const char *end)
{
	if (end - p < 6 || p[0] != '[' || !strchr ("RSI", p[1]) || p[2] != ' ')
		return FALSE;
	p += 3;
	if (*p == '+')
		p++;
	if (p >= end || !g_ascii_isdigit (*p))
		return FALSE;
	while (p < end && (g_ascii_isdigit (*p) || *p == '.'))
		p++;
	return p < end && *p == ']';
}

gboolean
rp_is_qtest (const char *s, gsize len)
{
	return is_qtest_record (s, s + len);
}

gsize
rp_qtest_split (const char *raw, gsize len)
{
	const char *end = raw + len, *p = raw + 1;

	while (p < end && (p = memchr (p, '[', end - p))) {
		if (is_qtest_record (p, end))
			return p - raw;
		p++;
	}
	return 0;
}

static gboolean
blank (const GString *s)
{
	for (gsize i = 0; i < s->len; i++)
		if (s->str[i] != ' ' && s->str[i] != '\t')
			return FALSE;
	return TRUE;
}

void
rp_raw_line (GString *scratch, const char *raw, gsize len, guint64 off, guint64 end,
	     guint64 lineno, void (*func) (const RpLine *l, gpointer data), gpointer data)
{
	const char *piece = raw, *stop = raw + len;

	while (piece < stop) {
		gsize cut = rp_qtest_split (piece, stop - piece);
		const char *piece_end = cut ? piece + cut : stop;
		RpLine l;

		rp_clean (scratch, piece, piece_end - piece);
		if (!blank (scratch)) {
			l.s = scratch->str;
			l.len = scratch->len;
			l.off = off + (piece - raw);
			l.end = piece_end == stop ? end : off + (piece_end - raw);
			l.lineno = lineno;
			func (&l, data);
		}
		piece = piece_end;
	}
}

void
rp_each_line (const char *buf, gsize len, guint64 base,
	      void (*func) (const RpLine *l, gpointer data), gpointer data)
{
	g_autoptr (GString) clean = g_string_new (NULL);
	const char *p = buf, *end = buf + len;
	guint64 lineno = 0;

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		const char *stop = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;

		rp_raw_line (clean, p, stop - p, base + (p - buf), base + (next - buf), ++lineno, func, data);
		p = next;
	}
}
