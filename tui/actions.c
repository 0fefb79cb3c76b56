/* The action table, generated from actions.def. */
#include <string.h>

#include "actions.h"

const MwbActionInfo mwb_actions[MWB_ACT_COUNT] = {
	[MWB_ACT_NONE] = { MWB_ACT_NONE, NULL, NULL },
#define ACTION(id, nm, hlp) [MWB_ACT_##id] = { MWB_ACT_##id, nm, hlp },
#include "actions.def"
#undef ACTION
};

MwbAction
mwb_action_by_name (const char *name)
{
	for (int i = 1; i < MWB_ACT_COUNT; i++)
		if (strcmp (mwb_actions[i].name, name) == 0)
			return (MwbAction) i;
	return MWB_ACT_NONE;
}
