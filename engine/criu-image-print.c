/* Printing CRIU images: see criu-image-print.h. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/stat.h>

#include <json-glib/json-glib.h>

#include "criu-image-print.h"

#define FMT_X64 "%" G_GINT64_MODIFIER "x"

/* Fields nested deeper than this are left out of the JSON. */
#define JSON_DEPTH_MAX 8
/* Bytes of a bytes field given in full in the JSON. */
#define JSON_BYTES_MAX 4096
/* Width of the summary's last column; the rest is cut. */
#define GIST_MAX 100

/* ---- looking at entries ---- */

static guint64
entry_uint (const MwbCriuRecord *r, guint32 number, guint64 fallback)
{
	guint64 v;

	if (r == NULL || r->data == NULL || !mwb_criu_pb_uint (r->data, r->payload_length, number, &v))
		return fallback;
	return v;
}

static gboolean
entry_has (const MwbCriuRecord *r, guint32 number)
{
	return r != NULL && r->data != NULL && mwb_criu_pb_uint (r->data, r->payload_length, number, NULL);
}

/* A text field as a C string, cut at 256 bytes and made valid UTF-8
 * without control characters.  NULL when there is none.  g_free(). */
static char *
clean_text (const guint8 *d, gsize len)
{
	char *s = g_utf8_make_valid ((const char *) d, (gssize) MIN (len, (gsize) 256));
	char *c;

	for (c = s; *c != '\0'; c++)
		if ((guchar) *c < 0x20 || *c == 0x7f)
			*c = '?';
	return s;
}

static char *
entry_text (const MwbCriuRecord *r, guint32 number)
{
	const guint8 *d;
	gsize len;

	if (r == NULL || r->data == NULL || !mwb_criu_pb_bytes (r->data, r->payload_length, number, &d, &len))
		return NULL;
	return clean_text (d, len);
}

static const MwbCriuRecord *
first_entry (MwbCriuImage *img)
{
	return mwb_criu_image_n_entries (img) > 0 ? mwb_criu_image_entry (img, 0) : NULL;
}

static gboolean
is_type (MwbCriuImage *img, const char *type)
{
	return g_strcmp0 (mwb_criu_image_type (img), type) == 0;
}

/* The first DAMAGED record, NULL if none. */
static const MwbCriuRecord *
first_damage (MwbCriuImage *img)
{
	guint i;

	for (i = 0; i < mwb_criu_image_n_records (img); i++) {
		const MwbCriuRecord *r = mwb_criu_image_record (img, i);

		if (r->kind == MWB_CRIU_DAMAGED)
			return r;
	}
	return NULL;
}

/* ---- gists ---- */

static void
gist_pstree (GString *s, MwbCriuImage *img)
{
	guint i, n = mwb_criu_image_n_entries (img);

	g_string_append_printf (s, "%u process%s:", n, n == 1 ? "" : "es");
	for (i = 0; i < n && s->len < GIST_MAX; i++) {
		const MwbCriuRecord *r = mwb_criu_image_entry (img, i);
		guint threads = r->data != NULL ? mwb_criu_pb_count (r->data, r->payload_length, 5) : 0;

		g_string_append_printf (s, "%s %" G_GUINT64_FORMAT " (ppid %" G_GUINT64_FORMAT, i > 0 ? "," : "",
		                        entry_uint (r, 1, 0), entry_uint (r, 2, 0));
		if (threads > 1)
			g_string_append_printf (s, ", %u threads", threads);
		g_string_append_c (s, ')');
	}
}

static void
gist_core (GString *s, MwbCriuImage *img)
{
	const MwbCriuRecord *r = first_entry (img);
	static const guint32 comm_path[] = { 3, 6 }, state_path[] = { 3, 1 }, tcomm_path[] = { 5, 13 };
	const guint8 *comm;
	gsize comm_len;
	guint64 v;

	if (r == NULL || r->data == NULL)
		return;
	if (mwb_criu_pb_path_bytes (r->data, r->payload_length, comm_path, 2, &comm, &comm_len)) {
		g_autofree char *c = clean_text (comm, comm_len);

		g_string_append_printf (s, "comm %s", c);
	} else if (mwb_criu_pb_path_bytes (r->data, r->payload_length, tcomm_path, 2, &comm, &comm_len)) {
		g_autofree char *c = clean_text (comm, comm_len);

		g_string_append_printf (s, "thread, comm %s", c);
	} else {
		g_string_append (s, "no comm");
	}
	if (mwb_criu_pb_path_uint (r->data, r->payload_length, state_path, 2, &v)) {
		const char *state = v <= G_MAXUINT32 ? mwb_criu_task_state_name ((guint32) v) : NULL;

		if (state != NULL)
			g_string_append_printf (s, ", %s", state);
		else
			g_string_append_printf (s, ", task state %" G_GUINT64_FORMAT, v);
	}
	if (mwb_criu_pb_uint (r->data, r->payload_length, 1, &v)) {
		const char *arch = mwb_criu_pb_enum_name ("core_entry", 1, v);

		g_string_append_printf (s, ", %s", arch != NULL ? arch : "unknown architecture");
	}
}

static void
gist_pagemap (GString *s, MwbCriuImage *img, MwbCriuDump *dump)
{
	g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);
	guint32 id;

	if (pm == NULL) {
		g_string_append (s, "no pagemap head");
		return;
	}
	id = mwb_criu_pagemap_pages_id (pm);
	g_string_append_printf (s, "%u runs, %" G_GUINT64_FORMAT " pages: %" G_GUINT64_FORMAT " present, %"
	                        G_GUINT64_FORMAT " in parent, %" G_GUINT64_FORMAT " lazy -> pages-%u.img",
	                        mwb_criu_pagemap_n_runs (pm), mwb_criu_pagemap_n_pages (pm),
	                        mwb_criu_pagemap_present_pages (pm), mwb_criu_pagemap_parent_pages (pm),
	                        mwb_criu_pagemap_lazy_pages (pm), id);
	if (dump != NULL) {
		g_autofree char *name = g_strdup_printf ("pages-%u.img", id);

		if (mwb_criu_dump_image_by_name (dump, name) == NULL)
			g_string_append (s, " (missing)");
	}
}

