/* CRIU image inspector: a push parser of CRIU's image files, a protobuf
 * wire-format decoder, an index of one image and an index of a dump
 * directory.
 *
 * A CRIU dump is a directory of image files.  Most start with two le32
 * magic words, IMG_COMMON (or IMG_SERVICE for stats-* and irmap-cache) and
 * the image's own (PSTREE, CORE, ...); inventory.img has its own only.
 * Then come entries: a le32 size and a protobuf message of that size.
 * Some images put raw bytes after an entry, sized by the entry's fields
 * (the data queued in a pipe after its pipe_data_entry, a socket's packet
 * after its sk_packet_entry, a ghost file's contents...).  pages-N.img has
 * no magic and no entries: it is the dumped pages, one after another, in
 * the order of the runs of the pagemap-PID.img whose head names N.
 *
 * No .proto file is needed: messages are split by the wire format alone,
 * and the few fields worth a name (pstree_entry's pid, core_entry's
 * tc.comm, pagemap_entry's vaddr...) are named from a table taken from
 * CRIU's .proto files.  Everything else shows as field numbers.
 *
 * The parser takes the bytes in chunks of any size (one byte at a time
 * gives the same records as the whole file at once) and never holds more
 * than the entry being read, which can be no longer than
 * MWB_CRIU_MESSAGE_MAX: a size word past that, or past the end of the
 * file, is reported as DAMAGED, never allocated.  Raw payloads and pages
 * are counted and skipped, never copied.
 *
 * No curses, no I/O in the parser; the indexes map the files they are
 * given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MWB_CRIU_ERROR (mwb_criu_error_quark ())

typedef enum {
	/* a file or directory that cannot be read */
	MWB_CRIU_ERROR_IO,
	/* not there: no such image, page or process */
	MWB_CRIU_ERROR_NOT_FOUND,
} MwbCriuError;

GQuark
mwb_criu_error_quark (void);

/* Magic words (criu/include/magic.h) that the parser treats specially;
 * mwb_criu_magic_name() knows them all. */
#define MWB_CRIU_IMG_COMMON_MAGIC   0x54564319u
#define MWB_CRIU_IMG_SERVICE_MAGIC  0x55105940u
#define MWB_CRIU_INVENTORY_MAGIC    0x58313116u
#define MWB_CRIU_PSTREE_MAGIC       0x50273030u
#define MWB_CRIU_CORE_MAGIC         0x55053847u
#define MWB_CRIU_MM_MAGIC           0x57492820u
#define MWB_CRIU_PAGEMAP_MAGIC      0x56084025u
#define MWB_CRIU_FDINFO_MAGIC       0x56213732u
#define MWB_CRIU_FILES_MAGIC        0x56303138u
#define MWB_CRIU_PIPES_DATA_MAGIC   0x56453709u
#define MWB_CRIU_FIFO_DATA_MAGIC    0x59333054u
#define MWB_CRIU_SK_QUEUES_MAGIC    0x56264026u
#define MWB_CRIU_TCP_STREAM_MAGIC   0x51465506u
#define MWB_CRIU_GHOST_FILE_MAGIC   0x52583605u
#define MWB_CRIU_IPCNS_SHM_MAGIC    0x46283044u
#define MWB_CRIU_IPCNS_SEM_MAGIC    0x59573019u
#define MWB_CRIU_IPCNS_MSG_MAGIC    0x55453737u
#define MWB_CRIU_BPFMAP_DATA_MAGIC  0x64324033u
#define MWB_CRIU_STATS_MAGIC        0x57093306u
#define MWB_CRIU_IRMAP_CACHE_MAGIC  0x57004059u

/* pagemap_entry.flags (criu/include/page-read.h) */
#define MWB_CRIU_PE_PARENT  0x1u    /* the pages are in the parent dump */
#define MWB_CRIU_PE_LAZY    0x2u    /* they may be restored lazily */
#define MWB_CRIU_PE_PRESENT 0x4u    /* they are in pages-N.img */

/* The page size of x86-64 dumps, the only one this knows. */
#define MWB_CRIU_PAGE_SIZE ((guint64) 4096)

