/* The QEMU backend: actions that drive source and destination QEMUs over
 * QMP, the waits between them, fault injection, and teardown. */
#include "qemu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mwb-error.h"
#include "qemu-machines.h"

#define QUIT_GRACE_MS 3000

static void maybe_torn_down (QemuBackend *be);

/* ---- finishing the step in flight ---- */

static void
clear_wait (QemuBackend *be)
{
	be->sr = NULL;
	be->wait_side = NULL;
	be->check = NULL;
	g_clear_pointer (&be->wait_event, g_free);
	g_clear_pointer (&be->wait_status, g_free);
	g_clear_pointer (&be->pending_fail, g_free);
	be->pending_echo = FALSE;
	be->requery = 0;
	g_clear_handle_id (&be->grace_timer, g_source_remove);
	be->wait_count = 0;
}

/* Ends the step in flight with how (mwb_step_run_ok/_fail/_error), after
 * forgetting what it waited for. */
static void
finish (QemuBackend *be, void (*how) (MwbStepRun *, const char *, ...), const char *fmt, va_list ap)
{
	MwbStepRun *sr = be->sr;
	g_autofree char *msg = NULL;

	if (!sr)
		return;
	msg = fmt ? g_strdup_vprintf (fmt, ap) : NULL;
	clear_wait (be);
	if (msg)
		how (sr, "%s", msg);
	else
		how (sr, NULL);
}

#define DEFINE_FINISH(name, how)                                  \
	void                                                      \
	name (QemuBackend *be, const char *fmt, ...)              \
	{                                                         \
		va_list ap;                                       \
                                                                  \
		va_start (ap, fmt);                               \
		finish (be, how, fmt, ap);                        \
		va_end (ap);                                      \
	}

DEFINE_FINISH (qemu_finish_ok, mwb_step_run_ok)
DEFINE_FINISH (qemu_finish_fail, mwb_step_run_fail)
/* The scenario's own mistake: never counted as an expected failure. */
DEFINE_FINISH (qemu_finish_error, mwb_step_run_error)

void
qemu_recheck (QemuBackend *be)
{
	if (be->sr && be->check)
		be->check (be);
}

/* The step fails with the side's death as its reason (told once). A failure
 * that was only waiting to see whether this death would come goes along. */
static void
fail_with_death (QemuBackend *be, QemuSide *side, const char *then)
{
	g_autofree char *death = qemu_side_death (side);

	side->death_reported = TRUE;
	if (!then && be->pending_fail && !be->pending_echo)
		then = be->pending_fail;
	if (then)
		qemu_finish_fail (be, "%s (then: %s)", death, then);
	else
		qemu_finish_fail (be, "%s", death);
}

/* A QEMU dying while a step is in flight is that step's failure, with QEMU's
 * own last words, unless the step is waiting for exactly that. */
void
qemu_on_side_exit (QemuSide *side)
{
	QemuBackend *be = side->be;

	if (be->teardown_done) {
		maybe_torn_down (be);
		return;
	}
	if (side->quitting) {
		qemu_recheck (be);
		return;
	}
	if (be->sr && be->check && be->wait_side == side && be->wait_event
	    && g_str_equal (be->wait_event, "#exit")) {
		qemu_recheck (be);
		return;
	}
	if (!be->sr || side->death_reported)
		return;
	fail_with_death (be, side, NULL);
}

static void
inject_kill_dst (QemuBackend *be)
{
	QemuSide *dst = qemu_side_get (be, "dst");

	if (!dst || dst->exited || !dst->proc)
		return;
	qemu_side_log (dst, "fault kill-dst: SIGKILL to %s (pid %d) during migration", dst->label,
		       (int) mwb_proc_pid (dst->proc));
	kill (mwb_proc_pid (dst->proc), SIGKILL);
	be->kill_dst_fired = TRUE;
}

void
qemu_on_event (QemuSide *side, const char *event, JsonObject *data)
{
	QemuBackend *be = side->be;

	if (g_str_equal (side->role, "src") && g_str_equal (event, "MIGRATION") && data
	    && g_strcmp0 (json_object_get_string_member_with_default (data, "status", ""), "active") == 0
	    && mwb_run_config_has_fault (be->cfg, "kill-dst"))
		inject_kill_dst (be);
	/* mwb stopped the source for the copy, so mwb lets the guest go on:
	 * on the source if the migration did not happen... */
	if (be->stopped_for_copy && g_str_equal (side->role, "src") && g_str_equal (event, "MIGRATION") && data) {
		const char *st = json_object_get_string_member_with_default (data, "status", "");

		if (g_str_equal (st, "failed") || g_str_equal (st, "cancelled")) {
			be->stopped_for_copy = FALSE;
			qemu_side_log (side, "--live off: cont on the source, since its migration %s", st);
			mwb_qmp_execute (side->qmp, "cont", NULL, NULL, NULL);
		}
	}
	/* ... and on the destination when it did: a stopped source makes a
	 * paused destination (the run state travels with the stream). */
	if (be->stopped_for_copy && g_str_equal (side->role, "dst") && g_str_equal (event, "MIGRATION") && data
	    && g_strcmp0 (json_object_get_string_member_with_default (data, "status", ""), "completed") == 0) {
		be->stopped_for_copy = FALSE;
		qemu_side_log (side, "--live off: cont on the destination, since mwb stopped the source");
		mwb_qmp_execute (side->qmp, "cont", NULL, NULL, NULL);
	}
	qemu_recheck (be);
}

/* ---- before any action ---- */

/* A QEMU that died while no step ran (paused between steps, say) is news
 * for whatever step comes next, unless that step waits for its exit. */
