/* Unit tests for the guest memory check rule. */
#include <string.h>

#include <glib.h>

#include "../memcheck.h"

#define PAGE 4096

/* Lines exactly as QEMU 7.2's migration-test printed them for a corrupted
 * stream (without the trailing newline fprintf added). */
#define QEMU_LINE_1 \
	"Memory content inconsistency at 500000 first_byte = 82 last_byte = 82 current = a6 hit_edge = 0"
#define QEMU_LINE_2 \
	"Memory content inconsistency at 1500000 first_byte = 82 last_byte = 81 current = a6 hit_edge = 1"

static void
collect_line (const char *line, gpointer user_data)
{
	GPtrArray *lines = user_data;

	g_assert_null (strchr (line, '\n'));
	g_ptr_array_add (lines, g_strdup (line));
}

static GPtrArray *
lines_new (void)
{
	return g_ptr_array_new_with_free_func (g_free);
}

/* Guest memory of n pages at base, byte 0 of page i being first[i]; the
 * other bytes are noise the rule must ignore. */
static guint8 *
make_mem (const guint8 *first, gsize n, gsize page_size)
{
	guint8 *mem = g_malloc (n * page_size);
	gsize i;

	for (i = 0; i < n * page_size; i++)
		mem[i] = (guint8) (i * 37 + 11);
	for (i = 0; i < n; i++)
		mem[i * page_size] = first[i];
	return mem;
}

static void
assert_same_result (const MwbMemcheckResult *a, const MwbMemcheckResult *b)
{
	/* field by field: the struct has padding, so no memcmp */
	g_assert_cmpuint (a->pages_checked, ==, b->pages_checked);
	g_assert_cmpuint (a->bad, ==, b->bad);
	g_assert_cmpint (a->hit_edge, ==, b->hit_edge);
	g_assert_cmpuint (a->first_byte, ==, b->first_byte);
}

/* Runs the rule over first[] as pages at base, three ways (run, page by
 * page, fed in odd-sized chunks), checks they agree, and returns the lines
 * and result of run. */
static GPtrArray *
check_pages (const guint8 *first, gsize n, guint64 base, MwbMemcheckResult *result)
{
	g_autofree guint8 *mem = make_mem (first, n, PAGE);
	g_autoptr(GPtrArray) lines = lines_new ();
	g_autoptr(GPtrArray) stream_lines = lines_new ();
	g_autoptr(GPtrArray) fed_lines = lines_new ();
	g_autoptr(GError) error = NULL;
	g_autoptr(MwbMemcheck) stream = NULL;
	g_autoptr(MwbMemcheck) fed = NULL;
	MwbMemcheckResult stream_result, fed_result;
	gsize i, off;

	g_assert_true (mwb_memcheck_run (mem, base, n * PAGE, base, base + n * PAGE, PAGE,
	                                 collect_line, lines, result, &error));
	g_assert_no_error (error);

	stream = mwb_memcheck_new (base, PAGE, collect_line, stream_lines);
	for (i = 0; i < n; i++)
		mwb_memcheck_page (stream, first[i]);
	mwb_memcheck_finish (stream, &stream_result);

	fed = mwb_memcheck_new (base, PAGE, collect_line, fed_lines);
	for (off = 0, i = 0; off < n * PAGE; i++) {
		gsize chunk = MIN ((gsize) (1 + i * 997 % 9001), n * PAGE - off);

		mwb_memcheck_feed (fed, mem + off, chunk);
		off += chunk;
	}
	mwb_memcheck_finish (fed, &fed_result);

	assert_same_result (&stream_result, result);
	assert_same_result (&fed_result, result);
	g_assert_cmpuint (stream_lines->len, ==, lines->len);
	g_assert_cmpuint (fed_lines->len, ==, lines->len);
	for (i = 0; i < lines->len; i++) {
		g_assert_cmpstr (stream_lines->pdata[i], ==, lines->pdata[i]);
		g_assert_cmpstr (fed_lines->pdata[i], ==, lines->pdata[i]);
	}
	return g_steal_pointer (&lines);
}

