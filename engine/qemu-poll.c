/* qemu.poll: ask a query command again and again until its reply says what
 * the step waits for, e.g. until="cpu-throttle-percentage >= 1" on
 * query-migrate (auto_converge) or until="status = measured" on
 * query-dirty-rate. A path walks objects by member name and arrays by
 * index; "#" is the number of elements. */
#include "qemu-backend.h"

#include <stdlib.h>
#include <string.h>

typedef enum { OP_EQ, OP_NE, OP_GE, OP_GT, OP_LE, OP_LT } Op;

static const struct {
	const char *text;
	Op op;
} ops[] = {
	{ ">=", OP_GE }, { "<=", OP_LE }, { "!=", OP_NE }, { "=", OP_EQ }, { ">", OP_GT }, { "<", OP_LT },
};

/* "a.b >= 3" -> path "a.b", op, value "3". */
gboolean
qemu_poll_parse_until (const char *until, char **path, int *op, char **value)
{
	for (guint i = 0; i < G_N_ELEMENTS (ops); i++) {
		const char *at = strstr (until, ops[i].text);

		if (!at)
			continue;
		*path = g_strstrip (g_strndup (until, at - until));
		*value = g_strstrip (g_strdup (at + strlen (ops[i].text)));
		*op = ops[i].op;
		if (!**path || !**value) {
			g_clear_pointer (path, g_free);
			g_clear_pointer (value, g_free);
			return FALSE;
		}
		return TRUE;
	}
	return FALSE;
}

/* The value at path as text, or NULL when the path leads nowhere. */
char *
qemu_json_path (JsonNode *node, const char *path)
{
	g_auto (GStrv) parts = g_strsplit (path, ".", -1);

	for (guint i = 0; parts[i] && node; i++) {
		const char *p = parts[i];

		if (g_str_equal (p, "#")) {
			if (JSON_NODE_HOLDS_ARRAY (node))
				return g_strdup_printf ("%u", json_array_get_length (json_node_get_array (node)));
			if (JSON_NODE_HOLDS_OBJECT (node))
				return g_strdup_printf ("%u", json_object_get_size (json_node_get_object (node)));
			return NULL;
		}
		if (JSON_NODE_HOLDS_ARRAY (node)) {
			JsonArray *a = json_node_get_array (node);
			char *end = NULL;
			long k = strtol (p, &end, 10);

			if (!*p || *end || k < 0 || (guint) k >= json_array_get_length (a))
				return NULL;
			node = json_array_get_element (a, (guint) k);
		} else if (JSON_NODE_HOLDS_OBJECT (node)) {
			node = json_object_get_member (json_node_get_object (node), p);
		} else {
			return NULL;
		}
	}
	if (!node || !JSON_NODE_HOLDS_VALUE (node))
		return node ? json_to_string (node, FALSE) : NULL;
	switch (json_node_get_value_type (node)) {
	case G_TYPE_STRING:
		return g_strdup (json_node_get_string (node));
	case G_TYPE_BOOLEAN:
		return g_strdup (json_node_get_boolean (node) ? "true" : "false");
	case G_TYPE_DOUBLE:
		return g_strdup_printf ("%g", json_node_get_double (node));
	default:
		return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
	}
}

static gboolean
holds (const char *actual, int op, const char *want)
{
	char *e1 = NULL, *e2 = NULL;
	double a = g_ascii_strtod (actual, &e1), w = g_ascii_strtod (want, &e2);
	gboolean numeric = *actual && *want && !*e1 && !*e2;
	int cmp = numeric ? (a > w) - (a < w) : strcmp (actual, want);

	switch ((Op) op) {
	case OP_EQ: return cmp == 0;
	case OP_NE: return cmp != 0;
	case OP_GE: return numeric && cmp >= 0;
	case OP_GT: return numeric && cmp > 0;
	case OP_LE: return numeric && cmp <= 0;
	case OP_LT: return numeric && cmp < 0;
	}
	return FALSE;
}

static void send_poll (QemuBackend *be);

static gboolean
on_poll_timer (gpointer data)
{
	QemuBackend *be = data;

	be->grace_timer = 0;
	send_poll (be);
	return G_SOURCE_REMOVE;
}

static void
on_poll_reply (MwbQmp *qmp, JsonNode *ret, const char *eclass, const char *edesc, gpointer data)
{
	QemuSide *side = qemu_reply_side (data, eclass, edesc);
	QemuBackend *be = side ? side->be : NULL;
	g_autofree char *path = NULL;
	g_autofree char *want = NULL;
	g_autofree char *actual = NULL;
	int op = 0;

	(void) qmp;
	if (!side)
		return;
	qemu_poll_parse_until (mwb_step_run_arg (be->sr, "until"), &path, &op, &want);
	actual = qemu_json_path (ret, path);
	be->wait_count++;
	if (actual && holds (actual, op, want)) {
		qemu_finish_ok (be, "%s (%s = %s, after %u %s)", mwb_step_run_arg (be->sr, "until"), path, actual,
				be->wait_count, be->wait_count == 1 ? "query" : "queries");
		return;
	}
	g_free (be->wait_status);
	be->wait_status = g_strdup_printf ("%s = %s", path, actual ? actual : "(absent)");
	mwb_step_run_waiting_for (be->sr, "%s on %s (last: %s)", mwb_step_run_arg (be->sr, "until"), side->label,
				  be->wait_status);
	be->grace_timer = g_timeout_add (atoi (mwb_step_run_arg_or (be->sr, "interval", "100")), on_poll_timer, be);
}

static const char *const engine_args[] = { "role", "command", "until", "interval", NULL };

static void
send_poll (QemuBackend *be)
{
	qemu_execute (be->wait_side, mwb_step_run_arg (be->sr, "command"),
		      qemu_command_args (be->sr, engine_args, NULL), on_poll_reply);
}

static gboolean
check_poll (QemuBackend *be)
{
	if (!be->wait_side->exited)
		return FALSE;
	qemu_finish_fail (be, "%s died while waiting for %s", be->wait_side->label,
			  mwb_step_run_arg (be->sr, "until"));
	return TRUE;
}

void
qemu_action_poll (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = (QemuBackend *) mb;
	QemuSide *side = qemu_begin (mb, sr, TRUE);
	const char *interval = mwb_step_run_arg_or (sr, "interval", "100");
	g_autofree char *path = NULL;
	g_autofree char *want = NULL;
	int op = 0;

	if (!side)
		return;
	if (!qemu_poll_parse_until (mwb_step_run_arg (sr, "until"), &path, &op, &want)) {
		qemu_finish_error (be, "until= takes 'PATH OP VALUE' with OP one of = != >= > <= <, not '%s'",
				   mwb_step_run_arg (sr, "until"));
		return;
	}
	if (atoi (interval) < 1 || atoi (interval) > 60000) {
		qemu_finish_error (be, "interval= takes milliseconds from 1 to 60000, not '%s'", interval);
		return;
	}
	/* Bad arguments are the scenario's mistake: say so before the first query. */
	{
		g_autoptr (GError) err = NULL;
		JsonNode *n = qemu_command_args (sr, engine_args, &err);

		if (n)
			json_node_unref (n);
		if (err) {
			qemu_finish_error (be, "%s", err->message);
			return;
		}
	}
	be->check = check_poll;
	mwb_step_run_waiting_for (sr, "%s on %s", mwb_step_run_arg (sr, "until"), side->label);
	send_poll (be);
}
