/* results.json: the report as data, for `mwb report compare` and
 * `mwb report problems`, and for whatever a CI job wants to do with it.
 * Written by hand so that numbers read as they were printed (3.142, not
 * 3.1419999999999999); read with json-glib, every member's type checked,
 * so that a hand-edited or foreign file is refused with a reason rather than
 * half understood. docs/reports.md describes the format. */
#include "report.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "mwb-error.h"

#define FORMAT_NAME "mwb-report"
#define FORMAT_VERSION 1

/* ---- writing ---- */

static void
put_string (GString *s, const char *v)
{
	g_autofree char *valid = NULL;
	g_autofree char *quoted = NULL;
	g_autoptr (JsonNode) n = NULL;

	if (!v) {
		g_string_append (s, "null");
		return;
	}
	/* JSON is UTF-8; a reason may quote a process's raw bytes. */
	valid = g_utf8_make_valid (v, -1);
	n = json_node_new (JSON_NODE_VALUE);
	json_node_set_string (n, valid);
	quoted = json_to_string (n, FALSE);
	g_string_append (s, quoted);
}

static void
put_member (GString *s, const char *indent, const char *key, const char *value, gboolean last)
{
	g_string_append_printf (s, "%s\"%s\": ", indent, key);
	put_string (s, value);
	g_string_append (s, last ? "\n" : ",\n");
}

static void
put_checks (GString *s, const MwbReportEntry *e)
{
	if (!e->checks || !e->checks->len) {
		g_string_append (s, "      \"checks\": []\n");
		return;
	}
	g_string_append (s, "      \"checks\": [\n");
	for (guint i = 0; i < e->checks->len; i++) {
		const MwbReportCheck *c = e->checks->pdata[i];

		g_string_append (s, "        { \"text\": ");
		put_string (s, c->text);
		g_string_append_printf (s, ", \"state\": \"%s\", \"comment\": ", mwb_check_state_name (c->state));
		put_string (s, c->comment);
		g_string_append (s, i + 1 < e->checks->len ? " },\n" : " }\n");
	}
	g_string_append (s, "      ]\n");
}

static void
put_entry (GString *s, const MwbReportEntry *e, gboolean last)
{
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	double d = isfinite (e->duration) && e->duration > 0 ? e->duration : 0;

	g_string_append (s, "    {\n");
	put_member (s, "      ", "path", e->path, FALSE);
	put_member (s, "      ", "verdict", mwb_verdict_name (e->verdict), FALSE);
	g_string_append_printf (s, "      \"duration\": %s,\n", g_ascii_formatd (num, sizeof num, "%.3f", d));
	put_member (s, "      ", "reason", e->reason, FALSE);
	/* 1-based, as "at step N" and journal.jsonl count. */
	if (e->failed_step >= 0)
		g_string_append_printf (s, "      \"failed_step\": %d,\n", e->failed_step + 1);
	else
		g_string_append (s, "      \"failed_step\": null,\n");
	put_member (s, "      ", "failed_name", e->failed_name, FALSE);
	put_member (s, "      ", "run_dir", e->run_dir, FALSE);
	g_string_append_printf (s, "      \"kept\": %s,\n      \"known_broken\": %s,\n", e->kept ? "true" : "false",
				e->known_broken ? "true" : "false");
	put_member (s, "      ", "known_reason", e->known_reason, FALSE);
	put_checks (s, e);
	g_string_append (s, last ? "    }\n" : "    },\n");
}

char *
mwb_report_to_json (const MwbReport *r)
{
	GString *s = g_string_new ("{\n");
	MwbReportTotals t;

	g_string_append_printf (s, "  \"format\": \"%s\",\n  \"version\": %d,\n", FORMAT_NAME, FORMAT_VERSION);
	put_member (s, "  ", "started", r->started, FALSE);
	put_member (s, "  ", "host", r->host, FALSE);
	g_string_append (s, "  \"scenarios\": [\n");
	for (guint i = 0; i < r->entries->len; i++)
		put_entry (s, r->entries->pdata[i], i + 1 == r->entries->len);
	mwb_report_totals (r, &t);
	g_string_append_printf (s, "  ],\n  \"totals\": { \"passed\": %u, \"failed\": %u, \"skipped\": %u,"
				" \"known\": %u, \"now_passing\": %u }\n}\n",
				t.passed, t.failed, t.skipped, t.known, t.now_passing);
	return g_string_free (s, FALSE);
}

/* ---- reading ---- */

typedef struct {
	const char *file;
	char *where;		/* "scenarios[3] (/a/b)": whose member is wrong */
	GError **error;
} Reader;

static gboolean
fail (Reader *rd, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Reader *rd, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (rd->error, MWB_ERROR, MWB_ERROR_PARSE, "%s: %s%s%s", rd->file, rd->where ? rd->where : "",
		     rd->where ? ": " : "", msg);
	return FALSE;
}

