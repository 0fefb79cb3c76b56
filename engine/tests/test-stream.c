/* Unit tests for the migration stream inspector.
 *
 * The streams are built here, byte by byte, the way QEMU 7.2 writes them
 * (migration/savevm.c, ram.c, vmstate.c), with the offsets of what the
 * checks look for noted on the way.  With MWB_TEST_STREAM naming a real
 * stream (e.g. the migfile of `mwb run -p /x86_64/migration/precopy/exec/file
 * --keep always`), it is loaded and checked too.
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "../stream.h"
#include "../stream-print.h"

/* ---- building streams ---- */

static void
put8 (GByteArray *b, guint8 v)
{
	g_byte_array_append (b, &v, 1);
}

static void
put16 (GByteArray *b, guint16 v)
{
	put8 (b, v >> 8);
	put8 (b, v & 0xff);
}

static void
put32 (GByteArray *b, guint32 v)
{
	put16 (b, v >> 16);
	put16 (b, v & 0xffff);
}

static void
put64 (GByteArray *b, guint64 v)
{
	put32 (b, v >> 32);
	put32 (b, v & 0xffffffff);
}

static void
put_bytes (GByteArray *b, const void *data, gsize len)
{
	g_byte_array_append (b, data, len);
}

/* u8 length + bytes, as QEMU writes idstrs and block names */
static void
put_name (GByteArray *b, const char *s)
{
	put8 (b, strlen (s));
	put_bytes (b, s, strlen (s));
}

static void
put_header (GByteArray *b, const char *machine)
{
	put_bytes (b, "QEVM", 4);
	put32 (b, 3);
	put8 (b, 0x07);
	put32 (b, strlen (machine));
	put_bytes (b, machine, strlen (machine));
}

static void
put_section_start (GByteArray *b, guint8 type, guint32 id, const char *idstr, guint32 instance, guint32 version)
{
	put8 (b, type);
	put32 (b, id);
	put_name (b, idstr);
	put32 (b, instance);
	put32 (b, version);
}

static void
put_section_part (GByteArray *b, guint8 type, guint32 id)
{
	put8 (b, type);
	put32 (b, id);
}

static void
put_footer (GByteArray *b, guint32 id)
{
	put8 (b, 0x7e);
	put32 (b, id);
}

/* A RAM record's be64 and, unless CONTINUE, the block name. */
static void
put_ram_head (GByteArray *b, guint64 addr, guint32 flags, const char *block)
{
	put64 (b, addr | flags);
	if ((flags & MWB_STREAM_RAM_FLAG_CONTINUE) == 0)
		put_name (b, block);
}

/* A page whose bytes say which page and which round sent it. */
static void
put_page (GByteArray *b, guint64 addr, guint32 flags, const char *block, guint8 round)
{
	guint8 page[4096];
	gsize i;

	put_ram_head (b, addr, flags | MWB_STREAM_RAM_FLAG_PAGE, block);
	for (i = 0; i < sizeof page; i++)
		page[i] = (guint8) (i * 7 + (addr >> 12) + round);
	memcpy (page, "PAGE", 4);
	page[4] = round;
	put_bytes (b, page, sizeof page);
}

static void
put_zero (GByteArray *b, guint64 addr, guint32 flags, const char *block, guint8 fill)
{
	put_ram_head (b, addr, flags | MWB_STREAM_RAM_FLAG_ZERO, block);
	put8 (b, fill);
}

static void
put_eos (GByteArray *b)
{
	put64 (b, MWB_STREAM_RAM_FLAG_EOS);
}

/* What a test stream holds besides the plain layout. */
typedef struct {
	gboolean garbage_between;   /* junk between the RAM END and the timer */
	gboolean garbage_in_ram;    /* junk between two RAM records of a PART */
	gboolean undescribed;       /* a device section the description leaves out */
	gboolean bad_desc;          /* the description gets the timer's sizes wrong */
	gboolean no_vmdesc;
} Shape;

/* Offsets of what the checks look for. */
typedef struct {
	GByteArray *b;
	gsize mem_size;
	gsize page0;                /* record of page 0 of pc.ram in the PART */
	gsize zero1;                /* zero page 0x1000 */
	gsize page2_part;           /* page 0x2000 in the PART */
	gsize bios0;
	gsize ram_part;             /* the PART's header */
	gsize page2_end;            /* page 0x2000 again, in the END */
	gsize zero3;
	gsize end_footer;           /* the END's footer */
	gsize garbage;
	gsize garbage_ram;
	gsize timer;                /* the timer's FULL header */
	gsize timer_data;
	gsize cpu_data;
	gsize mystery_data;
	gsize eof;
	gsize vmdesc;
} Built;

static const guint8 junk_between[] = {
	0xa5, 0x02, 0x00, 0x00, 0x00, 0x63, 0x00, 0x11, 0x7e, 0x00, 0x00, 0x00, 0x05, 'x', 'y', 'z',
	0x04, 0xff, 0xff, 0xff, 0xff, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0xa5, 0xa5,
};

static const guint8 junk_ram[] = {
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0x55, 0x66,
};

static const char timer_desc[] =
	"{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, \"fields\": ["
	"{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 8},"
	"{\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8},"
	"{\"name\": \"cpu_clock_offset\", \"type\": \"int64\", \"size\": 8}],"
	"\"subsections\": [{\"vmsd_name\": \"timer/dostart\", \"version\": 1, \"fields\": ["
	"{\"name\": \"dostart\", \"type\": \"bool\", \"size\": 1}]}]}";

/* the same with the first field one byte short, so the walk misses */
static const char timer_bad_desc[] =
	"{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, \"fields\": ["
	"{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 7},"
	"{\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8},"
	"{\"name\": \"cpu_clock_offset\", \"type\": \"int64\", \"size\": 8}]}";

static const char cpu_desc[] =
	"{\"name\": \"cpu\", \"instance_id\": 0, \"vmsd_name\": \"cpu\", \"version\": 12, \"fields\": ["
	"{\"name\": \"env.regs\", \"array_len\": 4, \"type\": \"uint64\", \"size\": 8},"
	"{\"name\": \"env.segs\", \"index\": 0, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"segment\","
	" \"version\": 1, \"fields\": [{\"name\": \"selector\", \"type\": \"uint32\", \"size\": 4},"
	" {\"name\": \"base\", \"type\": \"uint64\", \"size\": 8}]}, \"size\": 12},"
	"{\"name\": \"env.segs\", \"index\": 1, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"segment\","
	" \"version\": 1, \"fields\": [{\"name\": \"selector\", \"type\": \"uint32\", \"size\": 4},"
	" {\"name\": \"base\", \"type\": \"uint64\", \"size\": 8}]}, \"size\": 12}]}";

/* header, configuration, RAM (START with MEM_SIZE and two blocks, a PART,
 * an END), the devices timer and cpu (and maybe mystery), EOF and the VM
 * description */
