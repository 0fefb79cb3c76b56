/* The files pane: the run directory, live. Rescanned on every tick, so a
 * growing migfile or a new valgrind log shows while the step runs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "tui.h"

typedef struct {
	char *rel;		/* path under the run directory */
	int depth;
	goffset size;
	char *type;
	gboolean openable;
} Entry;

typedef struct {
	GArray *entries;	/* Entry */
	char *root;
} FilesPriv;

static void
entry_clear (gpointer p)
{
	Entry *e = p;

	g_free (e->rel);
	g_free (e->type);
}

/* What a user wants to know before opening it. */
static char *
sniff (const char *path, const struct stat *st)
{
	char buf[512];
	ssize_t n;
	int fd;

	if (S_ISDIR (st->st_mode))
		return g_strdup ("dir");
	if (S_ISSOCK (st->st_mode))
		return g_strdup ("socket");
	if (S_ISFIFO (st->st_mode))
		return g_strdup ("fifo");
	if (!S_ISREG (st->st_mode))
		return g_strdup ("special");
	if (st->st_size == 0)
		return g_strdup ("empty");
	fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return g_strdup ("unreadable");
	n = read (fd, buf, sizeof buf);
	close (fd);
	if (n <= 0)
		return g_strdup ("unreadable");
	if (n >= 4 && memcmp (buf, "QEVM", 4) == 0)
		return g_strdup ("QEMU migration stream");
	if (g_str_has_suffix (path, ".jsonl"))
		return g_strdup ("JSON lines");
	if (memchr (buf, 0, n) || !g_utf8_validate (buf, n, NULL))
		/* A cut in the middle of a UTF-8 sequence is not binary. */
		if (memchr (buf, 0, n) || n < (ssize_t) sizeof buf)
			return g_strdup ("binary");
	return g_strdup ("text");
}

/* g_ptr_array_sort hands pointers to the elements. */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
scan (FilesPriv *fp, const char *rel, int depth)
{
	g_autofree char *dir_path = rel ? g_build_filename (fp->root, rel, NULL) : g_strdup (fp->root);
	g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;

	if (!dir)
		return;
	while ((name = g_dir_read_name (dir)))
		g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *r = rel ? g_build_filename (rel, names->pdata[i], NULL)
					 : g_strdup (names->pdata[i]);
		g_autofree char *full = g_build_filename (fp->root, r, NULL);
		struct stat st;
		Entry e = { 0 };

		if (lstat (full, &st) != 0)
			continue;
		e.rel = g_strdup (r);
		e.depth = depth;
		e.size = st.st_size;
		e.type = sniff (full, &st);
		e.openable = S_ISREG (st.st_mode);
		g_array_append_val (fp->entries, e);
		if (S_ISDIR (st.st_mode) && depth < 4)
			scan (fp, r, depth + 1);
	}
}

void
pane_files_refresh (MwbPane *p)
{
	FilesPriv *fp = p->priv;
	const char *root = p->tui->runner ? mwb_runner_run_dir (p->tui->runner) : NULL;
	g_autofree char *keep = NULL;

	if (p->cursor < fp->entries->len)
		keep = g_strdup (g_array_index (fp->entries, Entry, p->cursor).rel);
	g_array_set_size (fp->entries, 0);
	g_free (fp->root);
	fp->root = g_strdup (root);
	if (root)
		scan (fp, NULL, 0);
	/* The cursor stays on the same file while others come and go. */
	for (guint i = 0; keep && i < fp->entries->len; i++)
		if (strcmp (g_array_index (fp->entries, Entry, i).rel, keep) == 0) {
			p->cursor = i;
			break;
		}
	pane_set_cursor (p, p->cursor);
}

static guint
files_count (MwbPane *p)
{
	return ((FilesPriv *) p->priv)->entries->len;
}

static void
files_draw (MwbPane *p)
{
	FilesPriv *fp = p->priv;
	g_autofree char *title = g_strdup_printf (" files: %s", fp->root ? fp->root : "(no run directory)");

	pane_title (p, title);
	for (int y = 0; y < pane_rows (p); y++) {
		guint i = p->top + y;
		const Entry *e;
		g_autofree char *size = NULL;
		g_autofree char *line = NULL;
		const char *base;
		int name_w;
		MwbColor c;

		if (i >= fp->entries->len)
			break;
		e = &g_array_index (fp->entries, Entry, i);
		base = strrchr (e->rel, '/') ? strrchr (e->rel, '/') + 1 : e->rel;
		size = e->openable ? mwb_format_bytes (e->size) : g_strdup ("");
		name_w = MAX (p->w - 24 - e->depth * 2, 6);
		line = g_strdup_printf ("%*s%-*.*s %9s %s", e->depth * 2, "", name_w, name_w, base, size,
					e->type);
		c = i == p->cursor && p == p->tui->focus ? MWB_C_CURSOR
			: e->openable ? MWB_C_NORMAL : MWB_C_DIM;
		if (c == MWB_C_CURSOR)
			pane_fill (p, y + 1, c);
		pane_put (p, y + 1, 1, c, line);
	}
}

static gboolean
files_request (MwbPane *p, MwbAction a)
{
	FilesPriv *fp = p->priv;
	g_autoptr (GError) err = NULL;
	g_autofree char *full = NULL;
	const Entry *e;

	if (a != MWB_ACT_ENTER)
		return pane_move (p, a);
	if (p->cursor >= fp->entries->len)
		return TRUE;
	e = &g_array_index (fp->entries, Entry, p->cursor);
	if (!e->openable) {
		tui_message (p->tui, MWB_C_FAIL, "%s is a %s: nothing to show", e->rel, e->type);
		return TRUE;
	}
	full = g_build_filename (fp->root, e->rel, NULL);
	if (!pane_viewer_open (p->tui->viewer, full, &err))
		tui_message (p->tui, MWB_C_FAIL, "%s", err->message);
	else
		tui_focus (p->tui, p->tui->viewer);
	return TRUE;
}

static gboolean
file_matches (MwbPane *p, guint i, const char *pattern)
{
	return strstr (g_array_index (((FilesPriv *) p->priv)->entries, Entry, i).rel, pattern) != NULL;
}

static gboolean
files_search (MwbPane *p, const char *pattern, gboolean backward)
{
	return pane_find (p, ((FilesPriv *) p->priv)->entries->len, backward, file_matches, pattern);
}

static void
files_destroy (gpointer priv)
{
	FilesPriv *fp = priv;

	g_array_unref (fp->entries);
	g_free (fp->root);
	g_free (fp);
}

static const MwbPaneOps files_ops = {
	.name = "files",
	.count = files_count,
	.draw = files_draw,
	.request = files_request,
	.search = files_search,
	.destroy = files_destroy,
};

MwbPane *
pane_files_new (MwbTui *t)
{
	FilesPriv *fp = g_new0 (FilesPriv, 1);

	fp->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
	g_array_set_clear_func (fp->entries, entry_clear);
	return pane_new (t, &files_ops, fp);
}

/* For :open completion: every regular file, relative to the run directory. */
GPtrArray *
pane_files_names (MwbPane *p)
{
	FilesPriv *fp = p->priv;
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; i < fp->entries->len; i++)
		if (g_array_index (fp->entries, Entry, i).openable)
			g_ptr_array_add (names, g_strdup (g_array_index (fp->entries, Entry, i).rel));
	return names;
}

const char *
pane_files_selected (MwbPane *p)
{
	FilesPriv *fp = p->priv;

	return p->cursor < fp->entries->len ? g_array_index (fp->entries, Entry, p->cursor).rel : NULL;
}
