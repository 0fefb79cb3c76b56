/* mwb's entry point: parses the command line and hands over to the engine's
 * batch driver. The curses workbench will start here too, after the batch
 * commands are decided, so that `mwb run` never touches the terminal. */
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "batch.h"
#include "catalog.h"
#include "guard.h"
#include "known-broken.h"
#include "libvirt-hosts.h"
#include "qemu-machines.h"
#include "replay-backend.h"
#include "report-compare.h"
#include "criu-image-print.h"
#include "stream-print.h"
#include "run-config.h"
#include "workbench.h"

#define MWB_VERSION "0.1"

static const char usage_text[] =
	"usage: mwb [--keymap NAME|FILE] [--scenarios DIR] [run options]\n"
	"       mwb list [-p PATH]... [-r PREFIX]... [-v]\n"
	"       mwb run  [-p PATH]... [-r PREFIX]... [-a] [--tui] [--sbs] [--keep-going]\n"
	"                [--keep always|failed|never] [--workdir DIR] [--accel kvm|tcg]\n"
	"                [--qemu BIN] [--qemu-src BIN --qemu-dst BIN [--both-ways]]\n"
	"                [--wrap ROLE=PREFIX] [--fault SPEC] [--timeout SECONDS]\n"
	"                [--guest-mem SIZE] [--multifd-channels N] [--max-bandwidth RATE]\n"
	"                [--downtime-limit MS] [--live on|off] [--break STEP] [--break-event SPEC]\n"
	"                [--timeout-scale FACTOR] [--tap] [--junit FILE] [-v]\n"
	"                [--report DIR] [--known-broken FILE]\n"
	"                [--criu BIN] [-f h,ns,uns] [--nocr] [--norst] [--iters N] [--pre N]\n"
	"                [--snaps] [--page-server] [--lazy-pages] [--remote-lazy-pages]\n"
	"                [--sibling] [--stop] [--dedup] [--uri URI --other-uri URI]\n"
	"                [--scenarios DIR]\n"
	"       mwb inspect FILE|DIR [--json | --page ADDR]\n"
	"       mwb replay FILE [--summary | --json] [--format FORMAT]\n"
	"       mwb --replay FILE\n"
	"       mwb report compare A.json B.json [--known-broken FILE] [--threshold PCT]\n"
	"                  [--min-seconds S]\n"
	"       mwb report problems A.json [--known-broken FILE]\n"
	"       mwb hosts start|stop|status\n"
	"       mwb actions\n"
	"       mwb keys [--keymap NAME|FILE] [--mdoc]\n"
	"       mwb --version\n"
	"Without a command, mwb opens the workbench on the scenario list.\n"
	"Scenarios are read from $MWB_SCENARIOS, or scenarios/ beside the binary.\n"
	"See mwb(1).\n";

static int
usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *fmt, ...)
{
	va_list ap;

	fputs ("mwb: ", stderr);
	va_start (ap, fmt);
	vfprintf (stderr, fmt, ap);
	va_end (ap);
	fputc ('\n', stderr);
	return 2;
}

typedef struct {
	char **paths;
	char **prefixes;
	gboolean all;
	gboolean sbs;
	gboolean keep_going;
	char *keep;
	char *workdir;
	char *accel;
	char *qemu;
	char *qemu_src;
	char *qemu_dst;
	gboolean both_ways;
	int multifd_channels;
	char *max_bandwidth;
	int downtime_limit;
	char *live;
	char **wraps;
	char **faults;
	double timeout;
	double timeout_scale;
	char *guest_mem;
	gboolean tap;
	char *junit;
	gboolean verbose;
	char *scenarios;
	char **breaks;
	char **event_breaks;
	gboolean tui;
	char *keymap;
	gboolean mdoc;
	gboolean json;
	char *page;
	/* CRIU: zdtm.py's spellings */
	char *criu;
	char *uri;
	char *other_uri;
	char *flavors;
	gboolean nocr, norst, snaps, page_server, lazy_pages, remote_lazy_pages, sibling, stop, dedup;
	int iters;
	int pre;
	/* replay */
	char *replay;
	char *format;
	gboolean summary;
	/* reports: run --report, --known-broken; report compare's thresholds (-1: not given) */
	char *report_dir;
	char *known_broken;
	double threshold;
	double min_seconds;
} Opts;

static void
opts_clear (Opts *o)
{
	g_strfreev (o->paths);
	g_strfreev (o->prefixes);
	g_free (o->keep);
	g_free (o->workdir);
	g_free (o->accel);
	g_free (o->qemu);
	g_free (o->qemu_src);
	g_free (o->qemu_dst);
	g_free (o->max_bandwidth);
	g_free (o->live);
	g_strfreev (o->wraps);
	g_strfreev (o->faults);
	g_free (o->guest_mem);
	g_free (o->junit);
	g_free (o->scenarios);
	g_strfreev (o->breaks);
	g_strfreev (o->event_breaks);
	g_free (o->keymap);
	g_free (o->page);
	g_free (o->criu);
	g_free (o->uri);
	g_free (o->other_uri);
	g_free (o->flavors);
	g_free (o->replay);
	g_free (o->format);
	g_free (o->report_dir);
	g_free (o->known_broken);
}

