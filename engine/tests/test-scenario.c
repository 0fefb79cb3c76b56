/* Unit tests for the scenario parser (engine/scenario.c), the helpers beside
 * it (mwb_expand, mwb_path_has_prefix, mwb_parse_size), the backend argument
 * check (mwb_backend_validate) and the scenarios shipped in scenarios/.
 *
 * Run from the top of the tree: the shipped-scenario test reads scenarios/
 * there, so that a broken .scn file fails `make check`.
 *
 * Tests named "Was a bug" pin fixes of bugs these tests found. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "backend.h"
#include "catalog.h"
#include "mwb-error.h"
#include "run-config.h"
#include "scenario.h"

#define FILE_NAME "t.scn"
/* Two header lines, so step lines in the error tables start at line 3. */
#define HDR "path /t/x\nbackend fake\n"

static MwbScenario *
parse_ok (const char *text)
{
	g_autoptr (GError) err = NULL;
	MwbScenario *scn = mwb_scenario_parse (FILE_NAME, text, &err);

	g_assert_no_error (err);
	g_assert_nonnull (scn);
	return scn;
}

static void
assert_parse_error (const char *text, const char *message)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbScenario) scn = mwb_scenario_parse (FILE_NAME, text, &err);

	g_assert_null (scn);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	g_assert_cmpstr (err->message, ==, message);
}

/* ---- valid files ---- */

static const char full_text[] =
	"# A scenario that uses every part of the format.\n"		/* 1 */
	"\n"								/* 2 */
	"path        /x86_64/migration/demo/unix\n"			/* 3 */
	"description A demo: \"quotes\" stay as they are\n"		/* 4 */
	"backend     fake\n"						/* 5 */
	"set         uri = unix:${run}/sock\n"				/* 6 */
	"set base=/tmp\n"						/* 7 */
	"   \t \n"							/* 8 */
	"step start  fake.start role=src msg=\"hello world\" esc=\"say \\\"hi\\\" \\\\ ok\"\n" /* 9 */
	"     about  Start the source: \"quoted\" words stay in about   \n"	/* 10 */
	"     extra=1 more=\"two words\"\n"				/* 11 */
	"\t# an indented comment is still a comment\n"			/* 12 */
	"step wait   fake.wait timeout=2.5 for=the-moon\n"		/* 13 */
	"step refuse fake.fail reason=boom expect=fail match=\"bo om\"\n"	/* 14 */
	"\tabout\tTab-indented about\n"					/* 15 */
	"step quick  fake.any timeout=86400 glued=pre\"fix suf\"post uri=${uri}\n"	/* 16 */
	"\ttimeout=1\n";						/* 17 */

static void
test_parse_full (void)
{
	g_autoptr (MwbScenario) scn = parse_ok (full_text);
	MwbStep *st;
	MwbArg *a;

	g_assert_cmpstr (scn->file, ==, FILE_NAME);
	g_assert_cmpstr (scn->path, ==, "/x86_64/migration/demo/unix");
	g_assert_cmpstr (scn->description, ==, "A demo: \"quotes\" stay as they are");
	g_assert_cmpstr (scn->backend, ==, "fake");

	/* `set` values are kept unexpanded; ${run} only exists once a run starts. */
	g_assert_cmpuint (scn->params->len, ==, 2);
	a = &g_array_index (scn->params, MwbArg, 0);
	g_assert_cmpstr (a->key, ==, "uri");
	g_assert_cmpstr (a->value, ==, "unix:${run}/sock");
	a = &g_array_index (scn->params, MwbArg, 1);
	g_assert_cmpstr (a->key, ==, "base");
	g_assert_cmpstr (a->value, ==, "/tmp");

	g_assert_cmpuint (scn->steps->len, ==, 4);

	st = mwb_scenario_step (scn, 0);
	g_assert_cmpstr (st->name, ==, "start");
	g_assert_cmpstr (st->action, ==, "fake.start");
	g_assert_cmpuint (st->line, ==, 9);
	g_assert_cmpstr (st->about, ==, "Start the source: \"quoted\" words stay in about");
	g_assert_cmpfloat (st->timeout_s, ==, 0);
	g_assert_false (st->expect_fail);
	g_assert_null (st->expect_match);
	/* Continuation key=value lines append, in file order. */
	g_assert_cmpuint (st->args->len, ==, 5);
	g_assert_cmpstr (g_array_index (st->args, MwbArg, 0).key, ==, "role");
	g_assert_cmpstr (g_array_index (st->args, MwbArg, 1).key, ==, "msg");
	g_assert_cmpstr (g_array_index (st->args, MwbArg, 2).key, ==, "esc");
	g_assert_cmpstr (g_array_index (st->args, MwbArg, 3).key, ==, "extra");
	g_assert_cmpstr (g_array_index (st->args, MwbArg, 4).key, ==, "more");
	g_assert_cmpstr (mwb_step_arg (st, "role"), ==, "src");
	g_assert_cmpstr (mwb_step_arg (st, "msg"), ==, "hello world");
	g_assert_cmpstr (mwb_step_arg (st, "esc"), ==, "say \"hi\" \\ ok");
	g_assert_cmpstr (mwb_step_arg (st, "extra"), ==, "1");
	g_assert_cmpstr (mwb_step_arg (st, "more"), ==, "two words");
	g_assert_null (mwb_step_arg (st, "nope"));

	st = mwb_scenario_step (scn, 1);
	g_assert_cmpstr (st->name, ==, "wait");
	g_assert_cmpuint (st->line, ==, 13);
	g_assert_cmpfloat (st->timeout_s, ==, 2.5);
	/* The engine's own keys are not passed on to the backend. */
	g_assert_null (mwb_step_arg (st, "timeout"));
	g_assert_cmpstr (mwb_step_arg (st, "for"), ==, "the-moon");
	g_assert_cmpuint (st->args->len, ==, 1);
	/* Without an about line, the action names what the step does. */
	g_assert_cmpstr (st->about, ==, "fake.wait");

	st = mwb_scenario_step (scn, 2);
	g_assert_cmpstr (st->name, ==, "refuse");
	g_assert_true (st->expect_fail);
	g_assert_cmpstr (st->expect_match, ==, "bo om");
	g_assert_null (mwb_step_arg (st, "expect"));
	g_assert_null (mwb_step_arg (st, "match"));
	g_assert_cmpstr (mwb_step_arg (st, "reason"), ==, "boom");
	g_assert_cmpstr (st->about, ==, "Tab-indented about");

	st = mwb_scenario_step (scn, 3);
	g_assert_cmpstr (st->name, ==, "quick");
	g_assert_cmpuint (st->line, ==, 16);
	/* A continuation line may set timeout= too; the later one counts. */
	g_assert_cmpfloat (st->timeout_s, ==, 1);
	g_assert_cmpstr (mwb_step_arg (st, "glued"), ==, "prefix sufpost");
	g_assert_cmpstr (mwb_step_arg (st, "uri"), ==, "${uri}");

	g_assert_null (mwb_scenario_step (scn, 4));
	g_assert_cmpint (mwb_scenario_find_step (scn, "start"), ==, 0);
	g_assert_cmpint (mwb_scenario_find_step (scn, "quick"), ==, 3);
	g_assert_cmpint (mwb_scenario_find_step (scn, "missing"), ==, -1);
}