static gboolean
prelude (QemuBackend *be, MwbStepRun *sr)
{
	const MwbStep *st = mwb_step_run_step (sr);
	const char *role = mwb_step_run_arg (sr, "role");
	GHashTableIter it;
	gpointer k, v;

	be->sr = sr;
	g_hash_table_iter_init (&it, be->sides);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		QemuSide *side = v;

		if (!side->exited || side->quitting || side->death_reported)
			continue;
		if (g_str_equal (st->action, "qemu.wait-exit") && g_strcmp0 (role, side->role) == 0)
			continue;
		fail_with_death (be, side, "it died while no step was running");
		return FALSE;
	}
	return TRUE;
}

/* ---- commands on behalf of a step ---- */

void
qemu_call_free (gpointer p)
{
	QemuCall *c = p;

	if (c->sr)
		mwb_step_run_unref (c->sr);
	g_free (c->command);
	g_free (c);
}

void
qemu_execute (QemuSide *side, const char *command, JsonNode *args, MwbQmpReplyFunc func)
{
	QemuCall *c = g_new0 (QemuCall, 1);

	c->side = side;
	c->sr = side->be->sr ? mwb_step_run_ref (side->be->sr) : NULL;
	c->command = g_strdup (command);
	mwb_qmp_execute_full (side->qmp, command, args, func, c, qemu_call_free);
}

QemuSide *
qemu_reply_side (gpointer call, const char *eclass, const char *edesc)
{
	QemuCall *c = call;

	if (!c->sr || c->side->be->sr != c->sr || mwb_step_run_is_finished (c->sr))
		return NULL;
	if (qemu_reply_closed (c->side->be, eclass, c->command))
		return NULL;
	if (eclass) {
		qemu_finish_fail (c->side->be, "%s: %s: %s", c->command, eclass, edesc);
		return NULL;
	}
	return c->side;
}

/* ---- helpers for actions ---- */

static QemuBackend *
QB (MwbBackend *mb)
{
	return (QemuBackend *) mb;
}

/* Binds sr to the backend and finds the side the step names; fails the step
 * when that side is not there to talk to. */
QemuSide *
qemu_begin (MwbBackend *mb, MwbStepRun *sr, gboolean need_alive)
{
	QemuBackend *be = QB (mb);
	const char *role = mwb_step_run_arg (sr, "role");
	QemuSide *side;

	if (!prelude (be, sr))
		return NULL;
	if (!role) {
		qemu_finish_error (be, "no role= given");
		return NULL;
	}
	side = qemu_side_get (be, role);
	if (!side) {
		qemu_finish_error (be, "%s has not been started",
				   qemu_role_label (role) ? qemu_role_label (role) : role);
		return NULL;
	}
	if (need_alive && (side->exited || !side->qmp || !mwb_qmp_is_open (side->qmp))) {
		g_autofree char *death = side->exited ? qemu_side_death (side) : NULL;

		qemu_finish_fail (be, "%s is not running%s%s", side->label, death ? ": " : "",
				  death ? death : " (no QMP connection)");
		return NULL;
	}
	be->wait_side = side;
	return side;
}

static void
on_plain_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;

	(void) qmp;
	(void) ret;
	if (!side)
		return;
	qemu_finish_ok (be, NULL);
}

/* "on"/"true"/"1" and the opposites; numbers; otherwise a string. */
static JsonNode *
value_node (const char *v)
{
	char *end = NULL;
	gint64 n;

	if (!g_ascii_strcasecmp (v, "on") || !g_ascii_strcasecmp (v, "true"))
		return json_node_init_boolean (json_node_alloc (), TRUE);
	if (!g_ascii_strcasecmp (v, "off") || !g_ascii_strcasecmp (v, "false"))
		return json_node_init_boolean (json_node_alloc (), FALSE);
	n = g_ascii_strtoll (v, &end, 10);
	if (*v && end && !*end)
		return json_node_init_int (json_node_alloc (), n);
	return json_node_init_string (json_node_alloc (), v);
}

/* Runs fn for each side a role= names: src, dst or both. */
static GPtrArray *
roles_of (MwbStepRun *sr)
{
	const char *role = mwb_step_run_arg_or (sr, "role", "");
	GPtrArray *out = g_ptr_array_new ();

	if (g_str_equal (role, "both")) {
		g_ptr_array_add (out, "src");
		g_ptr_array_add (out, "dst");
	} else {
		g_ptr_array_add (out, (char *) role);
	}
	return out;
}

/* ---- qemu.start ---- */

static gboolean
check_started (QemuBackend *be)
{
	QemuSide *side = be->wait_side;
	g_autofree char *var = NULL;

	if (!side->ready || !side->serial)
		return FALSE;
	var = g_strdup_printf ("accel-%s", side->role);
	mwb_runner_set_var (be->runner, var, side->accel);
	qemu_finish_ok (be, "pid %d, accel %s", (int) mwb_proc_pid (side->proc), side->accel);
	return TRUE;
}

static void
act_start (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	g_autoptr (GError) err = NULL;

	if (!prelude (be, sr))
		return;
	if (!qemu_side_start (be, sr, &err)) {
		if (err->domain == MWB_ERROR && err->code == MWB_ERROR_USAGE)
			qemu_finish_error (be, "%s", err->message);
		else
			qemu_finish_fail (be, "%s", err->message);
		return;
	}
	be->wait_side = qemu_side_get (be, mwb_step_run_arg (sr, "role"));
	be->check = check_started;
	mwb_step_run_waiting_for (sr, "%s to connect its QMP and serial sockets", be->wait_side->label);
}

/* ---- qemu.wait-serial ---- */

/* Like migration-test's wait_for_serial, which reads on from where the last
 * wait stopped: a marker counts for one wait only. */
