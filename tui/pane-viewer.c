/* The viewer: a run-dir file as text, or as a hexdump (offset | hex |
 * ASCII) when it is binary, with goto and search; or a text held in
 * memory (what :crit printed). Inspectors (the migration stream's, CRIU
 * images') annotate byte ranges through viewer_inspectors[]; the viewer
 * shows the labels beside the rows. A migration stream and a CRIU image
 * also keep their index, so that the record under the cursor is
 * explained below the rows and the cursor can jump from section to
 * section (entry to entry, run to run) or to the record of a guest page
 * (to the byte of a process's page in a pages-N.img). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "criu-image.h"
#include "hexfmt.h"
#include "stream.h"
#include "tui.h"

typedef struct _ViewerPriv ViewerPriv;

/* An inspector recognises a file by its first bytes (or its name, for
 * CRIU's pages-N.img) and annotates it. */
typedef struct {
	const char *name;
	gboolean (*probe) (const char *path, const guint8 *data, gsize size);
	/* Fills vp->annots; may keep a structure of its own in vp. */
	void (*annotate) (ViewerPriv *vp);
} Inspector;

struct _ViewerPriv {
	char *path;
	GMappedFile *map;
	const guint8 *data;
	gsize size;
	gboolean hex;
	GArray *line_starts;	/* text mode: gsize offsets */
	guint width;		/* hex mode: bytes per row */
	MwbHexAnnotations *annots;
	const char *inspector;
	char *inspector_owned;	/* the inspector's name when made for this file */
	MwbStreamIndex *stream;	/* a QEMU migration stream's records, or NULL */
	MwbCriuImage *criu;	/* a CRIU image's records, or NULL */
	MwbCriuDump *criu_dump;	/* pages-N.img: the dump directory it is in */
	MwbCriuPagemap *pagemap;	/* pages-N.img: the pagemap naming it (the dump's) */
	guint32 pages_pid;	/* and that pagemap's process */
	const char *pagemap_name;
	GBytes *text;		/* a text held in memory rather than a file */
	goffset match;		/* last search hit or jump target, or -1 */
	gsize match_len;
};

static gboolean
qevm_probe (const char *path, const guint8 *data, gsize size)
{
	(void) path;
	return size >= 8 && memcmp (data, "QEVM", 4) == 0;
}

/* One label per record, short enough that two or three fit beside a row:
 * the line under the rows has the long explanation. Returns the class. */
