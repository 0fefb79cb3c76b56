/* The libvirt backend's actions: the TCK's ten checks of 300-migration.t
 * one step each, mwb's stricter checks, and what the failure scenarios
 * need (a killed daemon or QEMU, a migration with a time limit). Each
 * action's libvirt calls run in a worker thread (lv_call). */
#define _GNU_SOURCE
#include "libvirt-backend.h"

#include <signal.h>
#include <string.h>

#include "libvirt-hosts.h"
#include "libvirt-priv.h"
#include "mwb-error.h"

/* The TCK's guest identity: tck, with its fixed UUID. */
#define LV_UUID "050072e8-7bce-3515-992a-8431d74f371f"

typedef struct {
	int role;
	GHashTable *args;	/* name -> value, expanded on the main thread */
	char *uri[2];
	char *emulator;
	char *hosts_dir;
	gboolean own_hosts;
} Req;

static void
req_free (gpointer p)
{
	Req *r = p;

	g_hash_table_unref (r->args);
	g_free (r->uri[0]);
	g_free (r->uri[1]);
	g_free (r->emulator);
	g_free (r->hosts_dir);
	g_free (r);
}

static const char *
arg (Req *r, const char *name, const char *fallback)
{
	const char *v = g_hash_table_lookup (r->args, name);

	return v ? v : fallback;
}

static gboolean
yes (Req *r, const char *name)
{
	return g_str_equal (arg (r, name, "no"), "yes");
}

/* Everything the worker needs, copied on the main thread: the worker
 * must not touch the runner. */
static Req *
req_new (LvBackend *be, MwbStepRun *sr, gboolean needs_role)
{
	const MwbStep *st = mwb_step_run_step (sr);
	MwbRunner *runner = mwb_step_run_runner (sr);
	g_autoptr (GError) err = NULL;
	Req *r = g_new0 (Req, 1);
	const MwbRunConfig *cfg = mwb_runner_config (runner);

	r->args = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < st->args->len; i++) {
		const MwbArg *a = &g_array_index (st->args, MwbArg, i);

		g_hash_table_insert (r->args, g_strdup (a->key), g_strdup (mwb_step_run_arg (sr, a->key)));
	}
	r->uri[LV_SRC] = g_strdup (mwb_runner_get_var (runner, "src-uri"));
	r->uri[LV_DST] = g_strdup (mwb_runner_get_var (runner, "dst-uri"));
	r->emulator = g_strdup (cfg && cfg->qemu_bin ? cfg->qemu_bin : "/usr/bin/qemu-system-x86_64");
	r->hosts_dir = mwb_hosts_dir ();
	r->own_hosts = !cfg || (!cfg->libvirt_uri && !cfg->libvirt_other_uri);
	r->role = LV_SRC;
	if (needs_role) {
		r->role = lv_role (sr, &err);
		if (r->role < 0) {
			mwb_step_run_error (sr, "%s", err->message);
			req_free (r);
			return NULL;
		}
	}
	if (!be->conn[r->role] && !g_str_equal (st->action, "libvirt.connect")) {
		mwb_step_run_error (sr, "not connected to the %s host: a libvirt.connect step comes first",
				    lv_role_name (r->role));
		req_free (r);
		return NULL;
	}
	return r;
}

static void
run (LvBackend *be, MwbStepRun *sr, gboolean needs_role, LvWork work)
{
	Req *r = req_new (be, sr, needs_role);

	if (r)
		lv_call (be, sr, work, r, req_free);
}