static const char *const known_faults[] = {
	"dst-write", "kill-dst", "corrupt-stream", "tamper-image", "criu=N", NULL,
};
static const char *const known_roles[] = { "src", "dst", "criu", NULL };

static int
build_config (Opts *o, MwbRunConfig *cfg)
{
	if (o->keep) {
		if (g_str_equal (o->keep, "always"))
			cfg->keep = MWB_KEEP_ALWAYS;
		else if (g_str_equal (o->keep, "failed"))
			cfg->keep = MWB_KEEP_FAILED;
		else if (g_str_equal (o->keep, "never"))
			cfg->keep = MWB_KEEP_NEVER;
		else
			return usage_error ("--keep takes always, failed or never, not '%s'", o->keep);
	}
	if (o->accel && !g_str_equal (o->accel, "kvm") && !g_str_equal (o->accel, "tcg"))
		return usage_error ("--accel takes kvm or tcg, not '%s'", o->accel);
	if (o->workdir && !g_file_test (o->workdir, G_FILE_TEST_IS_DIR))
		return usage_error ("--workdir %s: not a directory", o->workdir);
	if (o->guest_mem) {
		if (!mwb_parse_size (o->guest_mem, &cfg->guest_mem) || cfg->guest_mem % (1024 * 1024))
			return usage_error ("--guest-mem takes a size in whole MiB such as 128M or 1G, not '%s'",
					    o->guest_mem);
	}
	if (o->timeout < 0 || o->timeout > 7 * 86400)
		return usage_error ("--timeout takes seconds from 0 (no limit) to 604800, not %g", o->timeout);
	for (char **w = o->wraps; w && *w; w++) {
		const char *eq = strchr (*w, '=');
		g_autofree char *role = eq ? g_strndup (*w, eq - *w) : NULL;

		if (!role || !g_strv_contains (known_roles, role) || !eq[1])
			return usage_error ("--wrap takes ROLE=PREFIX with ROLE src, dst or criu, not '%s'", *w);
		g_hash_table_insert (cfg->wraps, g_steal_pointer (&role), g_strdup (eq + 1));
	}
	for (char **f = o->faults; f && *f; f++) {
		if (g_str_has_prefix (*f, "criu=")) {
			char *end = NULL;
			guint64 n = g_ascii_strtoull (*f + 5, &end, 10);

			if (end == *f + 5 || *end || n < 1 || n > 100000)
				return usage_error ("--fault criu=N takes CRIU's fault number (CRIU_FAULT), not '%s'", *f);
			cfg->criu.fault = (int) n;
			continue;
		}
		if (!g_strv_contains (known_faults, *f) || g_str_equal (*f, "criu=N"))
			return usage_error ("unknown --fault '%s' (known: dst-write, kill-dst, corrupt-stream, "
					    "tamper-image, criu=N)", *f);
		g_ptr_array_add (cfg->faults, g_strdup (*f));
	}
	if (o->iters < 0 || o->iters > 100)
		return usage_error ("--iters takes 1 to 100 dump/restore cycles, not %d", o->iters);
	if (o->pre < 0 || o->pre > 100)
		return usage_error ("--pre takes 0 to 100 pre-dumps, not %d", o->pre);
	if (o->nocr && (o->norst || o->iters || o->pre || o->snaps || o->page_server || o->lazy_pages
			|| o->remote_lazy_pages || o->sibling || o->stop || o->dedup))
		return usage_error ("--nocr runs no checkpoint/restore: it takes no other C/R variation");
	if (o->norst && (o->lazy_pages || o->remote_lazy_pages || o->sibling))
		return usage_error ("--norst restores nothing: --lazy-pages, --remote-lazy-pages and --sibling need a restore");
	if (o->lazy_pages && o->remote_lazy_pages)
		return usage_error ("--lazy-pages and --remote-lazy-pages: choose one");
	if (o->page_server && o->remote_lazy_pages)
		return usage_error ("--remote-lazy-pages serves pages from the dump itself: no --page-server with it");
	cfg->criu.nocr = o->nocr;
	cfg->criu.norst = o->norst;
	cfg->criu.iters = (guint) o->iters;
	cfg->criu.pre = (guint) o->pre;
	cfg->criu.snaps = o->snaps;
	cfg->criu.page_server = o->page_server;
	cfg->criu.lazy_pages = o->lazy_pages;
	cfg->criu.remote_lazy_pages = o->remote_lazy_pages;
	cfg->criu.sibling = o->sibling;
	cfg->criu.stop = o->stop;
	cfg->criu.dedup = o->dedup;
	/* Both or neither: mwb's own hosts come as a pair. */
	if (!o->uri != !o->other_uri)
		return usage_error ("--uri and --other-uri go together (the source and the destination libvirt)");
	cfg->libvirt_uri = g_strdup (o->uri);
	cfg->libvirt_other_uri = g_strdup (o->other_uri);
	if (o->criu) {
		g_autofree char *found = g_find_program_in_path (o->criu);

		if (!found)
			return usage_error ("--criu %s: not found or not executable", o->criu);
		cfg->criu_bin = g_strdup (o->criu);
	}
	{
		const char *env = g_getenv ("QTEST_QEMU_BINARY");
		const char *bin = o->qemu ? o->qemu : env && *env ? env : NULL;
		g_autofree char *found = bin ? g_find_program_in_path (bin) : NULL;

		if (bin && !found)
			return usage_error ("QEMU binary '%s' (%s) not found or not executable", bin,
					    o->qemu ? "--qemu" : "QTEST_QEMU_BINARY");
	}
	for (guint i = 0; i < 2; i++) {
		const char *bin = i ? o->qemu_dst : o->qemu_src;
		g_autofree char *found = bin ? g_find_program_in_path (bin) : NULL;

		if (bin && !found)
			return usage_error ("QEMU binary '%s' (%s) not found or not executable", bin,
					    i ? "--qemu-dst" : "--qemu-src");
	}
	if (o->multifd_channels < 0 || o->multifd_channels > 255)
		return usage_error ("--multifd-channels takes 1 to 255, not %d", o->multifd_channels);
	if (o->multifd_channels)
		cfg->multifd_channels = (guint) o->multifd_channels;
	if (o->max_bandwidth && !mwb_parse_size (o->max_bandwidth, &cfg->max_bandwidth))
		return usage_error ("--max-bandwidth takes bytes per second such as 100M or 1G, not '%s'",
				    o->max_bandwidth);
	if (o->downtime_limit < 0 || o->downtime_limit > 2000000)
		return usage_error ("--downtime-limit takes milliseconds from 1 to 2000000, not %d", o->downtime_limit);
	if (o->downtime_limit)
		cfg->downtime_limit = (guint64) o->downtime_limit;
	if (o->live && !g_str_equal (o->live, "on") && !g_str_equal (o->live, "off"))
		return usage_error ("--live takes on (the guest runs while it migrates) or off (stop-and-copy), not '%s'",
				    o->live);
	cfg->stop_and_copy = o->live && g_str_equal (o->live, "off");
	cfg->workdir = g_strdup (o->workdir);
	cfg->accel = g_strdup (o->accel);
	cfg->qemu_bin = g_strdup (o->qemu);
	cfg->qemu_src = g_strdup (o->qemu_src);
	cfg->qemu_dst = g_strdup (o->qemu_dst);
	cfg->timeout_s = o->timeout;
	if (o->timeout_scale != 0) {
		if (o->timeout_scale < 0.1 || o->timeout_scale > 1000)
			return usage_error ("--timeout-scale takes a factor from 0.1 to 1000, not %g", o->timeout_scale);
		cfg->step_timeout_scale = o->timeout_scale;
	}
	cfg->verbose = o->verbose;
	return 0;
}

