#include "mwb-error.h"

G_DEFINE_QUARK (mwb-error-quark, mwb_error)
