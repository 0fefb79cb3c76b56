/* How a run is to be done: the command line's knobs, shared by every
 * scenario of one `mwb run`. */
#pragma once

#include <glib.h>

typedef enum {
	MWB_KEEP_FAILED,
	MWB_KEEP_ALWAYS,
	MWB_KEEP_NEVER,
} MwbKeep;

typedef struct {
	char *workdir;		/* parent of run directories; NULL: $TMPDIR */
	MwbKeep keep;
	char *accel;		/* NULL: "kvm then tcg", as QEMU's test */
	char *qemu_bin;		/* NULL: $QTEST_QEMU_BINARY or qemu-system-x86_64 */
	GHashTable *wraps;	/* role -> prefix command line */
	GPtrArray *faults;	/* fault names, e.g. "dst-write", "kill-dst" */
	guint64 guest_mem;	/* bytes */
	double timeout_s;	/* whole-scenario limit; 0: none */
	double step_timeout_scale;	/* multiplies every step timeout (slow hosts, valgrind) */
	gboolean verbose;
} MwbRunConfig;

MwbRunConfig *mwb_run_config_new (void);
void mwb_run_config_free (MwbRunConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbRunConfig, mwb_run_config_free)
gboolean mwb_run_config_has_fault (const MwbRunConfig *cfg, const char *name);
/* "128M", "1G", "1073741824" -> bytes; FALSE when not a size. */
gboolean mwb_parse_size (const char *s, guint64 *out);
