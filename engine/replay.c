/* The replay parser's driver: reads the log once in chunks, hands each
 * cleaned line to its format's handler, and keeps the tests, steps and
 * items the handlers build. */
#include "replay-priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static const char *const format_names[] = {
	[MWB_REPLAY_AUTO] = "auto", [MWB_REPLAY_MESON] = "meson", [MWB_REPLAY_GTAP] = "gtap",
	[MWB_REPLAY_TAP] = "tap", [MWB_REPLAY_ZDTM] = "zdtm", [MWB_REPLAY_CRIU] = "criu",
	[MWB_REPLAY_JOURNAL] = "journal",
};

MwbReplayFormat
mwb_replay_format_from_name (const char *name)
{
	for (guint i = 1; i < G_N_ELEMENTS (format_names); i++)
		if (g_str_equal (name, format_names[i]))
			return i;
	return MWB_REPLAY_AUTO;
}

const char *
mwb_replay_format_name (MwbReplayFormat f)
{
	return f < G_N_ELEMENTS (format_names) ? format_names[f] : "?";
}

const char *
mwb_replay_verdict_name (MwbReplayVerdict v)
{
	switch (v) {
	case MWB_RV_PASS: return "PASS";
	case MWB_RV_FAIL: return "FAIL";
	case MWB_RV_SKIP: return "SKIP";
	case MWB_RV_TIMEOUT: return "TIMEOUT";
	case MWB_RV_UNFINISHED: return "UNFINISHED";
	case MWB_RV_NOTRUN: return "NOT RUN";
	}
	return "?";
}

gboolean
mwb_replay_verdict_is_bad (MwbReplayVerdict v)
{
	return v != MWB_RV_PASS && v != MWB_RV_SKIP;
}

int
mwb_replay_first_failure (const MwbReplayLog *log)
{
	for (guint i = 0; i < log->tests->len; i++)
		if (mwb_replay_verdict_is_bad (((MwbReplayTest *) log->tests->pdata[i])->verdict))
			return i;
	return -1;
}

int
mwb_replay_exit_status (const MwbReplayLog *log)
{
	if (!log->tests->len)
		return 2;
	return mwb_replay_first_failure (log) >= 0 ? 1 : 0;
}

void
rp_set (char **field, const char *value)
{
	char *old = *field;

	*field = g_strdup (value);
	g_free (old);
}

const char *
rp_after (const RpLine *l, const char *prefix)
{
	gsize n = strlen (prefix);

	return l->len >= n && memcmp (l->s, prefix, n) == 0 ? l->s + n : NULL;
}

static void
step_free (gpointer p)
{
	MwbReplayStep *st = p;

	g_free (st->name);
	g_free (st->about);
	g_free (st->reason);
	g_free (st);
}

static void
test_free (gpointer p)
{
	MwbReplayTest *t = p;

	g_free (t->path);
	g_free (t->flavor);
	g_free (t->reason);
	g_free (t->named_by);
	g_free (t->cause);
	g_free (t->process);
	g_free (t->memory);
	g_free (t->result);
	g_ptr_array_unref (t->steps);
	g_free (t);
}

void
mwb_replay_log_free (MwbReplayLog *log)
{
	if (!log)
		return;
	g_free (log->file);
	g_free (log->about);
	g_free (log->qemu_version);
	g_ptr_array_unref (log->tests);
	g_array_unref (log->items);
	g_ptr_array_unref (log->sources);
	if (log->fd >= 0)
		close (log->fd);
	if (log->bytes)
		g_bytes_unref (log->bytes);
	g_free (log);
}

guint16
rp_source (Rp *rp, const char *name)
{
	gpointer v = g_hash_table_lookup (rp->source_ids, name);

	if (v)
		return GPOINTER_TO_UINT (v) - 1;
	if (rp->log->sources->len >= G_MAXUINT16)
		return 0;
	g_ptr_array_add (rp->log->sources, g_strdup (name));
	g_hash_table_insert (rp->source_ids, rp->log->sources->pdata[rp->log->sources->len - 1],
			     GUINT_TO_POINTER (rp->log->sources->len));
	return rp->log->sources->len - 1;
}

MwbReplayTest *
rp_test (Rp *rp, guint64 line)
{
	if (rp->cur)
		return rp->cur;
	rp->cur = g_new0 (MwbReplayTest, 1);
	rp->cur->steps = g_ptr_array_new_with_free_func (step_free);
	rp->cur->duration_s = -1;
	rp->cur->failed_step = -1;
	rp->cur->line = line;
	rp->cur_first_item = rp->log->items->len;
	rp->cur_content = FALSE;
	rp->cur_bailed = FALSE;
	rp->step = NULL;
	return rp->cur;
}