static void
test_parse_minimal (void)
{
	g_autoptr (MwbScenario) scn = parse_ok ("path /a\nbackend fake\nstep s x.y");

	/* No description line: an empty one, never NULL. */
	g_assert_cmpstr (scn->description, ==, "");
	g_assert_cmpuint (scn->params->len, ==, 0);
	g_assert_cmpuint (scn->steps->len, ==, 1);
	g_assert_cmpuint (mwb_scenario_step (scn, 0)->args->len, ==, 0);
}

/* A `check` line makes the step a TAP point of its own (libvirt's TCK). */
static void
test_parse_check (void)
{
	g_autoptr (MwbScenario) scn = parse_ok ("path /a\nbackend fake\n"
						"step one x.y\n     check   target VM is persistent  \n"
						"step two x.y\n");
	MwbStep *copy;

	g_assert_cmpstr (mwb_scenario_step (scn, 0)->check, ==, "target VM is persistent");
	g_assert_null (mwb_scenario_step (scn, 1)->check);
	copy = mwb_step_copy (mwb_scenario_step (scn, 0));
	g_assert_cmpstr (copy->check, ==, "target VM is persistent");
	g_clear_pointer (&scn, mwb_scenario_unref);
	/* TAP would read a '#' as the start of a directive. */
	assert_parse_error ("path /a\nbackend fake\nstep one x.y\n check ok # SKIP\n",
			    "t.scn:4: check needs a description without '#' (it becomes a TAP line)");
	assert_parse_error ("path /a\nbackend fake\nstep one x.y\n check  \t\n",
			    "t.scn:4: check needs a description without '#' (it becomes a TAP line)");
	/* The step copy owns its check. */
	{
		MwbScenario *holder = parse_ok ("path /a\nbackend fake\nstep s x.y\n");

		g_ptr_array_add (holder->steps, copy);
		mwb_scenario_unref (holder);
	}
}

static void
test_parse_comments_blank (void)
{
	g_autoptr (MwbScenario) scn = NULL;

	scn = parse_ok ("\n\n# only comments and blanks around the lines\n"
			"   \n\t\n  # indented comment before any step is fine\n"
			"path /a/b\n#path /not/this\n\n"
			"backend fake\n"
			"step one x.y\n");
	g_assert_cmpstr (scn->path, ==, "/a/b");
	/* Comments are whole lines; a '#' later on a step line is a word. */
	g_clear_pointer (&scn, mwb_scenario_unref);
	assert_parse_error ("path /a\nbackend fake\nstep one x.y # note\n",
			    "t.scn:3: expected key=value, got '#'");

	/* CRLF files: the \r is trailing white space. */
	scn = parse_ok ("path /a/b\r\nbackend fake\r\nstep one x.y k=v\r\n\tabout text\r\n");
	g_assert_cmpstr (scn->path, ==, "/a/b");
	g_assert_cmpstr (scn->backend, ==, "fake");
	g_assert_cmpstr (mwb_step_arg (mwb_scenario_step (scn, 0), "k"), ==, "v");
	g_assert_cmpstr (mwb_scenario_step (scn, 0)->about, ==, "text");
}

