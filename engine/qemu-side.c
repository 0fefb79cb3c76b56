/* One QEMU process: its command line, the sockets it connects back to (QMP
 * and serial, both listening in the run directory so nothing is polled), its
 * output and its end. */
#include "qemu-backend.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "mwb-error.h"

#define STDERR_TAIL 8

const char *
qemu_role_label (const char *role)
{
	if (g_str_equal (role, "src"))
		return "source QEMU";
	if (g_str_equal (role, "dst"))
		return "destination QEMU";
	return NULL;
}

void
qemu_side_log (QemuSide *side, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;
	g_autofree char *src = g_strdup_printf ("qemu-%s", side->role);

	va_start (ap, fmt);
	text = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	mwb_runner_log (side->be->runner, src, MWB_LOG_NONE, FALSE, text);
}

guint
qemu_role_index (const char *role)
{
	return g_str_equal (role, "dst") ? 1 : 0;
}

QemuSide *
qemu_side_get (QemuBackend *be, const char *role)
{
	return role ? g_hash_table_lookup (be->sides, role) : NULL;
}

void
qemu_side_free (QemuSide *side)
{
	if (side->cancel)
		g_cancellable_cancel (side->cancel);
	g_clear_object (&side->cancel);
	if (side->accept_cancel)
		g_cancellable_cancel (side->accept_cancel);
	g_clear_object (&side->accept_cancel);
	g_clear_pointer (&side->qmp, mwb_qmp_free);
	if (side->serial)
		g_io_stream_close (G_IO_STREAM (side->serial), NULL, NULL);
	g_clear_object (&side->serial);
	if (side->listener)
		g_socket_listener_close (side->listener);
	g_clear_object (&side->listener);
	g_clear_pointer (&side->proc, mwb_proc_free);
	if (side->serial_file)
		fclose (side->serial_file);
	if (side->qmp_log)
		fclose (side->qmp_log);
	g_hash_table_unref (side->events);
	g_ptr_array_unref (side->stderr_tail);
	g_free (side->role);
	g_free (side->label);
	g_free (side->log_source);
	g_free (side->mig_status);
	g_free (side->ram_file);
	g_free (side->accel);
	g_free (side);
}

