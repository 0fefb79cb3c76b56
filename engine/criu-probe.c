/* What this kernel, this criu and this test can do, asked before anything
 * runs. An unsupported combination is a SKIP that says why, never a PASS:
 * zdtm.py runs nothing for --pre on a kernel without dirty-memory tracking
 * and exits 0. Sysctls a variation needs are set here and put back at
 * teardown, whatever the verdict. */
#define _GNU_SOURCE
#include "criu-backend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "criu-plan.h"
#include "criu-test.h"
#include "mwb-error.h"

gboolean
criu_prepare (CriuBackend *be, MwbStepRun *sr, GError **error)
{
	const char *test = mwb_step_run_arg (sr, "test");
	g_autofree char *zdir = NULL;
	g_autofree char *desc_file = NULL;

	if (be->criu)
		return TRUE;
	if (!test || !*test || strchr (test, '/')) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "test=%s: not a test name", test ? test : "");
		return FALSE;
	}
	zdir = criu_zdtm_dir ();
	be->test = g_strdup (test);
	be->test_bin = g_build_filename (zdir, test, NULL);
	if (!g_file_test (be->test_bin, G_FILE_TEST_IS_EXECUTABLE)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_NOT_FOUND,
			     "test program %s missing (`make` builds the ZDTM tests; MWB_ZDTM names another dir)",
			     be->test_bin);
		return FALSE;
	}
	desc_file = g_strdup_printf ("%s.desc", be->test_bin);
	be->desc = criu_desc_load (desc_file, error);
	if (!be->desc)
		return FALSE;
	be->flavor = g_strdup (be->cfg->flavor ? be->cfg->flavor : be->desc->flavors[0]);
	be->criu = criu_find_binary (be->cfg, error);
	return be->criu != NULL;
}

/* ---- sysctls ---- */

static char *
sysctl_path (const char *name)
{
	g_autofree char *rel = g_strdup (name);

	g_strdelimit (rel, ".", '/');
	return g_build_filename ("/proc/sys", rel, NULL);
}

static char *
sysctl_get (const char *name)
{
	g_autofree char *path = sysctl_path (name);
	char *v = NULL;

	if (!g_file_get_contents (path, &v, NULL, NULL))
		return NULL;
	return g_strstrip (v);
}

static gboolean
sysctl_put (const char *name, const char *value, GError **error)
{
	g_autofree char *path = sysctl_path (name);
	FILE *f = fopen (path, "w");
	gboolean ok;

	if (!f) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "cannot set %s: %s", name, g_strerror (errno));
		return FALSE;
	}
	ok = fprintf (f, "%s\n", value) > 0;
	ok = (fclose (f) == 0) && ok;
	if (!ok)
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "cannot set %s = %s: %s", name, value,
			     g_strerror (errno));
	return ok;
}

/* Sets name to at least min (numeric) for this run, remembering the old value. */
static gboolean
sysctl_raise (CriuBackend *be, const char *name, guint64 min, GError **error)
{
	g_autofree char *old = sysctl_get (name);
	g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
	CriuSysctl *s;

	if (!old) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "no sysctl %s on this kernel", name);
		return FALSE;
	}
	if (g_ascii_strtoull (old, NULL, 10) >= min)
		return TRUE;
	if (!sysctl_put (name, want, error))
		return FALSE;
	s = g_new0 (CriuSysctl, 1);
	s->name = g_strdup (name);
	s->old_value = g_steal_pointer (&old);
	g_ptr_array_add (be->sysctls, s);
	mwb_runner_logf (be->runner, "notice", "sysctl %s = %s for this run (was %s; put back at teardown)",
			 name, want, s->old_value);
	return TRUE;
}

char *
criu_sysctls_restore (CriuBackend *be)
{
	g_autoptr (GString) left = g_string_new (NULL);

	/* last set, first restored */
	while (be->sysctls->len) {
		CriuSysctl *s = be->sysctls->pdata[be->sysctls->len - 1];
		g_autoptr (GError) err = NULL;

		if (!sysctl_put (s->name, s->old_value, &err))
			g_string_append_printf (left, "%s%s", left->len ? "; " : "", err->message);
		else if (be->runner)
			mwb_runner_logf (be->runner, "engine", "sysctl %s = %s again", s->name, s->old_value);
		g_ptr_array_remove_index (be->sysctls, be->sysctls->len - 1);
	}
	return left->len ? g_string_free (g_steal_pointer (&left), FALSE) : NULL;
}

/* ---- probes ---- */

/* NULL when `criu check --feature name` passes, else what criu said. */
static char *
criu_feature (CriuBackend *be, const char *name)
{
	const char *argv[] = { be->criu, "check", "--feature", name, NULL };
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (GError) e = NULL;
	int status;

	if (!mwb_run_sync (argv, NULL, 30000, &out, &err, &status, &e))
		return g_strdup (e->message);
	if (g_spawn_check_wait_status (status, NULL))
		return NULL;
	{
		g_autofree char *all = g_strstrip (g_strconcat (out ? out : "", err ? err : "", NULL));
		g_auto (GStrv) lines = g_strsplit (all, "\n", -1);
		guint n = g_strv_length (lines);
		const char *last = n ? lines[n - 1] : "";
		const char *paren = strstr (last, "): ");

		/* "Warn  (criu/cr-check.c:824): Dirty tracking is OFF. ..." -> the words */
		return g_strdup (paren ? paren + 3 : *last ? last : "(no output)");
	}
}

