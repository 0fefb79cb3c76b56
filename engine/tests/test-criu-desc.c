/* Unit tests for ZDTM-style test descriptions (engine/criu-desc.c): the
 * key=value format, comments, the defaults, the errors with their file and
 * line, and every .desc shipped in guestcode/zdtm/ (run from the top of the
 * tree, as tests/run.sh does). */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "criu-desc.h"
#include "mwb-error.h"

#define FILE_NAME "t.desc"

/* text as a buffer of exactly len bytes, no NUL after it (ASan sees a read past len) */
static CriuDesc *
parse_len (const char *text, gsize len, GError **error)
{
	g_autofree char *copy = g_memdup2 (text, len ? len : 1);

	return criu_desc_parse (FILE_NAME, copy, len, error);
}

static CriuDesc *
parse_ok (const char *text)
{
	g_autoptr (GError) err = NULL;
	CriuDesc *d = parse_len (text, strlen (text), &err);

	g_assert_no_error (err);
	g_assert_nonnull (d);
	return d;
}

static void
assert_error (const char *text, const char *message)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (CriuDesc) d = parse_len (text, strlen (text), &err);

	g_assert_null (d);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	g_assert_cmpstr (err->message, ==, message);
}

/* want: the words joined by one blank, "" for none (words never hold a blank) */
static void
assert_words (GStrv got, const char *want)
{
	g_autofree char *joined = NULL;

	g_assert_nonnull (got);
	joined = g_strjoinv (" ", got);
	g_assert_cmpstr (joined, ==, want);
	for (guint i = 0; got[i]; i++)
		g_assert_cmpuint (strlen (got[i]), >, 0);
}

/* ---- valid descriptions ---- */

static void
test_shipped_shape (void)
{
	/* guestcode/zdtm/eventfd00.desc, as shipped */
	g_autoptr (CriuDesc) d = parse_ok ("# zdtm-style description of eventfd00 (see guestcode/zdtm/README.md)\n"
					   "# needs: names for `criu check --feature`\n"
					   "about=an eventfd with a count, a signalfd with a queued signal pending, a timerfd\n"
					   "flavors=h ns uns\n"
					   "excludes=\n"
					   "needs=timerfd\n");

	g_assert_cmpstr (d->about, ==, "an eventfd with a count, a signalfd with a queued signal pending, a timerfd");
	assert_words (d->flavors, "h ns uns");
	assert_words (d->excludes, "");
	assert_words (d->needs, "timerfd");
}

static void
test_full (void)
{
	g_autoptr (CriuDesc) d = parse_ok ("\n"
					   "   # an indented comment\n"
					   "\tabout =  uses # in prose, # twice   \n"
					   "flavors = uns,ns\t# preferred first\n"
					   "excludes=norst, page-server\tlazy-pages ,, \n"
					   "needs=ipc-ns # the rest is a comment = not a value\n"
					   "some-future-key = whatever # ignored\n"
					   "=no key at all\n");

	/* about= is prose: '#' stays, outer blanks go */
	g_assert_cmpstr (d->about, ==, "uses # in prose, # twice");
	/* words split at blanks and commas, empty ones dropped, order kept */
	assert_words (d->flavors, "uns ns");
	assert_words (d->excludes, "norst page-server lazy-pages");
	assert_words (d->needs, "ipc-ns");
}

static void
test_defaults (void)
{
	g_autoptr (CriuDesc) empty = parse_ok ("");
	g_autoptr (CriuDesc) comments = parse_ok ("# nothing but a comment\n\n   \n");
	g_autoptr (CriuDesc) blank_flavors = parse_ok ("flavors=\nabout=x\n");
	g_autoptr (CriuDesc) comma_flavors = parse_ok ("flavors= , ,\n");

	/* no about is NULL; flavors default to zdtm's three; the lists are empty, not NULL */
	g_assert_null (empty->about);
	assert_words (empty->flavors, "h ns uns");
	assert_words (empty->excludes, "");
	assert_words (empty->needs, "");
	g_assert_null (comments->about);
	assert_words (comments->flavors, "h ns uns");
	assert_words (blank_flavors->flavors, "h ns uns");
	g_assert_cmpstr (blank_flavors->about, ==, "x");
	assert_words (comma_flavors->flavors, "h ns uns");
}

