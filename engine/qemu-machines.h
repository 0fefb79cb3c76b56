/* The machine types QEMU binaries know, asked once per binary. */
#pragma once

#include <glib.h>

typedef struct {
	char *version;	/* "7.2.22" */
	char **names;	/* sorted machine type names */
} QemuMachines;

void qemu_machines_free (QemuMachines *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QemuMachines, qemu_machines_free)

/* Runs bin with -machine none and asks query-machines (or reads the cache). */
QemuMachines *qemu_machines_query (const char *bin, GError **error);
/* The newest "FAMILY-X.Y" (family "pc-i440fx-") both know, or NULL. */
char *qemu_machines_newest_common (const QemuMachines *a, const QemuMachines *b, const char *family);
char *qemu_machines_newest (const QemuMachines *m, const char *family);
