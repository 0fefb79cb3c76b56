/* Hexdump viewer model: row text, goto-offset and search-pattern parsing,
 * byte search, and the annotations inspectors lay over the bytes.
 *
 * The TUI's hex viewer shows binary files (a QEMU migration stream, CRIU
 * .img files) as offset | hex | ASCII, the way `hexdump -C` does, so what a
 * developer sees here matches what they see in a terminal.  This module has
 * no I/O and no curses: the caller maps the file and hands in its bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MWB_HEX_ERROR (mwb_hex_error_quark ())

typedef enum {
	/* offset or search text that cannot be read; the message quotes the
	 * text and, where there is one, the bad character and its position */
	MWB_HEX_ERROR_INVALID,
	/* a well-formed offset outside the file */
	MWB_HEX_ERROR_RANGE,
} MwbHexError;

GQuark
mwb_hex_error_quark (void);

/* ---- rows ---- */

#define MWB_HEX_DEFAULT_WIDTH 16
/* Widest row mwb_hex_format_row() accepts, in bytes. */
#define MWB_HEX_MAX_WIDTH 64

/* One row as `hexdump -C` prints it, without a newline:
 *
 *   00000010  51 45 56 4d 00 00 00 03  01 00 00 00 03 00 00 00  |QEVM............|
 *
 * data holds len bytes (1 to width; 0 gives an empty row) shown at
 * offset.  width is the number of bytes in a full row, 1 to
 * MWB_HEX_MAX_WIDTH; an extra space separates each group of 8.  A short
 * last row (len < width) keeps the hex columns' width, so its ASCII column
 * starts where the full rows' does, and its ASCII column is len characters
 * long, as with hexdump -C.  Bytes 0x20 to 0x7e are shown as themselves in
 * the ASCII column, every other byte as ".".
 *
 * The offset is lower-case hex, 8 digits, more from 4 GiB on (see
 * mwb_hex_offset_digits()).  Free the result with g_free(). */
char *
mwb_hex_format_row (const guint8 *data, gsize len, goffset offset, guint width);

/* Hex digits in the offset of a row at offset: 8, more from 4 GiB on.
 * For a whole file, mwb_hex_offset_digits (size - 1) is the widest. */
guint
mwb_hex_offset_digits (goffset offset);

/* Length of a full row of width bytes (1 to MWB_HEX_MAX_WIDTH) with an
 * 8-digit offset: 78 for 16, 45 for 8, 29 for 4.  Rows from 4 GiB on are
 * mwb_hex_offset_digits (offset) - 8 characters longer. */
gsize
mwb_hex_format_row_len (guint width);

/* The bytes per row, 16, 8 or 4, whose rows fit in cols characters: 16 from
 * 78 columns up, 8 from 45, otherwise 4 (which the caller may have to clip
 * below 29 columns).  Counts 8-digit offsets: a wider offset costs 16-byte
 * rows one column per extra digit, and they still fit an 80-column screen
 * up to 1 TiB. */
guint
mwb_hex_row_width_for_columns (guint cols);

/* "0x1f0 (496) of 0x1000" for the status line; off and size >= 0.  Free
 * with g_free(). */
char *
mwb_hex_describe_offset (goffset off, goffset size);

/* ---- goto offset ---- */

/* Reads what the user typed at the goto-offset prompt, in a file of size
 * bytes where the cursor is at current:
 *
 *   4096     decimal (leading zeros are still decimal, never octal)
 *   0x1f0    hex, with 0x or 0X; digits in either case
 *   4k 2M 1G decimal with a KiB, MiB or GiB suffix (k K m M g G); hex
 *            takes no suffix
 *   +16      forward from current; -0x10 back from current; the number
 *            after the sign is any of the forms above
 *   $ end    the last byte (END, End ... too)
 *
 * Blanks around the text are ignored.  On success *out (out may be NULL,
 * to only check the text) is in [0, size).
 * Otherwise FALSE with MWB_HEX_ERROR_INVALID for text that is not an
 * offset (e.g. "\"12q\" is not an offset: unexpected 'q' at position 3"),
 * or MWB_HEX_ERROR_RANGE for one outside the file ("offset 0x20000 is
 * past the end of the file (0x1000 bytes)"); *out is then untouched.
 * Positions count characters of text from 1. */
gboolean
mwb_hex_parse_offset (const char *text, goffset current, goffset size,
                      goffset *out, GError **error);

/* ---- search ---- */

/* How mwb_hex_parse_pattern() reads a search text, so the prompt can show
 * it while the user types. */
typedef enum {
	/* the text's own bytes, as typed (UTF-8 from a UTF-8 terminal) */
	MWB_HEX_PATTERN_TEXT,
	/* the text between a leading and a trailing double quote, as is */
	MWB_HEX_PATTERN_QUOTED,
	/* hex bytes after "x:" */
	MWB_HEX_PATTERN_HEX,
} MwbHexPattern;

