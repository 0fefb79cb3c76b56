/* Where mwb's two libvirt hosts live on the network: a table of its own so
 * that the run configuration can name their URIs without the code that
 * starts them. */
#include "libvirt-hosts.h"

/* Disjoint migration port ranges: both hosts share the machine's ports. */
const MwbHostSpec mwb_hosts[MWB_HOSTS_N] = {
	{ "src", "127.0.0.2", 49152, 49215, "6d77622d-686f-7374-0000-000000000002" },
	{ "dst", "127.0.0.3", 49216, 49279, "6d77622d-686f-7374-0000-000000000003" },
};

char *
mwb_hosts_uri (const MwbHostSpec *host)
{
	return g_strdup_printf ("qemu+tcp://%s/system", host->addr);
}
