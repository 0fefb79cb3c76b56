/* libFuzzer target for the CRIU image inspector.
 *
 * Input: a 3-byte header, then the image.
 *
 *   bytes 0, 1  seed of the chunk sizes the image is fed in
 *   byte 2      bits 0-3: what goes before the image, so that the fuzzer
 *               starts deep instead of rediscovering the magics: nothing,
 *               or IMG_COMMON and one of PSTREE, CORE, MM, PAGEMAP,
 *               PIPES_DATA, SK_QUEUES, GHOST_FILE, IPCNS_MSG, IPCNS_SEM,
 *               IPCNS_SHM, TCP_STREAM, BPFMAP_DATA, an unknown magic; or
 *               the INVENTORY magic alone;
 *               bits 4-5: the file's name: none, "pages-1.img" (a raw
 *               image: no magic), "pstree.img", "ifaddr-3.img"
 *
 * The image is parsed whole, in chunks of random sizes and (for odd
 * seeds) a byte at a time: all must give the same records, and they must
 * cover the image exactly, in order, payloads inside their records.  The
 * index built from the same bytes must answer lookups with records that
 * hold the offset asked; a pagemap's runs must answer offsets and
 * addresses consistently; the printers must run.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "../criu-image.h"
#include "../criu-image-print.h"

static const guint32 second_magics[] = {
	MWB_CRIU_PSTREE_MAGIC, MWB_CRIU_CORE_MAGIC, MWB_CRIU_MM_MAGIC, MWB_CRIU_PAGEMAP_MAGIC,
	MWB_CRIU_PIPES_DATA_MAGIC, MWB_CRIU_SK_QUEUES_MAGIC, MWB_CRIU_GHOST_FILE_MAGIC, MWB_CRIU_IPCNS_MSG_MAGIC,
	MWB_CRIU_IPCNS_SEM_MAGIC, MWB_CRIU_IPCNS_SHM_MAGIC, MWB_CRIU_TCP_STREAM_MAGIC, MWB_CRIU_BPFMAP_DATA_MAGIC,
	0x61626364,
};

static const char *const names[] = { NULL, "pages-1.img", "pstree.img", "ifaddr-3.img" };

typedef struct {
	GPtrArray *lines;
	gsize len;
	guint64 end;            /* of the last record */
} Outcome;

static void
collect (const MwbCriuRecord *r, gpointer data)
{
	Outcome *o = data;
	g_autofree char *text = mwb_criu_record_describe (r, 200);

	g_assert_true ((guint) r->kind < MWB_CRIU_KIND_COUNT);
	g_assert_true (text != NULL && g_utf8_validate (text, -1, NULL));
	g_assert_true (r->offset == o->end);
	g_assert_true (r->offset <= o->len && r->length <= o->len - r->offset);
	o->end = r->offset + r->length;
	if (r->payload_length > 0) {
		g_assert_true (r->payload_offset >= r->offset);
		g_assert_true (r->payload_offset - r->offset <= r->length);
		g_assert_true (r->payload_length <= r->length - (r->payload_offset - r->offset));
	}
	if (r->data != NULL)
		g_assert_true (r->kind == MWB_CRIU_ENTRY || r->kind == MWB_CRIU_DAMAGED);
	g_ptr_array_add (o->lines, g_strdup_printf ("%d %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x %x %s %u %s %"
	                                            G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x %s | %s",
	                                            r->kind, r->offset, r->length, r->magic,
	                                            r->image_type != NULL ? r->image_type : "-", r->entry,
	                                            r->message != NULL ? r->message : "-", r->payload_offset,
	                                            r->payload_length, r->reason != NULL ? r->reason : "-", text));
}