static void
test_parse_step_names (void)
{
	g_autoptr (MwbScenario) scn = parse_ok (HDR
						"step a-b_c.9 x.y\n"
						"step Z x-y.z_9\n"
						"step q \"x.y\" k=\"\"\n");

	g_assert_cmpint (mwb_scenario_find_step (scn, "a-b_c.9"), ==, 0);
	g_assert_cmpstr (mwb_scenario_step (scn, 1)->action, ==, "x-y.z_9");
	/* Quotes may wrap any word, and make an empty value. */
	g_assert_cmpstr (mwb_scenario_step (scn, 2)->action, ==, "x.y");
	g_assert_cmpstr (mwb_step_arg (mwb_scenario_step (scn, 2), "k"), ==, "");
}

static void
test_parse_timeouts (void)
{
	static const struct {
		const char *value;
		double seconds;
	} good[] = {
		{ "1", 1 }, { "0.2", 0.2 }, { "86400", 86400 }, { "1e2", 100 }, { "30.5", 30.5 },
	};

	for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
		g_autofree char *text = g_strdup_printf (HDR "step s x.y timeout=%s\n", good[i].value);
		g_autoptr (MwbScenario) scn = parse_ok (text);

		g_assert_cmpfloat_with_epsilon (mwb_scenario_step (scn, 0)->timeout_s,
						good[i].seconds, 1e-9);
	}
}

static void
test_parse_ref (void)
{
	MwbScenario *scn = parse_ok (HDR "step s x.y\n");

	/* Two owners, two unrefs; ASan tells if either frees too early or never. */
	g_assert_true (mwb_scenario_ref (scn) == scn);
	mwb_scenario_unref (scn);
	g_assert_cmpstr (scn->path, ==, "/t/x");
	mwb_scenario_unref (scn);
	mwb_scenario_unref (NULL);
}

/* ---- every error, with its file:line ---- */

