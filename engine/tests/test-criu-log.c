/* Unit tests for reading CRIU's logs (engine/criu-log.c): which lines are
 * errors, warnings and known noise, zdtm.py's "grep Error" block, the cause
 * of a failure and whether CRIU said it finished.
 *
 * The logs here are cut from real ones: dump.log and restore.log of
 * `mwb run -p zdtm/static/env00 --keep always` on this host (CRIU 4.x without
 * CAP_SYS_RESOURCE), and the blocks zdtm.py printed for the same test
 * (/work/shared/fixtures/zdtm/env00-*.log: a dump that FAILed in the h
 * flavor, a restore in uns that passed with `ip` complaining).
 *
 * Texts are handed over as exact-length copies without a terminating NUL,
 * so that ASan catches a read past len.
 *
 * With MWB_TEST_CRIU_LOG naming a real log (say RUN/dump/zdtm/static/env00/
 * PID/1/dump.log of a kept run), it is checked too, against an independent
 * statement of the grep rule. */
#include <string.h>

#include <glib.h>

#include "criu-log.h"

/* ---- helpers ---- */

/* text as a buffer of exactly strlen (text) bytes, no NUL after it */
static GBytes *
exact (const char *text, gsize len)
{
	return g_bytes_new_take (g_memdup2 (text, len ? len : 1), len);
}

static GPtrArray *
grep (const char *text)
{
	g_autoptr (GBytes) b = exact (text, strlen (text));
	gsize len;
	const char *data = g_bytes_get_data (b, &len);

	return criu_log_grep_errors (data, len);
}

static char *
cause (const char *text)
{
	g_autoptr (GBytes) b = exact (text, strlen (text));
	gsize len;
	const char *data = g_bytes_get_data (b, &len);

	return criu_log_cause (data, len);
}

static gboolean
finished (const char *text)
{
	g_autoptr (GBytes) b = exact (text, strlen (text));
	gsize len;
	const char *data = g_bytes_get_data (b, &len);

	return criu_log_finished (data, len);
}

/* Compares a grep block with the expected lines (NULL-terminated) and
 * prints both when they differ. */
static void
assert_lines (GPtrArray *got, const char *const *want)
{
	guint n = g_strv_length ((char **) want);
	gboolean same = got->len == n;

	for (guint i = 0; same && i < n; i++)
		same = g_str_equal (got->pdata[i], want[i]);
	if (!same) {
		g_autoptr (GString) s = g_string_new ("got:\n");

		for (guint i = 0; i < got->len; i++)
			g_string_append_printf (s, "  [%u] %s\n", i, (char *) got->pdata[i]);
		g_string_append (s, "want:\n");
		for (guint i = 0; i < n; i++)
			g_string_append_printf (s, "  [%u] %s\n", i, want[i]);
		g_test_message ("%s", s->str);
	}
	g_assert_cmpuint (got->len, ==, n);
	for (guint i = 0; i < n; i++)
		g_assert_cmpstr (got->pdata[i], ==, want[i]);
}

static void
assert_grep (const char *text, const char *const *want)
{
	g_autoptr (GPtrArray) got = grep (text);

	assert_lines (got, want);
}

/* ---- the line predicates ---- */

#define NOFILE "(00.025730) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted"

typedef struct {
	const char *line;
	gboolean error, warning, noise;
} LineCase;

