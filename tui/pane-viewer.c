/* The viewer: a run-dir file as text, or as a hexdump (offset | hex |
 * ASCII) when it is binary, with goto and search. Inspectors (the
 * migration stream's, CRIU images' later) annotate byte ranges through
 * viewer_inspectors[]; the viewer shows the labels beside the rows. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "hexfmt.h"
#include "tui.h"

/* An inspector recognises a file by its first bytes and annotates it. */
typedef struct {
	const char *name;
	gboolean (*probe) (const guint8 *data, gsize size);
	void (*annotate) (const guint8 *data, gsize size, MwbHexAnnotations *out);
} Inspector;

/* Until the stream parser lands, the header is all that is known for sure. */
static gboolean
qevm_probe (const guint8 *data, gsize size)
{
	return size >= 8 && memcmp (data, "QEVM", 4) == 0;
}

static void
qevm_annotate (const guint8 *data, gsize size, MwbHexAnnotations *out)
{
	(void) data;
	(void) size;
	mwb_hex_annotations_add (out, 0, 4, "magic QEVM", MWB_HEX_CLASS_HEADER);
	mwb_hex_annotations_add (out, 4, 4, "stream version", MWB_HEX_CLASS_HEADER);
}

static const Inspector viewer_inspectors[] = {
	{ "QEMU migration stream", qevm_probe, qevm_annotate },
};

typedef struct {
	char *path;
	GMappedFile *map;
	const guint8 *data;
	gsize size;
	gboolean hex;
	GArray *line_starts;	/* text mode: gsize offsets */
	guint width;		/* hex mode: bytes per row */
	MwbHexAnnotations *annots;
	const char *inspector;
	goffset match;		/* last search hit, or -1 */
	gsize match_len;
} ViewerPriv;

static void
viewer_clear (ViewerPriv *vp)
{
	g_clear_pointer (&vp->map, g_mapped_file_unref);
	g_clear_pointer (&vp->path, g_free);
	g_clear_pointer (&vp->line_starts, g_array_unref);
	g_clear_pointer (&vp->annots, mwb_hex_annotations_free);
	vp->data = NULL;
	vp->size = 0;
	vp->match = -1;
	vp->inspector = NULL;
}

static gboolean
looks_binary (const guint8 *data, gsize size)
{
	gsize n = MIN (size, 4096);
	const char *end;

	if (memchr (data, 0, n))
		return TRUE;
	/* A multi-byte character cut at n is still text. */
	return !g_utf8_validate ((const char *) data, n, &end) && (gsize) (end - (const char *) data) + 4 < n;
}

static void
index_lines (ViewerPriv *vp)
{
	gsize zero = 0;

	vp->line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
	g_array_append_val (vp->line_starts, zero);
	for (gsize i = 0; i < vp->size; i++)
		if (vp->data[i] == '\n' && i + 1 < vp->size) {
			gsize next = i + 1;

			g_array_append_val (vp->line_starts, next);
		}
}

gboolean
pane_viewer_open (MwbPane *p, const char *path, GError **error)
{
	ViewerPriv *vp = p->priv;
	GMappedFile *map;
	struct stat st;

	/* A FIFO would block the whole loop in open(). */
	if (stat (path, &st) != 0) {
		int e = errno;

		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path, g_strerror (e));
		return FALSE;
	}
	if (!S_ISREG (st.st_mode)) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a regular file", path);
		return FALSE;
	}
	map = g_mapped_file_new (path, FALSE, error);
	if (!map)
		return FALSE;
	viewer_clear (vp);
	vp->path = g_strdup (path);
	vp->map = map;
	vp->size = g_mapped_file_get_length (map);
	/* An empty file maps to NULL; the drawing code wants a pointer. */
	vp->data = vp->size ? (const guint8 *) g_mapped_file_get_contents (map) : (const guint8 *) "";
	vp->hex = looks_binary (vp->data, vp->size);
	if (vp->hex) {
		vp->annots = mwb_hex_annotations_new ();
		for (guint i = 0; i < G_N_ELEMENTS (viewer_inspectors); i++)
			if (viewer_inspectors[i].probe (vp->data, vp->size)) {
				viewer_inspectors[i].annotate (vp->data, vp->size, vp->annots);
				vp->inspector = viewer_inspectors[i].name;
				break;
			}
		mwb_hex_annotations_sort (vp->annots);
	} else {
		index_lines (vp);
	}
	p->cursor = p->top = 0;
	p->follow = FALSE;
	p->visible = TRUE;
	tui_redraw_soon (p->tui);
	return TRUE;
}