static gboolean
check_serial (QemuBackend *be)
{
	QemuSide *side = be->wait_side;
	guint8 m = (guint8) be->wait_event[0];
	guint fresh = side->seen[m] - side->consumed[m];

	if (fresh < be->wait_count) {
		if (side->exited)
			fail_with_death (be, side, NULL);
		return side->exited;
	}
	side->consumed[m] = side->seen[m];
	qemu_finish_ok (be, "%u new '%c' marker%s (%u in all)", fresh, m, fresh == 1 ? "" : "s",
			side->seen[m]);
	return TRUE;
}

static void
act_wait_serial (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	const char *marker = mwb_step_run_arg_or (sr, "marker", "B");
	const char *count = mwb_step_run_arg_or (sr, "count", "1");

	if (!side)
		return;
	if (strlen (marker) != 1) {
		qemu_finish_error (be, "marker= takes one character, not '%s'", marker);
		return;
	}
	be->wait_event = g_strdup (marker);
	be->wait_count = (guint) MAX (1, atoi (count));
	be->check = check_serial;
	mwb_step_run_waiting_for (sr, "%u new '%s' on %s's serial port", be->wait_count, marker, side->label);
	check_serial (be);
}

/* ---- qemu.caps / qemu.params / qemu.qmp ---- */

/* One command to several sides; the step ends with the last reply. */
typedef struct {
	QemuBackend *be;
	MwbStepRun *sr;
	guint replies;		/* still to come */
	guint refs;		/* pending commands holding it */
	char *error;
	char *closed;
} Fanout;

static void
fanout_unref (gpointer p)
{
	Fanout *f = p;

	if (--f->refs > 0)
		return;
	mwb_step_run_unref (f->sr);
	g_free (f->error);
	g_free (f->closed);
	g_free (f);
}

static void
on_fanout_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	Fanout *f = data;

	(void) qmp;
	(void) ret;
	if (g_strcmp0 (eclass, "mwb.Closed") == 0 && !f->closed)
		f->closed = g_strdup (edesc);
	else if (eclass && !f->error)
		f->error = g_strdup_printf ("%s: %s", eclass, edesc);
	if (--f->replies > 0 || f->be->sr != f->sr || mwb_step_run_is_finished (f->sr))
		return;
	if (f->closed)
		qemu_reply_closed (f->be, "mwb.Closed", mwb_step_run_step (f->sr)->action);
	else if (f->error)
		qemu_finish_fail (f->be, "%s", f->error);
	else
		qemu_finish_ok (f->be, NULL);
}

static gboolean
is_engine_arg (const char *key)
{
	return g_str_equal (key, "role");
}

/* Sends one command to each side role= names; args_for builds its arguments. */
static void
fan_out (MwbBackend *mb, MwbStepRun *sr, const char *command,
	 JsonNode *(*args_for) (MwbStepRun *sr))
{
	QemuBackend *be = QB (mb);
	g_autoptr (GPtrArray) roles = roles_of (sr);
	Fanout *f;

	if (!prelude (be, sr))
		return;
	for (guint i = 0; i < roles->len; i++) {
		const char *role = roles->pdata[i];
		QemuSide *side = qemu_side_get (be, role);

		if (!qemu_role_label (role)) {
			qemu_finish_error (be, "role must be src, dst or both, not '%s'", role);
			return;
		}
		if (!side) {
			qemu_finish_error (be, "%s has not been started", qemu_role_label (role));
			return;
		}
		if (side->exited || !side->qmp) {
			g_autofree char *death = side->exited ? qemu_side_death (side) : NULL;

			qemu_finish_fail (be, "%s is not running%s%s", side->label, death ? ": " : "",
					  death ? death : " (no QMP connection)");
			return;
		}
	}
	f = g_new0 (Fanout, 1);
	f->be = be;
	f->sr = mwb_step_run_ref (sr);
	f->replies = f->refs = roles->len;
	be->wait_side = NULL;
	mwb_step_run_waiting_for (sr, "the reply to %s", command);
	for (guint i = 0; i < roles->len; i++)
		mwb_qmp_execute_full (qemu_side_get (be, roles->pdata[i])->qmp, command, args_for (sr),
				      on_fanout_reply, f, fanout_unref);
}

static JsonNode *
caps_args (MwbStepRun *sr)
{
	const MwbStep *step = mwb_step_run_step (sr);
	JsonArray *caps = json_array_new ();
	JsonNode *arr = json_node_new (JSON_NODE_ARRAY);

	for (guint i = 0; i < step->args->len; i++) {
		const char *k = g_array_index (step->args, MwbArg, i).key;

		if (is_engine_arg (k))
			continue;
		json_array_add_element (caps, mwb_json_object ("capability", json_node_init_string (json_node_alloc (), k),
							       "state", value_node (mwb_step_run_arg (sr, k)), NULL));
	}
	json_node_take_array (arr, caps);
	return mwb_json_object ("capabilities", arr, NULL);
}

static JsonNode *
params_args (MwbStepRun *sr)
{
	static const char *const skip[] = { "role", NULL };
	JsonNode *n = qemu_command_args (sr, skip, NULL);

	return n ? n : json_node_init_object (json_node_alloc (), json_object_new ());
}

static void
act_caps (MwbBackend *mb, MwbStepRun *sr)
{
	fan_out (mb, sr, "migrate-set-capabilities", caps_args);
}

static void
act_params (MwbBackend *mb, MwbStepRun *sr)
{
	fan_out (mb, sr, "migrate-set-parameters", params_args);
}

/* arguments= (a JSON object) and every other KEY=VALUE not in skip, merged
 * into one arguments object; NULL when there are none. */
