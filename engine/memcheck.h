/* Guest memory check: the rule of QEMU migration-test's check_guests_ram().
 *
 * The guest increments byte 0 of each page in [start, end) in address order,
 * over and over.  Once it is stopped, all those bytes must be equal, except
 * that exactly once, going up in address, a page may be one less (mod 256)
 * than the page before it: that is where the incrementer was when it
 * stopped.  Every other difference is a bad page.  Lines are reported in
 * QEMU's exact format so logs can be compared with upstream's.
 *
 * No I/O here: the caller supplies the memory, or each page's first byte.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MWB_MEMCHECK_ERROR (mwb_memcheck_error_quark ())

typedef enum {
	/* page_size 0, start >= end, or [start, end) not inside the memory */
	MWB_MEMCHECK_ERROR_RANGE,
} MwbMemcheckError;

/* QEMU reports at most this many bad pages one by one. */
#define MWB_MEMCHECK_MAX_REPORTED 10

/* line has no trailing newline, and is only valid during the call.  One
 * call per reported bad page, then, if there were MWB_MEMCHECK_MAX_REPORTED
 * or more bad pages, one "and in another N pages" call. */
typedef void (*MwbMemcheckReport) (const char *line, gpointer user_data);

typedef struct {
	guint64 pages_checked;   /* pages compared, including the first */
	guint64 bad;             /* number of bad pages */
	gboolean hit_edge;
	guint8 first_byte;
} MwbMemcheckResult;

GQuark
mwb_memcheck_error_quark (void);

/* mem points at the guest-physical address mem_base (so byte(a) =
 * mem[a - mem_base]); mem_len bytes are valid.  Checks [start, end) in steps
 * of page_size.  Returns FALSE with a GError (domain MWB_MEMCHECK_ERROR)
 * only when the range is not inside [mem_base, mem_base+mem_len) or
 * page_size is 0 or start >= end; result is then left untouched.  A memory
 * inconsistency is NOT a GError: it is reported through report() and
 * result->bad.  report and result may be NULL. */
gboolean
mwb_memcheck_run (const guint8 *mem, guint64 mem_base, gsize mem_len,
                  guint64 start, guint64 end, guint64 page_size,
                  MwbMemcheckReport report, gpointer user_data,
                  MwbMemcheckResult *result, GError **error);

/* Streaming form, for memory read in chunks (e.g. a RAM dump file too big
 * to hold).  mwb_memcheck_run() is built on it, so there is one rule. */
typedef struct _MwbMemcheck MwbMemcheck;

/* start and page_size only serve to print the address of a bad page. */
MwbMemcheck *
mwb_memcheck_new (guint64 start, guint64 page_size,
                  MwbMemcheckReport report, gpointer user_data);

void
mwb_memcheck_free (MwbMemcheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbMemcheck, mwb_memcheck_free)

/* Called once per page, in address order, with the page's first byte. */
void
mwb_memcheck_page (MwbMemcheck *check, guint8 first_byte_of_page);

/* Convenience over mwb_memcheck_page(): feeds the memory itself, contiguous
 * from address start, in chunks of any size; picks byte 0 of each page,
 * including pages whose first byte opens a chunk that ends mid-page. */
void
mwb_memcheck_feed (MwbMemcheck *check, const guint8 *data, gsize len);

/* Emits the "and in another N pages" line when due and fills result (which
 * may be NULL).  Call once; no pages may follow.  With no pages fed, result
 * says pages_checked 0 and the caller decides what that means. */
void
mwb_memcheck_finish (MwbMemcheck *check, MwbMemcheckResult *result);

G_END_DECLS
