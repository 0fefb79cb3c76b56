#include "run-config.h"

#include "libvirt-hosts.h"

#include <errno.h>
#include <string.h>

MwbRunConfig *
mwb_run_config_new (void)
{
	MwbRunConfig *cfg = g_new0 (MwbRunConfig, 1);

	cfg->keep = MWB_KEEP_FAILED;
	cfg->wraps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	cfg->faults = g_ptr_array_new_with_free_func (g_free);
	cfg->guest_mem = 128 * 1024 * 1024;
	cfg->step_timeout_scale = 1.0;
	/* migration-test's converge values and channel count */
	cfg->multifd_channels = 16;
	cfg->max_bandwidth = 1000000000;
	cfg->downtime_limit = 30000;
	return cfg;
}

void
mwb_run_config_free (MwbRunConfig *cfg)
{
	if (!cfg)
		return;
	g_free (cfg->workdir);
	g_free (cfg->accel);
	g_free (cfg->qemu_bin);
	g_free (cfg->qemu_src);
	g_free (cfg->qemu_dst);
	g_free (cfg->criu_bin);
	g_free (cfg->libvirt_uri);
	g_free (cfg->libvirt_other_uri);
	g_free (cfg->flavor);
	g_hash_table_unref (cfg->wraps);
	g_ptr_array_unref (cfg->faults);
	g_free (cfg);
}

MwbRunConfig *
mwb_run_config_copy (const MwbRunConfig *cfg)
{
	MwbRunConfig *c = g_new (MwbRunConfig, 1);
	GHashTableIter it;
	gpointer k, v;

	*c = *cfg;
	c->workdir = g_strdup (cfg->workdir);
	c->accel = g_strdup (cfg->accel);
	c->qemu_bin = g_strdup (cfg->qemu_bin);
	c->qemu_src = g_strdup (cfg->qemu_src);
	c->qemu_dst = g_strdup (cfg->qemu_dst);
	c->criu_bin = g_strdup (cfg->criu_bin);
	c->libvirt_uri = g_strdup (cfg->libvirt_uri);
	c->libvirt_other_uri = g_strdup (cfg->libvirt_other_uri);
	c->flavor = g_strdup (cfg->flavor);
	c->wraps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_iter_init (&it, cfg->wraps);
	while (g_hash_table_iter_next (&it, &k, &v))
		g_hash_table_insert (c->wraps, g_strdup (k), g_strdup (v));
	c->faults = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < cfg->faults->len; i++)
		g_ptr_array_add (c->faults, g_strdup (cfg->faults->pdata[i]));
	return c;
}

const char *const mwb_run_config_var_names[] = {
	"guest-mem", "multifd-channels", "max-bandwidth", "downtime-limit", "src-uri", "dst-uri", NULL,
};

void
mwb_run_config_add_vars (const MwbRunConfig *cfg, GHashTable *vars)
{
	g_hash_table_insert (vars, g_strdup ("guest-mem"),
			     g_strdup_printf ("%" G_GUINT64_FORMAT, cfg->guest_mem));
	g_hash_table_insert (vars, g_strdup ("multifd-channels"), g_strdup_printf ("%u", cfg->multifd_channels));
	g_hash_table_insert (vars, g_strdup ("max-bandwidth"),
			     g_strdup_printf ("%" G_GUINT64_FORMAT, cfg->max_bandwidth));
	g_hash_table_insert (vars, g_strdup ("downtime-limit"),
			     g_strdup_printf ("%" G_GUINT64_FORMAT, cfg->downtime_limit));
	for (int i = 0; i < MWB_HOSTS_N; i++) {
		const char *given = i == 0 ? cfg->libvirt_uri : cfg->libvirt_other_uri;

		g_hash_table_insert (vars, g_strdup_printf ("%s-uri", mwb_hosts[i].role),
				     given ? g_strdup (given) : mwb_hosts_uri (&mwb_hosts[i]));
	}
}

gboolean
mwb_run_config_has_fault (const MwbRunConfig *cfg, const char *name)
{
	for (guint i = 0; i < cfg->faults->len; i++)
		if (g_str_equal (cfg->faults->pdata[i], name))
			return TRUE;
	return FALSE;
}

gboolean
mwb_parse_size (const char *s, guint64 *out)
{
	char *end = NULL;
	guint64 v, mult = 1;

	if (!s || !g_ascii_isdigit (*s))
		return FALSE;
	errno = 0;
	v = g_ascii_strtoull (s, &end, 10);
	if (errno == ERANGE)
		return FALSE;
	switch (g_ascii_toupper (*end)) {
	case 'K': mult = 1ULL << 10; end++; break;
	case 'M': mult = 1ULL << 20; end++; break;
	case 'G': mult = 1ULL << 30; end++; break;
	case 'T': mult = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (end[0] == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v == 0 || v > G_MAXUINT64 / mult)
		return FALSE;
	*out = v * mult;
	return TRUE;
}