static int
stream_label (const MwbStreamRecord *r, const MwbStreamRecord *next, char **label)
{
	const char *block = r->block ? r->block : "?";
	const char *idstr = r->idstr ? r->idstr : "?";

	switch (r->kind) {
	case MWB_STREAM_CONFIG:
		*label = g_strdup_printf ("config %s", r->name ? r->name : "?");
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_SECTION_START:
	case MWB_STREAM_SECTION_PART:
	case MWB_STREAM_SECTION_END:
	case MWB_STREAM_SECTION_FULL:
		*label = g_strdup_printf ("%s %s (%u) v%u", mwb_stream_section_type_name (r->section_type),
					  idstr, r->section_id, r->version);
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_SUBSECTION:
		*label = g_strdup_printf ("subsection %s v%u", r->name ? r->name : "?", r->version);
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_FOOTER:
		*label = g_strdup_printf ("footer %u", r->section_id);
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_RAM_MEM_SIZE:
		*label = g_strdup_printf ("RAM size 0x%" G_GINT64_MODIFIER "x", r->size);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_BLOCK:
		*label = g_strdup_printf ("block %s 0x%" G_GINT64_MODIFIER "x", block, r->size);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_PAGE:
		*label = g_strdup_printf ("PAGE 0x%" G_GINT64_MODIFIER "x %s", r->addr, block);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_ZERO:
		*label = r->fill ? g_strdup_printf ("ZERO 0x%" G_GINT64_MODIFIER "x %s fill 0x%02x", r->addr, block, r->fill)
			: g_strdup_printf ("ZERO 0x%" G_GINT64_MODIFIER "x %s", r->addr, block);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_XBZRLE:
		*label = g_strdup_printf ("XBZRLE 0x%" G_GINT64_MODIFIER "x %s", r->addr, block);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_COMPRESS:
		*label = g_strdup_printf ("COMPRESS 0x%" G_GINT64_MODIFIER "x %s", r->addr, block);
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_EOS:
		*label = g_strdup ("EOS");
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_MULTIFD_FLUSH:
		*label = g_strdup ("multifd flush");
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_RAM_HOOK:
		*label = g_strdup ("hook");
		return MWB_HEX_CLASS_RAM;
	case MWB_STREAM_DEVICE_DATA:
		/* Its fields say more, and the row has room for few labels. */
		if (!next || next->kind != MWB_STREAM_DEVICE_FIELD || next->offset >= r->offset + r->length)
			*label = g_strdup_printf ("%s data", idstr);
		return MWB_HEX_CLASS_FIELD;
	case MWB_STREAM_DEVICE_FIELD:
		*label = g_strdup_printf ("%s.%s %s", idstr, r->name ? r->name : "?", r->type ? r->type : "?");
		return MWB_HEX_CLASS_FIELD;
	case MWB_STREAM_COMMAND:
		*label = g_strdup_printf ("command %s", r->name ? r->name : "?");
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_VMDESC:
		*label = g_strdup ("VM description");
		return MWB_HEX_CLASS_JSON;
	case MWB_STREAM_EOF:
		*label = g_strdup ("EOF");
		return MWB_HEX_CLASS_SECTION;
	case MWB_STREAM_NOTE:
		*label = g_strdup_printf ("note: %s", r->reason ? r->reason : "");
		return MWB_HEX_CLASS_UNKNOWN;
	case MWB_STREAM_UNKNOWN:
		/* The parser only gives up on bytes that break the format. */
		*label = g_strdup_printf ("not understood: %s", r->reason ? r->reason : "?");
		return MWB_HEX_CLASS_ERROR;
	case MWB_STREAM_TRUNCATED:
		*label = g_strdup_printf ("truncated: %s", r->reason ? r->reason : "the stream ends here");
		return MWB_HEX_CLASS_ERROR;
	case MWB_STREAM_HEADER:
		/* Short: the configuration's label shares the row. */
		*label = g_strdup_printf ("QEVM v%u", r->version);
		return MWB_HEX_CLASS_HEADER;
	case MWB_STREAM_KIND_COUNT:
	default:
		*label = g_strdup (mwb_stream_kind_name (r->kind));
		return MWB_HEX_CLASS_UNKNOWN;
	}
}

/* Every record of the stream, from the engine's index. The index maps
 * the file a second time rather than copying the viewer's mapping: a
 * mapping costs nothing, a copy of a 100 MB stream does. */
static void
qevm_annotate (ViewerPriv *vp)
{
	g_autoptr (GError) err = NULL;
	guint n;

	vp->stream = mwb_stream_index_load (vp->path, &err);
	if (!vp->stream || !mwb_stream_index_n_records (vp->stream)) {
		mwb_hex_annotations_add (vp->annots, 0, 4, "magic QEVM", MWB_HEX_CLASS_HEADER);
		mwb_hex_annotations_add (vp->annots, 4, 4, "stream version", MWB_HEX_CLASS_HEADER);
		return;
	}
	n = mwb_stream_index_n_records (vp->stream);
	for (guint i = 0; i < n; i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (vp->stream, i);
		const MwbStreamRecord *next = i + 1 < n ? mwb_stream_index_record (vp->stream, i + 1) : NULL;
		g_autofree char *label = NULL;
		int cls;

		cls = stream_label (r, next, &label);
		mwb_hex_annotations_add (vp->annots, r->offset, r->length, label, cls);
	}
}

/* ---- CRIU images ---- */

/* A CRIU image: an image file's leading magic (IMG_COMMON, IMG_SERVICE,
 * INVENTORY), a .img file with any image magic (CRIU before 1.1 wrote no
 * IMG_COMMON), or by its name an image without magic (pages-N.img). */
static gboolean
criu_probe (const char *path, const guint8 *data, gsize size)
{
	guint32 word;

	if (mwb_criu_raw_image_type (path))
		return TRUE;
	if (size < 4)
		return FALSE;
	word = (guint32) data[0] | (guint32) data[1] << 8 | (guint32) data[2] << 16 | (guint32) data[3] << 24;
	return mwb_criu_is_leading_magic (word) || (g_str_has_suffix (path, ".img") && mwb_criu_magic_name (word));
}

