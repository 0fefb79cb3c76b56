/* Migration progress from QMP messages; see progress.h. */
#include "progress.h"

#include <json-glib/json-glib.h>

void
mwb_progress_init (MwbProgress *p)
{
	p->status = NULL;
	p->transferred = p->remaining = -1;
	p->mbps = -1;
	p->dirty_syncs = -1;
	p->passes = 0;
}

void
mwb_progress_clear (MwbProgress *p)
{
	g_free (p->status);
	mwb_progress_init (p);
}

static void
set_status (MwbProgress *p, const char *status)
{
	if (!status)
		return;
	g_free (p->status);
	p->status = g_strdup (status);
}

static void
feed_reply (MwbProgress *p, JsonObject *ret)
{
	JsonObject *ram;

	/* query-status answers with "status" too, but also with "running". */
	if (!json_object_has_member (ret, "status") || json_object_has_member (ret, "running"))
		return;
	set_status (p, json_object_get_string_member_with_default (ret, "status", NULL));
	if (!json_object_has_member (ret, "ram")
	    || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (ret, "ram")))
		return;
	ram = json_object_get_object_member (ret, "ram");
	p->transferred = json_object_get_int_member_with_default (ram, "transferred", p->transferred);
	p->remaining = json_object_get_int_member_with_default (ram, "remaining", p->remaining);
	p->mbps = json_object_get_double_member_with_default (ram, "mbps", p->mbps);
	p->dirty_syncs = json_object_get_int_member_with_default (ram, "dirty-sync-count",
								  p->dirty_syncs);
}

void
mwb_progress_feed (MwbProgress *p, const char *json)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	JsonObject *o;
	const char *event;

	if (!json || !json_parser_load_from_data (parser, json, -1, NULL)
	    || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
		return;
	o = json_node_get_object (json_parser_get_root (parser));
	event = json_object_get_string_member_with_default (o, "event", NULL);
	if (event && g_str_equal (event, "MIGRATION") && json_object_has_member (o, "data")) {
		JsonObject *d = json_object_get_object_member (o, "data");

		if (d)
			set_status (p, json_object_get_string_member_with_default (d, "status", NULL));
		return;
	}
	if (event && g_str_equal (event, "MIGRATION_PASS")) {
		p->passes++;
		return;
	}
	if (json_object_has_member (o, "return")
	    && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "return")))
		feed_reply (p, json_object_get_object_member (o, "return"));
}

/* GLib's g_format_size() puts a no-break space before the unit, which is
 * not what a terminal dump or a grep expects. */
char *
mwb_format_bytes (gint64 n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double) n;
	guint u = 0;

	if (n < 1024)
		return g_strdup_printf ("%" G_GINT64_FORMAT " B", n);
	v /= 1024;
	while (v >= 1024 && u + 1 < G_N_ELEMENTS (units)) {
		v /= 1024;
		u++;
	}
	return g_strdup_printf ("%.1f %s", v, units[u]);
}

char *
mwb_progress_describe (const MwbProgress *p)
{
	GString *s;

	if (!p->status)
		return NULL;
	s = g_string_new ("migration ");
	g_string_append (s, p->status);
	if (p->transferred >= 0) {
		g_autofree char *t = mwb_format_bytes (p->transferred);

		g_string_append_printf (s, ": %s sent", t);
	}
	if (p->remaining >= 0) {
		g_autofree char *t = mwb_format_bytes (p->remaining);

		g_string_append_printf (s, ", %s left", t);
	}
	if (p->mbps >= 0)
		g_string_append_printf (s, ", %.0f Mbps", p->mbps);
	if (p->dirty_syncs >= 0)
		g_string_append_printf (s, ", sync %" G_GINT64_FORMAT, p->dirty_syncs);
	else if (p->passes)
		g_string_append_printf (s, ", pass %" G_GINT64_FORMAT, p->passes);
	return g_string_free (s, FALSE);
}