static GPtrArray *
load_catalog (Opts *o, int *rc)
{
	g_autofree char *dir = o->scenarios ? g_strdup (o->scenarios) : mwb_catalog_default_dir ();
	g_autoptr (GError) err = NULL;
	GPtrArray *cat = mwb_catalog_load (dir, &err);

	if (!cat)
		*rc = usage_error ("%s", err->message);
	return cat;
}

static int
cmd_list (Opts *o)
{
	int rc = 0;
	g_autoptr (GPtrArray) cat = load_catalog (o, &rc);
	g_autoptr (GPtrArray) sel = NULL;
	g_autoptr (GError) err = NULL;

	if (!cat)
		return rc;
	sel = mwb_catalog_select (cat, (const char *const *) o->paths, (const char *const *) o->prefixes,
				  !o->paths && !o->prefixes, &err);
	if (!sel)
		return usage_error ("%s", err->message);
	for (guint i = 0; i < sel->len; i++) {
		MwbScenario *scn = sel->pdata[i];

		if (o->verbose)
			printf ("%-50s %s\n", scn->path, scn->description);
		else
			printf ("%s\n", scn->path);
	}
	return 0;
}

static char *
qemu_label (const char *bin)
{
	g_autofree char *found = g_find_program_in_path (bin);
	g_autoptr (QemuMachines) m = found ? qemu_machines_query (found, NULL) : NULL;

	return m ? g_strdup (m->version) : g_path_get_basename (bin);
}

/* --both-ways: the same configuration with the two binaries swapped. */
static int
plan_both_ways (MwbRunConfig *cfg, MwbRunConfig **reverse, char **forward, char **backward)
{
	const char *whence;
	g_autofree char *src = g_strdup (mwb_qemu_binary (cfg, "src", &whence));
	g_autofree char *dst = g_strdup (mwb_qemu_binary (cfg, "dst", &whence));
	g_autofree char *a = NULL, *b = NULL;

	if (g_str_equal (src, dst))
		return usage_error ("--both-ways needs two different QEMUs: give --qemu-src and --qemu-dst "
				    "(or QTEST_QEMU_BINARY_SRC and _DST)");
	g_free (cfg->qemu_src);
	g_free (cfg->qemu_dst);
	cfg->qemu_src = g_strdup (src);
	cfg->qemu_dst = g_strdup (dst);
	*reverse = mwb_run_config_copy (cfg);
	g_free ((*reverse)->qemu_src);
	g_free ((*reverse)->qemu_dst);
	(*reverse)->qemu_src = g_strdup (dst);
	(*reverse)->qemu_dst = g_strdup (src);
	a = qemu_label (src);
	b = qemu_label (dst);
	*forward = g_strdup_printf ("%s->%s", a, b);
	*backward = g_strdup_printf ("%s->%s", b, a);
	return 0;
}