static const LineCase line_cases[] = {
	/* real lines: dump.log, restore.log, zdtm.py's h-flavor failure */
	{ NOFILE, TRUE, FALSE, TRUE },
	{ "(00.072841) Error (criu/cr-dump.c:371): Can't get rlimit 0: Operation not permitted", TRUE, FALSE, FALSE },
	{ "(00.078002) Error (criu/cr-dump.c:2111): Dumping FAILED.", TRUE, FALSE, FALSE },
	{ "Error: ipv4: Address already assigned.", TRUE, FALSE, FALSE },
	{ "Error: ipv6: address already assigned.", TRUE, FALSE, FALSE },
	{ "(00.025715) Dumping processes (pid: 31448 comm: env00)", FALSE, FALSE, FALSE },
	{ "(00.040122) Dumping finished successfully", FALSE, FALSE, FALSE },
	{ "(00.067450)      1: net/ipv4/ping_group_range nr 200", FALSE, FALSE, FALSE },
	{ "(00.035314)  31448: timens: monotonic -1 958043347", FALSE, FALSE, FALSE },
	{ "(00.072804) 62 has 0 sched policy", FALSE, FALSE, FALSE },
	{ "(00.039803) \tUnseizing 31448 into 2", FALSE, FALSE, FALSE },
	{ "(00.004512) Warn  (criu/kerndat.c:1103): CRIU was built without libnftables support", FALSE, TRUE, FALSE },
	/* restore logs tag a task's lines with its pid */
	{ "(00.035400)  31448: Error (criu/files-reg.c:2105): Can't open file tmp on restore: No such file", TRUE, FALSE, FALSE },
	{ "(00.035400)      1: Warn  (criu/mount.c:10): something", FALSE, TRUE, FALSE },
	{ "(00.035400)      1: Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self", TRUE, FALSE, TRUE },
	{ "(00.1) 12:Error (x.c:1): no blank after the tag", TRUE, FALSE, FALSE },
	/* the three spellings of an Error, and what is not one */
	{ "(00.1) Error (a.c:1): x", TRUE, FALSE, FALSE },
	{ "(00.1) Error: x", TRUE, FALSE, FALSE },
	{ "(00.1) Error x", TRUE, FALSE, FALSE },
	{ "   Error (a.c:1): leading blanks", TRUE, FALSE, FALSE },
	{ "Error (a.c:1): no stamp", TRUE, FALSE, FALSE },
	{ "(00.1) Error", FALSE, FALSE, FALSE },
	{ "(00.1) Errors are counted", FALSE, FALSE, FALSE },
	{ "(00.1) error (a.c:1): lower case", FALSE, FALSE, FALSE },
	{ "(00.1) irmap: Error (a.c:1) in the middle", FALSE, FALSE, FALSE },
	{ "(00.1) 12 Error (a.c:1): a number without its colon is text", FALSE, FALSE, FALSE },
	/* warnings are "Warn " only, as CRIU prints them */
	{ "(00.1) Warn (a.c:1): one blank", FALSE, TRUE, FALSE },
	{ "Warn  (a.c:1): no stamp", FALSE, TRUE, FALSE },
	{ "(00.1) Warning: not CRIU's spelling", FALSE, FALSE, FALSE },
	{ "(00.1) Warn", FALSE, FALSE, FALSE },
	/* noise is an Error line about RLIMIT_NOFILE, nothing else */
	{ "Error: Can't setup RLIMIT_NOFILE for self", TRUE, FALSE, TRUE },
	{ "(00.1) Warn  (criu/util.c:1533): Can't setup RLIMIT_NOFILE for self", FALSE, TRUE, FALSE },
	{ "(00.1) rlimit: Can't setup RLIMIT_NOFILE for self", FALSE, FALSE, FALSE },
	{ "(00.1) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_STACK for self", TRUE, FALSE, FALSE },
	/* broken stamps */
	{ "", FALSE, FALSE, FALSE },
	{ "(", FALSE, FALSE, FALSE },
	{ "(00.1", FALSE, FALSE, FALSE },
	{ "(00.1 Error (a.c:1): unclosed stamp", FALSE, FALSE, FALSE },
	{ "()Error: empty stamp", TRUE, FALSE, FALSE },
	{ "(00.1) (00.2) Error: two stamps", FALSE, FALSE, FALSE },
};

static void
test_line_kinds (void)
{
	g_autoptr (GString) wrong = g_string_new (NULL);

	for (guint i = 0; i < G_N_ELEMENTS (line_cases); i++) {
		const LineCase *c = &line_cases[i];
		gboolean e = criu_log_line_is_error (c->line);
		gboolean w = criu_log_line_is_warning (c->line);
		gboolean n = criu_log_line_is_noise (c->line);

		if (e != c->error || w != c->warning || n != c->noise)
			g_string_append_printf (wrong, "\n  '%s': error %d warning %d noise %d, want %d %d %d",
						c->line, e, w, n, c->error, c->warning, c->noise);
	}
	if (wrong->len)
		g_test_fail_printf ("%s", wrong->str);
}

/* ---- grep Error ---- */

