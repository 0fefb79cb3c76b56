/* Unit tests for the CRIU image inspector.
 *
 * Images are built here byte by byte where a test needs a shape CRIU does
 * not easily make (a damaged size, a pagemap with runs in a parent dump,
 * an image of an unknown type), and read from data/criu/holder, a real
 * dump by CRIU 4.1.1 of two processes holding a pipe with queued data,
 * two socket pairs with queued packets, an eventfd and a deleted file
 * (see data/criu/README.md).  MWB_TEST_CRIU_DATA names another directory
 * holding holder/.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "../criu-image.h"
#include "../criu-image-print.h"

/* ---- building images ---- */

static void
put8 (GByteArray *b, guint8 v)
{
	g_byte_array_append (b, &v, 1);
}

static void
put_le32 (GByteArray *b, guint32 v)
{
	guint8 w[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	g_byte_array_append (b, w, 4);
}

static void
put_varint (GByteArray *b, guint64 v)
{
	while (v >= 0x80) {
		put8 (b, (guint8) (v | 0x80));
		v >>= 7;
	}
	put8 (b, (guint8) v);
}

static void
pb_uint (GByteArray *m, guint32 number, guint64 v)
{
	put_varint (m, (guint64) number << 3);
	put_varint (m, v);
}

static void
pb_bytes (GByteArray *m, guint32 number, const void *data, gsize len)
{
	put_varint (m, (guint64) number << 3 | 2);
	put_varint (m, len);
	g_byte_array_append (m, data, (guint) len);
}

static void
put_magic (GByteArray *b, guint32 magic)
{
	put_le32 (b, MWB_CRIU_IMG_COMMON_MAGIC);
	put_le32 (b, magic);
}

/* A size word and the message; returns the entry's offset. */
static gsize
put_entry (GByteArray *b, GByteArray *m)
{
	gsize at = b->len;

	put_le32 (b, m->len);
	g_byte_array_append (b, m->data, m->len);
	g_byte_array_set_size (m, 0);
	return at;
}

/* pipes-data.img with two pipes: 5 bytes "hello", then 3 bytes "abc". */
static GByteArray *
build_pipes_data (void)
{
	GByteArray *b = g_byte_array_new ();
	g_autoptr(GByteArray) m = g_byte_array_new ();

	put_magic (b, MWB_CRIU_PIPES_DATA_MAGIC);
	pb_uint (m, 1, 77);
	pb_uint (m, 2, 5);
	pb_uint (m, 3, 65536);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "hello", 5);
	pb_uint (m, 1, 78);
	pb_uint (m, 2, 3);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "abc", 3);
	return b;
}

/* pagemap-42.img: head pages_id 7, then runs at 0x10000 (2 pages,
 * present), 0x20000 (3, parent), 0x30000 (1, lazy and present),
 * 0x40000 (4, lazy only), 0x50000 (1 page, no flags field: present by the
 * old rule), 0x60000 (2, no flags, in_parent: parent by the old rule). */
static GByteArray *
build_pagemap (void)
{
	GByteArray *b = g_byte_array_new ();
	g_autoptr(GByteArray) m = g_byte_array_new ();
	static const struct {
		guint64 vaddr, nr;
		gint flags;             /* -1: no flags field */
		gboolean in_parent;
	} runs[] = {
		{ 0x10000, 2, MWB_CRIU_PE_PRESENT, FALSE },
		{ 0x20000, 3, MWB_CRIU_PE_PARENT, FALSE },
		{ 0x30000, 1, MWB_CRIU_PE_LAZY | MWB_CRIU_PE_PRESENT, FALSE },
		{ 0x40000, 4, MWB_CRIU_PE_LAZY, FALSE },
		{ 0x50000, 1, -1, FALSE },
		{ 0x60000, 2, -1, TRUE },
	};
	gsize i;

	put_magic (b, MWB_CRIU_PAGEMAP_MAGIC);
	pb_uint (m, 1, 7);
	put_entry (b, m);
	for (i = 0; i < G_N_ELEMENTS (runs); i++) {
		pb_uint (m, 1, runs[i].vaddr);
		pb_uint (m, 2, runs[i].nr);
		if (runs[i].in_parent)
			pb_uint (m, 3, 1);
		if (runs[i].flags >= 0)
			pb_uint (m, 4, (guint64) runs[i].flags);
		put_entry (b, m);
	}
	return b;
}

/* ---- collecting records ---- */

typedef struct {
	GPtrArray *lines;       /* one line per record, everything in it */
	GArray *records;        /* MwbCriuRecord without pointers */
} Collected;

static void
collect (const MwbCriuRecord *r, gpointer data)
{
	Collected *c = data;
	MwbCriuRecord copy = *r;
	g_autofree char *what = mwb_criu_record_describe (r, 0);

	g_ptr_array_add (c->lines, g_strdup_printf ("%d %" G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x %x %s %u %s %"
	                                            G_GINT64_MODIFIER "x %" G_GINT64_MODIFIER "x %s | %s",
	                                            r->kind, r->offset, r->length, r->magic,
	                                            r->image_type != NULL ? r->image_type : "-", r->entry,
	                                            r->message != NULL ? r->message : "-", r->payload_offset,
	                                            r->payload_length, r->reason != NULL ? r->reason : "-", what));
	copy.image_type = copy.message = copy.reason = NULL;
	copy.data = NULL;
	g_array_append_val (c->records, copy);
}

static guint32
next_random (guint32 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* chunk 0: whole; G_MAXSIZE - 1: random sizes; else that size */
static Collected
parse_chunked (const guint8 *data, gsize len, const char *name, gsize chunk)
{
	static const MwbCriuOps ops = { collect };
	Collected c = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (MwbCriuRecord)) };
	g_autoptr(MwbCriuParser) p = mwb_criu_parser_new (&ops, &c, name);
	guint32 state = 0x2545f491;
	gsize at = 0;

	while (at < len) {
		gsize n = chunk == 0 ? len : chunk == G_MAXSIZE - 1 ? 1 + next_random (&state) % 37 : chunk;

		n = MIN (n, len - at);
		mwb_criu_parser_feed (p, data + at, n);
		at += n;
		g_assert_cmpuint (mwb_criu_parser_offset (p), ==, at);
	}
	mwb_criu_parser_finish (p);
	return c;
}

static void
collected_clear (Collected *c)
{
	g_ptr_array_unref (c->lines);
	g_array_unref (c->records);
}

static const MwbCriuRecord *
rec (const Collected *c, guint i)
{
	g_assert_cmpuint (i, <, c->records->len);
	return &g_array_index (c->records, MwbCriuRecord, i);
}

/* Records cover the file in order, every byte once. */
static void
assert_tiles (const Collected *c, gsize len)
{
	guint64 end = 0;
	guint i;

	for (i = 0; i < c->records->len; i++) {
		const MwbCriuRecord *r = rec (c, i);

		g_assert_cmpuint (r->offset, ==, end);
		end = r->offset + r->length;
		if (r->payload_length > 0) {
			g_assert_cmpuint (r->payload_offset, >=, r->offset);
			g_assert_cmpuint (r->payload_offset + r->payload_length, <=, r->offset + r->length);
		}
	}
	g_assert_cmpuint (end, ==, len);
}