/* -f h,ns,uns: a configuration per zdtm flavor, labelled by it. One flavor
 * is the run's own (no "[ns]" in every name): *cfgs stays NULL. */
static int
plan_flavors (const char *spec, MwbRunConfig *cfg, GPtrArray **cfgs, GStrv *labels)
{
	static const char *const known[] = { "h", "ns", "uns", NULL };
	g_auto (GStrv) list = g_strsplit (spec, ",", -1);

	for (guint i = 0; list[i]; i++) {
		if (!g_strv_contains (known, list[i]))
			return usage_error ("-f takes zdtm's flavors h, ns, uns (comma-separated), not '%s'", list[i]);
		for (guint j = 0; j < i; j++)
			if (g_str_equal (list[j], list[i]))
				return usage_error ("-f: flavor '%s' given twice", list[i]);
	}
	if (g_strv_length (list) == 1) {
		cfg->flavor = g_strdup (list[0]);
		return 0;
	}
	*cfgs = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_run_config_free);
	for (guint i = 0; list[i]; i++) {
		MwbRunConfig *c = mwb_run_config_copy (cfg);

		c->flavor = g_strdup (list[i]);
		g_ptr_array_add (*cfgs, c);
	}
	*labels = g_steal_pointer (&list);
	return 0;
}

static int
cmd_run (Opts *o)
{
	int rc = 0;
	g_autoptr (GPtrArray) cat = NULL;
	g_autoptr (GPtrArray) sel = NULL;
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbRunConfig) cfg = mwb_run_config_new ();
	g_autoptr (MwbRunConfig) reverse = NULL;
	g_autofree char *forward = NULL;
	g_autofree char *backward = NULL;
	const MwbRunConfig *both_cfgs[2];
	const char *both_labels[2];
	g_autoptr (GPtrArray) flavor_cfgs = NULL;
	g_auto (GStrv) flavor_labels = NULL;
	MwbBatchOptions bo = { 0 };

	if ((rc = build_config (o, cfg)))
		return rc;
	if (!o->paths && !o->prefixes && !o->all)
		return usage_error ("run: nothing selected (give -p PATH, -r PREFIX or -a)");
	if (o->tui && (o->sbs || o->tap || o->junit || o->keep_going))
		return usage_error ("--tui is interactive: --sbs, --tap, --junit and --keep-going are for batch runs");
	if (o->sbs && !isatty (STDIN_FILENO))
		return usage_error ("--sbs waits for Enter on a terminal, and standard input is not one");
	if (o->sbs && o->tap)
		return usage_error ("--sbs and --tap do not go together");
	if (!(cat = load_catalog (o, &rc)))
		return rc;
	sel = mwb_catalog_select (cat, (const char *const *) o->paths, (const char *const *) o->prefixes,
				  o->all, &err);
	if (!sel)
		return usage_error ("%s", err->message);
	bo.sbs = o->sbs;
	bo.keep_going = o->keep_going;
	bo.tap = o->tap;
	bo.junit = o->junit;
	if (o->tui && (o->report_dir || o->known_broken))
		return usage_error ("--tui is interactive: --report and --known-broken are for batch runs");
	if (o->report_dir && g_file_test (o->report_dir, G_FILE_TEST_EXISTS)
	    && !g_file_test (o->report_dir, G_FILE_TEST_IS_DIR))
		return usage_error ("--report %s: exists and is not a directory", o->report_dir);
	bo.report_dir = o->report_dir;
	bo.known_broken = o->known_broken;
	bo.breaks = (const char *const *) o->breaks;
	bo.event_breaks = (const char *const *) o->event_breaks;
	if (!mwb_batch_check_breaks (sel, &bo, &err))
		return usage_error ("%s", err->message);
	if (o->both_ways) {
		if ((rc = plan_both_ways (cfg, &reverse, &forward, &backward)))
			return rc;
		both_cfgs[0] = cfg;
		both_cfgs[1] = reverse;
		both_labels[0] = forward;
		both_labels[1] = backward;
		bo.variants = both_cfgs;
		bo.variant_labels = both_labels;
		bo.n_variants = 2;
	}
	if (o->flavors) {
		if (o->both_ways)
			return usage_error ("-f (zdtm flavors) and --both-ways (QEMU directions) do not go together");
		if ((rc = plan_flavors (o->flavors, cfg, &flavor_cfgs, &flavor_labels)))
			return rc;
		if (flavor_cfgs && o->tui)
			return usage_error ("--tui opens one run; give one flavor with -f");
		if (flavor_cfgs) {
			bo.variants = (const MwbRunConfig *const *) flavor_cfgs->pdata;
			bo.variant_labels = (const char *const *) flavor_labels;
			bo.n_variants = flavor_cfgs->len;
			bo.variant_backend = "criu";
		}
	}
	if (o->tui) {
		if (o->both_ways)
			return usage_error ("--tui opens one run; --both-ways is for batch runs");
		if (sel->len != 1)
			return usage_error ("--tui opens one scenario; %u are selected", sel->len);
		if (o->breaks || o->event_breaks)
			return usage_error ("--tui: set breakpoints in the workbench (b, :break event ...)");
		return mwb_workbench_run (cfg, cat, sel->pdata[0], o->keymap);
	}
	return mwb_batch_run (sel, cfg, &bo);
}

