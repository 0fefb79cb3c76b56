/* zdtm.py's variations as transformations of a checkpoint/restore
 * scenario's step list. A scenario file holds the plain cycle
 *
 *   probe, start, dump, gone, restore, (signal, check)
 *
 * and the run's MwbCriuVariation rewrites its checkpoint/restore steps
 * (every criu.dump, criu.restore, criu.wait-gone ... wherever they are:
 * the variation's cycle takes the place of the first of them, the other
 * steps keep their order around it): repeated (--iters), preceded by
 * pre-dumps (--pre), dumped with the page server (--page-server), restored
 * lazily (--lazy-pages), or dropped (--nocr, --norst). The rewritten list is
 * what the steps pane shows and what breakpoints name, so a user sees the
 * variation as the steps it really is. */
#define _GNU_SOURCE
#include "criu-plan.h"

#include <string.h>

typedef struct {
	GPtrArray *steps;
	GHashTable *used;	/* step name -> times used */
	guint prev;		/* the pre-dump or snapshot the next dump builds on, 0: none */
	gboolean tamper;	/* --fault tamper-image: before the last restore */
	gboolean last_cycle;
	const MwbStep *proto;	/* where generated steps say they come from */
} Plan;

static MwbStep *
add_step (Plan *p, const char *base, const char *action, char *about)
{
	guint n = GPOINTER_TO_UINT (g_hash_table_lookup (p->used, base)) + 1;
	g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, n);
	MwbStep *s = mwb_step_new (name, action);

	g_hash_table_insert (p->used, g_strdup (base), GUINT_TO_POINTER (n));
	s->about = about;
	s->line = p->proto ? p->proto->line : 0;
	g_ptr_array_add (p->steps, s);
	return s;
}

