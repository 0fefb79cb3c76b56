/* The log pane: one tab per source and "all", drawn from the logbook. The
 * cursor is on an item (a record, or a folded run of polls); Enter expands
 * it. At the last item the pane follows new lines, like tail -f. */
#include <string.h>

#include "tui.h"

typedef struct {
	guint view;
} LogPriv;

static MwbLbView *
current (MwbPane *p)
{
	LogPriv *lp = p->priv;
	MwbLbView *v = mwb_logbook_view (p->tui->log, lp->view);

	if (!v) {
		lp->view = 0;
		v = mwb_logbook_view (p->tui->log, 0);
	}
	return v;
}

static guint
log_count (MwbPane *p)
{
	return current (p)->items->len;
}

static MwbColor
kind_color (MwbLbKind k)
{
	switch (k) {
	case MWB_LB_COMMAND: return MWB_C_COMMAND;
	case MWB_LB_ERROR: return MWB_C_FAIL;
	case MWB_LB_EVENT: return MWB_C_EVENT;
	case MWB_LB_GREETING: return MWB_C_DIM;
	default: return MWB_C_NORMAL;
	}
}

/* The tab shown comes first, so a narrow pane still names it. */
static void
draw_title (MwbPane *p)
{
	LogPriv *lp = p->priv;
	g_autoptr (GString) s = g_string_new (NULL);

	g_string_printf (s, " log [%s]  tabs ([ ]):", current (p)->name);
	for (guint i = 0; i < mwb_logbook_n_views (p->tui->log); i++)
		if (i != lp->view)
			g_string_append_printf (s, " %s", mwb_logbook_view (p->tui->log, i)->name);
	pane_title (p, s->str);
}

/* Long lines wrap under their text, past the time and source columns. */
static void
wrap_lines (GPtrArray *lines, GArray *kinds, int width)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GArray) okinds = g_array_new (FALSE, FALSE, sizeof (int));
	const int indent = 20;

	for (guint i = 0; i < lines->len; i++) {
		const char *l = lines->pdata[i];
		int k = g_array_index (kinds, int, i);
		gsize len = strlen (l);
		gsize first = MAX (width, 1);

		g_ptr_array_add (out, g_strndup (l, first));
		g_array_append_val (okinds, k);
		for (gsize at = first; at < len && width > indent + 10; at += width - indent) {
			g_ptr_array_add (out, g_strdup_printf ("%*s%.*s", indent, "", width - indent, l + at));
			g_array_append_val (okinds, k);
		}
	}
	g_ptr_array_set_size (lines, 0);
	for (guint i = 0; i < out->len; i++)
		g_ptr_array_add (lines, g_strdup (out->pdata[i]));
	g_array_set_size (kinds, 0);
	g_array_append_vals (kinds, okinds->data, okinds->len);
}

static GPtrArray *
item_rows (MwbPane *p, MwbLbView *v, guint i, GArray *kinds)
{
	GPtrArray *lines = mwb_logbook_item_lines (p->tui->log, v, v->items->pdata[i], kinds);

	wrap_lines (lines, kinds, p->w);
	return lines;
}

/* Moves top down until the cursor's item ends inside the pane. */
static void
fit_cursor (MwbPane *p, MwbLbView *v)
{
	int rows = pane_rows (p);

	if (p->cursor < p->top)
		p->top = p->cursor;
	for (;;) {
		int used = 0;

		for (guint i = p->top; i <= p->cursor && i < v->items->len; i++) {
			g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (int));
			g_autoptr (GPtrArray) lines = item_rows (p, v, i, kinds);

			used += lines->len;
		}
		if (used <= rows || p->top >= p->cursor)
			return;
		p->top++;
	}
}