/* The tail of a real dump.log up to its one Error and a few lines after. */
static const char env00_dump_log[] =
	"(00.024846) cpu: fpu: AVX-512 ZMM_Hi256                xstate_offsets   1664 / 1408   xstate_sizes   1024 / 1024  \n"
	"(00.024848) cpu: fpu: Protection Keys User registers   xstate_offsets   2688 / 2432   xstate_sizes      8 / 8     \n"
	"(00.025672) Adjust mmap_min_addr 0x1000 -> 0x10000\n"
	"(00.025679) Found mmap_min_addr 0x10000\n"
	"(00.025687) files stat: fs/nr_open 1048576\n"
	"(00.025702) ========================================\n"
	"(00.025715) Dumping processes (pid: 31448 comm: env00)\n"
	"(00.025716) ========================================\n"
	NOFILE "\n"
	"(00.025741) Running pre-dump scripts\n"
	"(00.025770) irmap: Searching irmap cache in work dir\n"
	"(00.039798) Running post-dump scripts\n"
	"(00.039802) Unfreezing tasks into 2\n"
	"(00.039803) \tUnseizing 31448 into 2\n"
	"(00.039987) Writing stats\n"
	"(00.040122) Dumping finished successfully\n";

/* What mwb's `grep Error` block shows for it (and what zdtm.py shows for its
 * own dump.log of the same test: four lines and the Error). */
static const char *const env00_dump_block[] = {
	"(00.025687) files stat: fs/nr_open 1048576",
	"(00.025702) ========================================",
	"(00.025715) Dumping processes (pid: 31448 comm: env00)",
	"(00.025716) ========================================",
	NOFILE,
	NULL,
};

/* zdtm.py's h-flavor failure (fixtures/zdtm/env00-h-plain.log), its block
 * with the lines around it that zdtm.py left out. */
static const char h_fail_log[] =
	"(00.065900) Version: 4.1 (gitid 0)\n"
	"(00.065910) Running on host Linux 6.1.0\n"
	"(00.065920) kernel pid_max=32768\n"
	"(00.065930) Reset 62's dirty tracking\n"
	"(00.065946) files stat: fs/nr_open 1048576\n"
	"(00.065968) ========================================\n"
	"(00.065992) Dumping processes (pid: 62 comm: env00)\n"
	"(00.065994) ========================================\n"
	"(00.066010) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n"
	"(00.066020) Running pre-dump scripts\n"
	"(00.066030) irmap: Searching irmap cache in work dir\n"
	"(00.066040) Seized task 62, state 1\n"
	"(00.072804) 62 has 0 sched policy\n"
	"(00.072811) \tdumping 0 nice for 62\n"
	"(00.072814) dumping /proc/62/loginuid\n"
	"(00.072826) dumping /proc/62/oom_score_adj\n"
	"(00.072841) Error (criu/cr-dump.c:371): Can't get rlimit 0: Operation not permitted\n"
	"(00.072850) ----------------------------------------\n"
	"(00.072852) Error (criu/cr-dump.c:1720): Dump core (pid: 62) failed with -1\n"
	"(00.077705) 62 was stopped\n"
	"(00.077976) net: Unlock network\n"
	"(00.077986) Unfreezing tasks into 1\n"
	"(00.077988) \tUnseizing 62 into 1\n"
	"(00.078002) Error (criu/cr-dump.c:2111): Dumping FAILED.\n";

static const char *const h_fail_block[] = {
	"(00.065946) files stat: fs/nr_open 1048576",
	"(00.065968) ========================================",
	"(00.065992) Dumping processes (pid: 62 comm: env00)",
	"(00.065994) ========================================",
	"(00.066010) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
	"(00.072804) 62 has 0 sched policy",
	"(00.072811) \tdumping 0 nice for 62",
	"(00.072814) dumping /proc/62/loginuid",
	"(00.072826) dumping /proc/62/oom_score_adj",
	"(00.072841) Error (criu/cr-dump.c:371): Can't get rlimit 0: Operation not permitted",
	"(00.072850) ----------------------------------------",
	"(00.072852) Error (criu/cr-dump.c:1720): Dump core (pid: 62) failed with -1",
	"(00.077705) 62 was stopped",
	"(00.077976) net: Unlock network",
	"(00.077986) Unfreezing tasks into 1",
	"(00.077988) \tUnseizing 62 into 1",
	"(00.078002) Error (criu/cr-dump.c:2111): Dumping FAILED.",
	NULL,
};