static void
assert_same (const Collected *a, const Collected *b)
{
	guint i;

	g_assert_cmpuint (a->lines->len, ==, b->lines->len);
	for (i = 0; i < a->lines->len; i++)
		g_assert_cmpstr (a->lines->pdata[i], ==, b->lines->pdata[i]);
}

static void
check_chunking (const guint8 *data, gsize len, const char *name)
{
	static const gsize chunks[] = { 1, 2, 3, 5, 7, 13, 64, 4095, 4096, G_MAXSIZE - 1 };
	Collected whole = parse_chunked (data, len, name, 0);
	gsize i;

	assert_tiles (&whole, len);
	for (i = 0; i < G_N_ELEMENTS (chunks); i++) {
		Collected c = parse_chunked (data, len, name, chunks[i]);

		assert_same (&whole, &c);
		collected_clear (&c);
	}
	collected_clear (&whole);
}

/* ---- the real dump ---- */

static char *
data_dir (void)
{
	const char *env = g_getenv ("MWB_TEST_CRIU_DATA");
	g_autofree char *src = g_path_get_dirname (__FILE__);
	g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
	char *dir;

	if (env != NULL && env[0] != '\0')
		return g_strdup (env);
	/* built from the top of the tree as engine/tests/test-criu-image.c,
	 * run from the top of the tree by tests/run.sh */
	dir = g_build_filename (src, "data", "criu", NULL);
	if (g_file_test (dir, G_FILE_TEST_IS_DIR) || exe == NULL)
		return dir;
	g_free (dir);
	/* else from BUILD/tests/test-criu-image, BUILD two levels down */
	{
		g_autofree char *tests = g_path_get_dirname (exe);

		return g_build_filename (tests, "..", "..", "..", "engine", "tests", "data", "criu", NULL);
	}
}

static char *
holder_path (const char *name)
{
	g_autofree char *dir = data_dir ();
	char *path = g_build_filename (dir, "holder", name, NULL);

	if (!g_file_test (path, G_FILE_TEST_EXISTS))
		g_error ("%s is missing: run from the top of the tree or set MWB_TEST_CRIU_DATA", path);
	return path;
}

#define CAPTURE_START(f, text, size) \
	do { \
		g_clear_pointer (&(text), g_free); \
		(f) = open_memstream (&(text), &(size)); \
		g_assert_nonnull (f); \
	} while (0)

/* ---- tests ---- */

static void
test_names (void)
{
	g_autofree char *flags = mwb_criu_pagemap_flags_string (MWB_CRIU_PE_LAZY | MWB_CRIU_PE_PRESENT);
	g_autofree char *odd = mwb_criu_pagemap_flags_string (0x11);
	g_autofree char *none = mwb_criu_pagemap_flags_string (0);
	guint32 id = 0;

	g_assert_cmpstr (mwb_criu_magic_name (0x50273030), ==, "PSTREE");
	g_assert_cmpstr (mwb_criu_magic_name (0x58313116), ==, "INVENTORY");
	g_assert_cmpstr (mwb_criu_magic_name (0x57093306), ==, "STATS");
	g_assert_cmpstr (mwb_criu_magic_name (0x43114433), ==, "TIMENS");
	g_assert_cmpstr (mwb_criu_magic_name (0x46283044), ==, "IPCNS_SHM");
	g_assert_cmpstr (mwb_criu_magic_name (0x59433025), ==, "TTY_FILES");
	g_assert_cmpstr (mwb_criu_magic_name (MWB_CRIU_IMG_COMMON_MAGIC), ==, "IMG_COMMON");
	g_assert_null (mwb_criu_magic_name (0x12345678));
	g_assert_null (mwb_criu_magic_name (0));
	g_assert_cmphex (mwb_criu_magic_from_name ("CORE"), ==, MWB_CRIU_CORE_MAGIC);
	g_assert_cmphex (mwb_criu_magic_from_name ("NOPE"), ==, 0);
	g_assert_cmpstr (mwb_criu_magic_message (MWB_CRIU_PSTREE_MAGIC), ==, "pstree_entry");
	g_assert_true (mwb_criu_is_leading_magic (MWB_CRIU_IMG_SERVICE_MAGIC));
	g_assert_false (mwb_criu_is_leading_magic (MWB_CRIU_PSTREE_MAGIC));

	g_assert_cmpstr (mwb_criu_raw_image_type ("pages-1.img"), ==, "PAGES");
	g_assert_cmpstr (mwb_criu_raw_image_type ("/a/b/pages-123.img"), ==, "PAGES");
	g_assert_cmpstr (mwb_criu_raw_image_type ("tmpfs-dev-5.tar.gz.img"), ==, "TMPFS_DEV");
	g_assert_cmpstr (mwb_criu_raw_image_type ("ifaddr-9.img"), ==, "IFADDR");
	g_assert_null (mwb_criu_raw_image_type ("pages-.img"));
	g_assert_null (mwb_criu_raw_image_type ("pages-1.img.bak"));
	g_assert_null (mwb_criu_raw_image_type ("pagemap-1.img"));
	g_assert_null (mwb_criu_raw_image_type (NULL));
	g_assert_true (mwb_criu_pages_name_id ("dir/pages-17.img", &id));
	g_assert_cmpuint (id, ==, 17);
	g_assert_false (mwb_criu_pages_name_id ("pages-99999999999.img", &id));

	g_assert_cmpstr (flags, ==, "PE_LAZY|PE_PRESENT");
	g_assert_cmpstr (odd, ==, "PE_PARENT|0x10");
	g_assert_cmpstr (none, ==, "0");
	g_assert_cmpstr (mwb_criu_task_state_name (1), ==, "alive");
	g_assert_cmpstr (mwb_criu_task_state_name (6), ==, "zombie");
	g_assert_null (mwb_criu_task_state_name (5));
	g_assert_cmpstr (mwb_criu_fd_type_name (2), ==, "PIPE");
	g_assert_cmpstr (mwb_criu_fd_type_name (65534), ==, "CTL_TTY");
	g_assert_null (mwb_criu_fd_type_name (400));
	g_assert_cmpstr (mwb_criu_kind_name (MWB_CRIU_DAMAGED), ==, "damaged");
	g_assert_null (mwb_criu_kind_name (MWB_CRIU_KIND_COUNT));
	g_assert_cmpstr (mwb_criu_pb_field_def ("pstree_entry", 2)->name, ==, "ppid");
	g_assert_null (mwb_criu_pb_field_def ("pstree_entry", 99));
	g_assert_null (mwb_criu_pb_field_def (NULL, 1));
	g_assert_cmpstr (mwb_criu_pb_enum_name ("core_entry", 1, 1), ==, "X86_64");
	g_assert_cmpstr (mwb_criu_pb_enum_name ("fdinfo_entry", 3, 5), ==, "UNIXSK");
	g_assert_cmpstr (mwb_criu_pb_enum_name ("task_core_entry", 1, 3), ==, "stopped");
	g_assert_null (mwb_criu_pb_enum_name ("pstree_entry", 1, 1));
}