#define ACTION(name, needs_role)                                                          \
	static void name##_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res); \
	static void name (MwbBackend *mb, MwbStepRun *sr)                                      \
	{                                                                                      \
		run ((LvBackend *) mb, sr, needs_role, name##_work);                           \
	}

/* ---- connect ---- */

/* A connection whose dead peer shows within seconds (keepalive), not at
 * the next call's TCP timeout. NULL with libvirt's error in this thread. */
static virConnectPtr
open_host (const char *uri)
{
	virConnectPtr c = virConnectOpen (uri);

	if (c)
		virConnectSetKeepAlive (c, 2, 3);
	return c;
}

ACTION (act_connect, FALSE)
static void
act_connect_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	g_autoptr (GError) err = NULL;
	g_autoptr (GString) said = g_string_new (NULL);
	g_autoptr (GString) left = g_string_new (NULL);

	(void) sr;
	if (r->own_hosts && !mwb_hosts_ensure (&err)) {
		lv_result_fail (res, "mwb's libvirt hosts: %s", err->message);
		return;
	}
	for (int role = 0; role < 2; role++) {
		unsigned long ver = 0, hv = 0;
		virConnectPtr c = open_host (r->uri[role]);

		if (!c) {
			g_autofree char *e = lv_last_error (NULL);

			lv_result_fail (res, "cannot connect to the %s host %s: %s", lv_role_name (role), r->uri[role], e);
			return;
		}
		virConnectGetLibVersion (c, &ver);
		virConnectGetVersion (c, &hv);
		g_string_append_printf (said, "%s%s %s (libvirt %lu.%lu.%lu, QEMU %lu.%lu.%lu)", said->len ? ", " : "",
					lv_role_name (role), r->uri[role], ver / 1000000, ver / 1000 % 1000, ver % 1000,
					hv / 1000000, hv / 1000 % 1000, hv % 1000);
		be->conn[role] = c;
		g_free (be->uri[role]);
		be->uri[role] = g_strdup (r->uri[role]);
	}
	for (int role = 0; role < 2; role++) {
		lv_reset_domain (be, role, left);
		lv_events_register (be, role);
	}
	lv_result_ok (res, "connected: %s%s%s", said->str, left->len ? "; a left-over guest:" : "", left->str);
}

/* ---- define, start ---- */

static char *
domain_xml (LvBackend *be, Req *r)
{
	return lv_domain_xml (be->domain, arg (r, "uuid", LV_UUID), be->kernel, r->emulator);
}

ACTION (act_define, TRUE)
static void
act_define_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	g_autofree char *xml = NULL;
	virDomainPtr dom;

	(void) sr;
	if (!yes (r, "persistent")) {
		lv_result_ok (res, "no need to define: the %s domain is to be transient", lv_role_name (r->role));
		return;
	}
	xml = domain_xml (be, r);
	dom = virDomainDefineXML (be->conn[r->role], xml);
	if (!dom) {
		lv_result_virt_fail (res, "virDomainDefineXML");
		return;
	}
	lv_result_ok (res, "defined %s on %s (persistent, inactive)", be->domain, lv_role_name (r->role));
	virDomainFree (dom);
}

ACTION (act_start, TRUE)
static void
act_start_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	unsigned int flags = yes (r, "paused") ? VIR_DOMAIN_START_PAUSED : 0;
	virDomainPtr dom;

	(void) sr;
	if (yes (r, "transient")) {
		g_autofree char *xml = domain_xml (be, r);

		dom = virDomainCreateXML (be->conn[r->role], xml, flags);
		if (!dom) {
			lv_result_virt_fail (res, "virDomainCreateXML");
			return;
		}
		lv_result_ok (res, "created %s on %s (transient%s)", be->domain, lv_role_name (r->role),
			      flags ? ", paused" : "");
	}
	else {
		dom = lv_lookup (be, r->role);
		if (!dom || virDomainCreateWithFlags (dom, flags) < 0) {
			lv_result_virt_fail (res, "virDomainCreateWithFlags");
			if (dom)
				virDomainFree (dom);
			return;
		}
		lv_result_ok (res, "started %s on %s%s", be->domain, lv_role_name (r->role), flags ? " paused" : "");
	}
	virDomainFree (dom);
}

/* ---- the guest's counter ---- */