static void
gist_pages (GString *s, MwbCriuImage *img, MwbCriuDump *dump)
{
	gsize len;
	guint32 id, pid = 0;
	const char *pm_name = NULL;
	MwbCriuPagemap *pm;

	mwb_criu_image_data (img, &len);
	g_string_append_printf (s, "%" G_GSIZE_FORMAT " pages", len / (gsize) MWB_CRIU_PAGE_SIZE);
	if (len % MWB_CRIU_PAGE_SIZE != 0)
		g_string_append_printf (s, " and 0x%" G_GSIZE_MODIFIER "x bytes", len % (gsize) MWB_CRIU_PAGE_SIZE);
	if (dump == NULL || !mwb_criu_pages_name_id (mwb_criu_image_name (img), &id))
		return;
	pm = mwb_criu_dump_pagemap_for_pages (dump, id, &pid, &pm_name);
	if (pm == NULL) {
		g_string_append (s, ", covered by no pagemap");
		return;
	}
	g_string_append_printf (s, ", covered by %s", pm_name);
	if (mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE == len)
		g_string_append (s, ": sizes agree");
	else
		g_string_append_printf (s, ", which says %" G_GUINT64_FORMAT " pages: SIZES DIFFER",
		                        mwb_criu_pagemap_present_pages (pm));
}

/* "13 fds: 0-2,10,11 REG; 3,4,251 PIPE; 5-8 UNIXSK; 9 EVENTFD" */
static void
gist_fdinfo (GString *s, MwbCriuImage *img)
{
	guint i, n = mwb_criu_image_n_entries (img);
	g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (guint64));

	g_string_append_printf (s, "%u fd%s", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		guint64 type = entry_uint (mwb_criu_image_entry (img, i), 3, 0);
		guint k;

		for (k = 0; k < types->len && g_array_index (types, guint64, k) != type; k++)
			;
		if (k == types->len)
			g_array_append_val (types, type);
	}
	for (i = 0; i < types->len && s->len < GIST_MAX; i++) {
		guint64 type = g_array_index (types, guint64, i);
		const char *name = type <= G_MAXUINT32 ? mwb_criu_fd_type_name ((guint32) type) : NULL;
		guint64 run_start = 0, run_end = 0;
		gboolean in_run = FALSE, first = TRUE;
		guint k;

		g_string_append (s, i == 0 ? ": " : "; ");
		/* fds of this type, consecutive ones as a range */
		for (k = 0; k <= n; k++) {
			const MwbCriuRecord *r = k < n ? mwb_criu_image_entry (img, k) : NULL;
			guint64 fd = r != NULL ? entry_uint (r, 4, 0) : 0;

			if (r != NULL && entry_uint (r, 3, 0) != type)
				continue;
			if (r != NULL && in_run && fd == run_end + 1) {
				run_end = fd;
				continue;
			}
			if (in_run) {
				g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, first ? "" : ",", run_start);
				if (run_end > run_start)
					g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, run_end > run_start + 1 ? "-" : ",", run_end);
				first = FALSE;
			}
			in_run = r != NULL;
			run_start = run_end = fd;
		}
		g_string_append_printf (s, " %s", name != NULL ? name : "?");
	}
}

/* "17 files: 9 REG, 4 PIPE, 4 UNIXSK" */
static void
gist_files (GString *s, MwbCriuImage *img)
{
	guint counts[24] = { 0 }, other = 0;
	guint i, n = mwb_criu_image_n_entries (img);
	gboolean first = TRUE;

	for (i = 0; i < n; i++) {
		guint64 type = entry_uint (mwb_criu_image_entry (img, i), 1, G_MAXUINT64);

		if (type < G_N_ELEMENTS (counts))
			counts[type]++;
		else
			other++;
	}
	g_string_append_printf (s, "%u file%s", n, n == 1 ? "" : "s");
	for (i = 0; i < G_N_ELEMENTS (counts); i++) {
		const char *name = mwb_criu_fd_type_name (i);

		if (counts[i] == 0)
			continue;
		g_string_append_printf (s, "%s %u %s", first ? ":" : ",", counts[i], name != NULL ? name : "?");
		first = FALSE;
	}
	if (other > 0)
		g_string_append_printf (s, "%s %u other", first ? ":" : ",", other);
}

/* Entries with raw data after them: how many, how many bytes. */
static void
gist_queued (GString *s, MwbCriuImage *img, const char *what)
{
	guint i, n = mwb_criu_image_n_entries (img);
	guint64 bytes = 0;

	for (i = 0; i < mwb_criu_image_n_records (img); i++) {
		const MwbCriuRecord *r = mwb_criu_image_record (img, i);

		if (r->kind == MWB_CRIU_EXTRA)
			bytes += r->length;
	}
	g_string_append_printf (s, "%u %s%s, %" G_GUINT64_FORMAT " bytes of data", n, what, n == 1 ? "" : "s", bytes);
}

static void
gist_ghost (GString *s, MwbCriuImage *img)
{
	const MwbCriuRecord *r = first_entry (img);
	guint64 bytes = 0;
	guint i, chunks = 0;

	for (i = 0; i < mwb_criu_image_n_records (img); i++) {
		const MwbCriuRecord *x = mwb_criu_image_record (img, i);

		if (x->kind == MWB_CRIU_EXTRA) {
			bytes += x->length;
			chunks++;
		}
	}
	g_string_append_printf (s, "mode 0%" G_GINT64_MODIFIER "o, %" G_GUINT64_FORMAT " bytes of contents",
	                        entry_uint (r, 3, 0), bytes);
	if (entry_uint (r, 9, 0) != 0)
		g_string_append_printf (s, " in %u chunks", chunks);
}

static void
gist_stats (GString *s, MwbCriuImage *img)
{
	const MwbCriuRecord *r = first_entry (img);
	static const guint32 frozen[] = { 1, 2 }, written[] = { 1, 7 }, restore_time[] = { 2, 4 }, restored[] = { 2, 5 };
	guint64 a, b;

	if (r == NULL || r->data == NULL)
		return;
	if (mwb_criu_pb_path_uint (r->data, r->payload_length, frozen, 2, &a)
	    && mwb_criu_pb_path_uint (r->data, r->payload_length, written, 2, &b))
		g_string_append_printf (s, "dump: frozen %" G_GUINT64_FORMAT " us, %" G_GUINT64_FORMAT " pages written", a, b);
	else if (mwb_criu_pb_path_uint (r->data, r->payload_length, restore_time, 2, &a)
	         && mwb_criu_pb_path_uint (r->data, r->payload_length, restored, 2, &b))
		g_string_append_printf (s, "restore: %" G_GUINT64_FORMAT " us, %" G_GUINT64_FORMAT " pages restored", a, b);
}