static int cmd_replay (Opts *o, const char *file);

static int
cmd_workbench (Opts *o)
{
	int rc = 0;
	g_autoptr (GPtrArray) cat = NULL;
	g_autoptr (MwbRunConfig) cfg = mwb_run_config_new ();

	if (o->replay)
		return cmd_replay (o, o->replay);
	if (o->paths || o->prefixes || o->all || o->tap || o->junit || o->sbs)
		return usage_error ("without a command mwb opens the workbench; `mwb run` takes -p, -r, -a, --tap");
	if ((rc = build_config (o, cfg)))
		return rc;
	if (!(cat = load_catalog (o, &rc)))
		return rc;
	return mwb_workbench_run (cfg, cat, NULL, o->keymap);
}

/* The key table for the help overlay's readers: docs/mwb.1 embeds --mdoc. */
static int
cmd_keys (Opts *o)
{
	g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (MwbKeymap) km = NULL;
	g_autofree char *text = NULL;

	if (o->mdoc) {
		/* The man page documents the builtin defaults, not this user's keys. */
		km = mwb_keymap_new_default (warnings);
		text = mwb_keymap_mdoc_table (km);
	} else {
		km = mwb_workbench_keymap (o->keymap, warnings);
		text = mwb_keymap_help_text (km, 100);
	}
	for (guint i = 0; i < warnings->len; i++)
		fprintf (stderr, "mwb: warning: %s\n", (char *) warnings->pdata[i]);
	fputs (text, stdout);
	return 0;
}

/* A migration stream file: summary, the whole structure, or one page. */
static int
cmd_inspect (Opts *o, const char *file)
{
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbStreamIndex) idx = NULL;
	guint64 addr = 0;
	char *end = NULL;

	if (!file)
		return usage_error ("inspect: which file? (mwb inspect FILE|DIR [--json | --page ADDR])");
	if (o->json && o->page)
		return usage_error ("inspect: --json and --page do not go together");
	if (mwb_criu_inspect_is_criu (file)) {
		int rc;

		if (o->page)
			return usage_error ("inspect: --page is for QEMU migration streams; %s is CRIU's", file);
		rc = mwb_criu_inspect (stdout, file, o->json, &err);
		if (rc < 0 || err) {
			fprintf (stderr, "mwb: inspect: %s\n", err ? err->message : "failed");
			return 2;
		}
		return rc;
	}
	if (o->page) {
		addr = g_ascii_strtoull (o->page, &end, g_str_has_prefix (o->page, "0x") ? 16 : 0);
		if (!*o->page || (end && *end))
			return usage_error ("inspect: --page takes a guest address such as 0x3280000, not '%s'", o->page);
	}
	idx = mwb_stream_index_load (file, &err);
	if (!idx) {
		fprintf (stderr, "mwb: inspect: %s\n", err->message);
		return 2;
	}
	if (o->json)
		mwb_stream_print_json (stdout, idx);
	else if (o->page) {
		if (!mwb_stream_print_page (stdout, idx, addr, &err)) {
			fprintf (stderr, "mwb: inspect: %s\n", err->message);
			return 1;
		}
	} else
		mwb_stream_print_summary (stdout, idx);
	return fflush (stdout) == 0 ? 0 : 2;
}

/* A recorded log: a summary, JSON, or the workbench on its first failure. */
static int
cmd_replay (Opts *o, const char *file)
{
	int rc = 0;
	g_autoptr (GPtrArray) cat = NULL;
	g_autoptr (GError) err = NULL;
	g_autoptr (MwbRunConfig) cfg = mwb_run_config_new ();
	g_autoptr (MwbReplayLog) log = NULL;
	g_autoptr (GPtrArray) tests = NULL;
	g_auto (GStrv) order = NULL;
	MwbReplayOptions ro = { 0 };
	int first;

	if (!file)
		return usage_error ("replay: which log? (mwb replay FILE [--summary | --json])");
	if (o->summary && o->json)
		return usage_error ("replay: --summary and --json do not go together");
	if (o->format && !(ro.format = mwb_replay_format_from_name (o->format)))
		return usage_error ("replay: unknown --format '%s' (meson, gtap, tap, zdtm, criu, journal)", o->format);
	if ((rc = build_config (o, cfg)))
		return rc;
	if (!o->keep)
		cfg->keep = MWB_KEEP_NEVER;
	/* The catalogue names the tests TAP hides; a replay works without it. */
	cat = load_catalog (o, &rc);
	if (!cat) {
		rc = 0;
		cat = g_ptr_array_new ();
	}
	order = mwb_catalog_tap_order (cat);
	ro.order = (const char *const *) order;
	ro.order_from = "QEMU 7.2's migration-test";
	ro.items = !o->summary && !o->json;
	if (g_file_test (file, G_FILE_TEST_IS_DIR)) {
		fprintf (stderr, "mwb: replay: %s is a directory, not a log\n", file);
		return 2;
	}
	if (!(log = mwb_replay_load (file, &ro, &err))) {
		fprintf (stderr, "mwb: replay: %s\n", err->message);
		return 2;
	}
	if (o->json) {
		mwb_replay_print_json (stdout, log);
		return fflush (stdout) == 0 ? mwb_replay_exit_status (log) : 2;
	}
	if (o->summary) {
		mwb_replay_print_summary (stdout, log);
		return fflush (stdout) == 0 ? mwb_replay_exit_status (log) : 2;
	}
	if (!log->tests->len) {
		fprintf (stderr, "mwb: replay: no test results in %s (read as %s)\n", file,
			 mwb_replay_format_name (log->format));
		return 2;
	}
	cfg->replay = log;
	tests = mwb_replay_scenarios (log);
	first = mwb_replay_first_failure (log);
	return mwb_workbench_replay (cfg, tests, tests->pdata[first >= 0 ? first : 0], cat, o->keymap);
}

