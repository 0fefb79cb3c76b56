#define _GNU_SOURCE
#include "libvirt-hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guard.h"
#include "mwb-error.h"
#include "proc.h"

#define LIBVIRTD_PORT 16509

/* libvirt's directories the host gets a private copy of, and its own name
 * for each under the host's state directory. */
static const char *const private_dirs[][2] = {
	{ "etc", "/etc/libvirt" },
	{ "run", "/run/libvirt" },
	{ "lib", "/var/lib/libvirt" },
	{ "cache", "/var/cache/libvirt" },
	{ "log", "/var/log/libvirt" },
};

char *
mwb_hosts_dir (void)
{
	const char *env = g_getenv ("MWB_HOSTS_DIR");

	return g_strdup (env && *env ? env : "/tmp/mwb-hosts");
}

static GPid
read_pid (const char *dir, const MwbHostSpec *host, const char *name)
{
	g_autofree char *file = g_build_filename (dir, host->role, name, NULL);
	g_autofree char *text = NULL;
	gint64 pid;

	if (!g_file_get_contents (file, &text, NULL, NULL))
		return 0;
	pid = g_ascii_strtoll (text, NULL, 10);
	if (pid <= 0 || (kill ((pid_t) pid, 0) < 0 && errno != EPERM))
		return 0;
	return (GPid) pid;
}

GPid
mwb_hosts_pid (const char *dir, const MwbHostSpec *host)
{
	return read_pid (dir, host, "libvirtd.pid");
}

static gboolean
answers (const char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (LIBVIRTD_PORT) };
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	inet_pton (AF_INET, addr, &sa.sin_addr);
	ok = connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
	close (fd);
	return ok;
}

gboolean
mwb_hosts_running (const char *dir)
{
	for (int i = 0; i < MWB_HOSTS_N; i++)
		if (!mwb_hosts_pid (dir, &mwb_hosts[i]) || !answers (mwb_hosts[i].addr))
			return FALSE;
	return TRUE;
}

static char *
libvirtd_conf (const char *state, const MwbHostSpec *h)
{
	return g_strdup_printf ("# mwb host %s: written by mwb hosts start\n"
				"listen_tls = 0\n"
				"listen_tcp = 1\n"
				"listen_addr = \"%s\"\n"
				"auth_tcp = \"none\"\n"
				"auth_unix_ro = \"none\"\n"
				"auth_unix_rw = \"none\"\n"
				/* Outside the private mounts: the client and the other
				 * host's daemon must reach it. */
				"unix_sock_dir = \"%s/sock\"\n"
				"host_uuid = \"%s\"\n"
				"log_outputs = \"3:file:%s/libvirtd.log\"\n"
				"keepalive_interval = 2\n"
				"keepalive_count = 3\n",
				h->role, h->addr, state, h->uuid, state);
}

static char *
qemu_conf (const MwbHostSpec *h)
{
	/* No virtlogd, no cgroups, no namespaces, no relabelling: one root
	 * daemon per host, nothing shared with the machine's own libvirt.
	 * libvirtd refuses localhost as a migration address. */
	return g_strdup_printf ("# mwb host %s: written by mwb hosts start\n"
				"user = \"root\"\n"
				"group = \"root\"\n"
				"dynamic_ownership = 0\n"
				"remember_owner = 0\n"
				"security_driver = \"none\"\n"
				"stdio_handler = \"file\"\n"
				"namespaces = []\n"
				"cgroup_controllers = []\n"
				"migration_address = \"%s\"\n"
				"migration_host = \"%s\"\n"
				"migration_port_min = %u\n"
				"migration_port_max = %u\n",
				h->role, h->addr, h->addr, h->port_min, h->port_max);
}

