/* The known-broken list: parsing, matching, and marking a report. The rules
 * refuse what is surely a mistake (a glob of everything, a directory-style
 * path that matches nothing, the same entry twice) rather than let a typo
 * hide a regression or list one for nothing. */
#include "known-broken.h"

#include <string.h>

#include "mwb-error.h"

static void
entry_free (gpointer p)
{
	MwbKnownBrokenEntry *e = p;

	g_free (e->pattern);
	g_free (e->reason);
	if (e->spec)
		g_pattern_spec_free (e->spec);
	g_free (e);
}

void
mwb_known_broken_free (MwbKnownBroken *kb)
{
	if (!kb)
		return;
	g_free (kb->file);
	g_ptr_array_unref (kb->entries);
	g_free (kb);
}

static gboolean
blank (char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Why a pattern cannot be meant, or NULL. */
static char *
check_pattern (const char *p)
{
	gsize n = strlen (p);

	if (p[0] != '/' && p[0] != '*' && p[0] != '?' && !g_ascii_isalnum (p[0]))
		return g_strdup_printf ("expected a scenario path or glob, not '%s'", p);
	if (strspn (p, "*?") == n)
		return g_strdup_printf ("'%s' would match every scenario: list them, or a glob such as /x86_64/*", p);
	if (p[n - 1] == '/')
		return g_strdup_printf ("no scenario path ends in '/': '%s*' matches the paths under it", p);
	return NULL;
}

static gboolean
parse_line (MwbKnownBroken *kb, char *line, guint lineno, GError **error)
{
	char *p = line, *end, *why;
	MwbKnownBrokenEntry *e;

	for (char *c = line; *c; c++)
		if (((guchar) *c < 0x20 && !blank (*c)) || *c == 0x7f) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: control character 0x%02x in the line",
				     kb->file, lineno, (guchar) *c);
			return FALSE;
		}
	while (blank (*p))
		p++;
	if (!*p || *p == '#')
		return TRUE;
	for (end = p; *end && !blank (*end); end++)
		;
	e = g_new0 (MwbKnownBrokenEntry, 1);
	e->pattern = g_strndup (p, end - p);
	e->line = lineno;
	g_strstrip (end);
	e->reason = *end ? g_strdup (end) : NULL;
	if ((why = check_pattern (e->pattern))) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: %s", kb->file, lineno, why);
		g_free (why);
		entry_free (e);
		return FALSE;
	}
	for (guint i = 0; i < kb->entries->len; i++) {
		MwbKnownBrokenEntry *o = kb->entries->pdata[i];

		if (g_str_equal (o->pattern, e->pattern)) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: '%s' is already listed at line %u",
				     kb->file, lineno, e->pattern, o->line);
			entry_free (e);
			return FALSE;
		}
	}
	e->spec = g_pattern_spec_new (e->pattern);
	g_ptr_array_add (kb->entries, e);
	return TRUE;
}

MwbKnownBroken *
mwb_known_broken_parse (const char *file, const char *text, gsize len, GError **error)
{
	g_autoptr (MwbKnownBroken) kb = g_new0 (MwbKnownBroken, 1);
	gsize start = 0;
	guint lineno = 0;

	kb->file = g_strdup (file);
	kb->entries = g_ptr_array_new_with_free_func (entry_free);
	while (start < len) {
		const char *nl = memchr (text + start, '\n', len - start);
		gsize n = nl ? (gsize) (nl - (text + start)) : len - start;
		g_autofree char *line = NULL;

		lineno++;
		if (memchr (text + start, '\0', n)) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: NUL byte: not a text file", file, lineno);
			return NULL;
		}
		if (!g_utf8_validate (text + start, (gssize) n, NULL)) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: not UTF-8 text", file, lineno);
			return NULL;
		}
		line = g_strndup (text + start, n);
		if (!parse_line (kb, line, lineno, error))
			return NULL;
		start += n + 1;
	}
	return g_steal_pointer (&kb);
}

MwbKnownBroken *
mwb_known_broken_load (const char *file, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GError) err = NULL;

	if (!g_file_get_contents (file, &text, &len, &err)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "%s", err->message);
		return NULL;
	}
	return mwb_known_broken_parse (file, text, len, error);
}

MwbKnownBrokenEntry *
mwb_known_broken_match (MwbKnownBroken *kb, const char *name)
{
	const char *label = strstr (name, " [");
	g_autofree char *path = label ? g_strndup (name, label - name) : NULL;

	for (guint i = 0; kb && i < kb->entries->len; i++) {
		MwbKnownBrokenEntry *e = kb->entries->pdata[i];

		if (g_pattern_spec_match_string (e->spec, name) || (path && g_pattern_spec_match_string (e->spec, path)))
			return e;
	}
	return NULL;
}

void
mwb_report_apply_known_broken (MwbReport *r, MwbKnownBroken *kb)
{
	for (guint i = 0; kb && i < kb->entries->len; i++)
		((MwbKnownBrokenEntry *) kb->entries->pdata[i])->matched = 0;
	for (guint i = 0; i < r->entries->len; i++) {
		MwbReportEntry *e = r->entries->pdata[i];
		MwbKnownBrokenEntry *k = mwb_known_broken_match (kb, e->path);

		g_clear_pointer (&e->known_reason, g_free);
		g_clear_pointer (&e->known_where, g_free);
		e->known_broken = k != NULL;
		if (!k)
			continue;
		k->matched++;
		e->known_reason = g_strdup (k->reason);
		e->known_where = g_strdup_printf ("%s:%u", kb->file, k->line);
	}
	for (guint i = 0; kb && i < kb->entries->len; i++) {
		MwbKnownBrokenEntry *k = kb->entries->pdata[i];

		if (!k->matched)
			g_ptr_array_add (r->notes, g_strdup_printf ("%s:%u: known-broken entry '%s' matched no scenario",
								    kb->file, k->line, k->pattern));
	}
}
