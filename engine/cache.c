#include "cache.h"

#include <sys/stat.h>

char *
mwb_cache_file_for_binary (const char *kind, const char *bin, const char *extra)
{
	struct stat st;
	g_autofree char *key = NULL;
	g_autofree char *sum = NULL;

	if (stat (bin, &st) < 0)
		return NULL;
	key = g_strdup_printf ("%s\n%lu\n%lu\n%lld\n%lld%s%s", bin, (unsigned long) st.st_dev,
			       (unsigned long) st.st_ino, (long long) st.st_size, (long long) st.st_mtime,
			       extra ? "\n" : "", extra ? extra : "");
	sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
	return g_build_filename (g_get_user_cache_dir (), "mwb", kind, sum, NULL);
}