/* The longest entry the parser reads: CRIU's messages are at most a few
 * hundred KiB (an mm_entry with every VMA of a large process). */
#define MWB_CRIU_MESSAGE_MAX ((guint32) 16 * 1024 * 1024)

/* "PSTREE" for PSTREE's magic, "IMG_COMMON", "IMG_SERVICE"...; NULL for a
 * word that is no CRIU magic.  Magics shared by two images (PAGEMAP and
 * SHMEM_PAGEMAP, SIGNAL and PSIGNAL) give the first name. */
const char *
mwb_criu_magic_name (guint32 magic);

/* The magic with that name, 0 if none. */
guint32
mwb_criu_magic_from_name (const char *name);

/* Whether a le32 word is one an image file starts with: IMG_COMMON,
 * IMG_SERVICE or INVENTORY. */
gboolean
mwb_criu_is_leading_magic (guint32 word);

/* The protobuf message of an image's entries ("pstree_entry"), NULL when
 * not known.  PAGEMAP's first entry is a "pagemap_head", GHOST_FILE's
 * later ones "ghost_chunk_entry"; the parser's records say which. */
const char *
mwb_criu_magic_message (guint32 magic);

/* The type of an image that has no magic, from its file name: "PAGES"
 * for pages-N.img, "IFADDR", "ROUTE", "TMPFS"... for the raw dumps of
 * other tools; NULL for any other name.  Only the base name counts. */
const char *
mwb_criu_raw_image_type (const char *name);

/* pages-N.img: N in *pages_id.  FALSE for any other name. */
gboolean
mwb_criu_pages_name_id (const char *name, guint32 *pages_id);

/* "PE_LAZY|PE_PRESENT", unknown bits in hex, "0" for none.  g_free(). */
char *
mwb_criu_pagemap_flags_string (guint32 flags);

/* core_entry.tc.task_state: "alive", "dead", "stopped", "zombie",
 * "helper", "thread" (criu/include/pstree.h, compel's task-state.h);
 * NULL for another value. */
const char *
mwb_criu_task_state_name (guint32 state);

/* fd_types (images/fdinfo.proto): "REG", "PIPE", "UNIXSK"...; NULL. */
const char *
mwb_criu_fd_type_name (guint32 type);

/* ---- the protobuf wire format ---- */

typedef enum {
	MWB_CRIU_WIRE_VARINT = 0,
	MWB_CRIU_WIRE_FIXED64 = 1,
	MWB_CRIU_WIRE_BYTES = 2,    /* length-delimited: string, bytes, message */
	MWB_CRIU_WIRE_FIXED32 = 5,
} MwbCriuWire;

/* One field of a message as the wire has it. */
typedef struct {
	guint32 number;
	MwbCriuWire wire;
	guint64 value;              /* VARINT, FIXED*: the value; BYTES: the length */
	gsize offset;               /* of its key, from the message's first byte */
	gsize value_offset;         /* of its value; BYTES: of the bytes */
	gsize length;               /* key and value */
} MwbCriuField;

/* Splits a message into its fields, in order, appending them to fields
 * (a GArray of MwbCriuField; may be NULL to check only).  FALSE when the
 * bytes are no protobuf message: a field number 0, a wire type other than
 * the four above (CRIU never writes groups), a varint longer than 10
 * bytes, a field that runs past the end.  Then *bad_at (may be NULL) is
 * where it broke and *reason (may be NULL) why, a static string; the
 * fields before it are appended all the same.  Never reads outside
 * data[0, len). */
gboolean
mwb_criu_pb_split (const guint8 *data, gsize len, GArray *fields, gsize *bad_at, const char **reason);

/* The value of the last VARINT or FIXED field with that number, as
 * protobuf takes it for a scalar.  FALSE when there is none or the
 * message does not split. */
gboolean
mwb_criu_pb_uint (const guint8 *data, gsize len, guint32 number, guint64 *value);

/* The bytes of the last BYTES field with that number. */
gboolean
mwb_criu_pb_bytes (const guint8 *data, gsize len, guint32 number, const guint8 **value, gsize *value_len);

/* How many fields have that number (a repeated field's length). */
guint
mwb_criu_pb_count (const guint8 *data, gsize len, guint32 number);

