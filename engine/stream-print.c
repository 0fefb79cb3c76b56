/* Printing a migration stream's index: see stream-print.h. */
#define _GNU_SOURCE
#include <string.h>

#include <json-glib/json-glib.h>

#include "stream-print.h"

#define FMT_X64 "%" G_GINT64_MODIFIER "x"

/* ---- hexdump ---- */

static void
hexdump_row (FILE *out, const guint8 *data, gsize len, guint64 offset)
{
	gsize i;

	fprintf (out, "%08" G_GINT64_MODIFIER "x  ", offset);
	for (i = 0; i < 16; i++) {
		if (i < len)
			fprintf (out, "%02x ", data[i]);
		else
			fputs ("   ", out);
		if (i == 7)
			fputc (' ', out);
	}
	fputs (" |", out);
	for (i = 0; i < len; i++)
		fputc (data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.', out);
	fputs ("|\n", out);
}

void
mwb_stream_print_hexdump (FILE *out, const guint8 *data, gsize len, guint64 base)
{
	gboolean squeezed = FALSE;
	gsize at;

	g_return_if_fail (out != NULL);
	g_return_if_fail (data != NULL || len == 0);

	for (at = 0; at < len; at += 16) {
		gsize n = MIN ((gsize) 16, len - at);

		/* hexdump -C: a run of equal rows is one row and a "*" */
		if (at > 0 && n == 16 && memcmp (data + at, data + at - 16, 16) == 0) {
			if (!squeezed)
				fputs ("*\n", out);
			squeezed = TRUE;
			continue;
		}
		squeezed = FALSE;
		hexdump_row (out, data + at, n, base + at);
	}
	fprintf (out, "%08" G_GINT64_MODIFIER "x\n", base + len);
}

/* ---- summary ---- */

static void
print_sections (FILE *out, MwbStreamIndex *idx)
{
	guint i, n = mwb_stream_index_n_sections (idx);

	fprintf (out, "\nsections, in stream order (%u):\n", n);
	if (n == 0)
		return;
	fprintf (out, "  %5s  %5s %5s %5s %5s  %-32s %8s %7s  %s\n",
	         "id", "START", "PART", "END", "FULL", "idstr", "instance", "version", "first at");
	for (i = 0; i < n; i++) {
		const MwbStreamSection *s = mwb_stream_index_section (idx, i);

		fprintf (out, "  %5u  %5u %5u %5u %5u  %-32s %8u %7u  0x" FMT_X64 "\n",
		         s->id, s->n_start, s->n_part, s->n_end, s->n_full,
		         s->idstr != NULL ? s->idstr : "?", s->instance, s->version, s->offset);
	}
}

static void
print_blocks (FILE *out, MwbStreamIndex *idx)
{
	guint i, n = mwb_stream_index_n_ram_blocks (idx);
	gboolean other = FALSE;

	fprintf (out, "\nRAM blocks (%u):\n", n);
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		const MwbStreamRamBlock *b = mwb_stream_index_ram_block (idx, i);

		other = other || b->xbzrle_records > 0 || b->compress_records > 0;
	}
	fprintf (out, "  %-28s %12s %10s %10s %10s", "block", "size", "pages", "zero pages", "distinct");
	if (other)
		fprintf (out, " %10s %10s", "xbzrle", "compressed");
	fputc ('\n', out);
	for (i = 0; i < n; i++) {
		const MwbStreamRamBlock *b = mwb_stream_index_ram_block (idx, i);
		g_autofree char *size = b->listed ? g_strdup_printf ("0x" FMT_X64, b->size) : g_strdup ("not listed");

		fprintf (out, "  %-28s %12s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT,
		         b->name, size, b->page_records, b->zero_records, b->distinct_pages);
		if (other)
			fprintf (out, " %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT, b->xbzrle_records, b->compress_records);
		fputc ('\n', out);
	}
}

static void
print_devices (FILE *out, MwbStreamIndex *idx)
{
	guint i, n = mwb_stream_index_n_devices (idx);
	gboolean have_desc = mwb_stream_index_vmdesc (idx) != NULL;

	fprintf (out, "\ndevices (%u):\n", n);
	for (i = 0; i < n; i++) {
		const MwbStreamDevice *d = mwb_stream_index_device (idx, i);
		g_autofree char *fields = NULL;
		g_autofree char *where = NULL;

		if (d->described)
			fields = g_strdup_printf ("%u field%s", d->n_fields, d->n_fields == 1 ? "" : "s");
		else
			fields = g_strdup (have_desc ? "not walked" : "no description");
		where = g_strdup_printf ("0x" FMT_X64 " bytes at 0x" FMT_X64, d->length, d->offset);
		fprintf (out, "  %-32s instance %-3u version %-3u section %-4u %-28s %s\n",
		         d->name != NULL ? d->name : "?", d->instance, d->version, d->section_id,
		         where, fields);
	}
}

static void
print_problems (FILE *out, MwbStreamIndex *idx)
{
	guint i, n = mwb_stream_index_n_records (idx), problems = 0, notes = 0;

	fputs ("\nnot understood or cut short:\n", out);
	for (i = 0; i < n; i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);

		if (r->kind != MWB_STREAM_UNKNOWN && r->kind != MWB_STREAM_TRUNCATED)
			continue;
		fprintf (out, "  0x" FMT_X64 " +0x" FMT_X64 "  %s: %s\n", r->offset, r->length,
		         mwb_stream_kind_name (r->kind), r->reason != NULL ? r->reason : "");
		problems++;
	}
	if (problems == 0)
		fputs ("  none\n", out);

	for (i = 0; i < n; i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);

		if (r->kind != MWB_STREAM_NOTE)
			continue;
		if (notes++ == 0)
			fputs ("\nnotes:\n", out);
		fprintf (out, "  0x" FMT_X64 "  %s\n", r->offset, r->reason != NULL ? r->reason : "");
	}
}

