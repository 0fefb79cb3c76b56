#include "scenario.h"

#include <string.h>

#include "run-config.h"

#include "mwb-error.h"

static void
arg_clear (gpointer p)
{
	MwbArg *a = p;

	g_free (a->key);
	g_free (a->value);
}

static void
step_free (gpointer p)
{
	MwbStep *s = p;

	g_free (s->name);
	g_free (s->action);
	g_array_unref (s->args);
	g_free (s->about);
	g_free (s->check);
	g_free (s->expect_match);
	g_free (s);
}

static GArray *
arg_array_new (void)
{
	GArray *a = g_array_new (FALSE, TRUE, sizeof (MwbArg));

	g_array_set_clear_func (a, arg_clear);
	return a;
}

MwbStep *
mwb_step_new (const char *name, const char *action)
{
	MwbStep *s = g_new0 (MwbStep, 1);

	s->name = g_strdup (name);
	s->action = g_strdup (action);
	s->args = arg_array_new ();
	return s;
}

MwbStep *
mwb_step_copy (const MwbStep *step)
{
	MwbStep *c = g_new0 (MwbStep, 1);

	*c = *step;
	c->name = g_strdup (step->name);
	c->action = g_strdup (step->action);
	c->about = g_strdup (step->about);
	c->check = g_strdup (step->check);
	c->expect_match = g_strdup (step->expect_match);
	c->args = arg_array_new ();
	for (guint i = 0; i < step->args->len; i++)
		mwb_step_set_arg (c, g_array_index (step->args, MwbArg, i).key,
				  g_array_index (step->args, MwbArg, i).value);
	return c;
}

void
mwb_step_set_arg (MwbStep *step, const char *key, const char *value)
{
	MwbArg a;

	for (guint i = 0; i < step->args->len; i++) {
		MwbArg *old = &g_array_index (step->args, MwbArg, i);

		if (g_str_equal (old->key, key)) {
			g_free (old->value);
			old->value = g_strdup (value);
			return;
		}
	}
	a.key = g_strdup (key);
	a.value = g_strdup (value);
	g_array_append_val (step->args, a);
}

MwbScenario *
mwb_scenario_copy_without_steps (const MwbScenario *scn)
{
	MwbScenario *c = g_new0 (MwbScenario, 1);

	c->refcount = 1;
	c->file = g_strdup (scn->file);
	c->path = g_strdup (scn->path);
	c->description = g_strdup (scn->description);
	c->backend = g_strdup (scn->backend);
	c->params = arg_array_new ();
	for (guint i = 0; i < scn->params->len; i++) {
		MwbArg a = {
			g_strdup (g_array_index (scn->params, MwbArg, i).key),
			g_strdup (g_array_index (scn->params, MwbArg, i).value),
		};

		g_array_append_val (c->params, a);
	}
	c->steps = g_ptr_array_new_with_free_func (step_free);
	return c;
}

MwbScenario *
mwb_scenario_ref (MwbScenario *scn)
{
	g_atomic_int_inc (&scn->refcount);
	return scn;
}

void
mwb_scenario_unref (MwbScenario *scn)
{
	if (!scn || !g_atomic_int_dec_and_test (&scn->refcount))
		return;
	g_free (scn->file);
	g_free (scn->path);
	g_free (scn->description);
	g_free (scn->backend);
	g_array_unref (scn->params);
	g_ptr_array_unref (scn->steps);
	g_free (scn);
}

static gboolean
parse_error (GError **error, const char *file, guint line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
parse_error (GError **error, const char *file, guint line, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: %s", file, line, msg);
	return FALSE;
}

/* Splits a step line into words. A word may carry a double-quoted part
 * (key="a b"), where \" and \\ are the only escapes. */
static gboolean
split_words (const char *s, GPtrArray *out, const char *file, guint line, GError **error)
{
	while (*s) {
		GString *w;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		w = g_string_new (NULL);
		while (*s && *s != ' ' && *s != '\t') {
			if (*s != '"') {
				g_string_append_c (w, *s++);
				continue;
			}
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				g_string_append_c (w, *s++);
			}
			if (*s != '"') {
				g_string_free (w, TRUE);
				return parse_error (error, file, line, "unterminated quote");
			}
			s++;
		}
		g_ptr_array_add (out, g_string_free (w, FALSE));
	}
	return TRUE;
}

