#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "mwb-error.h"

#ifndef MWB_DATADIR
#define MWB_DATADIR "/usr/local/share/mwb"
#endif

char *
mwb_data_dir (const char *env_var, const char *name)
{
	const char *env = g_getenv (env_var);
	g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
	g_autofree char *exedir = exe ? g_path_get_dirname (exe) : NULL;
	g_autofree char *beside = exedir ? g_build_filename (exedir, name, NULL) : NULL;

	if (env && *env)
		return g_strdup (env);
	if (beside && g_file_test (beside, G_FILE_TEST_IS_DIR))
		return g_steal_pointer (&beside);
	return g_build_filename (MWB_DATADIR, name, NULL);
}

char *
mwb_catalog_default_dir (void)
{
	return mwb_data_dir ("MWB_SCENARIOS", "scenarios");
}

static gboolean
collect (const char *dir, GPtrArray *files, GError **error)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, error);
	const char *name;

	if (!d)
		return FALSE;
	while ((name = g_dir_read_name (d))) {
		g_autofree char *path = g_build_filename (dir, name, NULL);

		if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
			if (!collect (path, files, error))
				return FALSE;
		} else if (g_str_has_suffix (name, ".scn")) {
			g_ptr_array_add (files, g_steal_pointer (&path));
		}
	}
	return TRUE;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char **) a, *(char **) b);
}

GPtrArray *
mwb_catalog_load (const char *dir, GError **error)
{
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_scenario_unref);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

	if (!collect (dir, files, error)) {
		g_prefix_error (error, "scenario directory: ");
		return NULL;
	}
	g_ptr_array_sort (files, cmp_str);
	for (guint i = 0; i < files->len; i++) {
		MwbScenario *scn = mwb_scenario_load (files->pdata[i], error);
		const MwbBackendClass *klass;
		MwbScenario *dup;

		if (!scn)
			return NULL;
		g_ptr_array_add (out, scn);
		klass = mwb_backend_lookup (scn->backend);
		if (!klass) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s: unknown backend '%s'",
				     scn->file, scn->backend);
			return NULL;
		}
		if (!mwb_backend_validate (klass, scn, error))
			return NULL;
		if ((dup = g_hash_table_lookup (seen, scn->path))) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s: path %s is already defined in %s",
				     scn->file, scn->path, dup->file);
			return NULL;
		}
		g_hash_table_insert (seen, scn->path, scn);
	}
	return g_steal_pointer (&out);
}

GPtrArray *
mwb_catalog_select (GPtrArray *catalog, const char *const *paths, const char *const *prefixes,
		    gboolean all, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_scenario_unref);
	g_autoptr (GHashTable) chosen = g_hash_table_new (NULL, NULL);

	for (const char *const *p = paths; p && *p; p++) {
		gboolean found = FALSE;

		for (guint i = 0; i < catalog->len; i++)
			if (g_str_equal (((MwbScenario *) catalog->pdata[i])->path, *p))
				found = TRUE;
		if (!found) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_NOT_FOUND,
				     "unknown scenario path '%s' (see 'mwb list')%s", *p,
				     **p != '/' ? "; migration-test's paths start with '/'" : "");
			return NULL;
		}
	}
	for (const char *const *p = prefixes; p && *p; p++) {
		gboolean found = FALSE;

		for (guint i = 0; i < catalog->len; i++)
			if (mwb_path_has_prefix (((MwbScenario *) catalog->pdata[i])->path, *p))
				found = TRUE;
		if (!found) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_NOT_FOUND,
				     "no scenario path under '%s' (see 'mwb list')%s", *p,
				     **p != '/' ? "; migration-test's paths start with '/'" : "");
			return NULL;
		}
	}
	/* Catalogue order, whatever order the options came in. */
	for (guint i = 0; i < catalog->len; i++) {
		MwbScenario *scn = catalog->pdata[i];
		gboolean take = all;

		for (const char *const *p = paths; p && *p && !take; p++)
			take = g_str_equal (scn->path, *p);
		for (const char *const *p = prefixes; p && *p && !take; p++)
			take = mwb_path_has_prefix (scn->path, *p);
		if (take && !g_hash_table_contains (chosen, scn)) {
			g_hash_table_add (chosen, scn);
			g_ptr_array_add (out, mwb_scenario_ref (scn));
		}
	}
	return g_steal_pointer (&out);
}

GStrv
mwb_catalog_tap_order (GPtrArray *catalog)
{
	g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; i < catalog->len; i++) {
		MwbScenario *scn = catalog->pdata[i];
		g_autofree char *base = g_path_get_basename (scn->file);

		/* NN-name.scn with NN the TAP number; 90 and up are mwb's own. */
		if (!g_ascii_isdigit (base[0]) || !g_ascii_isdigit (base[1]) || base[2] != '-'
		    || !g_str_has_prefix (scn->path, "/x86_64/migration/"))
			continue;
		if ((guint) atoi (base) != order->len + 1)
			continue;
		g_ptr_array_add (order, g_strdup (scn->path));
	}
	g_ptr_array_add (order, NULL);
	return (GStrv) g_ptr_array_free (g_steal_pointer (&order), FALSE);
}
