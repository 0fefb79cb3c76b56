#define _GNU_SOURCE
#include "criu-log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define TAIL_POLL_MS 20
#define GREP_CONTEXT 4

struct _CriuLogTail {
	MwbRunner *runner;
	char *path;
	char *source;
	int fd;
	GString *partial;
	guint timer;
	char *watch_text;
	void (*watch_func) (gpointer data);
	gpointer watch_data;
};

static void
emit (CriuLogTail *t, const char *line)
{
	mwb_runner_log (t->runner, t->source, MWB_LOG_IN, FALSE, line);
	if (t->watch_func && strstr (line, t->watch_text)) {
		void (*func) (gpointer) = t->watch_func;

		t->watch_func = NULL;
		func (t->watch_data);
	}
}

void
criu_log_tail_watch (CriuLogTail *t, const char *text, void (*func) (gpointer data), gpointer data)
{
	g_free (t->watch_text);
	t->watch_text = g_strdup (text);
	t->watch_func = func;
	t->watch_data = data;
}

/* Reads what has been appended since the last call; complete lines go out. */
static void
tail_read (CriuLogTail *t)
{
	char buf[65536];
	ssize_t n;

	if (t->fd < 0) {
		t->fd = open (t->path, O_RDONLY | O_CLOEXEC);
		if (t->fd < 0)
			return;
	}
	while ((n = read (t->fd, buf, sizeof buf)) > 0) {
		const char *p = buf, *end = buf + n, *nl;

		while ((nl = memchr (p, '\n', end - p))) {
			g_string_append_len (t->partial, p, nl - p);
			emit (t, t->partial->str);
			g_string_truncate (t->partial, 0);
			p = nl + 1;
		}
		g_string_append_len (t->partial, p, end - p);
	}
}

static gboolean
on_poll (gpointer data)
{
	tail_read (data);
	return G_SOURCE_CONTINUE;
}

CriuLogTail *
criu_log_tail_new (MwbRunner *runner, const char *path, const char *source)
{
	CriuLogTail *t = g_new0 (CriuLogTail, 1);

	t->runner = runner;
	t->path = g_strdup (path);
	t->source = g_strdup (source);
	t->fd = -1;
	t->partial = g_string_new (NULL);
	t->timer = g_timeout_add (TAIL_POLL_MS, on_poll, t);
	return t;
}

void
criu_log_tail_drain (CriuLogTail *t)
{
	if (!t)
		return;
	g_clear_handle_id (&t->timer, g_source_remove);
	tail_read (t);
	if (t->partial->len) {
		emit (t, t->partial->str);
		g_string_truncate (t->partial, 0);
	}
}

void
criu_log_tail_free (CriuLogTail *t)
{
	if (!t)
		return;
	g_clear_handle_id (&t->timer, g_source_remove);
	if (t->fd >= 0)
		close (t->fd);
	g_string_free (t->partial, TRUE);
	g_free (t->watch_text);
	g_free (t->path);
	g_free (t->source);
	g_free (t);
}

/* ---- reading a log ---- */

/* The text after CRIU's "(00.012345) " timestamp and an optional "pid: " tag. */
static const char *
after_stamp (const char *line)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	if (*p == '(') {
		const char *close = strchr (p, ')');

		if (close)
			p = close + 1;
	}
	while (*p == ' ')
		p++;
	/* restore logs tag lines with the task: "     1: Error (...)" */
	if (g_ascii_isdigit (*p)) {
		const char *q = p;

		while (g_ascii_isdigit (*q))
			q++;
		if (*q == ':') {
			p = q + 1;
			while (*p == ' ')
				p++;
		}
	}
	return p;
}

gboolean
criu_log_line_is_error (const char *line)
{
	const char *p = after_stamp (line);

	return g_str_has_prefix (p, "Error (") || g_str_has_prefix (p, "Error:")
		|| g_str_has_prefix (p, "Error ");
}

gboolean
criu_log_line_is_warning (const char *line)
{
	return g_str_has_prefix (after_stamp (line), "Warn ");
}

gboolean
criu_log_line_is_noise (const char *line)
{
	/* No CAP_SYS_RESOURCE: CRIU cannot raise its own fd limit and goes on. */
	return criu_log_line_is_error (line) && strstr (line, "Can't setup RLIMIT_NOFILE") != NULL;
}

/* Calls func for each line of text (without its newline). */
static void
each_line (const char *text, gsize len, void (*func) (const char *line, gpointer data), gpointer data)
{
	const char *p = text, *end = text + len;
	g_autoptr (GString) line = g_string_new (NULL);

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		const char *stop = nl ? nl : end;

		g_string_truncate (line, 0);
		/* A NUL inside a log line ends what can be shown of it. */
		g_string_append_len (line, p, stop - p);
		if (line->len && line->str[line->len - 1] == '\r')
			g_string_truncate (line, line->len - 1);
		func (line->str, data);
		p = nl ? nl + 1 : end;
	}
}

typedef struct {
	GPtrArray *out;
	GQueue before;
} Grep;

static void
grep_line (const char *line, gpointer data)
{
	Grep *g = data;

	if (criu_log_line_is_error (line) || criu_log_line_is_warning (line)) {
		while (!g_queue_is_empty (&g->before))
			g_ptr_array_add (g->out, g_queue_pop_head (&g->before));
		g_ptr_array_add (g->out, g_strdup (line));
		return;
	}
	g_queue_push_tail (&g->before, g_strdup (line));
	if (g_queue_get_length (&g->before) > GREP_CONTEXT)
		g_free (g_queue_pop_head (&g->before));
}

GPtrArray *
criu_log_grep_errors (const char *text, gsize len)
{
	Grep g = { g_ptr_array_new_with_free_func (g_free), G_QUEUE_INIT };

	each_line (text, len, grep_line, &g);
	g_queue_clear_full (&g.before, g_free);
	return g.out;
}

static void
cause_line (const char *line, gpointer data)
{
	char **cause = data;

	if (!*cause && criu_log_line_is_error (line) && !criu_log_line_is_noise (line))
		*cause = g_strstrip (g_strdup (after_stamp (line)));
}

char *
criu_log_cause (const char *text, gsize len)
{
	char *cause = NULL;

	each_line (text, len, cause_line, &cause);
	return cause;
}

gboolean
criu_log_finished (const char *text, gsize len)
{
	static const char *const done[] = {
		"Dumping finished successfully", "Restore finished successfully",
		"Pre-dumping finished successfully", NULL,
	};

	for (guint i = 0; done[i]; i++)
		if (memmem (text, len, done[i], strlen (done[i])))
			return TRUE;
	return FALSE;
}