JsonNode *
qemu_command_args (MwbStepRun *sr, const char *const *skip, GError **error)
{
	const MwbStep *step = mwb_step_run_step (sr);
	const char *arguments = mwb_step_run_arg (sr, "arguments");
	JsonNode *args = NULL;

	if (arguments) {
		args = json_from_string (arguments, error);
		if (!args || !JSON_NODE_HOLDS_OBJECT (args)) {
			if (args)
				json_node_unref (args);
			else
				g_clear_error (error);
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "arguments= must be a JSON object, not %s",
				     arguments);
			return NULL;
		}
	}
	for (guint i = 0; i < step->args->len; i++) {
		const char *k = g_array_index (step->args, MwbArg, i).key;

		if (g_str_equal (k, "arguments") || g_strv_contains (skip, k))
			continue;
		if (!args)
			args = json_node_init_object (json_node_alloc (), json_object_new ());
		json_object_set_member (json_node_get_object (args), k, value_node (mwb_step_run_arg (sr, k)));
	}
	return args;
}

static void
act_qmp (MwbBackend *mb, MwbStepRun *sr)
{
	static const char *const skip[] = { "role", "command", NULL };
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	const char *command = mwb_step_run_arg (sr, "command");
	g_autoptr (GError) err = NULL;
	JsonNode *args;

	if (!side)
		return;
	args = qemu_command_args (sr, skip, &err);
	if (err) {
		qemu_finish_error (be, "%s", err->message);
		return;
	}
	mwb_step_run_waiting_for (sr, "the reply to %s from %s", command, side->label);
	qemu_execute (side, command, args, on_plain_reply);
}

/* ---- qemu.incoming ---- */

static void
on_incoming_query (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	JsonArray *addrs;
	JsonObject *a;

	(void) qmp;
	if (!side)
		return;
	addrs = json_object_get_array_member (json_node_get_object (ret), "socket-address");
	if (!addrs || json_array_get_length (addrs) == 0
	    || !(a = json_array_get_object_element (addrs, 0))) {
		qemu_finish_fail (be, "the destination did not say which port it listens on");
		return;
	}
	{
		g_autofree char *uri = g_strdup_printf ("tcp:%s:%s",
							json_object_get_string_member_with_default (a, "host", "127.0.0.1"),
							json_object_get_string_member_with_default (a, "port", "0"));

		mwb_runner_set_var (be->runner, "incoming-uri", uri);
		qemu_finish_ok (be, "listening on %s", uri);
	}
}

static void
on_incoming_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	const char *uri;

	(void) qmp;
	(void) ret;
	if (!side)
		return;
	uri = mwb_step_run_arg (be->sr, "uri");
	/* Port 0 means "any free port": ask which one it got. */
	if (g_str_has_prefix (uri, "tcp:") && g_str_has_suffix (uri, ":0")) {
		qemu_execute (side, "query-migrate", NULL, on_incoming_query);
		return;
	}
	mwb_runner_set_var (be->runner, "incoming-uri", uri);
	qemu_finish_ok (be, "%s %s", g_str_has_prefix (uri, "exec:") ? "reading from" : "listening on", uri);
}

static void
act_incoming (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	const char *uri = mwb_step_run_arg (sr, "uri");

	if (!side)
		return;
	/* A stream loaded from a file can be damaged before QEMU reads it. */
	if (mwb_run_config_has_fault (be->cfg, "corrupt-stream") && g_str_has_prefix (uri, "exec:cat ")) {
		g_autoptr (GError) err = NULL;

		if (!qemu_fault_corrupt_stream (be, uri + strlen ("exec:cat "), &err)) {
			qemu_finish_fail (be, "%s", err->message);
			return;
		}
	}
	mwb_step_run_waiting_for (sr, "migrate-incoming on %s", side->label);
	g_clear_pointer (&side->mig_status, g_free);
	qemu_execute (side, "migrate-incoming",
		      mwb_json_object ("uri", json_node_init_string (json_node_alloc (),
								     mwb_step_run_arg (sr, "uri")), NULL),
		      on_incoming_reply);
}

/* ---- qemu.migrate ---- */

static void
act_migrate (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	JsonNode *args;

	if (!side)
		return;
	args = mwb_json_object ("uri", json_node_init_string (json_node_alloc (), mwb_step_run_arg (sr, "uri")),
				NULL);
	if (mwb_step_run_arg (sr, "resume"))
		json_object_set_member (json_node_get_object (args), "resume",
					value_node (mwb_step_run_arg (sr, "resume")));
	mwb_step_run_waiting_for (sr, "the reply to migrate from %s", side->label);
	/* A new migration: what the last one ended in says nothing about it. */
	g_clear_pointer (&side->mig_status, g_free);
	/* --live off: stop-and-copy. QMP answers in order, so the migration
	 * starts only once the guest has stopped. */
	if (be->cfg->stop_and_copy && !mwb_step_run_arg (sr, "resume") && g_str_equal (side->role, "src")) {
		qemu_side_log (side, "--live off: stopping the source before it migrates (stop-and-copy)");
		be->stopped_for_copy = TRUE;
		mwb_qmp_execute (side->qmp, "stop", NULL, NULL, NULL);
	}
	qemu_execute (side, "migrate", args, on_plain_reply);
}

/* ---- qemu.wait-migration ---- */

static void
on_final_query (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data);

static gboolean
terminal_status (const char *s)
{
	return s && (g_str_equal (s, "completed") || g_str_equal (s, "failed")
		     || g_str_equal (s, "cancelled"));
}

static gboolean
check_migration (QemuBackend *be)
{
	QemuSide *side = be->wait_side;
	const char *st = side->mig_status;

	if (side->exited) {
		fail_with_death (be, side, NULL);
		return TRUE;
	}
	if (!st || (!g_str_equal (st, be->wait_status) && !terminal_status (st)))
		return FALSE;
	/* Ask once more: the reply carries the error text and the statistics,
	 * and 7.2 may say "completed" before its times are filled in. */
	be->check = NULL;
	qemu_execute (side, "query-migrate", NULL, on_final_query);
	return TRUE;
}