static gboolean
valid_name (const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isalnum (*s) && !strchr ("-_.", *s))
			return FALSE;
	return TRUE;
}

static gboolean
parse_timeout (const char *v, double *out)
{
	char *end = NULL;
	double d = g_ascii_strtod (v, &end);

	if (end == v || *end || !(d > 0) || d > 86400)
		return FALSE;
	*out = d;
	return TRUE;
}

/* key=value words of a step: the engine's own keys (timeout, expect, match)
 * are taken here; everything else is for the backend. */
static gboolean
add_step_args (MwbStep *step, GPtrArray *words, guint first, const char *file, guint line,
	       GError **error)
{
	for (guint i = first; i < words->len; i++) {
		const char *w = words->pdata[i];
		const char *eq = strchr (w, '=');
		MwbArg a;

		if (!eq || eq == w)
			return parse_error (error, file, line,
					    "expected key=value, got '%s'", w);
		a.key = g_strndup (w, eq - w);
		a.value = g_strdup (eq + 1);
		if (g_str_equal (a.key, "timeout")) {
			gboolean ok = parse_timeout (a.value, &step->timeout_s);

			arg_clear (&a);
			if (!ok)
				return parse_error (error, file, line,
						    "timeout must be seconds between 0 and 86400, got '%s'",
						    eq + 1);
			continue;
		}
		if (g_str_equal (a.key, "expect")) {
			gboolean ok = g_str_equal (a.value, "fail");

			arg_clear (&a);
			if (!ok)
				return parse_error (error, file, line,
						    "expect takes only 'fail', got '%s'", eq + 1);
			step->expect_fail = TRUE;
			continue;
		}
		if (g_str_equal (a.key, "match")) {
			g_free (step->expect_match);
			step->expect_match = a.value;
			g_free (a.key);
			continue;
		}
		for (guint j = 0; j < step->args->len; j++)
			if (g_str_equal (g_array_index (step->args, MwbArg, j).key, a.key)) {
				parse_error (error, file, line, "argument '%s' given twice", a.key);
				arg_clear (&a);
				return FALSE;
			}
		g_array_append_val (step->args, a);
	}
	return TRUE;
}

static gboolean
parse_step (MwbScenario *scn, GPtrArray *words, const char *file, guint line, GError **error)
{
	MwbStep *step;

	if (words->len < 3)
		return parse_error (error, file, line, "expected 'step NAME ACTION [key=value]...'");
	if (!valid_name (words->pdata[1]))
		return parse_error (error, file, line,
				    "bad step name '%s' (letters, digits, '-', '_', '.')",
				    (char *) words->pdata[1]);
	if (mwb_scenario_find_step (scn, words->pdata[1]) >= 0)
		return parse_error (error, file, line, "step '%s' declared twice",
				    (char *) words->pdata[1]);
	if (!valid_name (words->pdata[2]) || !strchr (words->pdata[2], '.'))
		return parse_error (error, file, line,
				    "bad action '%s' (expected backend.action)",
				    (char *) words->pdata[2]);
	step = g_new0 (MwbStep, 1);
	step->name = g_strdup (words->pdata[1]);
	step->action = g_strdup (words->pdata[2]);
	step->args = arg_array_new ();
	step->line = line;
	g_ptr_array_add (scn->steps, step);
	return add_step_args (step, words, 3, file, line, error);
}

/* An indented line continues the last step: "about TEXT", "check TEXT" or
 * more key=value. */
static gboolean
parse_continuation (MwbScenario *scn, const char *rest, const char *file, guint line,
		    GError **error)
{
	g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
	MwbStep *step;

	if (scn->steps->len == 0)
		return parse_error (error, file, line, "indented line before any step");
	step = scn->steps->pdata[scn->steps->len - 1];
	if (g_str_has_prefix (rest, "about") && (rest[5] == ' ' || rest[5] == '\t')) {
		g_free (step->about);
		step->about = g_strstrip (g_strdup (rest + 5));
		return TRUE;
	}
	if (g_str_has_prefix (rest, "check") && (rest[5] == ' ' || rest[5] == '\t' || !rest[5])) {
		g_free (step->check);
		step->check = g_strstrip (g_strdup (rest + 5));
		if (!*step->check || strchr (step->check, '#'))
			return parse_error (error, file, line,
					    "check needs a description without '#' (it becomes a TAP line)");
		return TRUE;
	}
	if (!split_words (rest, words, file, line, error))
		return FALSE;
	return add_step_args (step, words, 0, file, line, error);
}