ACTION (act_check_guest, TRUE)
static void
act_check_guest_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	gboolean running = g_str_equal (arg (r, "state", "running"), "running");
	const char *since_s = arg (r, "since", NULL);
	guint64 since = since_s ? g_ascii_strtoull (since_s, NULL, 10) : 0;
	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
	virDomainPtr dom = lv_lookup (be, r->role);
	guint64 a = 0, b = 0;
	gboolean booted = FALSE;
	char *err = NULL;

	(void) sr;
	if (!dom) {
		lv_result_virt_fail (res, "no guest");
		return;
	}
	/* A running guest must have booted: its magic appears within ~0.2 s. */
	do {
		if (!lv_read_counter (dom, &a, &booted, &err))
			break;
		if (booted || !running)
			break;
		g_usleep (50 * 1000);
	} while (g_get_monotonic_time () < deadline);
	if (!err) {
		/* The guest counts ~300 000/s even emulated: 0.1 s tells. */
		g_usleep (100 * 1000);
		lv_read_counter (dom, &b, &booted, &err);
	}
	virDomainFree (dom);
	if (err) {
		lv_result_fail (res, "reading the guest's counter on %s: %s", lv_role_name (r->role), err);
		g_free (err);
		return;
	}
	res->var_name = g_strdup_printf ("counter-%s", lv_role_name (r->role));
	res->var_value = g_strdup_printf ("%" G_GUINT64_FORMAT, b);
	if (running && !booted)
		lv_result_fail (res, "the guest on %s never booted: no magic at its counter after 20 s", lv_role_name (r->role));
	else if (running && b <= a)
		lv_result_fail (res, "the guest's counter on %s is stuck at %" G_GUINT64_FORMAT " though it should run",
				lv_role_name (r->role), b);
	else if (!running && b != a)
		lv_result_fail (res, "the guest's counter on %s moved %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
				" in 0.1 s though it should be paused", lv_role_name (r->role), a, b);
	else if (since_s && a < since)
		lv_result_fail (res, "the guest's counter on %s is %" G_GUINT64_FORMAT ", below the %" G_GUINT64_FORMAT
				" it had reached before: its state did not move with it", lv_role_name (r->role), a, since);
	else if (running)
		lv_result_ok (res, "the guest's counter on %s advances: %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " in 0.1 s%s",
			      lv_role_name (r->role), a, b, since_s ? " (continuing from the source's)" : "");
	else
		lv_result_ok (res, "the guest's counter on %s is frozen at %" G_GUINT64_FORMAT "%s", lv_role_name (r->role), b,
			      since_s ? " (where the source left it or later)" : "");
}

/* ---- migrate ---- */

static gboolean
parse_flags (const char *method, const char *flags, unsigned int *out, GError **error)
{
	g_auto (GStrv) words = g_strsplit (flags, ",", -1);

	*out = 0;
	if (g_str_equal (method, "p2p"))
		*out |= VIR_MIGRATE_PEER2PEER;
	else if (g_str_equal (method, "p2p-tunnelled"))
		*out |= VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED;
	else if (!g_str_equal (method, "normal")) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "method=%s: expected normal, p2p or p2p-tunnelled", method);
		return FALSE;
	}
	for (guint i = 0; words[i]; i++) {
		if (g_str_equal (words[i], "live"))
			*out |= VIR_MIGRATE_LIVE;
		else if (g_str_equal (words[i], "persist-dest"))
			*out |= VIR_MIGRATE_PERSIST_DEST;
		else if (g_str_equal (words[i], "undefine-source"))
			*out |= VIR_MIGRATE_UNDEFINE_SOURCE;
		else if (g_str_equal (words[i], "paused"))
			*out |= VIR_MIGRATE_PAUSED;
		else if (*words[i] && !g_str_equal (words[i], "none")) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
				     "flags: unknown '%s' (live, persist-dest, undefine-source, paused)", words[i]);
			return FALSE;
		}
	}
	return TRUE;
}