static void
test_overrides_and_aliases (void)
{
	g_autoptr (CriuDesc) d = parse_ok ("about=first\n"
					   "about=second\n"
					   "flavors=h\n"
					   "flavor=ns\n"	/* zdtm's singular spelling */
					   "needs=a b\n"
					   "needs=c\n"
					   "excludes=x\n"
					   "excludes=\n");
	g_autoptr (CriuDesc) empty_about = parse_ok ("about=something\nabout=\n");
	/* a commented-out about= is a comment */
	g_autoptr (CriuDesc) commented = parse_ok ("# about=not this\n  #about=nor this\n");

	/* the last line of a key wins */
	g_assert_cmpstr (d->about, ==, "second");
	assert_words (d->flavors, "ns");
	assert_words (d->needs, "c");
	assert_words (d->excludes, "");
	g_assert_cmpstr (empty_about->about, ==, "");
	g_assert_null (commented->about);
}

static void
test_line_ends (void)
{
	g_autoptr (CriuDesc) crlf = parse_ok ("about=dos\r\nflavors=h ns\r\nneeds=timerfd\r\n");
	g_autoptr (CriuDesc) no_nl = parse_ok ("needs=a\nflavors=uns");

	g_assert_cmpstr (crlf->about, ==, "dos");
	assert_words (crlf->flavors, "h ns");
	assert_words (crlf->needs, "timerfd");
	assert_words (no_nl->flavors, "uns");
	assert_words (no_nl->needs, "a");
}

/* len is obeyed, and a NUL ends the text */
static void
test_len_and_nul (void)
{
	static const char text[] = "about=kept\nflavors=h\nflavors=bogus\n";
	static const char nul[] = "about=kept\n\0flavors=bogus\nnot a pair\n";
	g_autoptr (GError) err = NULL;
	g_autoptr (GError) err2 = NULL;
	g_autoptr (CriuDesc) cut = parse_len (text, strlen ("about=kept\nflavors=h\n"), &err);
	g_autoptr (CriuDesc) at_nul = parse_len (nul, sizeof nul - 1, &err2);
	g_autoptr (CriuDesc) mid_value = parse_len (text, strlen ("about=ke"), NULL);

	g_assert_no_error (err);
	g_assert_cmpstr (cut->about, ==, "kept");
	assert_words (cut->flavors, "h");
	g_assert_no_error (err2);
	g_assert_cmpstr (at_nul->about, ==, "kept");
	assert_words (at_nul->flavors, "h ns uns");
	g_assert_cmpstr (mid_value->about, ==, "ke");
}

/* ---- errors ---- */

static void
test_errors (void)
{
	assert_error ("about=x\n\njust words\n", FILE_NAME ":3: expected key=value, got 'just words'");
	/* the comment is gone from what is quoted, blanks too */
	assert_error ("  oops   # a comment with = in it\n", FILE_NAME ":1: expected key=value, got 'oops'");
	assert_error ("flavors=h\r\nbad\r\n", FILE_NAME ":2: expected key=value, got 'bad'");
	/* lines are counted with comments and blank lines */
	assert_error ("# 1\n\n# 3\n\t\nnope\n", FILE_NAME ":5: expected key=value, got 'nope'");
	/* the first bad line is the one named */
	assert_error ("a\nb\n", FILE_NAME ":1: expected key=value, got 'a'");
	/* on an about line a '#' is prose, so it does not hide a missing '=' */
	assert_error ("about # is this a comment?\n", FILE_NAME ":1: expected key=value, got 'about # is this a comment?'");

	/* flavors are checked after the whole file, naming the file */
	assert_error ("flavors=h vm\n", FILE_NAME ": unknown flavor 'vm' (known: h, ns, uns)");
	assert_error ("flavor=H\n", FILE_NAME ": unknown flavor 'H' (known: h, ns, uns)");
	assert_error ("flavors=uns, h, ns,vm,x\n", FILE_NAME ": unknown flavor 'vm' (known: h, ns, uns)");
	/* ... so that an unknown flavor a later flavors= replaced is no error */
	{
		g_autoptr (CriuDesc) d = parse_ok ("flavors=bogus\nflavors=uns\n");

		assert_words (d->flavors, "uns");
	}
}