static gboolean
on_grace_over (gpointer data)
{
	QemuBackend *be = data;
	g_autofree char *why = g_steal_pointer (&be->pending_fail);

	be->grace_timer = 0;
	qemu_finish_fail (be, "%s", why);
	return G_SOURCE_REMOVE;
}

static gboolean
peer_running (QemuBackend *be, QemuSide *self)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init (&it, be->sides);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (v != self && !((QemuSide *) v)->exited && !((QemuSide *) v)->quitting)
			return TRUE;
	return FALSE;
}

/* When a migration fails because the peer died, the failing side often says
 * so first ("Broken pipe") and the peer's death reaches mwb a moment later.
 * The death is the story: give it a moment to arrive. */
static void
fail_migration (QemuBackend *be, QemuSide *side, const char *why)
{
	/* Only a lost connection hints at a dying peer; "Failed to connect" does not. */
	if (!peer_running (be, side) || strstr (why, "Failed to connect")) {
		qemu_finish_fail (be, "%s", why);
		return;
	}
	be->pending_fail = g_strdup (why);
	be->check = NULL;
	be->grace_timer = g_timeout_add (500, on_grace_over, be);
}

/* A QMP connection that closes under a command means QEMU is on its way
 * out: wait for its exit status and last words rather than blame the socket. */
static void
await_death (QemuBackend *be, const char *why)
{
	be->pending_fail = g_strdup (why);
	be->pending_echo = TRUE;
	be->check = NULL;
	be->grace_timer = g_timeout_add (2000, on_grace_over, be);
}

gboolean
qemu_reply_closed (QemuBackend *be, const char *eclass, const char *what)
{
	g_autofree char *why = NULL;

	if (g_strcmp0 (eclass, "mwb.Closed") != 0)
		return FALSE;
	why = g_strdup_printf ("%s: the QMP connection closed", what);
	await_death (be, why);
	return TRUE;
}

static gboolean
requery_migrate (gpointer data)
{
	QemuSide *side = data;

	side->be->grace_timer = 0;
	qemu_execute (side, "query-migrate", NULL, on_final_query);
	return G_SOURCE_REMOVE;
}

static void
on_final_query (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	JsonObject *o;
	const char *status;
	g_autofree char *death = NULL;

	(void) qmp;
	if (!side)
		return;
	o = json_node_get_object (ret);
	status = json_object_get_string_member_with_default (o, "status", side->mig_status);
	/* 7.2 may say "completed" a moment before it has filled in its times:
	 * ask again shortly, a bounded number of times. */
	if (g_str_equal (status, "completed") && json_object_get_int_member_with_default (o, "total-time", 0) == 0
	    && g_str_equal (side->role, "src") && be->requery < 100) {
		be->requery++;
		be->grace_timer = g_timeout_add (5, requery_migrate, side);
		return;
	}
	if (!g_str_equal (status, be->wait_status) && !terminal_status (status)) {
		/* Not there yet (the event that woke us was another one): wait on. */
		be->check = check_migration;
		return;
	}
	if (g_str_equal (status, be->wait_status)) {
		JsonObject *ram = json_object_has_member (o, "ram") ? json_object_get_object_member (o, "ram") : NULL;

		if (ram)
			qemu_finish_ok (be, "%s in %" G_GINT64_FORMAT " ms, downtime %" G_GINT64_FORMAT
					" ms, %" G_GINT64_FORMAT " bytes, %" G_GINT64_FORMAT " dirty syncs",
					status, json_object_get_int_member_with_default (o, "total-time", 0),
					json_object_get_int_member_with_default (o, "downtime", 0),
					json_object_get_int_member_with_default (ram, "transferred", 0),
					json_object_get_int_member_with_default (ram, "dirty-sync-count", 0));
		else
			qemu_finish_ok (be, "%s", status);
		return;
	}
	death = g_strdup_printf ("migration %s on %s: %s", status, side->label,
				 json_object_get_string_member_with_default (o, "error-desc", "no error given"));
	fail_migration (be, side, death);
}

static void
act_wait_migration (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, FALSE);

	if (!side)
		return;
	be->wait_status = g_strdup (mwb_step_run_arg_or (sr, "status", "completed"));
	be->check = check_migration;
	mwb_step_run_waiting_for (sr, "MIGRATION status=%s on %s", be->wait_status, side->label);
	check_migration (be);
}

/* ---- qemu.wait-event ---- */

static gboolean
check_event (QemuBackend *be)
{
	QemuSide *side = be->wait_side;
	guint n = GPOINTER_TO_UINT (g_hash_table_lookup (side->events, be->wait_event));

	if (n >= be->wait_count) {
		qemu_finish_ok (be, "%s seen", be->wait_event);
		return TRUE;
	}
	if (side->exited) {
		fail_with_death (be, side, NULL);
		return TRUE;
	}
	return FALSE;
}

static void
act_wait_event (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, FALSE);

	if (!side)
		return;
	/* Events are counted from the side's start: one that came early still counts. */
	be->wait_event = g_strdup (mwb_step_run_arg (sr, "event"));
	be->wait_count = (guint) MAX (1, atoi (mwb_step_run_arg_or (sr, "count", "1")));
	be->check = check_event;
	mwb_step_run_waiting_for (sr, "event %s on %s", be->wait_event, side->label);
	check_event (be);
}

/* ---- qemu.check-running ---- */

static void
on_query_status (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	JsonObject *o;

	(void) qmp;
	if (!side)
		return;
	o = json_node_get_object (ret);
	if (json_object_get_boolean_member_with_default (o, "running", FALSE))
		qemu_finish_ok (be, "%s is running", side->label);
	else
		qemu_finish_fail (be, "%s is not running: status %s", side->label,
				  json_object_get_string_member_with_default (o, "status", "?"));
}

