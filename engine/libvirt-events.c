/* Domain events and job statistics as log sources, like QMP for the QEMU
 * backend: "events-src" / "events-dst" (lifecycle, migration iteration, job
 * completed) and "job" (virDomainGetJobStats while a migration runs).
 *
 * Job statistics come from a thread of their own; a record travels to the
 * main loop in an idle callback that holds the backend's link, so a backend
 * torn down in the meantime is never touched. Events take the same road. */
#define _GNU_SOURCE
#include "libvirt-priv.h"

#include <string.h>

struct _LvLink {
	gint refs;
	LvBackend *be;		/* main thread only; NULL once the backend is gone */
};

LvLink *
lv_link_new (LvBackend *be)
{
	LvLink *l = g_new0 (LvLink, 1);

	l->refs = 1;
	l->be = be;
	return l;
}

static LvLink *
link_ref (LvLink *l)
{
	g_atomic_int_inc (&l->refs);
	return l;
}

static void
link_unref (gpointer p)
{
	LvLink *l = p;

	if (g_atomic_int_dec_and_test (&l->refs))
		g_free (l);
}

void
lv_link_cut (LvLink *l)
{
	l->be = NULL;
	link_unref (l);
}

typedef struct {
	LvLink *link;
	char *source;
	char *side;
	char *event;		/* for event breakpoints, or NULL */
	GHashTable *data;
	char *text;
} Record;

static gboolean
deliver (gpointer p)
{
	Record *r = p;
	LvBackend *be = r->link->be;

	if (be && be->parent.runner) {
		mwb_runner_log (be->parent.runner, r->source, MWB_LOG_IN, FALSE, r->text);
		if (r->event)
			mwb_runner_note_event (be->parent.runner, r->side, r->event, r->data);
	}
	link_unref (r->link);
	g_free (r->source);
	g_free (r->side);
	g_free (r->event);
	g_clear_pointer (&r->data, g_hash_table_unref);
	g_free (r->text);
	g_free (r);
	return G_SOURCE_REMOVE;
}

/* From any thread. data (may be NULL) is taken. */
static void
post (LvLink *link, const char *source, const char *side, const char *event, GHashTable *data,
      char *text)
{
	Record *r = g_new0 (Record, 1);

	r->link = link_ref (link);
	r->source = g_strdup (source);
	r->side = g_strdup (side);
	r->event = g_strdup (event);
	r->data = data;
	r->text = text;
	g_idle_add (deliver, r);
}

/* ---- libvirt's event loop ---- */

static void
quiet (void *data, virErrorPtr err)
{
	(void) data;
	(void) err;
}

void
lv_events_init (void)
{
	static gsize once = 0;

	/* Before the first connection: keepalive needs the loop too, and it
	 * is how a dead daemon is noticed while a call waits on it. libvirt's
	 * default implementation puts its sources on GLib's default main
	 * context, so mwb's own main loop runs them, on the main thread (a
	 * thread of its own would dispatch mwb's sources too). */
	if (g_once_init_enter (&once)) {
		/* Errors reach the step's reason; libvirt's own stderr copy of
		 * each (a lookup that is expected to fail, say) is noise. */
		virSetErrorFunc (NULL, quiet);
		virEventRegisterDefaultImpl ();
		g_once_init_leave (&once, 1);
	}
}

typedef struct {
	LvLink *link;
	int role;
} CbData;

static void
cb_data_free (void *p)
{
	CbData *d = p;

	link_unref (d->link);
	g_free (d);
}

static const char *const lifecycle_names[] = {
	"defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown", "pmsuspended",
	"crashed",
};

