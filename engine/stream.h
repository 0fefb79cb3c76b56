/* QEMU migration stream inspector: a push parser and an index of records.
 *
 * A migration stream (what `migrate "exec:cat > file"` writes) is the magic
 * "QEVM", a version, then sections: the configuration, iterative sections
 * (RAM, sent as START, several PARTs and an END), the devices' state (one
 * FULL section each), EOF, and the VM description, a JSON text that says
 * how each device section is laid out.  Everything is big-endian.
 *
 * The parser takes the bytes in chunks of any size (one byte at a time
 * gives the same records as the whole file at once) and calls back once
 * per record: a section header, a RAM page, a device field...  It never
 * gives up on bytes it does not understand, unlike QEMU's
 * analyze-migration.py: it reports them as an UNKNOWN record with a reason
 * and looks for the next thing it recognises.  Page payloads are counted
 * and skipped, never copied, so a 100 MB stream parses in milliseconds.
 *
 * Device sections carry no length.  The parser finds their end by their
 * footer (0x7e and the section id) and keeps their bytes; when the VM
 * description arrives at the end of the stream, it walks each device
 * section by it and reports the fields then (DEVICE_FIELD records with
 * late set: their offsets lie behind the parser).
 *
 * The index runs the parser over a mapped file and answers what the TUI's
 * hexdump asks: which record holds this byte, where the next section is,
 * which record last sent a guest page.
 *
 * No curses, no I/O in the parser; the index maps the file it is given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MWB_STREAM_ERROR (mwb_stream_error_quark ())

typedef enum {
	/* the file could not be opened or mapped */
	MWB_STREAM_ERROR_IO,
	/* no record in the stream for what was asked, e.g. a page */
	MWB_STREAM_ERROR_NOT_FOUND,
} MwbStreamError;

GQuark
mwb_stream_error_quark (void);

/* Section type bytes (QEMU migration/savevm.c). */
enum {
	MWB_STREAM_VM_EOF = 0x00,
	MWB_STREAM_VM_SECTION_START = 0x01,
	MWB_STREAM_VM_SECTION_PART = 0x02,
	MWB_STREAM_VM_SECTION_END = 0x03,
	MWB_STREAM_VM_SECTION_FULL = 0x04,
	MWB_STREAM_VM_SUBSECTION = 0x05,
	MWB_STREAM_VM_VMDESCRIPTION = 0x06,
	MWB_STREAM_VM_CONFIGURATION = 0x07,
	MWB_STREAM_VM_COMMAND = 0x08,
	MWB_STREAM_VM_SECTION_FOOTER = 0x7e,
};

/* RAM record flags, the low bits of each record's be64 (QEMU
 * migration/ram.c).  0x01 (FULL) has not been sent since QEMU 1.x. */
enum {
	MWB_STREAM_RAM_FLAG_ZERO = 0x002,
	MWB_STREAM_RAM_FLAG_MEM_SIZE = 0x004,
	MWB_STREAM_RAM_FLAG_PAGE = 0x008,
	MWB_STREAM_RAM_FLAG_EOS = 0x010,
	MWB_STREAM_RAM_FLAG_CONTINUE = 0x020,
	MWB_STREAM_RAM_FLAG_XBZRLE = 0x040,
	MWB_STREAM_RAM_FLAG_HOOK = 0x080,
	MWB_STREAM_RAM_FLAG_COMPRESS_PAGE = 0x100,
	MWB_STREAM_RAM_FLAG_MULTIFD_FLUSH = 0x200,
};