/* zdtm.py's uns restore (fixtures/zdtm/env00-uns-plain.log): `ip` prints
 * its own "Error: ..." lines into the log, without a stamp. */
static const char uns_restore_log[] =
	"(00.062240) cpu: fpu: AVX-512 ZMM_Hi256                xstate_offsets   1664 / 1408   xstate_sizes   1024 / 1024\n"
	"(00.062250) cpu: fpu: Protection Keys User registers   xstate_offsets   2432 / 832    xstate_sizes      8 / 8\n"
	"(00.073895) Adjust mmap_min_addr 0x1000 -> 0x10000\n"
	"(00.073914) Found mmap_min_addr 0x10000\n"
	"(00.073927) files stat: fs/nr_open 1048576\n"
	"(00.073977) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n"
	"(00.074000) Dump CRIU run id = e605fb0a-27fb-4161-9b01-b0a6a10aa580\n"
	"(00.074010) kernel pid_max=32768\n"
	"(00.074020) Reading image tree\n"
	"(00.074030) Add mnt ns 6 pid 74\n"
	"(00.094189)      1: net/ipv4/ping_group_range nr 200\n"
	"(00.094304)      1: net: Try to restore a link 10:1:lo\n"
	"(00.094309)      1: net: Restoring link lo type 1\n"
	"(00.098680)      1: net: \tRunning ip addr restore\n"
	"Error: ipv4: Address already assigned.\n"
	"Error: ipv6: address already assigned.\n"
	"(00.099000)      1: net: \tRunning ip route restore\n"
	"(00.120000) Restore finished successfully. Tasks resumed.\n";

static const char *const uns_restore_block[] = {
	"(00.062250) cpu: fpu: Protection Keys User registers   xstate_offsets   2432 / 832    xstate_sizes      8 / 8",
	"(00.073895) Adjust mmap_min_addr 0x1000 -> 0x10000",
	"(00.073914) Found mmap_min_addr 0x10000",
	"(00.073927) files stat: fs/nr_open 1048576",
	"(00.073977) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
	"(00.094189)      1: net/ipv4/ping_group_range nr 200",
	"(00.094304)      1: net: Try to restore a link 10:1:lo",
	"(00.094309)      1: net: Restoring link lo type 1",
	"(00.098680)      1: net: \tRunning ip addr restore",
	"Error: ipv4: Address already assigned.",
	"Error: ipv6: address already assigned.",
	NULL,
};

static void
test_grep_real (void)
{
	assert_grep (env00_dump_log, (const char *const *) env00_dump_block);
	assert_grep (h_fail_log, (const char *const *) h_fail_block);
	assert_grep (uns_restore_log, (const char *const *) uns_restore_block);
}

static void
test_grep_edges (void)
{
	static const char *const none[] = { NULL };

	/* nothing to show */
	assert_grep ("", none);
	assert_grep ("\n\n\n", none);
	assert_grep ("(00.1) a\n(00.2) b\n(00.3) Dumping finished successfully\n", none);

	/* an Error on the first line has no context; one on the second, one line */
	assert_grep ("Error: first\nafter\n", (const char *const[]) { "Error: first", NULL });
	assert_grep ("before\nError: second\nafter\n", (const char *const[]) { "before", "Error: second", NULL });

	/* exactly four lines of context, never five */
	assert_grep ("l1\nl2\nl3\nl4\nl5\nl6\nError: x\n",
		     (const char *const[]) { "l3", "l4", "l5", "l6", "Error: x", NULL });

	/* no line twice: the second Error's context stops at the first */
	assert_grep ("l1\nl2\nl3\nl4\nl5\nError: a\nm1\nm2\nError: b\n",
		     (const char *const[]) { "l2", "l3", "l4", "l5", "Error: a", "m1", "m2", "Error: b", NULL });
	assert_grep ("Error: a\nError: b\nError: c\n",
		     (const char *const[]) { "Error: a", "Error: b", "Error: c", NULL });
	/* a gap of more than four lines starts a fresh context */
	assert_grep ("Error: a\nm1\nm2\nm3\nm4\nm5\nm6\nWarn  (x.c:1): b\n",
		     (const char *const[]) { "Error: a", "m3", "m4", "m5", "m6", "Warn  (x.c:1): b", NULL });

	/* Warn lines count as zdtm.py's do; noise counts too (it is what zdtm.py shows) */
	assert_grep ("a\n(00.1) Warn  (k.c:1): w\nb\n", (const char *const[]) { "a", "(00.1) Warn  (k.c:1): w", NULL });

	/* a last line without its newline is read; \r\n line ends lose the \r */
	assert_grep ("a\r\nb\r\nError: last", (const char *const[]) { "a", "b", "Error: last", NULL });
	/* only one \r goes, blanks stay */
	assert_grep ("a \r\r\nError: x  \r\n", (const char *const[]) { "a \r", "Error: x  ", NULL });
	/* empty lines are lines (and context) */
	assert_grep ("\n\nError: x\n", (const char *const[]) { "", "", "Error: x", NULL });
}