/* The detail's meaning depends on the event; the ones migration shows. */
static const char *
lifecycle_detail (int event, int detail)
{
	switch (event) {
	case VIR_DOMAIN_EVENT_STARTED:
		return detail == VIR_DOMAIN_EVENT_STARTED_MIGRATED ? "migrated"
			: detail == VIR_DOMAIN_EVENT_STARTED_BOOTED ? "booted" : NULL;
	case VIR_DOMAIN_EVENT_SUSPENDED:
		return detail == VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED ? "migrated"
			: detail == VIR_DOMAIN_EVENT_SUSPENDED_PAUSED ? "paused" : NULL;
	case VIR_DOMAIN_EVENT_RESUMED:
		return detail == VIR_DOMAIN_EVENT_RESUMED_MIGRATED ? "migrated"
			: detail == VIR_DOMAIN_EVENT_RESUMED_UNPAUSED ? "unpaused" : NULL;
	case VIR_DOMAIN_EVENT_STOPPED:
		return detail == VIR_DOMAIN_EVENT_STOPPED_MIGRATED ? "migrated"
			: detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED ? "destroyed"
			: detail == VIR_DOMAIN_EVENT_STOPPED_FAILED ? "failed"
			: detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED ? "crashed" : NULL;
	case VIR_DOMAIN_EVENT_DEFINED:
		return detail == VIR_DOMAIN_EVENT_DEFINED_ADDED ? "added"
			: detail == VIR_DOMAIN_EVENT_DEFINED_UPDATED ? "updated" : NULL;
	default:
		return NULL;
	}
}

static int
on_lifecycle (virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	CbData *d = opaque;
	const char *name = event >= 0 && event < (int) G_N_ELEMENTS (lifecycle_names) ? lifecycle_names[event] : "?";
	const char *det = lifecycle_detail (event, detail);
	g_autofree char *det_num = g_strdup_printf ("%d", detail);
	GHashTable *data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autofree char *source = g_strdup_printf ("events-%s", lv_role_name (d->role));

	(void) conn;
	g_hash_table_insert (data, g_strdup ("event"), g_strdup (name));
	g_hash_table_insert (data, g_strdup ("detail"), g_strdup (det ? det : det_num));
	post (d->link, source, lv_role_name (d->role), "LIFECYCLE", data,
	      g_strdup_printf ("LIFECYCLE %s %s (detail %d) domain %s", name, det ? det : "", detail,
			       virDomainGetName (dom)));
	return 0;
}

static void
on_iteration (virConnectPtr conn, virDomainPtr dom, int iteration, void *opaque)
{
	CbData *d = opaque;
	GHashTable *data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autofree char *source = g_strdup_printf ("events-%s", lv_role_name (d->role));

	(void) conn;
	g_hash_table_insert (data, g_strdup ("iteration"), g_strdup_printf ("%d", iteration));
	post (d->link, source, lv_role_name (d->role), "MIGRATION_ITERATION", data,
	      g_strdup_printf ("MIGRATION_ITERATION %d domain %s", iteration, virDomainGetName (dom)));
}

