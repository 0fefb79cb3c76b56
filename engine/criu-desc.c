#include "criu-desc.h"

#include <string.h>

#include "mwb-error.h"

void
criu_desc_free (CriuDesc *d)
{
	if (!d)
		return;
	g_free (d->about);
	g_strfreev (d->flavors);
	g_strfreev (d->excludes);
	g_strfreev (d->needs);
	g_free (d);
}

static GStrv
words (const char *value)
{
	g_auto (GStrv) parts = g_strsplit_set (value, " \t\n\v\f\r,", -1);
	GPtrArray *out = g_ptr_array_new ();

	for (guint i = 0; parts[i]; i++)
		if (*parts[i])
			g_ptr_array_add (out, g_strdup (parts[i]));
	g_ptr_array_add (out, NULL);
	return (GStrv) g_ptr_array_free (out, FALSE);
}

CriuDesc *
criu_desc_parse (const char *file, const char *text, gsize len, GError **error)
{
	g_autoptr (CriuDesc) d = g_new0 (CriuDesc, 1);
	g_autofree char *copy = g_strndup (text, len);
	g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		char *line = g_strchug (lines[i]);
		char *hash = strchr (line, '#');
		char *eq;

		/* about= is prose: a '#' there is text, not a comment */
		if (hash && (hash == line || !g_str_has_prefix (line, "about")))
			*hash = '\0';
		g_strstrip (line);
		if (!*line)
			continue;
		eq = strchr (line, '=');
		if (!eq) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: expected key=value, got '%s'",
				     file, i + 1, line);
			return NULL;
		}
		*eq = '\0';
		g_strstrip (line);
		if (g_str_equal (line, "about")) {
			g_free (d->about);
			d->about = g_strstrip (g_strdup (eq + 1));
		} else if (g_str_equal (line, "flavors") || g_str_equal (line, "flavor")) {
			g_strfreev (d->flavors);
			d->flavors = words (eq + 1);
		} else if (g_str_equal (line, "excludes")) {
			g_strfreev (d->excludes);
			d->excludes = words (eq + 1);
		} else if (g_str_equal (line, "needs")) {
			g_strfreev (d->needs);
			d->needs = words (eq + 1);
		}
	}
	if (!d->flavors || !d->flavors[0]) {
		g_strfreev (d->flavors);
		d->flavors = g_strsplit ("h ns uns", " ", -1);
	}
	for (guint i = 0; d->flavors[i]; i++)
		if (!g_str_equal (d->flavors[i], "h") && !g_str_equal (d->flavors[i], "ns")
		    && !g_str_equal (d->flavors[i], "uns")) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE,
				     "%s: unknown flavor '%s' (known: h, ns, uns)", file, d->flavors[i]);
			return NULL;
		}
	if (!d->excludes)
		d->excludes = g_new0 (char *, 1);
	if (!d->needs)
		d->needs = g_new0 (char *, 1);
	return g_steal_pointer (&d);
}

CriuDesc *
criu_desc_load (const char *file, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;

	if (!g_file_get_contents (file, &text, &len, error))
		return NULL;
	return criu_desc_parse (file, text, len, error);
}
