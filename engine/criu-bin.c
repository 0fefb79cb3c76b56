/* Which criu mwb runs: --criu, MWB_CRIU, the private prefix `make deps`
 * builds when the system's criu does not work here, then PATH. A criu whose
 * `criu check` fails is refused with the check's own words: Debian 12's 3.17
 * fails on this kernel, and running it would only produce confusing dumps. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <string.h>

#include "cache.h"
#include "mwb-error.h"

#define CRIU_DEFAULT_PREFIX "/opt/mwb/criu"
#define CHECK_TIMEOUT_MS 60000

/* What `criu check` said, per binary, for the life of this mwb: NULL = passed. */
static GHashTable *checked;
G_LOCK_DEFINE_STATIC (checked);

static char *
check_binary (const char *bin)
{
	const char *argv[] = { bin, "check", NULL };
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (GError) e = NULL;
	int status = 0;

	if (!mwb_run_sync (argv, NULL, CHECK_TIMEOUT_MS, &out, &err, &status, &e))
		return g_strdup (e->message);
	if (g_spawn_check_wait_status (status, NULL))
		return NULL;
	{
		g_autofree char *all = g_strconcat (out ? out : "", err ? err : "", NULL);
		g_autofree char *what = mwb_describe_wait_status (status);
		g_auto (GStrv) lines = g_strsplit (g_strstrip (all), "\n", -1);
		g_autoptr (GString) msg = g_string_new (NULL);
		guint n = g_strv_length (lines);

		/* The last lines say why; the first are often warnings. */
		for (guint i = n > 3 ? n - 3 : 0; i < n; i++)
			g_string_append_printf (msg, "%s%s", msg->len ? " / " : "", g_strstrip (lines[i]));
		return g_strdup_printf ("`%s check` %s: %s", bin, what, msg->len ? msg->str : "(no output)");
	}
}

/* A pass is remembered on disk per binary (path, inode, size, mtime) and
 * boot (a new kernel means a new boot_id): `criu check` costs ~50 ms, most
 * of mwb's overhead over bare criu for a small test. A failure is never
 * remembered, so a fixed host is checked again. */
static char *
pass_file (const char *bin)
{
	g_autofree char *boot = NULL;

	if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
		return NULL;
	return mwb_cache_file_for_binary ("criu-check", bin, g_strstrip (boot));
}

static char *
check_binary_cached (const char *bin)
{
	g_autofree char *file = pass_file (bin);
	g_autofree char *dir = NULL;
	char *why;

	if (file && g_file_test (file, G_FILE_TEST_EXISTS))
		return NULL;
	why = check_binary (bin);
	if (!why && file) {
		dir = g_path_get_dirname (file);
		if (g_mkdir_with_parents (dir, 0755) == 0)
			g_file_set_contents (file, bin, -1, NULL);
	}
	return why;
}

static const char *
cached_check (const char *bin)
{
	const char *why;
	gpointer found;

	G_LOCK (checked);
	if (!checked)
		checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	if (!g_hash_table_lookup_extended (checked, bin, NULL, &found)) {
		found = check_binary_cached (bin);
		g_hash_table_insert (checked, g_strdup (bin), found);
	}
	why = found;
	G_UNLOCK (checked);
	return why;
}

char *
criu_find_binary (const MwbRunConfig *cfg, GError **error)
{
	const char *env = g_getenv ("MWB_CRIU");
	const char *prefix_env = g_getenv ("CRIU_PREFIX");
	g_autofree char *prefixed = g_build_filename (prefix_env && *prefix_env ? prefix_env
						      : CRIU_DEFAULT_PREFIX, "sbin", "criu", NULL);
	g_autofree char *bin = NULL;
	const char *whence;
	const char *why;

	if (cfg->criu_bin) {
		bin = g_find_program_in_path (cfg->criu_bin);
		whence = "--criu";
	} else if (env && *env) {
		bin = g_find_program_in_path (env);
		whence = "MWB_CRIU";
	} else if (g_file_test (prefixed, G_FILE_TEST_IS_EXECUTABLE)) {
		bin = g_strdup (prefixed);
		whence = "the private prefix";
	} else {
		g_autofree char *path = g_strdup_printf ("%s:/usr/sbin:/sbin", g_getenv ("PATH") ?: "/usr/bin:/bin");
		g_auto (GStrv) dirs = g_strsplit (path, ":", -1);

		whence = "PATH";
		for (guint i = 0; dirs[i] && !bin; i++) {
			g_autofree char *cand = g_build_filename (*dirs[i] ? dirs[i] : ".", "criu", NULL);

			if (g_file_test (cand, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (cand, G_FILE_TEST_IS_DIR))
				bin = g_steal_pointer (&cand);
		}
		if (!bin) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
				     "no criu found (--criu, MWB_CRIU, %s, PATH); `make deps` installs one",
				     prefixed);
			return NULL;
		}
	}
	if (!bin) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "criu '%s' (%s) not found or not executable",
			     cfg->criu_bin ? cfg->criu_bin : env, whence);
		return NULL;
	}
	why = cached_check (bin);
	if (why) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "refusing %s (from %s): %s", bin, whence, why);
		return NULL;
	}
	return g_steal_pointer (&bin);
}