static void
test_pb_split (void)
{
	g_autoptr(GByteArray) m = g_byte_array_new ();
	g_autoptr(GByteArray) inner = g_byte_array_new ();
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	static const guint8 fixed[] = { 0x21, 1, 2, 3, 4, 5, 6, 7, 8, 0x2d, 0xef, 0xbe, 0xad, 0xde };
	static const guint8 field0[] = { 0x00, 0x01 };
	static const guint8 group[] = { 0x0b, 0x0c };
	static const guint8 cut_varint[] = { 0x08, 0x80, 0x80 };
	static const guint8 max_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const guint8 long_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const guint8 over_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	static const guint8 past_end[] = { 0x12, 0x05, 'a', 'b' };
	const MwbCriuField *f;
	const guint8 *bytes;
	const char *reason = NULL;
	gsize bad_at = 99, blen;
	guint64 v;
	static const guint32 path[] = { 3, 1 };

	pb_uint (m, 1, 300);
	pb_bytes (m, 2, "env00", 5);
	pb_uint (inner, 1, 7);
	pb_bytes (m, 3, inner->data, inner->len);
	pb_uint (m, 5, 1);
	pb_uint (m, 5, 2);
	g_assert_true (mwb_criu_pb_split (m->data, m->len, fields, NULL, NULL));
	g_assert_cmpuint (fields->len, ==, 5);
	f = &g_array_index (fields, MwbCriuField, 0);
	g_assert_cmpuint (f->number, ==, 1);
	g_assert_cmpint (f->wire, ==, MWB_CRIU_WIRE_VARINT);
	g_assert_cmpuint (f->value, ==, 300);
	g_assert_cmpuint (f->offset, ==, 0);
	g_assert_cmpuint (f->length, ==, 3);
	f = &g_array_index (fields, MwbCriuField, 1);
	g_assert_cmpint (f->wire, ==, MWB_CRIU_WIRE_BYTES);
	g_assert_cmpuint (f->value, ==, 5);
	g_assert_cmpuint (f->value_offset, ==, 5);
	g_assert_cmpmem (m->data + f->value_offset, 5, "env00", 5);

	g_assert_true (mwb_criu_pb_uint (m->data, m->len, 1, &v));
	g_assert_cmpuint (v, ==, 300);
	g_assert_true (mwb_criu_pb_uint (m->data, m->len, 5, &v));
	g_assert_cmpuint (v, ==, 2);
	g_assert_false (mwb_criu_pb_uint (m->data, m->len, 2, &v));
	g_assert_false (mwb_criu_pb_uint (m->data, m->len, 9, &v));
	g_assert_true (mwb_criu_pb_bytes (m->data, m->len, 2, &bytes, &blen));
	g_assert_cmpmem (bytes, blen, "env00", 5);
	g_assert_cmpuint (mwb_criu_pb_count (m->data, m->len, 5), ==, 2);
	g_assert_true (mwb_criu_pb_path_uint (m->data, m->len, path, 2, &v));
	g_assert_cmpuint (v, ==, 7);

	g_array_set_size (fields, 0);
	g_assert_true (mwb_criu_pb_split (fixed, sizeof fixed, fields, NULL, NULL));
	g_assert_cmphex (g_array_index (fields, MwbCriuField, 0).value, ==, 0x0807060504030201);
	g_assert_cmphex (g_array_index (fields, MwbCriuField, 1).value, ==, 0xdeadbeef);
	g_assert_cmpint (g_array_index (fields, MwbCriuField, 1).wire, ==, MWB_CRIU_WIRE_FIXED32);

	g_assert_true (mwb_criu_pb_split (NULL, 0, NULL, NULL, NULL));
	g_array_set_size (fields, 0);
	g_assert_true (mwb_criu_pb_split (max_varint, sizeof max_varint, fields, NULL, NULL));
	g_assert_cmphex (g_array_index (fields, MwbCriuField, 0).value, ==, G_MAXUINT64);
	g_assert_false (mwb_criu_pb_split (field0, sizeof field0, NULL, &bad_at, &reason));
	g_assert_cmpuint (bad_at, ==, 0);
	g_assert_cmpstr (reason, ==, "field number 0");
	g_assert_false (mwb_criu_pb_split (group, sizeof group, NULL, NULL, &reason));
	g_assert_nonnull (strstr (reason, "group"));
	g_assert_false (mwb_criu_pb_split (cut_varint, sizeof cut_varint, NULL, &bad_at, NULL));
	g_assert_false (mwb_criu_pb_split (long_varint, sizeof long_varint, NULL, NULL, NULL));
	g_assert_false (mwb_criu_pb_split (over_varint, sizeof over_varint, NULL, NULL, NULL));
	g_array_set_size (fields, 0);
	g_assert_false (mwb_criu_pb_split (past_end, sizeof past_end, fields, &bad_at, &reason));
	g_assert_cmpuint (fields->len, ==, 0);
	g_assert_nonnull (strstr (reason, "past the end"));

	g_assert_true (mwb_criu_pb_looks_like_text ((const guint8 *) "a b\tc\n", 6));
	g_assert_false (mwb_criu_pb_looks_like_text ((const guint8 *) "a\001", 2));
	g_assert_false (mwb_criu_pb_looks_like_text ((const guint8 *) "", 0));
	g_assert_true (mwb_criu_pb_looks_like_message (inner->data, inner->len));
	g_assert_false (mwb_criu_pb_looks_like_message (field0, sizeof field0));
}