/* Down nested messages: path[0] in the message, path[1] in that... the
 * last is the field wanted.  E.g. { 3, 6 } is core_entry.tc.comm. */
gboolean
mwb_criu_pb_path_uint (const guint8 *data, gsize len, const guint32 *path, guint depth, guint64 *value);

gboolean
mwb_criu_pb_path_bytes (const guint8 *data, gsize len, const guint32 *path, guint depth,
                        const guint8 **value, gsize *value_len);

/* How a field is shown, from CRIU's .proto files where mwb knows the
 * message, else guessed from the wire. */
typedef enum {
	MWB_CRIU_PB_UNKNOWN,    /* not in the table: by wire type */
	MWB_CRIU_PB_UINT,       /* uint32, uint64, int32 and int64 read as such */
	MWB_CRIU_PB_SINT,       /* sint32, sint64: zigzag */
	MWB_CRIU_PB_INT,        /* int32, int64: negative as two's complement */
	MWB_CRIU_PB_HEX,        /* addresses and masks: 0x... */
	MWB_CRIU_PB_BOOL,
	MWB_CRIU_PB_ENUM,       /* a number and, where known, its name */
	MWB_CRIU_PB_STRING,
	MWB_CRIU_PB_BYTES,
	MWB_CRIU_PB_MESSAGE,    /* a nested message of type .message */
} MwbCriuPbType;

typedef struct {
	const char *message;    /* the message it is a field of */
	guint32 number;
	const char *name;
	MwbCriuPbType type;
	const char *nested;     /* MESSAGE: the nested message's type */
	gboolean repeated;
} MwbCriuPbFieldDef;

/* The field's definition, NULL when message or number is not known. */
const MwbCriuPbFieldDef *
mwb_criu_pb_field_def (const char *message, guint32 number);

/* An enum field's value by name ("X86_64" for core_entry.mtype 1, "REG"
 * for fdinfo_entry.type 1, "alive" for task_core_entry.task_state 1),
 * NULL when not known. */
const char *
mwb_criu_pb_enum_name (const char *message, guint32 number, guint64 value);

/* Guesses for fields no table names: text is valid UTF-8 without control
 * characters other than tab and newline; a message splits with field
 * numbers CRIU could use (below 256). */
gboolean
mwb_criu_pb_looks_like_text (const guint8 *data, gsize len);

gboolean
mwb_criu_pb_looks_like_message (const guint8 *data, gsize len);

/* A message in one line, named fields where message's table has them and
 * numbers elsewhere, nested messages in braces:
 *
 *   pid=9601 ppid=0 pgid=9601 sid=9601 threads=[9601]
 *   mtype=1(X86_64) thread_info={...} tc={task_state=1(alive) ... comm="sleep" ...}
 *   1:varint=42 2:bytes[12]="env00" 3:msg{1:varint=7} 4:fixed32=0x10
 *
 * A repeated field's values are gathered in [ ] where they follow each
 * other.  At most max_chars characters (0: no limit); a longer text ends
 * with "...".  A message that does not split ends with "!not protobuf:
 * REASON at +OFFSET".  message may be NULL.  g_free(). */
char *
mwb_criu_pb_format (const char *message, const guint8 *data, gsize len, gsize max_chars);

/* ---- records ---- */

typedef enum {
	MWB_CRIU_MAGIC,         /* a le32 magic word, in .magic */
	MWB_CRIU_ENTRY,         /* le32 size, then a protobuf message of that size */
	MWB_CRIU_EXTRA,         /* raw bytes after an entry, sized by its fields */
	MWB_CRIU_PAGES,         /* the pages of a pages-N.img, or another raw image */
	MWB_CRIU_UNPARSED,      /* bytes this parser cannot frame, .reason says why */
	MWB_CRIU_DAMAGED,       /* the image is broken here, .reason says how */
	MWB_CRIU_KIND_COUNT
} MwbCriuKind;

/* One record.  Records cover the file in order, every byte once.
 * Strings and data are owned by whoever delivers the record: the
 * parser's are valid during the callback only, the index's as long as
 * the index. */