static void
on_alive_status (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);

	(void) qmp;
	if (!side)
		return;
	qemu_finish_ok (side->be, "%s is alive and answers: status %s", side->label,
			json_object_get_string_member_with_default (json_node_get_object (ret), "status", "?"));
}

/* Alive whatever its run state: a destination still waiting for a
 * migration that failed on the source's side. */
static void
act_check_alive (MwbBackend *mb, MwbStepRun *sr)
{
	QemuSide *side = qemu_begin (mb, sr, TRUE);

	if (!side)
		return;
	qemu_execute (side, "query-status", NULL, on_alive_status);
}

static void
act_check_running (MwbBackend *mb, MwbStepRun *sr)
{
	QemuSide *side = qemu_begin (mb, sr, TRUE);

	if (!side)
		return;
	qemu_execute (side, "query-status", NULL, on_query_status);
}

/* ---- qemu.quit / qemu.wait-exit ---- */

static gboolean
check_exit (QemuBackend *be)
{
	QemuSide *side = be->wait_side;
	const char *want = be->sr ? mwb_step_run_arg (be->sr, "status") : NULL;
	g_autofree char *how = NULL;

	if (!side->exited)
		return FALSE;
	how = qemu_side_death (side);
	side->death_reported = TRUE;
	/* quit must end in a clean exit; wait-exit may ask for a status. */
	if (!want && side->quitting)
		want = "0";
	if (want && !(WIFEXITED (side->exit_status) && WEXITSTATUS (side->exit_status) == atoi (want)))
		qemu_finish_fail (be, "expected exit status %s: %s", want, how);
	else
		qemu_finish_ok (be, "%s", how);
	return TRUE;
}

static void
act_quit (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, TRUE);

	if (!side)
		return;
	side->quitting = TRUE;
	be->check = check_exit;
	mwb_step_run_waiting_for (sr, "%s to exit after quit", side->label);
	mwb_qmp_execute (side->qmp, "quit", NULL, NULL, NULL);
}

static void
act_wait_exit (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);
	QemuSide *side = qemu_begin (mb, sr, FALSE);

	if (!side)
		return;
	be->wait_event = g_strdup ("#exit");
	be->check = check_exit;
	mwb_step_run_waiting_for (sr, "%s to exit", side->label);
	check_exit (be);
}

/* ---- the class ---- */

static const char *const role_only[] = { "role", NULL };
static const char *const start_opt[] = { "incoming", "uuid", "boot", "ram", "machine", "args", "kvm-opts", NULL };
static const char *const serial_opt[] = { "marker", "count", NULL };
static const char *const uri_req[] = { "role", "uri", NULL };
static const char *const migrate_opt[] = { "resume", NULL };
static const char *const status_opt[] = { "status", NULL };
static const char *const event_req[] = { "role", "event", NULL };
static const char *const count_opt[] = { "count", NULL };
static const char *const qmp_req[] = { "role", "command", NULL };
static const char *const qmp_opt[] = { "arguments", "*", NULL };
static const char *const any_opt[] = { "*", NULL };
static const char *const poll_req[] = { "role", "command", "until", NULL };
static const char *const poll_opt[] = { "arguments", "interval", "*", NULL };
static const char *const probe_req[] = { "what", NULL };
static const char *const tls_req[] = { "kind", "dir", NULL };
static const char *const tls_opt[] = { "username", "key", "hostname", "ipaddr", "client", "hostile", NULL };
static const char *const getfd_req[] = { "role", "fdname", "pair", "end", NULL };