static char *
params_text (virTypedParameterPtr params, int n)
{
	g_autoptr (GString) s = g_string_new (NULL);

	for (int i = 0; i < n; i++) {
		switch (params[i].type) {
		case VIR_TYPED_PARAM_INT:
			g_string_append_printf (s, " %s=%d", params[i].field, params[i].value.i);
			break;
		case VIR_TYPED_PARAM_UINT:
			g_string_append_printf (s, " %s=%u", params[i].field, params[i].value.ui);
			break;
		case VIR_TYPED_PARAM_LLONG:
			g_string_append_printf (s, " %s=%lld", params[i].field, params[i].value.l);
			break;
		case VIR_TYPED_PARAM_ULLONG:
			g_string_append_printf (s, " %s=%llu", params[i].field, params[i].value.ul);
			break;
		case VIR_TYPED_PARAM_DOUBLE:
			g_string_append_printf (s, " %s=%g", params[i].field, params[i].value.d);
			break;
		case VIR_TYPED_PARAM_BOOLEAN:
			g_string_append_printf (s, " %s=%s", params[i].field, params[i].value.b ? "yes" : "no");
			break;
		case VIR_TYPED_PARAM_STRING:
			g_string_append_printf (s, " %s=%s", params[i].field, params[i].value.s);
			break;
		default:
			break;
		}
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
on_job_completed (virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params, int n, void *opaque)
{
	CbData *d = opaque;
	g_autofree char *text = params_text (params, n);
	g_autofree char *source = g_strdup_printf ("events-%s", lv_role_name (d->role));

	(void) conn;
	post (d->link, source, lv_role_name (d->role), "JOB_COMPLETED", NULL,
	      g_strdup_printf ("JOB_COMPLETED domain %s:%s", virDomainGetName (dom), text));
}

void
lv_events_register (LvBackend *be, int role)
{
	const struct {
		int id;
		virConnectDomainEventGenericCallback cb;
	} events[3] = {
		{ VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle) },
		{ VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, VIR_DOMAIN_EVENT_CALLBACK (on_iteration) },
		{ VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK (on_job_completed) },
	};

	for (int i = 0; i < 3; i++) {
		CbData *d = g_new0 (CbData, 1);

		d->link = link_ref (be->link);
		d->role = role;
		be->event_ids[role][i] = virConnectDomainEventRegisterAny (be->conn[role], NULL, events[i].id,
									   events[i].cb, d, cb_data_free);
		if (be->event_ids[role][i] < 0)
			cb_data_free (d);
	}
}

void
lv_events_deregister (LvBackend *be, int role)
{
	for (int i = 0; i < 3; i++)
		if (be->conn[role] && be->event_ids[role][i] >= 0) {
			virConnectDomainEventDeregisterAny (be->conn[role], be->event_ids[role][i]);
			be->event_ids[role][i] = -1;
		}
}

/* ---- job statistics while a migration runs ---- */

typedef struct {
	LvLink *link;
	virDomainPtr dom;
	gint *stop;
} Poller;

static char *
job_line (virTypedParameterPtr p, int n, int type)
{
	unsigned long long processed = 0, remaining = 0, total = 0, bps = 0, iteration = 0, dirty = 0,
		downtime = 0, elapsed = 0;
	const char *kind = type == VIR_DOMAIN_JOB_BOUNDED ? "bounded" : type == VIR_DOMAIN_JOB_UNBOUNDED ? "unbounded"
		: type == VIR_DOMAIN_JOB_COMPLETED ? "completed" : type == VIR_DOMAIN_JOB_FAILED ? "failed"
		: type == VIR_DOMAIN_JOB_CANCELLED ? "cancelled" : "none";

	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &processed);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_DATA_REMAINING, &remaining);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_DATA_TOTAL, &total);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_MEMORY_BPS, &bps);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_MEMORY_ITERATION, &iteration);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, &dirty);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_DOWNTIME, &downtime);
	virTypedParamsGetULLong (p, n, VIR_DOMAIN_JOB_TIME_ELAPSED, &elapsed);
	return g_strdup_printf ("job %s: elapsed %llu ms, data processed %.1f MiB, remaining %.1f MiB of %.1f MiB, "
				"%.1f MiB/s, iteration %llu, dirty %llu pages/s, downtime %llu ms",
				kind, elapsed, processed / 1048576.0, remaining / 1048576.0, total / 1048576.0,
				bps / 1048576.0, iteration, dirty, downtime);
}

static gpointer
poll_job (gpointer p)
{
	Poller *po = p;

	while (!g_atomic_int_get (po->stop)) {
		virTypedParameterPtr params = NULL;
		int n = 0, type = 0;

		if (virDomainGetJobStats (po->dom, &type, &params, &n, 0) == 0) {
			if (type != VIR_DOMAIN_JOB_NONE)
				post (po->link, "job", "src", NULL, NULL, job_line (params, n, type));
			virTypedParamsFree (params, n);
		}
		/* A migration of the tiny guest takes half a second: 100 ms
		 * shows its course. */
		for (int i = 0; i < 2 && !g_atomic_int_get (po->stop); i++)
			g_usleep (50 * 1000);
	}
	/* The final statistics, as `virsh domjobinfo --completed` shows them. */
	{
		virTypedParameterPtr params = NULL;
		int n = 0, type = 0;

		if (virDomainGetJobStats (po->dom, &type, &params, &n, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0) {
			if (type != VIR_DOMAIN_JOB_NONE)
				post (po->link, "job", "src", NULL, NULL, job_line (params, n, type));
			virTypedParamsFree (params, n);
		}
	}
	virDomainFree (po->dom);
	link_unref (po->link);
	g_free (po);
	return NULL;
}

void
lv_job_poller_start (LvBackend *be, virDomainPtr dom)
{
	Poller *po = g_new0 (Poller, 1);

	lv_job_poller_stop (be);
	virDomainRef (dom);
	po->dom = dom;
	po->link = link_ref (be->link);
	po->stop = &be->stop_poller;
	g_atomic_int_set (&be->stop_poller, 0);
	be->job_poller = g_thread_new ("mwb-libvirt-job", poll_job, po);
}

void
lv_job_poller_stop (LvBackend *be)
{
	if (!be->job_poller)
		return;
	g_atomic_int_set (&be->stop_poller, 1);
	g_thread_join (be->job_poller);
	be->job_poller = NULL;
}
