/* The libvirt backend's insides, shared by its files: the backend
 * (libvirt-backend.c), its actions (libvirt-actions.c), domain events and
 * job statistics as log sources (libvirt-events.c) and the small things
 * around them (libvirt-util.c).
 *
 * libvirt's calls block, some for as long as a migration lasts, so every
 * call runs in a worker thread (lv_call) and reports back on the main loop.
 * Domain events arrive on libvirt's own event-loop thread and are handed
 * to the main loop the same way. */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "runner.h"

#define LV_SRC 0
#define LV_DST 1

typedef struct _LvLink LvLink;

typedef struct {
	MwbBackend parent;
	char *uri[2];
	virConnectPtr conn[2];
	int event_ids[2][3];
	LvLink *link;		/* how event callbacks find this backend, or learn it is gone */
	char *domain;		/* the guest's name ("tck") */
	char *kernel;		/* the guest kernel written into the run directory */
	guint in_flight;	/* worker threads not yet reported back */
	/* The migration in flight: its worker reports to wait_sr (the step
	 * waiting for it), or keeps its result until one asks. */
	gboolean migrating;
	gboolean migration_done;
	gboolean migration_ok;
	char *migration_message;
	MwbStepRun *wait_sr;
	guint wait_limit_timer;
	gint64 migration_started_us;
	double aborted_at_s;	/* when a limit aborted the migration, else 0 */
	GThread *job_poller;
	gint stop_poller;	/* atomic */
	GCallback teardown_done;
	gpointer teardown_data;
	gboolean tearing_down;
	gboolean reset_done;
	guint teardown_timer;
	gboolean abandoned;	/* calls outlived teardown's limit: never freed */
} LvBackend;

/* A blocking libvirt call and what it returns: ok, or an error text, and
 * optionally a value for the step's variables. */
typedef struct {
	gboolean ok;
	gboolean skip;
	char *message;		/* the step's reason either way */
	char *var_name, *var_value;
} LvResult;

typedef void (*LvWork) (LvBackend *be, MwbStepRun *sr, gpointer data, LvResult *res);

/* Runs work in a thread; finishes sr with its result on the main loop
 * unless the step already ended (timeout, abort). */
void lv_call (LvBackend *be, MwbStepRun *sr, LvWork work, gpointer data, GDestroyNotify free_data);
/* The same without a step: done runs on the main loop. */
void lv_call_then (LvBackend *be, LvWork work, gpointer data, GDestroyNotify free_data,
		   void (*done) (LvBackend *be, LvResult *res, gpointer data));

void lv_result_ok (LvResult *res, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void lv_result_fail (LvResult *res, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Fails with what libvirt said last in this thread: "what: libvirt error
 * VIR_ERR_OPERATION_FAILED (code 9, domain 10): message". */
void lv_result_virt_fail (LvResult *res, const char *what);
/* libvirt's last error in this thread: name, code and message. */
char *lv_last_error (int *code);
const char *lv_error_name (int code);

int lv_role (MwbStepRun *sr, GError **error);
const char *lv_role_name (int role);
/* The libvirt host role names, as the scenario's uri/other-uri name them. */
virDomainPtr lv_lookup (LvBackend *be, int role);
/* The guest's domain XML: the long-mode guest booted as a kernel through qboot. */
char *lv_domain_xml (const char *name, const char *uuid, const char *kernel, const char *emulator);
/* The guest's counter and whether it booted (its magic is there), through
 * the monitor: FALSE with a message when it cannot be read. */
gboolean lv_read_counter (virDomainPtr dom, guint64 *counter, gboolean *booted, char **error);
/* The guest off one host, destroyed and undefined; says what it did. */
void lv_reset_domain (LvBackend *be, int role, GString *said);
/* The pid of the role's QEMU when mwb's hosts run it, else 0. */
GPid lv_qemu_pid (LvBackend *be, int role);

/* Events and job statistics: log sources "events-src", "events-dst" and "job". */
void lv_events_init (void);
void lv_events_register (LvBackend *be, int role);
void lv_events_deregister (LvBackend *be, int role);
LvLink *lv_link_new (LvBackend *be);
void lv_link_cut (LvLink *link);
void lv_job_poller_start (LvBackend *be, virDomainPtr dom);
void lv_job_poller_stop (LvBackend *be);

/* Asks the source to abort the migration job in flight, if any. */
void lv_abort_migration (LvBackend *be);

extern const MwbActionDef lv_actions[];