static const char *
type_of (JsonNode *n)
{
	if (JSON_NODE_HOLDS_NULL (n))
		return "null";
	if (JSON_NODE_HOLDS_OBJECT (n))
		return "an object";
	if (JSON_NODE_HOLDS_ARRAY (n))
		return "an array";
	switch (json_node_get_value_type (n)) {
	case G_TYPE_STRING:
		return "a string";
	case G_TYPE_BOOLEAN:
		return "a boolean";
	default:
		return "a number";
	}
}

static gboolean
is_value (JsonNode *n, GType t)
{
	return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == t;
}

/* A string member: absent or null gives NULL unless required. */
static gboolean
get_string (Reader *rd, JsonObject *o, const char *key, gboolean required, char **out)
{
	JsonNode *n = json_object_get_member (o, key);

	if (!n || JSON_NODE_HOLDS_NULL (n)) {
		if (required)
			return fail (rd, "'%s' is missing", key);
		return TRUE;
	}
	if (!is_value (n, G_TYPE_STRING))
		return fail (rd, "'%s' must be a string, not %s", key, type_of (n));
	/* json-glib passes bytes that escapes such as "\620" make */
	if (!g_utf8_validate (json_node_get_string (n), -1, NULL))
		return fail (rd, "'%s' is not UTF-8 text", key);
	*out = g_strdup (json_node_get_string (n));
	return TRUE;
}

static gboolean
get_bool (Reader *rd, JsonObject *o, const char *key, gboolean *out)
{
	JsonNode *n = json_object_get_member (o, key);

	if (!n || JSON_NODE_HOLDS_NULL (n))
		return TRUE;
	if (!is_value (n, G_TYPE_BOOLEAN))
		return fail (rd, "'%s' must be true or false, not %s", key, type_of (n));
	*out = json_node_get_boolean (n);
	return TRUE;
}

static gboolean
get_duration (Reader *rd, JsonObject *o, double *out)
{
	JsonNode *n = json_object_get_member (o, "duration");
	double d;

	if (!n || JSON_NODE_HOLDS_NULL (n))
		return TRUE;
	if (!is_value (n, G_TYPE_DOUBLE) && !is_value (n, G_TYPE_INT64))
		return fail (rd, "'duration' must be a number of seconds, not %s", type_of (n));
	d = json_node_get_double (n);
	/* json-glib reads 1e999 as infinity */
	if (!isfinite (d) || d < 0 || d > 1e9)
		return fail (rd, "'duration' must be from 0 to 1e9 seconds, not %g", d);
	*out = d;
	return TRUE;
}

static gboolean
get_step (Reader *rd, JsonObject *o, int *out)
{
	JsonNode *n = json_object_get_member (o, "failed_step");
	gint64 v;

	if (!n || JSON_NODE_HOLDS_NULL (n))
		return TRUE;
	if (!is_value (n, G_TYPE_INT64))
		return fail (rd, "'failed_step' must be a step number or null, not %s", type_of (n));
	v = json_node_get_int (n);
	if (v < 1 || v > 1000000)
		return fail (rd, "'failed_step' counts steps from 1 (null for none), not %" G_GINT64_FORMAT, v);
	*out = (int) v - 1;
	return TRUE;
}

static gboolean
read_check (Reader *rd, JsonNode *n, MwbReportEntry *e, guint i)
{
	g_autofree char *outer = rd->where;
	g_autofree char *text = NULL, *state = NULL, *comment = NULL;
	MwbCheckState st;
	JsonObject *o;
	gboolean ok;

	rd->where = g_strdup_printf ("%s: checks[%u]", outer, i);
	if (!JSON_NODE_HOLDS_OBJECT (n))
		ok = fail (rd, "must be an object, not %s", type_of (n));
	else {
		o = json_node_get_object (n);
		ok = get_string (rd, o, "text", TRUE, &text) && get_string (rd, o, "state", TRUE, &state)
			&& get_string (rd, o, "comment", FALSE, &comment);
		if (ok && !mwb_check_state_from_name (state, &st))
			ok = fail (rd, "'state' must be \"ok\", \"not ok\" or \"skip\", not '%s'", state);
		if (ok)
			mwb_report_entry_add_check (e, text, st, comment);
	}
	g_free (rd->where);
	rd->where = g_steal_pointer (&outer);
	return ok;
}

