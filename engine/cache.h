/* Answers about a binary remembered on disk between runs (query-machines,
 * criu check): one file per binary, named by what identifies it. */
#pragma once

#include <glib.h>

/* $XDG_CACHE_HOME/mwb/KIND/SHA256(path, device, inode, size, mtime, extra);
 * NULL when bin cannot be stat()ed. A changed binary gets a new name. */
char *mwb_cache_file_for_binary (const char *kind, const char *bin, const char *extra);