typedef struct {
	const char *name;
	const char *text;
	const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
	{ "unknown-keyword", "path /a\nbogus thing\n",
	  "t.scn:2: unknown keyword 'bogus' (expected path, description, backend, set or step)" },
	{ "keyword-case", "Path /a\n",
	  "t.scn:1: unknown keyword 'Path' (expected path, description, backend, set or step)" },
	{ "path-relative-slash", "path a/b/\n", "t.scn:1: path must look like /a/b/c or a/b/c, got 'a/b/'" },
	{ "path-trailing-slash", "# c\npath /a/b/\n",
	  "t.scn:2: path must look like /a/b/c or a/b/c, got '/a/b/'" },
	{ "path-root", "path /\n", "t.scn:1: path must look like /a/b/c or a/b/c, got '/'" },
	{ "path-double-slash", "path /a//b\n", "t.scn:1: path must look like /a/b/c or a/b/c, got '/a//b'" },
	{ "path-space", "path /a b\n", "t.scn:1: path must look like /a/b/c or a/b/c, got '/a b'" },
	{ "path-tab", "path /a\tb\n", "t.scn:1: path must look like /a/b/c or a/b/c, got '/a\tb'" },
	{ "path-empty", "path\n", "t.scn:1: path must look like /a/b/c or a/b/c, got ''" },
	{ "path-twice", "path /a\npath /b\n", "t.scn:2: 'path' given twice" },
	{ "path-twice-same", "path /a\nbackend fake\npath /a\n", "t.scn:3: 'path' given twice" },
	{ "backend-twice", "backend a\nbackend b\n", "t.scn:2: 'backend' given twice" },
	{ "backend-empty", "path /a\nbackend   \n", "t.scn:2: 'backend' needs a value" },
	{ "description-twice", "description one\n\ndescription two\n",
	  "t.scn:3: 'description' given twice" },
	{ "description-empty", "description\n", "t.scn:1: 'description' needs a value" },
	{ "set-no-equals", HDR "set foo bar\n", "t.scn:3: expected 'set NAME = VALUE'" },
	{ "set-bad-name", HDR "set a b = c\n", "t.scn:3: bad parameter name 'a b'" },
	{ "set-empty-name", HDR "set = c\n", "t.scn:3: bad parameter name ''" },
	{ "step-no-words", HDR "step\n", "t.scn:3: expected 'step NAME ACTION [key=value]...'" },
	{ "step-one-word", HDR "step lonely\n",
	  "t.scn:3: expected 'step NAME ACTION [key=value]...'" },
	{ "step-bad-name", HDR "step a/b x.y\n",
	  "t.scn:3: bad step name 'a/b' (letters, digits, '-', '_', '.')" },
	{ "step-bad-name-equals", HDR "step a=b x.y\n",
	  "t.scn:3: bad step name 'a=b' (letters, digits, '-', '_', '.')" },
	{ "step-empty-name", HDR "step \"\" x.y\n",
	  "t.scn:3: bad step name '' (letters, digits, '-', '_', '.')" },
	{ "step-twice", HDR "step a x.y\nstep b x.y\nstep a x.z\n",
	  "t.scn:5: step 'a' declared twice" },
	{ "action-no-dot", HDR "step a fakeok\n",
	  "t.scn:3: bad action 'fakeok' (expected backend.action)" },
	{ "action-bad-char", HDR "step a fake/ok\n",
	  "t.scn:3: bad action 'fake/ok' (expected backend.action)" },
	{ "arg-no-equals", HDR "step a x.y oops\n", "t.scn:3: expected key=value, got 'oops'" },
	{ "arg-no-key", HDR "step a x.y =v\n", "t.scn:3: expected key=value, got '=v'" },
	{ "arg-twice", HDR "step a x.y k=1 k=2\n", "t.scn:3: argument 'k' given twice" },
	{ "arg-twice-continued", HDR "step a x.y k=1\n\n    j=0 k=2\n",
	  "t.scn:5: argument 'k' given twice" },
	{ "continuation-no-equals", HDR "step a x.y\n    oops\n",
	  "t.scn:4: expected key=value, got 'oops'" },
	{ "about-alone", HDR "step a x.y\n    about\n", "t.scn:4: expected key=value, got 'about'" },
	{ "timeout-zero", HDR "step a x.y timeout=0\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got '0'" },
	{ "timeout-negative", HDR "step a x.y timeout=-1\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got '-1'" },
	{ "timeout-text", HDR "step a x.y timeout=soon\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got 'soon'" },
	{ "timeout-trailing", HDR "step a x.y timeout=5s\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got '5s'" },
	{ "timeout-too-big", HDR "step a x.y timeout=86401\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got '86401'" },
	{ "timeout-empty", HDR "step a x.y timeout=\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got ''" },
	{ "timeout-nan", HDR "step a x.y timeout=nan\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got 'nan'" },
	{ "timeout-inf", HDR "step a x.y timeout=inf\n",
	  "t.scn:3: timeout must be seconds between 0 and 86400, got 'inf'" },
	{ "timeout-continued", HDR "step a x.y\n\ttimeout=-0.5\n",
	  "t.scn:4: timeout must be seconds between 0 and 86400, got '-0.5'" },
	{ "expect-other", HDR "step a x.y expect=pass\n",
	  "t.scn:3: expect takes only 'fail', got 'pass'" },
	{ "expect-empty", HDR "step a x.y expect=\n", "t.scn:3: expect takes only 'fail', got ''" },
	/* Checked once the whole file is read, at the step's own line. */
	{ "match-without-expect", HDR "step a x.y\nstep b x.y match=boom\n\n# end\n",
	  "t.scn:4: match= needs expect=fail" },
	{ "unterminated-quote", HDR "step a x.y msg=\"abc\n", "t.scn:3: unterminated quote" },
	{ "unterminated-escaped-quote", HDR "step a x.y msg=\"abc\\\"\n",
	  "t.scn:3: unterminated quote" },
	{ "unterminated-quote-continued", HDR "step a x.y\n  k=\"a b\n",
	  "t.scn:4: unterminated quote" },
	{ "indented-before-step", "path /a\n  about early\n",
	  "t.scn:2: indented line before any step" },
	{ "indented-kv-before-step", "\tk=v\n", "t.scn:1: indented line before any step" },
	/* A missing header line is reported at the end of the file. */
	{ "no-path", "backend fake\nstep a x.y", "t.scn:2: no 'path' line" },
	{ "no-backend", "path /a\nstep a x.y\n# last", "t.scn:3: no 'backend' line" },
	{ "no-steps", "path /a\nbackend fake\n# nothing to do", "t.scn:3: no steps" },
	{ "no-path-before-no-backend", "# only\n# comments", "t.scn:2: no 'path' line" },
	{ "utf8", "path /a\xff\nbackend fake\nstep a x.y\n", "t.scn:1: not valid UTF-8" },
	{ "utf8-truncated", "description caf\xc3\n", "t.scn:1: not valid UTF-8" },
	/* The first error in the file is the one reported. */
	{ "first-error-wins", "path /a\nbackend b\nstep a x.y oops\nstep a x.y\n",
	  "t.scn:3: expected key=value, got 'oops'" },
};

static void
test_parse_error (gconstpointer data)
{
	const ErrorCase *c = data;

	assert_parse_error (c->text, c->message);
}

