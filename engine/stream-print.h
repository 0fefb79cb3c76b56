/* Printing a migration stream's index: a summary, JSON, one guest page.
 *
 * What `mwb stream` style commands print, and what tests compare against.
 * Sizes, offsets and addresses are in hex in the text forms; JSON has
 * numbers for offsets and lengths and "0x..." strings for guest addresses
 * and field values, which may not fit a JSON number.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "stream.h"

G_BEGIN_DECLS

/* Magic and version, machine type, the sections in stream order (id,
 * how many START/PART/END/FULL, idstr, instance, version), each RAM
 * block (size, page and zero-page records, distinct pages), the devices
 * (with their field counts when the description walked them), and every
 * region not understood or cut short, with its offset. */
void
mwb_stream_print_summary (FILE *out, MwbStreamIndex *idx);

/* The whole index as one JSON object: header, configuration, sections,
 * RAM blocks, devices with their fields (path, type, offset, size,
 * value), the regions not understood, the notes, and every record. */
void
mwb_stream_print_json (FILE *out, MwbStreamIndex *idx);

/* Where the stream last sent the page holding guest address addr (see
 * mwb_stream_index_find_page(), block NULL): which record, at which
 * offset, then the page as `hexdump -C` shows it, with guest addresses
 * in the offset column.  A zero page is shown filled with its fill byte;
 * an XBZRLE or compressed page as its encoded bytes, since decoding it
 * takes the page's earlier contents or zlib.  FALSE with
 * MWB_STREAM_ERROR_NOT_FOUND when no record sent the page. */
gboolean
mwb_stream_print_page (FILE *out, MwbStreamIndex *idx, guint64 addr, GError **error);

/* The same in a given RAM block (NULL: as above). */
gboolean
mwb_stream_print_block_page (FILE *out, MwbStreamIndex *idx, const char *block, guint64 addr,
                             GError **error);

/* Bytes as `hexdump -C` prints them, offsets starting at base: 16 per
 * row, a row equal to the one before shown once as "*", and a last line
 * with the end offset. */
void
mwb_stream_print_hexdump (FILE *out, const guint8 *data, gsize len, guint64 base);

G_END_DECLS