typedef struct {
	Req *req;
	unsigned int flags;
	char *to;
} Mig;

static void
mig_free (gpointer p)
{
	Mig *m = p;

	req_free (m->req);
	g_free (m->to);
	g_free (m);
}

static void
migrate_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Mig *m = data;
	virDomainPtr dom = lv_lookup (be, LV_SRC);
	virTypedParameterPtr params = NULL;
	int n = 0, max = 0;
	const char *bw = arg (m->req, "bandwidth", NULL);
	gint64 t0 = g_get_monotonic_time ();
	int rc;

	(void) sr;
	if (!dom) {
		lv_result_virt_fail (res, "the source domain");
		return;
	}
	if (bw)
		virTypedParamsAddULLong (&params, &n, &max, VIR_MIGRATE_PARAM_BANDWIDTH, g_ascii_strtoull (bw, NULL, 10));
	lv_job_poller_start (be, dom);
	if (m->flags & VIR_MIGRATE_PEER2PEER)
		rc = virDomainMigrateToURI3 (dom, m->to, params, n, m->flags);
	else {
		virDomainPtr ddom = virDomainMigrate3 (dom, be->conn[LV_DST], params, n, m->flags);

		rc = ddom ? 0 : -1;
		if (ddom)
			virDomainFree (ddom);
	}
	if (rc < 0)
		lv_result_virt_fail (res, m->flags & VIR_MIGRATE_PEER2PEER ? "virDomainMigrateToURI3" : "virDomainMigrate3");
	else
		lv_result_ok (res, "migrated %s to %s in %.2f s (%s)", be->domain, m->to,
			      (g_get_monotonic_time () - t0) / 1e6,
			      m->flags & VIR_MIGRATE_TUNNELLED ? "peer-to-peer, tunnelled"
			      : m->flags & VIR_MIGRATE_PEER2PEER ? "peer-to-peer" : "normal: mwb drives both hosts");
	virTypedParamsFree (params, n);
	virDomainFree (dom);
}

static void finish_wait (LvBackend *be);

static void
migrate_done (LvBackend *be, LvResult *res, gpointer data)
{
	(void) data;
	lv_job_poller_stop (be);
	be->migration_done = TRUE;
	be->migrating = FALSE;
	be->migration_ok = res->ok;
	g_free (be->migration_message);
	be->migration_message = g_strdup (res->message);
	finish_wait (be);
}

static void
finish_wait (LvBackend *be)
{
	MwbStepRun *sr = be->wait_sr;

	if (!sr || !be->migration_done)
		return;
	be->wait_sr = NULL;
	g_clear_handle_id (&be->wait_limit_timer, g_source_remove);
	if (!mwb_step_run_is_finished (sr)) {
		if (be->migration_ok)
			mwb_step_run_ok (sr, "%s", be->migration_message);
		else if (be->aborted_at_s > 0)
			mwb_step_run_fail (sr, "no result within %.0f s: mwb aborted the job (virDomainAbortJob); then %s",
					   be->aborted_at_s, be->migration_message);
		else
			mwb_step_run_fail (sr, "%s", be->migration_message);
	}
	mwb_step_run_unref (sr);
}

static gboolean
on_wait_limit (gpointer data)
{
	LvBackend *be = data;

	be->wait_limit_timer = 0;
	be->aborted_at_s = (g_get_monotonic_time () - be->migration_started_us) / 1e6;
	mwb_runner_logf (be->parent.runner, "engine", "the migration gave no result within %.0f s: aborting its job",
			 be->aborted_at_s);
	if (be->wait_sr)
		mwb_step_run_waiting_for (be->wait_sr, "the aborted migration call to return");
	lv_abort_migration (be);
	return G_SOURCE_REMOVE;
}

