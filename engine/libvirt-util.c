/* Small things the libvirt backend's files share: results, libvirt's errors
 * by name, the guest's domain XML and its counter. */
#define _GNU_SOURCE
#include "libvirt-priv.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "../guestcode/lvguest.h"
#include "libvirt-hosts.h"
#include "mwb-error.h"

void
lv_result_ok (LvResult *res, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_free (res->message);
	res->message = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	res->ok = TRUE;
}

void
lv_result_fail (LvResult *res, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_free (res->message);
	res->message = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	res->ok = FALSE;
}

/* The names users grep for; the rest are shown by number. */
static const struct {
	int code;
	const char *name;
} error_names[] = {
	{ VIR_ERR_INTERNAL_ERROR, "VIR_ERR_INTERNAL_ERROR" },
	{ VIR_ERR_NO_SUPPORT, "VIR_ERR_NO_SUPPORT" },
	{ VIR_ERR_NO_CONNECT, "VIR_ERR_NO_CONNECT" },
	{ VIR_ERR_INVALID_CONN, "VIR_ERR_INVALID_CONN" },
	{ VIR_ERR_INVALID_DOMAIN, "VIR_ERR_INVALID_DOMAIN" },
	{ VIR_ERR_INVALID_ARG, "VIR_ERR_INVALID_ARG" },
	{ VIR_ERR_OPERATION_FAILED, "VIR_ERR_OPERATION_FAILED" },
	{ VIR_ERR_XML_ERROR, "VIR_ERR_XML_ERROR" },
	{ VIR_ERR_DOM_EXIST, "VIR_ERR_DOM_EXIST" },
	{ VIR_ERR_OPERATION_DENIED, "VIR_ERR_OPERATION_DENIED" },
	{ VIR_ERR_OPEN_FAILED, "VIR_ERR_OPEN_FAILED" },
	{ VIR_ERR_SYSTEM_ERROR, "VIR_ERR_SYSTEM_ERROR" },
	{ VIR_ERR_RPC, "VIR_ERR_RPC" },
	{ VIR_ERR_NO_DOMAIN, "VIR_ERR_NO_DOMAIN" },
	{ VIR_ERR_AUTH_FAILED, "VIR_ERR_AUTH_FAILED" },
	{ VIR_ERR_OPERATION_INVALID, "VIR_ERR_OPERATION_INVALID" },
	{ VIR_ERR_CONFIG_UNSUPPORTED, "VIR_ERR_CONFIG_UNSUPPORTED" },
	{ VIR_ERR_OPERATION_TIMEOUT, "VIR_ERR_OPERATION_TIMEOUT" },
	{ VIR_ERR_MIGRATE_PERSIST_FAILED, "VIR_ERR_MIGRATE_PERSIST_FAILED" },
	{ VIR_ERR_ARGUMENT_UNSUPPORTED, "VIR_ERR_ARGUMENT_UNSUPPORTED" },
	{ VIR_ERR_OPERATION_ABORTED, "VIR_ERR_OPERATION_ABORTED" },
	{ VIR_ERR_MIGRATE_UNSAFE, "VIR_ERR_MIGRATE_UNSAFE" },
	{ VIR_ERR_OPERATION_UNSUPPORTED, "VIR_ERR_OPERATION_UNSUPPORTED" },
	{ VIR_ERR_RESOURCE_BUSY, "VIR_ERR_RESOURCE_BUSY" },
	{ VIR_ERR_MIGRATE_FINISH_OK, "VIR_ERR_MIGRATE_FINISH_OK" },
	{ VIR_ERR_NO_SERVER, "VIR_ERR_NO_SERVER" },
};

const char *
lv_error_name (int code)
{
	for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
		if (error_names[i].code == code)
			return error_names[i].name;
	return NULL;
}

char *
lv_last_error (int *code)
{
	virErrorPtr e = virGetLastError ();
	const char *name;

	if (code)
		*code = e ? e->code : 0;
	if (!e)
		return g_strdup ("libvirt gave no error");
	name = lv_error_name (e->code);
	return g_strdup_printf ("libvirt error %s (code %d, domain %d): %s", name ? name : "VIR_ERR_?", e->code,
				e->domain, e->message ? e->message : "no message");
}

void
lv_result_virt_fail (LvResult *res, const char *what)
{
	g_autofree char *err = lv_last_error (NULL);

	lv_result_fail (res, "%s: %s", what, err);
}

int
lv_role (MwbStepRun *sr, GError **error)
{
	const char *role = mwb_step_run_arg_or (sr, "role", "src");

	if (g_str_equal (role, "src"))
		return LV_SRC;
	if (g_str_equal (role, "dst"))
		return LV_DST;
	g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "role=%s: expected src or dst", role);
	return -1;
}

const char *
lv_role_name (int role)
{
	return role == LV_SRC ? "src" : "dst";
}