typedef enum {
	MWB_STREAM_HEADER,          /* magic and version; version in .version */
	MWB_STREAM_CONFIG,          /* configuration: machine type in .name */
	MWB_STREAM_SECTION_START,   /* section headers: type byte, id, idstr, */
	MWB_STREAM_SECTION_PART,    /* instance and version (PART and END: */
	MWB_STREAM_SECTION_END,     /* only the id; the rest is filled in */
	MWB_STREAM_SECTION_FULL,    /* from the section's START) */
	MWB_STREAM_SUBSECTION,      /* subsection header, name in .name */
	MWB_STREAM_FOOTER,          /* 0x7e + section id */
	MWB_STREAM_RAM_MEM_SIZE,    /* the be64 of total RAM bytes (.size) */
	MWB_STREAM_RAM_BLOCK,       /* one block of the MEM_SIZE list */
	MWB_STREAM_RAM_PAGE,        /* header, block name and page bytes */
	MWB_STREAM_RAM_ZERO,        /* a page filled with .fill */
	MWB_STREAM_RAM_XBZRLE,      /* an XBZRLE-encoded page */
	MWB_STREAM_RAM_COMPRESS,    /* a zlib-compressed page */
	MWB_STREAM_RAM_EOS,         /* end of this section's RAM data */
	MWB_STREAM_RAM_MULTIFD_FLUSH,
	MWB_STREAM_RAM_HOOK,        /* RDMA's marker, no payload */
	MWB_STREAM_DEVICE_DATA,     /* a device section's bytes, opaque */
	MWB_STREAM_DEVICE_FIELD,    /* one field found by the description */
	MWB_STREAM_COMMAND,         /* command number in .flags */
	MWB_STREAM_VMDESC,          /* the VM description's JSON */
	MWB_STREAM_EOF,
	MWB_STREAM_NOTE,            /* something worth saying, .reason */
	MWB_STREAM_UNKNOWN,         /* bytes not understood, .reason says why */
	MWB_STREAM_TRUNCATED,       /* the stream ends inside a record */
	MWB_STREAM_KIND_COUNT
} MwbStreamKind;

/* .section_id of records outside any section. */
#define MWB_STREAM_NO_SECTION G_MAXUINT32

/* One record.  Only the fields that apply to its kind are set; the others
 * are 0 or NULL.  Strings and data are owned by whoever delivers the
 * record: the parser's are valid during the callback only, the index's as
 * long as the index. */
typedef struct {
	MwbStreamKind kind;
	/* the bytes this record covers in the stream: all of them, from its
	 * first header byte to the end of its payload; 0 for NOTE markers and
	 * for TRUNCATED markers at the end of the stream */
	guint64 offset;
	guint64 length;
	/* delivered after the fact by the description walk (DEVICE_FIELD,
	 * SUBSECTION, NOTE and UNKNOWN about device sections): its offset is
	 * behind records already delivered */
	gboolean late;

	/* the section holding the record, or that the record is the header
	 * or footer of; MWB_STREAM_NO_SECTION and NULL outside sections */
	guint32 section_id;
	guint8 section_type;        /* MWB_STREAM_VM_SECTION_*, 0 if none */
	const char *idstr;          /* "ram", "timer", "configuration" ... */
	guint32 instance;
	guint32 version;            /* section version; HEADER: stream
	                             * version; SUBSECTION: its version */

	/* RAM records */
	const char *block;          /* RAM block; NULL if CONTINUE came first */
	guint64 addr;               /* page address in the block (RAM_BLOCK:
	                             * the block's address with x-ignore-shared) */
	guint32 flags;              /* RAM flags; COMMAND: command number */
	guint8 fill;                /* RAM_ZERO: the fill byte */
	guint64 size;               /* RAM_MEM_SIZE: total bytes; RAM_BLOCK:
	                             * used length; COMMAND PACKAGED: length of
	                             * the packaged stream that follows */
	guint64 page_size;          /* RAM_BLOCK: the block's page size when the
	                             * stream says it (postcopy), else 0 */

	/* where the payload starts and how long it is: page bytes, XBZRLE or
	 * zlib data, the fill byte, the JSON text, the device data, a field's
	 * value, a command's data */
	guint64 payload_offset;
	guint64 payload_length;
	/* the payload itself when the deliverer holds it (VMDESC's JSON, a
	 * COMMAND's data), else NULL */
	const guint8 *data;

	/* CONFIG: machine type; SUBSECTION: its name; DEVICE_FIELD: the
	 * field's path in its device, e.g. "env.regs[3]" or
	 * "cpu/tsc_khz.tsc_khz" in a subsection; COMMAND: the command name */
	const char *name;
	const char *type;           /* DEVICE_FIELD: "int64", "buffer" ... */
	gboolean has_value;         /* DEVICE_FIELD of an integer type */
	guint64 value;              /* its value, read big-endian */
	const char *text;           /* DEVICE_FIELD of a string: capability
	                             * name, UUID */
	const char *reason;         /* NOTE, UNKNOWN, TRUNCATED */
} MwbStreamRecord;