static guint
free_port (void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	guint port = 0;

	if (fd >= 0 && bind (fd, (struct sockaddr *) &a, sizeof a) == 0
	    && getsockname (fd, (struct sockaddr *) &a, &len) == 0)
		port = ntohs (a.sin_port);
	if (fd >= 0)
		close (fd);
	return port;
}

static gboolean
userns_works (char **why)
{
	const char *argv[] = { "unshare", "--user", "--map-root-user", "true", NULL };
	g_autofree char *err = NULL;
	g_autoptr (GError) e = NULL;
	int status;

	if (!mwb_run_sync (argv, NULL, 10000, NULL, &err, &status, &e)) {
		*why = g_strdup (e->message);
		return FALSE;
	}
	if (!g_spawn_check_wait_status (status, NULL)) {
		*why = g_strdup_printf ("unshare --user fails: %s", err ? g_strstrip (err) : "");
		return FALSE;
	}
	return TRUE;
}

/* The variations in use, as the names a .desc excludes. */
static GPtrArray *
variations_in_use (const MwbCriuVariation *v)
{
	GPtrArray *a = g_ptr_array_new ();

#define USE(cond, name) if (cond) g_ptr_array_add (a, (gpointer) name)
	USE (v->nocr, "nocr");
	USE (v->norst, "norst");
	USE (v->iters > 1, "iters");
	USE (v->pre, "pre");
	USE (v->snaps, "snaps");
	USE (v->page_server, "page-server");
	USE (v->lazy_pages, "lazy-pages");
	USE (v->remote_lazy_pages, "remote-lazy-pages");
	USE (v->sibling, "sibling");
	USE (v->stop, "stop");
	USE (v->dedup, "dedup");
#undef USE
	return a;
}

void
criu_action_probe (MwbBackend *mb, MwbStepRun *sr)
{
	CriuBackend *be = CB (mb);
	const MwbCriuVariation *v = &be->cfg->criu;
	g_autoptr (GError) err = NULL;
	g_autoptr (GPtrArray) used = variations_in_use (v);
	g_autofree char *desc = criu_plan_describe (v);
	g_autofree char *why = NULL;
	char port[16];

	if (!criu_prepare (be, sr, &err)) {
		mwb_step_run_error (sr, "%s", err->message);
		return;
	}
	if (!g_strv_contains ((const char *const *) be->desc->flavors, be->flavor)) {
		g_autofree char *list = g_strjoinv (" ", be->desc->flavors);

		mwb_step_run_skip (sr, "%s does not support the %s flavor (its .desc: flavors=%s)", be->test,
				   be->flavor, list);
		return;
	}
	for (guint i = 0; i < used->len; i++)
		if (g_strv_contains ((const char *const *) be->desc->excludes, used->pdata[i])) {
			mwb_step_run_skip (sr, "%s cannot run with --%s (its .desc excludes it)", be->test,
					   (char *) used->pdata[i]);
			return;
		}
	for (guint i = 0; be->desc->needs[i]; i++) {
		g_autofree char *no = criu_feature (be, be->desc->needs[i]);

		if (no) {
			mwb_step_run_skip (sr, "%s needs %s: criu check --feature %s says: %s", be->test,
					   be->desc->needs[i], be->desc->needs[i], no);
			return;
		}
	}
	if (g_str_equal (be->flavor, "uns") && !userns_works (&why)) {
		mwb_step_run_skip (sr, "the uns flavor needs user namespaces: %s", why);
		return;
	}
	if (v->pre || v->snaps) {
		g_autofree char *no = criu_feature (be, "mem_dirty_track");

		if (no) {
			mwb_step_run_skip (sr, "%s needs dirty-memory tracking, which this machine lacks: "
					   "criu check --feature mem_dirty_track says: %s",
					   v->pre ? "--pre" : "--snaps", no);
			return;
		}
	}
	if (v->lazy_pages || v->remote_lazy_pages) {
		g_autofree char *no = criu_feature (be, "uffd-noncoop");

		if (no) {
			mwb_step_run_skip (sr, "lazy pages need userfaultfd: criu check --feature uffd-noncoop says: %s",
					   no);
			return;
		}
		if (g_str_equal (be->flavor, "uns") && !sysctl_raise (be, "vm.unprivileged_userfaultfd", 1, &err)) {
			mwb_step_run_skip (sr, "lazy pages in a user namespace need vm.unprivileged_userfaultfd=1: %s",
					   err->message);
			return;
		}
	}
	if (v->remote_lazy_pages && g_str_equal (be->flavor, "h")) {
		mwb_step_run_skip (sr, "--remote-lazy-pages keeps the dumped tree alive until the restore has "
				   "every page, and a restore on this host needs its PIDs: run it with -f ns or uns");
		return;
	}
	/* Without room for a whole pipe of pages the remote restore waits 60 s. */
	if (v->remote_lazy_pages && !sysctl_raise (be, "fs.pipe-max-size", 4 * 1024 * 1024, &err)) {
		mwb_step_run_skip (sr, "remote lazy pages need fs.pipe-max-size >= 4 MiB: %s", err->message);
		return;
	}
	be->port = free_port ();
	g_snprintf (port, sizeof port, "%u", be->port);
	mwb_runner_set_var (be->runner, "page-server-port", port);
	criu_zdtm_say (be, "========================= Run %s in %s =========================",
		       mwb_runner_scenario (be->runner)->path, be->flavor);
	mwb_step_run_ok (sr, "%s passes criu check; %s runs in the %s flavor%s%s", be->criu, be->test,
			 be->flavor, *desc ? " with " : "", desc);
}