static void
gist_inventory (GString *s, MwbCriuImage *img)
{
	const MwbCriuRecord *r = first_entry (img);
	g_autofree char *run_id = entry_text (r, 13);
	const char *lsm = mwb_criu_pb_enum_name ("inventory_entry", 6, entry_uint (r, 6, 0));

	if (r == NULL)
		return;
	g_string_append_printf (s, "image version %" G_GUINT64_FORMAT, entry_uint (r, 1, 0));
	if (entry_uint (r, 2, 0))
		g_string_append (s, ", fdinfo per id");
	if (entry_uint (r, 4, 0))
		g_string_append (s, ", ns per id");
	if (entry_has (r, 6))
		g_string_append_printf (s, ", lsm %s", lsm != NULL ? lsm : "?");
	if (run_id != NULL)
		g_string_append_printf (s, ", run %s", run_id);
}

char *
mwb_criu_image_gist (MwbCriuImage *img, MwbCriuDump *dump)
{
	GString *s = g_string_new (NULL);
	const MwbCriuRecord *damage;
	guint32 magic;

	g_return_val_if_fail (img != NULL, NULL);

	magic = mwb_criu_image_magic (img);
	if (is_type (img, "PAGES"))
		gist_pages (s, img, dump);
	else if (mwb_criu_image_type (img) == NULL && magic == 0 && mwb_criu_image_n_entries (img) == 0)
		g_string_append (s, "no CRIU magic");
	else if (mwb_criu_image_type (img) != NULL && mwb_criu_image_count (img, MWB_CRIU_PAGES) > 0)
		g_string_append_printf (s, "raw %s data", mwb_criu_image_type (img));
	else if (magic == MWB_CRIU_INVENTORY_MAGIC)
		gist_inventory (s, img);
	else if (magic == MWB_CRIU_PSTREE_MAGIC)
		gist_pstree (s, img);
	else if (magic == MWB_CRIU_CORE_MAGIC)
		gist_core (s, img);
	else if (magic == MWB_CRIU_MM_MAGIC) {
		const MwbCriuRecord *r = first_entry (img);
		guint vmas = r != NULL && r->data != NULL ? mwb_criu_pb_count (r->data, r->payload_length, 14) : 0;

		g_string_append_printf (s, "%u VMA%s, exe file id %" G_GUINT64_FORMAT, vmas, vmas == 1 ? "" : "s",
		                        entry_uint (r, 12, 0));
	} else if (magic == MWB_CRIU_PAGEMAP_MAGIC)
		gist_pagemap (s, img, dump);
	else if (magic == MWB_CRIU_FDINFO_MAGIC)
		gist_fdinfo (s, img);
	else if (magic == MWB_CRIU_FILES_MAGIC)
		gist_files (s, img);
	else if (magic == MWB_CRIU_PIPES_DATA_MAGIC || magic == MWB_CRIU_FIFO_DATA_MAGIC)
		gist_queued (s, img, magic == MWB_CRIU_PIPES_DATA_MAGIC ? "pipe" : "fifo");
	else if (magic == MWB_CRIU_SK_QUEUES_MAGIC)
		gist_queued (s, img, "packet");
	else if (magic == MWB_CRIU_TCP_STREAM_MAGIC)
		gist_queued (s, img, "connection");
	else if (magic == MWB_CRIU_GHOST_FILE_MAGIC)
		gist_ghost (s, img);
	else if (magic == MWB_CRIU_STATS_MAGIC)
		gist_stats (s, img);
	else if (mwb_criu_image_n_entries (img) > 0) {
		const MwbCriuRecord *r = first_entry (img);
		g_autofree char *fields = mwb_criu_pb_format (r->message, r->data, r->data != NULL ? r->payload_length : 0, 60);

		g_string_append (s, fields);
	}
	damage = first_damage (img);
	if (damage != NULL)
		g_string_append_printf (s, "%sDAMAGED at 0x" FMT_X64, s->len > 0 ? "; " : "", damage->offset);
	else if (mwb_criu_image_count (img, MWB_CRIU_UNPARSED) > 0)
		g_string_append_printf (s, "%sunparsed bytes", s->len > 0 ? "; " : "");
	if (s->len > GIST_MAX) {
		gsize cut = GIST_MAX - 3;

		while (cut > 0 && ((guchar) s->str[cut] & 0xc0) == 0x80)
			cut--;
		g_string_truncate (s, cut);
		g_string_append (s, "...");
	}
	return g_string_free (s, FALSE);
}

/* ---- problems ---- */

static void add_problem (GPtrArray *problems, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray *problems, const char *format, ...)
{
	va_list args;

	va_start (args, format);
	g_ptr_array_add (problems, g_strdup_vprintf (format, args));
	va_end (args);
}

/* Whether the dump has any pagemap at all: without one, a pages image
 * has nothing to be checked against. */
static gboolean
dump_has_pagemaps (MwbCriuDump *dump)
{
	guint i;

	for (i = 0; i < mwb_criu_dump_n_images (dump); i++)
		if (mwb_criu_image_magic (mwb_criu_dump_image (dump, i)) == MWB_CRIU_PAGEMAP_MAGIC)
			return TRUE;
	return FALSE;
}

guint
mwb_criu_image_problems (MwbCriuImage *img, MwbCriuDump *dump, GPtrArray *problems)
{
	const char *name = mwb_criu_image_name (img);
	guint i, before = problems->len;
	guint32 id;

	g_return_val_if_fail (img != NULL, 0);
	g_return_val_if_fail (problems != NULL, 0);

	for (i = 0; i < mwb_criu_image_n_records (img); i++) {
		const MwbCriuRecord *r = mwb_criu_image_record (img, i);

		if (r->kind == MWB_CRIU_DAMAGED)
			add_problem (problems, "%s: damaged at 0x" FMT_X64 ": %s", name, r->offset,
			             r->reason != NULL ? r->reason : "");
	}
	if (dump == NULL)
		return problems->len - before;
	if (is_type (img, "PAGES") && mwb_criu_pages_name_id (name, &id) && dump_has_pagemaps (dump)) {
		const char *pm_name = NULL;
		MwbCriuPagemap *pm = mwb_criu_dump_pagemap_for_pages (dump, id, NULL, &pm_name);
		gsize len;

		mwb_criu_image_data (img, &len);
		if (pm == NULL)
			add_problem (problems, "%s: no pagemap names it (pages_id %u)", name, id);
		else if (mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE != len)
			add_problem (problems, "%s: 0x%" G_GSIZE_MODIFIER "x bytes, but %s puts %" G_GUINT64_FORMAT
			             " present pages (0x" FMT_X64 " bytes) there", name, len, pm_name,
			             mwb_criu_pagemap_present_pages (pm), mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE);
	}
	if (mwb_criu_image_magic (img) == MWB_CRIU_PAGEMAP_MAGIC) {
		g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);

		if (pm == NULL) {
			add_problem (problems, "%s: no pagemap_head as its first entry", name);
		} else if (mwb_criu_pagemap_present_pages (pm) > 0) {
			g_autofree char *pages = g_strdup_printf ("pages-%u.img", mwb_criu_pagemap_pages_id (pm));

			if (mwb_criu_dump_image_by_name (dump, pages) == NULL)
				add_problem (problems, "%s: its %" G_GUINT64_FORMAT " present pages are in %s, which is missing",
				             name, mwb_criu_pagemap_present_pages (pm), pages);
		}
	}
	return problems->len - before;
}