/* "header", "config", "section-start" ... "truncated"; NULL past the
 * last kind.  The names JSON output uses. */
const char *
mwb_stream_kind_name (MwbStreamKind kind);

/* "START", "PART", "END", "FULL" for a section type byte, else NULL. */
const char *
mwb_stream_section_type_name (guint8 section_type);

/* "PAGE|CONTINUE" ...; unknown bits as hex.  Free with g_free(). */
char *
mwb_stream_ram_flags_string (guint32 flags);

/* One line explaining the record to a human, e.g.
 *
 *   RAM page 0x00123000 of pc.ram (flags PAGE|CONTINUE), 4096 bytes at 0x1a2b3c
 *   section 2 START ram instance 0 version 4
 *   footer of section 5 (timer)
 *   device field timer.cpu_ticks_offset int64 = 0x1c4a2b
 *   not understood: section type 0x99 not known, 0x20 bytes at 0x4a10
 *
 * Free with g_free(). */
char *
mwb_stream_record_describe (const MwbStreamRecord *record);

/* ---- the push parser ---- */

typedef struct {
	/* Every record, in the order found (late ones when found).  The
	 * record is only valid during the call.  The callback must not feed
	 * or free the parser that called it. */
	void (*record) (const MwbStreamRecord *record, gpointer data);
} MwbStreamOps;

typedef struct _MwbStreamParser MwbStreamParser;

/* Default for mwb_stream_parser_set_keep_limit(): device sections of a
 * real machine hold tens of KiB, so this is room for any of them while a
 * stream of garbage cannot make the parser hold more. */
#define MWB_STREAM_DEFAULT_KEEP_LIMIT ((gsize) 16 * 1024 * 1024)

/* ops is copied. */
MwbStreamParser *
mwb_stream_parser_new (const MwbStreamOps *ops, gpointer data);

void
mwb_stream_parser_free (MwbStreamParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbStreamParser, mwb_stream_parser_free)

/* Device section bytes kept for the description walk, all sections
 * together.  Past it, sections are reported as opaque DEVICE_DATA and a
 * NOTE says so.  Set it before the first feed. */
void
mwb_stream_parser_set_keep_limit (MwbStreamParser *parser, gsize limit);

/* Feeds len bytes (buf may be NULL when len is 0), split anywhere.
 * Records are delivered as soon as they are complete; a record cut by the
 * end of the chunk waits for the next. */
void
mwb_stream_parser_feed (MwbStreamParser *parser, const guint8 *buf, gsize len);

/* The stream has ended: delivers what was held back, reports a record
 * cut short as TRUNCATED and a stream that stops inside a section or
 * before EOF with a TRUNCATED marker.  No feed after this. */
void
mwb_stream_parser_finish (MwbStreamParser *parser);

/* Bytes fed so far. */
guint64
mwb_stream_parser_offset (MwbStreamParser *parser);

/* Target page size RAM records are read with: 4096, or what the
 * configuration's target-page-bits subsection says. */
guint64
mwb_stream_parser_page_size (MwbStreamParser *parser);

/* ---- the index ---- */

typedef struct {
	guint32 id;
	const char *idstr;
	guint32 instance;
	guint32 version;
	guint64 offset;             /* its first header in the stream */
	guint n_start, n_part, n_end, n_full;
} MwbStreamSection;

typedef struct {
	const char *name;
	guint64 size;               /* used length from MEM_SIZE, else 0 */
	gboolean listed;            /* in the MEM_SIZE list */
	guint64 page_records;
	guint64 zero_records;
	guint64 xbzrle_records;
	guint64 compress_records;
	guint64 distinct_pages;     /* pages with at least one record */
} MwbStreamRamBlock;

typedef struct {
	const char *name;           /* the section's idstr */
	guint32 instance;
	guint32 version;
	guint32 section_id;
	guint64 offset;             /* its device data (0 long: none) */
	guint64 length;
	gboolean described;         /* walked by the VM description */
	guint n_fields;             /* leaf DEVICE_FIELDs found */
} MwbStreamDevice;