static void
test_error_file_name (void)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (GError) err2 = NULL;
	g_autoptr (CriuDesc) d = criu_desc_parse ("guestcode/zdtm/x.desc", "x", 1, &err);
	g_autoptr (CriuDesc) d2 = criu_desc_parse ("/abs/y.desc", "flavors=ns zz", 13, &err2);

	g_assert_null (d);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	g_assert_cmpstr (err->message, ==, "guestcode/zdtm/x.desc:1: expected key=value, got 'x'");
	g_assert_null (d2);
	g_assert_cmpstr (err2->message, ==, "/abs/y.desc: unknown flavor 'zz' (known: h, ns, uns)");
}

/* ---- files ---- */

static void
test_load (void)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = g_dir_make_tmp ("mwb-test-desc-XXXXXX", &err);
	g_autofree char *file = NULL;
	g_autofree char *bad = NULL;
	g_autofree char *missing = NULL;
	g_autoptr (CriuDesc) d = NULL;

	g_assert_no_error (err);
	file = g_build_filename (dir, "t.desc", NULL);
	bad = g_build_filename (dir, "bad.desc", NULL);
	missing = g_build_filename (dir, "missing.desc", NULL);
	g_assert_true (g_file_set_contents (file, "about=from a file\nflavors=ns\n", -1, NULL));
	g_assert_true (g_file_set_contents (bad, "about=ok\nno equals sign\n", -1, NULL));

	d = criu_desc_load (file, &err);
	g_assert_no_error (err);
	g_assert_cmpstr (d->about, ==, "from a file");
	assert_words (d->flavors, "ns");

	{
		g_autoptr (CriuDesc) b = criu_desc_load (bad, &err);
		g_autofree char *want = g_strdup_printf ("%s:2: expected key=value, got 'no equals sign'", bad);

		g_assert_null (b);
		g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
		g_assert_cmpstr (err->message, ==, want);
		g_clear_error (&err);
	}
	{
		g_autoptr (CriuDesc) m = criu_desc_load (missing, &err);

		g_assert_null (m);
		g_assert_error (err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
		g_clear_error (&err);
	}
	g_assert_cmpint (g_unlink (file), ==, 0);
	g_assert_cmpint (g_unlink (bad), ==, 0);
	g_assert_cmpint (g_rmdir (dir), ==, 0);
	criu_desc_free (NULL);
}

/* Every shipped .desc loads, says what it is about, and names known flavors. */
static void
test_shipped (void)
{
	const char *dirname = "guestcode/zdtm";
	g_autoptr (GError) err = NULL;
	g_autoptr (GDir) dir = g_dir_open (dirname, 0, &err);
	const char *name;
	guint n = 0;
	gboolean env00_seen = FALSE;

	g_assert_no_error (err);
	while ((name = g_dir_read_name (dir))) {
		g_autofree char *path = NULL;
		g_autoptr (CriuDesc) d = NULL;

		if (!g_str_has_suffix (name, ".desc"))
			continue;
		path = g_build_filename (dirname, name, NULL);
		d = criu_desc_load (path, &err);
		g_assert_no_error (err);
		g_assert_nonnull (d->about);
		g_assert_cmpuint (strlen (d->about), >, 0);
		g_assert_cmpuint (g_strv_length (d->flavors), >=, 1);
		g_assert_cmpuint (g_strv_length (d->flavors), <=, 3);
		g_assert_nonnull (d->excludes);
		g_assert_nonnull (d->needs);
		if (g_str_equal (name, "env00.desc")) {
			env00_seen = TRUE;
			g_assert_cmpstr (d->about, ==, "a little memory, a signal handler, one open file");
			assert_words (d->flavors, "h ns uns");
			assert_words (d->excludes, "");
			assert_words (d->needs, "");
		}
		n++;
	}
	g_test_message ("%u shipped .desc files", n);
	g_assert_true (env00_seen);
	g_assert_cmpuint (n, >=, 17);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/criu-desc/shipped-shape", test_shipped_shape);
	g_test_add_func ("/criu-desc/full", test_full);
	g_test_add_func ("/criu-desc/defaults", test_defaults);
	g_test_add_func ("/criu-desc/overrides-and-aliases", test_overrides_and_aliases);
	g_test_add_func ("/criu-desc/line-ends", test_line_ends);
	g_test_add_func ("/criu-desc/len-and-nul", test_len_and_nul);
	g_test_add_func ("/criu-desc/errors", test_errors);
	g_test_add_func ("/criu-desc/error-file-name", test_error_file_name);
	g_test_add_func ("/criu-desc/load", test_load);
	g_test_add_func ("/criu-desc/shipped", test_shipped);

	return g_test_run ();
}
