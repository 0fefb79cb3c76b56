/* The log pane's model; see logbook.h. */
#include "logbook.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _MwbLogbook {
	GArray *records;	/* MwbLbRecord */
	GPtrArray *views;	/* MwbLbView*; 0 is "all" */
	GHashTable *cmd_by_id;	/* "src\nmwb-7" -> record index + 1 */
};

static void
record_clear (gpointer p)
{
	MwbLbRecord *r = p;

	g_free (r->source);
	g_free (r->side);
	g_free (r->text);
	g_free (r->summary);
	g_free (r->command);
	g_free (r->poll_key);
}

static void
item_free (gpointer p)
{
	MwbLbItem *it = p;

	g_array_unref (it->recs);
	g_free (it->poll_key);
	g_free (it);
}

static MwbLbView *
view_new (const char *name)
{
	MwbLbView *v = g_new0 (MwbLbView, 1);

	v->name = g_strdup (name);
	v->items = g_ptr_array_new_with_free_func (item_free);
	return v;
}

static void
view_free (gpointer p)
{
	MwbLbView *v = p;

	g_ptr_array_unref (v->items);
	g_free (v->name);
	g_free (v);
}

MwbLogbook *
mwb_logbook_new (void)
{
	MwbLogbook *lb = g_new0 (MwbLogbook, 1);

	lb->records = g_array_new (FALSE, TRUE, sizeof (MwbLbRecord));
	g_array_set_clear_func (lb->records, record_clear);
	lb->views = g_ptr_array_new_with_free_func (view_free);
	lb->cmd_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_ptr_array_add (lb->views, view_new ("all"));
	return lb;
}

void
mwb_logbook_free (MwbLogbook *lb)
{
	if (!lb)
		return;
	g_array_unref (lb->records);
	g_ptr_array_unref (lb->views);
	g_hash_table_unref (lb->cmd_by_id);
	g_free (lb);
}

void
mwb_logbook_clear (MwbLogbook *lb)
{
	g_array_set_size (lb->records, 0);
	g_ptr_array_set_size (lb->views, 0);
	g_ptr_array_add (lb->views, view_new ("all"));
	g_hash_table_remove_all (lb->cmd_by_id);
}

guint mwb_logbook_n_views (MwbLogbook *lb) { return lb->views->len; }
MwbLbView *mwb_logbook_view (MwbLogbook *lb, guint i) { return i < lb->views->len ? lb->views->pdata[i] : NULL; }
guint mwb_logbook_n_records (MwbLogbook *lb) { return lb->records->len; }

const MwbLbRecord *
mwb_logbook_record (MwbLogbook *lb, guint index)
{
	return index < lb->records->len ? &g_array_index (lb->records, MwbLbRecord, index) : NULL;
}

int
mwb_logbook_view_index (MwbLogbook *lb, const char *name)
{
	for (guint i = 0; i < lb->views->len; i++)
		if (strcmp (((MwbLbView *) lb->views->pdata[i])->name, name) == 0)
			return (int) i;
	return -1;
}

static MwbLbView *
view_for (MwbLogbook *lb, const char *name)
{
	int i = mwb_logbook_view_index (lb, name);

	if (i >= 0)
		return lb->views->pdata[i];
	g_ptr_array_add (lb->views, view_new (name));
	return lb->views->pdata[lb->views->len - 1];
}

/* "qmp-src" -> "src"; "stderr-dst" -> "dst"; "engine" -> NULL */
static char *
side_of (const char *source)
{
	const char *dash = strrchr (source, '-');

	if (dash && (strcmp (dash + 1, "src") == 0 || strcmp (dash + 1, "dst") == 0))
		return g_strdup (dash + 1);
	return NULL;
}

static char *
compact (JsonNode *node)
{
	return node ? json_to_string (node, FALSE) : g_strdup ("");
}