typedef struct {
	MwbCriuKind kind;
	guint64 offset;
	guint64 length;

	/* MAGIC: the word; any other: the image's magic (0 before it is
	 * read, and in raw images) */
	guint32 magic;
	/* the image's type, "PSTREE", "PAGES"; NULL while not known */
	const char *image_type;

	/* ENTRY, EXTRA, and DAMAGED for an entry: the entry's number, from
	 * 0; an EXTRA has its entry's number */
	guint entry;
	/* ENTRY, and DAMAGED for an entry whose size fits: the message type
	 * ("pstree_entry"), NULL when not known */
	const char *message;

	/* ENTRY: the message (after the size word); EXTRA, PAGES,
	 * UNPARSED: the raw bytes, the whole record; DAMAGED: the message
	 * when the size word was read, else 0 long */
	guint64 payload_offset;
	guint64 payload_length;
	/* ENTRY and DAMAGED with a payload: the message's bytes, all
	 * payload_length of them; NULL otherwise */
	const guint8 *data;

	/* EXTRA: what the bytes are ("pipe data", "ghost file contents");
	 * UNPARSED, DAMAGED: why */
	const char *reason;
} MwbCriuRecord;

/* "magic", "entry", "extra", "pages", "unparsed", "damaged"; NULL past
 * the last kind. */
const char *
mwb_criu_kind_name (MwbCriuKind kind);

/* One line explaining the record, e.g.
 *
 *   magic IMG_COMMON 0x54564319
 *   entry 0: pstree_entry, 0xe bytes at 0xc: pid=9601 ppid=0 ...
 *   pipe data of entry 0, 0x15 bytes at 0x1b
 *   damaged: entry 3 claims 0x10000 bytes, the file ends 0x20 after its size
 *
 * The entry's fields are cut at about max_chars (0: no limit).  g_free(). */
char *
mwb_criu_record_describe (const MwbCriuRecord *record, gsize max_chars);

/* ---- the push parser ---- */

typedef struct {
	/* Every record, in file order, valid only during the call.  The
	 * callback must not feed or free the parser that called it. */
	void (*record) (const MwbCriuRecord *record, gpointer data);
} MwbCriuOps;

typedef struct _MwbCriuParser MwbCriuParser;

/* name is the file's name (a path is fine, only its base name counts) or
 * NULL: it is how a pages-N.img, which has no magic, is known.  ops is
 * copied. */
MwbCriuParser *
mwb_criu_parser_new (const MwbCriuOps *ops, gpointer data, const char *name);

void
mwb_criu_parser_free (MwbCriuParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbCriuParser, mwb_criu_parser_free)

/* Feeds len bytes (buf may be NULL when len is 0), split anywhere. */
void
mwb_criu_parser_feed (MwbCriuParser *parser, const guint8 *buf, gsize len);

/* The file has ended: delivers what runs to the end (pages, a ghost
 * file's contents) and reports an entry or payload cut short as DAMAGED.
 * No feed after this. */
void
mwb_criu_parser_finish (MwbCriuParser *parser);

/* Bytes fed so far. */
guint64
mwb_criu_parser_offset (MwbCriuParser *parser);

/* ---- one image: the index ---- */

typedef struct _MwbCriuImage MwbCriuImage;

/* Maps the file and parses it.  NULL only when it cannot be read
 * (MWB_CRIU_ERROR_IO); a file that is no CRIU image still loads, as a
 * DAMAGED record. */
MwbCriuImage *
mwb_criu_image_load (const char *path, GError **error);

/* The same from bytes, which are copied; name as for the parser. */
MwbCriuImage *
mwb_criu_image_new_from_bytes (const guint8 *data, gsize len, const char *name);

void
mwb_criu_image_free (MwbCriuImage *img);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbCriuImage, mwb_criu_image_free)

/* The file's base name ("pstree.img"), or "" when none was given. */
const char *
mwb_criu_image_name (MwbCriuImage *img);

const guint8 *
mwb_criu_image_data (MwbCriuImage *img, gsize *len);

/* The image's own magic, 0 for a raw image or when there is none. */
guint32
mwb_criu_image_magic (MwbCriuImage *img);