static void
wait_for_migration (LvBackend *be, MwbStepRun *sr, const char *limit)
{
	be->wait_sr = mwb_step_run_ref (sr);
	mwb_step_run_waiting_for (sr, "the migration call to return");
	if (limit && !be->migration_done)
		be->wait_limit_timer = g_timeout_add ((guint) (g_ascii_strtod (limit, NULL) * 1000), on_wait_limit, be);
	finish_wait (be);
}

static void
act_migrate (MwbBackend *mb, MwbStepRun *sr)
{
	LvBackend *be = (LvBackend *) mb;
	g_autoptr (GError) err = NULL;
	Req *r = req_new (be, sr, FALSE);
	Mig *m;

	if (!r)
		return;
	m = g_new0 (Mig, 1);
	m->req = r;
	if (!parse_flags (arg (r, "method", "normal"), arg (r, "flags", "live"), &m->flags, &err)) {
		mwb_step_run_error (sr, "%s", err->message);
		mig_free (m);
		return;
	}
	if (be->migrating) {
		mwb_step_run_error (sr, "a migration is already in flight");
		mig_free (m);
		return;
	}
	m->to = g_strdup (arg (r, "to", r->uri[LV_DST]));
	be->migrating = TRUE;
	be->migration_done = FALSE;
	be->aborted_at_s = 0;
	be->migration_started_us = g_get_monotonic_time ();
	lv_call_then (be, migrate_work, m, mig_free, migrate_done);
	if (g_str_equal (arg (r, "wait", "yes"), "no")) {
		mwb_step_run_ok (sr, "the migration to %s is under way", m->to);
		return;
	}
	wait_for_migration (be, sr, arg (r, "limit", NULL));
}

static void
act_wait_migration (MwbBackend *mb, MwbStepRun *sr)
{
	LvBackend *be = (LvBackend *) mb;

	if (!be->migrating && !be->migration_done) {
		mwb_step_run_error (sr, "no migration was started (libvirt.migrate wait=no first)");
		return;
	}
	wait_for_migration (be, sr, mwb_step_run_arg (sr, "limit"));
}

/* ---- the TCK's checks after the migration ---- */

ACTION (act_check_inactive, TRUE)
static void
act_check_inactive_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr dom = lv_lookup (be, r->role);
	int active;

	(void) sr;
	/* The TCK: with a config left, the domain is there and inactive;
	 * without, there is no domain at all. */
	if (!yes (r, "config")) {
		if (dom) {
			lv_result_fail (res, "%s still exists on %s (%s)", be->domain, lv_role_name (r->role),
					virDomainIsActive (dom) == 1 ? "active" : "inactive");
			virDomainFree (dom);
		}
		else
			lv_result_ok (res, "no %s on %s any more", be->domain, lv_role_name (r->role));
		return;
	}
	if (!dom) {
		lv_result_virt_fail (res, "its config should be left, but the lookup failed");
		return;
	}
	active = virDomainIsActive (dom);
	if (active == 0)
		lv_result_ok (res, "%s on %s is inactive", be->domain, lv_role_name (r->role));
	else
		lv_result_fail (res, "%s on %s is %s", be->domain, lv_role_name (r->role), active == 1 ? "still active" : "unknown");
	virDomainFree (dom);
}

ACTION (act_check_config, TRUE)
static void
act_check_config_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr dom = lv_lookup (be, r->role);

	(void) sr;
	if (yes (r, "config")) {
		if (dom && virDomainIsPersistent (dom) == 1)
			lv_result_ok (res, "%s's config is still on %s", be->domain, lv_role_name (r->role));
		else
			lv_result_fail (res, "%s's config is gone from %s", be->domain, lv_role_name (r->role));
	}
	else if (dom)
		lv_result_fail (res, "%s is still known on %s (%s)", be->domain, lv_role_name (r->role),
				virDomainIsPersistent (dom) == 1 ? "persistent" : "transient");
	else
		lv_result_ok (res, "no config of %s on %s", be->domain, lv_role_name (r->role));
	if (dom)
		virDomainFree (dom);
}