/* Decodes one QMP message into kind, command and summary. */
static void
decode_qmp (MwbLogbook *lb, MwbLbRecord *r, guint index)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonObject *o;
	g_autofree char *id_key = NULL;

	if (!json_parser_load_from_data (parser, r->text, -1, NULL)
	    || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
		r->summary = g_strdup (r->text);
		return;
	}
	o = json_node_get_object (json_parser_get_root (parser));
	if (json_object_has_member (o, "id") && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "id"))) {
		g_autofree char *id = compact (json_object_get_member (o, "id"));

		id_key = g_strdup_printf ("%s\n%s", r->source, id);
	} else {
		/* No id (a replayed QTEST_LOG): QMP answers in order, so a
		 * reply belongs to the source's last command. */
		id_key = g_strdup_printf ("%s\n", r->source);
	}
	if (json_object_has_member (o, "execute")) {
		g_autofree char *args = json_object_has_member (o, "arguments")
			? compact (json_object_get_member (o, "arguments")) : NULL;

		r->kind = MWB_LB_COMMAND;
		r->command = g_strdup (json_object_get_string_member_with_default (o, "execute", "?"));
		r->summary = g_strdup_printf ("-> %s%s%s", r->command, args ? " " : "", args ? args : "");
		/* Only questions fold: two identical migrate commands are news. */
		if (g_str_has_prefix (r->command, "query-"))
			r->poll_key = g_strdup_printf ("%s %s", r->side ? r->side : "", r->summary);
		if (id_key)
			g_hash_table_replace (lb->cmd_by_id, g_steal_pointer (&id_key),
					      GUINT_TO_POINTER (index + 1));
		return;
	}
	if (json_object_has_member (o, "QMP")) {
		JsonObject *q = json_object_get_object_member (o, "QMP");
		JsonObject *v = q && json_object_has_member (q, "version")
			? json_object_get_object_member (q, "version") : NULL;
		JsonObject *qemu = v && json_object_has_member (v, "qemu")
			? json_object_get_object_member (v, "qemu") : NULL;

		r->kind = MWB_LB_GREETING;
		if (qemu)
			r->summary = g_strdup_printf ("<- greeting: QEMU %" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
						      ".%" G_GINT64_FORMAT,
						      json_object_get_int_member_with_default (qemu, "major", 0),
						      json_object_get_int_member_with_default (qemu, "minor", 0),
						      json_object_get_int_member_with_default (qemu, "micro", 0));
		else
			r->summary = g_strdup ("<- greeting");
		return;
	}
	if (json_object_has_member (o, "event")) {
		g_autofree char *data = json_object_has_member (o, "data")
			? compact (json_object_get_member (o, "data")) : NULL;

		r->kind = MWB_LB_EVENT;
		r->summary = g_strdup_printf ("<- event %s%s%s",
					      json_object_get_string_member_with_default (o, "event", "?"),
					      data ? " " : "", data ? data : "");
		return;
	}
	if (id_key) {
		gpointer idx = g_hash_table_lookup (lb->cmd_by_id, id_key);

		if (idx) {
			const MwbLbRecord *cmd = &g_array_index (lb->records, MwbLbRecord,
								 GPOINTER_TO_UINT (idx) - 1);

			r->command = g_strdup (cmd->command);
			r->poll_key = g_strdup (cmd->poll_key);
		}
		g_hash_table_remove (lb->cmd_by_id, id_key);
	}
	if (json_object_has_member (o, "error")) {
		JsonObject *e = json_object_get_object_member (o, "error");

		r->kind = MWB_LB_ERROR;
		r->summary = g_strdup_printf ("<- %s: error %s: %s", r->command ? r->command : "?",
					      e ? json_object_get_string_member_with_default (e, "class", "?") : "?",
					      e ? json_object_get_string_member_with_default (e, "desc", "") : "");
		return;
	}
	if (json_object_has_member (o, "return")) {
		JsonNode *ret = json_object_get_member (o, "return");
		g_autofree char *val = compact (ret);

		r->kind = MWB_LB_REPLY;
		r->summary = g_strdup_printf ("<- %s: %s", r->command ? r->command : "?",
					      strcmp (val, "{}") == 0 ? "ok" : val);
		return;
	}
	r->summary = g_strdup (r->text);
}

static MwbLbItem *
item_new (guint rec, const char *poll_key)
{
	MwbLbItem *it = g_new0 (MwbLbItem, 1);

	it->recs = g_array_new (FALSE, FALSE, sizeof (guint));
	g_array_append_val (it->recs, rec);
	it->poll_key = g_strdup (poll_key);
	return it;
}

/* A poll and its reply join the run at the end of the view; anything else
 * (an event, a different command, a line of stderr) ends the run. */
static void
view_append (MwbLbView *v, const MwbLbRecord *r, guint index)
{
	MwbLbItem *last = v->items->len ? v->items->pdata[v->items->len - 1] : NULL;

	if (r->poll_key && last && last->poll_key && strcmp (last->poll_key, r->poll_key) == 0) {
		g_array_append_val (last->recs, index);
		return;
	}
	g_ptr_array_add (v->items, item_new (index, r->kind == MWB_LB_COMMAND ? r->poll_key : NULL));
}

/* Serial output comes in arbitrary chunks: glue them into lines. */
static gboolean
glue_serial (MwbLogbook *lb, MwbLbView *v, const char *text)
{
	MwbLbItem *last = v->items->len ? v->items->pdata[v->items->len - 1] : NULL;
	MwbLbRecord *r;
	char *joined;

	if (!last)
		return FALSE;
	r = &g_array_index (lb->records, MwbLbRecord, g_array_index (last->recs, guint, 0));
	if (strlen (r->text) >= 64 || strchr (r->text, '\n'))
		return FALSE;
	joined = g_strconcat (r->text, text, NULL);
	g_free (r->text);
	g_free (r->summary);
	r->text = joined;
	r->summary = g_strdup (joined);
	return TRUE;
}

static void
add_record (MwbLogbook *lb, MwbLbRecord *tmpl, gboolean is_json)
{
	guint index = lb->records->len;
	gboolean serial = g_str_has_prefix (tmpl->source, "serial-");
	MwbLbView *own = view_for (lb, tmpl->source);
	MwbLbRecord *r;

	if (serial && glue_serial (lb, own, tmpl->text)) {
		g_free (tmpl->source);
		g_free (tmpl->text);
		g_free (tmpl->side);
		return;
	}
	g_array_append_val (lb->records, *tmpl);
	r = &g_array_index (lb->records, MwbLbRecord, index);
	if (is_json)
		decode_qmp (lb, r, index);
	if (!r->summary)
		r->summary = g_strdup (r->text);
	view_append (own, r, index);
	/* Serial output is a stream of marker letters: it would drown the rest. */
	if (!serial)
		view_append (lb->views->pdata[0], r, index);
}

