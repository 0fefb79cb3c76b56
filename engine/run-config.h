/* How a run is to be done: the command line's knobs, shared by every
 * scenario of one `mwb run`. */
#pragma once

#include <glib.h>

typedef enum {
	MWB_KEEP_FAILED,
	MWB_KEEP_ALWAYS,
	MWB_KEEP_NEVER,
} MwbKeep;

/* zdtm.py's variations: how a checkpoint/restore scenario's steps are
 * transformed (engine/criu-plan.c). */
typedef struct {
	gboolean nocr;		/* no checkpoint/restore at all */
	gboolean norst;		/* dump --leave-running, no restore */
	guint iters;		/* dump/restore cycles (0: 1) */
	guint pre;		/* pre-dumps before each dump */
	gboolean snaps;		/* dumps with --leave-running --track-mem */
	gboolean page_server;
	gboolean lazy_pages;
	gboolean remote_lazy_pages;
	gboolean sibling;	/* restore --restore-sibling */
	gboolean stop;		/* --leave-stopped; the tree must be in state T */
	gboolean dedup;		/* --auto-dedup */
	int fault;		/* --fault criu=N: CRIU_FAULT=N; 0: none */
} MwbCriuVariation;

typedef struct {
	char *workdir;		/* parent of run directories; NULL: $TMPDIR */
	MwbKeep keep;
	char *accel;		/* NULL: "kvm then tcg", as QEMU's test */
	char *qemu_bin;		/* NULL: $QTEST_QEMU_BINARY or qemu-system-x86_64 */
	char *qemu_src;		/* cross-version runs: one binary per side */
	char *qemu_dst;
	GHashTable *wraps;	/* role -> prefix command line */
	GPtrArray *faults;	/* fault names, e.g. "dst-write", "kill-dst" */
	guint64 guest_mem;	/* bytes */
	/* Knobs scenarios read as ${multifd-channels}, ${max-bandwidth} (bytes/s)
	 * and ${downtime-limit} (ms): the values that make a migration converge. */
	guint multifd_channels;
	guint64 max_bandwidth;
	guint64 downtime_limit;
	gboolean stop_and_copy;	/* --live off: the source is stopped before it migrates */
	double timeout_s;	/* whole-scenario limit; 0: none */
	double step_timeout_scale;	/* multiplies every step timeout (slow hosts, valgrind) */
	gboolean verbose;
	char *criu_bin;		/* --criu; NULL: MWB_CRIU, the private prefix, PATH */
	char *flavor;		/* zdtm's h, ns, uns; NULL: the test's first */
	MwbCriuVariation criu;
	/* libvirt: the source and destination hosts (--uri, --other-uri);
	 * NULL: mwb's own two hosts, started when a scenario connects. */
	char *libvirt_uri;
	char *libvirt_other_uri;
	/* `mwb replay`: the log the replay backend reads its steps from (not owned). */
	struct _MwbReplayLog *replay;
} MwbRunConfig;

MwbRunConfig *mwb_run_config_new (void);
void mwb_run_config_free (MwbRunConfig *cfg);
MwbRunConfig *mwb_run_config_copy (const MwbRunConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbRunConfig, mwb_run_config_free)
/* Adds the knobs as scenario variables (name -> value, both owned by vars). */
void mwb_run_config_add_vars (const MwbRunConfig *cfg, GHashTable *vars);
/* The names mwb_run_config_add_vars defines, for checking `set` lines. */
extern const char *const mwb_run_config_var_names[];

gboolean mwb_run_config_has_fault (const MwbRunConfig *cfg, const char *name);
/* "128M", "1G", "1073741824" -> bytes; FALSE when not a size. */
gboolean mwb_parse_size (const char *s, guint64 *out);