/* The configuration's subsections: target page bits, capabilities, UUID. */
static void
print_config_fields (FILE *out, MwbStreamIndex *idx)
{
	guint i, n = mwb_stream_index_n_records (idx);

	for (i = 0; i < n; i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);

		if (r->kind != MWB_STREAM_DEVICE_FIELD || r->section_id != MWB_STREAM_NO_SECTION)
			continue;
		if (r->text != NULL)
			fprintf (out, "  %s = %s\n", r->name, r->text);
		else if (r->has_value)
			fprintf (out, "  %s = 0x" FMT_X64 "\n", r->name, r->value);
	}
}

void
mwb_stream_print_summary (FILE *out, MwbStreamIndex *idx)
{
	const char *machine, *vmdesc;
	gsize len;
	guint kind, n;

	g_return_if_fail (out != NULL);
	g_return_if_fail (idx != NULL);

	mwb_stream_index_data (idx, &len);
	if (mwb_stream_index_count (idx, MWB_STREAM_HEADER) > 0)
		fprintf (out, "QEMU migration stream: magic QEVM, version %u, 0x%" G_GSIZE_MODIFIER "x bytes\n",
		         mwb_stream_index_version (idx), len);
	else
		fprintf (out, "no QEMU migration stream header (magic QEVM) found, 0x%" G_GSIZE_MODIFIER "x bytes\n", len);
	machine = mwb_stream_index_machine (idx);
	fprintf (out, "configuration: %s%s\n", machine != NULL ? "machine " : "none", machine != NULL ? machine : "");
	print_config_fields (out, idx);
	fprintf (out, "target page size: 0x" FMT_X64 "\n", mwb_stream_index_page_size (idx));

	print_sections (out, idx);
	print_blocks (out, idx);
	print_devices (out, idx);
	print_problems (out, idx);

	vmdesc = mwb_stream_index_vmdesc (idx);
	if (vmdesc != NULL)
		fprintf (out, "\nVM description: 0x%" G_GSIZE_MODIFIER "x bytes of JSON\n", strlen (vmdesc));
	else
		fputs ("\nVM description: none\n", out);

	n = mwb_stream_index_n_records (idx);
	fprintf (out, "\nrecords: %u\n", n);
	for (kind = 0; kind < MWB_STREAM_KIND_COUNT; kind++) {
		guint count = mwb_stream_index_count (idx, kind);

		if (count > 0)
			fprintf (out, "  %-18s %u\n", mwb_stream_kind_name (kind), count);
	}
}

/* ---- JSON ---- */

/* JSON numbers are doubles to many readers: a guest address or a field's
 * value goes out as a hex string so that no reader rounds it. */