/* Was a bug: the position of a missing-header error and of bad UTF-8. */
static void
test_error_lines (void)
{
	static const ErrorCase cases[] = {
		/* A newline-terminated two-line file has no line 3. */
		{ NULL, "backend fake\nstep a x.y\n", "t.scn:2: no 'path' line" },
		/* Lines count from 1; an empty file has no line 0. */
		{ NULL, "", "t.scn:1: no 'path' line" },
		/* The bad byte is on line 3, not line 1. */
		{ NULL, "path /a\nbackend fake\nstep a x.y k=\xff\n", "t.scn:3: not valid UTF-8" },
	};
	g_autoptr (GString) wrong = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) err = NULL;
		g_autoptr (MwbScenario) scn = mwb_scenario_parse (FILE_NAME, cases[i].text, &err);

		g_assert_null (scn);
		g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
		if (!g_str_equal (err->message, cases[i].message))
			g_string_append_printf (wrong, " [got '%s', want '%s']", err->message,
						cases[i].message);
	}
	if (wrong->len)
		g_test_fail_printf ("%s", wrong->str);
}

/* ---- mwb_expand ---- */

static void
test_expand (void)
{
	g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
	static const struct {
		const char *in;
		const char *out;
	} good[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "${run}", "/tmp/run" },
		{ "unix:${run}/sock", "unix:/tmp/run/sock" },
		{ "${a}${b}", "AB" },
		{ "${a}-${a}", "A-A" },
		{ "$$", "$" },
		{ "cost: $$5", "cost: $5" },
		/* $$ comes first: "$${a}" is a literal "${a}", not an expansion. */
		{ "$${a}", "${a}" },
		{ "$$$${a}", "$${a}" },
		{ "$$${a}", "$A" },
		/* An expanded value is not expanded again. */
		{ "${tricky}", "${a}" },
		{ "${empty}|", "|" },
		{ "{a} } {", "{a} } {" },
	};

	g_hash_table_insert (vars, "run", "/tmp/run");
	g_hash_table_insert (vars, "a", "A");
	g_hash_table_insert (vars, "b", "B");
	g_hash_table_insert (vars, "tricky", "${a}");
	g_hash_table_insert (vars, "empty", "");
	for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
		g_autoptr (GError) err = NULL;
		g_autofree char *out = mwb_expand (good[i].in, vars, &err);

		g_assert_no_error (err);
		g_assert_cmpstr (out, ==, good[i].out);
	}
}

static void
test_expand_errors (void)
{
	g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
	static const struct {
		const char *in;
		int code;
		const char *message;
	} bad[] = {
		{ "${nope}", MWB_ERROR_NOT_FOUND, "unknown variable ${nope}" },
		{ "x ${a} ${missing-one} y", MWB_ERROR_NOT_FOUND, "unknown variable ${missing-one}" },
		{ "${}", MWB_ERROR_NOT_FOUND, "unknown variable ${}" },
		{ "${a", MWB_ERROR_PARSE, "bad variable reference in '${a' (use ${name}, or $$ for $)" },
		{ "ok ${", MWB_ERROR_PARSE, "bad variable reference in 'ok ${' (use ${name}, or $$ for $)" },
		{ "$a", MWB_ERROR_PARSE, "bad variable reference in '$a' (use ${name}, or $$ for $)" },
		{ "end$", MWB_ERROR_PARSE, "bad variable reference in 'end$' (use ${name}, or $$ for $)" },
	};

	g_hash_table_insert (vars, "a", "A");
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) err = NULL;
		g_autofree char *out = mwb_expand (bad[i].in, vars, &err);

		g_assert_null (out);
		g_assert_error (err, MWB_ERROR, bad[i].code);
		g_assert_cmpstr (err->message, ==, bad[i].message);
	}

	/* No table at all: every name is unknown, text without $ is fine. */
	{
		g_autoptr (GError) err = NULL;
		g_autofree char *same = mwb_expand ("no vars $$", NULL, &err);
		g_autofree char *out = NULL;

		g_assert_no_error (err);
		g_assert_cmpstr (same, ==, "no vars $");
		out = mwb_expand ("${run}", NULL, &err);
		g_assert_null (out);
		g_assert_error (err, MWB_ERROR, MWB_ERROR_NOT_FOUND);
		g_assert_cmpstr (err->message, ==, "unknown variable ${run}");
	}
}

/* ---- mwb_path_has_prefix ---- */

static void
test_path_prefix (void)
{
	static const struct {
		const char *path;
		const char *prefix;
		gboolean match;
	} cases[] = {
		{ "/x86_64/migration/precopy", "/x86_64/migration/precopy", TRUE },
		{ "/x86_64/migration/precopy/unix/plain", "/x86_64/migration/precopy", TRUE },
		{ "/x86_64/migration/precopy/unix/plain", "/x86_64/migration/precopy/unix", TRUE },
		{ "/x86_64/migration/precopyX", "/x86_64/migration/precopy", FALSE },
		{ "/x86_64/migration/precopyX/unix", "/x86_64/migration/precopy", FALSE },
		{ "/x86_64/migration/precop", "/x86_64/migration/precopy", FALSE },
		{ "/x86_64/migration", "/x86_64/migration/precopy", FALSE },
		{ "/aarch64/migration/precopy", "/x86_64/migration/precopy", FALSE },
		/* A trailing slash on the prefix means the same component. */
		{ "/x86_64/migration/precopy/unix/plain", "/x86_64/migration/precopy/", TRUE },
		{ "/x86_64/migration/precopy", "/x86_64/migration/precopy/", TRUE },
		{ "/x86_64/migration/precopyX", "/x86_64/migration/precopy/", FALSE },
		{ "/x86_64/migration/precopy", "/x86_64/migration/precopy//", TRUE },
		/* "/" is every path. */
		{ "/x86_64/migration/precopy/unix/plain", "/", TRUE },
		{ "/a", "/", TRUE },
		{ "/a", "//", TRUE },
		{ "/a", "/a", TRUE },
		{ "/ab", "/a", FALSE },
		{ "/a/b", "/a/b/c", FALSE },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		if (mwb_path_has_prefix (cases[i].path, cases[i].prefix) != cases[i].match)
			g_error ("mwb_path_has_prefix (\"%s\", \"%s\") should be %s", cases[i].path,
				 cases[i].prefix, cases[i].match ? "TRUE" : "FALSE");
	}
}

