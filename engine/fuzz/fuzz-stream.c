/* libFuzzer target for the migration stream inspector.
 *
 * Input: a 3-byte header, 7 more bytes if byte 2 says so, then the stream.
 *
 *   bytes 0, 1  seed of the chunk sizes the stream is fed in
 *   byte 2      bits 0-1: what goes before the stream, so that the fuzzer
 *               starts deep instead of rediscovering the magic: nothing,
 *               the header, or the header, a configuration and a RAM START
 *               (with pc.ram and pc.bios) followed by a PART header, with
 *               4 KiB or (target-page-bits 9) 512-byte pages;
 *               bit 2: EOF and a VM description of a device "d" after it;
 *               bit 3: a keep limit of 16 bytes instead of the default;
 *               bit 4: the stream is the data of a FULL section of "d"
 *               (its header before, its footer after);
 *               bit 5: the description's sizes and array length come from
 *               the 7 bytes after the header, not the ones that fit "d"
 *
 * The stream is parsed whole, in chunks of random sizes and (for odd
 * seeds) a byte at a time: all must give the same records.  Beyond not crashing:
 * records lie within the stream; the ones delivered as found cover it
 * exactly, in order; late ones lie behind them; payloads lie within their
 * record.  The index built from the same bytes must answer lookups with
 * records that hold the offset asked, and the printers must run.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "../stream.h"
#include "../stream-print.h"

static const guint8 prefix_ram[] = {
	'Q', 'E', 'V', 'M', 0, 0, 0, 3,
	0x07, 0, 0, 0, 4, 'p', 'c', '-', 'x',
	0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
	0, 0, 0, 0, 0, 0x01, 0x10, 0x04,        /* MEM_SIZE 0x11000 */
	6, 'p', 'c', '.', 'r', 'a', 'm', 0, 0, 0, 0, 0, 0x01, 0, 0,
	7, 'p', 'c', '.', 'b', 'i', 'o', 's', 0, 0, 0, 0, 0, 0, 0x10, 0,
	0, 0, 0, 0, 0, 0, 0, 0x10,              /* EOS */
	0x7e, 0, 0, 0, 2,
	0x02, 0, 0, 0, 2,
};

static const guint8 page_bits_9[] = {
	0x05, 30, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i', 'o', 'n', '/',
	't', 'a', 'r', 'g', 'e', 't', '-', 'p', 'a', 'g', 'e', '-', 'b', 'i', 't', 's',
	0, 0, 0, 1, 0, 0, 0, 9,
};

/* Device "d": a (4 bytes), s (a struct of x, 2, and y, 4), r (3 of 1),
 * then subsection d/sub with z (8): 32 bytes in the stream with the
 * subsection's header, when the sizes are these. */
static const char desc_format[] =
	"{\"page_size\": 4096, \"devices\": [{\"name\": \"d\", \"instance_id\": 0, \"version\": 1,"
	" \"fields\": [{\"name\": \"a\", \"type\": \"uint32\", \"size\": %u},"
	" {\"name\": \"s\", \"type\": \"struct\", \"size\": %u, \"struct\": {\"vmsd_name\": \"s\", \"version\": 1,"
	"  \"fields\": [{\"name\": \"x\", \"type\": \"uint16\", \"size\": %u}, {\"name\": \"y\", \"type\": \"uint32\", \"size\": %u}]}},"
	" {\"name\": \"r\", \"array_len\": %u, \"type\": \"uint8\", \"size\": %u}],"
	" \"subsections\": [{\"vmsd_name\": \"d/sub\", \"version\": 1,"
	"  \"fields\": [{\"name\": \"z\", \"type\": \"uint64\", \"size\": %u}]}]}]}";
static const guint8 desc_fits[7] = { 4, 6, 2, 4, 3, 1, 8 };

static const guint8 full_d[] = { 0x04, 0, 0, 0, 7, 1, 'd', 0, 0, 0, 0, 0, 0, 0, 1 };
static const guint8 footer_d[] = { 0x7e, 0, 0, 0, 7 };