static void
test_all_equal (void)
{
	guint8 first[64];
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	memset (first, 0x5a, sizeof first);
	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (lines->len, ==, 0);
	g_assert_cmpuint (r.pages_checked, ==, 64);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_false (r.hit_edge);
	g_assert_cmpuint (r.first_byte, ==, 0x5a);
}

static void
test_single_page (void)
{
	const guint8 first[] = { 0x33 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, 1, 0, &r);
	g_assert_cmpuint (lines->len, ==, 0);
	g_assert_cmpuint (r.pages_checked, ==, 1);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_cmpuint (r.first_byte, ==, 0x33);
}

static void
test_edge_middle (void)
{
	const guint8 first[] = { 7, 7, 7, 7, 6, 6, 6, 6 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (lines->len, ==, 0);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_true (r.hit_edge);
	g_assert_cmpuint (r.first_byte, ==, 7);
}

static void
test_edge_second_page (void)
{
	const guint8 first[] = { 7, 6, 6 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_true (r.hit_edge);
}

static void
test_edge_wraps (void)
{
	/* the incrementer went 0xff -> 0x00 on the pages below the edge */
	const guint8 first[] = { 0x00, 0x00, 0xff, 0xff };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (lines->len, ==, 0);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_true (r.hit_edge);
	g_assert_cmpuint (r.first_byte, ==, 0x00);
}

static void
test_not_an_edge_upwards_wrap (void)
{
	/* 0xff then 0x00 is one MORE mod 256, not an edge */
	const guint8 first[] = { 0xff, 0x00 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (r.bad, ==, 1);
	g_assert_false (r.hit_edge);
	g_assert_cmpuint (lines->len, ==, 1);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at 101000 first_byte = ff last_byte = ff current = 0 hit_edge = 0");
}

static void
test_two_edges (void)
{
	const guint8 first[] = { 5, 5, 4, 4, 3, 3 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (r.bad, ==, 1);
	g_assert_true (r.hit_edge);
	g_assert_cmpuint (lines->len, ==, 1);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at 104000 first_byte = 5 last_byte = 4 current = 3 hit_edge = 1");
}

static void
test_one_more (void)
{
	const guint8 first[] = { 5, 5, 6, 6 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0x100000, &r);
	g_assert_cmpuint (r.bad, ==, 1);
	g_assert_false (r.hit_edge);
	g_assert_cmpuint (lines->len, ==, 1);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at 102000 first_byte = 5 last_byte = 5 current = 6 hit_edge = 0");
}

static void
test_corrupt_page_counts_twice (void)
{
	/* last_byte follows the bad page, so leaving it is bad too */
	const guint8 first[] = { 9, 9, 0x40, 9, 9 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_pages (first, G_N_ELEMENTS (first), 0, &r);
	g_assert_cmpuint (r.bad, ==, 2);
	g_assert_cmpuint (lines->len, ==, 2);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at 2000 first_byte = 9 last_byte = 9 current = 40 hit_edge = 0");
	g_assert_cmpstr (lines->pdata[1], ==,
	                 "Memory content inconsistency at 3000 first_byte = 9 last_byte = 40 current = 9 hit_edge = 0");
}

/* QEMU's own range: start 0x100000, and pages up to end */
#define QEMU_START 0x100000
#define QEMU_END 0x1600000
#define QEMU_PAGES ((QEMU_END - QEMU_START) / PAGE)
#define PAGE_INDEX(addr) (((addr) - QEMU_START) / PAGE)

static void
test_qemu_line_1 (void)
{
	g_autofree guint8 *first = g_malloc (QEMU_PAGES);
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	memset (first, 0x82, QEMU_PAGES);
	first[PAGE_INDEX (0x500000)] = 0xa6;
	lines = check_pages (first, QEMU_PAGES, QEMU_START, &r);
	g_assert_cmpuint (lines->len, ==, 2);
	g_assert_cmpstr (lines->pdata[0], ==, QEMU_LINE_1);
	g_assert_cmpstr (lines->pdata[1], ==,
	                 "Memory content inconsistency at 501000 first_byte = 82 last_byte = a6 current = 82 hit_edge = 0");
	g_assert_cmpuint (r.bad, ==, 2);
	g_assert_false (r.hit_edge);
	g_assert_cmpuint (r.pages_checked, ==, QEMU_PAGES);
	g_assert_cmpuint (r.first_byte, ==, 0x82);
}

static void
test_qemu_line_2 (void)
{
	g_autofree guint8 *first = g_malloc (QEMU_PAGES);
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	/* the incrementer stopped at 0x1000000: pages from there on are one
	 * behind */
	memset (first, 0x82, PAGE_INDEX (0x1000000));
	memset (first + PAGE_INDEX (0x1000000), 0x81, QEMU_PAGES - PAGE_INDEX (0x1000000));
	first[PAGE_INDEX (0x1500000)] = 0xa6;
	lines = check_pages (first, QEMU_PAGES, QEMU_START, &r);
	g_assert_cmpuint (lines->len, ==, 2);
	g_assert_cmpstr (lines->pdata[0], ==, QEMU_LINE_2);
	g_assert_cmpstr (lines->pdata[1], ==,
	                 "Memory content inconsistency at 1501000 first_byte = 82 last_byte = a6 current = 81 hit_edge = 1");
	g_assert_cmpuint (r.bad, ==, 2);
	g_assert_true (r.hit_edge);
}

static void
test_qemu_both_lines (void)
{
	g_autofree guint8 *first = g_malloc (QEMU_PAGES);
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	memset (first, 0x82, PAGE_INDEX (0x1000000));
	memset (first + PAGE_INDEX (0x1000000), 0x81, QEMU_PAGES - PAGE_INDEX (0x1000000));
	first[PAGE_INDEX (0x500000)] = 0xa6;
	first[PAGE_INDEX (0x1500000)] = 0xa6;
	lines = check_pages (first, QEMU_PAGES, QEMU_START, &r);
	g_assert_cmpuint (lines->len, ==, 4);
	g_assert_cmpstr (lines->pdata[0], ==, QEMU_LINE_1);
	g_assert_cmpstr (lines->pdata[2], ==, QEMU_LINE_2);
	g_assert_cmpuint (r.bad, ==, 4);
}

/* Pages each one MORE than the one before: every page after the first is
 * bad, so n pages give n - 1 bad. */
static GPtrArray *
check_rising (gsize n, MwbMemcheckResult *r)
{
	g_autofree guint8 *first = g_malloc (n);
	gsize i;

	for (i = 0; i < n; i++)
		first[i] = (guint8) (0x10 + i);
	return check_pages (first, n, 0x100000, r);
}

static void
test_nine_bad (void)
{
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	lines = check_rising (10, &r);
	g_assert_cmpuint (r.bad, ==, 9);
	g_assert_cmpuint (lines->len, ==, 9);
	g_assert_true (g_str_has_prefix (lines->pdata[8], "Memory content inconsistency at 109000 "));
}

static void
test_ten_bad (void)
{
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	/* QEMU tests bad >= 10, so exactly 10 still gets the summary line */
	lines = check_rising (11, &r);
	g_assert_cmpuint (r.bad, ==, 10);
	g_assert_cmpuint (lines->len, ==, 11);
	g_assert_cmpstr (lines->pdata[9], ==,
	                 "Memory content inconsistency at 10a000 first_byte = 10 last_byte = 19 current = 1a hit_edge = 0");
	g_assert_cmpstr (lines->pdata[10], ==, "and in another 0 pages");
}

static void
test_twenty_five_bad (void)
{
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;
	guint i;

	lines = check_rising (26, &r);
	g_assert_cmpuint (r.bad, ==, 25);
	g_assert_cmpuint (lines->len, ==, 11);
	for (i = 0; i < 10; i++)
		g_assert_true (g_str_has_prefix (lines->pdata[i], "Memory content inconsistency at "));
	g_assert_cmpstr (lines->pdata[10], ==, "and in another 15 pages");
}

static void
test_high_address (void)
{
	const guint8 first[] = { 1, 1, 2, 2 };
	g_autoptr(GPtrArray) lines = NULL;
	MwbMemcheckResult r;

	/* above 4 GiB the address must not be cut to 32 bits */
	lines = check_pages (first, G_N_ELEMENTS (first), G_GUINT64_CONSTANT (0x123456789000), &r);
	g_assert_cmpuint (lines->len, ==, 1);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at 12345678b000 first_byte = 1 last_byte = 1 current = 2 hit_edge = 0");
}

static void
test_top_of_address_space (void)
{
	const guint8 first[] = { 1, 1, 2 };
	g_autofree guint8 *mem = make_mem (first, 3, PAGE);
	const guint64 base = G_MAXUINT64 - 3 * PAGE + 1;
	g_autoptr(GPtrArray) lines = lines_new ();
	g_autoptr(GError) error = NULL;
	MwbMemcheckResult r;

	/* the last page ends exactly at 2^64: stepping must not wrap */
	g_assert_true (mwb_memcheck_run (mem, base, 3 * PAGE, base, G_MAXUINT64, PAGE,
	                                 collect_line, lines, &r, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (r.pages_checked, ==, 3);
	g_assert_cmpuint (lines->len, ==, 1);
	g_assert_cmpstr (lines->pdata[0], ==,
	                 "Memory content inconsistency at fffffffffffff000 first_byte = 1 last_byte = 1 current = 2 hit_edge = 0");
}

static void
test_partial_last_page (void)
{
	const guint8 first[] = { 4, 4, 4 };
	g_autofree guint8 *mem = make_mem (first, 3, PAGE);
	g_autoptr(GError) error = NULL;
	MwbMemcheckResult r;

	/* a page that starts inside the range is checked even if it ends
	 * outside it, as QEMU's address < end loop does */
	g_assert_true (mwb_memcheck_run (mem, 0, 3 * PAGE, 0, 2 * PAGE + 1, PAGE,
	                                 NULL, NULL, &r, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (r.pages_checked, ==, 3);
	g_assert_true (mwb_memcheck_run (mem, 0, 3 * PAGE, 0, 2 * PAGE, PAGE,
	                                 NULL, NULL, &r, &error));
	g_assert_cmpuint (r.pages_checked, ==, 2);
}

static void
test_start_inside_memory (void)
{
	const guint8 first[] = { 0xee, 3, 3, 2, 0xee };
	g_autofree guint8 *mem = make_mem (first, 5, PAGE);
	g_autoptr(GPtrArray) lines = lines_new ();
	g_autoptr(GError) error = NULL;
	MwbMemcheckResult r;

	/* the range is a window into memory that starts lower and ends higher */
	g_assert_true (mwb_memcheck_run (mem, 0x40000000, 5 * PAGE,
	                                 0x40000000 + PAGE, 0x40000000 + 4 * PAGE, PAGE,
	                                 collect_line, lines, &r, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (r.pages_checked, ==, 3);
	g_assert_cmpuint (r.first_byte, ==, 3);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_true (r.hit_edge);
	g_assert_cmpuint (lines->len, ==, 0);
}

static void
test_null_report (void)
{
	g_autofree guint8 *first = g_malloc (30);
	g_autofree guint8 *mem = NULL;
	g_autoptr(GError) error = NULL;
	MwbMemcheckResult r;
	guint i;

	for (i = 0; i < 30; i++)
		first[i] = (guint8) i;
	mem = make_mem (first, 30, 16);
	g_assert_true (mwb_memcheck_run (mem, 0, 30 * 16, 0, 30 * 16, 16,
	                                 NULL, NULL, &r, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (r.bad, ==, 29);
	/* and a NULL result */
	g_assert_true (mwb_memcheck_run (mem, 0, 30 * 16, 0, 30 * 16, 16,
	                                 NULL, NULL, NULL, &error));
}

static void
test_range_errors (void)
{
	static const struct {
		guint64 base;
		gsize len;
		guint64 start, end, page_size;
	} bad[] = {
		{ 0x1000, 0x4000, 0x1000, 0x5000, 0 },        /* page size 0 */
		{ 0x1000, 0x4000, 0x2000, 0x2000, PAGE },     /* empty */
		{ 0x1000, 0x4000, 0x3000, 0x2000, PAGE },     /* backwards */
		{ 0x1000, 0x4000, 0x0000, 0x2000, PAGE },     /* starts below */
		{ 0x1000, 0x4000, 0x1000, 0x5001, PAGE },     /* ends above */
		{ 0x1000, 0x4000, 0x6000, 0x7000, PAGE },     /* wholly above */
		{ 0x1000, 0, 0x1000, 0x1001, PAGE },          /* no memory */
		{ G_MAXUINT64 - 0xfff, 0x1000, 0, 0x1000, PAGE },
	};
	g_autofree guint8 *mem = g_malloc0 (0x4000);
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) lines = lines_new ();
		MwbMemcheckResult r;

		memset (&r, 0xab, sizeof r);
		g_assert_false (mwb_memcheck_run (mem, bad[i].base, bad[i].len,
		                                  bad[i].start, bad[i].end, bad[i].page_size,
		                                  collect_line, lines, &r, &error));
		g_assert_error (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE);
		g_assert_cmpuint (lines->len, ==, 0);
		g_assert_cmpuint (r.bad, ==, G_GUINT64_CONSTANT (0xabababababababab));
	}

	/* and the edges that are fine */
	{
		g_autoptr(GError) error = NULL;

		g_assert_true (mwb_memcheck_run (mem, 0x1000, 0x4000, 0x1000, 0x5000, PAGE,
		                                 NULL, NULL, NULL, &error));
		g_assert_true (mwb_memcheck_run (mem, 0x1000, 0x4000, 0x4fff, 0x5000, PAGE,
		                                 NULL, NULL, NULL, &error));
		/* base + len past 2^64 must not wrap and refuse a good range */
		g_assert_true (mwb_memcheck_run (mem, G_MAXUINT64 - 0xfff, 0x4000,
		                                 G_MAXUINT64 - 0xfff, G_MAXUINT64, PAGE,
		                                 NULL, NULL, NULL, &error));
		g_assert_no_error (error);
	}
}

static void
test_range_error_message (void)
{
	g_autofree guint8 *mem = g_malloc0 (0x4000);
	g_autoptr(GError) error = NULL;

	g_assert_false (mwb_memcheck_run (mem, 0x100000000, 0x4000, 0x100000000, 0x100008000, PAGE,
	                                  NULL, NULL, NULL, &error));
	g_assert_cmpstr (error->message, ==,
	                 "Memory check: range [0x100000000, 0x100008000) is not inside memory at 0x100000000 of 16384 bytes");
}

static void
test_feed_chunking (void)
{
	/* page boundaries landing at every spot relative to chunk boundaries */
	const gsize page_size = 7;
	const gsize n = 40;
	g_autofree guint8 *first = g_malloc (n);
	g_autofree guint8 *mem = NULL;
	g_autoptr(GPtrArray) want = lines_new ();
	MwbMemcheckResult want_r;
	gsize chunk, i;

	for (i = 0; i < n; i++)
		first[i] = (guint8) (i < 13 ? 0x20 : i < 20 ? 0x1f : i == 30 ? 0x55 : i * 3);
	mem = make_mem (first, n, page_size);
	g_assert_true (mwb_memcheck_run (mem, 0, n * page_size, 0, n * page_size, page_size,
	                                 collect_line, want, &want_r, NULL));
	g_assert_cmpuint (want_r.pages_checked, ==, n);

	for (chunk = 1; chunk <= 3 * page_size + 1; chunk++) {
		g_autoptr(GPtrArray) got = lines_new ();
		g_autoptr(MwbMemcheck) check = mwb_memcheck_new (0, page_size, collect_line, got);
		MwbMemcheckResult got_r;
		gsize off;

		for (off = 0; off < n * page_size; off += chunk)
			mwb_memcheck_feed (check, mem + off, MIN (chunk, n * page_size - off));
		mwb_memcheck_feed (check, NULL, 0);
		mwb_memcheck_finish (check, &got_r);

		assert_same_result (&got_r, &want_r);
		g_assert_cmpuint (got->len, ==, want->len);
		for (i = 0; i < got->len; i++)
			g_assert_cmpstr (got->pdata[i], ==, want->pdata[i]);
	}
}

static void
test_feed_huge_page (void)
{
	g_autoptr(MwbMemcheck) check = mwb_memcheck_new (0, G_MAXUINT64, NULL, NULL);
	const guint8 data[] = { 1, 2, 3, 4 };
	MwbMemcheckResult r;

	/* one page that never ends: only the very first byte counts */
	mwb_memcheck_feed (check, data, sizeof data);
	mwb_memcheck_feed (check, data + 1, 3);
	mwb_memcheck_finish (check, &r);
	g_assert_cmpuint (r.pages_checked, ==, 1);
	g_assert_cmpuint (r.first_byte, ==, 1);
	g_assert_cmpuint (r.bad, ==, 0);
}

static void
test_stream_empty (void)
{
	g_autoptr(MwbMemcheck) check = mwb_memcheck_new (0x100000, PAGE, NULL, NULL);
	MwbMemcheckResult r;

	mwb_memcheck_finish (check, &r);
	g_assert_cmpuint (r.pages_checked, ==, 0);
	g_assert_cmpuint (r.bad, ==, 0);
	g_assert_false (r.hit_edge);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/memcheck/all-equal", test_all_equal);
	g_test_add_func ("/memcheck/single-page", test_single_page);
	g_test_add_func ("/memcheck/edge-middle", test_edge_middle);
	g_test_add_func ("/memcheck/edge-second-page", test_edge_second_page);
	g_test_add_func ("/memcheck/edge-wraps", test_edge_wraps);
	g_test_add_func ("/memcheck/upward-wrap-is-bad", test_not_an_edge_upwards_wrap);
	g_test_add_func ("/memcheck/two-edges", test_two_edges);
	g_test_add_func ("/memcheck/one-more", test_one_more);
	g_test_add_func ("/memcheck/corrupt-page-counts-twice", test_corrupt_page_counts_twice);
	g_test_add_func ("/memcheck/qemu-line-1", test_qemu_line_1);
	g_test_add_func ("/memcheck/qemu-line-2", test_qemu_line_2);
	g_test_add_func ("/memcheck/qemu-both-lines", test_qemu_both_lines);
	g_test_add_func ("/memcheck/nine-bad", test_nine_bad);
	g_test_add_func ("/memcheck/ten-bad", test_ten_bad);
	g_test_add_func ("/memcheck/twenty-five-bad", test_twenty_five_bad);
	g_test_add_func ("/memcheck/high-address", test_high_address);
	g_test_add_func ("/memcheck/top-of-address-space", test_top_of_address_space);
	g_test_add_func ("/memcheck/partial-last-page", test_partial_last_page);
	g_test_add_func ("/memcheck/start-inside-memory", test_start_inside_memory);
	g_test_add_func ("/memcheck/null-report", test_null_report);
	g_test_add_func ("/memcheck/range-errors", test_range_errors);
	g_test_add_func ("/memcheck/range-error-message", test_range_error_message);
	g_test_add_func ("/memcheck/feed-chunking", test_feed_chunking);
	g_test_add_func ("/memcheck/feed-huge-page", test_feed_huge_page);
	g_test_add_func ("/memcheck/stream-empty", test_stream_empty);

	return g_test_run ();
}