static int
cmd_actions (void)
{
	const MwbBackendClass *klass = mwb_backend_lookup ("qemu");

	for (const MwbActionDef *a = klass->actions; a->name; a++)
		printf ("%-22s %s\n", a->name, a->summary);
	return 0;
}

/* The two libvirt hosts, in $MWB_HOSTS_DIR (else /tmp/mwb-hosts): they
 * outlive this mwb until `mwb hosts stop`. */
static int
cmd_hosts (int argc, char **argv)
{
	g_autofree char *dir = mwb_hosts_dir ();
	g_autofree char *status = NULL;
	g_autoptr (GError) err = NULL;
	const char *what = argc > 2 ? argv[2] : "";

	if (argc > 3)
		return usage_error ("hosts takes one of start, stop, status, not also '%s'", argv[3]);
	if (g_str_equal (what, "start")) {
		if (!mwb_hosts_start (dir, FALSE, &err)) {
			fprintf (stderr, "mwb: hosts start: %s\n", err->message);
			return 1;
		}
	}
	else if (g_str_equal (what, "stop")) {
		if (!mwb_hosts_stop (dir, &err)) {
			fprintf (stderr, "mwb: hosts stop: %s\n", err->message);
			return 1;
		}
	}
	else if (!g_str_equal (what, "status"))
		return usage_error ("hosts: expected start, stop or status%s%s", *what ? ", not " : "", what);
	status = mwb_hosts_status (dir);
	fputs (status, stdout);
	return g_str_equal (what, "status") && !mwb_hosts_running (dir) ? 3 : 0;
}

/* TCK-style quality analysis over results.json files (docs/reports.md):
 * 1 when there is something to act on, 2 for bad input. */
static int
cmd_report (Opts *o, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	guint want = g_str_equal (what, "compare") ? 2 : g_str_equal (what, "problems") ? 1 : 0;
	MwbCompareOptions co = { MWB_COMPARE_THRESHOLD_PCT, MWB_COMPARE_MIN_SECONDS };
	g_autoptr (MwbKnownBroken) kb = NULL;
	g_autoptr (MwbReport) a = NULL;
	g_autoptr (MwbReport) b = NULL;
	g_autoptr (GError) err = NULL;
	g_autofree char *text = NULL;
	guint n = 0;

	if (!want)
		return usage_error ("report: expected compare A.json B.json, or problems A.json%s%s",
				    *what ? "; not " : "", what);
	if ((guint) argc - 2 != want)
		return usage_error ("report %s takes %s", what,
				    want == 2 ? "two results.json files, before and after" : "one results.json file");
	if (want == 1 && (o->threshold >= 0 || o->min_seconds >= 0))
		return usage_error ("report problems: --threshold and --min-seconds are for report compare");
	if (o->threshold >= 0)
		co.threshold_pct = o->threshold;
	if (o->min_seconds >= 0)
		co.min_seconds = o->min_seconds;
	if (co.threshold_pct > 1e6 || co.min_seconds > 1e6)
		return usage_error ("report compare: --threshold and --min-seconds take 0 to 1000000");
	if (o->known_broken && !(kb = mwb_known_broken_load (o->known_broken, &err)))
		return usage_error ("--known-broken: %s", err->message);
	for (guint i = 0; i < want; i++) {
		MwbReport *r = mwb_report_load (argv[2 + i], &err);

		if (!r)
			return usage_error ("report: %s", err->message);
		/* The list given now decides, whatever the files recorded. */
		if (kb)
			mwb_report_apply_known_broken (r, kb);
		*(i ? &b : &a) = r;
	}
	if (want == 2)
		text = mwb_report_compare_text (a, b, &co, &n);
	else
		text = mwb_report_problems_text (a, &n);
	fputs (text, stdout);
	if (fflush (stdout) != 0)
		return 2;
	return n ? 1 : 0;
}