guint
mwb_criu_dump_problems (MwbCriuDump *dump, GPtrArray *problems)
{
	guint i, before = problems->len;

	g_return_val_if_fail (dump != NULL, 0);
	g_return_val_if_fail (problems != NULL, 0);

	if (mwb_criu_dump_image_by_name (dump, "inventory.img") == NULL)
		add_problem (problems, "no inventory.img: CRIU cannot restore this directory");
	if (mwb_criu_dump_image_by_name (dump, "pstree.img") == NULL)
		add_problem (problems, "no pstree.img: no process tree");
	for (i = 0; i < mwb_criu_dump_n_images (dump); i++)
		mwb_criu_image_problems (mwb_criu_dump_image (dump, i), dump, problems);
	for (i = 0; i < mwb_criu_dump_n_processes (dump); i++) {
		const MwbCriuProcess *p = mwb_criu_dump_process (dump, i);
		guint t;

		for (t = 0; t < MAX (p->n_threads, 1); t++) {
			guint32 tid = p->n_threads > 0 ? p->threads[t] : p->pid;
			g_autofree char *core = g_strdup_printf ("core-%u.img", tid);

			if (mwb_criu_dump_image_by_name (dump, core) == NULL)
				add_problem (problems, "process %u: no %s", p->pid, core);
		}
	}
	return problems->len - before;
}

static guint
print_problems (FILE *out, GPtrArray *problems)
{
	guint i;

	fputs ("\nproblems:\n", out);
	if (problems->len == 0)
		fputs ("  none\n", out);
	for (i = 0; i < problems->len; i++)
		fprintf (out, "  %s\n", (const char *) problems->pdata[i]);
	return problems->len;
}

/* ---- a dump directory ---- */

static const MwbCriuRecord *
inventory_entry (MwbCriuDump *dump)
{
	MwbCriuImage *inv = mwb_criu_dump_image_by_name (dump, "inventory.img");

	return inv != NULL && mwb_criu_image_magic (inv) == MWB_CRIU_INVENTORY_MAGIC ? first_entry (inv) : NULL;
}

static void
print_processes (FILE *out, MwbCriuDump *dump)
{
	guint i, n = mwb_criu_dump_n_processes (dump);

	fprintf (out, "\nprocesses, as pstree.img has them (%u):\n", n);
	if (n == 0)
		return;
	fprintf (out, "  %8s %8s %8s %8s %8s  %-8s %s\n", "PID", "PPID", "PGID", "SID", "THREADS", "STATE", "COMM");
	for (i = 0; i < n; i++) {
		const MwbCriuProcess *p = mwb_criu_dump_process (dump, i);
		const char *state = p->has_state ? mwb_criu_task_state_name (p->state) : NULL;
		g_autofree char *state_text = state != NULL ? g_strdup (state)
			: p->has_state ? g_strdup_printf ("%u", p->state) : g_strdup ("-");

		fprintf (out, "  %8u %8u %8u %8u %8u  %-8s %*s%s\n", p->pid, p->ppid, p->pgid, p->sid, p->n_threads,
		         state_text, (int) MIN (p->depth, 32u) * 2, "", p->comm != NULL ? p->comm : "?");
	}
}

static void
print_memory (FILE *out, MwbCriuDump *dump)
{
	guint i;
	gboolean any = FALSE;

	for (i = 0; i < mwb_criu_dump_n_images (dump); i++) {
		MwbCriuImage *img = mwb_criu_dump_image (dump, i);
		g_autoptr(MwbCriuPagemap) pm = NULL;
		g_autofree char *pages_name = NULL;
		MwbCriuImage *pages;
		guint64 want;

		if (mwb_criu_image_magic (img) != MWB_CRIU_PAGEMAP_MAGIC)
			continue;
		if (!any)
			fputs ("\nmemory, pages of each pagemap (present ones are in its pages image):\n", out);
		any = TRUE;
		pm = mwb_criu_pagemap_new (img);
		if (pm == NULL) {
			fprintf (out, "  %-22s no pagemap head\n", mwb_criu_image_name (img));
			continue;
		}
		pages_name = g_strdup_printf ("pages-%u.img", mwb_criu_pagemap_pages_id (pm));
		pages = mwb_criu_dump_image_by_name (dump, pages_name);
		want = mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE;
		fprintf (out, "  %-20s %5u runs %7" G_GUINT64_FORMAT " present %6" G_GUINT64_FORMAT " parent %6"
		         G_GUINT64_FORMAT " lazy  -> %-14s ", mwb_criu_image_name (img), mwb_criu_pagemap_n_runs (pm),
		         mwb_criu_pagemap_present_pages (pm), mwb_criu_pagemap_parent_pages (pm),
		         mwb_criu_pagemap_lazy_pages (pm), pages_name);
		if (pages == NULL) {
			fputs (want > 0 ? "MISSING\n" : "none (none needed)\n", out);
		} else {
			gsize len;

			mwb_criu_image_data (pages, &len);
			fprintf (out, "0x%" G_GSIZE_MODIFIER "x bytes%s, 0x" FMT_X64 " expected\n", len,
			         len == want ? ": sizes agree" : ": SIZES DIFFER", want);
		}
	}
}