MwbReplayStep *
rp_step (Rp *rp, const char *name, guint64 line)
{
	MwbReplayTest *t = rp_test (rp, line);
	MwbReplayStep *st;
	g_autofree char *unique = NULL;

	if (rp->step && g_str_equal (rp->step->name, name))
		return rp->step;
	/* Step names are unique within a scenario: the second dump is dump-2. */
	for (guint n = 1;; n++) {
		gboolean taken = FALSE;

		g_free (unique);
		unique = n == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, n);
		for (guint i = 0; i < t->steps->len && !taken; i++)
			taken = g_str_equal (((MwbReplayStep *) t->steps->pdata[i])->name, unique);
		if (!taken)
			break;
	}
	st = g_new0 (MwbReplayStep, 1);
	st->name = g_steal_pointer (&unique);
	st->state = MWB_STEP_OK;
	st->line = line;
	st->first_item = rp->log->items->len;
	g_ptr_array_add (t->steps, st);
	rp->step = st;
	return st;
}

void
rp_step_about (Rp *rp, const char *name, guint64 line, const char *about)
{
	MwbReplayStep *st = rp_step (rp, name, line);

	if (!st->about)
		st->about = g_strdup (about);
}

static MwbReplayStep *
current_step (Rp *rp, guint64 line)
{
	return rp->step ? rp->step : rp_step (rp, "begin", line);
}

static MwbReplayItem *
last_item (Rp *rp, MwbReplayStep *st)
{
	if (!st->n_items)
		return NULL;
	return &g_array_index (rp->log->items, MwbReplayItem, rp->log->items->len - 1);
}

static void
add_item (Rp *rp, MwbReplayStep *st, const RpLine *l, guint16 source, MwbReplayItemKind kind)
{
	MwbReplayItem it = { 0 };

	it.off = l->off;
	it.end = l->end;
	it.line = l->lineno;
	it.n_lines = 1;
	it.folds = 1;
	it.source = source;
	it.kind = kind;
	g_array_append_val (rp->log->items, it);
	st->n_items++;
}

/* Lines of one source next to each other in the file are one item. */
static void
add_line (Rp *rp, const RpLine *l, const char *source, MwbReplayItemKind kind)
{
	MwbReplayStep *st = current_step (rp, l->lineno);
	guint16 src;
	MwbReplayItem *it;

	if (!rp->opt->items)
		return;
	src = rp_source (rp, source);
	it = last_item (rp, st);
	if (it && it->kind == kind && it->source == src && it->end == l->off) {
		it->end = l->end;
		it->n_lines++;
		return;
	}
	add_item (rp, st, l, src, kind);
}

void
rp_text (Rp *rp, const RpLine *l, const char *source)
{
	add_line (rp, l, source, MWB_RI_TEXT);
}

void
rp_journal_record (Rp *rp, const RpLine *l)
{
	add_line (rp, l, "journal", MWB_RI_JOURNAL);
}

/* The exchange (command + reply) or fold before the last item, when it is
 * the same poll from the same source. */
static gboolean
foldable (Rp *rp, MwbReplayStep *st, const MwbReplayItem *it, MwbReplayItem **out)
{
	MwbReplayItem *prev;

	if (st->n_items < 2)
		return FALSE;
	prev = &g_array_index (rp->log->items, MwbReplayItem, rp->log->items->len - 2);
	*out = prev;
	return prev->kind == MWB_RI_QMP && prev->source == it->source && prev->poll && prev->n_lines >= 2
	       && prev->key == it->key;
}

void
rp_qmp (Rp *rp, const RpLine *l, const char *source, gboolean is_command, const char *key)
{
	MwbReplayStep *st = current_step (rp, l->lineno);
	MwbReplayItem *it, *prev;
	guint16 src;

	if (!rp->opt->items)
		return;
	src = rp_source (rp, source);
	it = last_item (rp, st);
	/* A reply joins its command: one exchange, one item. */
	if (!is_command && it && it->kind == MWB_RI_QMP && it->source == src && it->n_lines == 1
	    && it->folds == 1 && it->is_command && g_str_has_prefix (l->s, "{\"return\"")) {
		it->end = l->end;
		it->n_lines = 2;
		/* The same poll again, right after the last one: fold it in. */
		if (it->poll && foldable (rp, st, it, &prev) && prev->end <= it->off) {
			if (prev->folds == 1)
				prev->skip_from = prev->end;
			prev->skip_to = it->off;
			prev->end = it->end;
			prev->folds++;
			g_array_set_size (rp->log->items, rp->log->items->len - 1);
			st->n_items--;
		}
		return;
	}
	add_item (rp, st, l, src, MWB_RI_QMP);
	it = last_item (rp, st);
	it->is_command = is_command;
	it->poll = is_command && key;
	it->key = key ? g_str_hash (key) : 0;
}