static const MwbActionDef qemu_actions[] = {
	{ "qemu.start", "start a QEMU (role=src|dst) with the a-b guest and connect to its QMP",
	  role_only, start_opt, 30, act_start },
	{ "qemu.wait-serial", "wait for the guest's 'B' marker on the serial port",
	  role_only, serial_opt, 60, act_wait_serial },
	{ "qemu.caps", "migrate-set-capabilities: NAME=on|off ... on role=src|dst|both",
	  role_only, any_opt, 10, act_caps },
	{ "qemu.params", "migrate-set-parameters: NAME=VALUE ... on role=src|dst|both",
	  role_only, any_opt, 10, act_params },
	{ "qemu.incoming", "migrate-incoming on the destination; sets ${incoming-uri}",
	  uri_req, NULL, 10, act_incoming },
	{ "qemu.migrate", "start the migration on the source", uri_req, migrate_opt, 10, act_migrate },
	{ "qemu.wait-migration", "wait for MIGRATION status=STATUS (default completed)",
	  role_only, status_opt, 120, act_wait_migration },
	{ "qemu.wait-event", "wait for a QMP event (counted from the side's start)",
	  event_req, count_opt, 60, act_wait_event },
	{ "qemu.qmp", "send any QMP command; its arguments as KEY=VALUE ... and/or arguments=JSON", qmp_req, qmp_opt, 30, act_qmp },
	{ "qemu.poll", "repeat a query command until=\"PATH OP VALUE\" holds in its reply",
	  poll_req, poll_opt, 60, qemu_action_poll },
	{ "qemu.probe", "can this host do it? what=kvm-dirty-ring[-migration]|userfaultfd|live; SKIP with the answer if not",
	  probe_req, NULL, 10, qemu_action_probe },
	{ "qemu.tls", "make TLS credentials in the run directory with certtool: kind=psk|x509 dir=NAME",
	  tls_req, tls_opt, 30, qemu_action_tls },
	{ "qemu.getfd", "hand one end of a socketpair to a QEMU (getfd over SCM_RIGHTS)",
	  getfd_req, NULL, 10, qemu_action_getfd },
	{ "qemu.check-running", "query-status: the side must be running", role_only, NULL, 10,
	  act_check_running },
	{ "qemu.check-alive", "the side's process is there and answers QMP, whatever its run state",
	  role_only, NULL, 10, act_check_alive },
	{ "qemu.check-memory", "stop the side and check guest memory with QEMU's check_guests_ram rule",
	  role_only, NULL, 120, qemu_action_check_memory },
	{ "qemu.quit", "quit a QEMU and wait for it to exit", role_only, NULL, 15, act_quit },
	{ "qemu.wait-exit", "wait for a QEMU to exit (status=N to require one)", role_only, status_opt, 30,
	  act_wait_exit },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

/* --qemu-src/--qemu-dst, --qemu, then the variables migration-test users
 * already set. */
const char *
mwb_qemu_binary (const MwbRunConfig *cfg, const char *role, const char **whence)
{
	gboolean src = g_str_equal (role, "src");
	const char *env_role = src ? "QTEST_QEMU_BINARY_SRC" : "QTEST_QEMU_BINARY_DST";
	const char *bin;

	if ((bin = src ? cfg->qemu_src : cfg->qemu_dst)) {
		*whence = src ? "--qemu-src" : "--qemu-dst";
		return bin;
	}
	if ((bin = cfg->qemu_bin)) {
		*whence = "--qemu";
		return bin;
	}
	if ((bin = g_getenv (env_role)) && *bin) {
		*whence = env_role;
		return bin;
	}
	if ((bin = g_getenv ("QTEST_QEMU_BINARY")) && *bin) {
		*whence = "QTEST_QEMU_BINARY";
		return bin;
	}
	*whence = "the default";
	return "qemu-system-x86_64";
}

/* QEMU's test prints 'B' every 64 passes. On a nested KVM like these
 * machines' a pass over 100 MiB takes ~27 ms instead of ~2 ms under TCG, so
 * 64 passes would make every liveness wait cost seconds. The period changes
 * only how often the guest says it is alive, never what it dirties. */
static guint32
marker_period (const MwbRunConfig *cfg, guint32 tcg_period)
{
	int fd;

	if (cfg->accel && g_str_equal (cfg->accel, "tcg"))
		return tcg_period;
	fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return tcg_period;
	close (fd);
	return MAX (1, tcg_period / 16);
}

/* The newest i440fx machine type both binaries know, named on both command
 * lines: the bare "pc" alias would differ between QEMU versions. */
static gboolean
pick_machine (QemuBackend *be, GError **error)
{
	g_autoptr (QemuMachines) src = NULL;
	g_autoptr (QemuMachines) dst = NULL;
	g_autoptr (GError) err = NULL;
	g_autofree char *newest_src = NULL;
	g_autofree char *newest_dst = NULL;

	src = qemu_machines_query (be->qemu_bin[0], &err);
	if (src && !g_str_equal (be->qemu_bin[0], be->qemu_bin[1]))
		dst = qemu_machines_query (be->qemu_bin[1], &err);
	if (!src || (!dst && err)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "cannot ask %s QEMU which machine types it knows: %s",
			     src ? "the destination" : "the source", err->message);
		return FALSE;
	}
	be->qemu_version[0] = g_strdup (src->version);
	be->qemu_version[1] = g_strdup (dst ? dst->version : src->version);
	be->machine = qemu_machines_newest_common (src, dst ? dst : src, "pc-i440fx-");
	newest_src = qemu_machines_newest (src, "pc-i440fx-");
	newest_dst = qemu_machines_newest (dst ? dst : src, "pc-i440fx-");
	if (!be->machine) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
			     "the source QEMU %s and the destination QEMU %s share no pc-i440fx machine type",
			     be->qemu_version[0], be->qemu_version[1]);
		return FALSE;
	}
	mwb_runner_set_var (be->runner, "machine", be->machine);
	mwb_runner_set_var (be->runner, "qemu-version-src", be->qemu_version[0]);
	mwb_runner_set_var (be->runner, "qemu-version-dst", be->qemu_version[1]);
	if (dst)
		mwb_runner_logf (be->runner, "notice",
				 "machine %s: the newest both know (source QEMU %s knows up to %s, destination QEMU %s up to %s)",
				 be->machine, be->qemu_version[0], newest_src, be->qemu_version[1], newest_dst);
	else
		mwb_runner_logf (be->runner, "engine", "machine %s (QEMU %s on both sides)", be->machine,
				 be->qemu_version[0]);
	return TRUE;
}

static MwbBackend *
qemu_create (MwbRunner *runner, GError **error)
{
	QemuBackend *be = g_new0 (QemuBackend, 1);
	const MwbRunConfig *cfg = mwb_runner_config (runner);
	g_autoptr (GBytes) rom = NULL;
	g_autoptr (GBytes) disk = NULL;
	g_autofree char *found = NULL;
	gsize len;
	gconstpointer p;

	be->parent.klass = &mwb_qemu_backend;
	be->runner = runner;
	be->cfg = cfg;
	be->sides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) qemu_side_free);
	for (guint i = 0; i < 2; i++) {
		const char *role = i ? "dst" : "src";
		const char *whence;
		const char *bin = mwb_qemu_binary (cfg, role, &whence);

		g_free (found);
		found = g_find_program_in_path (bin);
		if (!found) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
				     "QEMU binary '%s' for %s (from %s) not found; use --qemu BIN, "
				     "QTEST_QEMU_BINARY or QTEST_QEMU_BINARY_SRC/_DST", bin, role, whence);
			goto fail;
		}
		be->qemu_bin[i] = g_strdup (found);
		mwb_runner_logf (runner, "engine", "%s: QEMU %s (from %s)", role, found, whence);
	}
	if (!pick_machine (be, error))
		goto fail;
	if (!mwb_guest_params_for (cfg->guest_mem, &be->guest, error))
		goto fail;
	be->guest.period = marker_period (cfg, be->guest.period);
	be->guest_rom = g_build_filename (mwb_runner_run_dir (runner), "guest.rom", NULL);
	be->guest_disk = g_build_filename (mwb_runner_run_dir (runner), "bootsect", NULL);
	rom = mwb_guest_image (MWB_GUEST_ROM, &be->guest);
	disk = mwb_guest_image (MWB_GUEST_BOOTSECT, &be->guest);
	p = g_bytes_get_data (rom, &len);
	if (!g_file_set_contents (be->guest_rom, p, len, error))
		goto fail;
	p = g_bytes_get_data (disk, &len);
	if (!g_file_set_contents (be->guest_disk, p, len, error))
		goto fail;
	{
		g_autofree char *r = g_strdup_printf ("0x%x", be->guest.start);
		g_autofree char *e = g_strdup_printf ("0x%x", be->guest.end);

		mwb_runner_set_var (runner, "guest-start", r);
		mwb_runner_set_var (runner, "guest-end", e);
	}
	mwb_runner_logf (runner, "engine", "guest dirties [0x%x, 0x%x), 'B' every %u passes",
			 be->guest.start, be->guest.end, be->guest.period);
	return &be->parent;

