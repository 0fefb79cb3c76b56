/* qemu.tls: the credentials migration-test makes in its temp dir, made here
 * in the run directory at run time with gnutls' certtool: a PSK file, or an
 * x509 CA with server and client certificates, including the broken ones
 * (another key, another host, a client signed by another CA) that must make
 * a migration fail. */
#include "qemu-backend.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "mwb-error.h"

static gboolean
certtool (GError **error, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;
	va_list ap;
	const char *a;

	g_ptr_array_add (argv, (char *) "certtool");
	va_start (ap, error);
	while ((a = va_arg (ap, const char *)))
		g_ptr_array_add (argv, (char *) a);
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	if (!mwb_run_sync ((const char *const *) argv->pdata, NULL, 20000, &out, &err, &status, error))
		return FALSE;
	if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
		g_autofree char *why = mwb_describe_wait_status (status);

		g_set_error (error, MWB_ERROR, MWB_ERROR_BACKEND, "certtool %s %s: %s", (char *) argv->pdata[1],
			     why, g_strstrip (err));
		return FALSE;
	}
	return TRUE;
}

static char *
in_dir (const char *dir, const char *name)
{
	return g_build_filename (dir, name, NULL);
}

static gboolean
write_template (const char *path, const char *text, GError **error)
{
	return g_file_set_contents (path, text, -1, error);
}

/* A key and a certificate signed by the CA in ca_dir (self-signed if NULL). */
static gboolean
make_cert (const char *dir, const char *ca_dir, const char *stem, const char *tmpl, GError **error)
{
	g_autofree char *key_name = g_strdup_printf ("%s-key.pem", stem);
	g_autofree char *cert_name = g_strdup_printf ("%s-cert.pem", stem);
	g_autofree char *info_name = g_strdup_printf ("%s.info", stem);
	g_autofree char *key = in_dir (dir, key_name);
	g_autofree char *cert = in_dir (dir, cert_name);
	g_autofree char *info = in_dir (dir, info_name);
	g_autofree char *ca_cert = ca_dir ? in_dir (ca_dir, "ca-cert.pem") : NULL;
	g_autofree char *ca_key = ca_dir ? in_dir (ca_dir, "ca-key.pem") : NULL;

	if (!write_template (info, tmpl, error)
	    || !certtool (error, "--generate-privkey", "--key-type=ecdsa", "--outfile", key, NULL))
		return FALSE;
	if (!ca_dir)
		return certtool (error, "--generate-self-signed", "--load-privkey", key, "--template", info,
				 "--outfile", cert, NULL);
	return certtool (error, "--generate-certificate", "--load-ca-certificate", ca_cert,
			 "--load-ca-privkey", ca_key, "--load-privkey", key, "--template", info, "--outfile", cert,
			 NULL);
}

static const char ca_tmpl[] = "cn = mwb migration test CA\nca\ncert_signing_key\nexpiration_days = 7\n";

static gboolean
make_x509 (MwbStepRun *sr, const char *dir, GString *said, GError **error)
{
	const char *hostname = mwb_step_run_arg (sr, "hostname");
	const char *ipaddr = mwb_step_run_arg_or (sr, "ipaddr", hostname ? NULL : "127.0.0.1");
	gboolean client = g_strcmp0 (mwb_step_run_arg_or (sr, "client", "on"), "off") != 0;
	gboolean hostile = g_strcmp0 (mwb_step_run_arg_or (sr, "hostile", "off"), "on") == 0;
	g_autoptr (GString) server = g_string_new ("cn = migration server\ntls_www_server\nencryption_key\n"
						    "signing_key\nexpiration_days = 7\n");
	g_autofree char *other_ca = NULL;
	const char *client_ca = dir;

	if (hostname)
		g_string_append_printf (server, "dns_name = %s\n", hostname);
	if (ipaddr)
		g_string_append_printf (server, "ip_address = %s\n", ipaddr);
	if (!make_cert (dir, NULL, "ca", ca_tmpl, error) || !make_cert (dir, dir, "server", server->str, error))
		return FALSE;
	g_string_append_printf (said, "CA, server certificate for %s%s%s", hostname ? hostname : "",
				hostname && ipaddr ? " and " : "", ipaddr ? ipaddr : "");
	if (!client)
		return TRUE;
	if (hostile) {
		/* Signed by a CA the server does not trust: the same names, another root. */
		other_ca = g_build_filename (dir, "hostile-ca", NULL);
		if (g_mkdir_with_parents (other_ca, 0700) < 0 || !make_cert (other_ca, NULL, "ca", ca_tmpl, error))
			return FALSE;
		client_ca = other_ca;
	}
	if (!make_cert (dir, client_ca, "client",
			"cn = qemu.org\norganization = mwb\ntls_www_client\nencryption_key\nsigning_key\n"
			"expiration_days = 7\n", error))
		return FALSE;
	g_string_append (said, hostile ? ", a client certificate from another CA" : ", a client certificate");
	return TRUE;
}

static gboolean
make_psk (MwbStepRun *sr, const char *dir, GString *said, GError **error)
{
	const char *user = mwb_step_run_arg_or (sr, "username", "qemu");
	const char *key = mwb_step_run_arg (sr, "key");
	g_autofree char *path = in_dir (dir, "keys.psk");
	g_autofree char *random_key = NULL;
	g_autofree char *text = NULL;

	if (!key) {
		GString *k = g_string_new (NULL);

		for (int i = 0; i < 32; i++)
			g_string_append_printf (k, "%02x", g_random_int_range (0, 256));
		key = random_key = g_string_free (k, FALSE);
	}
	text = g_strdup_printf ("%s:%s\n", user, key);
	if (!g_file_set_contents (path, text, -1, error))
		return FALSE;
	g_chmod (path, 0600);
	g_string_append_printf (said, "PSK for user %s", user);
	return TRUE;
}

void
qemu_action_tls (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = (QemuBackend *) mb;
	const char *kind = mwb_step_run_arg (sr, "kind");
	const char *name = mwb_step_run_arg (sr, "dir");
	g_autofree char *dir = NULL;
	g_autoptr (GString) said = g_string_new (NULL);
	g_autoptr (GError) err = NULL;
	gboolean ok;

	be->sr = sr;
	if (strchr (name, '/') || g_str_equal (name, "..") || g_str_equal (name, ".")) {
		qemu_finish_error (be, "dir= names a directory inside the run directory, not '%s'", name);
		return;
	}
	dir = g_build_filename (mwb_runner_run_dir (be->runner), name, NULL);
	if (g_mkdir_with_parents (dir, 0700) < 0) {
		qemu_finish_fail (be, "cannot create %s: %s", dir, g_strerror (errno));
		return;
	}
	if (g_str_equal (kind, "psk"))
		ok = make_psk (sr, dir, said, &err);
	else if (g_str_equal (kind, "x509"))
		ok = make_x509 (sr, dir, said, &err);
	else {
		qemu_finish_error (be, "kind= is psk or x509, not '%s'", kind);
		return;
	}
	if (!ok)
		qemu_finish_fail (be, "%s", err->message);
	else
		qemu_finish_ok (be, "%s in %s", said->str, dir);
}