char *
qemu_side_death (QemuSide *side)
{
	int status = side->exit_status;
	g_autofree char *how = NULL;
	g_autoptr (GString) s = g_string_new (NULL);

	if (!side->exited && side->proc)
		mwb_proc_has_exited (side->proc, &status);
	how = mwb_describe_wait_status (status);
	const char *wrap = g_hash_table_lookup (side->be->cfg->wraps, side->role);

	g_string_printf (s, "%s (pid %d) %s", side->label,
			 side->proc ? (int) mwb_proc_pid (side->proc) : -1, how);
	/* With a wrapper, the status is the wrapper's: say so. */
	if (wrap)
		g_string_append_printf (s, " [run under '%s']", wrap);
	/* QEMU explains itself in its last stderr lines; the very last one is
	 * often only "load of migration failed", so give a few. */
	if (side->stderr_tail->len && !(WIFEXITED (status) && WEXITSTATUS (status) == 0)) {
		g_string_append (s, ": ");
		for (guint i = 0; i < side->stderr_tail->len; i++)
			g_string_append_printf (s, "%s%s", i ? " | " : "",
						(char *) side->stderr_tail->pdata[i]);
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- QMP ---- */

static void
on_qmp_message (MwbQmp *qmp, MwbLogDir dir, const char *text, gpointer data)
{
	QemuSide *side = data;
	gint64 t = g_get_monotonic_time () - mwb_runner_start_time (side->be->runner);

	(void) qmp;
	mwb_runner_log (side->be->runner, side->log_source, dir, TRUE, text);
	if (side->qmp_log)
		fprintf (side->qmp_log, "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " %s %s\n",
			 t / G_USEC_PER_SEC, t % G_USEC_PER_SEC, dir == MWB_LOG_OUT ? ">>" : "<<",
			 text);
}

static void
on_qmp_event (MwbQmp *qmp, const char *event, JsonObject *data, gpointer user)
{
	QemuSide *side = user;
	g_autoptr (GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	guint n = GPOINTER_TO_UINT (g_hash_table_lookup (side->events, event));

	(void) qmp;
	g_hash_table_insert (side->events, g_strdup (event), GUINT_TO_POINTER (n + 1));
	if (data) {
		g_autoptr (GList) members = json_object_get_members (data);

		for (GList *l = members; l; l = l->next) {
			JsonNode *v = json_object_get_member (data, l->data);

			if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_BOOLEAN) {
				/* As JSON spells them, so 'guest=false' matches. */
				g_hash_table_insert (fields, g_strdup (l->data),
						     g_strdup (json_node_get_boolean (v) ? "true" : "false"));
			} else if (JSON_NODE_HOLDS_VALUE (v)) {
				GValue gv = G_VALUE_INIT;
				GValue sv = G_VALUE_INIT;

				json_node_get_value (v, &gv);
				g_value_init (&sv, G_TYPE_STRING);
				if (g_value_transform (&gv, &sv))
					g_hash_table_insert (fields, g_strdup (l->data),
							     g_value_dup_string (&sv));
				g_value_unset (&gv);
				g_value_unset (&sv);
			}
		}
	}
	if (g_str_equal (event, "MIGRATION") && g_hash_table_lookup (fields, "status")) {
		g_free (side->mig_status);
		side->mig_status = g_strdup (g_hash_table_lookup (fields, "status"));
	}
	mwb_runner_note_event (side->be->runner, side->role, event, fields);
	qemu_on_event (side, event, data);
}

static void
on_qmp_closed (MwbQmp *qmp, const char *why, gpointer data)
{
	QemuSide *side = data;

	(void) qmp;
	if (!side->quitting && !side->exited)
		qemu_side_log (side, "QMP connection closed: %s", why);
	qemu_recheck (side->be);
}

static void
on_query_kvm (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = data;

	(void) qmp;
	(void) eclass;
	(void) edesc;
	if (ret && JSON_NODE_HOLDS_OBJECT (ret))
		side->accel = g_strdup (json_object_get_boolean_member_with_default (
						json_node_get_object (ret), "enabled", FALSE) ? "kvm" : "tcg");
	else
		side->accel = g_strdup ("?");
	side->ready = TRUE;
	qemu_recheck (side->be);
}

static void
on_capabilities (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = data;

	(void) ret;
	if (eclass) {
		qemu_side_log (side, "qmp_capabilities failed: %s: %s", eclass, edesc);
		return;
	}
	mwb_qmp_execute (qmp, "query-kvm", NULL, on_query_kvm, side);
}

static void
on_greeting (MwbQmp *qmp, JsonObject *greeting, gpointer data)
{
	(void) greeting;
	mwb_qmp_execute (qmp, "qmp_capabilities", NULL, on_capabilities, data);
}

static const MwbQmpCallbacks qmp_callbacks = {
	.greeting = on_greeting,
	.event = on_qmp_event,
	.message = on_qmp_message,
	.closed = on_qmp_closed,
};

/* ---- serial ---- */

static void serial_read_more (QemuSide *side);

static void
on_serial_read (GObject *src, GAsyncResult *res, gpointer data)
{
	QemuSide *side = data;
	g_autoptr (GError) err = NULL;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, &err);
	g_autofree char *text = NULL;
	g_autofree char *source = NULL;

	if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || n <= 0)
		return;
	if (side->serial_file)
		fwrite (side->serial_buf, 1, n, side->serial_file);
	for (gssize i = 0; i < n; i++)
		side->seen[(guint8) side->serial_buf[i]]++;
	side->started = side->seen['A'] > 0;
	text = g_utf8_make_valid (side->serial_buf, n);
	source = g_strdup_printf ("serial-%s", side->role);
	mwb_runner_log (side->be->runner, source, MWB_LOG_IN, FALSE, text);
	serial_read_more (side);
	qemu_recheck (side->be);
}