static void
set_hex (JsonObject *o, const char *member, guint64 v)
{
	g_autofree char *s = g_strdup_printf ("0x" FMT_X64, v);

	json_object_set_string_member (o, member, s);
}

static void
set_uint (JsonObject *o, const char *member, guint64 v)
{
	if (v <= (guint64) G_MAXINT64)
		json_object_set_int_member (o, member, (gint64) v);
	else
		set_hex (o, member, v);
}

static void
set_string (JsonObject *o, const char *member, const char *s)
{
	if (s != NULL)
		json_object_set_string_member (o, member, s);
}

static JsonObject *
record_json (const MwbStreamRecord *r)
{
	JsonObject *o = json_object_new ();
	const char *type_name = mwb_stream_section_type_name (r->section_type);

	json_object_set_string_member (o, "kind", mwb_stream_kind_name (r->kind));
	set_uint (o, "offset", r->offset);
	set_uint (o, "length", r->length);
	if (r->late)
		json_object_set_boolean_member (o, "late", TRUE);
	if (r->section_id != MWB_STREAM_NO_SECTION) {
		set_uint (o, "section_id", r->section_id);
		set_string (o, "section_type", type_name);
	}
	set_string (o, "idstr", r->idstr);
	if (r->kind == MWB_STREAM_HEADER || r->kind == MWB_STREAM_SUBSECTION
	    || (r->kind >= MWB_STREAM_SECTION_START && r->kind <= MWB_STREAM_SECTION_FULL)) {
		set_uint (o, "instance", r->instance);
		set_uint (o, "version", r->version);
	}
	switch (r->kind) {
	case MWB_STREAM_RAM_PAGE:
	case MWB_STREAM_RAM_ZERO:
	case MWB_STREAM_RAM_XBZRLE:
	case MWB_STREAM_RAM_COMPRESS: {
		g_autofree char *flags = mwb_stream_ram_flags_string (r->flags);

		set_string (o, "block", r->block);
		set_hex (o, "addr", r->addr);
		json_object_set_string_member (o, "flags", flags);
		if (r->kind == MWB_STREAM_RAM_ZERO)
			set_hex (o, "fill", r->fill);
		break;
	}
	case MWB_STREAM_RAM_BLOCK:
		set_string (o, "block", r->block);
		set_hex (o, "size", r->size);
		if (r->page_size != 0)
			set_hex (o, "page_size", r->page_size);
		if (r->addr != 0)
			set_hex (o, "addr", r->addr);
		break;
	case MWB_STREAM_RAM_MEM_SIZE:
		set_hex (o, "size", r->size);
		break;
	case MWB_STREAM_COMMAND:
		set_uint (o, "command", r->flags);
		if (r->size != 0)
			set_uint (o, "packaged_length", r->size);
		break;
	default:
		break;
	}
	if (r->payload_length > 0 && r->kind != MWB_STREAM_DEVICE_FIELD) {
		set_uint (o, "payload_offset", r->payload_offset);
		set_uint (o, "payload_length", r->payload_length);
	}
	set_string (o, "name", r->name);
	set_string (o, "type", r->type);
	if (r->has_value)
		set_hex (o, "value", r->value);
	set_string (o, "text", r->text);
	set_string (o, "reason", r->reason);
	return o;
}

static JsonObject *
field_json (const MwbStreamRecord *r)
{
	JsonObject *o = json_object_new ();

	set_string (o, "path", r->name);
	if (r->kind == MWB_STREAM_SUBSECTION) {
		/* its header: 0x05, name, version; its fields follow */
		json_object_set_string_member (o, "type", "subsection");
		set_uint (o, "version", r->version);
	} else {
		set_string (o, "type", r->type);
	}
	set_uint (o, "offset", r->offset);
	set_uint (o, "size", r->length);
	if (r->has_value)
		set_hex (o, "value", r->value);
	set_string (o, "text", r->text);
	return o;
}

static JsonArray *
sections_json (MwbStreamIndex *idx)
{
	JsonArray *a = json_array_new ();
	guint i;

	for (i = 0; i < mwb_stream_index_n_sections (idx); i++) {
		const MwbStreamSection *s = mwb_stream_index_section (idx, i);
		JsonObject *o = json_object_new ();

		set_uint (o, "id", s->id);
		set_string (o, "idstr", s->idstr);
		set_uint (o, "instance", s->instance);
		set_uint (o, "version", s->version);
		set_uint (o, "offset", s->offset);
		set_uint (o, "start", s->n_start);
		set_uint (o, "part", s->n_part);
		set_uint (o, "end", s->n_end);
		set_uint (o, "full", s->n_full);
		json_array_add_object_element (a, o);
	}
	return a;
}