guint
mwb_criu_print_dump_summary (FILE *out, MwbCriuDump *dump)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	const MwbCriuRecord *inv;
	const char *const *others;
	const char *parent;
	guint64 total = 0;
	guint i, n;

	g_return_val_if_fail (out != NULL, 0);
	g_return_val_if_fail (dump != NULL, 0);

	n = mwb_criu_dump_n_images (dump);
	for (i = 0; i < n; i++) {
		gsize len;

		mwb_criu_image_data (mwb_criu_dump_image (dump, i), &len);
		total += len;
	}
	fprintf (out, "CRIU dump %s: %u images, %" G_GUINT64_FORMAT " bytes\n", mwb_criu_dump_dir (dump), n, total);
	inv = inventory_entry (dump);
	if (inv != NULL) {
		g_autofree char *run_id = entry_text (inv, 13);
		const char *lsm = mwb_criu_pb_enum_name ("inventory_entry", 6, entry_uint (inv, 6, 0));

		fprintf (out, "inventory: image version %" G_GUINT64_FORMAT, entry_uint (inv, 1, 0));
		if (mwb_criu_dump_n_processes (dump) > 0)
			fprintf (out, ", root pid %u", mwb_criu_dump_process (dump, 0)->pid);
		if (entry_has (inv, 6))
			fprintf (out, ", lsm %s", lsm != NULL ? lsm : "?");
		if (run_id != NULL)
			fprintf (out, ", criu run %s", run_id);
		fputc ('\n', out);
	} else {
		fputs ("inventory: none\n", out);
	}
	parent = mwb_criu_dump_parent (dump);
	if (parent != NULL)
		fprintf (out, "parent images: %s\n", parent);

	fprintf (out, "\nimages (%u):\n", n);
	fprintf (out, "  %-24s %-14s %7s %10s  %s\n", "name", "type", "entries", "bytes", "holds");
	for (i = 0; i < n; i++) {
		MwbCriuImage *img = mwb_criu_dump_image (dump, i);
		g_autofree char *gist = mwb_criu_image_gist (img, dump);
		const char *type = mwb_criu_image_type (img);
		g_autofree char *unknown = type == NULL && mwb_criu_image_magic (img) != 0
			? g_strdup_printf ("0x%08x", mwb_criu_image_magic (img)) : NULL;
		g_autofree char *entries = mwb_criu_image_count (img, MWB_CRIU_PAGES) > 0 ? g_strdup ("-")
			: g_strdup_printf ("%u", mwb_criu_image_n_entries (img));
		gsize len;

		mwb_criu_image_data (img, &len);
		fprintf (out, "  %-24s %-14s %7s %10" G_GSIZE_FORMAT "  %s\n", mwb_criu_image_name (img),
		         type != NULL ? type : unknown != NULL ? unknown : "?", entries, len, gist);
	}
	print_processes (out, dump);
	print_memory (out, dump);
	others = mwb_criu_dump_other_files (dump);
	if (others[0] != NULL) {
		fputs ("\nother files:", out);
		for (i = 0; others[i] != NULL; i++)
			fprintf (out, " %s", others[i]);
		fputc ('\n', out);
	}
	mwb_criu_dump_problems (dump, problems);
	return print_problems (out, problems);
}

/* ---- one image ---- */

/* The pages of a PAGES image run by run, as its pagemap has them. */
static void
print_page_runs (FILE *out, MwbCriuImage *img, MwbCriuDump *dump)
{
	const char *pm_name = NULL;
	MwbCriuPagemap *pm;
	guint32 id, pid = 0;
	gsize len;
	guint i;

	if (dump == NULL || !mwb_criu_pages_name_id (mwb_criu_image_name (img), &id))
		return;
	pm = mwb_criu_dump_pagemap_for_pages (dump, id, &pid, &pm_name);
	if (pm == NULL) {
		fprintf (out, "\nno pagemap in %s names pages-%u.img: which address each page had is not known\n",
		         mwb_criu_dump_dir (dump), id);
		return;
	}
	mwb_criu_image_data (img, &len);
	fprintf (out, "\npages by %s's runs (process %u), each run's pages one after another:\n", pm_name, pid);
	fprintf (out, "  %-10s %-10s %5s %-18s %8s  %s\n", "offset", "length", "entry", "vaddr", "pages", "flags");
	for (i = 0; i < mwb_criu_pagemap_n_runs (pm); i++) {
		const MwbCriuPageRun *run = mwb_criu_pagemap_run (pm, i);
		g_autofree char *flags = mwb_criu_pagemap_flags_string (run->flags);

		if (!(run->flags & MWB_CRIU_PE_PRESENT))
			continue;
		fprintf (out, "  0x%08" G_GINT64_MODIFIER "x 0x%08" G_GINT64_MODIFIER "x %5u 0x%016" G_GINT64_MODIFIER
		         "x %8" G_GUINT64_FORMAT "  %s%s\n", run->pages_offset, run->nr_pages * MWB_CRIU_PAGE_SIZE,
		         run->entry, run->vaddr, run->nr_pages, flags,
		         run->pages_offset >= len ? "  (past the end of the file)" : "");
	}
}

guint
mwb_criu_print_image (FILE *out, MwbCriuImage *img, MwbCriuDump *dump)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *gist = NULL;
	const char *type;
	gsize len;
	guint i;

	g_return_val_if_fail (out != NULL, 0);
	g_return_val_if_fail (img != NULL, 0);

	mwb_criu_image_data (img, &len);
	type = mwb_criu_image_type (img);
	if (is_type (img, "PAGES") || mwb_criu_image_count (img, MWB_CRIU_PAGES) > 0)
		fprintf (out, "%s: CRIU raw image %s (no magic), 0x%" G_GSIZE_MODIFIER "x bytes\n",
		         mwb_criu_image_name (img), type != NULL ? type : "?", len);
	else if (type != NULL)
		fprintf (out, "%s: CRIU image %s (magic 0x%08x), %u entr%s, 0x%" G_GSIZE_MODIFIER "x bytes\n",
		         mwb_criu_image_name (img), type, mwb_criu_image_magic (img), mwb_criu_image_n_entries (img),
		         mwb_criu_image_n_entries (img) == 1 ? "y" : "ies", len);
	else if (mwb_criu_image_magic (img) != 0)
		fprintf (out, "%s: CRIU image of an unknown type (magic 0x%08x), %u entr%s, 0x%" G_GSIZE_MODIFIER "x bytes\n",
		         mwb_criu_image_name (img), mwb_criu_image_magic (img), mwb_criu_image_n_entries (img),
		         mwb_criu_image_n_entries (img) == 1 ? "y" : "ies", len);
	else
		fprintf (out, "%s: no CRIU image, 0x%" G_GSIZE_MODIFIER "x bytes\n", mwb_criu_image_name (img), len);
	gist = mwb_criu_image_gist (img, dump);
	if (*gist != '\0')
		fprintf (out, "holds: %s\n", gist);

	fprintf (out, "\nrecords (%u):\n", mwb_criu_image_n_records (img));
	fprintf (out, "  %-10s %-10s %s\n", "offset", "length", "what");
	for (i = 0; i < mwb_criu_image_n_records (img); i++) {
		const MwbCriuRecord *r = mwb_criu_image_record (img, i);
		g_autofree char *what = NULL;

		switch (r->kind) {
		case MWB_CRIU_ENTRY: {
			g_autofree char *fields = mwb_criu_pb_format (r->message, r->data,
			                                              r->data != NULL ? r->payload_length : 0, 0);

			what = g_strdup_printf ("entry %u %s (size word, then 0x" FMT_X64 " bytes): %s", r->entry,
			                        r->message != NULL ? r->message : "message", r->payload_length, fields);
			break;
		}
		default:
			what = mwb_criu_record_describe (r, 0);
			break;
		}
		fprintf (out, "  0x%08" G_GINT64_MODIFIER "x 0x%08" G_GINT64_MODIFIER "x %s\n", r->offset, r->length, what);
	}
	if (is_type (img, "PAGES"))
		print_page_runs (out, img, dump);
	mwb_criu_image_problems (img, dump, problems);
	return print_problems (out, problems);
}

