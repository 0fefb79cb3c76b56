/* qemu.getfd: migration-test's fd_proto. mwb makes a socketpair and hands
 * one end to each QEMU with getfd over SCM_RIGHTS; the migration then runs
 * over "fd:NAME" on both sides, with no address anyone could connect to. */
#include "qemu-backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
pair_free (gpointer p)
{
	int *fds = p;

	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close (fds[i]);
	g_free (fds);
}

void
qemu_fd_pairs_clear (QemuBackend *be)
{
	g_clear_pointer (&be->fd_pairs, g_hash_table_unref);
}

static int *
pair_get (QemuBackend *be, const char *name, GError **error)
{
	int *fds;

	if (!be->fd_pairs)
		be->fd_pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pair_free);
	if ((fds = g_hash_table_lookup (be->fd_pairs, name)))
		return fds;
	fds = g_new (int, 2);
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socketpair: %s", g_strerror (errno));
		g_free (fds);
		return NULL;
	}
	g_hash_table_insert (be->fd_pairs, g_strdup (name), fds);
	return fds;
}

static void
on_getfd_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);

	(void) qmp;
	(void) ret;
	if (!side)
		return;
	qemu_finish_ok (side->be, "%s holds end %s of socketpair '%s' as '%s'", side->label,
			mwb_step_run_arg (side->be->sr, "end"), mwb_step_run_arg (side->be->sr, "pair"),
			mwb_step_run_arg (side->be->sr, "fdname"));
}

void
qemu_action_getfd (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = (QemuBackend *) mb;
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	const char *end = mwb_step_run_arg (sr, "end");
	const char *fdname = mwb_step_run_arg (sr, "fdname");
	g_autoptr (GError) err = NULL;
	QemuCall *c;
	int *fds, k, fd;

	if (!side)
		return;
	if (!g_str_equal (end, "0") && !g_str_equal (end, "1")) {
		qemu_finish_error (be, "end= is 0 or 1, not '%s'", end);
		return;
	}
	k = atoi (end);
	if (!(fds = pair_get (be, mwb_step_run_arg (sr, "pair"), &err))) {
		qemu_finish_fail (be, "%s", err->message);
		return;
	}
	if (fds[k] < 0) {
		qemu_finish_error (be, "end %d of socketpair '%s' was handed over already", k,
				   mwb_step_run_arg (sr, "pair"));
		return;
	}
	/* QEMU now owns its copy; mwb's goes once it is sent. */
	fd = fds[k];
	fds[k] = -1;
	c = g_new0 (QemuCall, 1);
	c->side = side;
	c->sr = mwb_step_run_ref (sr);
	c->command = g_strdup ("getfd");
	mwb_step_run_waiting_for (sr, "the reply to getfd from %s", side->label);
	mwb_qmp_execute_with_fd (side->qmp, "getfd",
				 mwb_json_object ("fdname", json_node_init_string (json_node_alloc (), fdname), NULL),
				 fd, on_getfd_reply, c, qemu_call_free);
}
