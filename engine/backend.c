#include "backend.h"

#include <string.h>

#include "mwb-error.h"

static const MwbBackendClass *const backends[] = {
	&mwb_qemu_backend,
	&mwb_criu_backend,
	&mwb_replay_backend,
	&mwb_libvirt_backend,
};

const MwbBackendClass *
mwb_backend_lookup (const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
		if (g_str_equal (backends[i]->name, name))
			return backends[i];
	return NULL;
}

const MwbActionDef *
mwb_backend_find_action (const MwbBackendClass *klass, const char *name)
{
	for (const MwbActionDef *a = klass->actions; a->name; a++)
		if (g_str_equal (a->name, name))
			return a;
	return NULL;
}

static gboolean
listed (const char *const *names, const char *key)
{
	for (; names && *names; names++)
		if (g_str_equal (*names, "*") || g_str_equal (*names, key))
			return TRUE;
	return FALSE;
}

gboolean
mwb_backend_validate (const MwbBackendClass *klass, const MwbScenario *scn, GError **error)
{
	for (guint i = 0; i < scn->steps->len; i++) {
		const MwbStep *st = scn->steps->pdata[i];
		const MwbActionDef *def = mwb_backend_find_action (klass, st->action);

		if (!def) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE,
				     "%s:%u: unknown action '%s' for backend %s", scn->file, st->line,
				     st->action, klass->name);
			return FALSE;
		}
		for (const char *const *r = def->required; r && *r; r++)
			if (!mwb_step_arg (st, *r)) {
				g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE,
					     "%s:%u: %s needs %s=", scn->file, st->line, st->action, *r);
				return FALSE;
			}
		for (guint j = 0; j < st->args->len; j++) {
			const char *k = g_array_index (st->args, MwbArg, j).key;

			if (!listed (def->required, k) && !listed (def->optional, k)) {
				g_set_error (error, MWB_ERROR, MWB_ERROR_PARSE,
					     "%s:%u: %s takes no argument '%s'", scn->file, st->line,
					     st->action, k);
				return FALSE;
			}
		}
	}
	return TRUE;
}