gboolean
pane_viewer_is_open (MwbPane *p)
{
	return ((ViewerPriv *) p->priv)->path != NULL;
}

void
pane_viewer_close (MwbPane *p)
{
	viewer_clear (p->priv);
}

static guint
row_width (MwbPane *p)
{
	return mwb_hex_row_width_for_columns (MAX (p->w, 1));
}

static guint
viewer_count (MwbPane *p)
{
	ViewerPriv *vp = p->priv;

	if (!vp->path)
		return 0;
	if (!vp->hex)
		return vp->line_starts->len;
	return (vp->size + row_width (p) - 1) / row_width (p);
}

static void
draw_text (MwbPane *p, ViewerPriv *vp)
{
	for (int y = 0; y < pane_rows (p); y++) {
		guint i = p->top + y;
		gsize start, end;
		g_autofree char *line = NULL;
		MwbColor c = MWB_C_NORMAL;

		if (i >= vp->line_starts->len)
			break;
		start = g_array_index (vp->line_starts, gsize, i);
		end = i + 1 < vp->line_starts->len ? g_array_index (vp->line_starts, gsize, i + 1) - 1 : vp->size;
		if (end > start && vp->data[end - 1] == '\n')
			end--;
		line = g_strndup ((const char *) vp->data + start, end - start);
		if (vp->match >= 0 && (gsize) vp->match >= start && (gsize) vp->match <= end)
			c = MWB_C_MATCH;
		if (i == p->cursor && p == p->tui->focus)
			c = MWB_C_CURSOR;
		if (c != MWB_C_NORMAL)
			pane_fill (p, y + 1, c);
		pane_put (p, y + 1, 0, c, line);
	}
}

static void
draw_hex (MwbPane *p, ViewerPriv *vp)
{
	guint w = row_width (p);
	g_autoptr (GPtrArray) found = g_ptr_array_new ();

	for (int y = 0; y < pane_rows (p); y++) {
		goffset off = (goffset) (p->top + y) * w;
		gsize len;
		g_autofree char *row = NULL;
		MwbColor c = MWB_C_NORMAL;

		if ((gsize) off >= vp->size)
			break;
		len = MIN (w, vp->size - off);
		row = mwb_hex_format_row (vp->data + off, len, off, w);
		if (vp->match >= 0 && vp->match < off + (goffset) len
		    && vp->match + (goffset) vp->match_len > off)
			c = MWB_C_MATCH;
		if (p->top + y == p->cursor && p == p->tui->focus)
			c = MWB_C_CURSOR;
		if (c != MWB_C_NORMAL)
			pane_fill (p, y + 1, c);
		pane_put (p, y + 1, 0, c, row);
		g_ptr_array_set_size (found, 0);
		if (mwb_hex_annotations_lookup (vp->annots, off, len, found)) {
			g_autoptr (GString) labels = g_string_new (NULL);
			int col = (int) mwb_hex_format_row_len (w) + 1;

			for (guint k = 0; k < found->len; k++) {
				const MwbHexAnnotation *a = found->pdata[k];

				/* A range that began on an earlier row was labelled there. */
				if (a->offset >= off && a->label)
					g_string_append_printf (labels, "%s%s", labels->len ? ", " : "",
								a->label);
			}
			if (labels->len && col < p->w)
				pane_put (p, y + 1, col, MWB_C_ANNOT, labels->str);
		}
	}
}

/* A mapping of a file that shrank faults (SIGBUS) past the new end: QEMU's
 * exec: and file: targets and valgrind's logs are rewritten under us. */
static void
follow_file (MwbPane *p, ViewerPriv *vp)
{
	struct stat st;
	g_autofree char *path = NULL;
	guint cursor = p->cursor, top = p->top;

	if (!vp->path || (stat (vp->path, &st) == 0 && (gsize) st.st_size == vp->size))
		return;
	path = g_strdup (vp->path);
	if (!pane_viewer_open (p, path, NULL)) {
		viewer_clear (vp);
		tui_message (p->tui, MWB_C_FAIL, "%s is gone", path);
		return;
	}
	p->top = top;
	pane_set_cursor (p, cursor);
}