static guint32
next_random (guint32 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* chunk 0: whole; 1: a byte at a time; else random sizes from seed */
static Outcome
parse (const guint8 *data, gsize len, const char *name, guint chunk, guint32 seed)
{
	static const MwbCriuOps ops = { collect };
	Outcome o = { g_ptr_array_new_with_free_func (g_free), len, 0 };
	g_autoptr(MwbCriuParser) p = mwb_criu_parser_new (&ops, &o, name);
	guint32 state = seed | 1;
	gsize at = 0;

	while (at < len) {
		gsize n = chunk == 0 ? len : chunk == 1 ? 1 : 1 + next_random (&state) % (next_random (&state) % 8 == 0 ? 3000 : 24);

		n = MIN (n, len - at);
		mwb_criu_parser_feed (p, data + at, n);
		at += n;
		g_assert_true (mwb_criu_parser_offset (p) == at);
	}
	mwb_criu_parser_finish (p);
	g_assert_true (o.end == len);
	return o;
}

static void
assert_same (const Outcome *a, const Outcome *b)
{
	guint i;

	g_assert_true (a->lines->len == b->lines->len);
	for (i = 0; i < a->lines->len; i++)
		g_assert_true (strcmp (a->lines->pdata[i], b->lines->pdata[i]) == 0);
}

static void
check_pagemap (MwbCriuImage *img)
{
	g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);
	guint i;

	if (pm == NULL)
		return;
	g_assert_true (mwb_criu_pagemap_present_pages (pm) <= mwb_criu_pagemap_n_pages (pm)
	               || mwb_criu_pagemap_n_pages (pm) == G_MAXUINT64);
	for (i = 0; i < mwb_criu_pagemap_n_runs (pm) && i < 64; i++) {
		const MwbCriuPageRun *run = mwb_criu_pagemap_run (pm, i), *found = NULL;
		MwbCriuPageWhere where;
		guint64 vaddr = 0, off = 0;

		if (run->nr_pages == 0)
			continue;
		where = mwb_criu_pagemap_find_vaddr (pm, run->vaddr, &off, &found);
		/* runs may overlap in garbage: some run holds the address */
		g_assert_true (where != MWB_CRIU_PAGE_NOT_DUMPED || found == NULL);
		if (found != NULL)
			g_assert_true (run->vaddr - found->vaddr < found->nr_pages * MWB_CRIU_PAGE_SIZE
			               || found->nr_pages > G_MAXUINT64 / MWB_CRIU_PAGE_SIZE);
		if (!(run->flags & MWB_CRIU_PE_PRESENT))
			continue;
		found = mwb_criu_pagemap_run_at_offset (pm, run->pages_offset, &vaddr);
		if (found != NULL && found == run)
			g_assert_true (vaddr == run->vaddr);
	}
	mwb_criu_pagemap_run_at_offset (pm, G_MAXUINT64, NULL);
	mwb_criu_pagemap_find_vaddr (pm, G_MAXUINT64, NULL, NULL);
}

static void
check_index (const guint8 *data, gsize len, const char *name)
{
	static FILE *null;
	g_autoptr(MwbCriuImage) img = mwb_criu_image_new_from_bytes (data, len, name);
	g_autofree char *gist = NULL;
	guint64 off;
	guint i;

	if (null == NULL)
		null = fopen ("/dev/null", "w");
	g_assert_true (null != NULL);

	for (off = 0; off < len; off += 1 + off / 32) {
		const MwbCriuRecord *r = mwb_criu_image_record_at (img, off);
		const MwbCriuRecord *next = mwb_criu_image_next_entry (img, off);
		const MwbCriuRecord *prev = mwb_criu_image_prev_entry (img, off);

		g_assert_true (r != NULL);
		g_assert_true (r->offset <= off && off - r->offset < r->length);
		g_assert_true (prev == NULL || prev->offset < off);
		g_assert_true (next == NULL || next->offset > off || next->offset < off);
	}
	g_assert_true (mwb_criu_image_record_at (img, len) == NULL);
	for (i = 0; i < mwb_criu_image_n_entries (img); i++) {
		const MwbCriuRecord *r = mwb_criu_image_entry (img, i);

		g_assert_true (r->kind == MWB_CRIU_ENTRY);
		g_assert_true (r->data != NULL || r->payload_length == 0);
	}
	check_pagemap (img);
	gist = mwb_criu_image_gist (img, NULL);
	g_assert_true (g_utf8_validate (gist, -1, NULL));
	mwb_criu_print_image (null, img, NULL);
	if (len < 8192)
		mwb_criu_print_image_json (null, img, NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *input, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *input, size_t size)
{
	g_autoptr(GByteArray) image = NULL;
	Outcome whole, chunks, bytes;
	const char *name;
	guint32 seed;
	guint prefix;

	if (size < 3)
		return 0;
	seed = (guint32) input[0] << 8 | input[1];
	prefix = input[2] & 15;
	name = names[(input[2] >> 4) & 3];

	image = g_byte_array_new ();
	if (prefix >= 1 && prefix <= G_N_ELEMENTS (second_magics)) {
		guint32 words[2] = { GUINT32_TO_LE (MWB_CRIU_IMG_COMMON_MAGIC), GUINT32_TO_LE (second_magics[prefix - 1]) };

		g_byte_array_append (image, (const guint8 *) words, sizeof words);
	} else if (prefix == 15) {
		guint32 word = GUINT32_TO_LE (MWB_CRIU_INVENTORY_MAGIC);

		g_byte_array_append (image, (const guint8 *) &word, sizeof word);
	}
	g_byte_array_append (image, input + 3, (guint) (size - 3));

	whole = parse (image->data, image->len, name, 0, seed);
	chunks = parse (image->data, image->len, name, 2, seed);
	assert_same (&whole, &chunks);
	/* a byte at a time is slow under the sanitizers: every other input */
	if (image->len < 16384 && (seed & 1) != 0) {
		bytes = parse (image->data, image->len, name, 1, seed);
		assert_same (&whole, &bytes);
		g_ptr_array_unref (bytes.lines);
	}
	g_ptr_array_unref (whole.lines);
	g_ptr_array_unref (chunks.lines);

	check_index (image->data, image->len, name);
	return 0;
}