/* ---- mwb_parse_size ---- */

static void
test_parse_size (void)
{
	static const struct {
		const char *s;
		guint64 bytes;
	} good[] = {
		{ "4096", 4096 },
		{ "1", 1 },
		{ "128M", 128ULL << 20 },
		{ "128m", 128ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "1GiB", 1ULL << 30 },
		{ "1GB", 1ULL << 30 },
		{ "64K", 64ULL << 10 },
		{ "2T", 2ULL << 40 },
		{ "512MiB", 512ULL << 20 },
		{ "18446744073709551615", G_MAXUINT64 },
		{ "16777215T", 16777215ULL << 40 },
	};
	static const char *const bad[] = {
		"", "0", "0M", "12X", "M", "-1", "+1", " 1", "1 ", "1.5G", "1GiBx", "1GG", "0x10",
		/* Overflow through the multiplier. */
		"16777216T", "17179869184G", "99999999999999T",
	};

	for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
		guint64 v = 0;

		if (!mwb_parse_size (good[i].s, &v))
			g_error ("mwb_parse_size (\"%s\") refused a size", good[i].s);
		g_assert_cmpuint (v, ==, good[i].bytes);
	}
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		guint64 v = 42;

		if (mwb_parse_size (bad[i], &v))
			g_error ("mwb_parse_size (\"%s\") took it as %" G_GUINT64_FORMAT, bad[i], v);
		/* A refusal leaves the output alone. */
		g_assert_cmpuint (v, ==, 42);
	}
	g_assert_false (mwb_parse_size (NULL, &(guint64) { 0 }));
}

/* Was a bug: digits beyond 2^64-1 saturate in g_ascii_strtoull, and the
 * saturated value is taken as the size. */
static void
test_parse_size_overflow (void)
{
	static const char *const bad[] = {
		"18446744073709551616", "99999999999999999999", "99999999999999999999999999",
	};
	g_autoptr (GString) wrong = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		guint64 v = 0;

		if (mwb_parse_size (bad[i], &v))
			g_string_append_printf (wrong, " '%s' -> %" G_GUINT64_FORMAT, bad[i], v);
	}
	if (wrong->len)
		g_test_fail_printf ("%s", wrong->str);
}

/* ---- mwb_backend_validate ---- */

static const char *const need_role[] = { "role", NULL };
static const char *const opt_msg[] = { "msg", "colour", NULL };
static const char *const opt_any[] = { "*", NULL };

static const MwbActionDef fake_actions[] = {
	{ .name = "fake.start", .summary = "start", .required = need_role, .optional = opt_msg },
	{ .name = "fake.any", .summary = "anything goes", .optional = opt_any },
	{ .name = "fake.bare", .summary = "no arguments" },
	{ .name = NULL },
};

static const MwbBackendClass fake_class = {
	.name = "fake",
	.actions = fake_actions,
};

static void
assert_validate (const char *text, const char *message)
{
	g_autoptr (MwbScenario) scn = parse_ok (text);
	g_autoptr (GError) err = NULL;
	gboolean ok = mwb_backend_validate (&fake_class, scn, &err);

	if (!message) {
		g_assert_no_error (err);
		g_assert_true (ok);
		return;
	}
	g_assert_false (ok);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	g_assert_cmpstr (err->message, ==, message);
}

static void
test_backend_validate (void)
{
	g_assert_true (mwb_backend_find_action (&fake_class, "fake.any") == &fake_actions[1]);
	g_assert_null (mwb_backend_find_action (&fake_class, "fake.nope"));
	g_assert_true (mwb_backend_lookup ("qemu") == &mwb_qemu_backend);
	g_assert_null (mwb_backend_lookup ("fake"));

	assert_validate (HDR
			 "step a fake.start role=src msg=hi\n"
			 /* The engine's keys are not the action's business. */
			 "step b fake.start role=dst timeout=3 expect=fail match=x\n"
			 "step c fake.any whatever=1 other=2\n"
			 "step d fake.bare\n"
			 /* A required argument may come on a continuation line. */
			 "step e fake.start\n"
			 "     role=src\n",
			 NULL);
	assert_validate (HDR "step a fake.start role=src\n\nstep b fake.nope\n",
			 "t.scn:5: unknown action 'fake.nope' for backend fake");
	assert_validate (HDR "step a fake.start msg=hi\n", "t.scn:3: fake.start needs role=");
	assert_validate (HDR "step a fake.start role=src size=3\n",
			 "t.scn:3: fake.start takes no argument 'size'");
	assert_validate (HDR "step a fake.bare x=1\n", "t.scn:3: fake.bare takes no argument 'x'");
	/* Errors name the step's own line, even for a continuation line's argument. */
	assert_validate (HDR "step a fake.start role=src\n    bogus=1\n",
			 "t.scn:3: fake.start takes no argument 'bogus'");
}