static JsonArray *
blocks_json (MwbStreamIndex *idx)
{
	JsonArray *a = json_array_new ();
	guint i;

	for (i = 0; i < mwb_stream_index_n_ram_blocks (idx); i++) {
		const MwbStreamRamBlock *b = mwb_stream_index_ram_block (idx, i);
		JsonObject *o = json_object_new ();

		set_string (o, "name", b->name);
		set_hex (o, "size", b->size);
		json_object_set_boolean_member (o, "listed", b->listed);
		set_uint (o, "page_records", b->page_records);
		set_uint (o, "zero_records", b->zero_records);
		set_uint (o, "xbzrle_records", b->xbzrle_records);
		set_uint (o, "compress_records", b->compress_records);
		set_uint (o, "distinct_pages", b->distinct_pages);
		json_array_add_object_element (a, o);
	}
	return a;
}

/* Devices with their fields, and the records' list, in one pass. */
static void
records_json (MwbStreamIndex *idx, JsonObject *root)
{
	g_autoptr(GHashTable) fields_of = g_hash_table_new (g_direct_hash, g_direct_equal);
	JsonArray *devices = json_array_new ();
	JsonArray *records = json_array_new ();
	JsonArray *unknowns = json_array_new ();
	JsonArray *notes = json_array_new ();
	JsonArray *config_fields = json_array_new ();
	JsonObject *config = NULL;
	guint i;

	for (i = 0; i < mwb_stream_index_n_devices (idx); i++) {
		const MwbStreamDevice *d = mwb_stream_index_device (idx, i);
		JsonObject *o = json_object_new ();
		JsonArray *fields = json_array_new ();

		set_string (o, "name", d->name);
		set_uint (o, "instance", d->instance);
		set_uint (o, "version", d->version);
		set_uint (o, "section_id", d->section_id);
		set_uint (o, "offset", d->offset);
		set_uint (o, "length", d->length);
		json_object_set_boolean_member (o, "described", d->described);
		set_uint (o, "n_fields", d->n_fields);
		json_object_set_array_member (o, "fields", fields);
		g_hash_table_insert (fields_of, GUINT_TO_POINTER (d->section_id), fields);
		json_array_add_object_element (devices, o);
	}

	for (i = 0; i < mwb_stream_index_n_records (idx); i++) {
		const MwbStreamRecord *r = mwb_stream_index_record (idx, i);

		json_array_add_object_element (records, record_json (r));
		if (r->kind == MWB_STREAM_UNKNOWN || r->kind == MWB_STREAM_TRUNCATED)
			json_array_add_object_element (unknowns, record_json (r));
		else if (r->kind == MWB_STREAM_NOTE)
			json_array_add_object_element (notes, record_json (r));
		else if (r->kind == MWB_STREAM_CONFIG && config == NULL)
			config = record_json (r);
		if ((r->kind == MWB_STREAM_DEVICE_FIELD || r->kind == MWB_STREAM_SUBSECTION)
		    && r->section_id == MWB_STREAM_NO_SECTION) {
			json_array_add_object_element (config_fields, field_json (r));
		} else if (r->kind == MWB_STREAM_DEVICE_FIELD || (r->kind == MWB_STREAM_SUBSECTION && r->late)) {
			JsonArray *fields = g_hash_table_lookup (fields_of, GUINT_TO_POINTER (r->section_id));

			if (fields != NULL)
				json_array_add_object_element (fields, field_json (r));
		}
	}
	if (config != NULL) {
		json_object_set_array_member (config, "fields", config_fields);
		json_object_set_object_member (root, "configuration", config);
	} else {
		json_array_unref (config_fields);
		json_object_set_null_member (root, "configuration");
	}
	json_object_set_array_member (root, "devices", devices);
	json_object_set_array_member (root, "unknowns", unknowns);
	json_object_set_array_member (root, "notes", notes);
	json_object_set_array_member (root, "records", records);
}

