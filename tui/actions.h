/* The actions of tui/actions.def as an enum and a table. */
#pragma once

typedef enum {
	MWB_ACT_NONE = 0,
#define ACTION(id, name, help) MWB_ACT_##id,
#include "actions.def"
#undef ACTION
	MWB_ACT_COUNT
} MwbAction;

typedef struct {
	MwbAction action;
	const char *name;
	const char *help;
} MwbActionInfo;

/* Indexed by MwbAction; entry 0 is a placeholder with name NULL. */
extern const MwbActionInfo mwb_actions[MWB_ACT_COUNT];

/* MWB_ACT_NONE when the name is unknown. */
MwbAction mwb_action_by_name (const char *name);