static void
test_pb_format (void)
{
	g_autoptr(GByteArray) m = g_byte_array_new ();
	g_autoptr(GByteArray) inner = g_byte_array_new ();
	static const guint8 bad[] = { 0x08, 0x01, 0x00 };
	static const guint8 raw[] = { 0x12, 0x03, 0x00, 0xff, 0x01 };
	g_autofree char *pstree = NULL;
	g_autofree char *unknown = NULL;
	g_autofree char *cut = NULL;
	g_autofree char *broken = NULL;
	g_autofree char *bytes = NULL;
	g_autofree char *core = NULL;

	pb_uint (m, 1, 9601);
	pb_uint (m, 2, 0);
	pb_uint (m, 3, 9601);
	pb_uint (m, 4, 9601);
	pb_uint (m, 5, 9601);
	pb_uint (m, 5, 9602);
	pstree = mwb_criu_pb_format ("pstree_entry", m->data, m->len, 0);
	g_assert_cmpstr (pstree, ==, "pid=9601 ppid=0 pgid=9601 sid=9601 threads=[9601,9602]");
	unknown = mwb_criu_pb_format (NULL, m->data, m->len, 0);
	g_assert_cmpstr (unknown, ==, "1:varint=9601 2:varint=0 3:varint=9601 4:varint=9601 5:varint=[9601,9602]");
	cut = mwb_criu_pb_format ("pstree_entry", m->data, m->len, 20);
	g_assert_cmpuint (strlen (cut), <=, 20);
	g_assert_true (g_str_has_suffix (cut, "..."));
	g_assert_true (g_str_has_prefix (cut, "pid=9601"));

	g_byte_array_set_size (m, 0);
	pb_uint (m, 1, 42);
	pb_bytes (m, 2, "env00", 5);
	pb_uint (inner, 1, 7);
	pb_bytes (m, 3, inner->data, inner->len);
	unknown = (g_free (unknown), mwb_criu_pb_format (NULL, m->data, m->len, 0));
	g_assert_cmpstr (unknown, ==, "1:varint=42 2:bytes=\"env00\" 3:msg{1:varint=7}");
	broken = mwb_criu_pb_format (NULL, bad, sizeof bad, 0);
	g_assert_cmpstr (broken, ==, "1:varint=1 !not protobuf: field number 0 at +0x2");
	bytes = mwb_criu_pb_format (NULL, raw, sizeof raw, 0);
	g_assert_cmpstr (bytes, ==, "2:bytes[3]00ff01");

	/* core_entry: tc={task_state comm}, the enum names */
	g_byte_array_set_size (m, 0);
	g_byte_array_set_size (inner, 0);
	pb_uint (inner, 1, 1);
	pb_bytes (inner, 6, "sleep", 5);
	pb_uint (m, 1, 1);
	pb_bytes (m, 3, inner->data, inner->len);
	core = mwb_criu_pb_format ("core_entry", m->data, m->len, 0);
	g_assert_cmpstr (core, ==, "mtype=1(X86_64) tc={task_state=1(alive) comm=\"sleep\"}");
}

static void
test_records (void)
{
	g_autoptr(GByteArray) b = build_pipes_data ();
	Collected c = parse_chunked (b->data, b->len, "pipes-data.img", 0);

	assert_tiles (&c, b->len);
	g_assert_cmpuint (c.records->len, ==, 6);
	g_assert_cmpint (rec (&c, 0)->kind, ==, MWB_CRIU_MAGIC);
	g_assert_cmphex (rec (&c, 0)->magic, ==, MWB_CRIU_IMG_COMMON_MAGIC);
	g_assert_cmpint (rec (&c, 1)->kind, ==, MWB_CRIU_MAGIC);
	g_assert_cmphex (rec (&c, 1)->magic, ==, MWB_CRIU_PIPES_DATA_MAGIC);
	g_assert_cmpint (rec (&c, 2)->kind, ==, MWB_CRIU_ENTRY);
	g_assert_cmpuint (rec (&c, 2)->offset, ==, 8);
	g_assert_cmpuint (rec (&c, 2)->payload_offset, ==, 12);
	g_assert_cmpint (rec (&c, 3)->kind, ==, MWB_CRIU_EXTRA);
	g_assert_cmpuint (rec (&c, 3)->length, ==, 5);
	g_assert_cmpuint (rec (&c, 3)->entry, ==, 0);
	g_assert_cmpint (rec (&c, 4)->kind, ==, MWB_CRIU_ENTRY);
	g_assert_cmpuint (rec (&c, 4)->entry, ==, 1);
	g_assert_cmpint (rec (&c, 5)->kind, ==, MWB_CRIU_EXTRA);
	g_assert_cmpuint (rec (&c, 5)->length, ==, 3);
	g_assert_cmpuint (rec (&c, 5)->offset, ==, b->len - 3);
	g_assert_nonnull (strstr (c.lines->pdata[2], "pipe_data_entry"));
	g_assert_nonnull (strstr (c.lines->pdata[2], "pipe_id=77 bytes=5 size=65536"));
	g_assert_nonnull (strstr (c.lines->pdata[3], "pipe data of entry 0"));
	collected_clear (&c);
}

static void
test_chunking (void)
{
	static const char *const names[] = {
		"inventory.img", "pstree.img", "core-9601.img", "mm-9601.img", "pagemap-9601.img", "pages-1.img",
		"pipes-data.img", "sk-queues.img", "ghost-file-1.img", "files.img", "stats-dump",
	};
	g_autoptr(GByteArray) pipes = build_pipes_data ();
	g_autoptr(GByteArray) pagemap = build_pagemap ();
	gsize i;

	check_chunking (pipes->data, pipes->len, "pipes-data.img");
	check_chunking (pagemap->data, pagemap->len, "pagemap-42.img");
	/* cut anywhere: still the same records however it is fed */
	for (i = 0; i < pipes->len; i += 3)
		check_chunking (pipes->data, i, "pipes-data.img");
	for (i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *path = holder_path (names[i]);
		g_autofree char *contents = NULL;
		gsize len;

		g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
		check_chunking ((const guint8 *) contents, len, names[i]);
	}
}

