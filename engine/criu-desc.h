/* A ZDTM-style test's description file (NAME.desc, like zdtm's .desc):
 * key=value lines, # comments, what the test covers and supports. No I/O. */
#pragma once

#include <glib.h>

typedef struct {
	char *about;		/* one line for `mwb list -v` */
	GStrv flavors;		/* "h", "ns", "uns": the ones it supports, preferred first */
	GStrv excludes;		/* variations it cannot do: "norst", "page-server", ... */
	GStrv needs;		/* kernel or criu features, e.g. "ipc-ns" */
} CriuDesc;

/* Unknown keys are kept out of the way, not errors (a newer desc may add
 * some); a line without '=' is an error naming file and line. */
CriuDesc *criu_desc_parse (const char *file, const char *text, gsize len, GError **error);
CriuDesc *criu_desc_load (const char *file, GError **error);
void criu_desc_free (CriuDesc *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CriuDesc, criu_desc_free)