static void
log_draw (MwbPane *p)
{
	MwbTui *t = p->tui;
	MwbLbView *v = current (p);
	int y = 0;

	draw_title (p);
	if (p->follow && v->items->len)
		pane_set_cursor (p, v->items->len - 1);
	if (v->items->len)
		fit_cursor (p, v);
	for (guint i = p->top; i < v->items->len && y < pane_rows (p); i++) {
		MwbLbItem *it = v->items->pdata[i];
		g_autoptr (GArray) kinds = g_array_new (FALSE, FALSE, sizeof (int));
		g_autoptr (GPtrArray) lines = item_rows (p, v, i, kinds);
		const MwbLbRecord *first = mwb_logbook_record (t->log, g_array_index (it->recs, guint, 0));

		for (guint j = 0; j < lines->len && y < pane_rows (p); j++, y++) {
			MwbColor c = kind_color (g_array_index (kinds, int, j));

			if (strcmp (first->source, "memcheck") == 0)
				c = MWB_C_FAIL;
			if (i == p->cursor && p == t->focus) {
				c = MWB_C_CURSOR;
				pane_fill (p, y + 1, c);
			}
			pane_put (p, y + 1, 0, c, lines->pdata[j]);
		}
	}
	if (!v->items->len)
		pane_put (p, 1, 1, MWB_C_DIM, t->runner ? "nothing logged yet" : "no run");
}

static void
show_view (MwbPane *p, guint view)
{
	LogPriv *lp = p->priv;

	lp->view = view;
	p->follow = TRUE;
	p->top = 0;
	pane_set_cursor (p, log_count (p) ? log_count (p) - 1 : 0);
	p->follow = TRUE;
}

static gboolean
log_request (MwbPane *p, MwbAction a)
{
	LogPriv *lp = p->priv;
	guint n = mwb_logbook_n_views (p->tui->log);
	MwbLbView *v = current (p);

	switch (a) {
	case MWB_ACT_NEXT_TAB:
		show_view (p, (lp->view + 1) % n);
		return TRUE;
	case MWB_ACT_PREV_TAB:
		show_view (p, (lp->view + n - 1) % n);
		return TRUE;
	case MWB_ACT_ENTER:
		if (p->cursor < v->items->len) {
			MwbLbItem *it = v->items->pdata[p->cursor];

			it->expanded = !it->expanded;
			p->follow = FALSE;
		}
		return TRUE;
	default:
		return pane_move (p, a);
	}
}

static gboolean
item_matches (MwbPane *p, guint i, const char *pattern)
{
	MwbLbItem *it = current (p)->items->pdata[i];

	for (guint j = 0; j < it->recs->len; j++) {
		const MwbLbRecord *r = mwb_logbook_record (p->tui->log, g_array_index (it->recs, guint, j));

		if (strstr (r->summary, pattern) || strstr (r->source, pattern))
			return TRUE;
	}
	return FALSE;
}

static gboolean
log_search (MwbPane *p, const char *pattern, gboolean backward)
{
	if (!pane_find (p, log_count (p), backward, item_matches, pattern))
		return FALSE;
	p->follow = FALSE;
	return TRUE;
}

static const MwbPaneOps log_ops = {
	.name = "log",
	.count = log_count,
	.draw = log_draw,
	.request = log_request,
	.search = log_search,
	.destroy = g_free,
};

MwbPane *
pane_log_new (MwbTui *t)
{
	MwbPane *p = pane_new (t, &log_ops, g_new0 (LogPriv, 1));

	p->follow = TRUE;
	return p;
}

void
pane_log_show (MwbPane *p, const char *view)
{
	int i = mwb_logbook_view_index (p->tui->log, view);

	if (i >= 0)
		show_view (p, (guint) i);
}

const char *
pane_log_view_name (MwbPane *p)
{
	return current (p)->name;
}

void
pane_log_reset (MwbPane *p)
{
	show_view (p, 0);
}

/* A failure: the "all" tab with the failing step's last lines mid-pane. */
void
pane_log_land (MwbPane *p, int step)
{
	MwbLbView *v;
	int i;

	show_view (p, 0);
	v = current (p);
	i = mwb_logbook_last_item_of_step (p->tui->log, v, step);
	if (i < 0)
		return;
	p->follow = FALSE;
	p->cursor = (guint) i;
	p->top = p->cursor > (guint) pane_rows (p) / 2 ? p->cursor - pane_rows (p) / 2 : 0;
}

/* New output (a backtrace) is read from its first line. */
void
pane_log_show_from (MwbPane *p, const char *view, guint item)
{
	pane_log_show (p, view);
	p->follow = FALSE;
	p->cursor = MIN (item, log_count (p) ? log_count (p) - 1 : 0);
	p->top = p->cursor;
}