static void
test_damaged (void)
{
	g_autoptr(GByteArray) b = build_pipes_data ();
	g_autoptr(GByteArray) m = g_byte_array_new ();
	Collected c;
	guint32 huge = 0x7fffffff;
	static const guint8 half_magic[] = { 0x19, 0x43 };
	static const guint8 junk[] = "this is no image at all, it is text";

	/* the second entry claims more than is left */
	g_byte_array_set_size (b, b->len - 3);
	b->data[b->len - 8] = 0x40;         /* its size word: 0x40 bytes */
	c = parse_chunked (b->data, b->len, "pipes-data.img", 0);
	assert_tiles (&c, b->len);
	g_assert_cmpint (rec (&c, c.records->len - 1)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_cmpuint (rec (&c, c.records->len - 1)->offset, ==, b->len - 8);
	g_assert_nonnull (strstr (c.lines->pdata[c.records->len - 1], "entry 1 claims 0x40 bytes"));
	collected_clear (&c);

	/* a size past any message: the rest is not framed, and nothing that
	 * big is held */
	g_byte_array_set_size (b, 0);
	put_magic (b, MWB_CRIU_PSTREE_MAGIC);
	put_le32 (b, huge);
	g_byte_array_append (b, junk, sizeof junk);
	c = parse_chunked (b->data, b->len, "pstree.img", 0);
	assert_tiles (&c, b->len);
	g_assert_cmpuint (c.records->len, ==, 3);
	g_assert_cmpint (rec (&c, 2)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_cmpuint (rec (&c, 2)->offset, ==, 8);
	g_assert_nonnull (strstr (c.lines->pdata[2], "more than any CRIU message"));
	collected_clear (&c);

	/* an entry that is no protobuf message, then a good one */
	g_byte_array_set_size (b, 0);
	put_magic (b, MWB_CRIU_PSTREE_MAGIC);
	put_le32 (b, 2);
	put8 (b, 0x00);
	put8 (b, 0x00);
	pb_uint (m, 1, 5);
	put_entry (b, m);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_cmpint (rec (&c, 2)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_nonnull (strstr (c.lines->pdata[2], "no protobuf message: field number 0"));
	g_assert_cmpint (rec (&c, 3)->kind, ==, MWB_CRIU_ENTRY);
	g_assert_cmpuint (rec (&c, 3)->entry, ==, 1);
	collected_clear (&c);

	/* the raw payload cut short */
	g_byte_array_unref (b);
	b = build_pipes_data ();
	g_byte_array_set_size (b, b->len - 1);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_cmpint (rec (&c, c.records->len - 1)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_cmpuint (rec (&c, c.records->len - 1)->length, ==, 2);
	g_assert_nonnull (strstr (c.lines->pdata[c.records->len - 1], "pipe data of entry 1 claims 0x3 bytes"));
	collected_clear (&c);

	/* cut inside a size word */
	g_byte_array_set_size (b, 10);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_nonnull (strstr (c.lines->pdata[c.records->len - 1], "inside entry 0's size word"));
	collected_clear (&c);

	/* empty, half a magic, no magic */
	c = parse_chunked (NULL, 0, "pstree.img", 0);
	g_assert_cmpuint (c.records->len, ==, 1);
	g_assert_cmpint (rec (&c, 0)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_nonnull (strstr (c.lines->pdata[0], "empty file"));
	collected_clear (&c);
	c = parse_chunked (half_magic, sizeof half_magic, NULL, 0);
	assert_tiles (&c, sizeof half_magic);
	g_assert_nonnull (strstr (c.lines->pdata[0], "inside its magic"));
	collected_clear (&c);
	c = parse_chunked (junk, sizeof junk, NULL, 0);
	assert_tiles (&c, sizeof junk);
	g_assert_cmpuint (c.records->len, ==, 1);
	g_assert_cmpint (rec (&c, 0)->kind, ==, MWB_CRIU_DAMAGED);
	g_assert_nonnull (strstr (c.lines->pdata[0], "no CRIU magic"));
	collected_clear (&c);

	/* only IMG_COMMON */
	c = parse_chunked (b->data, 4, NULL, 0);
	g_assert_cmpuint (c.records->len, ==, 2);
	g_assert_nonnull (strstr (c.lines->pdata[1], "before the image's magic"));
	collected_clear (&c);

	/* an empty pages image is fine: no records */
	c = parse_chunked (NULL, 0, "pages-3.img", 0);
	g_assert_cmpuint (c.records->len, ==, 0);
	collected_clear (&c);
}

static void
test_unknown_type (void)
{
	g_autoptr(GByteArray) b = g_byte_array_new ();
	g_autoptr(GByteArray) m = g_byte_array_new ();
	Collected c;

	/* a magic CRIU 4.1 does not know, one entry, then raw bytes the
	 * parser cannot size */
	put_magic (b, 0x61626364);
	pb_uint (m, 1, 1);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "\xff\xff\xff\xffraw", 7);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_cmpuint (c.records->len, ==, 4);
	g_assert_nonnull (strstr (c.lines->pdata[1], "not an image magic"));
	g_assert_cmpint (rec (&c, 2)->kind, ==, MWB_CRIU_ENTRY);
	g_assert_cmpint (rec (&c, 3)->kind, ==, MWB_CRIU_UNPARSED);
	g_assert_cmpuint (rec (&c, 3)->length, ==, 7);
	collected_clear (&c);
}

/* IPCNS_MSG: an ipc_msg_entry, its qnum ipc_msg entries each with its
 * text rounded up to 8; GHOST_FILE in chunks. */
static void
test_nested_payloads (void)
{
	g_autoptr(GByteArray) b = g_byte_array_new ();
	g_autoptr(GByteArray) m = g_byte_array_new ();
	Collected c;

	put_magic (b, MWB_CRIU_IPCNS_MSG_MAGIC);
	pb_uint (m, 2, 100);
	pb_uint (m, 3, 2);
	put_entry (b, m);
	pb_uint (m, 1, 1);
	pb_uint (m, 2, 3);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "abc\0\0\0\0\0", 8);
	pb_uint (m, 1, 1);
	pb_uint (m, 2, 9);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "123456789\0\0\0\0\0\0\0", 16);
	pb_uint (m, 2, 0);
	pb_uint (m, 3, 0);
	put_entry (b, m);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_cmpuint (c.records->len, ==, 8);
	g_assert_nonnull (strstr (c.lines->pdata[2], "ipc_msg_entry"));
	g_assert_nonnull (strstr (c.lines->pdata[3], " ipc_msg "));
	g_assert_cmpuint (rec (&c, 4)->length, ==, 8);
	g_assert_cmpuint (rec (&c, 6)->length, ==, 16);
	g_assert_nonnull (strstr (c.lines->pdata[7], "ipc_msg_entry"));
	collected_clear (&c);
	check_chunking (b->data, b->len, NULL);

	g_byte_array_set_size (b, 0);
	put_magic (b, MWB_CRIU_GHOST_FILE_MAGIC);
	pb_uint (m, 3, 0100644);
	pb_uint (m, 9, 1);
	put_entry (b, m);
	pb_uint (m, 1, 4);
	pb_uint (m, 2, 0);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "abcd", 4);
	pb_uint (m, 1, 2);
	pb_uint (m, 2, 8192);
	put_entry (b, m);
	g_byte_array_append (b, (const guint8 *) "ef", 2);
	c = parse_chunked (b->data, b->len, NULL, 0);
	assert_tiles (&c, b->len);
	g_assert_cmpuint (c.records->len, ==, 7);
	g_assert_nonnull (strstr (c.lines->pdata[3], "ghost_chunk_entry"));
	g_assert_nonnull (strstr (c.lines->pdata[4], "ghost file chunk"));
	g_assert_cmpuint (rec (&c, 6)->length, ==, 2);
	collected_clear (&c);
	check_chunking (b->data, b->len, NULL);
}

static void
test_image_index (void)
{
	g_autoptr(GByteArray) b = build_pipes_data ();
	g_autoptr(MwbCriuImage) img = mwb_criu_image_new_from_bytes (b->data, b->len, "/x/pipes-data.img");
	const MwbCriuRecord *r;
	gsize len;

	g_assert_cmpstr (mwb_criu_image_name (img), ==, "pipes-data.img");
	g_assert_cmpstr (mwb_criu_image_type (img), ==, "PIPES_DATA");
	g_assert_cmphex (mwb_criu_image_magic (img), ==, MWB_CRIU_PIPES_DATA_MAGIC);
	g_assert_true (mwb_criu_image_data (img, &len) != NULL);
	g_assert_cmpuint (len, ==, b->len);
	g_assert_cmpuint (mwb_criu_image_n_records (img), ==, 6);
	g_assert_cmpuint (mwb_criu_image_n_entries (img), ==, 2);
	g_assert_cmpuint (mwb_criu_image_count (img, MWB_CRIU_EXTRA), ==, 2);
	r = mwb_criu_image_entry (img, 1);
	g_assert_cmpuint (r->entry, ==, 1);
	g_assert_true (r->data == mwb_criu_image_data (img, NULL) + r->payload_offset);

	r = mwb_criu_image_record_at (img, 0);
	g_assert_cmpint (r->kind, ==, MWB_CRIU_MAGIC);
	r = mwb_criu_image_record_at (img, 13);
	g_assert_cmpint (r->kind, ==, MWB_CRIU_ENTRY);
	r = mwb_criu_image_record_at (img, b->len - 1);
	g_assert_cmpint (r->kind, ==, MWB_CRIU_EXTRA);
	g_assert_null (mwb_criu_image_record_at (img, b->len));

	r = mwb_criu_image_next_entry (img, 0);
	g_assert_cmpuint (r->offset, ==, 4);
	r = mwb_criu_image_next_entry (img, 8);
	g_assert_cmpint (r->kind, ==, MWB_CRIU_EXTRA);
	r = mwb_criu_image_prev_entry (img, r->offset);
	g_assert_cmpint (r->kind, ==, MWB_CRIU_ENTRY);
	g_assert_null (mwb_criu_image_prev_entry (img, 0));
	/* past the last, next falls back to the last before */
	r = mwb_criu_image_next_entry (img, b->len - 1);
	g_assert_cmpuint (r->offset, ==, b->len - 3);
}

static void
test_pagemap (void)
{
	g_autoptr(GByteArray) b = build_pagemap ();
	g_autoptr(MwbCriuImage) img = mwb_criu_image_new_from_bytes (b->data, b->len, "pagemap-42.img");
	g_autoptr(MwbCriuPagemap) pm = mwb_criu_pagemap_new (img);
	g_autoptr(GByteArray) pipes = build_pipes_data ();
	g_autoptr(MwbCriuImage) not_pm = mwb_criu_image_new_from_bytes (pipes->data, pipes->len, NULL);
	const MwbCriuPageRun *run;
	guint64 vaddr = 0, off = 0;

	g_assert_null (mwb_criu_pagemap_new (not_pm));
	g_assert_nonnull (pm);
	g_assert_cmpuint (mwb_criu_pagemap_pages_id (pm), ==, 7);
	g_assert_cmpuint (mwb_criu_pagemap_n_runs (pm), ==, 6);
	g_assert_cmpuint (mwb_criu_pagemap_n_pages (pm), ==, 13);
	/* present: 2 + 1 + 1 (old, no flags); parent: 3 + 2; lazy: 1 + 4 */
	g_assert_cmpuint (mwb_criu_pagemap_present_pages (pm), ==, 4);
	g_assert_cmpuint (mwb_criu_pagemap_parent_pages (pm), ==, 5);
	g_assert_cmpuint (mwb_criu_pagemap_lazy_pages (pm), ==, 5);
	run = mwb_criu_pagemap_run (pm, 4);
	g_assert_cmphex (run->flags, ==, MWB_CRIU_PE_PRESENT);
	g_assert_cmpuint (run->pages_offset, ==, 3 * 4096);
	run = mwb_criu_pagemap_run (pm, 5);
	g_assert_cmphex (run->flags, ==, MWB_CRIU_PE_PARENT);
	g_assert_cmpuint (run->pages_offset, ==, G_MAXUINT64);

	/* offsets in pages-7.img */
	run = mwb_criu_pagemap_run_at_offset (pm, 0, &vaddr);
	g_assert_cmphex (vaddr, ==, 0x10000);
	g_assert_cmpuint (run->entry, ==, 1);
	run = mwb_criu_pagemap_run_at_offset (pm, 0x1fff, &vaddr);
	g_assert_cmphex (vaddr, ==, 0x11fff);
	run = mwb_criu_pagemap_run_at_offset (pm, 0x2010, &vaddr);
	g_assert_cmphex (vaddr, ==, 0x30010);
	g_assert_cmpuint (run->entry, ==, 3);
	run = mwb_criu_pagemap_run_at_offset (pm, 0x3000, &vaddr);
	g_assert_cmphex (vaddr, ==, 0x50000);
	g_assert_null (mwb_criu_pagemap_run_at_offset (pm, 0x4000, NULL));

	/* addresses */
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x11234, &off, &run), ==, MWB_CRIU_PAGE_IN_PAGES);
	g_assert_cmphex (off, ==, 0x1234);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x30008, &off, NULL), ==, MWB_CRIU_PAGE_IN_PAGES);
	g_assert_cmphex (off, ==, 0x2008);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x22000, NULL, &run), ==, MWB_CRIU_PAGE_IN_PARENT);
	g_assert_cmpuint (run->entry, ==, 2);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x43fff, NULL, NULL), ==, MWB_CRIU_PAGE_NOT_PRESENT);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x61000, NULL, NULL), ==, MWB_CRIU_PAGE_IN_PARENT);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0x12000, NULL, &run), ==, MWB_CRIU_PAGE_NOT_DUMPED);
	g_assert_null (run);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, 0, NULL, NULL), ==, MWB_CRIU_PAGE_NOT_DUMPED);
	g_assert_cmpint (mwb_criu_pagemap_find_vaddr (pm, G_MAXUINT64, NULL, NULL), ==, MWB_CRIU_PAGE_NOT_DUMPED);
	g_assert_cmpstr (mwb_criu_page_where_name (MWB_CRIU_PAGE_IN_PARENT), ==, "in the parent dump");
}