void
rp_test_drop (Rp *rp)
{
	if (!rp->cur)
		return;
	if (rp->opt->items)
		g_array_set_size (rp->log->items, rp->cur_first_item);
	test_free (rp->cur);
	rp->cur = NULL;
	rp->step = NULL;
}

void
rp_test_finish (Rp *rp)
{
	MwbReplayTest *t = rp->cur;

	if (!t)
		return;
	if (!t->path)
		t->path = g_strdup_printf ("(test at line %" G_GUINT64_FORMAT ")", t->line);
	if (!t->steps->len) {
		rp->step = NULL;
		rp_step (rp, "result", t->line);
	}
	if (t->verdict == MWB_RV_SKIP) {
		MwbReplayStep *st = t->steps->pdata[0];

		st->state = MWB_STEP_SKIPPED;
		rp_set (&st->reason, t->reason ? t->reason : "skipped");
	} else if (mwb_replay_verdict_is_bad (t->verdict)) {
		int i = t->failed_step >= 0 && (guint) t->failed_step < t->steps->len ? t->failed_step
										     : (int) t->steps->len - 1;
		MwbReplayStep *st = t->steps->pdata[i];

		t->failed_step = i;
		st->state = MWB_STEP_FAILED;
		if (!st->reason)
			st->reason = g_strdup (t->cause ? t->cause : mwb_replay_verdict_name (t->verdict));
		/* The steps after the one that failed never ran. */
		for (guint j = i + 1; j < t->steps->len; j++)
			((MwbReplayStep *) t->steps->pdata[j])->state = MWB_STEP_SKIPPED;
	}
	g_ptr_array_add (rp->log->tests, t);
	rp->cur = NULL;
	rp->step = NULL;
}

static void
rp_clear (Rp *rp)
{
	rp_test_drop (rp);
	g_hash_table_unref (rp->source_ids);
	g_ptr_array_unref (rp->nest);
	g_free (rp->last_path);
	g_free (rp->q.greet_side);
	g_free (rp->q.last_cmd);
	g_free (rp->q.last_cmd_side);
	g_free (rp->q.qtest_side);
	g_free (rp->q.death_name);
	g_free (rp->q.assert_func);
	g_free (rp->meson_name);
	g_free (rp->meson_result);
	g_ptr_array_unref (rp->skip_args);
	g_ptr_array_unref (rp->only_args);
	g_free (rp->grep_source);
	g_free (rp->criu_title);
	if (rp->journal_steps)
		g_ptr_array_unref (rp->journal_steps);
}

static MwbReplayLog *
log_new (const char *file)
{
	MwbReplayLog *log = g_new0 (MwbReplayLog, 1);

	log->file = g_strdup (file);
	log->tests = g_ptr_array_new_with_free_func (test_free);
	log->items = g_array_new (FALSE, FALSE, sizeof (MwbReplayItem));
	log->sources = g_ptr_array_new_with_free_func (g_free);
	log->fd = -1;
	return log;
}

static void
rp_init (Rp *rp, MwbReplayLog *log, const MwbReplayOptions *opt)
{
	memset (rp, 0, sizeof *rp);
	rp->log = log;
	rp->opt = opt;
	rp->source_ids = g_hash_table_new (g_str_hash, g_str_equal);
	rp->nest = g_ptr_array_new_with_free_func (g_free);
	rp->plan = -1;
	rp->skip_args = g_ptr_array_new_with_free_func (g_free);
	rp->only_args = g_ptr_array_new_with_free_func (g_free);
}

