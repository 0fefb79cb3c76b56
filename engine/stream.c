/* QEMU migration stream inspector: see stream.h. */
#define _GNU_SOURCE
#include <string.h>

#include <json-glib/json-glib.h>

#include "stream.h"
#include "push.h"

G_DEFINE_QUARK (mwb-stream-error-quark, mwb_stream_error)

#define FMT_X64 "%" G_GINT64_MODIFIER "x"

/* Limits on what a stream can make the parser hold or do, each well above
 * what QEMU sends, so that garbage cannot ask for gigabytes. */
#define CONFIG_NAME_MAX 1024            /* machine types are ~20 bytes */
#define VMDESC_MAX ((guint32) 64 * 1024 * 1024)
#define CAPS_MAX 256
#define RAM_BLOCKS_MAX 65536
#define SECTIONS_MAX 65536
#define DESC_DEPTH_MAX 64               /* JSON nesting, see json_depth_ok() */
#define WALK_DEPTH_MAX 32               /* structs in structs */
#define WALK_RECORDS_MAX 200000         /* fields of one device */
#define PAGE_BITS_DEFAULT 12
#define PAGE_BITS_MIN 9
#define PAGE_BITS_MAX 21

/* QEMU's MIG_CMD_* (migration/savevm.c), with the data length QEMU insists
 * on, -1 for variable. */
static const struct {
	const char *name;
	int len;
} commands[] = {
	{ "INVALID", -1 },
	{ "OPEN_RETURN_PATH", 0 },
	{ "PING", 4 },
	{ "POSTCOPY_ADVISE", -1 },      /* 0 or 16 */
	{ "POSTCOPY_LISTEN", 0 },
	{ "POSTCOPY_RUN", 0 },
	{ "POSTCOPY_RAM_DISCARD", -1 },
	{ "PACKAGED", 4 },
	{ "ENABLE_COLO", 0 },
	{ "POSTCOPY_RESUME", 0 },
	{ "RECV_BITMAP", -1 },
	{ "SWITCHOVER_START", 0 },
};
#define CMD_PACKAGED 7

/* ---- names and descriptions ---- */

static const char *const kind_names[MWB_STREAM_KIND_COUNT] = {
	[MWB_STREAM_HEADER] = "header",
	[MWB_STREAM_CONFIG] = "config",
	[MWB_STREAM_SECTION_START] = "section-start",
	[MWB_STREAM_SECTION_PART] = "section-part",
	[MWB_STREAM_SECTION_END] = "section-end",
	[MWB_STREAM_SECTION_FULL] = "section-full",
	[MWB_STREAM_SUBSECTION] = "subsection",
	[MWB_STREAM_FOOTER] = "footer",
	[MWB_STREAM_RAM_MEM_SIZE] = "ram-mem-size",
	[MWB_STREAM_RAM_BLOCK] = "ram-block",
	[MWB_STREAM_RAM_PAGE] = "ram-page",
	[MWB_STREAM_RAM_ZERO] = "ram-zero",
	[MWB_STREAM_RAM_XBZRLE] = "ram-xbzrle",
	[MWB_STREAM_RAM_COMPRESS] = "ram-compress",
	[MWB_STREAM_RAM_EOS] = "ram-eos",
	[MWB_STREAM_RAM_MULTIFD_FLUSH] = "ram-multifd-flush",
	[MWB_STREAM_RAM_HOOK] = "ram-hook",
	[MWB_STREAM_DEVICE_DATA] = "device-data",
	[MWB_STREAM_DEVICE_FIELD] = "device-field",
	[MWB_STREAM_COMMAND] = "command",
	[MWB_STREAM_VMDESC] = "vmdesc",
	[MWB_STREAM_EOF] = "eof",
	[MWB_STREAM_NOTE] = "note",
	[MWB_STREAM_UNKNOWN] = "unknown",
	[MWB_STREAM_TRUNCATED] = "truncated",
};