static void
test_real_dump (void)
{
	g_autofree char *dir = holder_path ("");
	g_autoptr(GError) error = NULL;
	g_autoptr(MwbCriuDump) dump = mwb_criu_dump_load (dir, &error);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	const MwbCriuProcess *p;
	const MwbCriuPageRun *run = NULL;
	MwbCriuPagemap *pm;
	MwbCriuImage *img;
	guint32 pid = 0, pages_id = 0;
	guint64 vaddr = 0, off = 0;
	const char *name = NULL;
	guint i;

	g_assert_no_error (error);
	g_assert_cmpuint (mwb_criu_dump_n_images (dump), ==, 24);
	/* people's order */
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 0)), ==, "inventory.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 1)), ==, "pstree.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 2)), ==, "core-9601.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 4)), ==, "mm-9601.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 6)), ==, "pagemap-9601.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 8)), ==, "pages-1.img");
	g_assert_cmpstr (mwb_criu_image_name (mwb_criu_dump_image (dump, 10)), ==, "fdinfo-2.img");
	for (i = 0; i < mwb_criu_dump_n_images (dump); i++) {
		img = mwb_criu_dump_image (dump, i);
		g_assert_cmpuint (mwb_criu_image_count (img, MWB_CRIU_DAMAGED), ==, 0);
		g_assert_cmpuint (mwb_criu_image_count (img, MWB_CRIU_UNPARSED), ==, 0);
		g_assert_nonnull (mwb_criu_image_type (img));
	}
	g_assert_null (mwb_criu_dump_parent (dump));
	g_assert_null (mwb_criu_dump_other_files (dump)[0]);

	/* crit x holder ps */
	g_assert_cmpuint (mwb_criu_dump_n_processes (dump), ==, 2);
	p = mwb_criu_dump_process (dump, 0);
	g_assert_cmpuint (p->pid, ==, 9601);
	g_assert_cmpuint (p->ppid, ==, 0);
	g_assert_cmpuint (p->depth, ==, 0);
	g_assert_cmpstr (p->comm, ==, "holder");
	g_assert_true (p->has_state);
	g_assert_cmpuint (p->state, ==, 1);
	g_assert_cmpuint (p->n_threads, ==, 1);
	g_assert_cmpuint (p->threads[0], ==, 9601);
	p = mwb_criu_dump_process_by_pid (dump, 9603);
	g_assert_cmpuint (p->ppid, ==, 9601);
	g_assert_cmpuint (p->pgid, ==, 9601);
	g_assert_cmpuint (p->depth, ==, 1);
	g_assert_null (mwb_criu_dump_process_by_pid (dump, 1));

	/* crit show pagemap-9601.img: 7 runs, 15 pages, all in pages-1.img */
	pm = mwb_criu_dump_pagemap (dump, 9601);
	g_assert_nonnull (pm);
	g_assert_cmpuint (mwb_criu_pagemap_pages_id (pm), ==, 1);
	g_assert_cmpuint (mwb_criu_pagemap_n_runs (pm), ==, 7);
	g_assert_cmpuint (mwb_criu_pagemap_present_pages (pm), ==, 15);
	g_assert_cmpuint (mwb_criu_pagemap_lazy_pages (pm), ==, 7);
	g_assert_true (mwb_criu_dump_pagemap_for_pages (dump, 2, &pid, &name) == mwb_criu_dump_pagemap (dump, 9603));
	g_assert_cmpuint (pid, ==, 9603);
	g_assert_cmpstr (name, ==, "pagemap-9603.img");
	g_assert_null (mwb_criu_dump_pagemap_for_pages (dump, 3, NULL, NULL));
	g_assert_null (mwb_criu_dump_pagemap (dump, 1));

	/* the second run (0x4a5000, 5 pages) starts at page 1 of pages-1.img */
	g_assert_true (mwb_criu_dump_pages_lookup (dump, 1, 0x1010, &pid, &vaddr, &run, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (pid, ==, 9601);
	g_assert_cmphex (vaddr, ==, 0x4a5010);
	g_assert_cmpuint (run->entry, ==, 2);
	g_assert_false (mwb_criu_dump_pages_lookup (dump, 1, 0xf000, NULL, NULL, NULL, &error));
	g_assert_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (mwb_criu_dump_pages_lookup (dump, 9, 0, NULL, NULL, NULL, &error));
	g_assert_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_cmpint (mwb_criu_dump_find_page (dump, 9603, 0x7fd498189abc, &pages_id, &off), ==,
	                 MWB_CRIU_PAGE_IN_PAGES);
	g_assert_cmpuint (pages_id, ==, 2);
	g_assert_cmphex (off, ==, 0xb000 + 0xabc);
	g_assert_cmpint (mwb_criu_dump_find_page (dump, 9603, 0x400000, NULL, NULL), ==, MWB_CRIU_PAGE_NOT_DUMPED);
	g_assert_cmpint (mwb_criu_dump_find_page (dump, 4242, 0x401000, NULL, NULL), ==, MWB_CRIU_PAGE_NOT_DUMPED);

	/* the raw payloads */
	img = mwb_criu_dump_image_by_name (dump, "pipes-data.img");
	g_assert_cmpuint (mwb_criu_image_count (img, MWB_CRIU_EXTRA), ==, 1);
	g_assert_cmpuint (mwb_criu_image_record (img, 3)->length, ==, 21);
	img = mwb_criu_dump_image_by_name (dump, "sk-queues.img");
	g_assert_cmpuint (mwb_criu_image_n_entries (img), ==, 3);
	g_assert_cmpuint (mwb_criu_image_count (img, MWB_CRIU_EXTRA), ==, 3);
	img = mwb_criu_dump_image_by_name (dump, "ghost-file-1.img");
	g_assert_cmpuint (mwb_criu_image_record (img, 3)->length, ==, 20);
	g_assert_cmpstr (mwb_criu_image_record (img, 3)->reason, ==, "ghost file contents");

	g_assert_cmpuint (mwb_criu_dump_problems (dump, problems), ==, 0);
}

static void
test_print_summary (void)
{
	g_autofree char *dir = holder_path ("");
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	gsize size;
	FILE *f;
	int rc;

	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, dir, FALSE, &error);
	fclose (f);
	g_assert_no_error (error);
	g_assert_cmpint (rc, ==, 0);
	if (g_test_verbose ())
		g_printerr ("%s", text);
	g_assert_nonnull (strstr (text, "inventory: image version 2, root pid 9601"));
	/* pstree, core, mm, pagemap and pages, each listed with its type */
	g_assert_true (g_regex_match_simple ("\n  pstree.img +PSTREE +2 +45  2 processes: 9601 \\(ppid 0\\), 9603 \\(ppid 9601\\)\n", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n  core-9601.img +CORE +1 +2268  comm holder, alive, X86_64\n", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n  mm-9603.img +MM +1 +539  11 VMAs", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n  pagemap-9601.img +PAGEMAP +8 +115  7 runs, 15 pages: 15 present, 0 in parent, 7 lazy -> pages-1.img\n", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n  pages-2.img +PAGES +- +61440  15 pages, covered by pagemap-9603.img: sizes agree\n", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n  pipes-data.img +PIPES_DATA .* 1 pipe, 21 bytes of data\n", text, 0, 0));
	g_assert_true (g_regex_match_simple ("\n +9603 +9601 +9601 +9601 +1  alive      holder\n", text, 0, 0));
	g_assert_nonnull (strstr (text, "\nproblems:\n  none\n"));

	/* one image, entry by entry */
	g_free (dir);
	dir = holder_path ("pstree.img");
	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, dir, FALSE, &error);
	fclose (f);
	g_assert_cmpint (rc, ==, 0);
	g_assert_nonnull (strstr (text, "pstree.img: CRIU image PSTREE (magic 0x50273030), 2 entries, 0x2d bytes"));
	g_assert_nonnull (strstr (text, "  0x00000008 0x00000012 entry 0 pstree_entry (size word, then 0xe bytes): pid=9601 ppid=0 pgid=9601 sid=9601 threads=[9601]\n"));

	/* a pages image, run by run from its pagemap */
	g_free (dir);
	dir = holder_path ("pages-1.img");
	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, dir, FALSE, &error);
	fclose (f);
	g_assert_cmpint (rc, ==, 0);
	g_assert_nonnull (strstr (text, "pages by pagemap-9601.img's runs (process 9601)"));
	g_assert_nonnull (strstr (text, "  0x00001000 0x00005000     2 0x00000000004a5000        5  PE_PRESENT\n"));
}