fail:
	g_hash_table_unref (be->sides);
	g_free (be->qemu_bin[0]);
	g_free (be->qemu_bin[1]);
	g_free (be->qemu_version[0]);
	g_free (be->qemu_version[1]);
	g_free (be->machine);
	g_free (be->guest_rom);
	g_free (be->guest_disk);
	g_free (be);
	return NULL;
}

static void
qemu_cancel_step (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = QB (mb);

	if (be->sr == sr)
		clear_wait (be);
}

static gboolean
teardown_finish (gpointer data)
{
	QemuBackend *be = data;
	GCallback done = be->teardown_done;

	be->teardown_idle = 0;
	be->teardown_done = NULL;
	if (done)
		((void (*) (gpointer)) done) (be->teardown_data);
	return G_SOURCE_REMOVE;
}

static void
maybe_torn_down (QemuBackend *be)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init (&it, be->sides);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (((QemuSide *) v)->proc && !((QemuSide *) v)->exited)
			return;
	if (be->teardown_done && !be->teardown_idle)
		be->teardown_idle = g_idle_add (teardown_finish, be);
}

static void
qemu_teardown (MwbBackend *mb, GCallback done, gpointer data)
{
	QemuBackend *be = QB (mb);
	GHashTableIter it;
	gpointer k, v;

	clear_wait (be);
	qemu_fd_pairs_clear (be);
	be->stopped_for_copy = FALSE;
	be->teardown_done = done;
	be->teardown_data = data;
	g_hash_table_iter_init (&it, be->sides);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		QemuSide *side = v;

		if (!side->proc || side->exited)
			continue;
		side->quitting = TRUE;
		mwb_proc_terminate (side->proc, QUIT_GRACE_MS);
	}
	/* The rest arrives through qemu_on_side_exit. */
	maybe_torn_down (be);
}

static void
qemu_destroy (MwbBackend *mb)
{
	QemuBackend *be = QB (mb);

	g_clear_handle_id (&be->teardown_idle, g_source_remove);
	clear_wait (be);
	qemu_fd_pairs_clear (be);
	g_hash_table_unref (be->sides);
	g_free (be->qemu_bin[0]);
	g_free (be->qemu_bin[1]);
	g_free (be->qemu_version[0]);
	g_free (be->qemu_version[1]);
	g_free (be->machine);
	g_free (be->guest_rom);
	g_free (be->guest_disk);
	g_free (be);
}

/* A fault asked for and never injected must not end in a PASS. */
static gboolean
qemu_vet_pass (MwbBackend *mb, char **why)
{
	QemuBackend *be = QB (mb);
	QemuSide *dst = qemu_side_get (be, "dst");
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init (&it, be->sides);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		QemuSide *side = v;

		if (side->exited && !side->quitting && !side->death_reported) {
			g_autofree char *death = qemu_side_death (side);

			*why = g_strdup_printf ("%s, and no step was there to notice", death);
			return FALSE;
		}
	}

	if (mwb_run_config_has_fault (be->cfg, "kill-dst") && !be->kill_dst_fired)
		*why = g_strdup ("--fault kill-dst never fired: no destination QEMU was there while the"
				 " source's migration was active");
	/* The SIGKILL may land on a destination already on its way out by itself. */
	else if (mwb_run_config_has_fault (be->cfg, "kill-dst")
		 && !(dst && dst->exited && WIFSIGNALED (dst->exit_status) && WTERMSIG (dst->exit_status) == SIGKILL))
		*why = g_strdup ("--fault kill-dst took no effect: the destination QEMU ended by itself first");
	else if (mwb_run_config_has_fault (be->cfg, "corrupt-stream") && !be->corrupt_fired)
		*why = g_strdup ("--fault corrupt-stream never fired: this scenario loads no stream from a file"
				 " (exec:cat FILE); /x86_64/migration/precopy/exec/file does");
	else if (mwb_run_config_has_fault (be->cfg, "dst-write") && !be->dst_write_fired)
		*why = g_strdup ("--fault dst-write never fired: this scenario never checks the destination's memory");
	return *why == NULL;
}

const MwbBackendClass mwb_qemu_backend = {
	.vet_pass = qemu_vet_pass,
	.name = "qemu",
	.actions = qemu_actions,
	.create = qemu_create,
	.cancel_step = qemu_cancel_step,
	.teardown = qemu_teardown,
	.destroy = qemu_destroy,
	.live_roles = qemu_live_roles,
	.pid_of = qemu_pid_of,
	.send_command = qemu_send_command,
};