/* A NUL inside a line ends what can be shown of it, but not the text. */
static void
test_grep_nul (void)
{
	static const char text[] = "be\0fore\nError: x\0hidden\nlast\nWarn  y\n";
	g_autoptr (GBytes) b = exact (text, sizeof text - 1);
	gsize len;
	const char *data = g_bytes_get_data (b, &len);
	g_autoptr (GPtrArray) got = criu_log_grep_errors (data, len);
	g_autofree char *c = criu_log_cause (data, len);

	assert_lines (got, (const char *const[]) { "be", "Error: x", "last", "Warn  y", NULL });
	g_assert_cmpstr (c, ==, "Error: x");
}

/* len is obeyed: what lies after it is not the log's */
static void
test_grep_len (void)
{
	static const char text[] = "a\nError: inside\nError: outside\n";
	gsize inside = strlen ("a\nError: inside\n");
	g_autoptr (GPtrArray) got = criu_log_grep_errors (text, inside);
	g_autoptr (GPtrArray) cut = criu_log_grep_errors (text, inside - 3);	/* "...insi" */
	g_autoptr (GPtrArray) none = criu_log_grep_errors (text, 0);

	assert_lines (got, (const char *const[]) { "a", "Error: inside", NULL });
	assert_lines (cut, (const char *const[]) { "a", "Error: insi", NULL });
	g_assert_cmpuint (none->len, ==, 0);
	g_assert_null (criu_log_cause (text, 0));
	g_assert_false (criu_log_finished (text, 0));
}

/* ---- the cause ---- */

static void
test_cause (void)
{
	g_autofree char *h = cause (h_fail_log);
	g_autofree char *uns = cause (uns_restore_log);
	g_autofree char *env00 = cause (env00_dump_log);
	g_autofree char *tagged = cause ("(00.1) a\n(00.2)  31448: Error (criu/files.c:9): no file   \r\nError: later\n");
	g_autofree char *plain = cause ("Warn  (a.c:1): a warning is not a cause\n"
					"(00.1) Error: Can't setup RLIMIT_NOFILE for self\n"
					"(00.2) Error:   spaced out   \n");
	g_autofree char *last = cause ("a\nError (x.c:2): no newline at the end");

	/* the first Error that is not RLIMIT_NOFILE, without its stamp */
	g_assert_cmpstr (h, ==, "Error (criu/cr-dump.c:371): Can't get rlimit 0: Operation not permitted");
	/* a passing uns restore still has `ip`'s complaint first */
	g_assert_cmpstr (uns, ==, "Error: ipv4: Address already assigned.");
	/* a passing dump: only noise */
	g_assert_null (env00);
	/* the task tag goes too; trailing blanks and \r are trimmed */
	g_assert_cmpstr (tagged, ==, "Error (criu/files.c:9): no file");
	/* only the outer blanks go */
	g_assert_cmpstr (plain, ==, "Error:   spaced out");
	g_assert_cmpstr (last, ==, "Error (x.c:2): no newline at the end");

	g_assert_null (cause (""));
	g_assert_null (cause ("(00.1) Warn  (a.c:1): only a warning\n(00.2) Errors are not Errors\n"));
	g_assert_null (cause (NOFILE "\n" NOFILE "\n"));
}

/* ---- finished ---- */

