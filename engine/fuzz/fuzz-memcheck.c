/* libFuzzer target for the guest memory check.
 *
 * Input: byte 0 picks the page size (1..16) and how far into the last page
 * the range ends, byte 1 the base address (up to 64 GiB, so above 4 GiB is
 * covered), byte 2 the chunk size for mwb_memcheck_feed(); the rest are the
 * pages' first bytes.  mwb_memcheck_run(), the streaming variant fed page
 * by page, the streaming variant fed raw memory in chunks, and a plain
 * transcription of QEMU's loop must all give the same lines and counts.
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "../memcheck.h"

static void
collect_line (const char *line, gpointer user_data)
{
	g_ptr_array_add (user_data, g_strdup (line));
}

/* QEMU's check_guests_ram() as written there, but over an array. */
static void
reference (const guint8 *first, gsize n, guint64 start, guint64 page_size,
           GPtrArray *lines, MwbMemcheckResult *result)
{
	guint8 first_byte = first[0];
	guint8 last_byte = first_byte;
	gboolean hit_edge = FALSE;
	guint64 bad = 0;
	gsize i;

	for (i = 1; i < n; i++) {
		guint8 b = first[i];

		if (b != last_byte) {
			if (((b + 1) % 256) == last_byte && !hit_edge) {
				hit_edge = TRUE;
				last_byte = b;
			} else {
				bad++;
				if (bad <= 10)
					g_ptr_array_add (lines, g_strdup_printf (
						"Memory content inconsistency at %" G_GINT64_MODIFIER "x"
						" first_byte = %x last_byte = %x current = %x hit_edge = %x",
						start + i * page_size, first_byte, last_byte, b, hit_edge));
			}
		}
		last_byte = b;
	}
	if (bad >= 10)
		g_ptr_array_add (lines, g_strdup_printf ("and in another %d pages", (int) (bad - 10)));

	result->pages_checked = n;
	result->bad = bad;
	result->hit_edge = hit_edge;
	result->first_byte = first_byte;
}

static void
assert_same (GPtrArray *a, const MwbMemcheckResult *ra, GPtrArray *b, const MwbMemcheckResult *rb)
{
	guint i;

	g_assert_true (ra->pages_checked == rb->pages_checked);
	g_assert_true (ra->bad == rb->bad);
	g_assert_true (!ra->hit_edge == !rb->hit_edge);
	g_assert_true (ra->first_byte == rb->first_byte);
	g_assert_true (a->len == b->len);
	for (i = 0; i < a->len; i++)
		g_assert_true (strcmp (a->pdata[i], b->pdata[i]) == 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *input, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *input, size_t size)
{
	g_autoptr(GPtrArray) run_lines = g_ptr_array_new_with_free_func (g_free);
	g_autoptr(GPtrArray) page_lines = g_ptr_array_new_with_free_func (g_free);
	g_autoptr(GPtrArray) feed_lines = g_ptr_array_new_with_free_func (g_free);
	g_autoptr(GPtrArray) ref_lines = g_ptr_array_new_with_free_func (g_free);
	g_autoptr(MwbMemcheck) by_page = NULL;
	g_autoptr(MwbMemcheck) by_feed = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *mem = NULL;
	MwbMemcheckResult run_r, page_r, feed_r, ref_r;
	const guint8 *first;
	guint64 page_size, base, end;
	gsize n, mem_len, chunk, off, i;

	if (size < 3)
		return 0;
	page_size = 1 + (input[0] & 15);
	base = (guint64) input[1] << 28;
	chunk = 1 + input[2] % 61;
	first = input + 3;
	n = size - 3;

	mem_len = n * page_size;
	mem = g_malloc (mem_len + 1);
	for (i = 0; i < mem_len; i++)
		mem[i] = (i % page_size == 0) ? first[i / page_size] : (guint8) ~first[i / page_size];
	/* the range may stop anywhere inside the last page */
	end = n == 0 ? base : base + (n - 1) * page_size + 1 + (input[0] >> 4) % page_size;

	by_page = mwb_memcheck_new (base, page_size, collect_line, page_lines);
	for (i = 0; i < n; i++)
		mwb_memcheck_page (by_page, first[i]);
	mwb_memcheck_finish (by_page, &page_r);

	by_feed = mwb_memcheck_new (base, page_size, collect_line, feed_lines);
	for (off = 0; off < mem_len; off += chunk)
		mwb_memcheck_feed (by_feed, mem + off, MIN (chunk, mem_len - off));
	mwb_memcheck_finish (by_feed, &feed_r);
	assert_same (page_lines, &page_r, feed_lines, &feed_r);

	if (n == 0) {
		/* nothing to check is a caller's mistake for run, not a pass */
		g_assert_false (mwb_memcheck_run (mem, base, mem_len, base, end, page_size,
		                                  collect_line, run_lines, &run_r, &error));
		g_assert_true (g_error_matches (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE));
		g_assert_true (run_lines->len == 0);
		g_assert_true (page_r.pages_checked == 0 && page_lines->len == 0);
		return 0;
	}

	g_assert_true (mwb_memcheck_run (mem, base, mem_len, base, end, page_size,
	                                 collect_line, run_lines, &run_r, &error));
	g_assert_true (error == NULL);
	assert_same (run_lines, &run_r, page_lines, &page_r);

	reference (first, n, base, page_size, ref_lines, &ref_r);
	assert_same (run_lines, &run_r, ref_lines, &ref_r);

	/* one byte past the memory is refused */
	g_assert_false (mwb_memcheck_run (mem, base, mem_len, base, base + mem_len + 1, page_size,
	                                  NULL, NULL, NULL, &error));
	g_assert_true (g_error_matches (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE));
	return 0;
}
