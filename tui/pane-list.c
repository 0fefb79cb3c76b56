/* The scenario list: every scenario as a tree by path, in the catalogue's
 * order (QEMU's own test order), filtered as the user types. */
#include <string.h>

#include "tui.h"

typedef struct {
	int depth;
	char *label;
	MwbScenario *scn;	/* NULL for a directory row */
} Row;

typedef struct {
	GArray *rows;		/* Row */
	GString *filter;
} ListPriv;

static void
row_clear (gpointer p)
{
	g_free (((Row *) p)->label);
}

static gboolean
matches (const MwbScenario *scn, const char *filter)
{
	g_autofree char *path = NULL;
	g_autofree char *f = NULL;

	if (!*filter)
		return TRUE;
	path = g_utf8_strdown (scn->path, -1);
	f = g_utf8_strdown (filter, -1);
	return strstr (path, f) != NULL;
}

/* Directory rows appear where a path first differs from the one above. */
static void
rebuild (MwbPane *p)
{
	ListPriv *lp = p->priv;
	g_auto (GStrv) prev = NULL;

	g_array_set_size (lp->rows, 0);
	for (guint i = 0; i < p->tui->catalog->len; i++) {
		MwbScenario *scn = p->tui->catalog->pdata[i];
		g_auto (GStrv) parts = NULL;
		guint n, same = 0;

		if (!matches (scn, lp->filter->str))
			continue;
		parts = g_strsplit (scn->path + 1, "/", -1);
		n = g_strv_length (parts);
		while (prev && prev[same] && same + 1 < n && g_strv_length (prev) > same + 1
		       && strcmp (prev[same], parts[same]) == 0)
			same++;
		for (guint d = same; d + 1 < n; d++) {
			Row r = { (int) d, g_strdup_printf ("%s/", parts[d]), NULL };

			g_array_append_val (lp->rows, r);
		}
		Row r = { (int) n - 1, g_strdup (parts[n - 1]), scn };

		g_array_append_val (lp->rows, r);
		g_strfreev (prev);
		prev = g_steal_pointer (&parts);
	}
	pane_set_cursor (p, p->cursor);
}

static guint
list_count (MwbPane *p)
{
	return ((ListPriv *) p->priv)->rows->len;
}

static void
list_draw (MwbPane *p)
{
	ListPriv *lp = p->priv;
	g_autofree char *title = NULL;
	guint shown = 0;

	for (guint i = 0; i < lp->rows->len; i++)
		shown += g_array_index (lp->rows, Row, i).scn != NULL;
	title = lp->filter->len
		? g_strdup_printf (" scenarios: %u matching '%s'  (Enter opens, Esc clears)", shown,
				   lp->filter->str)
		: g_strdup_printf (" scenarios: %u  (type to filter, Enter opens)", shown);
	pane_title (p, title);
	for (int y = 0; y < pane_rows (p); y++) {
		guint i = p->top + y;
		const Row *r;
		g_autofree char *text = NULL;
		MwbColor c;

		if (i >= lp->rows->len)
			break;
		r = &g_array_index (lp->rows, Row, i);
		c = i == p->cursor ? MWB_C_CURSOR : r->scn ? MWB_C_NORMAL : MWB_C_DIM;
		if (i == p->cursor)
			pane_fill (p, y + 1, c);
		text = g_strdup_printf ("%*s%-*s %s", r->depth * 2, "",
					MAX (28 - r->depth * 2, 1), r->label,
					r->scn && r->scn->description ? r->scn->description : "");
		pane_put (p, y + 1, 1, c, text);
	}
	if (!lp->rows->len)
		pane_put (p, 1, 1, MWB_C_DIM, "no scenario matches");
}

static gboolean
list_key (MwbPane *p, int key)
{
	ListPriv *lp = p->priv;

	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (!lp->filter->len)
			return FALSE;
		g_string_truncate (lp->filter, lp->filter->len - 1);
	} else if (key > 32 && key < 127) {
		g_string_append_c (lp->filter, (char) key);
	} else {
		return FALSE;
	}
	p->cursor = 0;
	p->top = 0;
	rebuild (p);
	/* Land on the first scenario, not on its directory. */
	for (guint i = 0; i < lp->rows->len; i++)
		if (g_array_index (lp->rows, Row, i).scn) {
			pane_set_cursor (p, i);
			break;
		}
	tui_redraw_soon (p->tui);
	return TRUE;
}

static gboolean
list_request (MwbPane *p, MwbAction a)
{
	ListPriv *lp = p->priv;
	MwbScenario *scn;
	g_autoptr (GError) err = NULL;

	switch (a) {
	case MWB_ACT_ENTER:
		scn = pane_list_selected (p);
		if (!scn)
			return TRUE;
		if (!tui_open_scenario (p->tui, scn, &err))
			tui_message (p->tui, MWB_C_FAIL, "%s", err->message);
		return TRUE;
	case MWB_ACT_BACK:
		if (!lp->filter->len)
			return FALSE;
		g_string_truncate (lp->filter, 0);
		rebuild (p);
		return TRUE;
	default:
		return pane_move (p, a);
	}
}

static gboolean
list_matches (MwbPane *p, guint i, const char *pattern)
{
	const Row *r = &g_array_index (((ListPriv *) p->priv)->rows, Row, i);

	return r->scn && strstr (r->scn->path, pattern);
}

static gboolean
list_search (MwbPane *p, const char *pattern, gboolean backward)
{
	return pane_find (p, ((ListPriv *) p->priv)->rows->len, backward, list_matches, pattern);
}

static void
list_destroy (gpointer priv)
{
	ListPriv *lp = priv;

	g_array_unref (lp->rows);
	g_string_free (lp->filter, TRUE);
	g_free (lp);
}

static const MwbPaneOps list_ops = {
	.destroy = list_destroy,
	.name = "list",
	.count = list_count,
	.draw = list_draw,
	.request = list_request,
	.search = list_search,
	.key = list_key,
};

MwbPane *
pane_list_new (MwbTui *t)
{
	ListPriv *lp = g_new0 (ListPriv, 1);
	MwbPane *p;

	lp->rows = g_array_new (FALSE, TRUE, sizeof (Row));
	g_array_set_clear_func (lp->rows, row_clear);
	lp->filter = g_string_new (NULL);
	p = pane_new (t, &list_ops, lp);
	rebuild (p);
	/* Start on the first scenario rather than on "x86_64/". */
	for (guint i = 0; i < lp->rows->len; i++)
		if (g_array_index (lp->rows, Row, i).scn) {
			pane_set_cursor (p, i);
			break;
		}
	return p;
}

MwbScenario *
pane_list_selected (MwbPane *p)
{
	ListPriv *lp = p->priv;

	if (p->cursor >= lp->rows->len)
		return NULL;
	return g_array_index (lp->rows, Row, p->cursor).scn;
}