/* Labels beside the rows are short; the footer has the fields in full. */
#define CRIU_LABEL_MAX 48

static int
criu_label (const MwbCriuRecord *r, char **label)
{
	switch (r->kind) {
	case MWB_CRIU_MAGIC: {
		const char *name = mwb_criu_magic_name (r->magic);

		*label = name ? g_strdup_printf ("magic %s", name) : g_strdup_printf ("magic 0x%08x?", r->magic);
		return name ? MWB_HEX_CLASS_HEADER : MWB_HEX_CLASS_UNKNOWN;
	}
	case MWB_CRIU_EXTRA:
		*label = g_strdup_printf ("%s, 0x%" G_GINT64_MODIFIER "x bytes", r->reason ? r->reason : "raw data",
					  r->length);
		return MWB_HEX_CLASS_RAM;
	case MWB_CRIU_PAGES:
		*label = g_strdup_printf ("raw %s data", r->image_type ? r->image_type : "");
		return MWB_HEX_CLASS_RAM;
	case MWB_CRIU_UNPARSED:
		*label = g_strdup_printf ("unparsed: %s", r->reason ? r->reason : "?");
		return MWB_HEX_CLASS_UNKNOWN;
	case MWB_CRIU_DAMAGED:
		*label = g_strdup_printf ("damaged: %s", r->reason ? r->reason : "?");
		return MWB_HEX_CLASS_ERROR;
	case MWB_CRIU_ENTRY:
	case MWB_CRIU_KIND_COUNT:
	default:
		*label = g_strdup (mwb_criu_kind_name (r->kind));
		return MWB_HEX_CLASS_SECTION;
	}
}

/* An entry is its size word and its message, each labelled. */
static void
criu_annotate_entry (ViewerPriv *vp, const MwbCriuRecord *r)
{
	g_autofree char *size = g_strdup_printf ("entry %u, 0x%" G_GINT64_MODIFIER "x bytes", r->entry,
						 r->payload_length);
	g_autofree char *fields = NULL;
	g_autofree char *label = NULL;

	mwb_hex_annotations_add (vp->annots, r->offset, 4, size, MWB_HEX_CLASS_SECTION);
	if (!r->payload_length)
		return;
	fields = mwb_criu_pb_format (r->message, r->data, r->data ? r->payload_length : 0, CRIU_LABEL_MAX);
	label = g_strdup_printf ("%s%s%s", r->message ? r->message : "message", *fields ? " " : "", fields);
	mwb_hex_annotations_add (vp->annots, r->payload_offset, r->payload_length, label, MWB_HEX_CLASS_FIELD);
}

/* Past this many pages, a pages image is labelled run by run, not page
 * by page. */
#define CRIU_PAGE_LABELS_MAX 65536

/* pages-N.img: each page with the address it had, from the pagemap in
 * the same directory that names N. */
