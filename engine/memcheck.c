/* Guest memory check: see memcheck.h. */
#include "memcheck.h"

struct _MwbMemcheck {
	MwbMemcheckReport report;
	gpointer user_data;
	guint64 page_size;

	/* address of the next page; unsigned wrap-around past 2^64 is
	 * harmless because it only feeds the report text */
	guint64 address;
	guint64 pages;
	guint64 bad;
	guint8 first_byte;
	guint8 last_byte;
	gboolean hit_edge;
	gboolean finished;

	/* mwb_memcheck_feed(): bytes still to skip before the next page */
	guint64 feed_skip;
};

G_DEFINE_QUARK (mwb-memcheck-error-quark, mwb_memcheck_error)

MwbMemcheck *
mwb_memcheck_new (guint64 start, guint64 page_size,
                  MwbMemcheckReport report, gpointer user_data)
{
	MwbMemcheck *check;

	g_return_val_if_fail (page_size > 0, NULL);

	check = g_new0 (MwbMemcheck, 1);
	check->report = report;
	check->user_data = user_data;
	check->page_size = page_size;
	check->address = start;
	return check;
}

void
mwb_memcheck_free (MwbMemcheck *check)
{
	g_free (check);
}

static void
report_bad_page (MwbMemcheck *check, guint8 current)
{
	g_autofree char *line = NULL;

	if (check->report == NULL)
		return;
	/* QEMU prints a 32-bit address with %x; ours may be above 4 GiB, so
	 * the same digits, just never truncated */
	line = g_strdup_printf ("Memory content inconsistency at %" G_GINT64_MODIFIER "x"
	                        " first_byte = %x last_byte = %x current = %x"
	                        " hit_edge = %x",
	                        check->address,
	                        (unsigned) check->first_byte, (unsigned) check->last_byte,
	                        (unsigned) current, (unsigned) (check->hit_edge ? 1 : 0));
	check->report (line, check->user_data);
}

void
mwb_memcheck_page (MwbMemcheck *check, guint8 first_byte_of_page)
{
	guint8 b = first_byte_of_page;

	g_return_if_fail (check != NULL);
	g_return_if_fail (!check->finished);

	if (check->pages == 0) {
		check->first_byte = b;
	} else if (b != check->last_byte) {
		if ((guint8) (b + 1) == check->last_byte && !check->hit_edge) {
			check->hit_edge = TRUE;
		} else {
			check->bad++;
			if (check->bad <= MWB_MEMCHECK_MAX_REPORTED)
				report_bad_page (check, b);
		}
	}
	/* also after a bad page, as QEMU does: one corrupted page among good
	 * ones therefore counts twice, once going in and once coming out */
	check->last_byte = b;
	check->pages++;
	check->address += check->page_size;
}

void
mwb_memcheck_feed (MwbMemcheck *check, const guint8 *data, gsize len)
{
	guint64 pos;

	g_return_if_fail (check != NULL);
	g_return_if_fail (data != NULL || len == 0);

	if (check->feed_skip >= len) {
		check->feed_skip -= len;
		return;
	}

	pos = check->feed_skip;
	for (;;) {
		mwb_memcheck_page (check, data[pos]);
		/* compared this way round so a huge page_size cannot overflow */
		if (check->page_size >= len - pos) {
			check->feed_skip = check->page_size - (len - pos);
			return;
		}
		pos += check->page_size;
	}
}

void
mwb_memcheck_finish (MwbMemcheck *check, MwbMemcheckResult *result)
{
	g_return_if_fail (check != NULL);
	g_return_if_fail (!check->finished);

	check->finished = TRUE;

	/* >= and not >, so exactly 10 bad pages say "another 0": that is what
	 * QEMU prints and we match it */
	if (check->bad >= MWB_MEMCHECK_MAX_REPORTED && check->report != NULL) {
		g_autofree char *line = NULL;

		line = g_strdup_printf ("and in another %" G_GUINT64_FORMAT " pages",
		                        check->bad - MWB_MEMCHECK_MAX_REPORTED);
		check->report (line, check->user_data);
	}

	if (result != NULL) {
		result->pages_checked = check->pages;
		result->bad = check->bad;
		result->hit_edge = check->hit_edge;
		result->first_byte = check->first_byte;
	}
}

gboolean
mwb_memcheck_run (const guint8 *mem, guint64 mem_base, gsize mem_len,
                  guint64 start, guint64 end, guint64 page_size,
                  MwbMemcheckReport report, gpointer user_data,
                  MwbMemcheckResult *result, GError **error)
{
	g_autoptr(MwbMemcheck) check = NULL;
	guint64 offset;
	guint64 pages;
	guint64 i;

	g_return_val_if_fail (mem != NULL || mem_len == 0, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	if (page_size == 0) {
		g_set_error (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE,
		             "Memory check: page size is 0");
		return FALSE;
	}
	if (start >= end) {
		g_set_error (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE,
		             "Memory check: empty range [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)",
		             start, end);
		return FALSE;
	}
	/* written as a difference so that mem_base + mem_len past 2^64 cannot
	 * wrap and refuse a good range */
	if (start < mem_base || end - mem_base > (guint64) mem_len) {
		g_set_error (error, MWB_MEMCHECK_ERROR, MWB_MEMCHECK_ERROR_RANGE,
		             "Memory check: range [0x%" G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x)"
		             " is not inside memory at 0x%" G_GINT64_MODIFIER "x of %" G_GSIZE_FORMAT " bytes",
		             start, end, mem_base, mem_len);
		return FALSE;
	}

	/* a page count rather than address += page_size < end, which could
	 * wrap for a range ending near 2^64 */
	pages = (end - start - 1) / page_size + 1;
	offset = start - mem_base;

	check = mwb_memcheck_new (start, page_size, report, user_data);
	for (i = 0; i < pages; i++)
		mwb_memcheck_page (check, mem[offset + i * page_size]);
	mwb_memcheck_finish (check, result);
	return TRUE;
}