/* ---- the catalogue and the shipped scenarios ---- */

static void
collect_scn (const char *dir, GPtrArray *out)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (GDir) d = g_dir_open (dir, 0, &err);
	const char *name;

	g_assert_no_error (err);
	while ((name = g_dir_read_name (d))) {
		g_autofree char *path = g_build_filename (dir, name, NULL);

		if (g_file_test (path, G_FILE_TEST_IS_DIR))
			collect_scn (path, out);
		else if (g_str_has_suffix (name, ".scn"))
			g_ptr_array_add (out, g_steal_pointer (&path));
	}
}

static void
test_shipped_scenarios (void)
{
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) catalog = NULL;
	g_autoptr (GHashTable) paths = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GError) err = NULL;

	/* A missing directory must fail, not pass vacuously. */
	if (!g_file_test ("scenarios", G_FILE_TEST_IS_DIR))
		g_error ("no scenarios/ in %s: run the unit tests from the top of the tree",
			 g_get_current_dir ());

	/* Each file alone first, so a failure names the file however the catalogue sorts. */
	collect_scn ("scenarios", files);
	g_assert_cmpuint (files->len, >, 0);
	for (guint i = 0; i < files->len; i++) {
		g_autoptr (MwbScenario) scn = mwb_scenario_load (files->pdata[i], &err);
		const MwbBackendClass *klass;

		g_assert_no_error (err);
		klass = mwb_backend_lookup (scn->backend);
		if (!klass)
			g_error ("%s: unknown backend '%s'", (char *) files->pdata[i], scn->backend);
		mwb_backend_validate (klass, scn, &err);
		g_assert_no_error (err);
	}

	catalog = mwb_catalog_load ("scenarios", &err);
	g_assert_no_error (err);
	g_assert_nonnull (catalog);
	g_assert_cmpuint (catalog->len, ==, files->len);
	for (guint i = 0; i < catalog->len; i++) {
		MwbScenario *scn = catalog->pdata[i];
		MwbScenario *dup = g_hash_table_lookup (paths, scn->path);

		if (dup)
			g_error ("%s and %s both define %s", dup->file, scn->file, scn->path);
		g_hash_table_insert (paths, scn->path, scn);
		/* File-name order is the catalogue's order. */
		if (i > 0)
			g_assert_cmpint (strcmp (((MwbScenario *) catalog->pdata[i - 1])->file, scn->file),
					 <, 0);
	}
}

static void
rm_rf (const char *path)
{
	if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
		const char *name;

		while (d && (name = g_dir_read_name (d))) {
			g_autofree char *child = g_build_filename (path, name, NULL);

			rm_rf (child);
		}
	}
	g_remove (path);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename (dir, name, NULL);
	g_autoptr (GError) err = NULL;

	g_file_set_contents (path, text, -1, &err);
	g_assert_no_error (err);
}

#define QEMU_OK "backend qemu\nstep quit qemu.quit role=src\n"

static void
test_catalog_errors (void)
{
	g_autoptr (GError) err = NULL;
	g_autofree char *dir = g_dir_make_tmp ("mwb-test-catalog-XXXXXX", &err);
	g_autofree char *sub = NULL;
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	g_autoptr (GPtrArray) cat = NULL;

	g_assert_no_error (err);
	sub = g_build_filename (dir, "sub", NULL);
	g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
	a = g_build_filename (dir, "a.scn", NULL);
	b = g_build_filename (sub, "b.scn", NULL);

	/* Good files, in subdirectories too; other names are ignored. */
	write_file (dir, "a.scn", "path /t/a\n" QEMU_OK);
	write_file (sub, "b.scn", "path /t/b\n" QEMU_OK);
	write_file (dir, "README", "not a scenario\n");
	cat = mwb_catalog_load (dir, &err);
	g_assert_no_error (err);
	g_assert_cmpuint (cat->len, ==, 2);
	g_clear_pointer (&cat, g_ptr_array_unref);

	/* The same path twice names both files. */
	write_file (sub, "b.scn", "path /t/a\n" QEMU_OK);
	cat = mwb_catalog_load (dir, &err);
	g_assert_null (cat);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
	{
		g_autofree char *want = g_strdup_printf ("%s: path /t/a is already defined in %s", b, a);

		g_assert_cmpstr (err->message, ==, want);
	}
	g_clear_error (&err);

	/* A parse error carries the file and line. */
	write_file (sub, "b.scn", "path /t/b\nbackend qemu\nstep quit qemu.quit role=src oops\n");
	cat = mwb_catalog_load (dir, &err);
	g_assert_null (cat);
	{
		g_autofree char *want = g_strdup_printf ("%s:3: expected key=value, got 'oops'", b);

		g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
		g_assert_cmpstr (err->message, ==, want);
	}
	g_clear_error (&err);

	/* So does a step the backend does not know. */
	write_file (sub, "b.scn", "path /t/b\nbackend qemu\n\nstep x qemu.fly\n");
	cat = mwb_catalog_load (dir, &err);
	g_assert_null (cat);
	{
		g_autofree char *want = g_strdup_printf ("%s:4: unknown action 'qemu.fly' for backend qemu", b);

		g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
		g_assert_cmpstr (err->message, ==, want);
	}
	g_clear_error (&err);

	write_file (sub, "b.scn", "path /t/b\nbackend nope\nstep x nope.fly\n");
	cat = mwb_catalog_load (dir, &err);
	g_assert_null (cat);
	{
		g_autofree char *want = g_strdup_printf ("%s: unknown backend 'nope'", b);

		g_assert_error (err, MWB_ERROR, MWB_ERROR_PARSE);
		g_assert_cmpstr (err->message, ==, want);
	}
	g_clear_error (&err);

	rm_rf (dir);
	cat = mwb_catalog_load (dir, &err);
	g_assert_null (cat);
	g_assert_nonnull (err);
	g_assert_true (g_str_has_prefix (err->message, "scenario directory: "));
}