static gboolean
read_entry (Reader *rd, JsonObject *o, MwbReport *r)
{
	g_autofree char *path = NULL, *verdict = NULL;
	MwbVerdict v;
	MwbReportEntry *e;
	JsonNode *checks;

	if (!get_string (rd, o, "path", TRUE, &path) || !get_string (rd, o, "verdict", TRUE, &verdict))
		return FALSE;
	if (!*path)
		return fail (rd, "'path' is empty");
	g_free (rd->where);
	rd->where = g_strdup_printf ("scenarios[%u] (%s)", r->entries->len, path);
	for (guint i = 0; i < r->entries->len; i++)
		if (g_str_equal (((MwbReportEntry *) r->entries->pdata[i])->path, path))
			return fail (rd, "already listed as scenarios[%u]", i);
	if (!mwb_verdict_from_name (verdict, &v))
		return fail (rd, "'verdict' must be PASS, FAIL, SKIP, ABORTED or NONE, not '%s'", verdict);
	e = mwb_report_add (r, path, v);
	if (!get_duration (rd, o, &e->duration) || !get_string (rd, o, "reason", FALSE, &e->reason)
	    || !get_step (rd, o, &e->failed_step) || !get_string (rd, o, "failed_name", FALSE, &e->failed_name)
	    || !get_string (rd, o, "run_dir", FALSE, &e->run_dir) || !get_bool (rd, o, "kept", &e->kept)
	    || !get_bool (rd, o, "known_broken", &e->known_broken)
	    || !get_string (rd, o, "known_reason", FALSE, &e->known_reason))
		return FALSE;
	checks = json_object_get_member (o, "checks");
	if (!checks || JSON_NODE_HOLDS_NULL (checks))
		return TRUE;
	if (!JSON_NODE_HOLDS_ARRAY (checks))
		return fail (rd, "'checks' must be an array, not %s", type_of (checks));
	for (guint i = 0; i < json_array_get_length (json_node_get_array (checks)); i++)
		if (!read_check (rd, json_array_get_element (json_node_get_array (checks), i), e, i))
			return FALSE;
	return TRUE;
}

static gboolean
read_root (Reader *rd, JsonNode *root, MwbReport *r)
{
	JsonObject *o;
	JsonNode *n;
	JsonArray *list;

	if (!root)
		return fail (rd, "empty, expected an mwb report (JSON)");
	if (!JSON_NODE_HOLDS_OBJECT (root))
		return fail (rd, "expected an mwb report, a JSON object, not %s", type_of (root));
	o = json_node_get_object (root);
	n = json_object_get_member (o, "format");
	if (!is_value (n, G_TYPE_STRING) || !g_str_equal (json_node_get_string (n), FORMAT_NAME))
		return fail (rd, "not an mwb report (\"format\" is not \"%s\")", FORMAT_NAME);
	n = json_object_get_member (o, "version");
	if (!is_value (n, G_TYPE_INT64))
		return fail (rd, "'version' must be a number, not %s", n ? type_of (n) : "missing");
	if (json_node_get_int (n) != FORMAT_VERSION)
		return fail (rd, "version %" G_GINT64_FORMAT " reports are not known to this mwb (it reads version %d)",
			     json_node_get_int (n), FORMAT_VERSION);
	g_clear_pointer (&r->started, g_free);
	g_clear_pointer (&r->host, g_free);
	if (!get_string (rd, o, "started", FALSE, &r->started) || !get_string (rd, o, "host", FALSE, &r->host))
		return FALSE;
	if (!r->started)
		r->started = g_strdup ("");
	if (!r->host)
		r->host = g_strdup ("");
	n = json_object_get_member (o, "scenarios");
	if (!n || !JSON_NODE_HOLDS_ARRAY (n))
		return fail (rd, "'scenarios' must be an array, not %s", n ? type_of (n) : "missing");
	list = json_node_get_array (n);
	for (guint i = 0; i < json_array_get_length (list); i++) {
		JsonNode *el = json_array_get_element (list, i);

		g_free (rd->where);
		rd->where = g_strdup_printf ("scenarios[%u]", i);
		if (!JSON_NODE_HOLDS_OBJECT (el))
			return fail (rd, "must be an object, not %s", type_of (el));
		if (!read_entry (rd, json_node_get_object (el), r))
			return FALSE;
	}
	return TRUE;
}

MwbReport *
mwb_report_from_json (const char *file, const char *text, gsize len, GError **error)
{
	g_autoptr (JsonParser) parser = json_parser_new_immutable ();
	g_autoptr (MwbReport) r = mwb_report_new ();
	g_autoptr (GError) err = NULL;
	Reader rd = { file, NULL, error };
	gboolean ok;

	if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, text, (gssize) len, &err)) {
		/* json-glib says "<data>:LINE:COL: Parse error: ..." */
		const char *m = err ? err->message : "too large";

		if (g_str_has_prefix (m, "<data>:"))
			m += strlen ("<data>:");
		else if (g_str_has_prefix (m, "<data>"))
			m += strlen ("<data>");
		g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%s%s", file, *m == ' ' || g_ascii_isdigit (*m) ? "" : " ",
			     m);
		return NULL;
	}
	ok = read_root (&rd, json_parser_get_root (parser), r);
	g_free (rd.where);
	return ok ? g_steal_pointer (&r) : NULL;
}

MwbReport *
mwb_report_load (const char *file, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GError) err = NULL;

	if (!g_file_get_contents (file, &text, &len, &err)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "%s", err->message);
		return NULL;
	}
	return mwb_report_from_json (file, text, len, error);
}