ACTION (act_check_exists, TRUE)
static void
act_check_exists_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr dom = lv_lookup (be, r->role);

	(void) sr;
	if (!dom) {
		lv_result_virt_fail (res, "virDomainLookupByName");
		return;
	}
	lv_result_ok (res, "%s exists on %s", be->domain, lv_role_name (r->role));
	virDomainFree (dom);
}

ACTION (act_check_active, TRUE)
static void
act_check_active_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr dom = lv_lookup (be, r->role);

	(void) sr;
	if (!dom)
		lv_result_virt_fail (res, "virDomainLookupByName");
	else if (virDomainIsActive (dom) == 1)
		lv_result_ok (res, "%s is active on %s", be->domain, lv_role_name (r->role));
	else
		lv_result_fail (res, "%s is not active on %s", be->domain, lv_role_name (r->role));
	if (dom)
		virDomainFree (dom);
}

ACTION (act_check_persistent, TRUE)
static void
act_check_persistent_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr dom = lv_lookup (be, r->role);
	int p;

	(void) sr;
	if (!dom) {
		lv_result_virt_fail (res, "virDomainLookupByName");
		return;
	}
	p = virDomainIsPersistent (dom);
	virDomainFree (dom);
	if (yes (r, "persistent")) {
		if (p == 1)
			lv_result_ok (res, "%s on %s is persistent", be->domain, lv_role_name (r->role));
		else
			lv_result_fail (res, "%s on %s is transient, not persistent", be->domain, lv_role_name (r->role));
	}
	/* The TCK's check stops here: ok(!postdstconfig || persistent). */
	else if (!yes (r, "strict"))
		lv_result_ok (res, "no persistence expected (%s is %s)", be->domain, p == 1 ? "persistent" : "transient");
	else if (p == 0)
		lv_result_ok (res, "%s on %s is transient, as it should be", be->domain, lv_role_name (r->role));
	else
		lv_result_fail (res, "%s on %s is persistent though nothing asked for a config there", be->domain,
				lv_role_name (r->role));
}

static const char *
state_name (int s)
{
	static const char *const names[] = { "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended" };

	return s >= 0 && s < (int) G_N_ELEMENTS (names) ? names[s] : "?";
}

ACTION (act_check_state, TRUE)
static void
act_check_state_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	const char *want = arg (r, "state", "running");
	virDomainPtr dom = lv_lookup (be, r->role);
	virDomainInfo info;

	(void) sr;
	if (!dom || virDomainGetInfo (dom, &info) < 0) {
		lv_result_virt_fail (res, "virDomainGetInfo");
		if (dom)
			virDomainFree (dom);
		return;
	}
	virDomainFree (dom);
	if (g_str_equal (state_name (info.state), want))
		lv_result_ok (res, "%s on %s is %s (state %d)", be->domain, lv_role_name (r->role), want, info.state);
	else
		lv_result_fail (res, "%s on %s is %s (state %d), expected %s", be->domain, lv_role_name (r->role),
				state_name (info.state), info.state, want);
}

/* mwb's strict check: not just "the lookup by name failed" but no domain
 * of that name or UUID anywhere in the host's list. */