virDomainPtr
lv_lookup (LvBackend *be, int role)
{
	return be->conn[role] ? virDomainLookupByName (be->conn[role], be->domain) : NULL;
}

char *
lv_domain_xml (const char *name, const char *uuid, const char *kernel, const char *emulator)
{
	g_autofree char *n = g_markup_escape_text (name, -1);
	g_autofree char *k = g_markup_escape_text (kernel, -1);
	g_autofree char *e = g_markup_escape_text (emulator, -1);
	/* kvm when this machine has it, as QEMU's own tests do. */
	const char *type = access ("/dev/kvm", R_OK | W_OK) == 0 ? "kvm" : "qemu";

	/* No disk (libvirt refuses to migrate one that is not shared), no NIC,
	 * no USB, no balloon: nothing but the CPU and the RAM moves. */
	return g_strdup_printf (
		"<domain type='%s'>\n"
		"  <name>%s</name>\n"
		"  <uuid>%s</uuid>\n"
		"  <memory unit='MiB'>64</memory>\n"
		"  <vcpu>1</vcpu>\n"
		"  <os>\n"
		"    <type arch='x86_64' machine='pc'>hvm</type>\n"
		"    <loader type='rom'>/usr/share/qemu/qboot.rom</loader>\n"
		"    <kernel>%s</kernel>\n"
		"  </os>\n"
		"  <on_poweroff>destroy</on_poweroff>\n"
		"  <on_reboot>destroy</on_reboot>\n"
		"  <on_crash>destroy</on_crash>\n"
		"  <devices>\n"
		"    <emulator>%s</emulator>\n"
		"    <controller type='usb' model='none'/>\n"
		"    <memballoon model='none'/>\n"
		"  </devices>\n"
		"</domain>\n",
		type, n, uuid, k, e);
}

/* HMP's `xp /1gx ADDR` answers "0000000000200000: 0x0000000000001234". */
static gboolean
read_u64 (virDomainPtr dom, guint64 addr, guint64 *value, char **error)
{
	g_autofree char *cmd = g_strdup_printf ("xp /1gx 0x%" G_GINT64_MODIFIER "x", addr);
	char *reply = NULL;
	const char *x;

	if (virDomainQemuMonitorCommand (dom, cmd, &reply, VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP) < 0) {
		*error = lv_last_error (NULL);
		return FALSE;
	}
	x = strstr (reply, ": 0x");
	if (!x) {
		*error = g_strdup_printf ("unexpected answer to '%s': %s", cmd, reply);
		free (reply);
		return FALSE;
	}
	*value = g_ascii_strtoull (x + 2, NULL, 16);
	free (reply);
	return TRUE;
}

gboolean
lv_read_counter (virDomainPtr dom, guint64 *counter, gboolean *booted, char **error)
{
	guint64 magic = 0;

	if (!read_u64 (dom, MWB_LVGUEST_MAGIC_ADDR, &magic, error)
	    || !read_u64 (dom, MWB_LVGUEST_COUNTER_ADDR, counter, error))
		return FALSE;
	*booted = magic == MWB_LVGUEST_MAGIC;
	return TRUE;
}

GPid
lv_qemu_pid (LvBackend *be, int role)
{
	g_autofree char *dir = mwb_hosts_dir ();
	g_autofree char *host_uri = mwb_hosts_uri (&mwb_hosts[role]);
	g_autofree char *file = NULL;
	g_autofree char *text = NULL;
	g_autofree char *pidname = g_strdup_printf ("%s.pid", be->domain);

	/* Only mwb's own hosts keep their run directory where mwb can see it. */
	if (!be->uri[role] || !g_str_equal (be->uri[role], host_uri))
		return 0;
	file = g_build_filename (dir, mwb_hosts[role].role, "run", "qemu", pidname, NULL);
	if (!g_file_get_contents (file, &text, NULL, NULL))
		return 0;
	return (GPid) g_ascii_strtoll (text, NULL, 10);
}

/* The guest off one host: destroyed (its QEMU killed first when mwb can
 * see it, so that libvirt does not wait for a QEMU asked to quit) and
 * undefined. Appends " destroyed on src;" and the like to said. */
void
lv_reset_domain (LvBackend *be, int role, GString *said)
{
	virDomainPtr dom = lv_lookup (be, role);

	if (!dom)
		return;
	if (virDomainIsActive (dom) == 1) {
		GPid pid = lv_qemu_pid (be, role);

		if (pid > 0)
			kill (pid, SIGKILL);
		if (virDomainDestroy (dom) == 0)
			g_string_append_printf (said, " destroyed on %s;", lv_role_name (role));
	}
	if (virDomainIsPersistent (dom) == 1 && virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM) == 0)
		g_string_append_printf (said, " undefined on %s;", lv_role_name (role));
	virDomainFree (dom);
}