/* Runs inside the host's new mount namespace, then becomes its libvirtd. */
static char *
start_script (const char *state)
{
	g_autoptr (GString) s = g_string_new (NULL);
	g_autofree char *q = g_shell_quote (state);

	g_string_append_printf (s, "# mwb host: run by `unshare --mount --propagation private`\n"
				"set -e\nS=%s\necho $$ > \"$S/pid\"\n"
				"exec > \"$S/libvirtd.out\" 2>&1\n", q);
	/* A missing parent is scaffolded with a tmpfs seen only in here: the
	 * machine's own /run or /var/lib stays untouched. */
	g_string_append (s, "scaffolded=' '\n"
			 "bind () {\n"
			 "\tif [ ! -d \"$2\" ]; then\n"
			 "\t\tp=$(dirname \"$2\")\n"
			 "\t\tcase $scaffolded in *\" $p \"*) ;; *) mount -t tmpfs mwb-scaffold \"$p\"; scaffolded=\"$scaffolded$p \" ;; esac\n"
			 "\t\tmkdir -p \"$2\"\n"
			 "\tfi\n"
			 "\tmount --bind \"$1\" \"$2\"\n}\n");
	for (guint i = 0; i < G_N_ELEMENTS (private_dirs); i++)
		g_string_append_printf (s, "bind \"$S/%s\" %s\n", private_dirs[i][0], private_dirs[i][1]);
	/* libvirt 9.0 looks up libvirt-qemu before reading qemu.conf; Debian
	 * makes that user in a package mwb does not need. */
	g_string_append (s, "cp /etc/passwd \"$S/passwd\"; cp /etc/group \"$S/group\"\n"
			 "grep -q '^libvirt-qemu:' /etc/passwd || echo 'libvirt-qemu:x:64055:64055::/nonexistent:/usr/sbin/nologin' >> \"$S/passwd\"\n"
			 "grep -q '^libvirt-qemu:' /etc/group || echo 'libvirt-qemu:x:64055:' >> \"$S/group\"\n"
			 "grep -q '^kvm:' /etc/group || echo 'kvm:x:64056:' >> \"$S/group\"\n"
			 "mount --bind \"$S/passwd\" /etc/passwd\nmount --bind \"$S/group\" /etc/group\n"
			 /* libvirt daemonizes its QEMUs; orphaned, they would be
			  * reaped by this machine's PID 1, which takes 1-2 s, and
			  * libvirt waits for that at every destroy. tini -s reaps
			  * them at once. */
			 "exec tini -s -- libvirtd --config \"$S/etc/libvirtd.conf\" --listen --pid-file \"$S/libvirtd.pid\"\n");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Every process in a host's mount namespace (libvirtd, its QEMUs), then
 * the whole directory. Shell, so that the guard can run it with nothing of
 * mwb left. */
static char *
stop_script (const char *dir)
{
	g_autofree char *q = g_shell_quote (dir);

	return g_strdup_printf (
		"# Stops the mwb libvirt hosts under this directory and removes it.\n"
		"D=%s\n"
		"pids=\n"
		"for ns in \"$D\"/*/mntns; do\n"
		"\t[ -f \"$ns\" ] || continue\n"
		"\twant=$(cat \"$ns\")\n"
		"\tfor p in /proc/[0-9]*; do\n"
		"\t\t[ \"$(readlink \"$p/ns/mnt\" 2>/dev/null)\" = \"$want\" ] && pids=\"$pids ${p#/proc/}\"\n"
		"\tdone\n"
		"done\n"
		"for f in \"$D\"/*/pid \"$D\"/*/libvirtd.pid \"$D\"/*/run/qemu/*.pid; do\n"
		"\t[ -f \"$f\" ] && pids=\"$pids $(cat \"$f\")\"\n"
		"done\n"
		"[ -n \"$pids\" ] && kill -TERM $pids 2>/dev/null\n"
		"i=0\n"
		"while [ $i -lt 50 ] && kill -0 $pids 2>/dev/null; do sleep 0.1; i=$((i + 1)); done\n"
		"[ -n \"$pids\" ] && kill -KILL $pids 2>/dev/null\n"
		"i=0\n"
		"while [ $i -lt 50 ] && kill -0 $pids 2>/dev/null; do sleep 0.1; i=$((i + 1)); done\n"
		"rm -rf \"$D\"\n",
		q);
}

static gboolean
write_file (const char *dir, const char *name, const char *text, GError **error)
{
	g_autofree char *file = g_build_filename (dir, name, NULL);

	return g_file_set_contents (file, text, -1, error);
}

static gboolean
prepare_host (const char *dir, const MwbHostSpec *h, GError **error)
{
	g_autofree char *state = g_build_filename (dir, h->role, NULL);
	g_autofree char *conf = libvirtd_conf (state, h);
	g_autofree char *qconf = qemu_conf (h);
	g_autofree char *start = start_script (state);
	g_autofree char *etc = g_build_filename (state, "etc", NULL);
	const char *subdirs[] = { "etc", "run", "lib", "cache", "log", "sock" };

	for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		g_autofree char *sub = g_build_filename (state, subdirs[i], NULL);

		if (g_mkdir_with_parents (sub, 0700) < 0) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s: %s", sub, g_strerror (errno));
			return FALSE;
		}
	}
	return write_file (etc, "libvirtd.conf", conf, error) && write_file (etc, "qemu.conf", qconf, error)
		&& write_file (state, "start.sh", start, error);
}

