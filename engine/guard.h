/* The guard: a watchdog process forked first thing in main. mwb tells it the
 * process group of every child it starts; when mwb's end of the pipe closes,
 * however mwb ended (exit, signal, crash, SIGKILL), the guard kills those
 * groups. This is what makes "no process mwb started survives it" hold. */
#pragma once

#include <glib.h>

/* Must run before any thread exists. FALSE if the guard could not start. */
gboolean mwb_guard_start (void);
void mwb_guard_watch (GPid pgid);
void mwb_guard_unwatch (GPid pgid);
/* A shell script the guard runs (`sh FILE`, up to 60 s) after killing the
 * groups, when mwb ends without forgetting it: how state mwb made outside its
 * own processes (the libvirt hosts' daemons, namespaces, directories) goes too. */
void mwb_guard_cleanup_script (const char *file);
void mwb_guard_forget_script (const char *file);