/* A `set` value may use ${run}, ${path} and the parameters set above it:
 * they are all known before the first step, so a typo is caught here. */
static gboolean
check_set_refs (MwbScenario *scn, const char *value, const char *file, guint line, GError **error)
{
	g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GError) err = NULL;
	g_autofree char *out = NULL;

	g_hash_table_insert (known, "run", "");
	g_hash_table_insert (known, "path", "");
	for (guint i = 0; mwb_run_config_var_names[i]; i++)
		g_hash_table_insert (known, (gpointer) mwb_run_config_var_names[i], "");
	/* The last parameter is the one being checked: it may not use itself. */
	for (guint i = 0; i + 1 < scn->params->len; i++)
		g_hash_table_insert (known, g_array_index (scn->params, MwbArg, i).key, "");
	out = mwb_expand (value, known, &err);
	if (!out)
		return parse_error (error, file, line, "%s (a set line may use ${run}, ${path} and"
				    " parameters set above it, and the knobs ${guest-mem}, ${multifd-channels},"
				    " ${max-bandwidth}, ${downtime-limit})", err->message);
	return TRUE;
}

static gboolean
parse_set (MwbScenario *scn, const char *rest, const char *file, guint line, GError **error)
{
	const char *eq = strchr (rest, '=');
	MwbArg a;

	if (!eq)
		return parse_error (error, file, line, "expected 'set NAME = VALUE'");
	a.key = g_strstrip (g_strndup (rest, eq - rest));
	if (!valid_name (a.key)) {
		parse_error (error, file, line, "bad parameter name '%s'", a.key);
		g_free (a.key);
		return FALSE;
	}
	if (g_str_equal (a.key, "run") || g_str_equal (a.key, "path")) {
		parse_error (error, file, line, "'%s' is set by mwb itself", a.key);
		g_free (a.key);
		return FALSE;
	}
	a.value = g_strstrip (g_strdup (eq + 1));
	g_array_append_val (scn->params, a);
	return check_set_refs (scn, a.value, file, line, error);
}

static gboolean
set_once (char **field, const char *keyword, const char *value, const char *file, guint line,
	  GError **error)
{
	if (*field)
		return parse_error (error, file, line, "'%s' given twice", keyword);
	if (!*value)
		return parse_error (error, file, line, "'%s' needs a value", keyword);
	*field = g_strdup (value);
	return TRUE;
}

static gboolean
parse_line (MwbScenario *scn, const char *raw, const char *file, guint line, GError **error)
{
	g_autofree char *text = g_strchomp (g_strdup (raw));
	const char *s = text;
	const char *rest;
	g_autofree char *kw = NULL;
	g_autoptr (GPtrArray) words = NULL;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return TRUE;
	if (s != text)
		return parse_continuation (scn, s, file, line, error);

	rest = s + strcspn (s, " \t");
	kw = g_strndup (s, rest - s);
	while (*rest == ' ' || *rest == '\t')
		rest++;

	if (g_str_equal (kw, "path")) {
		/* migration-test's /x86_64/... or zdtm's zdtm/static/... */
		if (!rest[0] || strstr (rest, "//") || g_str_has_suffix (rest, "/")
		    || strpbrk (rest, " \t"))
			return parse_error (error, file, line,
					    "path must look like /a/b/c or a/b/c, got '%s'", rest);
		return set_once (&scn->path, kw, rest, file, line, error);
	}
	if (g_str_equal (kw, "description"))
		return set_once (&scn->description, kw, rest, file, line, error);
	if (g_str_equal (kw, "backend"))
		return set_once (&scn->backend, kw, rest, file, line, error);
	if (g_str_equal (kw, "set"))
		return parse_set (scn, rest, file, line, error);
	if (g_str_equal (kw, "step")) {
		words = g_ptr_array_new_with_free_func (g_free);
		if (!split_words (s, words, file, line, error))
			return FALSE;
		return parse_step (scn, words, file, line, error);
	}
	return parse_error (error, file, line,
			    "unknown keyword '%s' (expected path, description, backend, set or step)",
			    kw);
}