static Built
build_stream (const Shape *shape)
{
	Built s = { 0 };
	GByteArray *b = g_byte_array_new ();
	g_autoptr(GString) desc = g_string_new ("{\"page_size\": 4096, \"devices\": [");
	guint i;

	s.b = b;
	put_header (b, "pc-i440fx-7.2");

	put_section_start (b, 0x01, 2, "ram", 0, 4);
	s.mem_size = b->len;
	put64 (b, 0x5000 | MWB_STREAM_RAM_FLAG_MEM_SIZE);
	put_name (b, "pc.ram");
	put64 (b, 0x4000);
	put_name (b, "pc.bios");
	put64 (b, 0x1000);
	put_eos (b);
	put_footer (b, 2);

	s.ram_part = b->len;
	put_section_part (b, 0x02, 2);
	s.page0 = b->len;
	put_page (b, 0x0000, 0, "pc.ram", 1);
	if (shape->garbage_in_ram) {
		s.garbage_ram = b->len;
		put_bytes (b, junk_ram, sizeof junk_ram);
	}
	s.zero1 = b->len;
	put_zero (b, 0x1000, 0, "pc.ram", 0x00);
	s.page2_part = b->len;
	put_page (b, 0x2000, MWB_STREAM_RAM_FLAG_CONTINUE, NULL, 1);
	s.bios0 = b->len;
	put_page (b, 0x0000, 0, "pc.bios", 1);
	put_eos (b);
	put_footer (b, 2);

	put_section_part (b, 0x03, 2);
	s.page2_end = b->len;
	put_page (b, 0x2000, 0, "pc.ram", 2);
	s.zero3 = b->len;
	put_zero (b, 0x3000, MWB_STREAM_RAM_FLAG_CONTINUE, NULL, 0x5a);
	put_eos (b);
	s.end_footer = b->len;
	put_footer (b, 2);

	if (shape->garbage_between) {
		s.garbage = b->len;
		put_bytes (b, junk_between, sizeof junk_between);
	}

	/* the first value holds a footer of section 3 followed by a byte no
	 * section starts with, the second one of another section followed by
	 * EOF and the VM description: the scan must stop at neither */
	s.timer = b->len;
	put_section_start (b, 0x04, 3, "timer", 0, 2);
	s.timer_data = b->len;
	put64 (b, G_GUINT64_CONSTANT (0x7e00000003ff1234));
	put64 (b, G_GUINT64_CONSTANT (0x7e00000007000600));
	put64 (b, 0x1122334455667788);
	put8 (b, 0x05);
	put_name (b, "timer/dostart");
	put32 (b, 1);
	put8 (b, 1);
	put_footer (b, 3);

	put_section_start (b, 0x04, 5, "cpu", 0, 12);
	s.cpu_data = b->len;
	for (i = 0; i < 4; i++)
		put64 (b, 0x1000 + i);
	put32 (b, 0x10);
	put64 (b, 0);
	put32 (b, 0x18);
	put64 (b, 0x100000);
	put_footer (b, 5);

	if (shape->undescribed) {
		put_section_start (b, 0x04, 9, "mystery", 0, 1);
		s.mystery_data = b->len;
		put_bytes (b, "ABCDEFGHIJ", 10);
		put_footer (b, 9);
	}

	s.eof = b->len;
	put8 (b, 0x00);
	if (!shape->no_vmdesc) {
		g_string_append_printf (desc, "%s, %s]}", shape->bad_desc ? timer_bad_desc : timer_desc, cpu_desc);
		s.vmdesc = b->len;
		put8 (b, 0x06);
		put32 (b, desc->len);
		put_bytes (b, desc->str, desc->len);
	}
	return s;
}

/* ---- collecting records ---- */

/* Each record as one line holding every field, for comparisons. */
static char *
record_line (const MwbStreamRecord *r)
{
	return g_strdup_printf ("%s %" G_GINT64_MODIFIER "x+%" G_GINT64_MODIFIER "x late=%d sec=%u/%u %s inst=%u ver=%u"
	                        " block=%s addr=%" G_GINT64_MODIFIER "x flags=%x fill=%x size=%" G_GINT64_MODIFIER "x"
	                        " ps=%" G_GINT64_MODIFIER "x pay=%" G_GINT64_MODIFIER "x+%" G_GINT64_MODIFIER "x"
	                        " name=%s type=%s value=%d:%" G_GINT64_MODIFIER "x text=%s reason=%s",
	                        mwb_stream_kind_name (r->kind), r->offset, r->length, r->late,
	                        r->section_id, r->section_type, r->idstr != NULL ? r->idstr : "-",
	                        r->instance, r->version, r->block != NULL ? r->block : "-", r->addr, r->flags,
	                        r->fill, r->size, r->page_size, r->payload_offset, r->payload_length,
	                        r->name != NULL ? r->name : "-", r->type != NULL ? r->type : "-",
	                        r->has_value, r->value, r->text != NULL ? r->text : "-",
	                        r->reason != NULL ? r->reason : "-");
}

typedef struct {
	GPtrArray *lines;       /* of record_line() */
	GArray *spans;          /* Span, of the records not late */
} Collected;

typedef struct {
	MwbStreamKind kind;
	guint64 offset;
	guint64 length;
} Span;

static void
collect (const MwbStreamRecord *r, gpointer data)
{
	Collected *c = data;

	g_ptr_array_add (c->lines, record_line (r));
	if (!r->late) {
		Span s = { r->kind, r->offset, r->length };

		g_array_append_val (c->spans, s);
	}
}

static void
collected_clear (Collected *c)
{
	g_ptr_array_unref (c->lines);
	g_array_unref (c->spans);
}

/* Parses data in chunks of chunk bytes (0: one chunk; G_MAXSIZE: sizes
 * from the test's random numbers). */
static Collected
parse_chunked (const guint8 *data, gsize len, gsize chunk)
{
	static const MwbStreamOps ops = { collect };
	Collected c = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (Span)) };
	g_autoptr(MwbStreamParser) p = mwb_stream_parser_new (&ops, &c);
	gsize at = 0;

	while (at < len) {
		gsize n = chunk == 0 ? len : chunk == G_MAXSIZE ? (gsize) g_test_rand_int_range (1, 5000) : chunk;

		n = MIN (n, len - at);
		mwb_stream_parser_feed (p, data + at, n);
		at += n;
	}
	g_assert_cmpuint (mwb_stream_parser_offset (p), ==, len);
	mwb_stream_parser_finish (p);
	return c;
}

/* Records delivered as found, 0-long markers and notes aside, cover the
 * stream from its first byte to its last, each once. */
static void
assert_tiles (const Collected *c, gsize len)
{
	guint64 end = 0;
	guint i;

	for (i = 0; i < c->spans->len; i++) {
		const Span *s = &g_array_index (c->spans, Span, i);

		if (s->length == 0 || s->kind == MWB_STREAM_NOTE)
			continue;
		g_assert_cmpuint (s->offset, ==, end);
		end = s->offset + s->length;
	}
	g_assert_cmpuint (end, ==, len);
}