/* "PSTREE", "PAGES"...; NULL when neither the magic nor the name says. */
const char *
mwb_criu_image_type (MwbCriuImage *img);

/* Records in file order. */
guint
mwb_criu_image_n_records (MwbCriuImage *img);

const MwbCriuRecord *
mwb_criu_image_record (MwbCriuImage *img, guint i);

/* ENTRY records (entries that parsed), in order. */
guint
mwb_criu_image_n_entries (MwbCriuImage *img);

const MwbCriuRecord *
mwb_criu_image_entry (MwbCriuImage *img, guint i);

/* How many records of a kind. */
guint
mwb_criu_image_count (MwbCriuImage *img, MwbCriuKind kind);

/* The record holding the byte at offset, NULL past the end.  O(log n). */
const MwbCriuRecord *
mwb_criu_image_record_at (MwbCriuImage *img, guint64 offset);

/* The first record starting after offset that begins an entry (ENTRY,
 * or DAMAGED in an entry), a run of raw bytes (EXTRA, UNPARSED, PAGES)
 * or a magic; or the last one starting before offset.  NULL if none. */
const MwbCriuRecord *
mwb_criu_image_next_entry (MwbCriuImage *img, guint64 offset);

const MwbCriuRecord *
mwb_criu_image_prev_entry (MwbCriuImage *img, guint64 offset);

/* ---- a pagemap and its pages ---- */

/* One run of pagemap-PID.img: nr_pages pages from vaddr. */
typedef struct {
	guint entry;                /* its entry in the image, from 1 (0 is the head) */
	guint64 vaddr;
	guint64 nr_pages;
	/* PE_* flags; an image without the flags field (CRIU before 3.x)
	 * gets PE_PARENT from in_parent, else PE_PRESENT */
	guint32 flags;
	/* PE_PRESENT: its first page's offset in pages-N.img (the runs'
	 * pages follow each other there); G_MAXUINT64 otherwise */
	guint64 pages_offset;
} MwbCriuPageRun;

typedef enum {
	MWB_CRIU_PAGE_NOT_DUMPED,   /* no run holds the address */
	MWB_CRIU_PAGE_IN_PAGES,     /* in pages-N.img, at the offset given */
	MWB_CRIU_PAGE_IN_PARENT,    /* in the parent dump's images */
	MWB_CRIU_PAGE_NOT_PRESENT,  /* a run holds it, but neither here nor in
	                             * the parent (lazy pages from a page server) */
} MwbCriuPageWhere;

typedef struct _MwbCriuPagemap MwbCriuPagemap;

/* The runs of a PAGEMAP image.  NULL when img is no pagemap or has no
 * head.  img may be freed afterwards. */
MwbCriuPagemap *
mwb_criu_pagemap_new (MwbCriuImage *img);

void
mwb_criu_pagemap_free (MwbCriuPagemap *pm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbCriuPagemap, mwb_criu_pagemap_free)

/* pagemap_head.pages_id: the N of the pages-N.img that holds the pages. */
guint32
mwb_criu_pagemap_pages_id (MwbCriuPagemap *pm);

guint
mwb_criu_pagemap_n_runs (MwbCriuPagemap *pm);

const MwbCriuPageRun *
mwb_criu_pagemap_run (MwbCriuPagemap *pm, guint i);

/* Pages of every run; of the PE_PRESENT runs (what pages-N.img holds);
 * of the PE_PARENT runs; of the PE_LAZY runs. */
guint64
mwb_criu_pagemap_n_pages (MwbCriuPagemap *pm);

guint64
mwb_criu_pagemap_present_pages (MwbCriuPagemap *pm);

guint64
mwb_criu_pagemap_parent_pages (MwbCriuPagemap *pm);

guint64
mwb_criu_pagemap_lazy_pages (MwbCriuPagemap *pm);

/* The run holding the byte at offset of pages-N.img, and in *vaddr (may
 * be NULL) the address of that byte.  NULL past the present pages.
 * O(log n). */
const MwbCriuPageRun *
mwb_criu_pagemap_run_at_offset (MwbCriuPagemap *pm, guint64 offset, guint64 *vaddr);