static void
set_argf (MwbStep *s, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
set_argf (MwbStep *s, const char *key, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *v = NULL;

	va_start (ap, fmt);
	v = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	mwb_step_set_arg (s, key, v);
}

/* Keep the step but under a name no generated step takes. */
static void
keep_step (Plan *p, const MwbStep *orig)
{
	MwbStep *s = mwb_step_copy (orig);
	guint n = GPOINTER_TO_UINT (g_hash_table_lookup (p->used, orig->name)) + 1;

	g_hash_table_insert (p->used, g_strdup (orig->name), GUINT_TO_POINTER (n));
	g_ptr_array_add (p->steps, s);
}

char *
criu_plan_describe (const MwbCriuVariation *v)
{
	g_autoptr (GString) s = g_string_new (NULL);

#define FLAG(cond, text) if (cond) g_string_append_printf (s, "%s%s", s->len ? " " : "", text)
	FLAG (v->nocr, "--nocr");
	FLAG (v->norst, "--norst");
	if (v->iters > 1)
		g_string_append_printf (s, "%s--iters %u", s->len ? " " : "", v->iters);
	if (v->pre)
		g_string_append_printf (s, "%s--pre %u", s->len ? " " : "", v->pre);
	FLAG (v->snaps, "--snaps");
	FLAG (v->page_server, "--page-server");
	FLAG (v->lazy_pages, "--lazy-pages");
	FLAG (v->remote_lazy_pages, "--remote-lazy-pages");
	FLAG (v->sibling, "--sibling");
	FLAG (v->stop, "--stop");
	FLAG (v->dedup, "--dedup");
#undef FLAG
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* One pre-dump, dump or snapshot into image directory iter. */
static void
plan_dump (Plan *p, const MwbCriuVariation *v, guint iter, gboolean pre, gboolean leave_running,
	   gboolean track_mem)
{
	MwbStep *s;
	GString *why = g_string_new (NULL);

	if (v->page_server) {
		s = add_step (p, "page-server", "criu.page-server",
			      g_strdup_printf ("Start `criu page-server` on 127.0.0.1:${page-server-port} for images %u (--page-server)", iter));
		set_argf (s, "iter", "%u", iter);
	}
	if (pre) {
		s = add_step (p, "pre-dump", "criu.pre-dump", NULL);
		g_string_append (why, "--track-mem");
	} else {
		s = add_step (p, "dump", "criu.dump", NULL);
		if (leave_running)
			g_string_append_printf (why, "%s--leave-running", why->len ? " " : "");
		if (track_mem)
			g_string_append_printf (why, "%s--track-mem", why->len ? " " : "");
		if (v->stop && v->norst)
			g_string_append_printf (why, "%s--leave-stopped", why->len ? " " : "");
		if (v->remote_lazy_pages)
			g_string_append_printf (why, "%s--lazy-pages --port", why->len ? " " : "");
	}
	if (p->prev)
		g_string_append_printf (why, "%s--prev-images-dir ../%u", why->len ? " " : "", p->prev);
	if (v->dedup)
		g_string_append_printf (why, "%s--auto-dedup", why->len ? " " : "");
	if (v->page_server)
		g_string_append_printf (why, "%s--page-server", why->len ? " " : "");
	set_argf (s, "iter", "%u", iter);
	if (leave_running)
		mwb_step_set_arg (s, "leave-running", "yes");
	if (track_mem)
		mwb_step_set_arg (s, "track-mem", "yes");
	if (p->prev)
		set_argf (s, "prev", "%u", p->prev);
	/* Only memory tracked from a tree still running can be built on: after a
	 * restore (or a plain dump) the next dump starts afresh, as in zdtm.py. */
	p->prev = track_mem && leave_running ? iter : 0;
	s->about = g_strdup_printf ("Run criu %s of the test's tree into dump/…/${root-pid}/%u%s%s%s",
				    pre ? "pre-dump" : "dump", iter, why->len ? " (" : "", why->str,
				    why->len ? ")" : "");
	g_string_free (why, TRUE);
}

static void
plan_check_stopped (Plan *p, const char *after)
{
	add_step (p, "stopped", "criu.check-stopped",
		  g_strdup_printf ("Check that every task of the tree is stopped (state T) after %s, then SIGCONT them (--stop)",
				   after));
}

static void
plan_restore (Plan *p, const MwbCriuVariation *v, guint iter)
{
	MwbStep *s;
	g_autoptr (GString) why = g_string_new (NULL);

	if (!v->remote_lazy_pages)
		add_step (p, "gone", "criu.wait-gone",
			  g_strdup ("Wait until the dumped processes are gone (a restore needs their PIDs)"));
	if (v->lazy_pages || v->remote_lazy_pages) {
		s = add_step (p, "lazy-pages", "criu.lazy-pages",
			      g_strdup_printf ("Start the `criu lazy-pages` daemon for images %u%s", iter,
					       v->remote_lazy_pages ? ", fetching pages from the dump's page server" : ""));
		set_argf (s, "iter", "%u", iter);
		if (v->remote_lazy_pages)
			mwb_step_set_arg (s, "remote", "yes");
	}
	if (p->tamper && p->last_cycle) {
		s = add_step (p, "tamper", "criu.tamper",
			      g_strdup_printf ("Flip a byte of the dumped copy of the test's memory pattern in images %u (--fault tamper-image)", iter));
		set_argf (s, "iter", "%u", iter);
	}
	s = add_step (p, "restore", "criu.restore", NULL);
	set_argf (s, "iter", "%u", iter);
	if (v->sibling) {
		mwb_step_set_arg (s, "sibling", "yes");
		g_string_append (why, "--restore-sibling");
	}
	if (v->lazy_pages || v->remote_lazy_pages) {
		mwb_step_set_arg (s, "lazy", "yes");
		g_string_append_printf (why, "%s--lazy-pages", why->len ? " " : "");
	}
	if (v->stop) {
		mwb_step_set_arg (s, "leave-stopped", "yes");
		g_string_append_printf (why, "%s--leave-stopped", why->len ? " " : "");
	}
	s->about = g_strdup_printf ("Run criu restore from dump/…/${root-pid}/%u%s%s%s", iter,
				    why->len ? " (" : "", why->str, why->len ? ")" : "");
	if (v->lazy_pages || v->remote_lazy_pages) {
		s = add_step (p, "lazy-done", "criu.wait-daemon",
			      g_strdup ("Wait for the lazy-pages daemon to hand over every page and exit"));
		mwb_step_set_arg (s, "what", "lazy-pages");
	}
	if (v->remote_lazy_pages) {
		s = add_step (p, "dump-done", "criu.wait-daemon",
			      g_strdup ("Wait for the lazy dump to finish serving pages and exit"));
		mwb_step_set_arg (s, "what", "dump");
		add_step (p, "gone", "criu.wait-gone",
			  g_strdup ("Wait until the dumped processes are gone (the lazy dump ends them last)"));
	}
	if (v->stop)
		plan_check_stopped (p, "restore --leave-stopped");
}

/* The checkpoint/restore part for the whole run. */
static void
plan_cycles (Plan *p, const MwbCriuVariation *v)
{
	guint iters = v->iters ? v->iters : 1;
	guint img = 1;

	if (v->nocr)
		return;
	for (guint i = 0; i < iters; i++) {
		gboolean last = i + 1 == iters;

		for (guint j = 0; j < v->pre; j++)
			plan_dump (p, v, img++, TRUE, TRUE, TRUE);
		if (v->snaps && !last) {
			/* a snapshot: the tree keeps running, the next dump builds on it */
			plan_dump (p, v, img++, FALSE, TRUE, TRUE);
			continue;
		}
		if (v->norst) {
			plan_dump (p, v, img++, FALSE, TRUE, v->snaps);
			if (v->stop)
				plan_check_stopped (p, "dump --leave-stopped");
			continue;
		}
		plan_dump (p, v, img, FALSE, FALSE, v->snaps || v->pre);
		p->last_cycle = last;
		plan_restore (p, v, img);
		img++;
	}
}

static gboolean
is_cycle_action (const char *action)
{
	static const char *const cycle[] = {
		"criu.dump", "criu.pre-dump", "criu.wait-gone", "criu.restore", "criu.page-server",
		"criu.lazy-pages", "criu.wait-daemon", "criu.check-stopped", NULL,
	};

	return g_strv_contains (cycle, action);
}

MwbScenario *
criu_plan (MwbScenario *scn, const MwbRunConfig *cfg)
{
	MwbScenario *out;
	Plan p = { 0 };
	gboolean planned = FALSE;
	g_autofree char *desc = NULL;

	if (!cfg)
		return mwb_scenario_ref (scn);
	out = mwb_scenario_copy_without_steps (scn);
	p.steps = out->steps;
	p.used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	desc = criu_plan_describe (&cfg->criu);
	for (guint i = 0; i < scn->steps->len; i++) {
		const MwbStep *st = scn->steps->pdata[i];

		if (!is_cycle_action (st->action)) {
			keep_step (&p, st);
			if (g_str_equal (st->action, "criu.probe")) {
				MwbStep *probe = p.steps->pdata[p.steps->len - 1];

				if (*desc)
					mwb_step_set_arg (probe, "variations", desc);
				if (cfg->flavor)
					mwb_step_set_arg (probe, "flavor", cfg->flavor);
			}
			continue;
		}
		if (planned)
			continue;
		/* The scenario's own cycle becomes the variation's. */
		p.proto = st;
		p.tamper = mwb_run_config_has_fault (cfg, "tamper-image");
		plan_cycles (&p, &cfg->criu);
		planned = TRUE;
	}
	g_hash_table_unref (p.used);
	return out;
}

/* zdtm's "FAIL at CRIU dump|CRIU restore|result check". */
const char *
criu_plan_phase (const char *action)
{
	if (g_str_equal (action, "criu.dump") || g_str_equal (action, "criu.pre-dump")
	    || g_str_equal (action, "criu.page-server"))
		return "CRIU dump";
	if (g_str_equal (action, "criu.restore") || g_str_equal (action, "criu.lazy-pages")
	    || g_str_equal (action, "criu.wait-daemon") || g_str_equal (action, "criu.wait-gone"))
		return "CRIU restore";
	if (g_str_equal (action, "criu.start-test") || g_str_equal (action, "criu.probe"))
		return "start";
	return "result check";
}