static void
criu_annotate_pages (ViewerPriv *vp)
{
	g_autofree char *dir = g_path_get_dirname (vp->path);
	guint32 id = 0;
	guint64 covered = 0;

	if (mwb_criu_pages_name_id (vp->path, &id))
		vp->criu_dump = mwb_criu_dump_load (dir, NULL);
	if (vp->criu_dump)
		vp->pagemap = mwb_criu_dump_pagemap_for_pages (vp->criu_dump, id, &vp->pages_pid, &vp->pagemap_name);
	if (!vp->pagemap) {
		for (guint64 off = 0; off < vp->size && off / MWB_CRIU_PAGE_SIZE < CRIU_PAGE_LABELS_MAX;
		     off += MWB_CRIU_PAGE_SIZE) {
			g_autofree char *label = g_strdup_printf ("page %" G_GUINT64_FORMAT ", no pagemap names it",
								  off / MWB_CRIU_PAGE_SIZE);

			mwb_hex_annotations_add (vp->annots, off, MIN (MWB_CRIU_PAGE_SIZE, vp->size - off), label,
						 MWB_HEX_CLASS_RAM);
		}
		return;
	}
	g_free (vp->inspector_owned);
	vp->inspector_owned = g_strdup_printf ("CRIU pages of %u (%s)", vp->pages_pid, vp->pagemap_name);
	vp->inspector = vp->inspector_owned;
	for (guint i = 0; i < mwb_criu_pagemap_n_runs (vp->pagemap); i++) {
		const MwbCriuPageRun *run = mwb_criu_pagemap_run (vp->pagemap, i);
		gboolean each = mwb_criu_pagemap_present_pages (vp->pagemap) <= CRIU_PAGE_LABELS_MAX;

		if (!(run->flags & MWB_CRIU_PE_PRESENT) || run->pages_offset >= vp->size)
			continue;
		for (guint64 k = 0; k < run->nr_pages; k++) {
			guint64 off = run->pages_offset + k * MWB_CRIU_PAGE_SIZE;
			g_autofree char *label = NULL;

			if (off >= vp->size)
				break;
			if (k == 0)
				label = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x, run %u: %" G_GUINT64_FORMAT " page%s%s",
							 run->vaddr, run->entry, run->nr_pages, run->nr_pages == 1 ? "" : "s",
							 run->flags & MWB_CRIU_PE_LAZY ? ", lazy" : "");
			else if (each)
				label = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", run->vaddr + k * MWB_CRIU_PAGE_SIZE);
			else
				break;
			mwb_hex_annotations_add (vp->annots, off, MIN (MWB_CRIU_PAGE_SIZE, vp->size - off), label,
						 MWB_HEX_CLASS_RAM);
		}
		covered = MAX (covered, MIN (run->pages_offset + run->nr_pages * MWB_CRIU_PAGE_SIZE, (guint64) vp->size));
	}
	if (covered < vp->size) {
		g_autofree char *label = g_strdup_printf ("past the 0x%" G_GINT64_MODIFIER "x bytes %s puts here",
							  mwb_criu_pagemap_present_pages (vp->pagemap) * MWB_CRIU_PAGE_SIZE,
							  vp->pagemap_name);

		mwb_hex_annotations_add (vp->annots, covered, vp->size - covered, label, MWB_HEX_CLASS_ERROR);
	}
}

static void
criu_annotate (ViewerPriv *vp)
{
	g_autoptr (GError) err = NULL;
	const char *type;
	guint n;

	vp->criu = mwb_criu_image_load (vp->path, &err);
	if (!vp->criu)
		return;
	type = mwb_criu_image_type (vp->criu);
	vp->inspector_owned = g_strdup_printf ("CRIU image %s", type ? type : "of an unknown type");
	vp->inspector = vp->inspector_owned;
	n = mwb_criu_image_n_records (vp->criu);
	for (guint i = 0; i < n; i++) {
		const MwbCriuRecord *r = mwb_criu_image_record (vp->criu, i);
		g_autofree char *label = NULL;
		int cls;

		if (r->kind == MWB_CRIU_ENTRY) {
			criu_annotate_entry (vp, r);
			continue;
		}
		if (r->kind == MWB_CRIU_PAGES && g_strcmp0 (r->image_type, "PAGES") == 0) {
			criu_annotate_pages (vp);
			continue;
		}
		cls = criu_label (r, &label);
		mwb_hex_annotations_add (vp->annots, r->offset, r->length, label, cls);
	}
}

static const Inspector viewer_inspectors[] = {
	{ "QEMU migration stream", qevm_probe, qevm_annotate },
	{ "CRIU image", criu_probe, criu_annotate },
};

