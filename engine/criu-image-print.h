/* Printing CRIU images: `mwb inspect` on a dump directory or on one image.
 *
 * A directory gets a summary people read: the inventory, one line per
 * image (inventory, pstree, core-*, mm-*, pagemap-*, pages-* first, then
 * the rest by name) with its type, entries, size and what it holds, the
 * process tree as `crit x DIR ps` shows it, which pages-N.img each pagemap
 * fills and whether the sizes agree, and the problems found.  One image
 * gets its framing entry by entry with the decoded fields.  Both have a
 * JSON form.  Offsets and addresses are in hex, sizes of whole files in
 * bytes; JSON has numbers for offsets and lengths and "0x..." strings for
 * addresses, which may not fit a JSON number.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "criu-image.h"

G_BEGIN_DECLS

/* Whether `mwb inspect PATH` should treat PATH as CRIU's: a directory
 * holding inventory.img or an image that starts with a CRIU magic, or a
 * file that starts with one or is named like a raw image (pages-N.img). */
gboolean
mwb_criu_inspect_is_criu (const char *path);

/* `mwb inspect PATH` for CRIU: a dump directory or one image file, as
 * text or JSON (json TRUE).  Returns 0 when all is well, 1 when a problem
 * was found (a damaged image, a pages-N.img whose size is not what its
 * pagemap says, an image a dump needs missing), and 2 with error set
 * (MWB_CRIU_ERROR_IO) when PATH cannot be read. */
int
mwb_criu_inspect (FILE *out, const char *path, gboolean json, GError **error);

/* The summary of a dump directory; returns the number of problems. */
guint
mwb_criu_print_dump_summary (FILE *out, MwbCriuDump *dump);

void
mwb_criu_print_dump_json (FILE *out, MwbCriuDump *dump);

/* One image, record by record; dump (may be NULL) is the directory it is
 * in, for what a pages-N.img or a pagemap needs from its neighbours.
 * Returns the number of problems. */
guint
mwb_criu_print_image (FILE *out, MwbCriuImage *img, MwbCriuDump *dump);

void
mwb_criu_print_image_json (FILE *out, MwbCriuImage *img, MwbCriuDump *dump);

/* A few words on what an image holds, as the summary's last column:
 * "2 processes: 9601, 9603 (ppid 9601)", "comm sleep, alive, X86_64",
 * "7 runs, 15 pages: 15 present, 9 lazy -> pages-1.img".  g_free(). */
char *
mwb_criu_image_gist (MwbCriuImage *img, MwbCriuDump *dump);

/* The problems of a dump (one line each, char *) appended to problems;
 * returns how many. */
guint
mwb_criu_dump_problems (MwbCriuDump *dump, GPtrArray *problems);

/* The same for one image; dump may be NULL. */
guint
mwb_criu_image_problems (MwbCriuImage *img, MwbCriuDump *dump, GPtrArray *problems);

G_END_DECLS