const char *
mwb_stream_kind_name (MwbStreamKind kind)
{
	if ((guint) kind >= MWB_STREAM_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

const char *
mwb_stream_section_type_name (guint8 section_type)
{
	switch (section_type) {
	case MWB_STREAM_VM_SECTION_START:
		return "START";
	case MWB_STREAM_VM_SECTION_PART:
		return "PART";
	case MWB_STREAM_VM_SECTION_END:
		return "END";
	case MWB_STREAM_VM_SECTION_FULL:
		return "FULL";
	default:
		return NULL;
	}
}

char *
mwb_stream_ram_flags_string (guint32 flags)
{
	static const struct {
		guint32 bit;
		const char *name;
	} names[] = {
		{ 0x001, "FULL" },
		{ MWB_STREAM_RAM_FLAG_ZERO, "ZERO" },
		{ MWB_STREAM_RAM_FLAG_MEM_SIZE, "MEM_SIZE" },
		{ MWB_STREAM_RAM_FLAG_PAGE, "PAGE" },
		{ MWB_STREAM_RAM_FLAG_EOS, "EOS" },
		{ MWB_STREAM_RAM_FLAG_CONTINUE, "CONTINUE" },
		{ MWB_STREAM_RAM_FLAG_XBZRLE, "XBZRLE" },
		{ MWB_STREAM_RAM_FLAG_HOOK, "HOOK" },
		{ MWB_STREAM_RAM_FLAG_COMPRESS_PAGE, "COMPRESS_PAGE" },
		{ MWB_STREAM_RAM_FLAG_MULTIFD_FLUSH, "MULTIFD_FLUSH" },
	};
	GString *s = g_string_new (NULL);
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (names); i++) {
		if ((flags & names[i].bit) == 0)
			continue;
		if (s->len > 0)
			g_string_append_c (s, '|');
		g_string_append (s, names[i].name);
		flags &= ~names[i].bit;
	}
	if (flags != 0)
		g_string_append_printf (s, "%s0x%x", s->len > 0 ? "|" : "", flags);
	if (s->len == 0)
		g_string_append (s, "0");
	return g_string_free (s, FALSE);
}

/* "section 5 (timer)", or "section 5" when its name is not known. */
static char *
section_label (const MwbStreamRecord *r)
{
	if (r->section_id == MWB_STREAM_NO_SECTION)
		return g_strdup ("no section");
	if (r->idstr == NULL)
		return g_strdup_printf ("section %u", r->section_id);
	return g_strdup_printf ("section %u (%s)", r->section_id, r->idstr);
}

static char *
describe_field (const MwbStreamRecord *r)
{
	GString *s = g_string_new ("device field ");

	g_string_append_printf (s, "%s.%s", r->idstr != NULL ? r->idstr : "?", r->name != NULL ? r->name : "?");
	if (r->instance != 0)
		g_string_append_printf (s, " (instance %u)", r->instance);
	g_string_append_printf (s, " %s", r->type != NULL ? r->type : "?");
	if (r->text != NULL)
		g_string_append_printf (s, " = \"%s\"", r->text);
	else if (r->has_value)
		g_string_append_printf (s, " = 0x" FMT_X64, r->value);
	else
		g_string_append_printf (s, ", 0x" FMT_X64 " bytes", r->length);
	g_string_append_printf (s, " at 0x" FMT_X64, r->offset);
	return g_string_free (s, FALSE);
}

char *
mwb_stream_record_describe (const MwbStreamRecord *r)
{
	g_autofree char *flags = NULL;
	g_autofree char *section = NULL;
	const char *block;

	g_return_val_if_fail (r != NULL, NULL);

	block = r->block != NULL ? r->block : "(no block named yet)";
	switch (r->kind) {
	case MWB_STREAM_HEADER:
		return g_strdup_printf ("stream header: magic QEVM, version %u", r->version);
	case MWB_STREAM_CONFIG:
		return g_strdup_printf ("configuration: machine %s", r->name != NULL ? r->name : "?");
	case MWB_STREAM_SECTION_START:
	case MWB_STREAM_SECTION_PART:
	case MWB_STREAM_SECTION_END:
	case MWB_STREAM_SECTION_FULL:
		return g_strdup_printf ("section %u %s %s instance %u version %u", r->section_id,
		                        mwb_stream_section_type_name (r->section_type),
		                        r->idstr != NULL ? r->idstr : "?", r->instance, r->version);
	case MWB_STREAM_SUBSECTION:
		return g_strdup_printf ("subsection %s version %u of %s", r->name != NULL ? r->name : "?",
		                        r->version, r->idstr != NULL ? r->idstr : "?");
	case MWB_STREAM_FOOTER:
		section = section_label (r);
		return g_strdup_printf ("footer of %s", section);
	case MWB_STREAM_RAM_MEM_SIZE:
		return g_strdup_printf ("RAM size 0x" FMT_X64 " in all; the list of RAM blocks follows", r->size);
	case MWB_STREAM_RAM_BLOCK:
		return g_strdup_printf ("RAM block %s, 0x" FMT_X64 " bytes%s", block, r->size,
		                        r->page_size != 0 ? " (with its page size)" : "");
	case MWB_STREAM_RAM_PAGE:
		flags = mwb_stream_ram_flags_string (r->flags);
		return g_strdup_printf ("RAM page 0x%08" G_GINT64_MODIFIER "x of %s (flags %s), %" G_GUINT64_FORMAT " bytes at 0x" FMT_X64,
		                        r->addr, block, flags, r->payload_length, r->payload_offset);
	case MWB_STREAM_RAM_ZERO:
		flags = mwb_stream_ram_flags_string (r->flags);
		return g_strdup_printf ("RAM zero page 0x%08" G_GINT64_MODIFIER "x of %s (flags %s), fill byte 0x%02x",
		                        r->addr, block, flags, r->fill);
	case MWB_STREAM_RAM_XBZRLE:
		flags = mwb_stream_ram_flags_string (r->flags);
		return g_strdup_printf ("RAM page 0x%08" G_GINT64_MODIFIER "x of %s (flags %s), XBZRLE delta of %" G_GUINT64_FORMAT " bytes at 0x" FMT_X64,
		                        r->addr, block, flags, r->payload_length, r->payload_offset);
	case MWB_STREAM_RAM_COMPRESS:
		flags = mwb_stream_ram_flags_string (r->flags);
		return g_strdup_printf ("RAM page 0x%08" G_GINT64_MODIFIER "x of %s (flags %s), zlib data of %" G_GUINT64_FORMAT " bytes at 0x" FMT_X64,
		                        r->addr, block, flags, r->payload_length, r->payload_offset);
	case MWB_STREAM_RAM_EOS:
		section = section_label (r);
		return g_strdup_printf ("end of the RAM data of %s (EOS)", section);
	case MWB_STREAM_RAM_MULTIFD_FLUSH:
		return g_strdup ("RAM multifd flush: pages sent before it on other channels come first");
	case MWB_STREAM_RAM_HOOK:
		return g_strdup ("RAM hook (RDMA registration)");
	case MWB_STREAM_DEVICE_DATA:
		section = section_label (r);
		return g_strdup_printf ("device data of %s instance %u, 0x" FMT_X64 " bytes", section, r->instance, r->length);
	case MWB_STREAM_DEVICE_FIELD:
		return describe_field (r);
	case MWB_STREAM_COMMAND:
		if (r->flags == CMD_PACKAGED)
			return g_strdup_printf ("command %u %s: a packaged stream of 0x" FMT_X64 " bytes follows",
			                        r->flags, r->name != NULL ? r->name : "?", r->size);
		return g_strdup_printf ("command %u %s, %" G_GUINT64_FORMAT " bytes of data", r->flags,
		                        r->name != NULL ? r->name : "?", r->payload_length);
	case MWB_STREAM_VMDESC:
		return g_strdup_printf ("VM description: JSON of 0x" FMT_X64 " bytes", r->payload_length);
	case MWB_STREAM_EOF:
		return g_strdup ("end of the device state (EOF)");
	case MWB_STREAM_NOTE:
		return g_strdup_printf ("note: %s", r->reason != NULL ? r->reason : "");
	case MWB_STREAM_UNKNOWN:
		return g_strdup_printf ("not understood: %s, 0x" FMT_X64 " bytes at 0x" FMT_X64,
		                        r->reason != NULL ? r->reason : "?", r->length, r->offset);
	case MWB_STREAM_TRUNCATED:
		return g_strdup_printf ("truncated: %s", r->reason != NULL ? r->reason : "the stream ends here");
	case MWB_STREAM_KIND_COUNT:
	default:
		return g_strdup_printf ("record of kind %d", (int) r->kind);
	}
}

/* ---- the parser ---- */

static guint16
be16 (const guint8 *p)
{
	return (guint16) (p[0] << 8 | p[1]);
}

static guint32
be32 (const guint8 *p)
{
	return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint64
be64 (const guint8 *p)
{
	return (guint64) be32 (p) << 32 | be32 (p + 4);
}

/* Whether a name from the stream could be one: no control bytes.  QEMU's
 * are ASCII, but a device id given by the user may not be. */
static gboolean
printable (const guint8 *d, gsize len)
{
	gsize i;

	for (i = 0; i < len; i++)
		if (d[i] < 0x20 || d[i] == 0x7f)
			return FALSE;
	return TRUE;
}

/* A name from the stream as a C string: what is not printable ASCII shows
 * as '?', so that a NUL or an escape sequence cannot cut or garble it. */
static char *
clean_name (const guint8 *d, gsize len)
{
	char *s = g_malloc (len + 1);
	gsize i;

	for (i = 0; i < len; i++)
		s[i] = d[i] >= 0x20 && d[i] <= 0x7e ? (char) d[i] : '?';
	s[len] = '\0';
	return s;
}

typedef enum {
	ST_MAGIC,       /* expecting "QEVM" and the version */
	ST_TOP,         /* expecting a section type byte */
	ST_RAM,         /* expecting a RAM record's be64 */
	ST_RAM_BLOCKS,  /* in the block list after MEM_SIZE */
	ST_FOOTER,      /* after EOS: expecting the footer */
	ST_DEVICE,      /* in a device section: looking for its footer */
	ST_RESYNC,      /* past bytes not understood: looking for a way back */
	ST_DONE,        /* the end, cut short */
} State;

typedef struct {
	guint32 id;
	char *idstr;
	guint32 instance;
	guint32 version;
	gboolean is_ram;
} Section;

/* A device section's bytes, kept until the VM description can walk them. */
typedef struct {
	guint32 id;
	char *idstr;
	guint32 instance;
	guint32 version;
	guint64 offset;
	guint64 length;
	GByteArray *bytes;      /* NULL when past the keep limit */
} DeviceChunk;

struct _MwbStreamParser {
	MwbStreamOps ops;
	gpointer data;

	State state;
	MwbPush push;           /* offset, pending item, want, skip */
	gboolean finished;
	GPtrArray *tmp;         /* strings of the record being delivered */

	/* payload being skipped, and its record, delivered once it is */
	gboolean has_deferred;
	MwbStreamRecord deferred;

	gboolean seen_header;
	gboolean seen_eof;
	gboolean after_config;  /* a 0x05 now is a configuration subsection */
	guint page_bits;
	guint64 page_size;
	gboolean ignore_shared; /* x-ignore-shared: blocks carry an address */

	GHashTable *sections;   /* id -> Section */
	Section *cur;           /* section being parsed, or NULL */
	guint8 cur_type;

	/* RAM */
	char *block;            /* last block named, for CONTINUE */
	GHashTable *ram_blocks; /* names in MEM_SIZE lists */
	guint64 mem_total;
	guint64 mem_sum;
	guint n_blocks;

	/* device section being scanned */
	guint64 dev_start;
	guint64 dev_len;
	gboolean dev_full;
	GByteArray *dev_bytes;
	gboolean dev_dropped;
	GPtrArray *devices;     /* DeviceChunk, waiting for the description */
	gsize kept;
	gsize keep_limit;

	/* bytes not understood, from unknown_start */
	guint64 unknown_start;
	char *unknown_reason;
	gboolean resync_may_be_empty;
	gboolean resync_from_ram;  /* a RAM record or block was not understood */

	/* the VM description, once read */
	JsonParser *desc;
	GHashTable *desc_devices;  /* "idstr\037instance" -> JsonObject */
};

/* What parse_one() returns besides a count of bytes consumed. */
#define NEED_MORE MWB_PUSH_NEED_MORE
#define AGAIN (-1)

static void
section_free (gpointer data)
{
	Section *s = data;

	g_free (s->idstr);
	g_free (s);
}

static void
device_chunk_free (gpointer data)
{
	DeviceChunk *c = data;

	g_free (c->idstr);
	if (c->bytes != NULL)
		g_byte_array_unref (c->bytes);
	g_free (c);
}

static gssize parse_one (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof);
static void deliver_deferred (MwbStreamParser *p);

static gssize
step (gpointer parser, const guint8 *d, gsize avail, gboolean at_eof)
{
	return parse_one (parser, d, avail, at_eof);
}

static void
skipped (gpointer parser)
{
	deliver_deferred (parser);
}

MwbStreamParser *
mwb_stream_parser_new (const MwbStreamOps *ops, gpointer data)
{
	MwbStreamParser *p = g_new0 (MwbStreamParser, 1);

	if (ops != NULL)
		p->ops = *ops;
	p->data = data;
	p->state = ST_MAGIC;
	mwb_push_init (&p->push, step, skipped, p, FALSE);
	p->tmp = g_ptr_array_new_with_free_func (g_free);
	p->page_bits = PAGE_BITS_DEFAULT;
	p->page_size = (guint64) 1 << PAGE_BITS_DEFAULT;
	p->sections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, section_free);
	p->ram_blocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	p->devices = g_ptr_array_new_with_free_func (device_chunk_free);
	p->keep_limit = MWB_STREAM_DEFAULT_KEEP_LIMIT;
	return p;
}

void
mwb_stream_parser_free (MwbStreamParser *p)
{
	if (p == NULL)
		return;
	mwb_push_clear (&p->push);
	g_ptr_array_unref (p->tmp);
	g_hash_table_unref (p->sections);
	g_hash_table_unref (p->ram_blocks);
	g_ptr_array_unref (p->devices);
	if (p->dev_bytes != NULL)
		g_byte_array_unref (p->dev_bytes);
	g_free (p->block);
	g_free (p->unknown_reason);
	g_clear_pointer (&p->desc_devices, g_hash_table_unref);
	g_clear_object (&p->desc);
	g_free (p);
}

void
mwb_stream_parser_set_keep_limit (MwbStreamParser *p, gsize limit)
{
	g_return_if_fail (p != NULL);

	p->keep_limit = limit;
}

guint64
mwb_stream_parser_offset (MwbStreamParser *p)
{
	g_return_val_if_fail (p != NULL, 0);

	/* p->push.offset is where parsing is; what waits in pending was fed too */
	return p->push.offset + p->push.pending->len;
}

guint64
mwb_stream_parser_page_size (MwbStreamParser *p)
{
	g_return_val_if_fail (p != NULL, 0);

	return p->page_size;
}

/* Keeps s until the next item is parsed: long enough to deliver it. */
static const char *
scratch (MwbStreamParser *p, char *s)
{
	g_ptr_array_add (p->tmp, s);
	return s;
}

static void
emit (MwbStreamParser *p, const MwbStreamRecord *r)
{
	if (p->ops.record != NULL)
		p->ops.record (r, p->data);
}

static void
record_init (MwbStreamRecord *r, MwbStreamKind kind, guint64 offset, guint64 length)
{
	memset (r, 0, sizeof *r);
	r->kind = kind;
	r->offset = offset;
	r->length = length;
	r->section_id = MWB_STREAM_NO_SECTION;
}

static void
record_in_section (MwbStreamRecord *r, const Section *s, guint8 type)
{
	if (s == NULL)
		return;
	r->section_id = s->id;
	r->section_type = type;
	r->idstr = s->idstr;
	r->instance = s->instance;
	r->version = s->version;
}

/* A record of the section being parsed, at offset from the item start. */
static void
record_here (MwbStreamParser *p, MwbStreamRecord *r, MwbStreamKind kind, gsize at, guint64 length)
{
	record_init (r, kind, p->push.offset + at, length);
	record_in_section (r, p->cur, p->cur_type);
}

static void note_at (MwbStreamParser *p, guint64 offset, gboolean late, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
note_at (MwbStreamParser *p, guint64 offset, gboolean late, const char *format, ...)
{
	g_autofree char *reason = NULL;
	MwbStreamRecord r;
	va_list args;

	va_start (args, format);
	reason = g_strdup_vprintf (format, args);
	va_end (args);
	record_init (&r, MWB_STREAM_NOTE, offset, 0);
	record_in_section (&r, p->cur, p->cur_type);
	r.late = late;
	r.reason = reason;
	emit (p, &r);
}

static void truncated (MwbStreamParser *p, guint64 offset, guint64 length, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
truncated (MwbStreamParser *p, guint64 offset, guint64 length, const char *format, ...)
{
	g_autofree char *reason = NULL;
	MwbStreamRecord r;
	va_list args;

	va_start (args, format);
	reason = g_strdup_vprintf (format, args);
	va_end (args);
	record_init (&r, MWB_STREAM_TRUNCATED, offset, length);
	record_in_section (&r, p->cur, p->cur_type);
	r.reason = reason;
	emit (p, &r);
}

/* The item at the parse position needs n bytes and avail are there: ask
 * for more, or at the end of the stream report the rest as cut short. */
static gssize
need_bytes (MwbStreamParser *p, gsize n, gsize avail, gboolean at_eof, const char *what)
{
	if (!at_eof) {
		p->push.want = n;
		return NEED_MORE;
	}
	truncated (p, p->push.offset, avail, "%s needs %" G_GSIZE_FORMAT " bytes, the stream ends after %" G_GSIZE_FORMAT,
	           what, n, avail);
	p->state = ST_DONE;
	return (gssize) avail;
}

#define NEED(n, what) \
	do { \
		if (avail < (gsize) (n)) \
			return need_bytes (p, (n), avail, at_eof, (what)); \
	} while (0)

static gssize enter_resync_at (MwbStreamParser *p, guint64 start, gboolean may_be_empty, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* From start on, the bytes are not understood: look for something that is.
 * may_be_empty when the caller consumed bytes up to start, so that finding
 * a section right there cannot loop. */
static gssize
enter_resync_at (MwbStreamParser *p, guint64 start, gboolean may_be_empty, const char *format, ...)
{
	va_list args;

	g_free (p->unknown_reason);
	va_start (args, format);
	p->unknown_reason = g_strdup_vprintf (format, args);
	va_end (args);
	p->unknown_start = start;
	p->resync_may_be_empty = may_be_empty;
	p->resync_from_ram = p->state == ST_RAM || p->state == ST_RAM_BLOCKS || p->state == ST_FOOTER;
	p->state = ST_RESYNC;
	return AGAIN;
}

#define enter_resync(p, ...) enter_resync_at ((p), (p)->push.offset, FALSE, __VA_ARGS__)

static Section *
section_lookup (MwbStreamParser *p, guint32 id)
{
	return g_hash_table_lookup (p->sections, GUINT_TO_POINTER (id));
}

static Section *
section_register (MwbStreamParser *p, guint32 id, const guint8 *name, gsize len,
                  guint32 instance, guint32 version)
{
	Section *s = section_lookup (p, id);

	if (s == NULL) {
		if (g_hash_table_size (p->sections) >= SECTIONS_MAX)
			return NULL;
		s = g_new0 (Section, 1);
		s->id = id;
		g_hash_table_insert (p->sections, GUINT_TO_POINTER (id), s);
	}
	g_free (s->idstr);
	s->idstr = clean_name (name, len);
	s->instance = instance;
	s->version = version;
	s->is_ram = strcmp (s->idstr, "ram") == 0;
	return s;
}

/* ---- recognising where things start ---- */

typedef enum {
	CAND_NO,
	CAND_NEED,
	CAND_YES,
} Cand;

#define WANT(n) \
	do { \
		if (avail < (gsize) (n)) { \
			if (at_eof) \
				return CAND_NO; \
			*need = (n); \
			return CAND_NEED; \
		} \
	} while (0)

static guint32
ram_main_flag (MwbStreamParser *p, guint64 v)
{
	return (guint32) (v & (p->page_size - 1)) & ~(guint32) MWB_STREAM_RAM_FLAG_CONTINUE;
}

static gboolean
ram_flag_known (guint32 main)
{
	switch (main) {
	case MWB_STREAM_RAM_FLAG_ZERO:
	case MWB_STREAM_RAM_FLAG_MEM_SIZE:
	case MWB_STREAM_RAM_FLAG_PAGE:
	case MWB_STREAM_RAM_FLAG_EOS:
	case MWB_STREAM_RAM_FLAG_XBZRLE:
	case MWB_STREAM_RAM_FLAG_HOOK:
	case MWB_STREAM_RAM_FLAG_COMPRESS_PAGE:
	case MWB_STREAM_RAM_FLAG_MULTIFD_FLUSH:
		return TRUE;
	default:
		return FALSE;
	}
}

static Cand
plausible_vmdesc (const guint8 *d, gsize avail, gboolean at_eof, gsize *need)
{
	WANT (6);
	return be32 (d + 1) <= VMDESC_MAX && d[5] == '{' ? CAND_YES : CAND_NO;
}

/* Whether a section (or EOF, the VM description...) plausibly starts at
 * d; *need is how many bytes it takes to tell.  With nothing left at the
 * end of the stream, yes.  strict is for finding our way back after bytes
 * not understood, where a false match costs more than after a footer. */
static Cand
plausible_section (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof,
                   gboolean strict, gsize *need)
{
	Section *s;
	guint32 len;
	guint cmd;

	if (avail == 0) {
		if (at_eof)
			return CAND_YES;
		*need = 1;
		return CAND_NEED;
	}
	switch (d[0]) {
	case MWB_STREAM_VM_EOF:
		if (avail < 2 && at_eof)
			return CAND_YES;
		WANT (2);
		if (!strict)
			return memchr ("\x01\x02\x03\x04\x06\x08", d[1], 6) != NULL ? CAND_YES : CAND_NO;
		if (d[1] != MWB_STREAM_VM_VMDESCRIPTION)
			return CAND_NO;
		if (plausible_vmdesc (d + 1, avail - 1, at_eof, need) == CAND_NEED) {
			*need += 1;
			return CAND_NEED;
		}
		return plausible_vmdesc (d + 1, avail - 1, at_eof, need);
	case MWB_STREAM_VM_SECTION_START:
	case MWB_STREAM_VM_SECTION_FULL:
		WANT (6);
		if (be32 (d + 1) > 0xffff || d[5] == 0)
			return CAND_NO;
		WANT (6 + (gsize) d[5] + 8);
		if (!printable (d + 6, d[5]) || be32 (d + 10 + d[5]) > 0xffff)
			return CAND_NO;
		s = section_lookup (p, be32 (d + 1));
		if (s != NULL && (strlen (s->idstr) != d[5] || memcmp (s->idstr, d + 6, d[5]) != 0))
			return CAND_NO;
		return CAND_YES;
	case MWB_STREAM_VM_SECTION_PART:
	case MWB_STREAM_VM_SECTION_END:
		WANT (5);
		s = section_lookup (p, be32 (d + 1));
		if (s == NULL)
			return CAND_NO;
		if (strict && s->is_ram) {
			WANT (13);
			return ram_flag_known (ram_main_flag (p, be64 (d + 5))) ? CAND_YES : CAND_NO;
		}
		return CAND_YES;
	case MWB_STREAM_VM_VMDESCRIPTION:
		return plausible_vmdesc (d, avail, at_eof, need);
	case MWB_STREAM_VM_CONFIGURATION:
		WANT (5);
		len = be32 (d + 1);
		if (len == 0 || len > 255)
			return CAND_NO;
		WANT (5 + len);
		return printable (d + 5, len) ? CAND_YES : CAND_NO;
	case MWB_STREAM_VM_COMMAND:
		WANT (5);
		cmd = be16 (d + 1);
		if (cmd == 0 || cmd >= G_N_ELEMENTS (commands))
			return CAND_NO;
		if (commands[cmd].len >= 0 && be16 (d + 3) != commands[cmd].len)
			return CAND_NO;
		return CAND_YES;
	case MWB_STREAM_VM_SECTION_FOOTER:
		if (!strict)
			return CAND_NO;
		WANT (5);
		return section_lookup (p, be32 (d + 1)) != NULL ? CAND_YES : CAND_NO;
	default:
		return CAND_NO;
	}
}

/* A RAM record that names a block from a MEM_SIZE list: in a RAM section,
 * the surest way back after bytes not understood without leaving it. */
static Cand
plausible_ram_record (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof, gsize *need)
{
	char name[256];
	guint64 v;
	guint32 main;
	guint len;

	WANT (9);
	v = be64 (d);
	main = ram_main_flag (p, v);
	if ((v & MWB_STREAM_RAM_FLAG_CONTINUE) != 0)
		return CAND_NO;
	if (main != MWB_STREAM_RAM_FLAG_PAGE && main != MWB_STREAM_RAM_FLAG_ZERO
	    && main != MWB_STREAM_RAM_FLAG_XBZRLE && main != MWB_STREAM_RAM_FLAG_COMPRESS_PAGE)
		return CAND_NO;
	len = d[8];
	if (len == 0)
		return CAND_NO;
	WANT (9 + len);
	if (!printable (d + 9, len))
		return CAND_NO;
	memcpy (name, d + 9, len);
	name[len] = '\0';
	return g_hash_table_contains (p->ram_blocks, name) ? CAND_YES : CAND_NO;
}

/* ---- items ---- */

static void
deliver_deferred (MwbStreamParser *p)
{
	if (!p->has_deferred)
		return;
	p->has_deferred = FALSE;
	emit (p, &p->deferred);
}

static gssize
parse_magic (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	guint32 version;

	if (d[0] != 'Q')
		return enter_resync (p, "no QEVM magic at the start");
	NEED (8, "the stream header");
	if (memcmp (d, "QEVM", 4) != 0)
		return enter_resync (p, "no QEVM magic at the start");
	version = be32 (d + 4);
	record_init (&r, MWB_STREAM_HEADER, p->push.offset, 8);
	r.version = version;
	emit (p, &r);
	if (version != 3)
		note_at (p, p->push.offset, FALSE, "stream version %u; QEMU writes 3", version);
	p->seen_header = TRUE;
	p->state = ST_TOP;
	return 8;
}

static void
device_begin (MwbStreamParser *p, guint64 start)
{
	p->dev_start = start;
	p->dev_len = 0;
	p->dev_full = p->cur_type == MWB_STREAM_VM_SECTION_FULL;
	p->dev_dropped = FALSE;
	g_clear_pointer (&p->dev_bytes, g_byte_array_unref);
	if (p->dev_full) {
		if (p->kept < p->keep_limit)
			p->dev_bytes = g_byte_array_new ();
		else
			p->dev_dropped = TRUE;
	}
}

static void
section_body (MwbStreamParser *p, guint64 start)
{
	if (p->cur->is_ram) {
		p->state = ST_RAM;
	} else {
		device_begin (p, start);
		p->state = ST_DEVICE;
	}
}

static gssize
parse_section_start (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	Section *s;
	guint8 type = d[0];
	gsize len;

	NEED (6, "a section header");
	len = d[5];
	NEED (14 + len, "a section header");
	if (len == 0)
		return enter_resync (p, "section header with an empty name");
	s = section_register (p, be32 (d + 1), d + 6, len, be32 (d + 6 + len), be32 (d + 10 + len));
	if (s == NULL)
		return enter_resync (p, "more than %d sections", SECTIONS_MAX);
	p->cur = s;
	p->cur_type = type;
	record_here (p, &r, type == MWB_STREAM_VM_SECTION_START ? MWB_STREAM_SECTION_START : MWB_STREAM_SECTION_FULL,
	             0, 14 + len);
	emit (p, &r);
	section_body (p, p->push.offset + 14 + len);
	return (gssize) (14 + len);
}

static gssize
parse_section_part (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	Section *s;
	guint8 type = d[0];

	NEED (5, "a section header");
	s = section_lookup (p, be32 (d + 1));
	if (s == NULL)
		return enter_resync (p, "%s of section %u, which no START opened",
		                     mwb_stream_section_type_name (type), be32 (d + 1));
	p->cur = s;
	p->cur_type = type;
	record_here (p, &r, type == MWB_STREAM_VM_SECTION_PART ? MWB_STREAM_SECTION_PART : MWB_STREAM_SECTION_END,
	             0, 5);
	emit (p, &r);
	section_body (p, p->push.offset + 5);
	return 5;
}

static gssize
parse_config (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	guint32 len;

	NEED (5, "the configuration");
	len = be32 (d + 1);
	if (len == 0 || len > CONFIG_NAME_MAX)
		return enter_resync (p, "configuration with a machine type of %u bytes", len);
	NEED (5 + (gsize) len, "the configuration");
	record_init (&r, MWB_STREAM_CONFIG, p->push.offset, 5 + (guint64) len);
	r.idstr = "configuration";
	r.name = scratch (p, clean_name (d + 5, len));
	r.payload_offset = p->push.offset + 5;
	r.payload_length = len;
	emit (p, &r);
	p->after_config = TRUE;
	return (gssize) (5 + len);
}

/* A field of a configuration subsection, as the description walk would
 * report it. */
static void
config_field (MwbStreamParser *p, gsize at, gsize size, const char *name, const char *type,
              gboolean has_value, guint64 value, const char *text)
{
	MwbStreamRecord r;

	record_init (&r, MWB_STREAM_DEVICE_FIELD, p->push.offset + at, size);
	r.idstr = "configuration";
	r.name = name;
	r.type = type;
	r.has_value = has_value;
	r.value = value;
	r.text = text;
	r.payload_offset = r.offset;
	r.payload_length = size;
	emit (p, &r);
}

static void
config_capabilities (MwbStreamParser *p, const guint8 *d, gsize at, guint32 count)
{
	guint32 i;

	config_field (p, at, 4, "caps_count", "uint32", TRUE, count, NULL);
	at += 4;
	for (i = 0; i < count; i++) {
		gsize len = d[at];
		char *cap = clean_name (d + at + 1, len);
		char *path = g_strdup_printf ("capabilities[%u]", i);

		config_field (p, at, 1 + len, path, "capability", FALSE, 0, cap);
		if (strcmp (cap, "x-ignore-shared") == 0)
			p->ignore_shared = TRUE;
		else if (strcmp (cap, "mapped-ram") == 0)
			note_at (p, p->push.offset + at, FALSE, "capability mapped-ram: RAM pages are at fixed offsets of the file, not in RAM records");
		g_free (cap);
		g_free (path);
		at += 1 + len;
	}
}

/* The configuration's subsections (QEMU savevm.c vmstate_configuration):
 * target-page-bits, capabilities, uuid.  Any other is skipped by finding
 * the next section. */
static gssize
parse_config_subsection (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	const char *name;
	gsize len, head, body = 0;
	guint32 count = 0, i;

	NEED (2, "a configuration subsection");
	len = d[1];
	head = 2 + len + 4;
	NEED (head, "a configuration subsection");
	name = scratch (p, clean_name (d + 2, len));
	if (strcmp (name, "configuration/target-page-bits") == 0) {
		body = 4;
		NEED (head + body, "subsection configuration/target-page-bits");
	} else if (strcmp (name, "configuration/capabilities") == 0) {
		NEED (head + 4, "subsection configuration/capabilities");
		count = be32 (d + head);
		if (count > CAPS_MAX)
			return enter_resync (p, "configuration/capabilities with %u capabilities", count);
		body = 4;
		for (i = 0; i < count; i++) {
			NEED (head + body + 1, "subsection configuration/capabilities");
			body += 1 + (gsize) d[head + body];
		}
		NEED (head + body, "subsection configuration/capabilities");
	} else if (strcmp (name, "configuration/uuid") == 0) {
		body = 16;
		NEED (head + body, "subsection configuration/uuid");
	}

	record_init (&r, MWB_STREAM_SUBSECTION, p->push.offset, head);
	r.idstr = "configuration";
	r.name = name;
	r.version = be32 (d + 2 + len);
	emit (p, &r);

	if (strcmp (name, "configuration/target-page-bits") == 0) {
		guint32 bits = be32 (d + head);

		config_field (p, head, 4, "target_page_bits", "uint32", TRUE, bits, NULL);
		if (bits >= PAGE_BITS_MIN && bits <= PAGE_BITS_MAX) {
			p->page_bits = bits;
			p->page_size = (guint64) 1 << bits;
		} else {
			note_at (p, p->push.offset + head, FALSE, "target page bits %u make no sense; RAM records are read with %u",
			         bits, p->page_bits);
		}
	} else if (strcmp (name, "configuration/capabilities") == 0) {
		config_capabilities (p, d, head, count);
	} else if (strcmp (name, "configuration/uuid") == 0) {
		const guint8 *u = d + head;
		char *uuid = g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		                              u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
		                              u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);

		config_field (p, head, 16, "uuid.data", "buffer", FALSE, 0, scratch (p, uuid));
	} else {
		/* its layout is not known: find where the next section starts */
		enter_resync_at (p, p->push.offset + head, TRUE, "configuration subsection %s not known", name);
		return (gssize) head;
	}
	return (gssize) (head + body);
}

static gssize
parse_vmdesc (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof);

static gssize
parse_command (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	guint cmd;
	gsize len;

	NEED (5, "a command");
	cmd = be16 (d + 1);
	len = be16 (d + 3);
	if (cmd == 0 || cmd >= G_N_ELEMENTS (commands))
		return enter_resync (p, "command %u not known", cmd);
	if (commands[cmd].len >= 0 && len != (gsize) commands[cmd].len)
		return enter_resync (p, "command %s with %" G_GSIZE_FORMAT " bytes of data where QEMU sends %d",
		                     commands[cmd].name, len, commands[cmd].len);
	NEED (5 + len, "a command");
	record_init (&r, MWB_STREAM_COMMAND, p->push.offset, 5 + len);
	r.flags = cmd;
	r.name = commands[cmd].name;
	r.payload_offset = p->push.offset + 5;
	r.payload_length = len;
	r.data = d + 5;
	if (cmd == CMD_PACKAGED)
		r.size = be32 (d + 5);
	emit (p, &r);
	return (gssize) (5 + len);
}

static gssize
parse_stray_footer (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	Section *s;

	NEED (5, "a section footer");
	s = section_lookup (p, be32 (d + 1));
	if (s == NULL)
		return enter_resync (p, "footer of section %u, which no header opened", be32 (d + 1));
	record_init (&r, MWB_STREAM_FOOTER, p->push.offset, 5);
	record_in_section (&r, s, 0);
	emit (p, &r);
	return 5;
}

static gssize
parse_top (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	gboolean after_config = p->after_config;

	/* only a subsection looks at it, so it can go before the NEEDs */
	if (d[0] != MWB_STREAM_VM_SUBSECTION)
		p->after_config = FALSE;
	p->cur = NULL;
	p->cur_type = 0;

	switch (d[0]) {
	case MWB_STREAM_VM_EOF:
		record_init (&r, MWB_STREAM_EOF, p->push.offset, 1);
		emit (p, &r);
		p->seen_eof = TRUE;
		return 1;
	case MWB_STREAM_VM_SECTION_START:
	case MWB_STREAM_VM_SECTION_FULL:
		return parse_section_start (p, d, avail, at_eof);
	case MWB_STREAM_VM_SECTION_PART:
	case MWB_STREAM_VM_SECTION_END:
		return parse_section_part (p, d, avail, at_eof);
	case MWB_STREAM_VM_SUBSECTION:
		if (after_config)
			return parse_config_subsection (p, d, avail, at_eof);
		return enter_resync (p, "subsection (0x05) outside any section");
	case MWB_STREAM_VM_VMDESCRIPTION:
		return parse_vmdesc (p, d, avail, at_eof);
	case MWB_STREAM_VM_CONFIGURATION:
		return parse_config (p, d, avail, at_eof);
	case MWB_STREAM_VM_COMMAND:
		return parse_command (p, d, avail, at_eof);
	case MWB_STREAM_VM_SECTION_FOOTER:
		return parse_stray_footer (p, d, avail, at_eof);
	default:
		return enter_resync (p, "section type 0x%02x not known", d[0]);
	}
}

/* ---- RAM ---- */

static gssize
parse_ram_page (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof,
                guint64 v, guint32 main)
{
	MwbStreamRecord r;
	guint32 flags = (guint32) (v & (p->page_size - 1));
	gboolean named = (flags & MWB_STREAM_RAM_FLAG_CONTINUE) == 0;
	MwbStreamKind kind;
	gsize head = 8, total;
	guint64 payload;

	if (named) {
		NEED (9, "a RAM record header");
		if (d[8] == 0)
			return enter_resync (p, "RAM record naming a block with an empty name");
		head = 9 + (gsize) d[8];
		NEED (head, "a RAM record header");
	}
	switch (main) {
	case MWB_STREAM_RAM_FLAG_ZERO:
		kind = MWB_STREAM_RAM_ZERO;
		total = head + 1;
		NEED (total, "a RAM zero page");
		payload = 0;
		break;
	case MWB_STREAM_RAM_FLAG_PAGE:
		kind = MWB_STREAM_RAM_PAGE;
		total = head;
		payload = p->page_size;
		break;
	case MWB_STREAM_RAM_FLAG_XBZRLE:
		kind = MWB_STREAM_RAM_XBZRLE;
		total = head + 3;
		NEED (total, "an XBZRLE page header");
		if (d[head] != 0x01)
			return enter_resync (p, "XBZRLE page with encoding 0x%02x, QEMU sends 0x01", d[head]);
		payload = be16 (d + head + 1);
		break;
	case MWB_STREAM_RAM_FLAG_COMPRESS_PAGE:
	default:
		kind = MWB_STREAM_RAM_COMPRESS;
		total = head + 4;
		NEED (total, "a compressed page header");
		payload = be32 (d + head);
		/* zlib's compressBound() of a page, with room to spare */
		if (payload > p->page_size + p->page_size / 8 + 64)
			return enter_resync (p, "compressed page of %" G_GUINT64_FORMAT " bytes, more than a page can take",
			                     payload);
		break;
	}

	if (named) {
		g_free (p->block);
		p->block = clean_name (d + 9, d[8]);
	}
	record_here (p, &r, kind, 0, total + payload);
	r.block = p->block;
	r.addr = v & ~(p->page_size - 1);
	r.flags = flags;
	if (kind == MWB_STREAM_RAM_ZERO) {
		r.fill = d[head];
		r.payload_offset = p->push.offset + head;
		r.payload_length = 1;
	} else {
		r.payload_offset = p->push.offset + total;
		r.payload_length = payload;
	}
	if (p->block == NULL)
		note_at (p, p->push.offset, FALSE, "RAM record with CONTINUE before any block was named");
	if (payload == 0) {
		emit (p, &r);
	} else {
		p->deferred = r;
		p->has_deferred = TRUE;
		p->push.skip = payload;
	}
	return (gssize) total;
}

static gssize
parse_ram (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	guint64 v;
	guint32 main;

	NEED (8, "a RAM record header");
	v = be64 (d);
	main = ram_main_flag (p, v);
	switch (main) {
	case MWB_STREAM_RAM_FLAG_MEM_SIZE:
		record_here (p, &r, MWB_STREAM_RAM_MEM_SIZE, 0, 8);
		r.flags = (guint32) (v & (p->page_size - 1));
		r.size = v & ~(p->page_size - 1);
		emit (p, &r);
		p->mem_total = r.size;
		p->mem_sum = 0;
		p->n_blocks = 0;
		p->state = r.size > 0 ? ST_RAM_BLOCKS : ST_RAM;
		return 8;
	case MWB_STREAM_RAM_FLAG_EOS:
	case MWB_STREAM_RAM_FLAG_MULTIFD_FLUSH:
	case MWB_STREAM_RAM_FLAG_HOOK:
		record_here (p, &r, main == MWB_STREAM_RAM_FLAG_EOS ? MWB_STREAM_RAM_EOS
		                    : main == MWB_STREAM_RAM_FLAG_HOOK ? MWB_STREAM_RAM_HOOK
		                    : MWB_STREAM_RAM_MULTIFD_FLUSH, 0, 8);
		r.flags = (guint32) (v & (p->page_size - 1));
		emit (p, &r);
		if (main == MWB_STREAM_RAM_FLAG_EOS)
			p->state = ST_FOOTER;
		return 8;
	case MWB_STREAM_RAM_FLAG_ZERO:
	case MWB_STREAM_RAM_FLAG_PAGE:
	case MWB_STREAM_RAM_FLAG_XBZRLE:
	case MWB_STREAM_RAM_FLAG_COMPRESS_PAGE:
		return parse_ram_page (p, d, avail, at_eof, v, main);
	default: {
		g_autofree char *flags = mwb_stream_ram_flags_string ((guint32) (v & (p->page_size - 1)));

		return enter_resync (p, "RAM record with flags %s not understood", flags);
	}
	}
}

/* One entry of the MEM_SIZE list: name, used length, then the block's page
 * size if postcopy is on and it differs from the host's, and its address
 * with x-ignore-shared (QEMU ram.c ram_save_setup()).  The stream does not
 * say whether postcopy is on; a page size can be told from what may follow
 * instead: a name length is never 0, and a RAM record always has flags. */
static gssize
parse_ram_block (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	gsize len, head;
	guint64 used, sum, page_size = 0;

	NEED (1, "a RAM block entry");
	len = d[0];
	if (len == 0)
		return enter_resync (p, "RAM block entry with an empty name");
	head = 1 + len + 8 + (p->ignore_shared ? 8 : 0);
	NEED (head, "a RAM block entry");
	used = be64 (d + 1 + len);
	sum = used > G_MAXUINT64 - p->mem_sum ? G_MAXUINT64 : p->mem_sum + used;
	if (sum < p->mem_total) {
		/* next comes the next entry's name length, never 0, or this
		 * one's page size, whose first byte is 0; unless the stream
		 * ends right here, which finish() reports */
		if (!at_eof || avail > head) {
			NEED (head + 1, "the RAM block list");
			if (d[head] == 0) {
				NEED (head + 8, "a RAM block's page size");
				page_size = be64 (d + head);
			}
		}
	} else if (!at_eof || avail >= head + 8) {
		guint64 next;

		NEED (head + 8, "a RAM record header");
		next = be64 (d + head);
		if (next >= p->page_size && next <= ((guint64) 1 << 30) && (next & (next - 1)) == 0)
			page_size = next;
	}

	record_here (p, &r, MWB_STREAM_RAM_BLOCK, 0, head + (page_size != 0 ? 8 : 0));
	r.block = scratch (p, clean_name (d + 1, len));
	r.size = used;
	r.page_size = page_size;
	if (p->ignore_shared)
		r.addr = be64 (d + 1 + len + 8);
	emit (p, &r);
	if (g_hash_table_size (p->ram_blocks) < RAM_BLOCKS_MAX)
		g_hash_table_add (p->ram_blocks, g_strdup (r.block));
	p->mem_sum = sum;
	p->n_blocks++;
	if (sum >= p->mem_total) {
		if (sum > p->mem_total)
			note_at (p, p->push.offset, FALSE, "RAM blocks add up to more than the 0x" FMT_X64 " bytes announced",
			         p->mem_total);
		p->state = ST_RAM;
	} else if (p->n_blocks >= RAM_BLOCKS_MAX) {
		note_at (p, p->push.offset, FALSE, "more than %d RAM blocks; the list is taken to end here", RAM_BLOCKS_MAX);
		p->state = ST_RAM;
	}
	return (gssize) r.length;
}

static gssize
parse_footer (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;

	if (d[0] != MWB_STREAM_VM_SECTION_FOOTER) {
		/* old machine types (pc-*-2.3 and before) send no footers */
		note_at (p, p->push.offset, FALSE, "section %u ends without a footer", p->cur->id);
		p->state = ST_TOP;
		return AGAIN;
	}
	NEED (5, "a section footer");
	if (be32 (d + 1) != p->cur->id)
		return enter_resync (p, "footer of section %u where section %u (%s) ends",
		                     be32 (d + 1), p->cur->id, p->cur->idstr);
	record_here (p, &r, MWB_STREAM_FOOTER, 0, 5);
	emit (p, &r);
	p->state = ST_TOP;
	return 5;
}

/* ---- device sections ---- */

static void walk_chunk (MwbStreamParser *p, DeviceChunk *c);

static void
device_take (MwbStreamParser *p, const guint8 *d, gsize n)
{
	p->dev_len += n;
	if (p->dev_bytes == NULL)
		return;
	if (n > p->keep_limit - p->kept) {
		p->kept -= p->dev_bytes->len;
		g_clear_pointer (&p->dev_bytes, g_byte_array_unref);
		p->dev_dropped = TRUE;
		return;
	}
	g_byte_array_append (p->dev_bytes, d, (guint) n);
	p->kept += n;
}

/* The footer of the device section is at the parse position. */
static void
device_end (MwbStreamParser *p)
{
	MwbStreamRecord r;
	DeviceChunk *c;

	if (p->dev_len > 0) {
		record_init (&r, MWB_STREAM_DEVICE_DATA, p->dev_start, p->dev_len);
		record_in_section (&r, p->cur, p->cur_type);
		r.payload_offset = p->dev_start;
		r.payload_length = p->dev_len;
		emit (p, &r);
	}
	if (!p->dev_full)
		return;
	if (p->dev_dropped)
		note_at (p, p->dev_start, FALSE,
		         "device data past the %" G_GSIZE_FORMAT " bytes kept for the VM description: not walked",
		         p->keep_limit);
	c = g_new0 (DeviceChunk, 1);
	c->id = p->cur->id;
	c->idstr = g_strdup (p->cur->idstr);
	c->instance = p->cur->instance;
	c->version = p->cur->version;
	c->offset = p->dev_start;
	c->length = p->dev_len;
	c->bytes = g_steal_pointer (&p->dev_bytes);
	if (p->desc_devices != NULL) {
		walk_chunk (p, c);
		device_chunk_free (c);
	} else {
		g_ptr_array_add (p->devices, c);
	}
}

/* Device sections carry no length: their data runs to the footer, 0x7e and
 * the section id, followed by what can start a section.  The description
 * would say where it ends, but it only comes at the end of the stream. */
static gssize
scan_device (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	const guint8 *mark = memchr (d, MWB_STREAM_VM_SECTION_FOOTER, avail);
	gsize need = 0;

	if (mark == NULL) {
		device_take (p, d, avail);
		return (gssize) avail;
	}
	if (mark > d) {
		device_take (p, d, (gsize) (mark - d));
		return mark - d;
	}
	if (avail < 5) {
		if (!at_eof) {
			p->push.want = 5;
			return NEED_MORE;
		}
		device_take (p, d, avail);
		return (gssize) avail;
	}
	if (be32 (d + 1) != p->cur->id) {
		device_take (p, d, 1);
		return 1;
	}
	switch (plausible_section (p, d + 5, avail - 5, at_eof, FALSE, &need)) {
	case CAND_NEED:
		p->push.want = 5 + need;
		return NEED_MORE;
	case CAND_NO:
		device_take (p, d, 1);
		return 1;
	case CAND_YES:
	default:
		break;
	}
	device_end (p);
	record_here (p, &r, MWB_STREAM_FOOTER, 0, 5);
	emit (p, &r);
	p->state = ST_TOP;
	return 5;
}

/* ---- finding our way back ---- */

typedef enum {
	BACK_NONE,
	BACK_NEED,
	BACK_MAGIC,
	BACK_TOP,
	BACK_RAM,
} Back;

static Back
way_back_at (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof, gboolean ram, gsize *need)
{
	Cand c;

	switch (d[0]) {
	case 'Q':
		if (p->seen_header)
			return BACK_NONE;
		if (avail < 8)
			return at_eof ? BACK_NONE : (*need = 8, BACK_NEED);
		return memcmp (d, "QEVM\0\0\0\3", 8) == 0 ? BACK_MAGIC : BACK_NONE;
	case 0x00:
		/* RAM addresses below 2^56 start with a 0 byte */
		if (ram && p->cur != NULL && p->cur->is_ram) {
			c = plausible_ram_record (p, d, avail, at_eof, need);
			if (c == CAND_YES)
				return BACK_RAM;
			if (c == CAND_NEED)
				return BACK_NEED;
		}
		break;
	case 0x01:
	case 0x02:
	case 0x03:
	case 0x04:
	case 0x06:
	case 0x07:
	case 0x08:
	case 0x7e:
		break;
	default:
		return BACK_NONE;
	}
	c = plausible_section (p, d, avail, at_eof, TRUE, need);
	return c == CAND_YES ? BACK_TOP : c == CAND_NEED ? BACK_NEED : BACK_NONE;
}

static void
unknown_end (MwbStreamParser *p)
{
	MwbStreamRecord r;

	if (p->push.offset > p->unknown_start) {
		record_init (&r, MWB_STREAM_UNKNOWN, p->unknown_start, p->push.offset - p->unknown_start);
		record_in_section (&r, p->cur, p->cur_type);
		r.reason = p->unknown_reason;
		emit (p, &r);
	} else {
		/* e.g. a section where a RAM record should be: nothing to
		 * skip, but the section before it was cut short */
		note_at (p, p->push.offset, FALSE, "%s; something else starts there", p->unknown_reason);
	}
	g_clear_pointer (&p->unknown_reason, g_free);
}

static gssize
scan_resync (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	/* Where parsing failed is no way back to what failed there, or it
	 * would fail again, forever.  But where a RAM record was expected, a
	 * section may start instead (a RAM section cut short), and a section
	 * that fails there is skipped by the next round. */
	gboolean failed_here = p->push.offset == p->unknown_start && !p->resync_may_be_empty;
	gsize i = failed_here && !p->resync_from_ram ? 1 : 0;

	for (; i < avail; i++) {
		gsize need = 0;
		Back back = way_back_at (p, d + i, avail - i, at_eof, !(failed_here && i == 0), &need);

		if (back == BACK_NONE)
			continue;
		/* consume the bytes before it first, so it is at the start */
		if (i > 0)
			return (gssize) i;
		if (back == BACK_NEED) {
			p->push.want = need;
			return NEED_MORE;
		}
		unknown_end (p);
		if (back == BACK_RAM) {
			p->state = ST_RAM;
		} else {
			p->state = back == BACK_MAGIC ? ST_MAGIC : ST_TOP;
			p->cur = NULL;
		}
		return AGAIN;
	}
	return (gssize) avail;
}

/* ---- the VM description ---- */

/* json-glib's parser recurses once per level, so a text of nothing but
 * "[[[[..." must not reach it. */
static gboolean
json_depth_ok (const guint8 *text, gsize len, guint max)
{
	gboolean in_string = FALSE;
	guint depth = 0;
	gsize i;

	for (i = 0; i < len; i++) {
		guint8 c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = FALSE;
		} else if (c == '"') {
			in_string = TRUE;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return FALSE;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return TRUE;
}

static const char *
json_string (JsonObject *o, const char *member)
{
	JsonNode *n = json_object_get_member (o, member);

	if (n == NULL || json_node_get_value_type (n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string (n);
}

static gboolean
json_uint (JsonObject *o, const char *member, guint64 *out)
{
	JsonNode *n = json_object_get_member (o, member);
	gint64 v;

	if (n == NULL || json_node_get_value_type (n) != G_TYPE_INT64)
		return FALSE;
	v = json_node_get_int (n);
	if (v < 0 || v > G_MAXUINT32)
		return FALSE;
	*out = (guint64) v;
	return TRUE;
}

static JsonArray *
json_array (JsonObject *o, const char *member)
{
	JsonNode *n = json_object_get_member (o, member);

	return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static char *
device_key (const char *idstr, guint64 instance)
{
	return g_strdup_printf ("%s\037%" G_GUINT64_FORMAT, idstr, instance);
}

/* One walk of a device section by its description. */
typedef struct {
	const DeviceChunk *c;
	const guint8 *data;
	guint64 pos;            /* in the device data */
	guint64 end;            /* of the struct being walked */
	guint depth;
	GArray *out;            /* MwbStreamRecord, delivered if the walk fits */
	GPtrArray *strings;     /* theirs */
	char *error;            /* why it does not fit */
} Walk;

static gboolean walk_fail (Walk *w, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
walk_fail (Walk *w, const char *format, ...)
{
	va_list args;

	if (w->error == NULL) {
		va_start (args, format);
		w->error = g_strdup_vprintf (format, args);
		va_end (args);
	}
	return FALSE;
}

static const char *
walk_string (Walk *w, char *s)
{
	g_ptr_array_add (w->strings, s);
	return s;
}

/* Types whose value is a big-endian integer (QEMU's vmstate_info_*). */
static gboolean
type_is_integer (const char *type)
{
	return g_str_has_prefix (type, "int") || g_str_has_prefix (type, "uint")
	       || strcmp (type, "bool") == 0 || strcmp (type, "timer") == 0
	       || strcmp (type, "float64") == 0 || strcmp (type, "cpu_double") == 0;
}

static gboolean
walk_add (Walk *w, MwbStreamKind kind, const char *name, const char *type, guint64 pos, guint64 size)
{
	MwbStreamRecord r;

	if (w->out->len >= WALK_RECORDS_MAX)
		return walk_fail (w, "more than %d fields", WALK_RECORDS_MAX);
	record_init (&r, kind, w->c->offset + pos, size);
	r.late = TRUE;
	r.section_id = w->c->id;
	r.section_type = MWB_STREAM_VM_SECTION_FULL;
	r.idstr = w->c->idstr;
	r.instance = w->c->instance;
	r.version = w->c->version;
	r.name = name;
	r.type = type;
	r.payload_offset = r.offset;
	r.payload_length = size;
	if (kind == MWB_STREAM_DEVICE_FIELD && type != NULL && type_is_integer (type)
	    && (size == 1 || size == 2 || size == 4 || size == 8)) {
		guint64 i;

		r.has_value = TRUE;
		for (i = 0; i < size; i++)
			r.value = r.value << 8 | w->data[pos + i];
	}
	g_array_append_val (w->out, r);
	return TRUE;
}

static gboolean walk_fields (Walk *w, JsonObject *vmsd, const char *prefix);
static gboolean walk_subsections (Walk *w, JsonObject *vmsd);

static gboolean
walk_struct (Walk *w, JsonObject *vmsd, const char *path, guint64 size)
{
	guint64 start = w->pos, saved_end = w->end;
	g_autofree char *prefix = g_strconcat (path, ".", NULL);
	gboolean ok;

	if (w->depth >= WALK_DEPTH_MAX)
		return walk_fail (w, "structs nest deeper than %d", WALK_DEPTH_MAX);
	w->depth++;
	w->end = start + size;
	ok = walk_fields (w, vmsd, prefix) && walk_subsections (w, vmsd);
	w->depth--;
	w->end = saved_end;
	if (ok && w->pos != start + size)
		return walk_fail (w, "struct %s is 0x" FMT_X64 " bytes but its fields take 0x" FMT_X64,
		                  path, size, w->pos - start);
	return ok;
}

/* The fields of a vmsd, as QEMU's vmstate_save_state() wrote them: each
 * with its "size" in bytes per element (what was written, subsections of
 * structs included), "array_len" elements of it if an array that could
 * be described once, or one entry per element with an "index". */
static gboolean
walk_fields (Walk *w, JsonObject *vmsd, const char *prefix)
{
	JsonArray *fields = json_array (vmsd, "fields");
	guint i, n;

	if (fields == NULL)
		return TRUE;
	n = json_array_get_length (fields);
	for (i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element (fields, i);
		JsonObject *f, *st = NULL;
		const char *name, *type;
		guint64 size, count = 1, index = 0, k;
		gboolean array, indexed;

		if (!JSON_NODE_HOLDS_OBJECT (node))
			return walk_fail (w, "field %u of %s is not an object", i, prefix[0] != '\0' ? prefix : "the device");
		f = json_node_get_object (node);
		name = json_string (f, "name");
		type = json_string (f, "type");
		if (name == NULL)
			name = "?";
		if (type == NULL)
			type = "unknown";
		if (!json_uint (f, "size", &size))
			return walk_fail (w, "field %s%s has no size", prefix, name);
		array = json_object_has_member (f, "array_len");
		if (array && !json_uint (f, "array_len", &count))
			return walk_fail (w, "field %s%s has a bad array_len", prefix, name);
		indexed = json_uint (f, "index", &index);
		if (strcmp (type, "struct") == 0 && json_object_has_member (f, "struct")) {
			JsonNode *sn = json_object_get_member (f, "struct");

			if (JSON_NODE_HOLDS_OBJECT (sn))
				st = json_node_get_object (sn);
		}
		/* nothing to show of empty elements, and no reason to loop */
		if (size == 0)
			continue;
		for (k = 0; k < count; k++) {
			const char *path;
			guint64 start = w->pos;

			if (array)
				path = walk_string (w, g_strdup_printf ("%s%s[%" G_GUINT64_FORMAT "]", prefix, name, k));
			else if (indexed)
				path = walk_string (w, g_strdup_printf ("%s%s[%" G_GUINT64_FORMAT "]", prefix, name, index));
			else
				path = walk_string (w, g_strconcat (prefix, name, NULL));
			if (size > w->end - start)
				return walk_fail (w, "field %s needs 0x" FMT_X64 " bytes at +0x" FMT_X64 ", 0x" FMT_X64 " left",
				                  path, size, start, w->end - start);
			if (!walk_add (w, MWB_STREAM_DEVICE_FIELD, path, type, start, size))
				return FALSE;
			if (st != NULL) {
				if (!walk_struct (w, st, path, size))
					return FALSE;
			} else {
				w->pos = start + size;
			}
		}
	}
	return TRUE;
}

/* Subsections follow the fields: 0x05, name length, name, be32 version,
 * then the subsection's own fields and subsections. */
static gboolean
walk_subsections (Walk *w, JsonObject *vmsd)
{
	JsonArray *subs = json_array (vmsd, "subsections");
	guint i, n;

	if (subs == NULL)
		return TRUE;
	n = json_array_get_length (subs);
	for (i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element (subs, i);
		JsonObject *sub;
		const char *name;
		g_autofree char *prefix = NULL;
		guint64 at = w->pos;
		gsize len;
		gboolean ok;

		if (!JSON_NODE_HOLDS_OBJECT (node))
			return walk_fail (w, "subsection %u is not an object", i);
		sub = json_node_get_object (node);
		name = json_string (sub, "vmsd_name");
		if (name == NULL)
			return walk_fail (w, "subsection %u has no vmsd_name", i);
		len = strlen (name);
		if (w->end - at < 2)
			return walk_fail (w, "subsection %s expected at +0x" FMT_X64 ", the data ends", name, at);
		if (w->data[at] != MWB_STREAM_VM_SUBSECTION)
			return walk_fail (w, "subsection %s expected at +0x" FMT_X64 ", byte 0x%02x there",
			                  name, at, w->data[at]);
		if (w->data[at + 1] != len || w->end - at < 6 + len
		    || memcmp (w->data + at + 2, name, len) != 0)
			return walk_fail (w, "subsection %s expected at +0x" FMT_X64 ", another there", name, at);
		if (!walk_add (w, MWB_STREAM_SUBSECTION, walk_string (w, g_strdup (name)), NULL, at, 6 + len))
			return FALSE;
		g_array_index (w->out, MwbStreamRecord, w->out->len - 1).version = be32 (w->data + at + 2 + len);
		w->pos = at + 6 + len;
		if (w->depth >= WALK_DEPTH_MAX)
			return walk_fail (w, "subsections nest deeper than %d", WALK_DEPTH_MAX);
		prefix = g_strconcat (name, ".", NULL);
		w->depth++;
		ok = walk_fields (w, sub, prefix) && walk_subsections (w, sub);
		w->depth--;
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static void
walk_chunk (MwbStreamParser *p, DeviceChunk *c)
{
	g_autofree char *key = device_key (c->idstr, c->instance);
	JsonObject *dev = g_hash_table_lookup (p->desc_devices, key);
	MwbStreamRecord r;
	Walk w = { 0 };
	gboolean ok;
	guint i;

	if (dev == NULL) {
		if (c->length == 0)
			return;
		record_init (&r, MWB_STREAM_UNKNOWN, c->offset, c->length);
		r.late = TRUE;
		r.section_id = c->id;
		r.section_type = MWB_STREAM_VM_SECTION_FULL;
		r.idstr = c->idstr;
		r.instance = c->instance;
		r.version = c->version;
		r.reason = "device section not in the VM description";
		emit (p, &r);
		return;
	}
	if (c->bytes == NULL)
		return;

	w.c = c;
	w.data = c->bytes->data;
	w.end = c->length;
	w.out = g_array_new (FALSE, FALSE, sizeof (MwbStreamRecord));
	w.strings = g_ptr_array_new_with_free_func (g_free);
	ok = walk_fields (&w, dev, "") && walk_subsections (&w, dev);
	if (ok && w.pos != c->length)
		ok = walk_fail (&w, "the description ends at +0x" FMT_X64 " of 0x" FMT_X64 " bytes", w.pos, c->length);
	if (ok) {
		for (i = 0; i < w.out->len; i++)
			emit (p, &g_array_index (w.out, MwbStreamRecord, i));
	} else {
		record_init (&r, MWB_STREAM_NOTE, c->offset, 0);
		r.late = TRUE;
		r.section_id = c->id;
		r.section_type = MWB_STREAM_VM_SECTION_FULL;
		r.idstr = c->idstr;
		r.instance = c->instance;
		r.version = c->version;
		r.reason = walk_string (&w, g_strdup_printf ("the VM description of %s does not fit its section: %s;"
		                                             " shown as opaque data up to its footer",
		                                             c->idstr, w.error));
		emit (p, &r);
	}
	g_array_unref (w.out);
	g_ptr_array_unref (w.strings);
	g_free (w.error);
}

static void
read_vmdesc (MwbStreamParser *p, const guint8 *text, gsize len)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) error = NULL;
	JsonNode *root;
	JsonArray *devices;
	guint i, n;

	if (p->desc != NULL) {
		note_at (p, p->push.offset, FALSE, "another VM description; only the first is used");
		return;
	}
	if (!json_depth_ok (text, len, DESC_DEPTH_MAX)) {
		note_at (p, p->push.offset, FALSE, "the VM description nests deeper than %d levels: not used", DESC_DEPTH_MAX);
		return;
	}
	parser = json_parser_new ();
	if (!json_parser_load_from_data (parser, (const char *) text, (gssize) len, &error)) {
		note_at (p, p->push.offset, FALSE, "the VM description is not JSON: %s", error->message);
		return;
	}
	root = json_parser_get_root (parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
	    || (devices = json_array (json_node_get_object (root), "devices")) == NULL) {
		note_at (p, p->push.offset, FALSE, "the VM description has no list of devices");
		return;
	}

	p->desc_devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	n = json_array_get_length (devices);
	for (i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element (devices, i);
		JsonObject *dev;
		const char *name;
		guint64 instance = 0;
		char *key;

		if (!JSON_NODE_HOLDS_OBJECT (node))
			continue;
		dev = json_node_get_object (node);
		name = json_string (dev, "name");
		if (name == NULL)
			continue;
		json_uint (dev, "instance_id", &instance);
		key = device_key (name, instance);
		/* the first of two alike wins */
		if (g_hash_table_contains (p->desc_devices, key))
			g_free (key);
		else
			g_hash_table_insert (p->desc_devices, key, dev);
	}
	p->desc = g_steal_pointer (&parser);
	for (i = 0; i < p->devices->len; i++)
		walk_chunk (p, g_ptr_array_index (p->devices, i));
	g_ptr_array_set_size (p->devices, 0);
	p->kept = 0;
}

static gssize
parse_vmdesc (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbStreamRecord r;
	guint32 len;

	NEED (5, "the VM description");
	len = be32 (d + 1);
	record_init (&r, MWB_STREAM_VMDESC, p->push.offset, 5 + (guint64) len);
	r.payload_offset = p->push.offset + 5;
	r.payload_length = len;
	if (len > VMDESC_MAX) {
		note_at (p, p->push.offset, FALSE, "VM description of %u bytes, more than the %u read", len, VMDESC_MAX);
		p->deferred = r;
		p->has_deferred = TRUE;
		p->push.skip = len;
		return 5;
	}
	NEED (5 + (gsize) len, "the VM description");
	r.data = d + 5;
	emit (p, &r);
	read_vmdesc (p, d + 5, len);
	return (gssize) (5 + len);
}

/* ---- driving ---- */

/* Parses one item (or part of one) at the parse position from the avail
 * bytes at d: returns how many it consumed, NEED_MORE with p->push.want set
 * when it needs more than there are, or AGAIN when it only changed
 * state.  At the end of the stream it never needs more. */
static gssize
parse_one (MwbStreamParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	g_ptr_array_set_size (p->tmp, 0);
	switch (p->state) {
	case ST_MAGIC:
		return parse_magic (p, d, avail, at_eof);
	case ST_TOP:
		return parse_top (p, d, avail, at_eof);
	case ST_RAM:
		return parse_ram (p, d, avail, at_eof);
	case ST_RAM_BLOCKS:
		return parse_ram_block (p, d, avail, at_eof);
	case ST_FOOTER:
		return parse_footer (p, d, avail, at_eof);
	case ST_DEVICE:
		return scan_device (p, d, avail, at_eof);
	case ST_RESYNC:
		return scan_resync (p, d, avail, at_eof);
	case ST_DONE:
	default:
		return (gssize) avail;
	}
}

void
mwb_stream_parser_feed (MwbStreamParser *p, const guint8 *buf, gsize len)
{
	g_return_if_fail (p != NULL);
	g_return_if_fail (buf != NULL || len == 0);
	g_return_if_fail (!p->finished);

	mwb_push_feed (&p->push, buf, len);
}

void
mwb_stream_parser_finish (MwbStreamParser *p)
{
	g_return_if_fail (p != NULL);
	g_return_if_fail (!p->finished);

	mwb_push_finish (&p->push);
	p->finished = TRUE;
	g_ptr_array_set_size (p->tmp, 0);

	if (p->has_deferred) {
		MwbStreamRecord r = p->deferred;
		g_autofree char *what = mwb_stream_record_describe (&p->deferred);
		g_autofree char *reason = g_strdup_printf ("%s: the stream ends after 0x" FMT_X64 " of its bytes",
		                                           what, p->push.offset - r.offset);

		r.kind = MWB_STREAM_TRUNCATED;
		r.length = p->push.offset - r.offset;
		r.reason = reason;
		p->has_deferred = FALSE;
		emit (p, &r);
		return;
	}

	switch (p->state) {
	case ST_MAGIC:
		truncated (p, p->push.offset, 0, "%s", p->push.offset == 0 ? "empty stream" : "the stream ends before its header");
		break;
	case ST_TOP:
		if (!p->seen_eof)
			truncated (p, p->push.offset, 0, "the stream ends before EOF");
		break;
	case ST_RAM:
	case ST_RAM_BLOCKS:
	case ST_FOOTER:
		truncated (p, p->push.offset, 0, "the stream ends inside section %u (%s)", p->cur->id, p->cur->idstr);
		break;
	case ST_DEVICE:
		truncated (p, p->dev_start, p->dev_len, "device data of section %u (%s) with no footer: the stream ends",
		           p->cur->id, p->cur->idstr);
		g_clear_pointer (&p->dev_bytes, g_byte_array_unref);
		break;
	case ST_RESYNC:
		unknown_end (p);
		if (p->seen_header && !p->seen_eof)
			truncated (p, p->push.offset, 0, "the stream ends before EOF");
		break;
	case ST_DONE:
	default:
		break;
	}
}

/* ---- the index ---- */

typedef struct {
	const char *block;      /* interned: equal names, equal pointers */
	guint64 addr;
	guint record;
} PageEntry;

struct _MwbStreamIndex {
	GMappedFile *mapped;
	guint8 *copy;
	const guint8 *data;
	gsize len;

	GHashTable *strings;    /* every string of the records, once */
	const char *recent[4];  /* the last strings interned, theirs first */
	GArray *records;        /* MwbStreamRecord */
	GArray *late;           /* the late ones, until index_build() */
	guint64 *max_end;       /* highest end of records[0..i] */
	GArray *tops;           /* guint: records that start a top-level item */
	GArray *pages;          /* PageEntry by block and address, the last */
	GArray *sections;       /* MwbStreamSection */
	GArray *blocks;         /* MwbStreamRamBlock */
	GArray *devices;        /* MwbStreamDevice */
	guint counts[MWB_STREAM_KIND_COUNT];
	guint32 version;
	const char *machine;
	char *vmdesc;
	guint64 page_size;
};

static const char *
intern (MwbStreamIndex *idx, const char *s)
{
	char *v;
	guint i;

	if (s == NULL)
		return NULL;
	/* a RAM record names the same section and block as the one before:
	 * comparing with the last few beats hashing */
	for (i = 0; i < G_N_ELEMENTS (idx->recent); i++)
		if (idx->recent[i] != NULL && strcmp (idx->recent[i], s) == 0)
			return idx->recent[i];
	v = g_hash_table_lookup (idx->strings, s);
	if (v == NULL) {
		v = g_strdup (s);
		g_hash_table_add (idx->strings, v);
	}
	memmove (idx->recent + 1, idx->recent, sizeof idx->recent - sizeof idx->recent[0]);
	idx->recent[0] = v;
	return v;
}

static void
index_collect (const MwbStreamRecord *r, gpointer data)
{
	MwbStreamIndex *idx = data;
	MwbStreamRecord copy = *r;

	copy.idstr = intern (idx, r->idstr);
	copy.block = intern (idx, r->block);
	copy.name = intern (idx, r->name);
	copy.type = intern (idx, r->type);
	copy.text = intern (idx, r->text);
	copy.reason = intern (idx, r->reason);
	copy.data = NULL;
	if (r->data != NULL && r->payload_offset <= idx->len && r->payload_length <= idx->len - r->payload_offset)
		copy.data = idx->data + r->payload_offset;
	if (r->kind == MWB_STREAM_VMDESC && r->data != NULL && idx->vmdesc == NULL)
		idx->vmdesc = g_strndup ((const char *) r->data, r->payload_length);
	g_array_append_val (r->late ? idx->late : idx->records, copy);
}

static gint
record_compare (gconstpointer pa, gconstpointer pb)
{
	const MwbStreamRecord *a = pa, *b = pb;

	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->length != b->length)
		return a->length > b->length ? -1 : 1;
	/* g_array_sort() is stable: records alike stay in order delivered */
	return 0;
}

static gint
page_compare (gconstpointer pa, gconstpointer pb)
{
	const PageEntry *a = pa, *b = pb;

	if (a->block != b->block)
		return (guintptr) a->block < (guintptr) b->block ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->record < b->record ? -1 : a->record > b->record;
}

static gboolean
kind_is_top (MwbStreamKind kind)
{
	switch (kind) {
	case MWB_STREAM_HEADER:
	case MWB_STREAM_CONFIG:
	case MWB_STREAM_SECTION_START:
	case MWB_STREAM_SECTION_PART:
	case MWB_STREAM_SECTION_END:
	case MWB_STREAM_SECTION_FULL:
	case MWB_STREAM_COMMAND:
	case MWB_STREAM_EOF:
	case MWB_STREAM_VMDESC:
		return TRUE;
	default:
		return FALSE;
	}
}

static gboolean
kind_is_page (MwbStreamKind kind)
{
	return kind == MWB_STREAM_RAM_PAGE || kind == MWB_STREAM_RAM_ZERO
	       || kind == MWB_STREAM_RAM_XBZRLE || kind == MWB_STREAM_RAM_COMPRESS;
}

static MwbStreamRamBlock *
index_block (MwbStreamIndex *idx, GHashTable *by_name, const char *name)
{
	gpointer at = g_hash_table_lookup (by_name, name);
	MwbStreamRamBlock b = { 0 };

	if (at != NULL)
		return &g_array_index (idx->blocks, MwbStreamRamBlock, GPOINTER_TO_UINT (at) - 1);
	b.name = name;
	g_array_append_val (idx->blocks, b);
	g_hash_table_insert (by_name, (gpointer) name, GUINT_TO_POINTER (idx->blocks->len));
	return &g_array_index (idx->blocks, MwbStreamRamBlock, idx->blocks->len - 1);
}

static void
index_sections (MwbStreamIndex *idx)
{
	g_autoptr(GHashTable) by_id = g_hash_table_new (g_direct_hash, g_direct_equal);
	guint i;

	for (i = 0; i < idx->records->len; i++) {
		const MwbStreamRecord *r = &g_array_index (idx->records, MwbStreamRecord, i);
		MwbStreamSection *s;
		gpointer at;

		if (r->kind < MWB_STREAM_SECTION_START || r->kind > MWB_STREAM_SECTION_FULL)
			continue;
		at = g_hash_table_lookup (by_id, GUINT_TO_POINTER (r->section_id));
		if (at == NULL) {
			MwbStreamSection fresh = { 0 };

			fresh.id = r->section_id;
			fresh.idstr = r->idstr;
			fresh.instance = r->instance;
			fresh.version = r->version;
			fresh.offset = r->offset;
			g_array_append_val (idx->sections, fresh);
			at = GUINT_TO_POINTER (idx->sections->len);
			g_hash_table_insert (by_id, GUINT_TO_POINTER (r->section_id), at);
		}
		s = &g_array_index (idx->sections, MwbStreamSection, GPOINTER_TO_UINT (at) - 1);
		switch (r->kind) {
		case MWB_STREAM_SECTION_START:
			s->n_start++;
			break;
		case MWB_STREAM_SECTION_PART:
			s->n_part++;
			break;
		case MWB_STREAM_SECTION_END:
			s->n_end++;
			break;
		default:
			s->n_full++;
			break;
		}
	}
}

static void
index_ram (MwbStreamIndex *idx)
{
	g_autoptr(GHashTable) by_name = g_hash_table_new (g_direct_hash, g_direct_equal);
	GArray *all = g_array_new (FALSE, FALSE, sizeof (PageEntry));
	guint i;

	for (i = 0; i < idx->records->len; i++) {
		const MwbStreamRecord *r = &g_array_index (idx->records, MwbStreamRecord, i);
		MwbStreamRamBlock *b;
		PageEntry e;

		if (r->block == NULL)
			continue;
		if (r->kind == MWB_STREAM_RAM_BLOCK) {
			b = index_block (idx, by_name, r->block);
			if (!b->listed) {
				b->listed = TRUE;
				b->size = r->size;
			}
			continue;
		}
		if (!kind_is_page (r->kind))
			continue;
		b = index_block (idx, by_name, r->block);
		if (r->kind == MWB_STREAM_RAM_PAGE) {
			b->page_records++;
		} else if (r->kind == MWB_STREAM_RAM_ZERO) {
			b->zero_records++;
		} else if (r->kind == MWB_STREAM_RAM_XBZRLE) {
			b->xbzrle_records++;
		} else {
			b->compress_records++;
		}
		e.block = r->block;
		e.addr = r->addr;
		e.record = i;
		g_array_append_val (all, e);
	}

	/* by page, then offset: the last of each page is what it ends up as */
	g_array_sort (all, page_compare);
	for (i = 0; i < all->len; i++) {
		const PageEntry *e = &g_array_index (all, PageEntry, i);

		if (i + 1 < all->len) {
			const PageEntry *next = &g_array_index (all, PageEntry, i + 1);

			if (next->block == e->block && next->addr == e->addr)
				continue;
		}
		g_array_append_val (idx->pages, *e);
		index_block (idx, by_name, e->block)->distinct_pages++;
	}
	g_array_unref (all);
}

static void
index_devices (MwbStreamIndex *idx)
{
	MwbStreamDevice *dev = NULL;
	guint i;

	for (i = 0; i < idx->records->len; i++) {
		const MwbStreamRecord *r = &g_array_index (idx->records, MwbStreamRecord, i);

		if (r->kind == MWB_STREAM_SECTION_FULL) {
			MwbStreamDevice fresh = { 0 };

			dev = NULL;
			if (g_strcmp0 (r->idstr, "ram") == 0)
				continue;
			fresh.name = r->idstr;
			fresh.instance = r->instance;
			fresh.version = r->version;
			fresh.section_id = r->section_id;
			g_array_append_val (idx->devices, fresh);
			dev = &g_array_index (idx->devices, MwbStreamDevice, idx->devices->len - 1);
		} else if (dev != NULL && r->section_id == dev->section_id) {
			if (r->kind == MWB_STREAM_DEVICE_DATA && dev->length == 0) {
				dev->offset = r->offset;
				dev->length = r->length;
			} else if (r->kind == MWB_STREAM_DEVICE_FIELD) {
				dev->described = TRUE;
				if (g_strcmp0 (r->type, "struct") != 0)
					dev->n_fields++;
			} else if (r->kind == MWB_STREAM_FOOTER) {
				dev = NULL;
			}
		} else if (kind_is_top (r->kind)) {
			dev = NULL;
		}
	}
}

/* Records delivered as found come in order of offset, nearly always:
 * sorting them would be the slowest part of loading a large stream.  So
 * they are checked, the few late ones sorted, and the two merged, the
 * ones found first first among equals, as a stable sort would have it. */
static void
index_sort (MwbStreamIndex *idx)
{
	GArray *merged;
	guint i, j, n = idx->records->len, m = idx->late->len;

	for (i = 1; i < n; i++)
		if (record_compare (&g_array_index (idx->records, MwbStreamRecord, i - 1),
		                    &g_array_index (idx->records, MwbStreamRecord, i)) > 0)
			break;
	if (i < n)
		g_array_sort (idx->records, record_compare);
	if (m == 0)
		return;
	g_array_sort (idx->late, record_compare);
	merged = g_array_sized_new (FALSE, FALSE, sizeof (MwbStreamRecord), n + m);
	for (i = 0, j = 0; i < n || j < m;) {
		const MwbStreamRecord *a = i < n ? &g_array_index (idx->records, MwbStreamRecord, i) : NULL;
		const MwbStreamRecord *b = j < m ? &g_array_index (idx->late, MwbStreamRecord, j) : NULL;

		if (b == NULL || (a != NULL && record_compare (a, b) <= 0)) {
			g_array_append_vals (merged, a, 1);
			i++;
		} else {
			g_array_append_vals (merged, b, 1);
			j++;
		}
	}
	g_array_unref (idx->records);
	idx->records = merged;
	g_array_set_size (idx->late, 0);
}

static void
index_build (MwbStreamIndex *idx)
{
	guint64 max = 0;
	guint i;

	index_sort (idx);
	idx->max_end = g_new (guint64, MAX (idx->records->len, 1));
	for (i = 0; i < idx->records->len; i++) {
		const MwbStreamRecord *r = &g_array_index (idx->records, MwbStreamRecord, i);

		max = MAX (max, r->offset + r->length);
		idx->max_end[i] = max;
		if (kind_is_top (r->kind))
			g_array_append_val (idx->tops, i);
		if ((guint) r->kind < MWB_STREAM_KIND_COUNT)
			idx->counts[r->kind]++;
		if (r->kind == MWB_STREAM_HEADER && idx->version == 0)
			idx->version = r->version;
		if (r->kind == MWB_STREAM_CONFIG && idx->machine == NULL)
			idx->machine = r->name;
	}
	index_sections (idx);
	index_ram (idx);
	index_devices (idx);
}

static MwbStreamIndex *
index_new (void)
{
	MwbStreamIndex *idx = g_new0 (MwbStreamIndex, 1);

	idx->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	idx->records = g_array_new (FALSE, FALSE, sizeof (MwbStreamRecord));
	idx->late = g_array_new (FALSE, FALSE, sizeof (MwbStreamRecord));
	idx->tops = g_array_new (FALSE, FALSE, sizeof (guint));
	idx->pages = g_array_new (FALSE, FALSE, sizeof (PageEntry));
	idx->sections = g_array_new (FALSE, FALSE, sizeof (MwbStreamSection));
	idx->blocks = g_array_new (FALSE, FALSE, sizeof (MwbStreamRamBlock));
	idx->devices = g_array_new (FALSE, FALSE, sizeof (MwbStreamDevice));
	return idx;
}

static void
index_parse (MwbStreamIndex *idx)
{
	static const MwbStreamOps ops = { index_collect };
	g_autoptr(MwbStreamParser) p = mwb_stream_parser_new (&ops, idx);

	/* about one record per page sent: room for them up front saves
	 * copying the array as it grows */
	g_array_set_size (idx->records, (guint) MIN (idx->len / 4096 + 64, (gsize) 1 << 22));
	g_array_set_size (idx->records, 0);
	mwb_stream_parser_feed (p, idx->data, idx->len);
	mwb_stream_parser_finish (p);
	idx->page_size = p->page_size;
	index_build (idx);
}

MwbStreamIndex *
mwb_stream_index_new_from_bytes (const guint8 *data, gsize len)
{
	MwbStreamIndex *idx;

	g_return_val_if_fail (data != NULL || len == 0, NULL);

	idx = index_new ();
	idx->copy = g_memdup2 (data, len);
	idx->data = idx->copy;
	idx->len = len;
	index_parse (idx);
	return idx;
}

MwbStreamIndex *
mwb_stream_index_load (const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	GMappedFile *mapped;
	MwbStreamIndex *idx;

	g_return_val_if_fail (path != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	mapped = g_mapped_file_new (path, FALSE, &local);
	if (mapped == NULL) {
		g_set_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_IO, "%s", local->message);
		return NULL;
	}
	idx = index_new ();
	idx->mapped = mapped;
	idx->data = (const guint8 *) g_mapped_file_get_contents (mapped);
	idx->len = g_mapped_file_get_length (mapped);
	index_parse (idx);
	return idx;
}

void
mwb_stream_index_free (MwbStreamIndex *idx)
{
	if (idx == NULL)
		return;
	g_array_unref (idx->records);
	g_array_unref (idx->late);
	g_array_unref (idx->tops);
	g_array_unref (idx->pages);
	g_array_unref (idx->sections);
	g_array_unref (idx->blocks);
	g_array_unref (idx->devices);
	g_hash_table_unref (idx->strings);
	g_free (idx->max_end);
	g_free (idx->vmdesc);
	g_free (idx->copy);
	if (idx->mapped != NULL)
		g_mapped_file_unref (idx->mapped);
	g_free (idx);
}

const guint8 *
mwb_stream_index_data (MwbStreamIndex *idx, gsize *len)
{
	g_return_val_if_fail (idx != NULL, NULL);

	if (len != NULL)
		*len = idx->len;
	return idx->data;
}

guint32
mwb_stream_index_version (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->version;
}

const char *
mwb_stream_index_machine (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, NULL);

	return idx->machine;
}

const char *
mwb_stream_index_vmdesc (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, NULL);

	return idx->vmdesc;
}

guint64
mwb_stream_index_page_size (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->page_size;
}

guint
mwb_stream_index_n_records (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->records->len;
}

const MwbStreamRecord *
mwb_stream_index_record (MwbStreamIndex *idx, guint i)
{
	g_return_val_if_fail (idx != NULL, NULL);
	g_return_val_if_fail (i < idx->records->len, NULL);

	return &g_array_index (idx->records, MwbStreamRecord, i);
}

guint
mwb_stream_index_count (MwbStreamIndex *idx, MwbStreamKind kind)
{
	g_return_val_if_fail (idx != NULL, 0);

	return (guint) kind < MWB_STREAM_KIND_COUNT ? idx->counts[kind] : 0;
}

guint
mwb_stream_index_n_sections (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->sections->len;
}

const MwbStreamSection *
mwb_stream_index_section (MwbStreamIndex *idx, guint i)
{
	g_return_val_if_fail (idx != NULL, NULL);
	g_return_val_if_fail (i < idx->sections->len, NULL);

	return &g_array_index (idx->sections, MwbStreamSection, i);
}

guint
mwb_stream_index_n_ram_blocks (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->blocks->len;
}

const MwbStreamRamBlock *
mwb_stream_index_ram_block (MwbStreamIndex *idx, guint i)
{
	g_return_val_if_fail (idx != NULL, NULL);
	g_return_val_if_fail (i < idx->blocks->len, NULL);

	return &g_array_index (idx->blocks, MwbStreamRamBlock, i);
}

guint
mwb_stream_index_n_devices (MwbStreamIndex *idx)
{
	g_return_val_if_fail (idx != NULL, 0);

	return idx->devices->len;
}

const MwbStreamDevice *
mwb_stream_index_device (MwbStreamIndex *idx, guint i)
{
	g_return_val_if_fail (idx != NULL, NULL);
	g_return_val_if_fail (i < idx->devices->len, NULL);

	return &g_array_index (idx->devices, MwbStreamDevice, i);
}

/* Records starting at offset or before: the index past the last of them. */
static guint
records_upto (MwbStreamIndex *idx, guint64 offset)
{
	guint lo = 0, hi = idx->records->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index (idx->records, MwbStreamRecord, mid).offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const MwbStreamRecord *
mwb_stream_index_record_at (MwbStreamIndex *idx, guint64 offset)
{
	guint j;

	g_return_val_if_fail (idx != NULL, NULL);

	/* Records nest (fields in device data) or are apart, so the innermost
	 * holding offset is the one starting last at or before it; going
	 * back past records that end before offset stops as soon as none
	 * further back can reach it. */
	for (j = records_upto (idx, offset); j-- > 0;) {
		const MwbStreamRecord *r = &g_array_index (idx->records, MwbStreamRecord, j);

		if (idx->max_end[j] <= offset)
			break;
		if (r->length > 0 && r->kind != MWB_STREAM_NOTE && offset - r->offset < r->length)
			return r;
	}
	return NULL;
}

/* Top-level records starting before offset (strictly, or at or before
 * when inclusive): the index in tops past the last of them. */
static guint
tops_before (MwbStreamIndex *idx, guint64 offset, gboolean inclusive)
{
	guint lo = 0, hi = idx->tops->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		guint64 at = g_array_index (idx->records, MwbStreamRecord,
		                            g_array_index (idx->tops, guint, mid)).offset;

		if (at < offset || (inclusive && at == offset))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const MwbStreamRecord *
top_record (MwbStreamIndex *idx, guint i)
{
	return &g_array_index (idx->records, MwbStreamRecord, g_array_index (idx->tops, guint, i));
}

const MwbStreamRecord *
mwb_stream_index_next_section (MwbStreamIndex *idx, guint64 offset)
{
	guint i;

	g_return_val_if_fail (idx != NULL, NULL);

	i = tops_before (idx, offset, TRUE);
	return i < idx->tops->len ? top_record (idx, i) : NULL;
}

const MwbStreamRecord *
mwb_stream_index_prev_section (MwbStreamIndex *idx, guint64 offset)
{
	guint i;

	g_return_val_if_fail (idx != NULL, NULL);

	i = tops_before (idx, offset, FALSE);
	return i > 0 ? top_record (idx, i - 1) : NULL;
}

const MwbStreamRecord *
mwb_stream_index_section_at (MwbStreamIndex *idx, guint64 offset)
{
	guint i;

	g_return_val_if_fail (idx != NULL, NULL);

	i = tops_before (idx, offset, TRUE);
	return i > 0 ? top_record (idx, i - 1) : NULL;
}

static const MwbStreamRecord *
find_in_block (MwbStreamIndex *idx, const char *block, guint64 addr)
{
	guint lo = 0, hi = idx->pages->len;
	PageEntry key = { block, addr, 0 };

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		const PageEntry *e = &g_array_index (idx->pages, PageEntry, mid);
		int c;

		if (e->block != key.block)
			c = (guintptr) e->block < (guintptr) key.block ? -1 : 1;
		else
			c = e->addr < addr ? -1 : e->addr > addr;
		if (c == 0)
			return &g_array_index (idx->records, MwbStreamRecord, e->record);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const MwbStreamRecord *
mwb_stream_index_find_page (MwbStreamIndex *idx, const char *block, guint64 addr)
{
	const MwbStreamRecord *r;
	const char *name;
	guint i;

	g_return_val_if_fail (idx != NULL, NULL);

	addr &= ~(idx->page_size - 1);
	if (block != NULL) {
		name = g_hash_table_lookup (idx->strings, block);
		return name != NULL ? find_in_block (idx, name, addr) : NULL;
	}
	name = g_hash_table_lookup (idx->strings, "pc.ram");
	if (name != NULL && (r = find_in_block (idx, name, addr)) != NULL)
		return r;
	for (i = 0; i < idx->blocks->len; i++) {
		r = find_in_block (idx, g_array_index (idx->blocks, MwbStreamRamBlock, i).name, addr);
		if (r != NULL)
			return r;
	}
	return NULL;
}