static void
serial_read_more (QemuSide *side)
{
	g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (side->serial)),
				   side->serial_buf, sizeof side->serial_buf, G_PRIORITY_DEFAULT,
				   side->cancel, on_serial_read, side);
}

/* ---- accepting QEMU's two connections ---- */

static void accept_next (QemuSide *side);

static void
on_accept (GObject *src, GAsyncResult *res, gpointer data)
{
	QemuSide *side = data;
	g_autoptr (GError) err = NULL;
	GObject *which = NULL;
	GSocketConnection *conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (src), res,
								  &which, &err);

	if (!conn)
		return;	/* cancelled: the side is going away */
	if (GPOINTER_TO_INT (g_object_get_data (which, "mwb-kind")) == 1) {
		if (side->qmp) {
			g_object_unref (conn);
		} else {
			side->qmp = mwb_qmp_new (G_IO_STREAM (conn), &qmp_callbacks, side);
			g_object_unref (conn);
		}
	} else if (!side->serial) {
		side->serial = conn;
		serial_read_more (side);
	} else {
		g_object_unref (conn);
	}
	if (!side->qmp || !side->serial)
		accept_next (side);
}

static void
accept_next (QemuSide *side)
{
	g_socket_listener_accept_async (side->listener, side->accept_cancel, on_accept, side);
}

static gboolean
listen_on (QemuSide *side, const char *path, int kind, GError **error)
{
	g_autoptr (GSocketAddress) addr = NULL;
	g_autoptr (GObject) tag = g_object_new (G_TYPE_OBJECT, NULL);

	if (strlen (path) >= sizeof (((struct sockaddr_un *) 0)->sun_path)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
			     "socket path %s is too long for a UNIX socket (%zu bytes, 107 at most):"
			     " use a shorter --workdir", path, strlen (path));
		return FALSE;
	}
	g_object_set_data (tag, "mwb-kind", GINT_TO_POINTER (kind));
	/* The tag lives as long as the listener holds it as the source object. */
	g_object_set_data_full (G_OBJECT (side->listener), kind == 1 ? "tag-qmp" : "tag-serial",
				g_object_ref (tag), g_object_unref);
	addr = g_unix_socket_address_new (path);
	return g_socket_listener_add_address (side->listener, addr, G_SOCKET_TYPE_STREAM,
					      G_SOCKET_PROTOCOL_DEFAULT, tag, NULL, error);
}

/* ---- the process ---- */

static void
on_line (MwbProc *proc, gboolean is_stderr, const char *line, gpointer data)
{
	QemuSide *side = data;
	g_autofree char *source = g_strdup_printf ("%s-%s", is_stderr ? "stderr" : "stdout",
						   side->role);

	(void) proc;
	/* Warnings ("host doesn't support requested feature") never explain a death. */
	if (is_stderr && *line && !strstr (line, ": warning: ")) {
		g_ptr_array_add (side->stderr_tail, g_strdup (line));
		if (side->stderr_tail->len > 3)
			g_ptr_array_remove_index (side->stderr_tail, 0);
	}
	mwb_runner_log (side->be->runner, source, MWB_LOG_IN, FALSE, line);
}

static void
on_proc_exit (MwbProc *proc, int status, gpointer data)
{
	QemuSide *side = data;
	g_autofree char *how = mwb_describe_wait_status (status);

	side->exited = TRUE;
	side->exit_status = status;
	qemu_side_log (side, "%s (pid %d) %s", side->label, (int) mwb_proc_pid (proc), how);
	/* Stop waiting for connections; what QEMU wrote before it went is still
	 * read to the end. */
	if (side->accept_cancel)
		g_cancellable_cancel (side->accept_cancel);
	if (side->listener)
		g_socket_listener_close (side->listener);
	qemu_on_side_exit (side);
}