static void
start_format (Rp *rp, MwbReplayFormat f)
{
	static const RpLineFunc funcs[] = {
		[MWB_REPLAY_AUTO] = rp_tap_line, [MWB_REPLAY_MESON] = rp_meson_line,
		[MWB_REPLAY_GTAP] = rp_tap_line, [MWB_REPLAY_TAP] = rp_tap_line,
		[MWB_REPLAY_ZDTM] = rp_zdtm_line, [MWB_REPLAY_CRIU] = rp_criu_line,
		[MWB_REPLAY_JOURNAL] = rp_journal_line,
	};

	rp->log->format = f == MWB_REPLAY_AUTO ? MWB_REPLAY_TAP : f;
	rp->line = funcs[rp->log->format];
}

static void
end_format (Rp *rp)
{
	switch (rp->log->format) {
	case MWB_REPLAY_MESON: rp_meson_end (rp); break;
	case MWB_REPLAY_ZDTM: rp_zdtm_end (rp); break;
	case MWB_REPLAY_CRIU: rp_criu_end (rp); break;
	case MWB_REPLAY_JOURNAL: rp_journal_end (rp); break;
	default: rp_tap_end (rp); break;
	}
}

static void
each_line (const RpLine *l, gpointer data)
{
	Rp *rp = data;

	rp->line (rp, l);
}

/* Feeds whole lines of buf; returns the bytes of a last, unfinished line. */
static gsize
feed (Rp *rp, GString *scratch, const char *buf, gsize len, guint64 base, gboolean at_eof)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);

		if (!nl && !at_eof)
			break;
		rp->log->n_lines++;
		rp_raw_line (scratch, p, (nl ? nl : end) - p, base + (p - buf),
			     base + ((nl ? nl + 1 : end) - buf), rp->log->n_lines, each_line, rp);
		p = nl ? nl + 1 : end;
	}
	return end - p;
}

static void
parse_begin (Rp *rp, const char *head, gsize len)
{
	start_format (rp, rp->opt->format != MWB_REPLAY_AUTO ? rp->opt->format : rp_detect (head, len));
}

MwbReplayLog *
mwb_replay_parse_bytes (const char *name, GBytes *bytes, const MwbReplayOptions *opt)
{
	MwbReplayLog *log = log_new (name);
	g_autoptr (GString) scratch = g_string_new (NULL);
	gsize len;
	const char *buf = g_bytes_get_data (bytes, &len);
	Rp rp;

	log->bytes = g_bytes_ref (bytes);
	log->size = len;
	log->truncated = len && buf[len - 1] != '\n';
	rp_init (&rp, log, opt);
	parse_begin (&rp, buf, MIN (len, 65536));
	feed (&rp, scratch, buf, len, 0, TRUE);
	end_format (&rp);
	rp_clear (&rp);
	return log;
}

MwbReplayLog *
mwb_replay_load (const char *file, const MwbReplayOptions *opt, GError **error)
{
	g_autoptr (MwbReplayLog) log = log_new (file);
	g_autoptr (GString) scratch = g_string_new (NULL);
	g_autofree char *buf = g_malloc (CHUNK);
	gsize have = 0;
	guint64 base = 0;
	gboolean begun = FALSE;
	int fd = open (file, O_RDONLY | O_CLOEXEC);
	Rp rp;

	if (fd < 0) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "cannot read %s: %s",
			     file, g_strerror (errno));
		return NULL;
	}
	log->fd = fd;
	rp_init (&rp, log, opt);
	for (;;) {
		gssize n = read (fd, buf + have, CHUNK - have);
		gsize rest;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
				     "cannot read %s: %s", file, g_strerror (errno));
			rp_clear (&rp);
			return NULL;
		}
		have += n;
		log->size += n;
		if (!begun && (have >= 65536 || n == 0)) {
			parse_begin (&rp, buf, MIN (have, 65536));
			begun = TRUE;
		}
		if (!begun)
			continue;
		rest = feed (&rp, scratch, buf, have, base, n == 0);
		/* A line longer than the buffer is cut: its pieces are records of their own. */
		if (rest == CHUNK)
			rest = feed (&rp, scratch, buf, have, base, TRUE);
		if (n == 0) {
			log->truncated = have && buf[have - 1] != '\n';
			break;
		}
		memmove (buf, buf + have - rest, rest);
		base += have - rest;
		have = rest;
	}
	end_format (&rp);
	rp_clear (&rp);
	return g_steal_pointer (&log);
}

