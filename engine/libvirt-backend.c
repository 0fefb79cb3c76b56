/* The libvirt backend: the TCK's migration matrix and its failure cases,
 * through the libvirt C API against two libvirt hosts (mwb's own, from
 * libvirt-hosts.c, or the user's: --uri / --other-uri). Its steps are the
 * TCK's checks; the guest is the long-mode counter guest of guestcode/. */
#define _GNU_SOURCE
#include "libvirt-backend.h"

#include <gio/gio.h>

#include "libvirt-priv.h"
#include "mwb-error.h"
#include "qmp.h"

extern const char mwb_lvguest_start[], mwb_lvguest_end[];

typedef struct {
	LvBackend *be;
	MwbStepRun *sr;		/* NULL for lv_call_then */
	LvWork work;
	gpointer data;
	GDestroyNotify free_data;
	void (*done) (LvBackend *be, LvResult *res, gpointer data);
	LvResult res;
} Call;

static void teardown_go_on (LvBackend *be);

static void
call_free (Call *c)
{
	if (c->free_data)
		c->free_data (c->data);
	g_clear_pointer (&c->sr, mwb_step_run_unref);
	g_free (c->res.message);
	g_free (c->res.var_name);
	g_free (c->res.var_value);
	g_free (c);
}

static void
call_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
	Call *c = data;

	(void) source;
	(void) cancel;
	c->work (c->be, c->sr, c->data, &c->res);
	g_task_return_boolean (task, TRUE);
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
	Call *c = data;
	LvBackend *be = c->be;

	(void) source;
	(void) result;
	be->in_flight--;
	if (be->abandoned) {
		/* Teardown gave up on this call long ago. */
		call_free (c);
		return;
	}
	if (c->res.var_name && be->parent.runner)
		mwb_runner_set_var (be->parent.runner, c->res.var_name, c->res.var_value);
	if (c->done)
		c->done (be, &c->res, c->data);
	else if (c->sr && !mwb_step_run_is_finished (c->sr)) {
		const char *msg = c->res.message ? c->res.message : "";

		if (c->res.skip)
			mwb_step_run_skip (c->sr, "%s", msg);
		else if (c->res.ok)
			mwb_step_run_ok (c->sr, "%s", msg);
		else
			mwb_step_run_fail (c->sr, "%s", msg);
	}
	call_free (c);
	if (be->tearing_down)
		teardown_go_on (be);
}

static void
start_call (LvBackend *be, Call *c)
{
	g_autoptr (GTask) task = g_task_new (NULL, NULL, call_done, c);

	be->in_flight++;
	g_task_set_task_data (task, c, NULL);
	g_task_run_in_thread (task, call_thread);
}

void
lv_call (LvBackend *be, MwbStepRun *sr, LvWork work, gpointer data, GDestroyNotify free_data)
{
	Call *c = g_new0 (Call, 1);

	c->be = be;
	c->sr = mwb_step_run_ref (sr);
	c->work = work;
	c->data = data;
	c->free_data = free_data;
	start_call (be, c);
}

void
lv_call_then (LvBackend *be, LvWork work, gpointer data, GDestroyNotify free_data,
	      void (*done) (LvBackend *be, LvResult *res, gpointer data))
{
	Call *c = g_new0 (Call, 1);

	c->be = be;
	c->work = work;
	c->data = data;
	c->free_data = free_data;
	c->done = done;
	start_call (be, c);
}

/* ---- the backend ---- */

static gboolean
write_kernel (LvBackend *be, MwbRunner *runner, GError **error)
{
	be->kernel = g_build_filename (mwb_runner_run_dir (runner), "lvguest.elf", NULL);
	return g_file_set_contents (be->kernel, mwb_lvguest_start, mwb_lvguest_end - mwb_lvguest_start, error);
}

static MwbBackend *
lv_create (MwbRunner *runner, GError **error)
{
	LvBackend *be = g_new0 (LvBackend, 1);

	be->parent.klass = &mwb_libvirt_backend;
	be->parent.runner = runner;
	be->link = lv_link_new (be);
	be->domain = g_strdup (mwb_runner_get_var (runner, "domain") ? mwb_runner_get_var (runner, "domain") : "tck");
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < 3; i++)
			be->event_ids[r][i] = -1;
	lv_events_init ();
	if (!write_kernel (be, runner, error)) {
		lv_link_cut (be->link);
		g_free (be->domain);
		g_free (be);
		return NULL;
	}
	mwb_runner_set_var (runner, "guest-kernel", be->kernel);
	return &be->parent;
}

/* A step ran out of time: a migration in flight is aborted, as the TCK
 * cannot (the normal method otherwise waits forever for a dead daemon). */