/* The rules, in order:
 *
 *   x:de ad be ef   starts with "x:" (lower-case x): hex bytes, two digits
 *   x:deadbeef      each, either case; blanks may separate bytes but not
 *   x:DEAD BEEF     split one
 *   "x:text"        starts and ends with a double quote (two at least):
 *                   exactly the text between them, no escapes; this is how
 *                   to search for text that starts with x:
 *   anything else   the text itself, blanks included
 *
 * So ""name"" finds "name" with its quotes, and "name" finds name. */
MwbHexPattern
mwb_hex_pattern_kind (const char *text);

/* Turns a search text into the bytes to look for (see above), never empty.
 * FALSE with MWB_HEX_ERROR_INVALID for an empty pattern, a character that
 * is not a hex digit, or a lone hex digit; the message names the character
 * and its position in text (from 1, "x:" included).  *out is then left
 * untouched; on success free it with g_byte_array_unref(). */
gboolean
mwb_hex_parse_pattern (const char *text, GByteArray **out, GError **error);

/* Looks for pattern (not empty) in the size bytes at data.  Forward: the
 * first match starting at from or after.  Backward: the last match
 * starting at from or before.  from may be anything, so the caller can
 * pass cursor + 1 or cursor - 1 without checking: a forward search from
 * below 0 starts at 0, a backward one from past the last possible start
 * starts there.  Returns whether a match was found, and sets *found (if
 * found is not NULL) to its offset only then.  A pattern longer than the
 * data never matches. */
gboolean
mwb_hex_search (const guint8 *data, gsize size, const GByteArray *pattern,
                goffset from, gboolean backward, goffset *found);

/* ---- annotations ---- */

/* Colour classes for annotations: what a range of bytes is.  Inspectors
 * may use values of their own past MWB_HEX_CLASS_COUNT; the viewer shows
 * those like MWB_HEX_CLASS_UNKNOWN. */
typedef enum {
	MWB_HEX_CLASS_NONE,      /* no class: default colours */
	MWB_HEX_CLASS_HEADER,    /* file magic and version */
	MWB_HEX_CLASS_SECTION,   /* stream section or image entry framing */
	MWB_HEX_CLASS_FIELD,     /* a field of device state or of an entry */
	MWB_HEX_CLASS_RAM,       /* guest memory pages and their headers */
	MWB_HEX_CLASS_JSON,      /* JSON text, e.g. QEMU's vmdesc */
	MWB_HEX_CLASS_PADDING,   /* zeros or filler with no meaning */
	MWB_HEX_CLASS_UNKNOWN,   /* bytes the inspector could not place */
	MWB_HEX_CLASS_ERROR,     /* where the inspector found the file broken */
	MWB_HEX_CLASS_COUNT
} MwbHexClass;

/* "header", "ram", ... for a class below MWB_HEX_CLASS_COUNT, NULL for
 * any other value. */
const char *
mwb_hex_class_name (int cls);

/* The class with that name, or -1. */
int
mwb_hex_class_from_name (const char *name);

typedef struct {
	goffset offset;
	/* 0 is a marker: it covers no byte, but a lookup of a range holding
	 * offset finds it, so that "section ends here" can be shown */
	goffset length;
	char *label;    /* may be NULL */
	int cls;        /* an MwbHexClass or the inspector's own */
} MwbHexAnnotation;

/* Annotations of one file, in order of offset, then longest first (an
 * enclosing range before the ranges inside it), then order of adding.
 * Lookups take O(log n + matches) however the ranges nest, so inspectors
 * can add a section and every page in it. */
typedef struct _MwbHexAnnotations MwbHexAnnotations;

MwbHexAnnotations *
mwb_hex_annotations_new (void);

void
mwb_hex_annotations_free (MwbHexAnnotations *annots);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbHexAnnotations, mwb_hex_annotations_free)

/* Copies label.  offset >= 0, length >= 0 and offset + length must not
 * overflow.  Adding in offset order is cheapest but any order works. */
void
mwb_hex_annotations_add (MwbHexAnnotations *annots, goffset offset, goffset length,
                         const char *label, int cls);

/* Puts the annotations in order and indexes them.  Lookups do it when it
 * is due, so calling this is only a way to pay for it up front, e.g. when
 * an inspector is done rather than at the first keypress. */
void
mwb_hex_annotations_sort (MwbHexAnnotations *annots);

guint
mwb_hex_annotations_count (MwbHexAnnotations *annots);

/* The i-th annotation in order, i < count.  Valid until the next add. */
const MwbHexAnnotation *
mwb_hex_annotations_get (MwbHexAnnotations *annots, guint i);

/* Appends to out (a GPtrArray with no free function) every annotation that
 * has a byte in [off, off + len), in order, as const MwbHexAnnotation *
 * valid until the next add; a marker counts when off <= its offset <
 * off + len.  off >= 0; len <= 0 finds nothing.  Returns how many were appended.
 * With properly nested ranges, the last one appended that holds a given
 * byte is the innermost. */
guint
mwb_hex_annotations_lookup (MwbHexAnnotations *annots, goffset off, goffset len,
                            GPtrArray *out);

G_END_DECLS