void
mwb_stream_print_json (FILE *out, MwbStreamIndex *idx)
{
	g_autoptr(JsonGenerator) gen = json_generator_new ();
	g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	g_autofree char *text = NULL;
	JsonObject *root = json_object_new ();
	gsize len;

	g_return_if_fail (out != NULL);
	g_return_if_fail (idx != NULL);

	mwb_stream_index_data (idx, &len);
	set_uint (root, "size", len);
	if (mwb_stream_index_count (idx, MWB_STREAM_HEADER) > 0) {
		JsonObject *header = json_object_new ();

		json_object_set_string_member (header, "magic", "QEVM");
		set_uint (header, "version", mwb_stream_index_version (idx));
		json_object_set_object_member (root, "header", header);
	} else {
		json_object_set_null_member (root, "header");
	}
	if (mwb_stream_index_machine (idx) != NULL)
		json_object_set_string_member (root, "machine", mwb_stream_index_machine (idx));
	else
		json_object_set_null_member (root, "machine");
	set_uint (root, "page_size", mwb_stream_index_page_size (idx));
	json_object_set_boolean_member (root, "vmdesc", mwb_stream_index_vmdesc (idx) != NULL);
	json_object_set_array_member (root, "sections", sections_json (idx));
	json_object_set_array_member (root, "ram_blocks", blocks_json (idx));
	records_json (idx, root);

	json_node_take_object (node, root);
	json_generator_set_root (gen, node);
	json_generator_set_pretty (gen, TRUE);
	text = json_generator_to_data (gen, &len);
	fwrite (text, 1, len, out);
	fputc ('\n', out);
}

/* ---- one page ---- */

gboolean
mwb_stream_print_block_page (FILE *out, MwbStreamIndex *idx, const char *block, guint64 addr,
                             GError **error)
{
	const MwbStreamRecord *r;
	const MwbStreamRecord *section;
	g_autofree char *what = NULL;
	g_autofree char *where = NULL;
	g_autofree guint8 *filled = NULL;
	const guint8 *data;
	guint64 page_size = mwb_stream_index_page_size (idx);
	guint64 page = addr & ~(page_size - 1);
	gsize len;

	g_return_val_if_fail (out != NULL, FALSE);
	g_return_val_if_fail (idx != NULL, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	r = mwb_stream_index_find_page (idx, block, addr);
	if (r == NULL) {
		g_set_error (error, MWB_STREAM_ERROR, MWB_STREAM_ERROR_NOT_FOUND,
		             "the stream sends no page 0x" FMT_X64 " of %s", page,
		             block != NULL ? block : "pc.ram or any RAM block");
		return FALSE;
	}
	data = mwb_stream_index_data (idx, &len);
	section = mwb_stream_index_section_at (idx, r->offset);
	if (section != NULL && section->section_id != MWB_STREAM_NO_SECTION)
		where = g_strdup_printf (" in section %u %s", section->section_id,
		                         mwb_stream_section_type_name (section->section_type));
	what = mwb_stream_record_describe (r);
	fprintf (out, "page 0x" FMT_X64 " of %s: last sent by the record at 0x" FMT_X64 "%s\n",
	         page, r->block, r->offset, where != NULL ? where : "");
	fprintf (out, "  %s\n", what);

	switch (r->kind) {
	case MWB_STREAM_RAM_ZERO:
		fprintf (out, "a zero page: every byte is the fill byte 0x%02x\n", r->fill);
		filled = g_malloc (page_size);
		memset (filled, r->fill, page_size);
		mwb_stream_print_hexdump (out, filled, page_size, page);
		break;
	case MWB_STREAM_RAM_PAGE:
		mwb_stream_print_hexdump (out, data + r->payload_offset, r->payload_length, page);
		break;
	case MWB_STREAM_RAM_XBZRLE:
	case MWB_STREAM_RAM_COMPRESS:
	default:
		fprintf (out, "%s: its bytes as sent (offsets in the stream)\n",
		         r->kind == MWB_STREAM_RAM_XBZRLE
		         ? "XBZRLE-encoded against the page's earlier contents"
		         : "zlib-compressed");
		mwb_stream_print_hexdump (out, data + r->payload_offset, r->payload_length, r->payload_offset);
		break;
	}
	return TRUE;
}

gboolean
mwb_stream_print_page (FILE *out, MwbStreamIndex *idx, guint64 addr, GError **error)
{
	return mwb_stream_print_block_page (out, idx, NULL, addr, error);
}