/* QEMU option values: a comma must be doubled. */
static char *
opt_escape (const char *s)
{
	g_autoptr (GString) out = g_string_new (NULL);

	for (; *s; s++) {
		if (*s == ',')
			g_string_append_c (out, ',');
		g_string_append_c (out, *s);
	}
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
add (GPtrArray *argv, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
add (GPtrArray *argv, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_ptr_array_add (argv, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

static gboolean
build_argv (QemuBackend *be, QemuSide *side, MwbStepRun *sr, GPtrArray *argv, GError **error)
{
	const char *run = mwb_runner_run_dir (be->runner);
	const MwbRunConfig *cfg = be->cfg;
	guint64 mib = cfg->guest_mem / (1024 * 1024);
	const char *boot = mwb_step_run_arg_or (sr, "boot", "rom");
	const char *ram = mwb_step_run_arg_or (sr, "ram", g_str_equal (side->role, "dst") ? "file" : "anon");
	const char *machine = mwb_step_run_arg_or (sr, "machine", be->machine);
	const char *kvm_opts = mwb_step_run_arg (sr, "kvm-opts");
	g_autofree char *qmp = g_strdup_printf ("%s/%s.qmp", run, side->role);
	g_autofree char *ser = g_strdup_printf ("%s/%s.serial", run, side->role);
	g_autofree char *qmp_e = opt_escape (qmp);
	g_autofree char *ser_e = opt_escape (ser);

	add (argv, "%s", be->qemu_bin[qemu_role_index (side->role)]);
	add (argv, "-nodefaults");
	add (argv, "-no-user-config");
	add (argv, "-display");
	add (argv, "none");
	add (argv, "-machine");
	add (argv, "%s", machine);
	if (kvm_opts) {
		/* KVM-only features (the dirty ring): no silent fallback to TCG. */
		add (argv, "-accel");
		add (argv, "kvm,%s", kvm_opts);
	} else if (!cfg->accel || g_str_equal (cfg->accel, "kvm")) {
		add (argv, "-accel");
		add (argv, "kvm");
	}
	if (!kvm_opts && (!cfg->accel || g_str_equal (cfg->accel, "tcg"))) {
		add (argv, "-accel");
		add (argv, "tcg");
	}
	add (argv, "-m");
	add (argv, "%" G_GUINT64_FORMAT "M", mib);
	add (argv, "-name");
	add (argv, "%s", side->role);
	add (argv, "-chardev");
	add (argv, "socket,id=mon0,path=%s", qmp_e);
	add (argv, "-mon");
	add (argv, "chardev=mon0,mode=control");
	add (argv, "-chardev");
	add (argv, "socket,id=ser0,path=%s", ser_e);
	add (argv, "-serial");
	add (argv, "chardev:ser0");
	if (g_str_equal (boot, "rom")) {
		/* -bios takes a plain file name, not an option list: no escaping. */
		add (argv, "-bios");
		add (argv, "%s", be->guest_rom);
	} else if (g_str_equal (boot, "disk")) {
		g_autofree char *e = opt_escape (be->guest_disk);

		add (argv, "-drive");
		add (argv, "file=%s,format=raw,if=none,id=d0", e);
		add (argv, "-device");
		add (argv, "ide-hd,drive=d0,secs=1,cyls=1,heads=1");
	} else {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "boot must be rom or disk, not '%s'", boot);
		return FALSE;
	}
	if (g_str_equal (ram, "file")) {
		g_autofree char *e = NULL;

		side->ram_file = g_strdup_printf ("%s/%s.ram", run, side->role);
		e = opt_escape (side->ram_file);
		/* A shared file mapping: its offset is the guest-physical address, so
		 * mwb reads (and for --fault dst-write, writes) guest RAM directly. */
		add (argv, "-object");
		add (argv, "memory-backend-file,id=pc.ram,size=%" G_GUINT64_FORMAT "M,mem-path=%s,share=on",
		     mib, e);
		add (argv, "-machine");
		add (argv, "memory-backend=pc.ram");
	} else if (!g_str_equal (ram, "anon")) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "ram must be file or anon, not '%s'", ram);
		return FALSE;
	}
	if (mwb_step_run_arg (sr, "uuid")) {
		add (argv, "-uuid");
		add (argv, "%s", mwb_step_run_arg (sr, "uuid"));
	}
	if (mwb_step_run_arg (sr, "incoming")) {
		add (argv, "-incoming");
		add (argv, "%s", mwb_step_run_arg (sr, "incoming"));
	}
	if (mwb_step_run_arg (sr, "args")) {
		g_auto (GStrv) extra = NULL;

		if (!g_shell_parse_argv (mwb_step_run_arg (sr, "args"), NULL, &extra, error))
			return FALSE;
		for (guint i = 0; extra[i]; i++)
			add (argv, "%s", extra[i]);
	}
	if (!listen_on (side, qmp, 1, error) || !listen_on (side, ser, 2, error))
		return FALSE;
	return TRUE;
}

gboolean
qemu_side_start (QemuBackend *be, MwbStepRun *sr, GError **error)
{
	const char *role = mwb_step_run_arg (sr, "role");
	const char *run = mwb_runner_run_dir (be->runner);
	QemuSide *old = qemu_side_get (be, role);
	QemuSide *side;
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *base = NULL;
	g_autofree char *path = NULL;
	MwbProcSpec spec = { 0 };
	g_autofree char *expanded_wrap = NULL;
	const char *wrap;

	if (!qemu_role_label (role)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "role must be src or dst, not '%s'", role);
		return FALSE;
	}
	if (old && old->proc && !old->exited) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "%s is already running (pid %d)",
			     old->label, (int) mwb_proc_pid (old->proc));
		return FALSE;
	}
	if (old) {
		/* A fresh destination after a dead one: its files make way. */
		g_autofree char *q = g_strdup_printf ("%s/%s.qmp", run, role);
		g_autofree char *s = g_strdup_printf ("%s/%s.serial", run, role);

		g_hash_table_remove (be->sides, role);
		g_unlink (q);
		g_unlink (s);
	}
	side = g_new0 (QemuSide, 1);
	side->be = be;
	side->role = g_strdup (role);
	side->label = g_strdup (qemu_role_label (role));
	side->log_source = g_strdup_printf ("qmp-%s", role);
	side->events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	side->stderr_tail = g_ptr_array_new_with_free_func (g_free);
	side->cancel = g_cancellable_new ();
	side->accept_cancel = g_cancellable_new ();
	side->listener = g_socket_listener_new ();
	g_hash_table_insert (be->sides, g_strdup (role), side);

	if (!build_argv (be, side, sr, argv, error))
		return FALSE;
	g_ptr_array_add (argv, NULL);

	path = g_strdup_printf ("%s/%s_serial", run, role);
	side->serial_file = fopen (path, "we");
	if (side->serial_file)
		setvbuf (side->serial_file, NULL, _IONBF, 0);
	g_free (path);
	path = g_strdup_printf ("%s/qmp-%s.log", run, role);
	side->qmp_log = fopen (path, "we");
	if (side->qmp_log)
		setvbuf (side->qmp_log, NULL, _IOLBF, 0);

	base = g_strdup_printf ("%s/%s", run, role);
	spec.name = side->label;
	spec.argv = (const char *const *) argv->pdata;
	/* ${run} lets a wrapper put its own log in the run directory
	 * (valgrind --log-file=${run}/valgrind-dst.log). */
	wrap = g_hash_table_lookup (be->cfg->wraps, role);
	if (wrap) {
		g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);

		g_hash_table_insert (vars, (gpointer) "run", (gpointer) run);
		expanded_wrap = mwb_expand_lenient (wrap, vars);
	}
	spec.wrap = expanded_wrap;
	spec.output_base = base;
	spec.on_line = on_line;
	spec.on_exit = on_proc_exit;
	spec.data = side;
	side->proc = mwb_proc_spawn (&spec, error);
	if (!side->proc)
		return FALSE;
	accept_next (side);
	qemu_side_log (side, "started %s (pid %d): %s", side->label, (int) mwb_proc_pid (side->proc),
		       mwb_proc_command_line (side->proc));
	return TRUE;
}