static void
assert_same (const Collected *a, const Collected *b)
{
	guint i;

	for (i = 0; i < MIN (a->lines->len, b->lines->len); i++)
		g_assert_cmpstr (a->lines->pdata[i], ==, b->lines->pdata[i]);
	g_assert_cmpuint (a->lines->len, ==, b->lines->len);
}

static guint
count_kind (MwbStreamIndex *idx, MwbStreamKind kind)
{
	return mwb_stream_index_count (idx, kind);
}

/* The record of a kind at offset, which must exist. */
static const MwbStreamRecord *
record_of (MwbStreamIndex *idx, MwbStreamKind kind, guint64 offset)
{
	guint i;

	for (i = 0; i < mwb_stream_index_n_records (idx); i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);

		if (r->kind == kind && r->offset == offset)
			return r;
	}
	g_test_message ("no %s record at 0x%" G_GINT64_MODIFIER "x", mwb_stream_kind_name (kind), offset);
	g_assert_not_reached ();
	return NULL;
}

static void
assert_describe (const MwbStreamRecord *r, const char *expected)
{
	g_autofree char *text = mwb_stream_record_describe (r);

	g_assert_cmpstr (text, ==, expected);
}

/* ---- the plain stream ---- */

static void
test_records (void)
{
	static const MwbStreamKind expected[] = {
		MWB_STREAM_HEADER, MWB_STREAM_CONFIG,
		MWB_STREAM_SECTION_START, MWB_STREAM_RAM_MEM_SIZE, MWB_STREAM_RAM_BLOCK, MWB_STREAM_RAM_BLOCK,
		MWB_STREAM_RAM_EOS, MWB_STREAM_FOOTER,
		MWB_STREAM_SECTION_PART, MWB_STREAM_RAM_PAGE, MWB_STREAM_RAM_ZERO, MWB_STREAM_RAM_PAGE,
		MWB_STREAM_RAM_PAGE, MWB_STREAM_RAM_EOS, MWB_STREAM_FOOTER,
		MWB_STREAM_SECTION_END, MWB_STREAM_RAM_PAGE, MWB_STREAM_RAM_ZERO, MWB_STREAM_RAM_EOS, MWB_STREAM_FOOTER,
		MWB_STREAM_SECTION_FULL, MWB_STREAM_DEVICE_DATA, MWB_STREAM_FOOTER,
		MWB_STREAM_SECTION_FULL, MWB_STREAM_DEVICE_DATA, MWB_STREAM_FOOTER,
		MWB_STREAM_EOF, MWB_STREAM_VMDESC,
	};
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	Collected c = parse_chunked (s.b->data, s.b->len, 0);
	guint i;

	assert_tiles (&c, s.b->len);
	g_assert_cmpuint (c.spans->len, ==, G_N_ELEMENTS (expected));
	for (i = 0; i < G_N_ELEMENTS (expected); i++)
		g_assert_cmpstr (mwb_stream_kind_name (g_array_index (c.spans, Span, i).kind), ==,
		                 mwb_stream_kind_name (expected[i]));
	/* late: timer's 3 fields, its subsection and its field; cpu's 4
	 * registers and 2 segments of 2 fields each */
	g_assert_cmpuint (c.lines->len, ==, G_N_ELEMENTS (expected) + 5 + 4 + 6);
	collected_clear (&c);
	g_byte_array_unref (s.b);
}

static void
test_index (void)
{
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	const MwbStreamRamBlock *b;
	const MwbStreamSection *sec;
	const MwbStreamDevice *dev;
	const MwbStreamRecord *r;

	g_assert_cmpuint (mwb_stream_index_version (idx), ==, 3);
	g_assert_cmpstr (mwb_stream_index_machine (idx), ==, "pc-i440fx-7.2");
	g_assert_nonnull (mwb_stream_index_vmdesc (idx));
	g_assert_true (g_str_has_prefix (mwb_stream_index_vmdesc (idx), "{\"page_size\""));
	g_assert_cmpuint (mwb_stream_index_page_size (idx), ==, 4096);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_PAGE), ==, 4);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_ZERO), ==, 2);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_TRUNCATED), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_NOTE), ==, 0);

	/* sections: ram, then the two devices */
	g_assert_cmpuint (mwb_stream_index_n_sections (idx), ==, 3);
	sec = mwb_stream_index_section (idx, 0);
	g_assert_cmpuint (sec->id, ==, 2);
	g_assert_cmpstr (sec->idstr, ==, "ram");
	g_assert_cmpuint (sec->version, ==, 4);
	g_assert_cmpuint (sec->n_start, ==, 1);
	g_assert_cmpuint (sec->n_part, ==, 1);
	g_assert_cmpuint (sec->n_end, ==, 1);
	g_assert_cmpuint (sec->n_full, ==, 0);
	sec = mwb_stream_index_section (idx, 1);
	g_assert_cmpstr (sec->idstr, ==, "timer");
	g_assert_cmpuint (sec->n_full, ==, 1);
	g_assert_cmpuint (sec->offset, ==, s.timer);

	/* RAM blocks, in MEM_SIZE order; page 0x2000 went twice */
	g_assert_cmpuint (mwb_stream_index_n_ram_blocks (idx), ==, 2);
	b = mwb_stream_index_ram_block (idx, 0);
	g_assert_cmpstr (b->name, ==, "pc.ram");
	g_assert_true (b->listed);
	g_assert_cmpuint (b->size, ==, 0x4000);
	g_assert_cmpuint (b->page_records, ==, 3);
	g_assert_cmpuint (b->zero_records, ==, 2);
	g_assert_cmpuint (b->distinct_pages, ==, 4);
	b = mwb_stream_index_ram_block (idx, 1);
	g_assert_cmpstr (b->name, ==, "pc.bios");
	g_assert_cmpuint (b->size, ==, 0x1000);
	g_assert_cmpuint (b->page_records, ==, 1);
	g_assert_cmpuint (b->distinct_pages, ==, 1);

	/* devices, walked by the description */
	g_assert_cmpuint (mwb_stream_index_n_devices (idx), ==, 2);
	dev = mwb_stream_index_device (idx, 0);
	g_assert_cmpstr (dev->name, ==, "timer");
	g_assert_cmpuint (dev->offset, ==, s.timer_data);
	g_assert_cmpuint (dev->length, ==, 24 + 1 + 1 + 13 + 4 + 1);
	g_assert_true (dev->described);
	g_assert_cmpuint (dev->n_fields, ==, 4);
	dev = mwb_stream_index_device (idx, 1);
	g_assert_cmpstr (dev->name, ==, "cpu");
	g_assert_cmpuint (dev->n_fields, ==, 8);

	/* fields */
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, s.timer_data);
	g_assert_cmpstr (r->name, ==, "cpu_ticks_offset");
	g_assert_cmpstr (r->type, ==, "int64");
	g_assert_true (r->has_value);
	g_assert_cmpuint (r->value, ==, G_GUINT64_CONSTANT (0x7e00000003ff1234));
	g_assert_true (r->late);
	{
		g_autofree char *text = g_strdup_printf ("device field timer.cpu_ticks_offset int64 = 0x7e00000003ff1234"
		                                         " at 0x%" G_GSIZE_MODIFIER "x", s.timer_data);

		assert_describe (r, text);
	}
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, s.timer_data + 16);
	g_assert_cmpuint (r->value, ==, 0x1122334455667788);
	r = record_of (idx, MWB_STREAM_SUBSECTION, s.timer_data + 24);
	g_assert_cmpstr (r->name, ==, "timer/dostart");
	g_assert_cmpuint (r->version, ==, 1);
	g_assert_cmpuint (r->length, ==, 19);
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, s.timer_data + 24 + 19);
	g_assert_cmpstr (r->name, ==, "timer/dostart.dostart");
	g_assert_cmpuint (r->value, ==, 1);
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, s.cpu_data + 24);
	g_assert_cmpstr (r->name, ==, "env.regs[3]");
	g_assert_cmpuint (r->value, ==, 0x1003);
	r = mwb_stream_index_record_at (idx, s.cpu_data + 32 + 12 + 5);
	g_assert_cmpstr (r->name, ==, "env.segs[1].base");
	g_assert_cmpuint (r->value, ==, 0x100000);

	/* describe */
	assert_describe (record_of (idx, MWB_STREAM_SECTION_START, 0x1a), "section 2 START ram instance 0 version 4");
	assert_describe (record_of (idx, MWB_STREAM_FOOTER, s.end_footer), "footer of section 2 (ram)");
	{
		g_autofree char *text = g_strdup_printf ("RAM page 0x00002000 of pc.ram (flags PAGE|CONTINUE), 4096 bytes"
		                                         " at 0x%" G_GSIZE_MODIFIER "x", s.page2_part + 8);

		assert_describe (record_of (idx, MWB_STREAM_RAM_PAGE, s.page2_part), text);
	}
	assert_describe (record_of (idx, MWB_STREAM_RAM_ZERO, s.zero3),
	                 "RAM zero page 0x00003000 of pc.ram (flags ZERO|CONTINUE), fill byte 0x5a");
	assert_describe (record_of (idx, MWB_STREAM_RAM_BLOCK, s.mem_size + 8), "RAM block pc.ram, 0x4000 bytes");
	assert_describe (record_of (idx, MWB_STREAM_CONFIG, 8), "configuration: machine pc-i440fx-7.2");
	g_byte_array_unref (s.b);
}