ACTION (act_check_gone, TRUE)
static void
act_check_gone_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	virDomainPtr *doms = NULL;
	virDomainPtr by_uuid;
	int n = virConnectListAllDomains (be->conn[r->role], &doms, 0);
	g_autoptr (GString) found = g_string_new (NULL);

	(void) sr;
	if (n < 0) {
		lv_result_virt_fail (res, "virConnectListAllDomains");
		return;
	}
	for (int i = 0; i < n; i++) {
		char uuid[VIR_UUID_STRING_BUFLEN] = "";

		virDomainGetUUIDString (doms[i], uuid);
		if (g_str_equal (virDomainGetName (doms[i]), be->domain) || g_str_equal (uuid, LV_UUID))
			g_string_append_printf (found, " %s (%s, %s)", virDomainGetName (doms[i]),
						virDomainIsActive (doms[i]) == 1 ? "active" : "inactive",
						virDomainIsPersistent (doms[i]) == 1 ? "persistent" : "transient");
		virDomainFree (doms[i]);
	}
	free (doms);
	by_uuid = virDomainLookupByUUIDString (be->conn[r->role], LV_UUID);
	if (by_uuid) {
		g_string_append (found, " (found by UUID)");
		virDomainFree (by_uuid);
	}
	if (found->len)
		lv_result_fail (res, "still on %s:%s", lv_role_name (r->role), found->str);
	else
		lv_result_ok (res, "none of %d domains on %s has the name %s or UUID %s", n, lv_role_name (r->role),
			      be->domain, LV_UUID);
}

/* ---- failure scenarios ---- */

/* Waits until the migration really moves data, so a kill lands mid-flight. */
static gboolean
wait_mid_migration (LvBackend *be, LvResult *res)
{
	virDomainPtr dom = lv_lookup (be, LV_SRC);
	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

	while (dom && g_get_monotonic_time () < deadline) {
		virTypedParameterPtr p = NULL;
		int n = 0, type = 0;
		unsigned long long processed = 0;

		if (virDomainGetJobStats (dom, &type, &p, &n, 0) == 0) {
			virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &processed);
			virTypedParamsFree (p, n);
			if ((type == VIR_DOMAIN_JOB_UNBOUNDED || type == VIR_DOMAIN_JOB_BOUNDED) && processed > 0) {
				virDomainFree (dom);
				return TRUE;
			}
		}
		g_usleep (20 * 1000);
	}
	if (dom)
		virDomainFree (dom);
	lv_result_fail (res, "no migration moving data on the source within 20 s");
	return FALSE;
}

ACTION (act_kill, TRUE)
static void
act_kill_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	const char *what = arg (r, "what", "qemu");
	GPid pid = 0;

	(void) sr;
	/* Only mwb's own hosts: a user's daemon is not mwb's to kill. */
	if (!r->own_hosts) {
		res->skip = TRUE;
		lv_result_ok (res, "--uri names the user's hosts: mwb kills only the daemons it started");
		return;
	}
	if (yes (r, "mid-migration") && !wait_mid_migration (be, res))
		return;
	if (g_str_equal (what, "daemon"))
		pid = mwb_hosts_pid (r->hosts_dir, &mwb_hosts[r->role]);
	else if (g_str_equal (what, "qemu"))
		pid = lv_qemu_pid (be, r->role);
	else {
		lv_result_fail (res, "what=%s: expected daemon or qemu", what);
		return;
	}
	if (pid <= 0 || kill (pid, SIGKILL) < 0) {
		lv_result_fail (res, "no %s to kill on %s", what, lv_role_name (r->role));
		return;
	}
	lv_result_ok (res, "killed the %s's %s (pid %d) with SIGKILL", lv_role_name (r->role),
		      g_str_equal (what, "daemon") ? "libvirtd" : "QEMU", (int) pid);
}

ACTION (act_restart_host, TRUE)
static void
act_restart_host_work (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res)
{
	Req *r = data;
	g_autoptr (GError) err = NULL;
	gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
	virConnectPtr c;

	(void) sr;
	if (!r->own_hosts) {
		res->skip = TRUE;
		lv_result_ok (res, "--uri names the user's hosts: nothing of mwb's to restart");
		return;
	}
	while (mwb_hosts_pid (r->hosts_dir, &mwb_hosts[r->role]) && g_get_monotonic_time () < deadline)
		g_usleep (20 * 1000);
	if (!mwb_hosts_restart (r->hosts_dir, mwb_hosts[r->role].role, &err)) {
		lv_result_fail (res, "%s", err->message);
		return;
	}
	/* The old connection died with the daemon. */
	c = open_host (r->uri[r->role]);
	if (!c) {
		lv_result_virt_fail (res, "reconnecting");
		return;
	}
	lv_events_deregister (be, r->role);
	virConnectClose (be->conn[r->role]);
	be->conn[r->role] = c;
	lv_events_register (be, r->role);
	lv_result_ok (res, "libvirtd of %s started again and reconnected", lv_role_name (r->role));
}

