/* CRIU's logs (dump.log, restore.log, page-server.log, lazy-pages.log):
 * followed as they grow, and read the way zdtm.py's users read them.
 *
 * Every log on a host without CAP_SYS_RESOURCE carries an Error line about
 * RLIMIT_NOFILE that means nothing; the cause of a failure is the first
 * Error that is not such noise. */
#pragma once

#include <glib.h>

#include "runner.h"

typedef struct _CriuLogTail CriuLogTail;

/* Hands each complete line of path to the runner as a log record of source,
 * polling while the file grows (it may not exist yet). */
CriuLogTail *criu_log_tail_new (MwbRunner *runner, const char *path, const char *source);
/* Calls func once, with data, for the first line that contains text
 * (a daemon's "ready" line). */
void criu_log_tail_watch (CriuLogTail *t, const char *text, void (*func) (gpointer data), gpointer data);
/* Reads what is left, a last line without its newline included. */
void criu_log_tail_drain (CriuLogTail *t);
void criu_log_tail_free (CriuLogTail *t);

/* Known noise: an Error line that never explains a failure here. */
gboolean criu_log_line_is_noise (const char *line);
/* An "Error (file:line): ..." or "Warn  (...)" line of CRIU's, or an
 * "Error: ..." line of a tool it ran. */
gboolean criu_log_line_is_error (const char *line);
gboolean criu_log_line_is_warning (const char *line);
/* zdtm.py's grep Error block: each Error or Warn line with up to four lines
 * before it, in log order, no line twice. Empty when there is none. */
GPtrArray *criu_log_grep_errors (const char *text, gsize len);
/* The first Error line that is not noise, trimmed; NULL when none. */
char *criu_log_cause (const char *text, gsize len);
/* Did CRIU say it finished ("Dumping finished successfully", ...)? */
gboolean criu_log_finished (const char *text, gsize len);