/* ---- JSON ---- */

static void
set_hex (JsonObject *o, const char *member, guint64 v)
{
	g_autofree char *s = g_strdup_printf ("0x" FMT_X64, v);

	json_object_set_string_member (o, member, s);
}

static void
set_uint (JsonObject *o, const char *member, guint64 v)
{
	if (v <= (guint64) G_MAXINT64)
		json_object_set_int_member (o, member, (gint64) v);
	else
		set_hex (o, member, v);
}

static void
set_string (JsonObject *o, const char *member, const char *s)
{
	if (s != NULL)
		json_object_set_string_member (o, member, s);
}

static void
set_magic (JsonObject *o, const char *member, guint32 magic)
{
	g_autofree char *s = g_strdup_printf ("0x%08x", magic);

	json_object_set_string_member (o, member, s);
}

static const char *
wire_name (MwbCriuWire wire)
{
	switch (wire) {
	case MWB_CRIU_WIRE_VARINT:
		return "varint";
	case MWB_CRIU_WIRE_FIXED64:
		return "fixed64";
	case MWB_CRIU_WIRE_FIXED32:
		return "fixed32";
	case MWB_CRIU_WIRE_BYTES:
	default:
		return "bytes";
	}
}

static JsonArray *fields_json (const char *message, const guint8 *data, gsize len, guint64 base, guint depth);

static void
field_value_json (JsonObject *o, const char *message, const MwbCriuPbFieldDef *def, const MwbCriuField *f,
                  const guint8 *data, guint64 base, guint depth)
{
	const guint8 *v = data + f->value_offset;
	gsize vlen = (gsize) f->value;
	MwbCriuPbType type = def != NULL ? def->type : MWB_CRIU_PB_UNKNOWN;

	if (f->wire == MWB_CRIU_WIRE_BYTES) {
		set_uint (o, "value_length", vlen);
		if (type == MWB_CRIU_PB_MESSAGE || (type == MWB_CRIU_PB_UNKNOWN && !mwb_criu_pb_looks_like_text (v, vlen)
		                                    && mwb_criu_pb_looks_like_message (v, vlen))) {
			if (depth < JSON_DEPTH_MAX)
				json_object_set_array_member (o, "fields", fields_json (def != NULL ? def->nested : NULL, v, vlen,
				                                                        base + f->value_offset, depth + 1));
			set_string (o, "message", def != NULL ? def->nested : NULL);
		} else if (type == MWB_CRIU_PB_STRING || (type == MWB_CRIU_PB_UNKNOWN && mwb_criu_pb_looks_like_text (v, vlen))) {
			g_autofree char *text = g_utf8_make_valid ((const char *) v, (gssize) MIN (vlen, (gsize) JSON_BYTES_MAX));

			json_object_set_string_member (o, "text", text);
		} else {
			gsize n = MIN (vlen, (gsize) JSON_BYTES_MAX), i;
			g_autofree char *hex = g_malloc (n * 2 + 1);

			for (i = 0; i < n; i++)
				g_snprintf (hex + 2 * i, 3, "%02x", v[i]);
			hex[2 * n] = '\0';
			json_object_set_string_member (o, "hex", hex);
		}
		return;
	}
	switch (type) {
	case MWB_CRIU_PB_SINT:
		json_object_set_int_member (o, "value", (gint64) (f->value >> 1) ^ -(gint64) (f->value & 1));
		break;
	case MWB_CRIU_PB_INT:
		json_object_set_int_member (o, "value", (gint64) f->value);
		break;
	case MWB_CRIU_PB_HEX:
		set_hex (o, "value", f->value);
		break;
	case MWB_CRIU_PB_BOOL:
		json_object_set_boolean_member (o, "value", f->value != 0);
		break;
	case MWB_CRIU_PB_ENUM:
		set_uint (o, "value", f->value);
		if (strcmp (message, "pagemap_entry") == 0 && f->value <= G_MAXUINT32) {
			g_autofree char *flags = mwb_criu_pagemap_flags_string ((guint32) f->value);

			json_object_set_string_member (o, "flags", flags);
		} else {
			set_string (o, "enum", mwb_criu_pb_enum_name (message, def->number, f->value));
		}
		break;
	default:
		if (f->wire == MWB_CRIU_WIRE_VARINT || type != MWB_CRIU_PB_UNKNOWN)
			set_uint (o, "value", f->value);
		else
			set_hex (o, "value", f->value);
		break;
	}
}

static JsonArray *
fields_json (const char *message, const guint8 *data, gsize len, guint64 base, guint depth)
{
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	JsonArray *a = json_array_new ();
	const char *reason = NULL;
	gsize bad_at = 0;
	gboolean ok = mwb_criu_pb_split (data, len, fields, &bad_at, &reason);
	guint i;

	for (i = 0; i < fields->len; i++) {
		const MwbCriuField *f = &g_array_index (fields, MwbCriuField, i);
		const MwbCriuPbFieldDef *def = mwb_criu_pb_field_def (message, f->number);
		JsonObject *o = json_object_new ();

		set_uint (o, "number", f->number);
		set_string (o, "name", def != NULL ? def->name : NULL);
		json_object_set_string_member (o, "wire", wire_name (f->wire));
		set_uint (o, "offset", base + f->offset);
		set_uint (o, "length", f->length);
		field_value_json (o, message, def, f, data, base, depth);
		json_array_add_object_element (a, o);
	}
	if (!ok) {
		JsonObject *o = json_object_new ();

		json_object_set_string_member (o, "error", reason);
		set_uint (o, "offset", base + bad_at);
		json_array_add_object_element (a, o);
	}
	return a;
}

static JsonObject *
record_json (const MwbCriuRecord *r)
{
	JsonObject *o = json_object_new ();

	json_object_set_string_member (o, "kind", mwb_criu_kind_name (r->kind));
	set_uint (o, "offset", r->offset);
	set_uint (o, "length", r->length);
	if (r->kind == MWB_CRIU_MAGIC) {
		set_magic (o, "magic", r->magic);
		set_string (o, "name", mwb_criu_magic_name (r->magic));
	}
	if (r->kind == MWB_CRIU_ENTRY || r->kind == MWB_CRIU_EXTRA || (r->kind == MWB_CRIU_DAMAGED && r->payload_length > 0))
		set_uint (o, "entry", r->entry);
	set_string (o, "message", r->message);
	if (r->kind != MWB_CRIU_MAGIC && r->payload_length > 0) {
		set_uint (o, "payload_offset", r->payload_offset);
		set_uint (o, "payload_length", r->payload_length);
	}
	set_string (o, "reason", r->reason);
	if (r->kind == MWB_CRIU_ENTRY && r->data != NULL)
		json_object_set_array_member (o, "fields", fields_json (r->message, r->data, r->payload_length,
		                                                        r->payload_offset, 0));
	return o;
}

