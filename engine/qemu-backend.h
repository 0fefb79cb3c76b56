/* Private to the QEMU backend: one QEMU process ("side") and the backend's
 * state shared by its actions. */
#pragma once

#include <gio/gio.h>
#include <stdio.h>
#include <json-glib/json-glib.h>

#include "backend.h"
#include "guest-image.h"
#include "proc.h"
#include "qmp.h"
#include "runner.h"

typedef struct _QemuBackend QemuBackend;

typedef struct {
	QemuBackend *be;
	char *role;		/* "src", "dst" */
	char *label;		/* "source QEMU", "destination QEMU" */
	char *log_source;	/* "qmp-src" */
	MwbProc *proc;
	GSocketListener *listener;
	GCancellable *cancel;		/* everything: the side is going away */
	GCancellable *accept_cancel;	/* only the accepts: the process is gone */
	MwbQmp *qmp;
	GSocketConnection *serial;
	char serial_buf[4096];
	FILE *serial_file;
	FILE *qmp_log;
	guint seen[256];	/* serial bytes seen, by value ('A', 'B') */
	guint consumed[256];	/* ... of which earlier waits took their share */
	gboolean started;	/* 'A' seen */
	gboolean ready;		/* QMP capabilities negotiated */
	GHashTable *events;	/* event name -> count seen */
	char *mig_status;	/* last MIGRATION status */
	char *ram_file;		/* guest RAM backing file, when file-backed */
	char *accel;		/* what QEMU reported it uses */
	GPtrArray *stderr_tail;	/* last few stderr lines */
	gboolean quitting;	/* mwb asked it to go: its exit is no news */
	gboolean exited;
	int exit_status;
	gboolean death_reported;
} QemuSide;

typedef gboolean (*QemuCheck) (QemuBackend *be);

struct _QemuBackend {
	MwbBackend parent;
	MwbRunner *runner;
	const MwbRunConfig *cfg;
	GHashTable *sides;	/* role -> QemuSide* */
	char *qemu_bin[2];	/* src, dst: cross-version runs take two */
	char *qemu_version[2];	/* "7.2.22" */
	char *machine;		/* the versioned machine type both sides use */
	GHashTable *fd_pairs;	/* socketpair name -> int[2], -1 once handed over */
	gboolean corrupt_fired;	/* --fault corrupt-stream */
	guint64 corrupt_addr;
	gboolean stopped_for_copy;	/* --live off: mwb stopped the source to migrate it */
	gboolean kill_dst_fired;
	gboolean dst_write_fired;
	MwbGuestParams guest;
	char *guest_rom;
	char *guest_disk;
	/* the step in flight and what it waits for */
	MwbStepRun *sr;
	QemuSide *wait_side;
	QemuCheck check;
	char *wait_event;
	guint wait_count;
	char *wait_status;
	char *pending_fail;	/* a failure waiting to see if a QEMU is dying */
	gboolean pending_echo;	/* ... that only echoes the death (QMP closed) */
	guint grace_timer;	/* also spaces out query-migrate re-asks */
	guint requery;
	/* teardown */
	guint alive;
	GCallback teardown_done;
	gpointer teardown_data;
	guint teardown_idle;
};

/* qemu-side.c */
QemuSide *qemu_side_get (QemuBackend *be, const char *role);
gboolean qemu_side_start (QemuBackend *be, MwbStepRun *sr, GError **error);
void qemu_side_free (QemuSide *side);
/* "destination QEMU (pid 123) killed by signal 9 (SIGKILL)" plus its last stderr */
char *qemu_side_death (QemuSide *side);
void qemu_side_log (QemuSide *side, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
const char *qemu_role_label (const char *role);
/* 0 for src, 1 for dst */
guint qemu_role_index (const char *role);

/* qemu-backend.c */
void qemu_recheck (QemuBackend *be);
void qemu_finish_error (QemuBackend *be, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Binds sr, fails it for a death between steps or a side it cannot name;
 * otherwise the side role= names (alive, if need_alive). */
QemuSide *qemu_begin (MwbBackend *mb, MwbStepRun *sr, gboolean need_alive);
void qemu_finish_ok (QemuBackend *be, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void qemu_finish_fail (QemuBackend *be, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void qemu_on_event (QemuSide *side, const char *event, JsonObject *data);
void qemu_on_side_exit (QemuSide *side);
/* TRUE (and the step waits for the exit) when eclass says QMP closed. */
gboolean qemu_reply_closed (QemuBackend *be, const char *eclass, const char *what);

/* One QMP command sent for a step: its reply counts for that step only, so
 * a late reply can never finish the step after it. */
typedef struct {
	QemuSide *side;
	MwbStepRun *sr;
	char *command;
} QemuCall;

/* Sends command on behalf of the step in flight; func gets a QemuCall*. */
void qemu_execute (QemuSide *side, const char *command, JsonNode *args, MwbQmpReplyFunc func);
/* For a reply callback: the side, when the reply is a success for the step
 * in flight. NULL otherwise, and then it is handled: a stale reply is
 * ignored, a closed connection waits for the death, a QMP error fails the
 * step as "COMMAND: Class: desc". */
QemuSide *qemu_reply_side (gpointer call, const char *eclass, const char *edesc);

/* qemu-command.c */
GPtrArray *qemu_live_roles (MwbBackend *mb);
GPid qemu_pid_of (MwbBackend *mb, const char *role);
gboolean qemu_send_command (MwbBackend *mb, const char *role, const char *text,
			    MwbCommandReplyFunc func, gpointer data, GError **error);

void qemu_call_free (gpointer call);
JsonNode *qemu_command_args (MwbStepRun *sr, const char *const *skip, GError **error);

/* qemu-corrupt.c */
gboolean qemu_fault_corrupt_stream (QemuBackend *be, const char *path, GError **error);
/* qemu-fd.c */
void qemu_action_getfd (MwbBackend *mb, MwbStepRun *sr);
void qemu_fd_pairs_clear (QemuBackend *be);
/* qemu-poll.c */
void qemu_action_poll (MwbBackend *mb, MwbStepRun *sr);
gboolean qemu_poll_parse_until (const char *until, char **path, int *op, char **value);
char *qemu_json_path (JsonNode *node, const char *path);
/* qemu-probe.c */
void qemu_action_probe (MwbBackend *mb, MwbStepRun *sr);
/* qemu-tls.c */
void qemu_action_tls (MwbBackend *mb, MwbStepRun *sr);

/* qemu-memory.c */
void qemu_action_check_memory (MwbBackend *mb, MwbStepRun *sr);
