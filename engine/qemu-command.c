/* What the workbench asks of the QEMU backend outside any step: which QEMUs
 * live, their pids, and a QMP command typed by the user (`:qmp dst ...`).
 * The exchange shows in the QMP log like any other, so the user sees it in
 * order with the steps' own traffic. */
#include <signal.h>

#include "mwb-error.h"
#include "qemu-backend.h"

GPtrArray *
qemu_live_roles (MwbBackend *mb)
{
	QemuBackend *be = (QemuBackend *) mb;
	GPtrArray *roles = g_ptr_array_new_with_free_func (g_free);
	static const char *const order[] = { "src", "dst" };

	for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
		QemuSide *side = qemu_side_get (be, order[i]);

		if (side && side->proc && mwb_proc_is_running (side->proc))
			g_ptr_array_add (roles, g_strdup (order[i]));
	}
	return roles;
}

GPid
qemu_pid_of (MwbBackend *mb, const char *role)
{
	QemuSide *side = qemu_side_get ((QemuBackend *) mb, role);

	if (!side || !side->proc || !mwb_proc_is_running (side->proc))
		return 0;
	return mwb_proc_pid (side->proc);
}

typedef struct {
	char *role;
	MwbCommandReplyFunc func;
	gpointer data;
	gboolean answered;
} UserCall;

static void
user_call_free (gpointer p)
{
	UserCall *c = p;

	/* The connection went away before any reply: the caller still hears. */
	if (!c->answered)
		c->func (c->role, NULL, "the QMP connection closed before the reply", c->data);
	g_free (c->role);
	g_free (c);
}

static void
on_user_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	UserCall *c = data;
	g_autofree char *err = NULL;
	g_autofree char *text = NULL;

	(void) qmp;
	c->answered = TRUE;
	if (!ret) {
		err = g_strdup_printf ("%s: %s", eclass, edesc ? edesc : "");
		c->func (c->role, NULL, err, c->data);
		return;
	}
	text = json_to_string (ret, TRUE);
	c->func (c->role, text, NULL, c->data);
}

gboolean
qemu_send_command (MwbBackend *mb, const char *role, const char *text,
		   MwbCommandReplyFunc func, gpointer data, GError **error)
{
	QemuSide *side = qemu_side_get ((QemuBackend *) mb, role);
	g_autofree char *command = NULL;
	JsonNode *args = NULL;
	UserCall *c;

	if (!qemu_role_label (role)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "the roles are src and dst, not '%s'", role);
		return FALSE;
	}
	if (!side || !side->qmp || !mwb_qmp_is_open (side->qmp)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
			     "%s has no open QMP connection", qemu_role_label (role));
		return FALSE;
	}
	if (!mwb_qmp_parse_user_command (text, &command, &args, error))
		return FALSE;
	c = g_new0 (UserCall, 1);
	c->role = g_strdup (role);
	c->func = func;
	c->data = data;
	mwb_qmp_execute_full (side->qmp, command, args, on_user_reply, c, user_call_free);
	return TRUE;
}