static void
test_lookups (void)
{
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	const MwbStreamRecord *r;

	/* the innermost record: a page, not its section */
	r = mwb_stream_index_record_at (idx, s.page0 + 15 + 100);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_RAM_PAGE);
	g_assert_cmpuint (r->offset, ==, s.page0);
	g_assert_cmpuint (r->payload_offset, ==, s.page0 + 15);
	g_assert_cmpuint (r->length, ==, 15 + 4096);
	g_assert_cmpstr (r->block, ==, "pc.ram");
	r = mwb_stream_index_record_at (idx, s.page0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_RAM_PAGE);
	r = mwb_stream_index_record_at (idx, s.page0 - 1);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SECTION_PART);
	r = mwb_stream_index_record_at (idx, s.end_footer + 4);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_FOOTER);
	r = mwb_stream_index_record_at (idx, s.timer_data + 3);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_DEVICE_FIELD);
	g_assert_cmpstr (r->name, ==, "cpu_ticks_offset");
	r = mwb_stream_index_record_at (idx, s.timer_data + 24 + 2);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SUBSECTION);
	r = mwb_stream_index_record_at (idx, 0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_HEADER);
	r = mwb_stream_index_record_at (idx, s.b->len - 1);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_VMDESC);
	g_assert_null (mwb_stream_index_record_at (idx, s.b->len));

	/* sections */
	r = mwb_stream_index_next_section (idx, 0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_CONFIG);
	r = mwb_stream_index_next_section (idx, s.page0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SECTION_END);
	r = mwb_stream_index_next_section (idx, r->offset);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SECTION_FULL);
	g_assert_cmpuint (r->offset, ==, s.timer);
	r = mwb_stream_index_prev_section (idx, s.timer);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SECTION_END);
	r = mwb_stream_index_prev_section (idx, s.zero1);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_SECTION_PART);
	g_assert_cmpuint (r->offset, ==, s.ram_part);
	r = mwb_stream_index_section_at (idx, s.zero1);
	g_assert_cmpuint (r->offset, ==, s.ram_part);
	r = mwb_stream_index_section_at (idx, s.ram_part);
	g_assert_cmpuint (r->offset, ==, s.ram_part);
	g_assert_null (mwb_stream_index_prev_section (idx, 0));
	g_assert_null (mwb_stream_index_next_section (idx, s.vmdesc));

	/* pages: the last record of each wins */
	r = mwb_stream_index_find_page (idx, NULL, 0x2000);
	g_assert_cmpuint (r->offset, ==, s.page2_end);
	r = mwb_stream_index_find_page (idx, "pc.ram", 0x2abc);
	g_assert_cmpuint (r->offset, ==, s.page2_end);
	r = mwb_stream_index_find_page (idx, NULL, 0x1000);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_RAM_ZERO);
	g_assert_cmpuint (r->offset, ==, s.zero1);
	r = mwb_stream_index_find_page (idx, NULL, 0);
	g_assert_cmpuint (r->offset, ==, s.page0);
	r = mwb_stream_index_find_page (idx, "pc.bios", 0);
	g_assert_cmpuint (r->offset, ==, s.bios0);
	g_assert_null (mwb_stream_index_find_page (idx, NULL, 0x4000));
	g_assert_null (mwb_stream_index_find_page (idx, "pc.bios", 0x1000));
	g_assert_null (mwb_stream_index_find_page (idx, "nowhere", 0));
	g_byte_array_unref (s.b);
}

/* ---- chunking ---- */

static void
check_chunking (const Shape *shape)
{
	static const gsize chunks[] = { 1, 2, 3, 5, 8, 13, 4095, 4096, 4097, G_MAXSIZE };
	Built s = build_stream (shape);
	Collected whole = parse_chunked (s.b->data, s.b->len, 0);
	gsize i;

	assert_tiles (&whole, s.b->len);
	for (i = 0; i < G_N_ELEMENTS (chunks); i++) {
		Collected c = parse_chunked (s.b->data, s.b->len, chunks[i]);

		assert_same (&whole, &c);
		collected_clear (&c);
	}
	collected_clear (&whole);
	g_byte_array_unref (s.b);
}

static void
test_chunking (void)
{
	Shape plain = { 0 };
	Shape odd = { TRUE, TRUE, TRUE, FALSE, FALSE };
	Shape bad = { FALSE, FALSE, FALSE, TRUE, FALSE };
	Shape bare = { FALSE, FALSE, FALSE, FALSE, TRUE };

	check_chunking (&plain);
	check_chunking (&odd);
	check_chunking (&bad);
	check_chunking (&bare);
}

/* ---- what is not understood ---- */

