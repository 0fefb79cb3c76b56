/* What every pane shares: a rectangle with a title row and a list with a
 * cursor that the movement actions drive. */
#include "tui.h"

MwbPane *
pane_new (MwbTui *t, const MwbPaneOps *ops, gpointer priv)
{
	MwbPane *p = g_new0 (MwbPane, 1);

	p->ops = ops;
	p->tui = t;
	p->priv = priv;
	p->visible = TRUE;
	return p;
}

void
pane_free (MwbPane *p)
{
	if (!p)
		return;
	if (p->ops->destroy)
		p->ops->destroy (p->priv);
	g_free (p);
}

int
pane_rows (MwbPane *p)
{
	int rows = p->h > 1 ? p->h - 1 : 0;
	int footer = p->ops && p->ops->footer_rows ? p->ops->footer_rows (p) : 0;

	/* A pane too small for both keeps its list. */
	return rows > footer ? rows - footer : rows;
}

void
pane_scroll_to_cursor (MwbPane *p)
{
	int rows = pane_rows (p);

	if (rows <= 0 || !p->ops)
		return;
	guint n = p->ops->count ? p->ops->count (p) : 0;

	if (p->cursor < p->top)
		p->top = p->cursor;
	else if (p->cursor >= p->top + (guint) rows)
		p->top = p->cursor - rows + 1;
	/* A pane that grew (a resize) shows as much as it can. */
	if (n && p->top && n - p->top < (guint) rows)
		p->top = n > (guint) rows ? n - rows : 0;
}

void
pane_set_cursor (MwbPane *p, guint line)
{
	guint n = p->ops->count ? p->ops->count (p) : 0;

	p->cursor = n ? MIN (line, n - 1) : 0;
	p->follow = n && p->cursor == n - 1;
	pane_scroll_to_cursor (p);
}

gboolean
pane_move (MwbPane *p, MwbAction a)
{
	guint n = p->ops->count ? p->ops->count (p) : 0;
	guint page = MAX (pane_rows (p) - 1, 1);

	if (!n)
		return a == MWB_ACT_MOVE_UP || a == MWB_ACT_MOVE_DOWN || a == MWB_ACT_PAGE_UP
		       || a == MWB_ACT_PAGE_DOWN || a == MWB_ACT_MOVE_FIRST || a == MWB_ACT_MOVE_LAST;
	switch (a) {
	case MWB_ACT_MOVE_UP:
		pane_set_cursor (p, p->cursor ? p->cursor - 1 : 0);
		break;
	case MWB_ACT_MOVE_DOWN:
		pane_set_cursor (p, p->cursor + 1);
		break;
	case MWB_ACT_PAGE_UP:
		pane_set_cursor (p, p->cursor > page ? p->cursor - page : 0);
		break;
	case MWB_ACT_PAGE_DOWN:
		pane_set_cursor (p, p->cursor + page);
		break;
	case MWB_ACT_MOVE_FIRST:
		pane_set_cursor (p, 0);
		break;
	case MWB_ACT_MOVE_LAST:
		pane_set_cursor (p, n - 1);
		break;
	default:
		return FALSE;
	}
	return TRUE;
}

gboolean
pane_find (MwbPane *p, guint n, gboolean backward,
	   gboolean (*match) (MwbPane *p, guint line, const char *pattern), const char *pattern)
{
	for (guint k = 1; k <= n; k++) {
		guint i = backward ? (p->cursor + n - k) % n : (p->cursor + k) % n;

		if (match (p, i, pattern)) {
			pane_set_cursor (p, i);
			return TRUE;
		}
	}
	return FALSE;
}
