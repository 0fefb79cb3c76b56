/* --fault tamper-image: before the restore, flip one byte of the dumped
 * copy of memory the test checks, so a restore that brings it back must end
 * in a FAIL (at result check, or at restore). The test names that memory in
 * its .out ("memory pattern at 0x..., N bytes"); the image parser finds the
 * byte in pages-N.img through the test's pagemap, as a CRIU developer would
 * with crit. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "criu-image.h"

/* The first "memory pattern at ADDR, LEN bytes" line of the .out. */
static gboolean
pattern_in_out (const char *out_file, guint64 *addr, guint64 *len)
{
	g_autofree char *text = NULL;
	const char *p;

	if (!g_file_get_contents (out_file, &text, NULL, NULL))
		return FALSE;
	p = strstr (text, "memory pattern at ");
	return p && sscanf (p, "memory pattern at %" G_GINT64_MODIFIER "x, %" G_GUINT64_FORMAT " bytes",
			    addr, len) == 2 && *len > 0;
}

static gboolean
flip_byte (const char *file, guint64 offset, guint8 *before, guint8 *after, GError **error)
{
	int fd = open (file, O_RDWR | O_CLOEXEC);
	gboolean ok = FALSE;
	guint8 b;

	if (fd < 0)
		goto out;
	if (pread (fd, &b, 1, (off_t) offset) != 1)
		goto out;
	*before = b;
	*after = b ^ 0x80;
	ok = pwrite (fd, after, 1, (off_t) offset) == 1;
out:
	if (!ok)
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s at %" G_GUINT64_FORMAT ": %s",
			     file, offset, g_strerror (errno));
	if (fd >= 0)
		close (fd);
	return ok;
}

void
criu_action_tamper (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbCriuDump) dump = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *pages = NULL;
	g_autofree char *pid_text = NULL;
	guint64 addr, len, vaddr, offset = 0;
	guint32 pages_id = 0;
	guint8 before, after;
	const char *iter = mwb_step_run_arg (sr, "iter");
	guint32 pid;

	if (!be->out_file || !pattern_in_out (be->out_file, &addr, &len)) {
		mwb_step_run_error (sr, "tamper-image: %s names no memory pattern in its .out to tamper with "
				    "(env00 and mem256m do)", be->test ? be->test : "the test");
		return;
	}
	/* the images name processes by their pid in the test's own namespace */
	if (!g_file_get_contents (be->pid_file, &pid_text, NULL, NULL) || !(pid = (guint32) atoi (pid_text))) {
		mwb_step_run_error (sr, "tamper-image: no pid in %s", be->pid_file);
		return;
	}
	dir = criu_iter_dir (be, (guint) atoi (iter));
	dump = mwb_criu_dump_load (dir, &err);
	if (!dump) {
		mwb_step_run_error (sr, "tamper-image: %s", err->message);
		return;
	}
	vaddr = addr + len / 2;
	if (mwb_criu_dump_find_page (dump, pid, vaddr, &pages_id, &offset) != MWB_CRIU_PAGE_IN_PAGES) {
		mwb_step_run_error (sr, "tamper-image: address 0x%" G_GINT64_MODIFIER "x of pid %u is in no pages image of %s",
				    vaddr, pid, dir);
		return;
	}
	pages = g_strdup_printf ("%s/pages-%u.img", dir, pages_id);
	if (!flip_byte (pages, offset, &before, &after, &err)) {
		mwb_step_run_error (sr, "tamper-image: %s", err->message);
		return;
	}
	be->tampered = TRUE;
	mwb_runner_logf (be->runner, "notice",
			 "tamper-image: pages-%u.img offset %" G_GUINT64_FORMAT " = address 0x%" G_GINT64_MODIFIER
			 "x of pid %u, 0x%02x -> 0x%02x", pages_id, offset, vaddr, pid, before, after);
	mwb_step_run_ok (sr, "flipped the byte at 0x%" G_GINT64_MODIFIER "x (pages-%u.img offset %" G_GUINT64_FORMAT
			 "): 0x%02x -> 0x%02x", vaddr, pages_id, offset, before, after);
}