/* Where the byte at vaddr was dumped; for IN_PAGES, its offset in
 * pages-N.img in *offset (may be NULL).  *run (may be NULL) is the run
 * holding it, NULL for NOT_DUMPED.  O(log n). */
MwbCriuPageWhere
mwb_criu_pagemap_find_vaddr (MwbCriuPagemap *pm, guint64 vaddr, guint64 *offset, const MwbCriuPageRun **run);

/* "in pages-1.img", "in the parent dump", "not dumped", "in no image
 * (lazy)". */
const char *
mwb_criu_page_where_name (MwbCriuPageWhere where);

/* ---- a dump directory ---- */

/* A process of pstree.img, with what its core image says. */
typedef struct {
	guint32 pid, ppid, pgid, sid;
	guint n_threads;
	const guint32 *threads;     /* n_threads thread ids, the first the pid */
	const char *comm;           /* core-PID.img's tc.comm, or NULL */
	gboolean has_state;
	guint32 state;              /* tc.task_state, see mwb_criu_task_state_name() */
	guint depth;                /* in the tree: 0 for the root */
} MwbCriuProcess;

typedef struct _MwbCriuDump MwbCriuDump;

/* Maps and parses every image of dir: the *.img files and any other file
 * that starts with a CRIU magic (stats-dump, irmap-cache).  NULL only
 * when dir cannot be read (MWB_CRIU_ERROR_IO). */
MwbCriuDump *
mwb_criu_dump_load (const char *dir, GError **error);

void
mwb_criu_dump_free (MwbCriuDump *dump);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbCriuDump, mwb_criu_dump_free)

const char *
mwb_criu_dump_dir (MwbCriuDump *dump);

/* The images in the order people read them: inventory, pstree, core-*,
 * mm-*, pagemap-*, pages-*, then the rest, by name (numbers as numbers). */
guint
mwb_criu_dump_n_images (MwbCriuDump *dump);

MwbCriuImage *
mwb_criu_dump_image (MwbCriuDump *dump, guint i);

MwbCriuImage *
mwb_criu_dump_image_by_name (MwbCriuDump *dump, const char *name);

/* Files of dir that are no image (dump.log...), by name. */
const char *const *
mwb_criu_dump_other_files (MwbCriuDump *dump);

/* What the `parent` symlink of a pre-dump chain points to, or NULL. */
const char *
mwb_criu_dump_parent (MwbCriuDump *dump);

/* The processes in pstree.img's order, which is the tree's, depth first. */
guint
mwb_criu_dump_n_processes (MwbCriuDump *dump);

const MwbCriuProcess *
mwb_criu_dump_process (MwbCriuDump *dump, guint i);

const MwbCriuProcess *
mwb_criu_dump_process_by_pid (MwbCriuDump *dump, guint32 pid);

/* pagemap-PID.img's runs, NULL when there is none. */
MwbCriuPagemap *
mwb_criu_dump_pagemap (MwbCriuDump *dump, guint32 pid);

/* The pagemap whose head names pages-N.img, its process in *pid (may be
 * NULL; 0 for a pagemap not named pagemap-PID.img, e.g. a shmem one), and
 * its file name in *name (may be NULL).  NULL when none does. */
MwbCriuPagemap *
mwb_criu_dump_pagemap_for_pages (MwbCriuDump *dump, guint32 pages_id, guint32 *pid, const char **name);

/* Where the byte at offset of pages-N.img belongs: process, address, run.
 * FALSE (MWB_CRIU_ERROR_NOT_FOUND) when no pagemap names pages_id or the
 * offset is past its present pages. */
gboolean
mwb_criu_dump_pages_lookup (MwbCriuDump *dump, guint32 pages_id, guint64 offset, guint32 *pid,
                            guint64 *vaddr, const MwbCriuPageRun **run, GError **error);

/* Where the byte at vaddr of process pid was dumped: pages_id and offset
 * for IN_PAGES.  NOT_DUMPED too when pid has no pagemap. */
MwbCriuPageWhere
mwb_criu_dump_find_page (MwbCriuDump *dump, guint32 pid, guint64 vaddr, guint32 *pages_id, guint64 *offset);

G_END_DECLS