typedef struct {
	GPtrArray *lines;
	gsize len;              /* of the stream */
	guint64 end;            /* of the last record delivered as found */
} Outcome;

static void
check_record (const MwbStreamRecord *r, Outcome *o)
{
	g_autofree char *text = mwb_stream_record_describe (r);

	g_assert_true ((guint) r->kind < MWB_STREAM_KIND_COUNT);
	g_assert_true (text != NULL && g_utf8_validate (text, -1, NULL));
	g_assert_true (r->offset <= o->len && r->length <= o->len - r->offset);
	if (r->payload_length > 0 && r->kind != MWB_STREAM_TRUNCATED) {
		g_assert_true (r->payload_offset >= r->offset);
		g_assert_true (r->payload_offset - r->offset <= r->length);
		g_assert_true (r->payload_length <= r->length - (r->payload_offset - r->offset));
	}
	if (r->late) {
		g_assert_true (r->offset + r->length <= o->end);
	} else if (r->length > 0 && r->kind != MWB_STREAM_NOTE) {
		/* delivered as found, they cover the stream in order */
		g_assert_true (r->offset == o->end);
		o->end = r->offset + r->length;
	} else {
		g_assert_true (r->offset >= o->end || r->kind == MWB_STREAM_NOTE);
	}
}

static void
collect (const MwbStreamRecord *r, gpointer data)
{
	Outcome *o = data;

	check_record (r, o);
	g_ptr_array_add (o->lines, g_strdup_printf ("%d %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x %d %u %s %s"
	                                            " %s %" G_GINT64_MODIFIER "x %x %" G_GINT64_MODIFIER "x %s %d %"
	                                            G_GINT64_MODIFIER "x %s",
	                                            r->kind, r->offset, r->length, r->late, r->section_id,
	                                            r->idstr != NULL ? r->idstr : "-",
	                                            r->block != NULL ? r->block : "-",
	                                            r->name != NULL ? r->name : "-", r->addr, r->flags,
	                                            r->payload_offset, r->reason != NULL ? r->reason : "-",
	                                            r->has_value, r->value, r->text != NULL ? r->text : "-"));
}