static void
abort_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	virDomainPtr dom = lv_lookup (be, LV_SRC);

	(void) sr;
	(void) data;
	if (!dom) {
		lv_result_virt_fail (res, "abort: no source domain");
		return;
	}
	if (virDomainAbortJob (dom) < 0)
		lv_result_virt_fail (res, "virDomainAbortJob");
	else
		lv_result_ok (res, "virDomainAbortJob: the source's migration job was aborted");
	virDomainFree (dom);
}

static void
abort_done (LvBackend *be, LvResult *res, gpointer data)
{
	(void) data;
	if (be->parent.runner)
		mwb_runner_logf (be->parent.runner, "engine", "%s", res->message);
}

void
lv_abort_migration (LvBackend *be)
{
	if (be->migrating && !be->migration_done)
		lv_call_then (be, abort_work, NULL, NULL, abort_done);
}

static void
lv_cancel_step (MwbBackend *mb, MwbStepRun *sr)
{
	LvBackend *be = (LvBackend *) mb;

	if (be->wait_sr == sr) {
		g_clear_pointer (&be->wait_sr, mwb_step_run_unref);
		g_clear_handle_id (&be->wait_limit_timer, g_source_remove);
	}
	lv_abort_migration (be);
}

/* Every tck domain off both hosts, as the TCK's reset_domains. */
static void
reset_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	g_autoptr (GString) what = g_string_new (NULL);

	(void) sr;
	(void) data;
	for (int role = 0; role < 2; role++)
		lv_reset_domain (be, role, what);
	lv_result_ok (res, "%s", what->len ? what->str + 1 : "nothing to reset");
}

static void
close_conns (LvBackend *be)
{
	lv_job_poller_stop (be);
	for (int role = 0; role < 2; role++) {
		lv_events_deregister (be, role);
		g_clear_pointer (&be->conn[role], virConnectClose);
	}
}

static void
reset_done (LvBackend *be, LvResult *res, gpointer data)
{
	(void) data;
	if (be->parent.runner && res->message)
		mwb_runner_logf (be->parent.runner, "engine", "teardown: %s", res->message);
}

static void
teardown_go_on (LvBackend *be)
{
	GCallback done;

	if (be->in_flight)
		return;
	if (be->conn[LV_SRC] || be->conn[LV_DST]) {
		if (!be->reset_done && !be->abandoned) {
			be->reset_done = TRUE;
			lv_call_then (be, reset_work, NULL, NULL, reset_done);
			return;
		}
		close_conns (be);
	}
	be->tearing_down = FALSE;
	g_clear_handle_id (&be->teardown_timer, g_source_remove);
	done = be->teardown_done;
	be->teardown_done = NULL;
	if (done)
		((void (*) (gpointer)) done) (be->teardown_data);
}

/* A call that never returns (a host that swallows packets) must not keep
 * mwb from ending: after the limit its worker is left behind, and the
 * backend with it. */
static gboolean
on_teardown_limit (gpointer data)
{
	LvBackend *be = data;

	be->teardown_timer = 0;
	if (!be->in_flight)
		return G_SOURCE_REMOVE;
	mwb_runner_logf (be->parent.runner, "engine", "teardown: %u libvirt call%s still waiting after 30 s: left behind",
			 be->in_flight, be->in_flight == 1 ? "" : "s");
	be->abandoned = TRUE;
	be->in_flight = 0;
	be->parent.runner = NULL;
	teardown_go_on (be);
	return G_SOURCE_REMOVE;
}

static void
lv_teardown (MwbBackend *mb, GCallback done, gpointer data)
{
	LvBackend *be = (LvBackend *) mb;

	be->teardown_done = done;
	be->teardown_data = data;
	be->tearing_down = TRUE;
	be->reset_done = FALSE;
	g_clear_pointer (&be->wait_sr, mwb_step_run_unref);
	g_clear_handle_id (&be->wait_limit_timer, g_source_remove);
	lv_abort_migration (be);
	be->teardown_timer = g_timeout_add_seconds (30, on_teardown_limit, be);
	teardown_go_on (be);
}

static void
lv_destroy (MwbBackend *mb)
{
	LvBackend *be = (LvBackend *) mb;

	g_clear_handle_id (&be->teardown_timer, g_source_remove);
	/* Workers still hold be: it stays, unreachable, with its connections. */
	if (be->abandoned)
		return;
	/* Teardown waited for every worker; nothing refers to be any more
	 * but the event link, which is cut here. */
	close_conns (be);
	lv_link_cut (be->link);
	for (int r = 0; r < 2; r++)
		g_free (be->uri[r]);
	g_free (be->migration_message);
	g_free (be->domain);
	g_free (be->kernel);
	g_free (be);
}

static GPtrArray *
lv_live_roles (MwbBackend *mb)
{
	LvBackend *be = (LvBackend *) mb;
	GPtrArray *roles = g_ptr_array_new_with_free_func (g_free);

	/* Which host has an active domain changes under mwb (migrations), so
	 * a connected host counts: the monitor command says if it has none. */
	for (int role = 0; role < 2; role++)
		if (be->conn[role])
			g_ptr_array_add (roles, g_strdup (lv_role_name (role)));
	return roles;
}

