/* --fault corrupt-stream: flip one byte inside a RAM page of a saved
 * stream before a destination loads it, as a disk or transport error
 * would. The stream inspector finds the page, so the byte flipped is the
 * first byte of a guest page the a-b check reads, and the log names the
 * guest address the check must then report. */
#include "qemu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "mwb-error.h"
#include "stream.h"

/* The last record of a guest page in the dirtied range that carries the
 * page's bytes, searched from the middle of the range. */
static const MwbStreamRecord *
pick_page (MwbStreamIndex *idx, const MwbGuestParams *g)
{
	guint64 start = g->start, end = g->end;
	guint64 mid = (start + (end - start) / 2) & ~(guint64) 0xfff;

	for (guint64 a = mid; a + 4096 <= end; a += 4096) {
		const MwbStreamRecord *r = mwb_stream_index_find_page (idx, "pc.ram", a);

		if (r && r->kind == MWB_STREAM_RAM_PAGE && r->payload_length >= 1)
			return r;
	}
	return NULL;
}

gboolean
qemu_fault_corrupt_stream (QemuBackend *be, const char *path, GError **error)
{
	g_autoptr (MwbStreamIndex) idx = mwb_stream_index_load (path, error);
	const MwbStreamRecord *r;
	guint8 before, after;
	guint64 addr, at;
	int fd;

	if (!idx)
		return FALSE;
	if (!(r = pick_page (idx, &be->guest))) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
			     "fault corrupt-stream: %s holds no page of pc.ram in [0x%x, 0x%x) with its bytes", path,
			     be->guest.start, be->guest.end);
		return FALSE;
	}
	addr = r->addr;
	at = r->payload_offset;
	fd = open (path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pread (fd, &before, 1, (off_t) at) != 1) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "fault corrupt-stream: %s: %s", path, g_strerror (errno));
		if (fd >= 0)
			close (fd);
		return FALSE;
	}
	after = before ^ 0x80;
	if (pwrite (fd, &after, 1, (off_t) at) != 1) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "fault corrupt-stream: %s: %s", path, g_strerror (errno));
		close (fd);
		return FALSE;
	}
	close (fd);
	be->corrupt_fired = TRUE;
	be->corrupt_addr = addr;
	mwb_runner_logf (be->runner, "notice",
			 "fault corrupt-stream: byte 0x%" G_GINT64_MODIFIER "x of %s, the first byte of guest page 0x%"
			 G_GINT64_MODIFIER "x (pc.ram), 0x%02x -> 0x%02x", at, path, addr, before, after);
	return TRUE;
}