int
main (int argc, char **argv)
{
	Opts o = { .threshold = -1, .min_seconds = -1 };
	g_autoptr (GOptionContext) ctx = NULL;
	g_autoptr (GError) err = NULL;
	const char *cmd;
	int rc;
	GOptionEntry entries[] = {
		{ "path", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.paths, "Scenario path (exact)", "PATH" },
		{ "prefix", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &o.prefixes,
		  "Scenarios under a path prefix (whole components)", "PREFIX" },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &o.all, "All scenarios", NULL },
		{ "sbs", 0, 0, G_OPTION_ARG_NONE, &o.sbs, "Step by step: wait for Enter before each step", NULL },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &o.keep_going, "Go on after a failed scenario", NULL },
		{ "keep", 0, 0, G_OPTION_ARG_STRING, &o.keep, "Keep run directories: always, failed, never",
		  "WHEN" },
		{ "workdir", 0, 0, G_OPTION_ARG_FILENAME, &o.workdir, "Make run directories here", "DIR" },
		{ "accel", 0, 0, G_OPTION_ARG_STRING, &o.accel, "Force an accelerator: kvm or tcg", "ACCEL" },
		{ "qemu", 0, 0, G_OPTION_ARG_FILENAME, &o.qemu, "QEMU binary", "BIN" },
		{ "qemu-src", 0, 0, G_OPTION_ARG_FILENAME, &o.qemu_src, "Source QEMU binary (cross-version runs)", "BIN" },
		{ "qemu-dst", 0, 0, G_OPTION_ARG_FILENAME, &o.qemu_dst, "Destination QEMU binary", "BIN" },
		{ "both-ways", 0, 0, G_OPTION_ARG_NONE, &o.both_ways,
		  "Run each scenario source->destination, then with the binaries swapped", NULL },
		{ "multifd-channels", 0, 0, G_OPTION_ARG_INT, &o.multifd_channels, "Multifd channels (default 16)", "N" },
		{ "max-bandwidth", 0, 0, G_OPTION_ARG_STRING, &o.max_bandwidth,
		  "Bandwidth that lets a migration converge, bytes/s (default 1G)", "RATE" },
		{ "downtime-limit", 0, 0, G_OPTION_ARG_INT, &o.downtime_limit,
		  "Downtime limit that lets a migration converge, ms (default 30000)", "MS" },
		{ "live", 0, 0, G_OPTION_ARG_STRING, &o.live, "on: migrate a running guest (default); off: stop-and-copy",
		  "on|off" },
		{ "wrap", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.wraps, "Run ROLE under a prefix command",
		  "ROLE=PREFIX" },
		{ "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.faults,
		  "Inject a fault: dst-write, kill-dst, corrupt-stream, tamper-image, criu=N",
		  "SPEC" },
		{ "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.timeout, "Limit each scenario to SECONDS", "SECONDS" },
		{ "timeout-scale", 0, 0, G_OPTION_ARG_DOUBLE, &o.timeout_scale,
		  "Multiply every step's time limit (slow wrappers such as valgrind)", "FACTOR" },
		{ "guest-mem", 0, 0, G_OPTION_ARG_STRING, &o.guest_mem, "Guest memory (default 128M)", "SIZE" },
		{ "tap", 0, 0, G_OPTION_ARG_NONE, &o.tap, "Print TAP", NULL },
		{ "junit", 0, 0, G_OPTION_ARG_FILENAME, &o.junit, "Write JUnit XML", "FILE" },
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &o.report_dir,
		  "Write TAP, JUnit, HTML and JSON results into DIR", "DIR" },
		{ "known-broken", 0, 0, G_OPTION_ARG_FILENAME, &o.known_broken,
		  "Scenarios expected to fail here: reported as known, not as failures", "FILE" },
		{ "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &o.threshold,
		  "report compare: a timing change counts from PCT percent (default 50)", "PCT" },
		{ "min-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o.min_seconds,
		  "report compare: ... and from S seconds (default 1)", "S" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose, "Show every log record", NULL },
		{ "break", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &o.breaks,
		  "Pause before a step (name or number); with --sbs, at the prompt", "STEP" },
		{ "break-event", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.event_breaks,
		  "Pause after the step in which a QMP event came, e.g. 'MIGRATION status=completed'", "SPEC" },
		{ "scenarios", 0, 0, G_OPTION_ARG_FILENAME, &o.scenarios, "Scenario directory", "DIR" },
		{ "tui", 0, 0, G_OPTION_ARG_NONE, &o.tui, "Open the workbench on the scenario, paused before step 1", NULL },
		{ "keymap", 0, 0, G_OPTION_ARG_STRING, &o.keymap, "Keymap: default, vi, emacs or a file", "NAME|FILE" },
		{ "mdoc", 0, 0, G_OPTION_ARG_NONE, &o.mdoc, "keys: print the default key table as mdoc", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "inspect, replay: print the whole structure as JSON", NULL },
		{ "page", 0, 0, G_OPTION_ARG_STRING, &o.page, "inspect: print the guest page at ADDR", "ADDR" },
		{ "criu", 0, 0, G_OPTION_ARG_FILENAME, &o.criu, "criu binary (else MWB_CRIU, /opt/mwb/criu, PATH)", "BIN" },
		{ "flavor", 'f', 0, G_OPTION_ARG_STRING, &o.flavors,
		  "zdtm flavors to run each CRIU test in: h, ns, uns (comma-separated)", "LIST" },
		{ "nocr", 0, 0, G_OPTION_ARG_NONE, &o.nocr, "CRIU: no checkpoint/restore at all", NULL },
		{ "norst", 0, 0, G_OPTION_ARG_NONE, &o.norst, "CRIU: dump leaving the tree running, no restore", NULL },
		{ "iters", 0, 0, G_OPTION_ARG_INT, &o.iters, "CRIU: dump/restore cycles", "N" },
		{ "pre", 0, 0, G_OPTION_ARG_INT, &o.pre, "CRIU: pre-dumps before each dump", "N" },
		{ "snaps", 0, 0, G_OPTION_ARG_NONE, &o.snaps, "CRIU: snapshots (dumps that track memory, the tree running)", NULL },
		{ "page-server", 0, 0, G_OPTION_ARG_NONE, &o.page_server, "CRIU: dump through criu page-server", NULL },
		{ "lazy-pages", 0, 0, G_OPTION_ARG_NONE, &o.lazy_pages, "CRIU: restore with the lazy-pages daemon", NULL },
		{ "remote-lazy-pages", 0, 0, G_OPTION_ARG_NONE, &o.remote_lazy_pages,
		  "CRIU: lazy pages fetched from the dump's page server", NULL },
		{ "sibling", 0, 0, G_OPTION_ARG_NONE, &o.sibling, "CRIU: restore the tree as criu's sibling", NULL },
		{ "stop", 0, 0, G_OPTION_ARG_NONE, &o.stop, "CRIU: leave the tree stopped after dump/restore and check it is", NULL },
		{ "dedup", 0, 0, G_OPTION_ARG_NONE, &o.dedup, "CRIU: deduplicate images (auto-dedup)", NULL },
		{ "uri", 0, 0, G_OPTION_ARG_STRING, &o.uri,
		  "libvirt: the source host's URI (else mwb starts its own two hosts)", "URI" },
		{ "other-uri", 0, 0, G_OPTION_ARG_STRING, &o.other_uri,
		  "libvirt: the destination host's URI, as the source daemon reaches it", "URI" },
		{ "replay", 0, 0, G_OPTION_ARG_FILENAME, &o.replay, "Open the workbench on a recorded log's first failure", "FILE" },
		{ "summary", 0, 0, G_OPTION_ARG_NONE, &o.summary, "replay: print each test's verdict and cause", NULL },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "replay: read the log as meson, gtap, tap, zdtm, criu or journal", "FORMAT" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	setlocale (LC_ALL, "");
	/* Before anything else, and before GLib starts any thread. */
	if (!mwb_guard_start ())
		return usage_error ("cannot start the process guard");

	cmd = argc < 2 ? "" : argv[1];
	if (g_str_equal (cmd, "--version")) {
		printf ("mwb %s\n", MWB_VERSION);
		return 0;
	}
	if (g_str_equal (cmd, "--help") || g_str_equal (cmd, "-h") || g_str_equal (cmd, "help")) {
		fputs (usage_text, stdout);
		return 0;
	}
	if (g_str_equal (cmd, "hosts"))
		return cmd_hosts (argc, argv);
	/* No command, or options only: the workbench. */
	if (!*cmd || cmd[0] == '-')
		cmd = "";
	else if (!g_str_equal (cmd, "list") && !g_str_equal (cmd, "run") && !g_str_equal (cmd, "actions")
		 && !g_str_equal (cmd, "keys") && !g_str_equal (cmd, "inspect") && !g_str_equal (cmd, "replay")
		 && !g_str_equal (cmd, "report"))
		return usage_error ("unknown command '%s' (list, run, inspect, replay, report, hosts, actions, keys; see mwb --help)", cmd);

	ctx = g_option_context_new (NULL);
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_help_enabled (ctx, TRUE);
	if (*cmd) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
		rc = usage_error ("%s", err->message);
		goto out;
	}
	if (g_str_equal (cmd, "report")) {
		rc = cmd_report (&o, argc, argv);
		goto out;
	}
	if (g_str_equal (cmd, "inspect")) {
		rc = argc > 2 ? usage_error ("inspect takes one file, not also '%s'", argv[2])
			      : cmd_inspect (&o, argc > 1 ? argv[1] : NULL);
		goto out;
	}
	if (g_str_equal (cmd, "replay")) {
		rc = argc > 2 ? usage_error ("replay takes one log, not also '%s'", argv[2])
			      : cmd_replay (&o, argc > 1 ? argv[1] : NULL);
		goto out;
	}
	if (argc > 1) {
		rc = usage_error ("unexpected argument '%s'", argv[1]);
		goto out;
	}
	if (!*cmd)
		rc = cmd_workbench (&o);
	else if (g_str_equal (cmd, "keys"))
		rc = cmd_keys (&o);
	else if (g_str_equal (cmd, "list"))
		rc = cmd_list (&o);
	else if (g_str_equal (cmd, "actions"))
		rc = cmd_actions ();
	else
		rc = cmd_run (&o);
out:
	/* Hosts a libvirt scenario started, stopped before mwb says it is done. */
	mwb_hosts_release ();
	opts_clear (&o);
	return rc;
}