static const char *const no_args[] = { NULL };
static const char *const role_req[] = { "role", NULL };
static const char *const define_opt[] = { "persistent", "uuid", NULL };
static const char *const start_opt[] = { "transient", "paused", "uuid", NULL };
static const char *const guest_opt[] = { "state", "since", NULL };
static const char *const migrate_opt[] = { "method", "flags", "to", "bandwidth", "wait", "limit", NULL };
static const char *const limit_opt[] = { "limit", NULL };
static const char *const config_opt[] = { "config", NULL };
static const char *const persistent_opt[] = { "persistent", "strict", NULL };
static const char *const state_opt[] = { "state", NULL };
static const char *const kill_opt[] = { "what", "mid-migration", NULL };

const MwbActionDef lv_actions[] = {
	{ "libvirt.connect", "connect to both hosts (${src-uri}, ${dst-uri}; mwb's own are started if need be), "
	  "remove a left-over guest, listen to domain events", no_args, NULL, 60, act_connect },
	{ "libvirt.define", "define the guest on a host (persistent=yes), or do nothing: the TCK's "
	  "\"defined ... domain\" / \"no need to define\"", role_req, define_opt, 30, act_define },
	{ "libvirt.start", "start the defined guest, or create it transient=yes; paused=yes starts it paused",
	  role_req, start_opt, 60, act_start },
	{ "libvirt.check-guest", "the guest's counter through the monitor: advancing (state=running) or frozen "
	  "(paused); since=N: not below N", role_req, guest_opt, 40, act_check_guest },
	{ "libvirt.migrate", "migrate the source's guest: method=normal|p2p|p2p-tunnelled, flags=live,persist-dest,"
	  "undefine-source,paused; wait=no returns at once; limit=S aborts the job after S seconds",
	  no_args, migrate_opt, 120, act_migrate },
	{ "libvirt.wait-migration", "wait for a migration started with wait=no; limit=S aborts its job after S "
	  "seconds", no_args, limit_opt, 120, act_wait_migration },
	{ "libvirt.check-inactive", "the TCK's \"source VM is not still active\": inactive with config=yes, "
	  "gone without", role_req, config_opt, 30, act_check_inactive },
	{ "libvirt.check-config", "the guest's config is still there (config=yes) or not", role_req, config_opt,
	  30, act_check_config },
	{ "libvirt.check-exists", "the guest exists on the host", role_req, NULL, 30, act_check_exists },
	{ "libvirt.check-active", "the guest is active (running or paused)", role_req, NULL, 30, act_check_active },
	{ "libvirt.check-persistent", "persistent=yes: the guest is persistent; no: the TCK checks nothing, "
	  "strict=yes checks it is transient", role_req, persistent_opt, 30, act_check_persistent },
	{ "libvirt.check-state", "the guest's state: running or paused", role_req, state_opt, 30, act_check_state },
	{ "libvirt.check-gone", "no domain with the guest's name or UUID in the host's whole list", role_req, NULL,
	  30, act_check_gone },
	{ "libvirt.kill", "SIGKILL a host's libvirtd (what=daemon) or the guest's QEMU (qemu); mid-migration=yes "
	  "waits until data moves", role_req, kill_opt, 40, act_kill },
	{ "libvirt.restart-host", "start a killed host's libvirtd again and reconnect", role_req, NULL, 40,
	  act_restart_host },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