static void
test_print_json (void)
{
	g_autofree char *dir = holder_path ("");
	g_autofree char *file = holder_path ("pagemap-9603.img");
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonParser) parser = json_parser_new ();
	g_autofree char *text = NULL;
	JsonObject *root, *o;
	JsonArray *a;
	gsize size;
	FILE *f;
	int rc;

	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, dir, TRUE, &error);
	fclose (f);
	g_assert_cmpint (rc, ==, 0);
	g_assert_true (json_parser_load_from_data (parser, text, (gssize) size, &error));
	g_assert_no_error (error);
	root = json_node_get_object (json_parser_get_root (parser));
	g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "inventory"), "root_pid"), ==, 9601);
	a = json_object_get_array_member (root, "images");
	g_assert_cmpuint (json_array_get_length (a), ==, 24);
	o = json_array_get_object_element (a, 1);
	g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "PSTREE");
	a = json_object_get_array_member (root, "processes");
	o = json_array_get_object_element (a, 1);
	g_assert_cmpint (json_object_get_int_member (o, "pid"), ==, 9603);
	g_assert_cmpstr (json_object_get_string_member (o, "comm"), ==, "holder");
	g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "alive");
	a = json_object_get_array_member (root, "pagemaps");
	g_assert_cmpuint (json_array_get_length (a), ==, 2);
	o = json_array_get_object_element (a, 0);
	g_assert_true (json_object_get_boolean_member (o, "sizes_agree"));
	g_assert_cmpint (json_object_get_int_member (o, "pages_size"), ==, 61440);
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "problems")), ==, 0);

	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, file, TRUE, &error);
	fclose (f);
	g_assert_cmpint (rc, ==, 0);
	g_assert_true (json_parser_load_from_data (parser, text, (gssize) size, &error));
	root = json_node_get_object (json_parser_get_root (parser));
	g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "PAGEMAP");
	a = json_object_get_array_member (root, "records");
	o = json_array_get_object_element (a, 3);
	g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "pagemap_entry");
	a = json_object_get_array_member (o, "fields");
	o = json_array_get_object_element (a, 0);
	g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "vaddr");
	g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "0x401000");
	o = json_array_get_object_element (a, 2);
	g_assert_cmpstr (json_object_get_string_member (o, "flags"), ==, "PE_PRESENT");
	o = json_object_get_object_member (root, "pagemap");
	g_assert_cmpint (json_object_get_int_member (o, "pages_id"), ==, 2);
}

