#include "guest-image.h"

#include <string.h>

#include "../guestcode/a-b.h"
#include "mwb-error.h"

/* From guest-blob.S: the images built in guestcode/. */
extern const guint8 mwb_guest_rom_start[], mwb_guest_rom_end[];
extern const guint8 mwb_guest_bootsect_start[], mwb_guest_bootsect_end[];

#define MIB (1024u * 1024u)

gboolean
mwb_guest_params_for (guint64 mem, MwbGuestParams *out, GError **error)
{
	/* The pc machine puts at most 3 GiB of RAM below 4 GiB; the guest runs
	 * without paging and cannot reach above that. */
	guint64 top = MIN (mem, (guint64) 3 * 1024 * MIB);
	guint64 span;

	if (mem < 32 * MIB) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
			     "guest memory %" G_GUINT64_FORMAT " MiB is too small (32M at least)",
			     mem / MIB);
		return FALSE;
	}
	out->start = MWB_GUEST_DEFAULT_START;
	out->end = (guint32) (top - 28 * MIB);
	span = (out->end - out->start) / MIB;
	out->period = (guint32) MAX (1, MWB_GUEST_DEFAULT_PERIOD * 99 / span);
	return TRUE;
}

static void
put_le32 (guint8 *p, guint32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

GBytes *
mwb_guest_image (MwbGuestForm form, const MwbGuestParams *params)
{
	const guint8 *src = form == MWB_GUEST_ROM ? mwb_guest_rom_start : mwb_guest_bootsect_start;
	gsize len = form == MWB_GUEST_ROM ? (gsize) (mwb_guest_rom_end - mwb_guest_rom_start)
					  : (gsize) (mwb_guest_bootsect_end - mwb_guest_bootsect_start);
	gsize off = form == MWB_GUEST_ROM ? MWB_GUEST_ROM_PARAM_OFFSET : MWB_GUEST_PARAM_OFFSET;
	guint8 *img = g_memdup2 (src, len);

	g_assert (len >= off + 16 && memcmp (img + off, MWB_GUEST_MAGIC, 4) == 0);
	put_le32 (img + off + 4, params->start);
	put_le32 (img + off + 8, params->end);
	put_le32 (img + off + 12, params->period);
	return g_bytes_new_take (img, len);
}
