/* libFuzzer target for ZDTM-style test descriptions (engine/criu-desc.c).
 *
 * Input: the bytes of a NAME.desc, handed over without a terminating NUL
 * (the parser reads up to len, and stops at a NUL).
 *
 * Either a parse error in the parse domain, "fuzz.desc:N: expected
 * key=value, got '...'" with N a line of the input, or "fuzz.desc: unknown
 * flavor '...' (known: h, ns, uns)"; or a description whose flavors are one
 * or more of h, ns, uns, whose lists are non-NULL and hold non-empty words
 * without ASCII white space (\r, \v and \f too), commas or '#', and whose
 * about is trimmed. Written back as
 * key=value lines, a description parses to itself; the same bytes give the
 * same answer twice. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "criu-desc.h"
#include "mwb-error.h"

#define FILE_NAME "fuzz.desc"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_words (GStrv words)
{
	g_assert_nonnull (words);
	for (guint i = 0; words[i]; i++) {
		g_assert_true (words[i][0] != '\0');
		/* a word is what `criu check --feature` or the variation check
		 * gets: no separator, no comment, no blank of any kind (the line
		 * itself is trimmed of all of g_ascii_isspace's) */
		g_assert_null (strpbrk (words[i], ",#"));
		for (const char *p = words[i]; *p; p++)
			g_assert_false (g_ascii_isspace (*p));
	}
}

static void
assert_same_words (GStrv a, GStrv b)
{
	g_assert_true (g_strv_length (a) == g_strv_length (b));
	for (guint i = 0; a[i]; i++)
		g_assert_cmpstr (a[i], ==, b[i]);
}

static void
check_error (const GError *err, const char *text, gsize len)
{
	const char *m = err->message;
	gsize lines = 1;

	g_assert_true (err->domain == MWB_ERROR && err->code == MWB_ERROR_PARSE);
	g_assert_true (g_str_has_prefix (m, FILE_NAME ":"));
	m += strlen (FILE_NAME ":");
	if (g_str_has_prefix (m, " unknown flavor '")) {
		g_assert_true (g_str_has_suffix (m, "' (known: h, ns, uns)"));
		return;
	}
	/* the text seen is the bytes up to the first NUL */
	for (gsize i = 0; i < len && text[i]; i++)
		lines += text[i] == '\n';
	{
		char *end = NULL;
		guint64 n = g_ascii_strtoull (m, &end, 10);

		g_assert_true (end != m && n >= 1 && n <= lines);
		g_assert_true (g_str_has_prefix (end, ": expected key=value, got '"));
		g_assert_true (g_str_has_suffix (end, "'"));
	}
}

static char *
write_back (const CriuDesc *d)
{
	GString *s = g_string_new (NULL);
	g_autofree char *flavors = g_strjoinv (" ", d->flavors);
	g_autofree char *excludes = g_strjoinv (",", d->excludes);
	g_autofree char *needs = g_strjoinv (" ", d->needs);

	g_string_append (s, "# written back\n\n");
	if (d->about)
		g_string_append_printf (s, "about=%s\n", d->about);
	g_string_append_printf (s, "flavors=%s\nexcludes=%s\nneeds=%s\n", flavors, excludes, needs);
	return g_string_free (s, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* an exact-size copy: a read past size is ASan's to see */
	g_autofree char *text = g_malloc (size ? size : 1);
	g_autoptr (GError) err = NULL;
	g_autoptr (GError) err2 = NULL;
	g_autoptr (CriuDesc) d = NULL;
	g_autoptr (CriuDesc) again = NULL;

	memcpy (text, data, size);
	d = criu_desc_parse (FILE_NAME, text, size, &err);
	again = criu_desc_parse (FILE_NAME, text, size, &err2);
	if (!d) {
		g_assert_nonnull (err);
		g_assert_null (again);
		g_assert_cmpstr (err->message, ==, err2->message);
		check_error (err, text, size);
		return 0;
	}
	g_assert_null (err);
	g_assert_nonnull (again);

	g_assert_true (g_strv_length (d->flavors) >= 1);
	for (guint i = 0; d->flavors[i]; i++)
		g_assert_true (g_str_equal (d->flavors[i], "h") || g_str_equal (d->flavors[i], "ns")
			       || g_str_equal (d->flavors[i], "uns"));
	check_words (d->flavors);
	check_words (d->excludes);
	check_words (d->needs);
	if (d->about) {
		gsize n = strlen (d->about);

		g_assert_null (strchr (d->about, '\n'));
		g_assert_true (n == 0 || (!g_ascii_isspace (d->about[0]) && !g_ascii_isspace (d->about[n - 1])));
	}
	g_assert_cmpstr (d->about, ==, again->about);
	assert_same_words (d->flavors, again->flavors);

	/* written back, it reads the same */
	{
		g_autofree char *back = write_back (d);
		g_autoptr (GError) err3 = NULL;
		g_autoptr (CriuDesc) r = criu_desc_parse (FILE_NAME, back, strlen (back), &err3);

		g_assert_null (err3);
		g_assert_nonnull (r);
		g_assert_cmpstr (r->about, ==, d->about);
		assert_same_words (r->flavors, d->flavors);
		assert_same_words (r->excludes, d->excludes);
		assert_same_words (r->needs, d->needs);
	}
	return 0;
}
