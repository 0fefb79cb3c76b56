/* The a-b guest, embedded in mwb at build time, and its parameter block. */
#pragma once

#include <glib.h>

typedef struct {
	guint32 start;		/* first page of the dirtied range */
	guint32 end;		/* end of the range (exclusive) */
	guint32 period;		/* passes per 'B' on the serial port */
} MwbGuestParams;

/* The range and marker period for a guest of mem bytes: QEMU's test uses
 * [1 MiB, 100 MiB) and 64 passes for 128 MiB; bigger guests dirty more and
 * print 'B' after proportionally fewer passes. */
gboolean mwb_guest_params_for (guint64 mem, MwbGuestParams *out, GError **error);

typedef enum {
	MWB_GUEST_ROM,		/* -bios image: no firmware, boots in well under a second */
	MWB_GUEST_BOOTSECT,	/* 512-byte disk sector booted by SeaBIOS */
} MwbGuestForm;

/* A copy of the image with the parameter block patched. */
GBytes *mwb_guest_image (MwbGuestForm form, const MwbGuestParams *params);
