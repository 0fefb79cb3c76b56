/* Which machine types a QEMU binary knows (query-machines), and the newest
 * one two binaries share: a cross-version migration needs the same
 * versioned machine type on both sides, since the "pc" alias means
 * pc-i440fx-7.2 to one and pc-i440fx-10.0 to the other. The answer is
 * cached per binary (path, inode, size, mtime) so that a catalogue run asks
 * each binary once. */
#include "qemu-machines.h"

#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cache.h"

#include "mwb-error.h"
#include "proc.h"

static const char probe_input[] =
	"{\"execute\":\"qmp_capabilities\"}\n"
	"{\"execute\":\"query-machines\"}\n"
	"{\"execute\":\"quit\"}\n";

void
qemu_machines_free (QemuMachines *m)
{
	if (!m)
		return;
	g_free (m->version);
	g_strfreev (m->names);
	g_free (m);
}

static char *
cache_file (const char *bin)
{
	return mwb_cache_file_for_binary ("machines", bin, NULL);
}

/* Parses the QMP transcript: the greeting's version and query-machines' names. */
static QemuMachines *
parse_transcript (const char *out, GError **error)
{
	g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	QemuMachines *m = g_new0 (QemuMachines, 1);

	for (guint i = 0; lines[i]; i++) {
		g_autoptr (JsonNode) n = json_from_string (lines[i], NULL);
		JsonObject *o = n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

		if (!o)
			continue;
		if (json_object_has_member (o, "QMP")) {
			JsonObject *v = json_object_get_object_member (json_object_get_object_member (
				json_object_get_object_member (o, "QMP"), "version"), "qemu");

			if (v)
				m->version = g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
							      json_object_get_int_member_with_default (v, "major", 0),
							      json_object_get_int_member_with_default (v, "minor", 0),
							      json_object_get_int_member_with_default (v, "micro", 0));
			continue;
		}
		if (json_object_has_member (o, "return")
		    && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "return"))) {
			JsonArray *a = json_object_get_array_member (o, "return");

			for (guint k = 0; k < json_array_get_length (a); k++) {
				JsonObject *e = json_array_get_object_element (a, k);
				const char *name = e ? json_object_get_string_member_with_default (e, "name", NULL) : NULL;

				if (name)
					g_ptr_array_add (names, g_strdup (name));
			}
		}
	}
	if (!m->version || names->len == 0) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "no %s in its QMP answer",
			     m->version ? "machine list" : "version");
		qemu_machines_free (m);
		return NULL;
	}
	g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
	g_ptr_array_add (names, NULL);
	m->names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
	return m;
}

static QemuMachines *
from_cache (const char *file)
{
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	QemuMachines *m;

	if (!file || !g_file_get_contents (file, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit (g_strchomp (text), "\n", -1);
	if (!lines[0] || !lines[1])
		return NULL;
	m = g_new0 (QemuMachines, 1);
	m->version = g_strdup (lines[0]);
	m->names = g_strdupv (lines + 1);
	return m;
}

static void
to_cache (const char *file, const QemuMachines *m)
{
	g_autofree char *dir = NULL;
	g_autofree char *list = NULL;
	g_autofree char *text = NULL;

	if (!file)
		return;
	dir = g_path_get_dirname (file);
	if (g_mkdir_with_parents (dir, 0700) < 0)
		return;
	list = g_strjoinv ("\n", m->names);
	text = g_strdup_printf ("%s\n%s\n", m->version, list);
	g_file_set_contents (file, text, -1, NULL);
}

QemuMachines *
qemu_machines_query (const char *bin, GError **error)
{
	g_autofree char *cache = cache_file (bin);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autoptr (GError) local = NULL;
	const char *argv[] = { bin, "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
			       "-qmp", "stdio", NULL };
	QemuMachines *m;
	int status = 0;

	if ((m = from_cache (cache)))
		return m;
	if (!mwb_run_sync (argv, probe_input, 20000, &out, &err, &status, error))
		return NULL;
	m = parse_transcript (out, &local);
	if (!m) {
		g_strstrip (err);
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s -machine none -qmp stdio: %s%s%s", bin,
			     local->message, *err ? ": " : "", err);
		return NULL;
	}
	to_cache (cache, m);
	return m;
}

/* "pc-i440fx-7.2" -> 7002; anything else -1. */
static int
family_version (const char *name, const char *family)
{
	const char *v;
	char *end = NULL;
	long major, minor;

	if (!g_str_has_prefix (name, family))
		return -1;
	v = name + strlen (family);
	major = strtol (v, &end, 10);
	if (end == v || *end != '.')
		return -1;
	v = end + 1;
	minor = strtol (v, &end, 10);
	if (end == v || *end)
		return -1;
	return (int) (major * 1000 + minor);
}

char *
qemu_machines_newest_common (const QemuMachines *a, const QemuMachines *b, const char *family)
{
	const char *best = NULL;
	int best_v = -1;

	for (guint i = 0; a->names[i]; i++) {
		int v = family_version (a->names[i], family);

		if (v > best_v && g_strv_contains ((const char *const *) b->names, a->names[i])) {
			best_v = v;
			best = a->names[i];
		}
	}
	return g_strdup (best);
}

char *
qemu_machines_newest (const QemuMachines *m, const char *family)
{
	return qemu_machines_newest_common (m, m, family);
}