typedef struct _MwbStreamIndex MwbStreamIndex;

/* Maps the file and parses it.  FALSE only when the file cannot be read
 * (MWB_STREAM_ERROR_IO); a file that is no migration stream at all still
 * loads, as one UNKNOWN record. */
MwbStreamIndex *
mwb_stream_index_load (const char *path, GError **error);

/* The same from bytes in memory, which are copied. */
MwbStreamIndex *
mwb_stream_index_new_from_bytes (const guint8 *data, gsize len);

void
mwb_stream_index_free (MwbStreamIndex *idx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbStreamIndex, mwb_stream_index_free)

/* The stream's bytes, valid as long as the index. */
const guint8 *
mwb_stream_index_data (MwbStreamIndex *idx, gsize *len);

/* Stream version from the header, 0 without a header. */
guint32
mwb_stream_index_version (MwbStreamIndex *idx);

/* Machine type from the configuration, or NULL. */
const char *
mwb_stream_index_machine (MwbStreamIndex *idx);

/* The VM description's JSON text (NUL-terminated), or NULL. */
const char *
mwb_stream_index_vmdesc (MwbStreamIndex *idx);

/* Records in order of offset, an enclosing record before those inside it
 * (a DEVICE_DATA before its fields), then in the order delivered. */
guint
mwb_stream_index_n_records (MwbStreamIndex *idx);

const MwbStreamRecord *
mwb_stream_index_record (MwbStreamIndex *idx, guint i);

/* How many records of a kind. */
guint
mwb_stream_index_count (MwbStreamIndex *idx, MwbStreamKind kind);

/* Sections by id, in the order they first appear. */
guint
mwb_stream_index_n_sections (MwbStreamIndex *idx);

const MwbStreamSection *
mwb_stream_index_section (MwbStreamIndex *idx, guint i);

/* RAM blocks in MEM_SIZE order, then blocks only named by records. */
guint
mwb_stream_index_n_ram_blocks (MwbStreamIndex *idx);

const MwbStreamRamBlock *
mwb_stream_index_ram_block (MwbStreamIndex *idx, guint i);

/* Device sections (FULL, not RAM) in stream order. */
guint
mwb_stream_index_n_devices (MwbStreamIndex *idx);

const MwbStreamDevice *
mwb_stream_index_device (MwbStreamIndex *idx, guint i);

/* The innermost record holding the byte at offset (a RAM_PAGE rather than
 * its section, a DEVICE_FIELD rather than its DEVICE_DATA), NULL if none.
 * NOTE and 0-long records never hold a byte.  O(log n). */
const MwbStreamRecord *
mwb_stream_index_record_at (MwbStreamIndex *idx, guint64 offset);

/* The first top-level record (HEADER, CONFIG, a section header, COMMAND,
 * EOF, VMDESC) starting after offset, or the last one starting before
 * it; NULL if none.  O(log n). */
const MwbStreamRecord *
mwb_stream_index_next_section (MwbStreamIndex *idx, guint64 offset);

const MwbStreamRecord *
mwb_stream_index_prev_section (MwbStreamIndex *idx, guint64 offset);

/* The top-level record whose item holds offset: the section header for a
 * byte of the section's RAM pages, device data or footer.  NULL before
 * the first. */
const MwbStreamRecord *
mwb_stream_index_section_at (MwbStreamIndex *idx, guint64 offset);

/* The last record (RAM_PAGE, RAM_ZERO, RAM_XBZRLE or RAM_COMPRESS) that
 * sent the page holding addr in block: later iterations override earlier
 * ones, as on the destination.  block NULL means "pc.ram", or failing
 * that the first block with a record for addr.  addr is the
 * offset in the block, which for pc.ram is the guest-physical address
 * below the PCI hole.  NULL if no record sent it.  O(log n). */
const MwbStreamRecord *
mwb_stream_index_find_page (MwbStreamIndex *idx, const char *block, guint64 addr);

/* Target page size of the stream's RAM records (4096 on x86). */
guint64
mwb_stream_index_page_size (MwbStreamIndex *idx);

G_END_DECLS