static void
viewer_clear (ViewerPriv *vp)
{
	g_clear_pointer (&vp->map, g_mapped_file_unref);
	g_clear_pointer (&vp->path, g_free);
	g_clear_pointer (&vp->line_starts, g_array_unref);
	g_clear_pointer (&vp->annots, mwb_hex_annotations_free);
	g_clear_pointer (&vp->stream, mwb_stream_index_free);
	g_clear_pointer (&vp->criu, mwb_criu_image_free);
	g_clear_pointer (&vp->criu_dump, mwb_criu_dump_free);
	g_clear_pointer (&vp->inspector_owned, g_free);
	g_clear_pointer (&vp->text, g_bytes_unref);
	vp->pagemap = NULL;
	vp->pagemap_name = NULL;
	vp->pages_pid = 0;
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
	/* A pages image of text pages is still pages. */
	vp->hex = looks_binary (vp->data, vp->size) || criu_probe (path, vp->data, vp->size);
	if (vp->hex) {
		vp->annots = mwb_hex_annotations_new ();
		for (guint i = 0; i < G_N_ELEMENTS (viewer_inspectors); i++)
			if (viewer_inspectors[i].probe (path, vp->data, vp->size)) {
				vp->inspector = viewer_inspectors[i].name;
				viewer_inspectors[i].annotate (vp);
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

/* A text that is no file, e.g. the JSON :crit printed, under a title in
 * place of a file name. It never changes, so it is never reloaded. */
gboolean
pane_viewer_show_text (MwbPane *p, const char *title, const char *text, gsize len)
{
	ViewerPriv *vp = p->priv;

	viewer_clear (vp);
	vp->path = g_strdup (title);
	vp->text = g_bytes_new (text, len);
	vp->size = len;
	/* The drawing code wants a pointer, even for nothing. */
	vp->data = len ? g_bytes_get_data (vp->text, NULL) : (const guint8 *) "";
	vp->hex = FALSE;
	index_lines (vp);
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

/* The byte the cursor is on. The cursor is a row; a search hit, a goto
 * or a jump on the cursor's row names the exact byte, else it is the
 * row's first. */
static goffset
cursor_offset (MwbPane *p, ViewerPriv *vp)
{
	guint w = row_width (p);

	if (vp->match >= 0 && (guint64) vp->match / w == p->cursor)
		return vp->match;
	return (goffset) p->cursor * w;
}

/* Broken bytes stand out; every other class has the annotation colour. */
static MwbColor
annot_color (int cls)
{
	return cls == MWB_HEX_CLASS_ERROR || cls == MWB_HEX_CLASS_UNKNOWN ? MWB_C_FAIL : MWB_C_ANNOT;
}

/* A stream or a CRIU image keeps the pane's last row for the record
 * under the cursor. */
static int
viewer_footer_rows (MwbPane *p)
{
	ViewerPriv *vp = p->priv;

	return vp->path && vp->hex && (vp->stream || vp->criu) ? 1 : 0;
}

/* "RAM page 0x03280000 of pc.ram (...)  in section 2 PART ram" */
static void
draw_explanation (MwbPane *p, ViewerPriv *vp)
{
	goffset off = cursor_offset (p, vp);
	const MwbStreamRecord *r = mwb_stream_index_record_at (vp->stream, off);
	const MwbStreamRecord *s = mwb_stream_index_section_at (vp->stream, off);
	g_autofree char *what = r ? mwb_stream_record_describe (r)
		: g_strdup_printf ("no record holds the byte at 0x%" G_GINT64_MODIFIER "x", (gint64) off);
	g_autofree char *line = NULL;
	int row = pane_rows (p) + 1;

	if (row >= p->h)
		return;
	/* The section a page or a field is in; a header explains itself. */
	if (r && s && s != r && s->section_type)
		line = g_strdup_printf (" %s  in section %u %s %s", what, s->section_id,
					mwb_stream_section_type_name (s->section_type), s->idstr ? s->idstr : "?");
	else
		line = g_strdup_printf (" %s", what);
	pane_fill (p, row, MWB_C_TITLE);
	pane_put (p, row, 0, r && r->kind >= MWB_STREAM_UNKNOWN ? MWB_C_FAIL : MWB_C_TITLE, line);
}

/* The innermost field of an entry's message holding the byte at off,
 * down nested messages: "tc.comm=\"sleep\"", "vmas[3].start=0x401000",
 * "thread_info.gpregs.ip=0x7f5bb972b503"; NULL outside the message. */
static char *
criu_field_at (const MwbCriuRecord *r, goffset off)
{
	const char *message = r->message;
	const guint8 *data = r->data;
	gsize len = r->payload_length;
	guint64 rel;
	g_autoptr (GString) path = g_string_new (NULL);

	if (!data || (guint64) off < r->payload_offset || (guint64) off - r->payload_offset >= r->payload_length)
		return NULL;
	rel = (guint64) off - r->payload_offset;
	for (guint depth = 0; depth < 16; depth++) {
		g_autoptr (GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
		const MwbCriuField *f = NULL;
		const MwbCriuPbFieldDef *def;
		guint index = 0;
		gboolean nested;

		mwb_criu_pb_split (data, len, fields, NULL, NULL);
		for (guint i = 0; i < fields->len && !f; i++) {
			const MwbCriuField *x = &g_array_index (fields, MwbCriuField, i);

			if (rel < x->offset || rel - x->offset >= x->length)
				continue;
			f = x;
			/* its place among the same field's values before it */
			for (guint j = i; j-- > 0 && g_array_index (fields, MwbCriuField, j).number == x->number;)
				index++;
		}
		if (!f)
			break;
		def = mwb_criu_pb_field_def (message, f->number);
		nested = f->wire == MWB_CRIU_WIRE_BYTES && rel >= f->value_offset
			&& (def ? def->type == MWB_CRIU_PB_MESSAGE
			    : !mwb_criu_pb_looks_like_text (data + f->value_offset, (gsize) f->value)
			    && mwb_criu_pb_looks_like_message (data + f->value_offset, (gsize) f->value));
		if (!nested) {
			g_autofree char *leaf = mwb_criu_pb_format (message, data + f->offset, f->length, 100);

			g_string_append (path, leaf);
			return g_strdup (path->str);
		}
		if (def)
			g_string_append (path, def->name);
		else
			g_string_append_printf (path, "%u", f->number);
		if (def && def->repeated)
			g_string_append_printf (path, "[%u]", index);
		g_string_append_c (path, '.');
		message = def ? def->nested : NULL;
		data += f->value_offset;
		rel -= f->value_offset;
		len = (gsize) f->value;
	}
	return path->len ? g_strdup (path->str) : NULL;
}

/* "entry 1: pstree_entry, 0xf bytes at 0x22: pid=9603 ...", with the
 * field under the cursor first; in a pages image, the page's address. */
static void
draw_criu_explanation (MwbPane *p, ViewerPriv *vp)
{
	goffset off = cursor_offset (p, vp);
	const MwbCriuRecord *r = mwb_criu_image_record_at (vp->criu, off);
	g_autofree char *line = NULL;
	int row = pane_rows (p) + 1;

	if (row >= p->h)
		return;
	if (!r) {
		line = g_strdup_printf (" no record holds the byte at 0x%" G_GINT64_MODIFIER "x", (gint64) off);
	} else if (r->kind == MWB_CRIU_PAGES && vp->pagemap) {
		guint64 vaddr = 0;
		const MwbCriuPageRun *run = mwb_criu_pagemap_run_at_offset (vp->pagemap, off, &vaddr);

		if (run) {
			g_autofree char *flags = mwb_criu_pagemap_flags_string (run->flags);

			line = g_strdup_printf (" 0x%" G_GINT64_MODIFIER "x of process %u: page %" G_GUINT64_FORMAT " of run %u"
						" of %s (0x%" G_GINT64_MODIFIER "x, %" G_GUINT64_FORMAT " page%s, %s)",
						vaddr, vp->pages_pid, (vaddr - run->vaddr) / MWB_CRIU_PAGE_SIZE, run->entry,
						vp->pagemap_name, run->vaddr, run->nr_pages, run->nr_pages == 1 ? "" : "s", flags);
		} else {
			line = g_strdup_printf (" 0x%" G_GINT64_MODIFIER "x: past the pages %s puts in this image",
						(gint64) off, vp->pagemap_name);
		}
	} else if (r->kind == MWB_CRIU_ENTRY && (guint64) off < r->payload_offset) {
		line = g_strdup_printf (" size word of entry %u: 0x%" G_GINT64_MODIFIER "x bytes of %s follow", r->entry,
					r->payload_length, r->message ? r->message : "message");
	} else {
		g_autofree char *field = r->kind == MWB_CRIU_ENTRY ? criu_field_at (r, off) : NULL;
		g_autofree char *what = mwb_criu_record_describe (r, 1000);

		line = field ? g_strdup_printf (" %s  in %s", field, what) : g_strdup_printf (" %s", what);
	}
	pane_fill (p, row, MWB_C_TITLE);
	pane_put (p, row, 0, r && (r->kind == MWB_CRIU_DAMAGED || r->kind == MWB_CRIU_UNPARSED)
		  ? MWB_C_FAIL : MWB_C_TITLE, line);
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
			int col = (int) mwb_hex_format_row_len (w) + 1;
			gboolean first = TRUE;

			for (guint k = 0; k < found->len && col < p->w; k++) {
				const MwbHexAnnotation *a = found->pdata[k];
				g_autofree char *text = NULL;

				/* A range that began on an earlier row was labelled there. */
				if (a->offset < off || !a->label)
					continue;
				text = g_strdup_printf ("%s%s", first ? "" : ", ", a->label);
				pane_put (p, y + 1, col, annot_color (a->cls), text);
				col += (int) g_utf8_strlen (text, -1);
				first = FALSE;
			}
		}
	}
	if (vp->stream)
		draw_explanation (p, vp);
	else if (vp->criu)
		draw_criu_explanation (p, vp);
}

/* A mapping of a file that shrank faults (SIGBUS) past the new end: QEMU's
 * exec: and file: targets and valgrind's logs are rewritten under us. */
static void
follow_file (MwbPane *p, ViewerPriv *vp)
{
	struct stat st;
	g_autofree char *path = NULL;
	guint cursor = p->cursor, top = p->top;

	if (!vp->path || vp->text || (stat (vp->path, &st) == 0 && (gsize) st.st_size == vp->size))
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
		g_autofree char *where = mwb_hex_describe_offset (cursor_offset (p, vp), vp->size);

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

/* Puts the cursor on a record and marks its header (not a whole page:
 * 256 marked rows would hide where it starts). */
static void
land_on_record (MwbPane *p, ViewerPriv *vp, const MwbStreamRecord *r)
{
	vp->match = (goffset) r->offset;
	vp->match_len = r->payload_length && r->payload_offset > r->offset
		? r->payload_offset - r->offset : MAX (r->length, 1);
	pane_set_cursor (p, (guint) (r->offset / row_width (p)));
}

/* Marks len bytes at off (at least one) and puts the cursor there. */
static void
land_at (MwbPane *p, ViewerPriv *vp, guint64 off, guint64 len)
{
	vp->match = (goffset) off;
	vp->match_len = MAX (len, 1);
	pane_set_cursor (p, (guint) (off / row_width (p)));
}

/* In a CRIU image from entry to entry (a size word, a payload, a magic);
 * in a pages image from run to run of its pagemap. */
static void
jump_criu (MwbPane *p, ViewerPriv *vp, gboolean backward)
{
	goffset here = cursor_offset (p, vp);
	const MwbCriuRecord *r;

	if (vp->pagemap) {
		guint64 best = G_MAXUINT64;
		gboolean found = FALSE;

		for (guint i = 0; i < mwb_criu_pagemap_n_runs (vp->pagemap); i++) {
			const MwbCriuPageRun *run = mwb_criu_pagemap_run (vp->pagemap, i);
			guint64 at = run->pages_offset;

			if (!(run->flags & MWB_CRIU_PE_PRESENT) || !run->nr_pages || at >= vp->size)
				continue;
			if (backward ? at < (guint64) here && (!found || at > best) : at > (guint64) here && at < best) {
				best = at;
				found = TRUE;
			}
		}
		if (!found) {
			tui_message (p->tui, MWB_C_NORMAL, "no run of %s %s 0x%" G_GINT64_MODIFIER "x", vp->pagemap_name,
				     backward ? "before" : "after", (gint64) here);
			return;
		}
		land_at (p, vp, best, 1);
		return;
	}
	r = backward ? mwb_criu_image_prev_entry (vp->criu, here) : mwb_criu_image_next_entry (vp->criu, here);
	/* prev_entry and next_entry fall back to the other direction. */
	if (!r || (backward ? (goffset) r->offset >= here : (goffset) r->offset <= here)) {
		tui_message (p->tui, MWB_C_NORMAL, "no entry %s 0x%" G_GINT64_MODIFIER "x",
			     backward ? "before" : "after", (gint64) here);
		return;
	}
	/* An entry's size word, or the start of what it is. */
	land_at (p, vp, r->offset, r->kind == MWB_CRIU_ENTRY ? 4 : MIN (r->length, (guint64) 16));
}

static void
jump_section (MwbPane *p, ViewerPriv *vp, gboolean backward)
{
	goffset here = cursor_offset (p, vp);
	const MwbStreamRecord *r;

	if (vp->criu) {
		jump_criu (p, vp, backward);
		return;
	}
	if (!vp->stream) {
		tui_message (p->tui, MWB_C_FAIL, "no sections: %s is not a QEMU migration stream%s",
			     vp->hex ? "the file" : "a text file", vp->hex ? " nor a CRIU image" : "");
		return;
	}
	r = backward ? mwb_stream_index_prev_section (vp->stream, here)
		: mwb_stream_index_next_section (vp->stream, here);
	/* prev_section and next_section fall back to the other direction. */
	if (!r || (backward ? (goffset) r->offset >= here : (goffset) r->offset <= here)) {
		tui_message (p->tui, MWB_C_NORMAL, "no section %s 0x%" G_GINT64_MODIFIER "x",
			     backward ? "before" : "after", (gint64) here);
		return;
	}
	land_on_record (p, vp, r);
}

static gboolean
viewer_request (MwbPane *p, MwbAction a)
{
	ViewerPriv *vp = p->priv;

	if (a == MWB_ACT_BACK) {
		pane_viewer_close (p);
		tui_focus (p->tui, p->tui->files);
		return TRUE;
	}
	if (a == MWB_ACT_NEXT_SECTION || a == MWB_ACT_PREV_SECTION) {
		if (vp->path)
			jump_section (p, vp, a == MWB_ACT_PREV_SECTION);
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

/* ADDR is hex with 0x or decimal, as for mwb inspect --page. */
gboolean
pane_viewer_page (MwbPane *p, const char *args, GError **error)
{
	ViewerPriv *vp = p->priv;
	g_auto (GStrv) words = g_strsplit_set (args, " \t", 2);
	const char *text = words[0] ? words[0] : "";
	const char *block = words[0] && words[1] && *g_strstrip (words[1]) ? words[1] : NULL;
	gboolean hex = g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X");
	const MwbStreamRecord *r;
	guint64 addr;

	if (!vp->path) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no file is open: :open migfile first");
		return FALSE;
	}
	if (vp->pagemap) {
		guint64 off = 0;
		MwbCriuPageWhere where;

		if (!g_ascii_string_to_unsigned (text + (hex ? 2 : 0), hex ? 16 : 10, 0, G_MAXUINT64, &addr, NULL)) {
			g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND,
				     "an address of process %u such as 0x7f0000001000, not '%s'", vp->pages_pid, text);
			return FALSE;
		}
		where = mwb_criu_pagemap_find_vaddr (vp->pagemap, addr, &off, NULL);
		if (where != MWB_CRIU_PAGE_IN_PAGES || off >= vp->size) {
			g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND, "0x%" G_GINT64_MODIFIER "x of process %u: %s",
				     addr, vp->pages_pid, where == MWB_CRIU_PAGE_IN_PAGES ? "past the end of the image"
				     : mwb_criu_page_where_name (where));
			return FALSE;
		}
		land_at (p, vp, off, 1);
		return TRUE;
	}
	if (!vp->stream) {
		g_set_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_NOT_FOUND,
			     "%s is not a QEMU migration stream", vp->path);
		return FALSE;
	}
	if (!g_ascii_string_to_unsigned (text + (hex ? 2 : 0), hex ? 16 : 10, 0, G_MAXUINT64, &addr, NULL)) {
		g_set_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_NOT_FOUND,
			     "a guest address such as 0x3280000, not '%s'", text);
		return FALSE;
	}
	r = mwb_stream_index_find_page (vp->stream, block, addr);
	if (!r) {
		g_set_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_NOT_FOUND,
			     "the stream never sent that page (of %s)",
			     block ? block : "pc.ram or any RAM block");
		return FALSE;
	}
	land_on_record (p, vp, r);
	return TRUE;
}

/* RAM blocks of the open stream, for completion; NULL when none. */
GPtrArray *
pane_viewer_ram_blocks (MwbPane *p)
{
	ViewerPriv *vp = p->priv;
	GPtrArray *names;

	if (!vp->stream)
		return NULL;
	names = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < mwb_stream_index_n_ram_blocks (vp->stream); i++)
		g_ptr_array_add (names, g_strdup (mwb_stream_index_ram_block (vp->stream, i)->name));
	return names;
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
	.footer_rows = viewer_footer_rows,
	.destroy = viewer_destroy,
};

MwbPane *
pane_viewer_new (MwbTui *t)
{
	ViewerPriv *vp = g_new0 (ViewerPriv, 1);

	vp->match = -1;
	return pane_new (t, &viewer_ops, vp);
}