void
mwb_logbook_add (MwbLogbook *lb, const MwbLogRecord *rec)
{
	MwbLbRecord r = { 0 };

	r.t_us = rec->t_us;
	r.source = g_strdup (rec->source);
	r.side = side_of (rec->source);
	r.kind = MWB_LB_PLAIN;
	r.text = g_strdup (rec->text ? rec->text : "");
	r.step = rec->step;
	add_record (lb, &r, rec->is_json);
}

void
mwb_logbook_add_line (MwbLogbook *lb, gint64 t_us, const char *source, const char *text,
		      MwbLbKind kind)
{
	MwbLbRecord r = { 0 };

	r.t_us = t_us;
	r.source = g_strdup (source);
	r.side = side_of (source);
	r.kind = kind;
	r.text = g_strdup (text);
	r.step = -1;
	add_record (lb, &r, FALSE);
}

static char *
record_line (const MwbLbRecord *r, gboolean merged, const char *indent)
{
	const char *who = merged ? r->source : "";

	if (r->side && merged && g_str_has_prefix (r->source, "qmp-"))
		who = r->side;
	return g_strdup_printf ("%8.3f %s%-*s %s", r->t_us / 1e6, indent, merged ? 10 : 0, who,
				r->summary);
}

/* The record's JSON, pretty-printed, under its line. */
static void
add_pretty (GPtrArray *lines, GArray *kinds, const MwbLbRecord *r)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autofree char *pretty = NULL;
	g_auto (GStrv) parts = NULL;
	int kind = r->kind;

	if (!json_parser_load_from_data (parser, r->text, -1, NULL))
		return;
	pretty = json_to_string (json_parser_get_root (parser), TRUE);
	parts = g_strsplit (pretty, "\n", -1);
	for (guint i = 0; parts[i]; i++) {
		g_ptr_array_add (lines, g_strdup_printf ("           %s", parts[i]));
		if (kinds)
			g_array_append_val (kinds, kind);
	}
}

GPtrArray *
mwb_logbook_item_lines (MwbLogbook *lb, const MwbLbView *view, const MwbLbItem *item, GArray *kinds)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	gboolean merged = view == lb->views->pdata[0];
	const MwbLbRecord *first = mwb_logbook_record (lb, g_array_index (item->recs, guint, 0));
	int kind;

	if (item->recs->len > 1) {
		/* The run's last answer is what the user wants at a glance. */
		const MwbLbRecord *last = mwb_logbook_record (lb, g_array_index (item->recs, guint,
									      item->recs->len - 1));
		guint polls = 0;
		g_autofree char *head = NULL;

		for (guint i = 0; i < item->recs->len; i++)
			if (mwb_logbook_record (lb, g_array_index (item->recs, guint, i))->kind
			    == MWB_LB_COMMAND)
				polls++;
		head = record_line (first, merged, "");
		if (polls == 1 && last->kind != MWB_LB_COMMAND)
			/* A question and its answer on one line. */
			g_ptr_array_add (lines, g_strdup_printf ("%s  %s", head, last->summary));
		else
			g_ptr_array_add (lines, g_strdup_printf ("%s  [%c x%u] last %s", head,
								 item->expanded ? '-' : '+', polls,
								 last->summary));
		kind = last->kind == MWB_LB_ERROR ? MWB_LB_ERROR : MWB_LB_COMMAND;
		if (kinds)
			g_array_append_val (kinds, kind);
		if (!item->expanded)
			return lines;
		for (guint i = 0; i < item->recs->len; i++) {
			const MwbLbRecord *r = mwb_logbook_record (lb, g_array_index (item->recs, guint, i));

			g_ptr_array_add (lines, record_line (r, merged, "  "));
			kind = r->kind;
			if (kinds)
				g_array_append_val (kinds, kind);
			/* One question and its answer: the answer in full. */
			if (polls == 1 && r->kind != MWB_LB_COMMAND)
				add_pretty (lines, kinds, r);
		}
		return lines;
	}
	g_ptr_array_add (lines, record_line (first, merged, ""));
	kind = first->kind;
	if (kinds)
		g_array_append_val (kinds, kind);
	if (item->expanded && first->kind != MWB_LB_PLAIN)
		add_pretty (lines, kinds, first);
	return lines;
}

int
mwb_logbook_last_item_of_step (MwbLogbook *lb, const MwbLbView *view, int step)
{
	for (guint i = view->items->len; i-- > 0;) {
		const MwbLbItem *it = view->items->pdata[i];

		for (guint j = 0; j < it->recs->len; j++)
			if (mwb_logbook_record (lb, g_array_index (it->recs, guint, j))->step == step)
				return (int) i;
	}
	return -1;
}