static JsonArray *
problems_json (GPtrArray *problems)
{
	JsonArray *a = json_array_new ();
	guint i;

	for (i = 0; i < problems->len; i++)
		json_array_add_string_element (a, problems->pdata[i]);
	return a;
}

static JsonObject *
pagemap_json (MwbCriuPagemap *pm, gboolean with_runs)
{
	JsonObject *o = json_object_new ();

	set_uint (o, "pages_id", mwb_criu_pagemap_pages_id (pm));
	set_uint (o, "runs", mwb_criu_pagemap_n_runs (pm));
	set_uint (o, "pages", mwb_criu_pagemap_n_pages (pm));
	set_uint (o, "present_pages", mwb_criu_pagemap_present_pages (pm));
	set_uint (o, "parent_pages", mwb_criu_pagemap_parent_pages (pm));
	set_uint (o, "lazy_pages", mwb_criu_pagemap_lazy_pages (pm));
	if (with_runs) {
		JsonArray *runs = json_array_new ();
		guint i;

		for (i = 0; i < mwb_criu_pagemap_n_runs (pm); i++) {
			const MwbCriuPageRun *run = mwb_criu_pagemap_run (pm, i);
			JsonObject *r = json_object_new ();
			g_autofree char *flags = mwb_criu_pagemap_flags_string (run->flags);

			set_uint (r, "entry", run->entry);
			set_hex (r, "vaddr", run->vaddr);
			set_uint (r, "nr_pages", run->nr_pages);
			json_object_set_string_member (r, "flags", flags);
			if (run->flags & MWB_CRIU_PE_PRESENT)
				set_uint (r, "pages_offset", run->pages_offset);
			json_array_add_object_element (runs, r);
		}
		json_object_set_array_member (o, "run_list", runs);
	}
	return o;
}

static void
print_json (FILE *out, JsonObject *root)
{
	g_autoptr(JsonGenerator) gen = json_generator_new ();
	g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	g_autofree char *text = NULL;
	gsize len;

	json_node_take_object (node, root);
	json_generator_set_root (gen, node);
	json_generator_set_pretty (gen, TRUE);
	text = json_generator_to_data (gen, &len);
	fwrite (text, 1, len, out);
	fputc ('\n', out);
}

void
mwb_criu_print_image_json (FILE *out, MwbCriuImage *img, MwbCriuDump *dump)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *gist = NULL;
	JsonObject *root = json_object_new ();
	JsonArray *records = json_array_new ();
	gsize len;
	guint i;

	g_return_if_fail (out != NULL);
	g_return_if_fail (img != NULL);

	mwb_criu_image_data (img, &len);
	json_object_set_string_member (root, "image", mwb_criu_image_name (img));
	if (mwb_criu_image_type (img) != NULL)
		json_object_set_string_member (root, "type", mwb_criu_image_type (img));
	else
		json_object_set_null_member (root, "type");
	if (mwb_criu_image_magic (img) != 0)
		set_magic (root, "magic", mwb_criu_image_magic (img));
	else
		json_object_set_null_member (root, "magic");
	set_uint (root, "size", len);
	set_uint (root, "entries", mwb_criu_image_n_entries (img));
	gist = mwb_criu_image_gist (img, dump);
	json_object_set_string_member (root, "holds", gist);
	for (i = 0; i < mwb_criu_image_n_records (img); i++)
		json_array_add_object_element (records, record_json (mwb_criu_image_record (img, i)));
	json_object_set_array_member (root, "records", records);
	if (mwb_criu_image_magic (img) == MWB_CRIU_PAGEMAP_MAGIC) {
		g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);

		if (pm != NULL)
			json_object_set_object_member (root, "pagemap", pagemap_json (pm, TRUE));
	}
	if (dump != NULL && is_type (img, "PAGES")) {
		guint32 id, pid = 0;
		const char *pm_name = NULL;
		MwbCriuPagemap *pm = mwb_criu_pages_name_id (mwb_criu_image_name (img), &id)
			? mwb_criu_dump_pagemap_for_pages (dump, id, &pid, &pm_name) : NULL;

		if (pm != NULL) {
			JsonObject *o = pagemap_json (pm, TRUE);

			json_object_set_string_member (o, "image", pm_name);
			set_uint (o, "pid", pid);
			json_object_set_object_member (root, "pagemap", o);
		}
	}
	mwb_criu_image_problems (img, dump, problems);
	json_object_set_array_member (root, "problems", problems_json (problems));
	print_json (out, root);
}

