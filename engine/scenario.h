/* The scenario model: a path, a description, a backend, parameters and ordered
 * steps, parsed from the small line format documented in docs/scenarios.md. */
#pragma once

#include <glib.h>

typedef struct {
	char *key;
	char *value;	/* unexpanded: ${var} is resolved when the step runs */
} MwbArg;

typedef struct {
	char *name;		/* unique within the scenario, e.g. "migrate" */
	char *action;		/* backend action, e.g. "qemu.migrate" */
	GArray *args;		/* MwbArg, in file order */
	double timeout_s;	/* 0: the action's default */
	char *about;		/* one line: what the step is about to do */
	char *check;		/* a TAP test point of its own ("target VM is persistent"), or NULL */
	gboolean expect_fail;	/* passes only when the action fails ... */
	char *expect_match;	/* ... with a reason containing this, if set */
	guint line;		/* where the step was declared */
} MwbStep;

typedef struct {
	gint refcount;
	char *file;
	char *path;		/* e.g. /x86_64/migration/precopy/unix/plain */
	char *description;
	char *backend;		/* e.g. "qemu" */
	GArray *params;		/* MwbArg: `set` lines, in file order */
	GPtrArray *steps;	/* MwbStep* */
} MwbScenario;

MwbScenario *mwb_scenario_parse (const char *file, const char *text, GError **error);
MwbScenario *mwb_scenario_load (const char *file, GError **error);
MwbScenario *mwb_scenario_ref (MwbScenario *scn);
void mwb_scenario_unref (MwbScenario *scn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbScenario, mwb_scenario_unref)

/* For backends that transform a scenario's steps (zdtm's variations). */
MwbScenario *mwb_scenario_copy_without_steps (const MwbScenario *scn);
MwbStep *mwb_step_new (const char *name, const char *action);
MwbStep *mwb_step_copy (const MwbStep *step);
void mwb_step_set_arg (MwbStep *step, const char *key, const char *value);

int mwb_scenario_find_step (const MwbScenario *scn, const char *name);
const char *mwb_step_arg (const MwbStep *step, const char *key);
MwbStep *mwb_scenario_step (const MwbScenario *scn, guint i);

/* Replaces every ${name} in text from vars (char* -> char*); "$$" is a literal "$".
 * An unknown name is an error naming it. */
char *mwb_expand (const char *text, GHashTable *vars, GError **error);
/* The same for text shown to people: an unknown ${name} stays as it is. */
char *mwb_expand_lenient (const char *text, GHashTable *vars);

/* Whole-component prefix match, migration-test's -r meaning:
 * "/a/b" matches "/a/b" and "/a/b/c" but not "/a/bc". */
gboolean mwb_path_has_prefix (const char *path, const char *prefix);