static GPid
lv_pid_of (MwbBackend *mb, const char *role)
{
	LvBackend *be = (LvBackend *) mb;

	return lv_qemu_pid (be, g_str_equal (role, "dst") ? LV_DST : LV_SRC);
}

typedef struct {
	int role;
	char *text;
	MwbCommandReplyFunc func;
	gpointer data;
} Monitor;

static void
monitor_free (gpointer p)
{
	Monitor *m = p;

	g_free (m->text);
	g_free (m);
}

static void
monitor_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Monitor *m = data;
	virDomainPtr dom = lv_lookup (be, m->role);
	char *reply = NULL;

	(void) sr;
	if (!dom) {
		lv_result_virt_fail (res, "no such domain");
		return;
	}
	if (virDomainQemuMonitorCommand (dom, m->text, &reply, 0) < 0)
		lv_result_virt_fail (res, "qemu-monitor-command");
	else
		lv_result_ok (res, "%s", reply);
	free (reply);
	virDomainFree (dom);
}

/* libvirt hands back QMP's whole answer: the user wants its "return", or
 * its "error" as the error. */
static char *
monitor_answer (const char *reply, char **error, char **logged)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonObject *obj;

	if (!json_parser_load_from_data (parser, reply, -1, NULL)
	    || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
		return g_strdup (reply);
	obj = json_node_get_object (json_parser_get_root (parser));
	/* libvirt's own id pairs with nothing the user sent: the log pairs
	 * an answer without one with the command before it. */
	json_object_remove_member (obj, "id");
	*logged = json_to_string (json_parser_get_root (parser), FALSE);
	if (json_object_has_member (obj, "error")) {
		*error = json_to_string (json_object_get_member (obj, "error"), FALSE);
		return NULL;
	}
	if (json_object_has_member (obj, "return"))
		return json_to_string (json_object_get_member (obj, "return"), TRUE);
	return g_strdup (reply);
}

static void
monitor_done (LvBackend *be, LvResult *res, gpointer data)
{
	Monitor *m = data;
	g_autofree char *src = g_strdup_printf ("qmp-%s", lv_role_name (m->role));
	g_autofree char *error = NULL;
	g_autofree char *logged = NULL;
	g_autofree char *answer = res->ok ? monitor_answer (res->message, &error, &logged) : NULL;

	if (be->parent.runner) {
		mwb_runner_log (be->parent.runner, src, MWB_LOG_OUT, TRUE, m->text);
		if (res->ok)
			mwb_runner_log (be->parent.runner, src, MWB_LOG_IN, TRUE, logged ? logged : res->message);
	}
	if (!res->ok)
		m->func (lv_role_name (m->role), NULL, res->message, m->data);
	else
		m->func (lv_role_name (m->role), answer, error, m->data);
}

/* The user's words as the one JSON object qemu-monitor-command takes. */
static char *
monitor_json (const char *text, GError **error)
{
	g_autofree char *command = NULL;
	g_autoptr (JsonNode) args = NULL;
	g_autoptr (JsonBuilder) b = json_builder_new ();
	g_autoptr (JsonNode) root = NULL;

	if (!mwb_qmp_parse_user_command (text, &command, &args, error))
		return NULL;
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "execute");
	json_builder_add_string_value (b, command);
	if (args) {
		json_builder_set_member_name (b, "arguments");
		json_builder_add_value (b, g_steal_pointer (&args));
	}
	json_builder_end_object (b);
	root = json_builder_get_root (b);
	return json_to_string (root, FALSE);
}

/* `:qmp src JSON` for a libvirt guest: virDomainQemuMonitorCommand. */
static gboolean
lv_send_command (MwbBackend *mb, const char *role, const char *text, MwbCommandReplyFunc func,
		 gpointer data, GError **error)
{
	LvBackend *be = (LvBackend *) mb;
	Monitor *m;
	int r = g_str_equal (role, "src") ? LV_SRC : g_str_equal (role, "dst") ? LV_DST : -1;

	if (r < 0 || !be->conn[r]) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "no libvirt host '%s' connected (src, dst)", role);
		return FALSE;
	}
	m = g_new0 (Monitor, 1);
	m->role = r;
	m->text = monitor_json (text, error);
	if (!m->text) {
		g_free (m);
		return FALSE;
	}
	m->func = func;
	m->data = data;
	lv_call_then (be, monitor_work, m, monitor_free, monitor_done);
	return TRUE;
}

const MwbBackendClass mwb_libvirt_backend = {
	.name = "libvirt",
	.actions = lv_actions,
	.create = lv_create,
	.cancel_step = lv_cancel_step,
	.teardown = lv_teardown,
	.destroy = lv_destroy,
	.live_roles = lv_live_roles,
	.pid_of = lv_pid_of,
	.send_command = lv_send_command,
};