static void
copy_file (const char *from, const char *to, gsize keep)
{
	g_autofree char *contents = NULL;
	gsize len;

	g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
	g_assert_true (g_file_set_contents (to, contents, (gssize) MIN (len, keep), NULL));
}

/* A dump with a pages image a page short, a core missing and a damaged
 * pstree: each a problem, and inspect says 1. */
static void
test_problems (void)
{
	g_autofree char *src = holder_path ("");
	g_autoptr(GError) error = NULL;
	g_autofree char *tmp = g_dir_make_tmp ("mwb-test-criu-XXXXXX", &error);
	g_autoptr(GDir) d = g_dir_open (src, 0, &error);
	g_autofree char *text = NULL;
	const char *name;
	gsize size;
	FILE *f;
	int rc;

	g_assert_no_error (error);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *from = g_build_filename (src, name, NULL);
		g_autofree char *to = g_build_filename (tmp, name, NULL);

		if (strcmp (name, "core-9603.img") == 0)
			continue;
		copy_file (from, to, strcmp (name, "pages-1.img") == 0 ? 0xe000
		           : strcmp (name, "pstree.img") == 0 ? 40 : G_MAXSIZE);
	}
	CAPTURE_START (f, text, size);
	rc = mwb_criu_inspect (f, tmp, FALSE, &error);
	fclose (f);
	g_assert_no_error (error);
	g_assert_cmpint (rc, ==, 1);
	if (g_test_verbose ())
		g_printerr ("%s", text);
	g_assert_nonnull (strstr (text, "  pages-1.img: 0xe000 bytes, but pagemap-9601.img puts 15 present pages (0xf000 bytes) there\n"));
	g_assert_nonnull (strstr (text, "  pstree.img: damaged at 0x1a: entry 1 claims 0xf bytes, the file ends 0xa bytes after its size word\n"));
	g_assert_nonnull (strstr (text, "SIZES DIFFER"));

	/* a pages image alone is checked against its pagemap too */
	{
		g_autofree char *pages = g_build_filename (tmp, "pages-1.img", NULL);

		CAPTURE_START (f, text, size);
		rc = mwb_criu_inspect (f, pages, FALSE, &error);
		fclose (f);
		g_assert_cmpint (rc, ==, 1);
	}

	/* what cannot be read */
	g_assert_cmpint (mwb_criu_inspect (stdout, "/nonexistent/pstree.img", FALSE, &error), ==, 2);
	g_assert_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_IO);
	g_clear_error (&error);

	/* clean up */
	g_dir_rewind (d);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (tmp, name, NULL);

		unlink (path);
	}
	g_assert_cmpint (rmdir (tmp), ==, 0);
}

static void
test_is_criu (void)
{
	g_autofree char *dir = holder_path ("");
	g_autofree char *pstree = holder_path ("pstree.img");
	g_autofree char *pages = holder_path ("pages-1.img");
	g_autofree char *stats = holder_path ("stats-dump");

	g_assert_true (mwb_criu_inspect_is_criu (dir));
	g_assert_true (mwb_criu_inspect_is_criu (pstree));
	g_assert_true (mwb_criu_inspect_is_criu (pages));
	g_assert_true (mwb_criu_inspect_is_criu (stats));
	g_assert_false (mwb_criu_inspect_is_criu (__FILE__));
	g_assert_false (mwb_criu_inspect_is_criu ("/nonexistent"));
	g_assert_false (mwb_criu_inspect_is_criu ("/proc"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/criu/names", test_names);
	g_test_add_func ("/criu/pb/split", test_pb_split);
	g_test_add_func ("/criu/pb/format", test_pb_format);
	g_test_add_func ("/criu/records", test_records);
	g_test_add_func ("/criu/chunking", test_chunking);
	g_test_add_func ("/criu/damaged", test_damaged);
	g_test_add_func ("/criu/unknown-type", test_unknown_type);
	g_test_add_func ("/criu/nested-payloads", test_nested_payloads);
	g_test_add_func ("/criu/image-index", test_image_index);
	g_test_add_func ("/criu/pagemap", test_pagemap);
	g_test_add_func ("/criu/real-dump", test_real_dump);
	g_test_add_func ("/criu/print/summary", test_print_summary);
	g_test_add_func ("/criu/print/json", test_print_json);
	g_test_add_func ("/criu/problems", test_problems);
	g_test_add_func ("/criu/is-criu", test_is_criu);

	return g_test_run ();
}