static void
test_garbage (void)
{
	Shape shape = { TRUE, TRUE, TRUE, FALSE, FALSE };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	const MwbStreamRecord *r;
	const MwbStreamDevice *dev;

	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 3);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_TRUNCATED), ==, 0);

	/* junk in a RAM PART: one region, then the next page is found */
	r = record_of (idx, MWB_STREAM_UNKNOWN, s.garbage_ram);
	g_assert_cmpuint (r->length, ==, sizeof junk_ram);
	g_assert_cmpuint (r->section_id, ==, 2);
	g_assert_nonnull (strstr (r->reason, "not understood"));
	r = record_of (idx, MWB_STREAM_RAM_ZERO, s.zero1);
	g_assert_cmpuint (r->addr, ==, 0x1000);
	r = mwb_stream_index_find_page (idx, NULL, 0x2000);
	g_assert_cmpuint (r->offset, ==, s.page2_end);

	/* junk between sections: one region, then the timer is found */
	r = record_of (idx, MWB_STREAM_UNKNOWN, s.garbage);
	g_assert_cmpuint (r->length, ==, sizeof junk_between);
	g_assert_false (r->late);
	g_assert_cmpstr (r->reason, ==, "section type 0xa5 not known");
	r = mwb_stream_index_record_at (idx, s.garbage + 5);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_UNKNOWN);
	{
		g_autofree char *text = mwb_stream_record_describe (r);

		g_assert_true (g_str_has_prefix (text, "not understood: section type 0xa5 not known, 0x1d bytes at 0x"));
	}
	record_of (idx, MWB_STREAM_SECTION_FULL, s.timer);
	dev = mwb_stream_index_device (idx, 0);
	g_assert_cmpstr (dev->name, ==, "timer");
	g_assert_true (dev->described);

	/* a section the description leaves out: its data, reported late */
	r = record_of (idx, MWB_STREAM_UNKNOWN, s.mystery_data);
	g_assert_true (r->late);
	g_assert_cmpuint (r->length, ==, 10);
	g_assert_cmpstr (r->idstr, ==, "mystery");
	r = mwb_stream_index_record_at (idx, s.mystery_data + 3);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_UNKNOWN);
	dev = mwb_stream_index_device (idx, 2);
	g_assert_cmpstr (dev->name, ==, "mystery");
	g_assert_false (dev->described);
	/* and what comes after it */
	record_of (idx, MWB_STREAM_EOF, s.eof);
	record_of (idx, MWB_STREAM_VMDESC, s.vmdesc);
	g_assert_true (mwb_stream_index_device (idx, 1)->described);
	g_byte_array_unref (s.b);
}

/* A RAM section that stops short, with a device section where its next
 * record should be: the device is found from its first byte. */
static void
test_ram_cut_short (void)
{
	g_autoptr(GByteArray) b = g_byte_array_new ();
	g_autoptr(MwbStreamIndex) idx = NULL;
	const MwbStreamRecord *r;
	gsize full;

	put_header (b, "pc-i440fx-7.2");
	put_section_start (b, 0x01, 2, "ram", 0, 4);
	put64 (b, 0x1000 | MWB_STREAM_RAM_FLAG_MEM_SIZE);
	put_name (b, "pc.ram");
	put64 (b, 0x1000);
	put_eos (b);
	put_footer (b, 2);
	put_section_part (b, 0x02, 2);
	put_zero (b, 0, 0, "pc.ram", 0);
	full = b->len;
	put_section_start (b, 0x04, 3, "timer", 0, 2);
	put64 (b, 1);
	put_footer (b, 3);
	put8 (b, 0x00);
	idx = mwb_stream_index_new_from_bytes (b->data, b->len);

	r = record_of (idx, MWB_STREAM_NOTE, full);
	g_assert_true (g_str_has_prefix (r->reason, "RAM record with flags "));
	g_assert_true (g_str_has_suffix (r->reason, " not understood; something else starts there"));
	g_assert_cmpuint (r->section_id, ==, 2);
	r = record_of (idx, MWB_STREAM_SECTION_FULL, full);
	g_assert_cmpstr (r->idstr, ==, "timer");
	record_of (idx, MWB_STREAM_DEVICE_DATA, full + 19);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_EOF), ==, 1);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_ZERO), ==, 1);
}

static void
test_bad_description (void)
{
	Shape shape = { FALSE, FALSE, FALSE, TRUE, FALSE };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	const MwbStreamRecord *r;

	/* the timer falls back to its footer, the cpu is still walked */
	r = record_of (idx, MWB_STREAM_NOTE, s.timer_data);
	g_assert_nonnull (strstr (r->reason, "does not fit"));
	g_assert_false (mwb_stream_index_device (idx, 0)->described);
	g_assert_cmpuint (mwb_stream_index_device (idx, 0)->length, ==, 44);
	g_assert_true (mwb_stream_index_device (idx, 1)->described);
	r = mwb_stream_index_record_at (idx, s.timer_data + 2);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_DEVICE_DATA);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 0);
	g_byte_array_unref (s.b);
}

static void
test_no_description (void)
{
	Shape shape = { FALSE, FALSE, FALSE, FALSE, TRUE };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);

	g_assert_null (mwb_stream_index_vmdesc (idx));
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_DEVICE_DATA), ==, 2);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_DEVICE_FIELD), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_TRUNCATED), ==, 0);
	g_assert_false (mwb_stream_index_device (idx, 1)->described);
	g_assert_cmpuint (mwb_stream_index_device (idx, 1)->length, ==, 56);
	g_byte_array_unref (s.b);
}

static void
test_keep_limit (void)
{
	static const MwbStreamOps ops = { collect };
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	Collected c = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (Span)) };
	g_autoptr(MwbStreamParser) p = mwb_stream_parser_new (&ops, &c);
	guint i, fields = 0, notes = 0;

	/* room for the timer's 44 bytes, not for the cpu's 56 more */
	mwb_stream_parser_set_keep_limit (p, 60);
	mwb_stream_parser_feed (p, s.b->data, s.b->len);
	mwb_stream_parser_finish (p);
	for (i = 0; i < c.lines->len; i++) {
		const char *line = c.lines->pdata[i];

		if (g_str_has_prefix (line, "device-field"))
			fields++;
		if (g_str_has_prefix (line, "note") && strstr (line, "not walked") != NULL)
			notes++;
	}
	g_assert_cmpuint (fields, ==, 4);
	g_assert_cmpuint (notes, ==, 1);
	assert_tiles (&c, s.b->len);
	collected_clear (&c);
	g_byte_array_unref (s.b);
}

/* ---- cut short ---- */

/* Every prefix: no crash, every byte accounted for, the same records a
 * byte at a time, and (without junk, which may end anywhere) the end said
 * to be cut short unless it falls right after EOF. */
