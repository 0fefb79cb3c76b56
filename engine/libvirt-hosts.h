/* Two libvirt hosts on one machine: a private libvirtd per host, each in its
 * own mount namespace over its own state (config, run, lib, cache and log
 * directories bind-mounted over libvirt's), with its own host UUID, 127.0.0.x
 * address, sockets and migration port range. `mwb hosts start|stop|status`,
 * and the libvirt backend's hosts when no --uri names the user's own.
 *
 * Everything lives under one directory (mwb_hosts_dir); its stop.sh ends
 * every process in the hosts' namespaces and removes the directory. mwb runs
 * that script to stop them, and so does the guard when mwb dies. */
#pragma once

#include <glib.h>

#define MWB_HOSTS_N 2

typedef struct {
	const char *role;	/* "src", "dst" */
	const char *addr;	/* where its libvirtd listens and migrations arrive */
	guint port_min, port_max;	/* its migration port range */
	const char *uuid;	/* host UUID: libvirt tells hosts apart by it alone */
} MwbHostSpec;

extern const MwbHostSpec mwb_hosts[MWB_HOSTS_N];

/* $MWB_HOSTS_DIR, else /tmp/mwb-hosts. */
char *mwb_hosts_dir (void);
/* qemu+tcp://ADDR/system: every migration method works with it. */
char *mwb_hosts_uri (const MwbHostSpec *host);
/* The pid of the host's libvirtd, 0 when it is not running. */
GPid mwb_hosts_pid (const char *dir, const MwbHostSpec *host);
/* Both daemons up: they answer on their addresses. */
gboolean mwb_hosts_running (const char *dir);

/* Starts both (a left-over, half-dead state is cleaned first); fails when
 * they already run. guarded: the guard stops them when this mwb ends. */
gboolean mwb_hosts_start (const char *dir, gboolean guarded, GError **error);
/* Stops both and removes dir; fine when nothing runs. */
gboolean mwb_hosts_stop (const char *dir, GError **error);
/* One line per host: role, state, pid, URI, directory. */
char *mwb_hosts_status (const char *dir);

/* For a run: mwb's hosts, started (guarded) unless they already run; the
 * first call in a process that started them makes mwb_hosts_release stop
 * them. Thread-safe: a step's worker thread calls it. */
gboolean mwb_hosts_ensure (GError **error);
/* Stops the hosts mwb_hosts_ensure started in this process, if any. */
void mwb_hosts_release (void);
/* Starts one host again after a step killed its daemon (failure scenarios). */
gboolean mwb_hosts_restart (const char *dir, const char *role, GError **error);