static char *
log_tail (const char *state)
{
	g_autofree char *out = g_build_filename (state, "libvirtd.out", NULL);
	g_autofree char *log = g_build_filename (state, "libvirtd.log", NULL);
	g_autofree char *text = NULL;
	const char *files[] = { out, log };

	for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
		g_auto (GStrv) lines = NULL;
		guint n;

		g_clear_pointer (&text, g_free);
		if (!g_file_get_contents (files[i], &text, NULL, NULL))
			continue;
		g_strchomp (text);
		lines = g_strsplit (text, "\n", -1);
		n = g_strv_length (lines);
		for (guint k = n; k > 0; k--)
			if (strstr (lines[k - 1], "error") || i == 0)
				return g_strdup (lines[k - 1]);
	}
	return g_strdup ("(nothing in its log)");
}

static gboolean
launch_host (const char *dir, const MwbHostSpec *h, GError **error)
{
	g_autofree char *state = g_build_filename (dir, h->role, NULL);
	g_autofree char *script = g_build_filename (state, "start.sh", NULL);
	const char *argv[] = { "setsid", "unshare", "--mount", "--propagation", "private", "sh", script, NULL };
	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
	GPid pid = 0;

	/* Not our child for long: GLib's intermediate fork hands it to init,
	 * so it outlives `mwb hosts start`. */
	if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL,
			    NULL, NULL, NULL, error))
		return FALSE;
	while (g_get_monotonic_time () < deadline) {
		g_autofree char *pidfile = g_build_filename (state, "pid", NULL);

		pid = mwb_hosts_pid (dir, h);
		if (pid && answers (h->addr)) {
			g_autofree char *link = g_strdup_printf ("/proc/%d/ns/mnt", (int) pid);
			g_autofree char *ns = g_file_read_link (link, NULL);

			return ns && write_file (state, "mntns", ns, error);
		}
		/* The script writes its pid first, and stays as tini, the
		 * daemon's reaper: a pid file without a live process is a
		 * daemon that gave up. */
		if (!pid && g_file_test (pidfile, G_FILE_TEST_EXISTS) && !read_pid (dir, h, "pid")) {
			g_autofree char *tail = log_tail (state);

			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "host %s: libvirtd exited at start: %s",
				     h->role, tail);
			return FALSE;
		}
		g_usleep (20 * 1000);
	}
	{
		g_autofree char *tail = log_tail (state);

		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
			     "host %s: libvirtd did not answer on %s:%d within 20 s: %s", h->role, h->addr,
			     LIBVIRTD_PORT, tail);
	}
	return FALSE;
}

static gboolean
run_stop_script (const char *dir, GError **error)
{
	g_autofree char *script = g_build_filename (dir, "stop.sh", NULL);
	const char *argv[] = { "sh", script, NULL };
	g_autofree char *err = NULL;
	int status = 0;

	if (!g_file_test (script, G_FILE_TEST_EXISTS))
		return TRUE;
	if (!mwb_run_sync (argv, NULL, 60000, NULL, &err, &status, error))
		return FALSE;
	if (g_file_test (dir, G_FILE_TEST_EXISTS)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s is still there after its stop.sh: %s",
			     dir, err && *err ? err : "no message");
		return FALSE;
	}
	return TRUE;
}