static void
check_prefixes (const Shape *shape, gboolean must_say_cut)
{
	Built s = build_stream (shape);
	gsize len;

	for (len = 0; len < s.b->len; len++) {
		Collected c = parse_chunked (s.b->data, len, 0);
		gboolean cut = FALSE;
		guint i;

		assert_tiles (&c, len);
		for (i = 0; i < c.spans->len; i++)
			cut = cut || g_array_index (c.spans, Span, i).kind == MWB_STREAM_TRUNCATED;
		if (must_say_cut && !(cut || len == s.eof + 1))
			g_test_message ("prefix of %" G_GSIZE_FORMAT " bytes ends with %s", len,
			                (char *) c.lines->pdata[c.lines->len - 1]);
		g_assert_true (!must_say_cut || cut || len == s.eof + 1);
		if (len % 97 == 0) {
			Collected bytes = parse_chunked (s.b->data, len, 1);

			assert_same (&c, &bytes);
			collected_clear (&bytes);
		}
		collected_clear (&c);
	}
	g_byte_array_unref (s.b);
}

static void
test_truncated (void)
{
	Shape plain = { 0 };
	Shape odd = { TRUE, TRUE, TRUE, FALSE, FALSE };

	check_prefixes (&plain, TRUE);
	check_prefixes (&odd, FALSE);
}

static void
test_truncated_page (void)
{
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.page0 + 15 + 1000);
	const MwbStreamRecord *r;

	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_PAGE), ==, 0);
	r = record_of (idx, MWB_STREAM_TRUNCATED, s.page0);
	g_assert_cmpuint (r->length, ==, 15 + 1000);
	g_assert_cmpstr (r->block, ==, "pc.ram");
	g_assert_nonnull (strstr (r->reason, "RAM page 0x00000000 of pc.ram"));
	g_assert_null (mwb_stream_index_find_page (idx, NULL, 0));

	/* inside a device section, and in the middle of a header */
	{
		g_autoptr(MwbStreamIndex) dev = mwb_stream_index_new_from_bytes (s.b->data, s.timer_data + 7);
		g_autoptr(MwbStreamIndex) head = mwb_stream_index_new_from_bytes (s.b->data, s.timer + 3);

		r = record_of (dev, MWB_STREAM_TRUNCATED, s.timer_data);
		g_assert_cmpuint (r->length, ==, 7);
		r = record_of (head, MWB_STREAM_TRUNCATED, s.timer);
		g_assert_cmpuint (r->length, ==, 3);
	}
	g_byte_array_unref (s.b);
}

static void
test_not_a_stream (void)
{
	static const guint8 text[] = "this is not a migration stream\n";
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (text, sizeof text - 1);
	g_autoptr(MwbStreamIndex) empty = mwb_stream_index_new_from_bytes (NULL, 0);
	const MwbStreamRecord *r;

	g_assert_cmpuint (mwb_stream_index_n_records (idx), ==, 1);
	r = mwb_stream_index_record (idx, 0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_UNKNOWN);
	g_assert_cmpuint (r->length, ==, sizeof text - 1);
	g_assert_cmpstr (r->reason, ==, "no QEVM magic at the start");
	g_assert_cmpuint (mwb_stream_index_version (idx), ==, 0);

	g_assert_cmpuint (mwb_stream_index_n_records (empty), ==, 1);
	r = mwb_stream_index_record (empty, 0);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_TRUNCATED);
	g_assert_cmpstr (r->reason, ==, "empty stream");
	g_assert_null (mwb_stream_index_record_at (empty, 0));
	g_assert_null (mwb_stream_index_find_page (empty, NULL, 0));
}

/* Junk before the header is skipped to the magic. */
static void
test_junk_before_magic (void)
{
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	g_autoptr(GByteArray) b = g_byte_array_new ();
	g_autoptr(MwbStreamIndex) idx = NULL;

	put_bytes (b, "QE\0junk", 7);
	put_bytes (b, s.b->data, s.b->len);
	idx = mwb_stream_index_new_from_bytes (b->data, b->len);
	g_assert_cmpint (mwb_stream_index_record (idx, 0)->kind, ==, MWB_STREAM_UNKNOWN);
	g_assert_cmpuint (mwb_stream_index_record (idx, 0)->length, ==, 7);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_PAGE), ==, 4);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_DEVICE_FIELD), ==, 4 + 10);
	g_byte_array_unref (s.b);
}

static char *
print_to_string (void (*print) (FILE *, MwbStreamIndex *), MwbStreamIndex *idx)
{
	char *text = NULL;
	gsize size = 0;
	FILE *f = open_memstream (&text, &size);

	g_assert_nonnull (f);
	print (f, idx);
	fclose (f);
	return text;
}

/* ---- the rest of the format ---- */

/* Configuration subsections; x-ignore-shared adds the blocks' addresses;
 * postcopy, their page sizes; commands; a section with no footer. */