static guint32
next_random (guint32 *state)
{
	/* xorshift32: chunk sizes that depend on the input alone */
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* chunk 0: whole; 1: a byte at a time; else random sizes from seed */
static Outcome
parse (const guint8 *data, gsize len, guint chunk, guint32 seed, gsize keep_limit)
{
	static const MwbStreamOps ops = { collect };
	Outcome o = { g_ptr_array_new_with_free_func (g_free), len, 0 };
	g_autoptr(MwbStreamParser) p = mwb_stream_parser_new (&ops, &o);
	guint32 state = seed | 1;
	gsize at = 0;

	mwb_stream_parser_set_keep_limit (p, keep_limit);
	while (at < len) {
		gsize n = chunk == 0 ? len : chunk == 1 ? 1 : 1 + next_random (&state) % (next_random (&state) % 8 == 0 ? 5000 : 40);

		n = MIN (n, len - at);
		mwb_stream_parser_feed (p, data + at, n);
		at += n;
		g_assert_true (mwb_stream_parser_offset (p) == at);
	}
	mwb_stream_parser_finish (p);
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
check_index (const guint8 *data, gsize len)
{
	static FILE *null;
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (data, len);
	guint i, n = mwb_stream_index_n_records (idx);
	guint64 off;

	if (null == NULL)
		null = fopen ("/dev/null", "w");
	g_assert_true (null != NULL);

	/* every byte is held by a record, which holds it */
	for (off = 0; off < len; off += 1 + off / 64) {
		const MwbStreamRecord *r = mwb_stream_index_record_at (idx, off);
		const MwbStreamRecord *s = mwb_stream_index_section_at (idx, off);
		const MwbStreamRecord *next = mwb_stream_index_next_section (idx, off);
		const MwbStreamRecord *prev = mwb_stream_index_prev_section (idx, off);

		g_assert_true (r != NULL);
		g_assert_true (r->offset <= off && off - r->offset < r->length);
		g_assert_true (s == NULL || s->offset <= off);
		g_assert_true (next == NULL || next->offset > off);
		g_assert_true (prev == NULL || prev->offset < off);
	}
	g_assert_true (mwb_stream_index_record_at (idx, len) == NULL);

	for (i = 0; i < n; i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);
		const MwbStreamRecord *found;

		if (i > 0)
			g_assert_true (mwb_stream_index_record (idx, i - 1)->offset <= r->offset);
		if (r->kind != MWB_STREAM_RAM_PAGE && r->kind != MWB_STREAM_RAM_ZERO)
			continue;
		/* a page's last record is this one or a later one */
		found = mwb_stream_index_find_page (idx, r->block, r->addr);
		if (r->block != NULL) {
			g_assert_true (found != NULL && found->offset >= r->offset);
			g_assert_true (found->addr == r->addr && strcmp (found->block, r->block) == 0);
		}
	}

	mwb_stream_print_summary (null, idx);
	if (len < 20000)
		mwb_stream_print_json (null, idx);
	for (i = 0; i < n && i < 4; i++)
		mwb_stream_print_page (null, idx, mwb_stream_index_record (idx, n - 1 - i)->addr, NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *input, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *input, size_t size)
{
	g_autoptr(GByteArray) stream = NULL;
	Outcome whole, chunks, bytes;
	const guint8 *sizes = desc_fits;
	guint32 seed;
	gsize keep_limit, head = 3;

	if (size < 3)
		return 0;
	seed = (guint32) input[0] << 8 | input[1];
	keep_limit = (input[2] & 8) != 0 ? 16 : MWB_STREAM_DEFAULT_KEEP_LIMIT;
	if ((input[2] & 32) != 0) {
		if (size < 10)
			return 0;
		sizes = input + 3;
		head = 10;
	}

	stream = g_byte_array_new ();
	switch (input[2] & 3) {
	case 1:
		g_byte_array_append (stream, prefix_ram, 8);
		break;
	case 2:
		g_byte_array_append (stream, prefix_ram, sizeof prefix_ram);
		break;
	case 3:
		g_byte_array_append (stream, prefix_ram, 17);
		g_byte_array_append (stream, page_bits_9, sizeof page_bits_9);
		g_byte_array_append (stream, prefix_ram + 17, sizeof prefix_ram - 17);
		break;
	default:
		break;
	}
	if ((input[2] & 16) != 0)
		g_byte_array_append (stream, full_d, sizeof full_d);
	g_byte_array_append (stream, input + head, (guint) (size - head));
	if ((input[2] & 16) != 0)
		g_byte_array_append (stream, footer_d, sizeof footer_d);
	if ((input[2] & 4) != 0) {
		/* sizes 0 to 15, array lengths 0 to 7: enough to fit or not */
		g_autofree char *desc = g_strdup_printf (desc_format, sizes[0] % 16, sizes[1] % 16, sizes[2] % 16,
		                                         sizes[3] % 16, sizes[4] % 8, sizes[5] % 16, sizes[6] % 16);
		gsize len = strlen (desc);
		guint8 vmdesc[6] = { 0x00, 0x06, 0, 0, len >> 8, len & 0xff };

		g_byte_array_append (stream, vmdesc, sizeof vmdesc);
		g_byte_array_append (stream, (const guint8 *) desc, (guint) len);
	}

	whole = parse (stream->data, stream->len, 0, seed, keep_limit);
	chunks = parse (stream->data, stream->len, 2, seed, keep_limit);
	assert_same (&whole, &chunks);
	/* a byte at a time is slow under the sanitizers: every other input */
	if (stream->len < 16384 && (seed & 1) != 0) {
		bytes = parse (stream->data, stream->len, 1, seed, keep_limit);
		assert_same (&whole, &bytes);
		g_ptr_array_unref (bytes.lines);
	}
	g_ptr_array_unref (whole.lines);
	g_ptr_array_unref (chunks.lines);

	check_index (stream->data, stream->len);
	return 0;
}
