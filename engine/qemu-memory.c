/* qemu.check-memory: stop a side and apply QEMU's check_guests_ram rule to
 * its guest RAM, read straight from the file that backs it (or from a
 * pmemsave dump when it is not file-backed). */
#include "qemu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memcheck.h"

#define PAGE 4096

typedef struct {
	QemuSide *side;
	FILE *log;
	char *first;
} Report;

static void
on_report_line (const char *line, gpointer data)
{
	Report *r = data;

	mwb_runner_log (r->side->be->runner, "memcheck", MWB_LOG_NONE, FALSE, line);
	if (r->log)
		fprintf (r->log, "%s\n", line);
	if (!r->first)
		r->first = g_strdup (line);
}

/* --fault dst-write: corrupt a few pages of the stopped destination, through
 * the shared mapping QEMU itself uses, as a bug in migration would. */
static gboolean
inject_dst_write (QemuSide *side, int fd, GError **error)
{
	const MwbGuestParams *g = &side->be->guest;
	guint done = 0;

	for (guint64 a = g->start + 0x400000; a < g->end && done < 5; a += 0x400000, done++) {
		guint8 b;

		if (pread (fd, &b, 1, a) != 1) {
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "read guest RAM: %s",
				     g_strerror (errno));
			return FALSE;
		}
		b += 0x24;
		if (pwrite (fd, &b, 1, a) != 1) {
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "write guest RAM: %s",
				     g_strerror (errno));
			return FALSE;
		}
	}
	if (done == 0) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
			     "the guest's range [0x%x, 0x%x) is too small to corrupt (use a larger --guest-mem)",
			     g->start, g->end);
		return FALSE;
	}
	qemu_side_log (side, "fault dst-write: changed byte 0 of %u pages from 0x%x on, after the stop",
		       done, g->start + 0x400000);
	side->be->dst_write_fired = TRUE;
	return TRUE;
}

static void
check_file (QemuSide *side, const char *file, guint64 file_base)
{
	QemuBackend *be = side->be;
	const MwbGuestParams *g = &be->guest;
	g_autofree char *log_path = g_strdup_printf ("%s/memcheck-%s.log", mwb_runner_run_dir (be->runner),
						     side->role);
	Report rep = { side, fopen (log_path, "we"), NULL };
	MwbMemcheckResult res = { 0 };
	g_autoptr (GError) err = NULL;
	gboolean writable = side->ram_file && g_str_equal (side->role, "dst")
			    && mwb_run_config_has_fault (be->cfg, "dst-write");
	struct stat st;
	guint8 *mem = MAP_FAILED;
	int fd = open (file, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);

	if (fd < 0 || fstat (fd, &st) < 0) {
		qemu_finish_fail (be, "cannot read guest RAM of %s from %s: %s", side->label, file,
				  g_strerror (errno));
		goto cleanup;
	}
	if (writable && !inject_dst_write (side, fd, &err)) {
		qemu_finish_fail (be, "fault dst-write: %s", err->message);
		goto cleanup;
	}
	mem = mmap (NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		qemu_finish_fail (be, "cannot map %s: %s", file, g_strerror (errno));
		goto cleanup;
	}
	if (!mwb_memcheck_run (mem, file_base, st.st_size, g->start, g->end, PAGE, on_report_line, &rep,
			       &res, &err)) {
		qemu_finish_fail (be, "memory check: %s", err->message);
		goto cleanup;
	}
	if (res.bad)
		qemu_finish_fail (be, "%s (%" G_GUINT64_FORMAT " bad page%s of %" G_GUINT64_FORMAT ")",
				  rep.first, res.bad, res.bad == 1 ? "" : "s", res.pages_checked);
	else
		qemu_finish_ok (be, "%" G_GUINT64_FORMAT " pages in [0x%x, 0x%x) consistent, first_byte = %x,"
				" hit_edge = %d", res.pages_checked, g->start, g->end, res.first_byte, res.hit_edge);
cleanup:
	if (mem != MAP_FAILED)
		munmap (mem, st.st_size);
	if (fd >= 0)
		close (fd);
	if (rep.log)
		fclose (rep.log);
	g_free (rep.first);
}

static void
on_pmemsave (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	g_autofree char *dump = NULL;

	(void) qmp;
	(void) ret;
	if (!side)
		return;
	dump = g_strdup_printf ("%s/%s-mem.bin", mwb_runner_run_dir (be->runner), side->role);
	check_file (side, dump, be->guest.start);
}

static void
on_stopped (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	g_autofree char *dump = NULL;

	(void) qmp;
	(void) ret;
	if (!side)
		return;
	if (side->ram_file) {
		check_file (side, side->ram_file, 0);
		return;
	}
	if (mwb_run_config_has_fault (be->cfg, "dst-write") && g_str_equal (side->role, "dst")) {
		qemu_finish_fail (be, "fault dst-write needs the destination's RAM in a file (ram=file)");
		return;
	}
	/* pmemsave wants an absolute path; the run dir is one. */
	dump = g_strdup_printf ("%s/%s-mem.bin", mwb_runner_run_dir (be->runner), side->role);
	mwb_step_run_waiting_for (be->sr, "pmemsave of %s", side->label);
	qemu_execute (side, "pmemsave",
			 mwb_json_object ("val", json_node_init_int (json_node_alloc (), be->guest.start),
					  "size", json_node_init_int (json_node_alloc (), be->guest.end - be->guest.start),
					  "filename", json_node_init_string (json_node_alloc (), dump), NULL),
		      on_pmemsave);
}

void
qemu_action_check_memory (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = (QemuBackend *) mb;
	QemuSide *side;

	/* begin() does the checks every action shares. */
	if (!(side = qemu_begin (mb, sr, FALSE)))
		return;
	if (side->exited || !side->qmp) {
		g_autofree char *death = side && side->exited ? qemu_side_death (side) : NULL;

		qemu_finish_fail (be, "cannot check memory: %s", death ? death : "that QEMU is not running");
		return;
	}
	be->wait_side = side;
	mwb_step_run_waiting_for (sr, "%s to stop", side->label);
	/* The rule holds only for a guest that no longer runs. */
	qemu_execute (side, "stop", NULL, on_stopped);
}
