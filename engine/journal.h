/* The journal: one JSON object per line in RUN/journal.jsonl, the one record
 * of a run. It is a sink like any other; the runner always attaches it. */
#pragma once

#include "sink.h"

typedef struct _MwbJournal MwbJournal;

MwbJournal *mwb_journal_new (void);
void mwb_journal_free (MwbJournal *j);
extern const MwbSinkOps mwb_journal_sink;

/* Appends s as a JSON string literal (with quotes) to out. */
void mwb_json_escape (GString *out, const char *s);