static void
test_catalog_select (void)
{
	g_autoptr (GPtrArray) cat = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_scenario_unref);
	static const char *const paths[] = {
		"/x86_64/migration/precopy/unix/plain",
		"/x86_64/migration/precopy/tcp/plain",
		"/x86_64/migration/precopyX",
		"/x86_64/migration/bad_dest",
	};
	const char *const prefix[] = { "/x86_64/migration/precopy", NULL };
	const char *const exact[] = { "/x86_64/migration/bad_dest", NULL };
	const char *const unknown[] = { "/x86_64/migration/nope", NULL };
	g_autoptr (GPtrArray) sel = NULL;
	g_autoptr (GError) err = NULL;

	for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
		g_autofree char *text = g_strdup_printf ("path %s\nbackend fake\nstep s x.y\n", paths[i]);

		g_ptr_array_add (cat, parse_ok (text));
	}
	sel = mwb_catalog_select (cat, exact, prefix, FALSE, &err);
	g_assert_no_error (err);
	/* -r is whole components: precopyX is not under precopy. Catalogue order. */
	g_assert_cmpuint (sel->len, ==, 3);
	g_assert_cmpstr (((MwbScenario *) sel->pdata[0])->path, ==, paths[0]);
	g_assert_cmpstr (((MwbScenario *) sel->pdata[1])->path, ==, paths[1]);
	g_assert_cmpstr (((MwbScenario *) sel->pdata[2])->path, ==, paths[3]);
	g_clear_pointer (&sel, g_ptr_array_unref);

	sel = mwb_catalog_select (cat, unknown, NULL, FALSE, &err);
	g_assert_null (sel);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_NOT_FOUND);
	g_clear_error (&err);
	sel = mwb_catalog_select (cat, NULL, unknown, FALSE, &err);
	g_assert_null (sel);
	g_assert_error (err, MWB_ERROR, MWB_ERROR_NOT_FOUND);
	g_clear_error (&err);

	sel = mwb_catalog_select (cat, NULL, NULL, TRUE, &err);
	g_assert_no_error (err);
	g_assert_cmpuint (sel->len, ==, G_N_ELEMENTS (paths));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/scenario/parse/full", test_parse_full);
	g_test_add_func ("/scenario/parse/minimal", test_parse_minimal);
	g_test_add_func ("/scenario/parse/check", test_parse_check);
	g_test_add_func ("/scenario/parse/comments-blank", test_parse_comments_blank);
	g_test_add_func ("/scenario/parse/step-names", test_parse_step_names);
	g_test_add_func ("/scenario/parse/timeouts", test_parse_timeouts);
	g_test_add_func ("/scenario/parse/ref", test_parse_ref);
	for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/scenario/error/%s", error_cases[i].name);

		g_test_add_data_func (name, &error_cases[i], test_parse_error);
	}
	g_test_add_func ("/scenario/error/lines", test_error_lines);
	g_test_add_func ("/scenario/expand/good", test_expand);
	g_test_add_func ("/scenario/expand/errors", test_expand_errors);
	g_test_add_func ("/scenario/path-prefix", test_path_prefix);
	g_test_add_func ("/scenario/parse-size/good-and-bad", test_parse_size);
	g_test_add_func ("/scenario/parse-size/overflow", test_parse_size_overflow);
	g_test_add_func ("/scenario/backend-validate", test_backend_validate);
	g_test_add_func ("/scenario/catalog/shipped", test_shipped_scenarios);
	g_test_add_func ("/scenario/catalog/errors", test_catalog_errors);
	g_test_add_func ("/scenario/catalog/select", test_catalog_select);

	return g_test_run ();
}