static void
test_config_and_commands (void)
{
	g_autoptr(GByteArray) b = g_byte_array_new ();
	g_autoptr(MwbStreamIndex) idx = NULL;
	const MwbStreamRecord *r;
	gsize caps, uuid, ram_block, cmd, packaged, unknown_sub, no_footer;
	guint i;

	put_header (b, "pc-q35-10.0");
	put8 (b, 0x05);
	put_name (b, "configuration/target-page-bits");
	put32 (b, 1);
	put32 (b, 12);
	caps = b->len;
	put8 (b, 0x05);
	put_name (b, "configuration/capabilities");
	put32 (b, 1);
	put32 (b, 2);
	put_name (b, "x-ignore-shared");
	put_name (b, "postcopy-ram");
	uuid = b->len;
	put8 (b, 0x05);
	put_name (b, "configuration/uuid");
	put32 (b, 1);
	for (i = 0; i < 16; i++)
		put8 (b, 0x10 + i);
	cmd = b->len;
	put8 (b, 0x08);
	put16 (b, 1);
	put16 (b, 0);

	put_section_start (b, 0x01, 2, "ram", 0, 4);
	put64 (b, 0x202000 | MWB_STREAM_RAM_FLAG_MEM_SIZE);
	ram_block = b->len;
	put_name (b, "pc.ram");
	put64 (b, 0x200000);
	put64 (b, 0);                   /* x-ignore-shared: its address */
	put64 (b, 0x200000);            /* postcopy: its page size, 2 MiB */
	put_name (b, "pc.bios");
	put64 (b, 0x2000);
	put64 (b, 0xfffe0000);
	put64 (b, 0x200000);
	put_eos (b);
	put_footer (b, 2);

	packaged = b->len;
	put8 (b, 0x08);
	put16 (b, 7);
	put16 (b, 4);
	put32 (b, 0x1234);

	/* no footer after EOS, as pc-i440fx-2.3 and older send it */
	put_section_part (b, 0x02, 2);
	put_page (b, 0x5000, 0, "pc.ram", 1);
	put_eos (b);
	no_footer = b->len;

	put8 (b, 0x00);
	idx = mwb_stream_index_new_from_bytes (b->data, b->len);

	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_TRUNCATED), ==, 0);
	g_assert_cmpstr (mwb_stream_index_machine (idx), ==, "pc-q35-10.0");
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_SUBSECTION), ==, 3);
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, caps + 32 + 4);
	g_assert_cmpstr (r->name, ==, "capabilities[0]");
	g_assert_cmpstr (r->text, ==, "x-ignore-shared");
	r = record_of (idx, MWB_STREAM_DEVICE_FIELD, uuid + 24);
	g_assert_cmpstr (r->text, ==, "10111213-1415-1617-1819-1a1b1c1d1e1f");
	r = record_of (idx, MWB_STREAM_COMMAND, cmd);
	assert_describe (r, "command 1 OPEN_RETURN_PATH, 0 bytes of data");
	r = record_of (idx, MWB_STREAM_COMMAND, packaged);
	assert_describe (r, "command 7 PACKAGED: a packaged stream of 0x1234 bytes follows");

	r = record_of (idx, MWB_STREAM_RAM_BLOCK, ram_block);
	g_assert_cmpstr (r->block, ==, "pc.ram");
	g_assert_cmpuint (r->length, ==, 7 + 8 + 8 + 8);
	g_assert_cmpuint (r->page_size, ==, 0x200000);
	r = record_of (idx, MWB_STREAM_RAM_BLOCK, ram_block + 31);
	g_assert_cmpstr (r->block, ==, "pc.bios");
	g_assert_cmpuint (r->addr, ==, 0xfffe0000);
	g_assert_cmpuint (r->page_size, ==, 0x200000);

	r = mwb_stream_index_find_page (idx, NULL, 0x5000);
	g_assert_cmpint (r->kind, ==, MWB_STREAM_RAM_PAGE);
	{
		g_autofree char *text = print_to_string (mwb_stream_print_summary, idx);

		g_assert_nonnull (strstr (text, "configuration: machine pc-q35-10.0\n"
		                                "  target_page_bits = 0xc\n"
		                                "  caps_count = 0x2\n"
		                                "  capabilities[0] = x-ignore-shared\n"
		                                "  capabilities[1] = postcopy-ram\n"
		                                "  uuid.data = 10111213-1415-1617-1819-1a1b1c1d1e1f\n"));
	}
	r = record_of (idx, MWB_STREAM_NOTE, no_footer);
	g_assert_cmpstr (r->reason, ==, "section 2 ends without a footer");
	record_of (idx, MWB_STREAM_EOF, no_footer);

	/* a configuration subsection not known: skipped to the next section */
	g_byte_array_set_size (b, 0);
	put_header (b, "pc-q35-11.0");
	unknown_sub = b->len;
	put8 (b, 0x05);
	put_name (b, "configuration/from-the-future");
	put32 (b, 1);
	put32 (b, 0xdeadbeef);
	put_section_start (b, 0x01, 2, "ram", 0, 4);
	put64 (b, 0x1000 | MWB_STREAM_RAM_FLAG_MEM_SIZE);
	put_name (b, "pc.ram");
	put64 (b, 0x1000);
	put_eos (b);
	put_footer (b, 2);
	put8 (b, 0x00);
	g_clear_pointer (&idx, mwb_stream_index_free);
	idx = mwb_stream_index_new_from_bytes (b->data, b->len);
	r = record_of (idx, MWB_STREAM_SUBSECTION, unknown_sub);
	g_assert_cmpstr (r->name, ==, "configuration/from-the-future");
	r = record_of (idx, MWB_STREAM_UNKNOWN, unknown_sub + 35);
	g_assert_cmpuint (r->length, ==, 4);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_RAM_BLOCK), ==, 1);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_EOF), ==, 1);
}

/* ---- printing ---- */

static void
test_print_summary (void)
{
	Shape shape = { TRUE, FALSE, TRUE, FALSE, FALSE };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	g_autofree char *text = print_to_string (mwb_stream_print_summary, idx);
	g_autofree char *junk = g_strdup_printf ("  0x%" G_GSIZE_MODIFIER "x +0x1d  unknown: section type 0xa5 not known\n",
	                                         s.garbage);

	g_test_message ("%s", text);
	g_assert_true (g_str_has_prefix (text, "QEMU migration stream: magic QEVM, version 3, 0x"));
	g_assert_nonnull (strstr (text, "configuration: machine pc-i440fx-7.2\n"));
	g_assert_nonnull (strstr (text, "\n      2      1     1     1     0  ram "));
	g_assert_nonnull (strstr (text, "\n  pc.ram                             0x4000          3          2          4\n"));
	g_assert_nonnull (strstr (text, "\n  timer                            instance 0   version 2   section 3    0x2c bytes at"));
	g_assert_nonnull (strstr (text, "4 fields\n"));
	g_assert_nonnull (strstr (text, junk));
	g_assert_nonnull (strstr (text, "unknown: device section not in the VM description\n"));
	g_byte_array_unref (s.b);
}

static void
test_print_json (void)
{
	Shape shape = { FALSE, FALSE, TRUE, FALSE, FALSE };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	g_autofree char *text = print_to_string (mwb_stream_print_json, idx);
	g_autoptr(JsonParser) parser = json_parser_new ();
	JsonObject *root, *o;
	JsonArray *a;

	g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
	root = json_node_get_object (json_parser_get_root (parser));
	g_assert_cmpint (json_object_get_int_member (root, "size"), ==, s.b->len);
	g_assert_cmpstr (json_object_get_string_member (root, "machine"), ==, "pc-i440fx-7.2");
	o = json_object_get_object_member (root, "header");
	g_assert_cmpint (json_object_get_int_member (o, "version"), ==, 3);
	a = json_object_get_array_member (root, "sections");
	g_assert_cmpuint (json_array_get_length (a), ==, 4);
	a = json_object_get_array_member (root, "ram_blocks");
	o = json_array_get_object_element (a, 0);
	g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "pc.ram");
	g_assert_cmpint (json_object_get_int_member (o, "distinct_pages"), ==, 4);
	a = json_object_get_array_member (root, "devices");
	o = json_array_get_object_element (a, 0);
	g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "timer");
	a = json_object_get_array_member (o, "fields");
	o = json_array_get_object_element (a, 2);
	g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, "cpu_clock_offset");
	g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "0x1122334455667788");
	g_assert_cmpint (json_object_get_int_member (o, "offset"), ==, s.timer_data + 16);
	a = json_object_get_array_member (root, "unknowns");
	g_assert_cmpuint (json_array_get_length (a), ==, 1);
	a = json_object_get_array_member (root, "records");
	g_assert_cmpuint (json_array_get_length (a), ==, mwb_stream_index_n_records (idx));
	o = json_array_get_object_element (a, 9);
	g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "ram-page");
	g_assert_cmpstr (json_object_get_string_member (o, "addr"), ==, "0x0");
	g_assert_cmpstr (json_object_get_string_member (o, "block"), ==, "pc.ram");
	g_assert_cmpint (json_object_get_int_member (o, "payload_offset"), ==, s.page0 + 15);
	g_byte_array_unref (s.b);
}