MwbScenario *
mwb_scenario_parse (const char *file, const char *text, GError **error)
{
	g_autoptr (MwbScenario) scn = g_new0 (MwbScenario, 1);
	g_auto (GStrv) lines = NULL;
	const char *bad = NULL;
	guint n;

	scn->refcount = 1;
	scn->file = g_strdup (file);
	scn->params = arg_array_new ();
	scn->steps = g_ptr_array_new_with_free_func (step_free);

	if (!g_utf8_validate (text, -1, &bad)) {
		guint line = 1;

		for (const char *p = text; p < bad; p++)
			line += *p == '\n';
		g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE, "%s:%u: not valid UTF-8", file, line);
		return NULL;
	}
	lines = g_strsplit (text, "\n", -1);
	n = g_strv_length (lines);
	/* A final newline does not start another line. */
	if (n > 1 && !*lines[n - 1])
		n--;
	if (n == 0)
		n = 1;
	for (guint i = 0; lines[i]; i++)
		if (!parse_line (scn, lines[i], file, i + 1, error))
			return NULL;

	/* The end of the file is where a missing header line would have to go. */
	if (!scn->path)
		return parse_error (error, file, n, "no 'path' line"), NULL;
	if (!scn->backend)
		return parse_error (error, file, n, "no 'backend' line"), NULL;
	if (scn->steps->len == 0)
		return parse_error (error, file, n, "no steps"), NULL;
	if (!scn->description)
		scn->description = g_strdup ("");
	for (guint i = 0; i < scn->steps->len; i++) {
		MwbStep *st = scn->steps->pdata[i];

		if (st->expect_match && !st->expect_fail)
			return parse_error (error, file, st->line,
					    "match= needs expect=fail"), NULL;
		if (!st->about)
			st->about = g_strdup_printf ("%s", st->action);
	}
	return g_steal_pointer (&scn);
}

MwbScenario *
mwb_scenario_load (const char *file, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr (GError) err = NULL;

	if (!g_file_get_contents (file, &text, NULL, &err)) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_IO, "%s: %s", file, err->message);
		return NULL;
	}
	return mwb_scenario_parse (file, text, error);
}

int
mwb_scenario_find_step (const MwbScenario *scn, const char *name)
{
	for (guint i = 0; i < scn->steps->len; i++)
		if (g_str_equal (((MwbStep *) scn->steps->pdata[i])->name, name))
			return i;
	return -1;
}

MwbStep *
mwb_scenario_step (const MwbScenario *scn, guint i)
{
	return i < scn->steps->len ? scn->steps->pdata[i] : NULL;
}

const char *
mwb_step_arg (const MwbStep *step, const char *key)
{
	for (guint i = 0; i < step->args->len; i++) {
		MwbArg *a = &g_array_index (step->args, MwbArg, i);

		if (g_str_equal (a->key, key))
			return a->value;
	}
	return NULL;
}

static char *
expand (const char *text, GHashTable *vars, gboolean lenient, GError **error)
{
	g_autoptr (GString) out = g_string_new (NULL);
	const char *s = text;

	while (*s) {
		const char *end;
		g_autofree char *name = NULL;
		const char *val;

		if (s[0] != '$') {
			g_string_append_c (out, *s++);
			continue;
		}
		if (s[1] == '$') {
			g_string_append_c (out, '$');
			s += 2;
			continue;
		}
		if (s[1] != '{' || !(end = strchr (s + 2, '}'))) {
			if (lenient) {
				g_string_append_c (out, *s++);
				continue;
			}
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE,
				     "bad variable reference in '%s' (use ${name}, or $$ for $)", text);
			return NULL;
		}
		name = g_strndup (s + 2, end - (s + 2));
		val = vars ? g_hash_table_lookup (vars, name) : NULL;
		if (!val && lenient) {
			g_string_append_len (out, s, end + 1 - s);
		} else if (!val) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_NOT_FOUND,
				     "unknown variable ${%s}", name);
			return NULL;
		} else {
			g_string_append (out, val);
		}
		s = end + 1;
	}
	return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
mwb_expand (const char *text, GHashTable *vars, GError **error)
{
	return expand (text, vars, FALSE, error);
}

char *
mwb_expand_lenient (const char *text, GHashTable *vars)
{
	return expand (text, vars, TRUE, NULL);
}

gboolean
mwb_path_has_prefix (const char *path, const char *prefix)
{
	gsize n = strlen (prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp (path, prefix, n) != 0)
		return FALSE;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && prefix[0] == '/');
}
