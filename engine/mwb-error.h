/* Error domain shared by the engine's modules. */
#pragma once

#include <glib.h>

#define MWB_ERROR (mwb_error_quark ())
GQuark mwb_error_quark (void);

typedef enum {
	MWB_ERROR_PARSE,	/* bad scenario file or other input: message is "file:line: ..." */
	MWB_ERROR_USAGE,	/* bad command-line use */
	MWB_ERROR_NOT_FOUND,	/* unknown scenario path, action, variable */
	MWB_ERROR_BACKEND,	/* a backend could not do what a step asked */
	MWB_ERROR_IO,
} MwbErrorCode;