void
mwb_criu_print_dump_json (FILE *out, MwbCriuDump *dump)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	JsonObject *root = json_object_new ();
	JsonArray *images = json_array_new ();
	JsonArray *processes = json_array_new ();
	JsonArray *pagemaps = json_array_new ();
	JsonArray *others = json_array_new ();
	const MwbCriuRecord *inv;
	const char *const *other;
	guint i;

	g_return_if_fail (out != NULL);
	g_return_if_fail (dump != NULL);

	json_object_set_string_member (root, "dump", mwb_criu_dump_dir (dump));
	inv = inventory_entry (dump);
	if (inv != NULL) {
		JsonObject *o = json_object_new ();
		g_autofree char *run_id = entry_text (inv, 13);

		set_uint (o, "img_version", entry_uint (inv, 1, 0));
		if (entry_has (inv, 6))
			set_string (o, "lsmtype", mwb_criu_pb_enum_name ("inventory_entry", 6, entry_uint (inv, 6, 0)));
		set_string (o, "dump_criu_run_id", run_id);
		if (mwb_criu_dump_n_processes (dump) > 0)
			set_uint (o, "root_pid", mwb_criu_dump_process (dump, 0)->pid);
		json_object_set_object_member (root, "inventory", o);
	} else {
		json_object_set_null_member (root, "inventory");
	}
	if (mwb_criu_dump_parent (dump) != NULL)
		json_object_set_string_member (root, "parent", mwb_criu_dump_parent (dump));
	else
		json_object_set_null_member (root, "parent");

	for (i = 0; i < mwb_criu_dump_n_images (dump); i++) {
		MwbCriuImage *img = mwb_criu_dump_image (dump, i);
		JsonObject *o = json_object_new ();
		g_autofree char *gist = mwb_criu_image_gist (img, dump);
		gsize len;

		mwb_criu_image_data (img, &len);
		json_object_set_string_member (o, "name", mwb_criu_image_name (img));
		if (mwb_criu_image_type (img) != NULL)
			json_object_set_string_member (o, "type", mwb_criu_image_type (img));
		else
			json_object_set_null_member (o, "type");
		if (mwb_criu_image_magic (img) != 0)
			set_magic (o, "magic", mwb_criu_image_magic (img));
		set_uint (o, "size", len);
		set_uint (o, "entries", mwb_criu_image_n_entries (img));
		json_object_set_boolean_member (o, "damaged", mwb_criu_image_count (img, MWB_CRIU_DAMAGED) > 0);
		json_object_set_string_member (o, "holds", gist);
		json_array_add_object_element (images, o);

		if (mwb_criu_image_magic (img) == MWB_CRIU_PAGEMAP_MAGIC) {
			g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);
			g_autofree char *pages_name = NULL;
			MwbCriuImage *pages;
			JsonObject *p;

			if (pm == NULL)
				continue;
			p = pagemap_json (pm, FALSE);
			json_object_set_string_member (p, "image", mwb_criu_image_name (img));
			pages_name = g_strdup_printf ("pages-%u.img", mwb_criu_pagemap_pages_id (pm));
			pages = mwb_criu_dump_image_by_name (dump, pages_name);
			json_object_set_string_member (p, "pages_image", pages_name);
			set_uint (p, "expected_size", mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE);
			if (pages != NULL) {
				mwb_criu_image_data (pages, &len);
				set_uint (p, "pages_size", len);
				json_object_set_boolean_member (p, "sizes_agree",
				                                len == mwb_criu_pagemap_present_pages (pm) * MWB_CRIU_PAGE_SIZE);
			} else {
				json_object_set_null_member (p, "pages_size");
				json_object_set_boolean_member (p, "sizes_agree", mwb_criu_pagemap_present_pages (pm) == 0);
			}
			json_array_add_object_element (pagemaps, p);
		}
	}
	for (i = 0; i < mwb_criu_dump_n_processes (dump); i++) {
		const MwbCriuProcess *p = mwb_criu_dump_process (dump, i);
		JsonObject *o = json_object_new ();
		JsonArray *threads = json_array_new ();
		guint t;

		set_uint (o, "pid", p->pid);
		set_uint (o, "ppid", p->ppid);
		set_uint (o, "pgid", p->pgid);
		set_uint (o, "sid", p->sid);
		for (t = 0; t < p->n_threads; t++)
			json_array_add_int_element (threads, p->threads[t]);
		json_object_set_array_member (o, "threads", threads);
		if (p->comm != NULL)
			json_object_set_string_member (o, "comm", p->comm);
		else
			json_object_set_null_member (o, "comm");
		if (p->has_state) {
			set_uint (o, "task_state", p->state);
			set_string (o, "state", mwb_criu_task_state_name (p->state));
		}
		set_uint (o, "depth", p->depth);
		json_array_add_object_element (processes, o);
	}
	other = mwb_criu_dump_other_files (dump);
	for (i = 0; other[i] != NULL; i++)
		json_array_add_string_element (others, other[i]);
	json_object_set_array_member (root, "images", images);
	json_object_set_array_member (root, "processes", processes);
	json_object_set_array_member (root, "pagemaps", pagemaps);
	json_object_set_array_member (root, "other_files", others);
	mwb_criu_dump_problems (dump, problems);
	json_object_set_array_member (root, "problems", problems_json (problems));
	print_json (out, root);
}

/* ---- mwb inspect ---- */

static gboolean
file_is_criu (const char *path)
{
	guint8 word[4];
	FILE *f;
	gboolean yes;

	if (mwb_criu_raw_image_type (path) != NULL)
		return TRUE;
	f = fopen (path, "rb");
	if (f == NULL)
		return FALSE;
	yes = fread (word, 1, 4, f) == 4;
	fclose (f);
	if (!yes)
		return FALSE;
	return mwb_criu_magic_name ((guint32) word[0] | (guint32) word[1] << 8 | (guint32) word[2] << 16
	                            | (guint32) word[3] << 24) != NULL;
}

gboolean
mwb_criu_inspect_is_criu (const char *path)
{
	g_autoptr(GDir) d = NULL;
	g_autofree char *inventory = NULL;
	const char *name;

	g_return_val_if_fail (path != NULL, FALSE);

	if (!g_file_test (path, G_FILE_TEST_IS_DIR))
		return g_file_test (path, G_FILE_TEST_IS_REGULAR) && file_is_criu (path);
	inventory = g_build_filename (path, "inventory.img", NULL);
	if (g_file_test (inventory, G_FILE_TEST_EXISTS))
		return TRUE;
	d = g_dir_open (path, 0, NULL);
	while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
		g_autofree char *file = NULL;

		if (!g_str_has_suffix (name, ".img"))
			continue;
		file = g_build_filename (path, name, NULL);
		if (g_file_test (file, G_FILE_TEST_IS_REGULAR) && file_is_criu (file))
			return TRUE;
	}
	return FALSE;
}

int
mwb_criu_inspect (FILE *out, const char *path, gboolean json, GError **error)
{
	g_autoptr(MwbCriuDump) dump = NULL;
	g_autoptr(MwbCriuImage) img = NULL;
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *dir = NULL;

	g_return_val_if_fail (out != NULL, 2);
	g_return_val_if_fail (path != NULL, 2);
	g_return_val_if_fail (error == NULL || *error == NULL, 2);

	if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
		dump = mwb_criu_dump_load (path, error);
		if (dump == NULL)
			return 2;
		if (json) {
			mwb_criu_print_dump_json (out, dump);
			return mwb_criu_dump_problems (dump, problems) > 0 ? 1 : 0;
		}
		return mwb_criu_print_dump_summary (out, dump) > 0 ? 1 : 0;
	}
	img = mwb_criu_image_load (path, error);
	if (img == NULL)
		return 2;
	/* a pages image needs its pagemap, a pagemap its pages image */
	if (is_type (img, "PAGES") || mwb_criu_image_magic (img) == MWB_CRIU_PAGEMAP_MAGIC) {
		dir = g_path_get_dirname (path);
		dump = mwb_criu_dump_load (dir, NULL);
	}
	if (json) {
		mwb_criu_print_image_json (out, img, dump);
		return mwb_criu_image_problems (img, dump, problems) > 0 ? 1 : 0;
	}
	return mwb_criu_print_image (out, img, dump) > 0 ? 1 : 0;
}
