/* The `?` overlay: keys generated from the actions and the active keymap,
 * then the `:` commands. Nothing here is written by hand, so it cannot go
 * stale. */
#include <string.h>

#include "tui.h"

typedef struct {
	GPtrArray *lines;
} HelpPriv;

static void
rebuild (MwbPane *p)
{
	HelpPriv *hp = p->priv;
	g_autofree char *keys = mwb_keymap_help_text (p->tui->keymap, MAX (p->w - 2, 40));
	g_autofree char *cmds = command_help_text ();
	g_auto (GStrv) a = g_strsplit (keys, "\n", -1);
	g_auto (GStrv) b = g_strsplit (cmds, "\n", -1);

	g_ptr_array_set_size (hp->lines, 0);
	for (guint i = 0; a[i]; i++)
		if (*a[i] || a[i + 1])
			g_ptr_array_add (hp->lines, g_strdup (a[i]));
	g_ptr_array_add (hp->lines, g_strdup (""));
	for (guint i = 0; b[i]; i++)
		if (*b[i] || b[i + 1])
			g_ptr_array_add (hp->lines, g_strdup (b[i]));
}

static guint
help_count (MwbPane *p)
{
	return ((HelpPriv *) p->priv)->lines->len;
}

static void
help_draw (MwbPane *p)
{
	HelpPriv *hp = p->priv;

	if (!hp->lines->len)
		rebuild (p);
	pane_title (p, " help: keys and commands  (Esc or ? closes, arrows scroll)");
	for (int y = 0; y < pane_rows (p); y++) {
		guint i = p->top + y;

		pane_fill (p, y + 1, MWB_C_NORMAL);
		if (i < hp->lines->len)
			pane_put (p, y + 1, 1, MWB_C_NORMAL, hp->lines->pdata[i]);
	}
}

static gboolean
help_request (MwbPane *p, MwbAction a)
{
	switch (a) {
	case MWB_ACT_BACK:
	case MWB_ACT_HELP:
		p->tui->overlay = NULL;
		return TRUE;
	case MWB_ACT_MOVE_UP:
	case MWB_ACT_PAGE_UP:
	case MWB_ACT_MOVE_FIRST:
		/* The help scrolls as a page, not as a cursor in it. */
		p->top = a == MWB_ACT_MOVE_FIRST ? 0
			: p->top > (a == MWB_ACT_PAGE_UP ? (guint) pane_rows (p) : 1)
			? p->top - (a == MWB_ACT_PAGE_UP ? (guint) pane_rows (p) : 1) : 0;
		return TRUE;
	case MWB_ACT_MOVE_DOWN:
	case MWB_ACT_PAGE_DOWN:
	case MWB_ACT_MOVE_LAST: {
		guint n = help_count (p);
		guint rows = (guint) pane_rows (p);
		guint max = n > rows ? n - rows : 0;
		guint step = a == MWB_ACT_PAGE_DOWN ? rows : a == MWB_ACT_MOVE_LAST ? n : 1;

		p->top = MIN (p->top + step, max);
		return TRUE;
	}
	case MWB_ACT_PROMPT:
	case MWB_ACT_SEARCH:
	case MWB_ACT_SEARCH_NEXT:
	case MWB_ACT_SEARCH_PREV:
	case MWB_ACT_REDRAW:
		/* These work on the help itself. */
		return FALSE;
	default:
		/* Anything else is meant for the screen under the help. */
		p->tui->overlay = NULL;
		return FALSE;
	}
}

static gboolean
help_search (MwbPane *p, const char *pattern, gboolean backward)
{
	HelpPriv *hp = p->priv;
	guint n = hp->lines->len;

	for (guint k = 1; k <= n; k++) {
		guint i = backward ? (p->top + n - k) % n : (p->top + k) % n;

		if (strstr (hp->lines->pdata[i], pattern)) {
			p->top = i;
			return TRUE;
		}
	}
	return FALSE;
}

static void
help_destroy (gpointer priv)
{
	HelpPriv *hp = priv;

	g_ptr_array_unref (hp->lines);
	g_free (hp);
}

static const MwbPaneOps help_ops = {
	.name = "help",
	.count = help_count,
	.draw = help_draw,
	.request = help_request,
	.search = help_search,
	.destroy = help_destroy,
};

MwbPane *
pane_help_new (MwbTui *t)
{
	HelpPriv *hp = g_new0 (HelpPriv, 1);

	hp->lines = g_ptr_array_new_with_free_func (g_free);
	return pane_new (t, &help_ops, hp);
}