/* Bytes [off, end) of the log. */
static char *
read_range (MwbReplayLog *log, guint64 off, guint64 end, gsize *len)
{
	char *buf;
	gsize got = 0;

	if (end > log->size)
		end = log->size;
	if (off >= end) {
		*len = 0;
		return g_strdup ("");
	}
	if (log->bytes) {
		/* Not g_strndup: a NUL inside the range must not end the copy. */
		buf = g_malloc (end - off + 1);
		memcpy (buf, (const char *) g_bytes_get_data (log->bytes, NULL) + off, end - off);
		buf[end - off] = 0;
		*len = end - off;
		return buf;
	}
	buf = g_malloc (end - off + 1);
	while (got < end - off) {
		gssize n = pread (log->fd, buf + got, end - off - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	buf[got] = 0;
	*len = got;
	return buf;
}

typedef struct {
	GPtrArray *lines;
	guint max;		/* 0: no limit */
	guint64 seen;
} Collect;

static void
collect (const RpLine *l, gpointer data)
{
	Collect *c = data;

	c->seen++;
	if (!c->max || c->lines->len < c->max)
		g_ptr_array_add (c->lines, g_strndup (l->s, l->len));
}

static void
collect_range (MwbReplayLog *log, guint64 off, guint64 end, Collect *c)
{
	gsize len;
	g_autofree char *buf = read_range (log, off, end, &len);

	rp_each_line (buf, len, off, collect, c);
}

/* The last n lines before end, reading backwards a block at a time. */
static GPtrArray *
tail_lines (MwbReplayLog *log, guint64 start, guint64 end, guint n)
{
	guint64 from = end;
	gsize block = 64 * 1024;

	for (;;) {
		Collect c = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
		guint64 cut;

		from = from > start + block ? from - block : start;
		/* Start at a line boundary so no line is cut. */
		cut = from;
		if (from > start) {
			gsize len;
			g_autofree char *buf = read_range (log, from, MIN (end, from + block), &len);
			char *nl = memchr (buf, '\n', len);

			cut = nl ? from + (nl - buf) + 1 : end;
		}
		collect_range (log, cut, end, &c);
		if (c.lines->len >= n || from == start) {
			if (c.lines->len > n)
				g_ptr_array_remove_range (c.lines, 0, c.lines->len - n);
			return c.lines;
		}
		g_ptr_array_unref (c.lines);
		block *= 4;
	}
}

static char *
last_newline (char *buf, gsize len)
{
	while (len--)
		if (buf[len] == '\n')
			return buf + len;
	return NULL;
}

GPtrArray *
mwb_replay_item_lines (MwbReplayLog *log, const MwbReplayItem *it, guint max_lines)
{
	Collect c = { g_ptr_array_new_with_free_func (g_free), 0, 0 };

	/* The logbook folds a few hundred polls itself, with the right count;
	 * a hung test's millions are shown as their first and last. */
	if (it->folds > 2 && (!max_lines || it->folds * 2 > max_lines)) {
		collect_range (log, it->off, it->skip_from, &c);
		g_ptr_array_add (c.lines, g_strdup_printf ("(%u more like exchanges folded: lines %" G_GUINT64_FORMAT
							   " on; mwb shows the first and the last)",
							   it->folds - 2, it->line));
		collect_range (log, it->skip_to, it->end, &c);
		return c.lines;
	}
	if (!max_lines || it->n_lines <= max_lines || it->folds > 1) {
		collect_range (log, it->off, it->end, &c);
		return c.lines;
	}
	c.max = max_lines / 2;
	{
		/* Only the head is read forwards; the tail comes from the end. */
		guint64 head_end = it->off;
		gsize len;
		g_autofree char *buf = NULL;
		guint64 chunk = 256 * 1024;

		while (c.lines->len < c.max && head_end < it->end) {
			guint64 to = MIN (it->end, head_end + chunk);
			char *last_nl;

			g_free (buf);
			buf = read_range (log, head_end, to, &len);
			last_nl = to < it->end ? last_newline (buf, len) : NULL;
			if (to < it->end && !last_nl) {
				chunk *= 4;
				continue;
			}
			len = last_nl ? (gsize) (last_nl + 1 - buf) : len;
			rp_each_line (buf, len, head_end, collect, &c);
			head_end += len;
		}
	}
	g_ptr_array_add (c.lines, g_strdup_printf ("(%u lines not shown: the log has them from line %" G_GUINT64_FORMAT ")",
						   it->n_lines - max_lines, it->line));
	{
		g_autoptr (GPtrArray) tail = tail_lines (log, it->off, it->end, max_lines - c.max);

		for (guint i = 0; i < tail->len; i++)
			g_ptr_array_add (c.lines, g_strdup (tail->pdata[i]));
	}
	return c.lines;
}