static void
viewer_draw (MwbPane *p)
{
	ViewerPriv *vp = p->priv;
	g_autofree char *title = NULL;
	const char *run = p->tui->runner ? mwb_runner_run_dir (p->tui->runner) : NULL;
	const char *name;

	follow_file (p, vp);

	if (!vp->path) {
		pane_title (p, " viewer");
		pane_put (p, 1, 1, MWB_C_DIM, "no file open: Enter on a file in the files pane, or :open FILE");
		return;
	}
	/* Inside the run directory the relative name says it all. */
	name = run && g_str_has_prefix (vp->path, run) && vp->path[strlen (run)] == '/'
		? vp->path + strlen (run) + 1 : vp->path;
	if (vp->hex) {
		g_autofree char *where = mwb_hex_describe_offset ((goffset) p->cursor * row_width (p), vp->size);

		title = g_strdup_printf (" %s  hex%s%s  %s", name, vp->inspector ? ", " : "",
					 vp->inspector ? vp->inspector : "", where);
	} else {
		title = g_strdup_printf (" %s  line %u/%u", name, p->cursor + 1, vp->line_starts->len);
	}
	pane_title (p, title);
	if (vp->hex)
		draw_hex (p, vp);
	else
		draw_text (p, vp);
}

static gboolean
viewer_request (MwbPane *p, MwbAction a)
{
	if (a == MWB_ACT_BACK) {
		pane_viewer_close (p);
		tui_focus (p->tui, p->tui->files);
		return TRUE;
	}
	return pane_move (p, a);
}

/* Hex: the pattern is x:HEX or text (see hexfmt.h); text: a substring. */
static gboolean
viewer_search (MwbPane *p, const char *pattern, gboolean backward)
{
	ViewerPriv *vp = p->priv;
	g_autoptr (GByteArray) bytes = NULL;
	g_autoptr (GError) err = NULL;
	goffset here, found;
	guint w = row_width (p);

	if (!vp->path)
		return FALSE;
	if (!mwb_hex_parse_pattern (pattern, &bytes, &err)) {
		tui_message (p->tui, MWB_C_FAIL, "%s", err->message);
		return TRUE;
	}
	follow_file (p, vp);
	if (!vp->path)
		return FALSE;
	/* From the last hit when it is on the cursor's row or line, else from
	 * the cursor: the user may have moved since. */
	if (vp->hex) {
		here = vp->match >= 0 && (guint) (vp->match / w) == p->cursor ? vp->match : (goffset) p->cursor * w - 1;
	} else {
		gsize start = g_array_index (vp->line_starts, gsize, p->cursor);
		gsize end = p->cursor + 1 < vp->line_starts->len
			? g_array_index (vp->line_starts, gsize, p->cursor + 1) : vp->size;

		here = vp->match >= 0 && (gsize) vp->match >= start && (gsize) vp->match < end
			? vp->match : (goffset) start - 1;
	}
	if (!mwb_hex_search (vp->data, vp->size, bytes, backward ? here - 1 : here + 1, backward, &found))
		return FALSE;
	vp->match = found;
	vp->match_len = bytes->len;
	if (vp->hex) {
		pane_set_cursor (p, (guint) (found / w));
	} else {
		guint lo = 0, hi = vp->line_starts->len;

		/* The last line starting at or before the hit. */
		while (hi - lo > 1) {
			guint mid = (lo + hi) / 2;

			if (g_array_index (vp->line_starts, gsize, mid) <= (gsize) found)
				lo = mid;
			else
				hi = mid;
		}
		pane_set_cursor (p, lo);
	}
	return TRUE;
}

gboolean
pane_viewer_goto (MwbPane *p, const char *where, GError **error)
{
	ViewerPriv *vp = p->priv;
	guint w = row_width (p);
	goffset off;

	if (!vp->path) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no file is open");
		return FALSE;
	}
	if (!vp->hex) {
		guint64 line;

		if (!g_ascii_string_to_unsigned (where, 10, 1, G_MAXUINT, &line, error))
			return FALSE;
		pane_set_cursor (p, (guint) line - 1);
		return TRUE;
	}
	if (!mwb_hex_parse_offset (where, (goffset) p->cursor * w, vp->size, &off, error))
		return FALSE;
	pane_set_cursor (p, (guint) (off / w));
	/* The row is on screen; show the exact byte as a one-byte match. */
	vp->match = off;
	vp->match_len = 1;
	return TRUE;
}

static void
viewer_destroy (gpointer priv)
{
	viewer_clear (priv);
	g_free (priv);
}

static const MwbPaneOps viewer_ops = {
	.name = "viewer",
	.count = viewer_count,
	.draw = viewer_draw,
	.request = viewer_request,
	.search = viewer_search,
	.destroy = viewer_destroy,
};

MwbPane *
pane_viewer_new (MwbTui *t)
{
	ViewerPriv *vp = g_new0 (ViewerPriv, 1);

	vp->match = -1;
	return pane_new (t, &viewer_ops, vp);
}
