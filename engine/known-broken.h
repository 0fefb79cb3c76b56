/* The known-broken list (`--known-broken FILE`): scenarios expected to fail
 * on this platform, so that their failure is reported as known rather than
 * as a regression, and their passing as news. One entry a line:
 *
 *     PATH-OR-GLOB  [reason...]
 *
 * PATH-OR-GLOB is one word: a scenario path (/x86_64/..., zdtm/static/...)
 * or a g_pattern_match_simple glob of paths (* and ?, which match '/' too).
 * A line whose first non-blank character is '#' is a comment, blank lines
 * are ignored; the reason is the rest of the line and may hold '#'. */
#pragma once

#include <glib.h>

#include "report.h"

typedef struct {
	char *pattern;
	char *reason;		/* NULL when the line gives none */
	guint line;
	guint matched;		/* entries it matched in the last mwb_report_apply_known_broken */
	GPatternSpec *spec;
} MwbKnownBrokenEntry;

typedef struct {
	char *file;
	GPtrArray *entries;	/* MwbKnownBrokenEntry *, in file order */
} MwbKnownBroken;

/* Errors are "FILE:LINE: ..." in the MWB_ERROR_PARSE domain. text need not
 * end in NUL; a NUL byte in it is an error. */
MwbKnownBroken *mwb_known_broken_parse (const char *file, const char *text, gsize len, GError **error);
MwbKnownBroken *mwb_known_broken_load (const char *file, GError **error);
void mwb_known_broken_free (MwbKnownBroken *kb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbKnownBroken, mwb_known_broken_free)

/* The first entry that matches a run's name, "PATH" or "PATH [variant]":
 * an entry matches the whole name, or the path without the variant (so
 * "/a/b" covers every variant of /a/b and "/a/b?[ns]" only the ns one). */
MwbKnownBrokenEntry *mwb_known_broken_match (MwbKnownBroken *kb, const char *name);

/* Marks the report's entries (each one afresh: known or not), counts the
 * matches, and adds a note to the report for each entry that matched
 * nothing. kb NULL: nothing is known broken. */
void mwb_report_apply_known_broken (MwbReport *r, MwbKnownBroken *kb);