static void
test_print_page (void)
{
	Shape shape = { 0 };
	Built s = build_stream (&shape);
	g_autoptr(MwbStreamIndex) idx = mwb_stream_index_new_from_bytes (s.b->data, s.b->len);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	gsize size = 0;
	FILE *f = open_memstream (&text, &size);

	g_assert_true (mwb_stream_print_page (f, idx, 0x3010, &error));
	g_assert_no_error (error);
	g_assert_true (mwb_stream_print_page (f, idx, 0x2000, NULL));
	g_assert_false (mwb_stream_print_page (f, idx, 0x4000, &error));
	fclose (f);
	g_assert_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_NOT_FOUND);
	g_assert_cmpstr (error->message, ==, "the stream sends no page 0x4000 of pc.ram or any RAM block");
	g_test_message ("%s", text);
	g_assert_nonnull (strstr (text, "a zero page: every byte is the fill byte 0x5a\n"
	                                "00003000  5a 5a 5a 5a 5a 5a 5a 5a  5a 5a 5a 5a 5a 5a 5a 5a  |ZZZZZZZZZZZZZZZZ|\n"
	                                "*\n"
	                                "00004000\n"));
	/* the page of round 2, from the END */
	g_assert_nonnull (strstr (text, "page 0x2000 of pc.ram: last sent by the record at 0x"));
	g_assert_nonnull (strstr (text, " in section 2 END\n"));
	g_assert_nonnull (strstr (text, "\n00002000  50 41 47 45 02 "));
	g_assert_nonnull (strstr (text, "\n00002ff0  "));
	g_byte_array_unref (s.b);
}

static void
test_hexdump (void)
{
	static const guint8 bytes[40] = "QEVM\0\0\0\3\7\0\0\0\15pc-i440fx-7.2";
	g_autofree char *text = NULL;
	gsize size = 0;
	FILE *f = open_memstream (&text, &size);
	guint8 zeros[64] = { 0 };

	/* printed by `hexdump -C` from the same bytes */
	mwb_stream_print_hexdump (f, bytes, 26, 0);
	mwb_stream_print_hexdump (f, zeros, sizeof zeros, 0x100000000);
	fclose (f);
	g_assert_cmpstr (text, ==,
	                 "00000000  51 45 56 4d 00 00 00 03  07 00 00 00 0d 70 63 2d  |QEVM.........pc-|\n"
	                 "00000010  69 34 34 30 66 78 2d 37  2e 32                    |i440fx-7.2|\n"
	                 "0000001a\n"
	                 "100000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
	                 "*\n"
	                 "100000040\n");
}

static void
test_names (void)
{
	g_autofree char *flags = mwb_stream_ram_flags_string (0x28);
	g_autofree char *odd = mwb_stream_ram_flags_string (0x1002);
	g_autofree char *none = mwb_stream_ram_flags_string (0);
	int kind;

	g_assert_cmpstr (flags, ==, "PAGE|CONTINUE");
	g_assert_cmpstr (odd, ==, "ZERO|0x1000");
	g_assert_cmpstr (none, ==, "0");
	for (kind = 0; kind < MWB_STREAM_KIND_COUNT; kind++)
		g_assert_nonnull (mwb_stream_kind_name (kind));
	g_assert_null (mwb_stream_kind_name (MWB_STREAM_KIND_COUNT));
	g_assert_cmpstr (mwb_stream_section_type_name (4), ==, "FULL");
	g_assert_null (mwb_stream_section_type_name (0));
}

/* ---- a real stream ---- */

static void
test_real_stream (void)
{
	const char *path = g_getenv ("MWB_TEST_STREAM");
	g_autoptr(MwbStreamIndex) idx = NULL;
	g_autoptr(GError) error = NULL;
	const MwbStreamRamBlock *ram = NULL;
	const MwbStreamRecord *r;
	gint64 start;
	guint i;

	if (path == NULL || path[0] == '\0') {
		g_test_skip ("MWB_TEST_STREAM names no stream");
		return;
	}
	start = g_get_monotonic_time ();
	idx = mwb_stream_index_load (path, &error);
	g_assert_no_error (error);
	g_test_message ("%s: %u records in %" G_GINT64_FORMAT " ms", path, mwb_stream_index_n_records (idx),
	                (g_get_monotonic_time () - start) / 1000);

	g_assert_cmpuint (mwb_stream_index_version (idx), ==, 3);
	g_assert_nonnull (mwb_stream_index_machine (idx));
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_UNKNOWN), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_TRUNCATED), ==, 0);
	g_assert_cmpuint (count_kind (idx, MWB_STREAM_EOF), >=, 1);
	for (i = 0; i < mwb_stream_index_n_ram_blocks (idx); i++)
		if (g_strcmp0 (mwb_stream_index_ram_block (idx, i)->name, "pc.ram") == 0)
			ram = mwb_stream_index_ram_block (idx, i);
	g_assert_nonnull (ram);
	g_assert_cmpuint (ram->page_records + ram->zero_records, >, 0);
	g_assert_cmpuint (ram->distinct_pages, <=, ram->size / mwb_stream_index_page_size (idx));
	if (mwb_stream_index_vmdesc (idx) != NULL)
		for (i = 0; i < mwb_stream_index_n_devices (idx); i++)
			g_assert_true (mwb_stream_index_device (idx, i)->described);

	/* every byte belongs to some record */
	r = mwb_stream_index_record (idx, mwb_stream_index_n_records (idx) - 1);
	for (i = 0; i < mwb_stream_index_n_records (idx); i++) {
		const MwbStreamRecord *x = mwb_stream_index_record (idx, i);

		if (x->length > 0 && x->kind != MWB_STREAM_NOTE)
			g_assert_true (mwb_stream_index_record_at (idx, x->offset + x->length - 1) != NULL);
	}
	g_assert_nonnull (r);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/stream/records", test_records);
	g_test_add_func ("/stream/index", test_index);
	g_test_add_func ("/stream/lookups", test_lookups);
	g_test_add_func ("/stream/chunking", test_chunking);
	g_test_add_func ("/stream/garbage", test_garbage);
	g_test_add_func ("/stream/ram-cut-short", test_ram_cut_short);
	g_test_add_func ("/stream/bad-description", test_bad_description);
	g_test_add_func ("/stream/no-description", test_no_description);
	g_test_add_func ("/stream/keep-limit", test_keep_limit);
	g_test_add_func ("/stream/truncated", test_truncated);
	g_test_add_func ("/stream/truncated-page", test_truncated_page);
	g_test_add_func ("/stream/not-a-stream", test_not_a_stream);
	g_test_add_func ("/stream/junk-before-magic", test_junk_before_magic);
	g_test_add_func ("/stream/config-and-commands", test_config_and_commands);
	g_test_add_func ("/stream/print/summary", test_print_summary);
	g_test_add_func ("/stream/print/json", test_print_json);
	g_test_add_func ("/stream/print/page", test_print_page);
	g_test_add_func ("/stream/print/hexdump", test_hexdump);
	g_test_add_func ("/stream/names", test_names);
	/* Only when asked: a real stream is an extra, not a host feature to skip for. */
	if (g_getenv ("MWB_TEST_STREAM"))
		g_test_add_func ("/stream/real", test_real_stream);

	return g_test_run ();
}