static void
test_finished (void)
{
	g_assert_true (finished (env00_dump_log));
	g_assert_true (finished (uns_restore_log));
	g_assert_true (finished ("(00.2) Pre-dumping finished successfully\n"));
	g_assert_true (finished ("(00.038568) Restore finished successfully. Tasks resumed.\n(00.038569) Writing stats\n"));
	/* the very end of the buffer, no newline */
	g_assert_true (finished ("x\nDumping finished successfully"));

	g_assert_false (finished (h_fail_log));
	g_assert_false (finished (""));
	g_assert_false (finished ("(00.1) Dumping finished successfull"));
	g_assert_false (finished ("(00.1) dumping finished successfully\n"));
	g_assert_false (finished ("(00.1) Restore finished\n"));
	g_assert_false (finished ("(00.1) Page server finished successfully\n"));

	/* the phrase cut by len does not count */
	{
		static const char t[] = "Dumping finished successfully";

		g_assert_false (criu_log_finished (t, sizeof t - 2));
		g_assert_true (criu_log_finished (t, sizeof t - 1));
	}
}

/* ---- a real log, when given ---- */

/* The rule stated by line numbers: each Error or Warn line with the up to
 * four lines before it that no earlier block took. */
static GPtrArray *
reference_grep (const char *text, gsize len)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	const char *p = text, *end = text + len;
	gint next = 0;	/* first line no block has taken */

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		gsize n = (nl ? nl : end) - p;
		char *line = g_strndup (p, n);	/* stops at a NUL, as shown */

		/* one \r at the very end goes (after a NUL it is not shown anyway) */
		if (n && p[n - 1] == '\r' && strlen (line) == n)
			line[n - 1] = '\0';
		g_ptr_array_add (lines, line);
		p = nl ? nl + 1 : end;
	}
	for (gint i = 0; i < (gint) lines->len; i++) {
		const char *l = lines->pdata[i];

		if (!criu_log_line_is_error (l) && !criu_log_line_is_warning (l))
			continue;
		for (gint j = MAX (next, i - 4); j <= i; j++)
			g_ptr_array_add (out, g_strdup (lines->pdata[j]));
		next = i + 1;
	}
	return out;
}

static void
test_real_log (gconstpointer data)
{
	const char *file = data;
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GError) err = NULL;
	g_autoptr (GPtrArray) got = NULL;
	g_autoptr (GPtrArray) want = NULL;
	g_autofree char *c = NULL;

	g_file_get_contents (file, &text, &len, &err);
	g_assert_no_error (err);
	got = criu_log_grep_errors (text, len);
	want = reference_grep (text, len);
	g_test_message ("%s: %u lines in the grep block", file, got->len);
	g_assert_cmpuint (got->len, ==, want->len);
	for (guint i = 0; i < got->len; i++)
		g_assert_cmpstr (got->pdata[i], ==, want->pdata[i]);
	c = criu_log_cause (text, len);
	g_test_message ("%s: cause %s, finished %d", file, c ? c : "(none)", criu_log_finished (text, len));
	/* CRIU either finished or names an Error that says why not */
	if (!criu_log_finished (text, len))
		g_assert_nonnull (c);
}

/* The reference itself must agree with the fixed cases. */
static void
test_reference (void)
{
	const char *texts[] = { env00_dump_log, h_fail_log, uns_restore_log,
				"l1\nl2\nl3\nl4\nl5\nError: a\nm1\nm2\nError: b\n", "a\r\nError: x" };

	for (guint t = 0; t < G_N_ELEMENTS (texts); t++) {
		g_autoptr (GPtrArray) got = grep (texts[t]);
		g_autoptr (GPtrArray) want = reference_grep (texts[t], strlen (texts[t]));

		g_assert_cmpuint (got->len, ==, want->len);
		for (guint i = 0; i < got->len; i++)
			g_assert_cmpstr (got->pdata[i], ==, want->pdata[i]);
	}
}

int
main (int argc, char **argv)
{
	const char *real = g_getenv ("MWB_TEST_CRIU_LOG");

	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/criu-log/line-kinds", test_line_kinds);
	g_test_add_func ("/criu-log/grep/real", test_grep_real);
	g_test_add_func ("/criu-log/grep/edges", test_grep_edges);
	g_test_add_func ("/criu-log/grep/nul", test_grep_nul);
	g_test_add_func ("/criu-log/grep/len", test_grep_len);
	g_test_add_func ("/criu-log/grep/reference", test_reference);
	g_test_add_func ("/criu-log/cause", test_cause);
	g_test_add_func ("/criu-log/finished", test_finished);
	if (real && *real)
		g_test_add_data_func ("/criu-log/real", real, test_real_log);

	return g_test_run ();
}