gboolean
mwb_hosts_start (const char *dir, gboolean guarded, GError **error)
{
	g_autofree char *stop = stop_script (dir);
	g_autofree char *stop_file = g_build_filename (dir, "stop.sh", NULL);

	if (!g_path_is_absolute (dir)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "hosts directory %s: must be absolute", dir);
		return FALSE;
	}
	for (int i = 0; i < MWB_HOSTS_N; i++)
		if (mwb_hosts_pid (dir, &mwb_hosts[i])) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
				     "the libvirt hosts in %s already run (mwb hosts status; mwb hosts stop)", dir);
			return FALSE;
		}
	/* Whatever a killed start or a crash left. */
	if (!run_stop_script (dir, error))
		return FALSE;
	for (int i = 0; i < MWB_HOSTS_N; i++)
		if (answers (mwb_hosts[i].addr)) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND,
				     "something else already listens on %s:%d (another libvirtd?)",
				     mwb_hosts[i].addr, LIBVIRTD_PORT);
			return FALSE;
		}
	if (g_mkdir_with_parents (dir, 0700) < 0) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s: %s", dir, g_strerror (errno));
		return FALSE;
	}
	if (!write_file (dir, "stop.sh", stop, error))
		return FALSE;
	if (guarded)
		mwb_guard_cleanup_script (stop_file);
	for (int i = 0; i < MWB_HOSTS_N; i++)
		if (!prepare_host (dir, &mwb_hosts[i], error) || !launch_host (dir, &mwb_hosts[i], error)) {
			run_stop_script (dir, NULL);
			if (guarded)
				mwb_guard_forget_script (stop_file);
			return FALSE;
		}
	return TRUE;
}

gboolean
mwb_hosts_stop (const char *dir, GError **error)
{
	g_autofree char *stop_file = g_build_filename (dir, "stop.sh", NULL);
	gboolean ok = run_stop_script (dir, error);

	if (ok)
		mwb_guard_forget_script (stop_file);
	return ok;
}

char *
mwb_hosts_status (const char *dir)
{
	g_autoptr (GString) s = g_string_new (NULL);

	for (int i = 0; i < MWB_HOSTS_N; i++) {
		const MwbHostSpec *h = &mwb_hosts[i];
		g_autofree char *uri = mwb_hosts_uri (h);
		GPid pid = mwb_hosts_pid (dir, h);
		const char *state = !pid ? "stopped" : answers (h->addr) ? "running" : "not answering";

		g_string_append_printf (s, "%s %s", h->role, state);
		if (pid)
			g_string_append_printf (s, " pid %d", (int) pid);
		g_string_append_printf (s, " %s host-uuid %s migration-ports %u-%u %s/%s\n", uri, h->uuid,
					h->port_min, h->port_max, dir, h->role);
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static GMutex ensure_lock;
static gboolean started_here;

gboolean
mwb_hosts_ensure (GError **error)
{
	g_autofree char *dir = mwb_hosts_dir ();
	gboolean ok = TRUE;

	g_mutex_lock (&ensure_lock);
	if (!mwb_hosts_running (dir)) {
		ok = mwb_hosts_start (dir, TRUE, error);
		started_here |= ok;
	}
	g_mutex_unlock (&ensure_lock);
	return ok;
}

void
mwb_hosts_release (void)
{
	g_autofree char *dir = mwb_hosts_dir ();
	g_autoptr (GError) err = NULL;

	g_mutex_lock (&ensure_lock);
	if (started_here && !mwb_hosts_stop (dir, &err))
		g_printerr ("mwb: stopping the libvirt hosts: %s\n", err->message);
	started_here = FALSE;
	g_mutex_unlock (&ensure_lock);
}

gboolean
mwb_hosts_restart (const char *dir, const char *role, GError **error)
{
	for (int i = 0; i < MWB_HOSTS_N; i++) {
		g_autofree char *state = NULL;
		g_autofree char *pidfile = NULL;
		GPid pid;

		if (!g_str_equal (mwb_hosts[i].role, role))
			continue;
		pid = mwb_hosts_pid (dir, &mwb_hosts[i]);
		if (pid) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "host %s: libvirtd still runs (pid %d)", role,
				     (int) pid);
			return FALSE;
		}
		state = g_build_filename (dir, role, NULL);
		pidfile = g_build_filename (state, "pid", NULL);
		g_unlink (pidfile);
		g_free (pidfile);
		pidfile = g_build_filename (state, "libvirtd.pid", NULL);
		g_unlink (pidfile);
		return launch_host (dir, &mwb_hosts[i], error);
	}
	g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "no libvirt host '%s' (src, dst)", role);
	return FALSE;
}
