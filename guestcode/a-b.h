/*
 * mwb guest images: layout of the x86 a-b boot sector and -bios ROM.
 *
 * Built by guestcode/guestcode.mk from guestcode/a-b.S and a-b-rom.S:
 *   build/guestcode/a-b.bootsect  512 bytes, boot with SeaBIOS from a disk
 *   build/guestcode/a-b.rom       65536 bytes, boot with -bios (no firmware)
 *
 * The guest prints 'A' on COM1 (0x3f8), zeroes byte 0 of every 4 KiB page
 * in [start, end), then forever increments byte 0 of every page in address
 * order and prints 'B' after every `period` complete passes.  If the magic
 * is wrong it prints '!' (and no 'A') and halts.
 *
 * Patch the parameter block in a copy of the image before booting:
 *   bootsect: at MWB_GUEST_PARAM_OFFSET
 *   ROM:      at MWB_GUEST_ROM_PARAM_OFFSET
 * Constraints (not checked by the guest): start and end 4 KiB aligned,
 * start >= 1 MiB (code and stack live at 0x7000-0x7dff), end <= top of
 * RAM below 4 GiB (pc machine: -m size if <= ~3.5 GiB).  start >= end
 * gives an empty range: 'B's then come as fast as the CPU can loop.
 * period 0 is treated as 1.
 */
#ifndef MWB_GUESTCODE_A_B_H
#define MWB_GUESTCODE_A_B_H

#include <stdint.h>

#define MWB_GUEST_SECTOR_SIZE        512
#define MWB_GUEST_LOAD_ADDR          0x7c00      /* sector runs here */
#define MWB_GUEST_PAGE_SIZE          4096
#define MWB_GUEST_SERIAL_PORT        0x3f8

/* Offset of struct mwb_guest_params inside the 512-byte sector. */
#define MWB_GUEST_PARAM_OFFSET       0x1e0

/* -bios ROM: the sector is embedded at this ROM offset. */
#define MWB_GUEST_ROM_SIZE           65536
#define MWB_GUEST_ROM_SECTOR_OFFSET  0x0000
#define MWB_GUEST_ROM_PARAM_OFFSET \
	(MWB_GUEST_ROM_SECTOR_OFFSET + MWB_GUEST_PARAM_OFFSET)  /* 0x1e0 */
#define MWB_GUEST_ROM_STUB_OFFSET    0x0200      /* copy stub */
#define MWB_GUEST_ROM_RESET_OFFSET   0xfff0      /* reset vector */

/* Magic: the four ASCII bytes "MWBG" (as a little-endian u32: 0x4742574d). */
#define MWB_GUEST_MAGIC              "MWBG"
#define MWB_GUEST_MAGIC_LEN          4
#define MWB_GUEST_MAGIC_U32          0x4742574du

/* Defaults as built. */
#define MWB_GUEST_DEFAULT_START      0x00100000u /* 1 MiB */
#define MWB_GUEST_DEFAULT_END        0x06400000u /* 100 MiB */
#define MWB_GUEST_DEFAULT_PERIOD     64u

/* Serial bytes. */
#define MWB_GUEST_CHAR_START         'A'
#define MWB_GUEST_CHAR_PERIOD        'B'
#define MWB_GUEST_CHAR_BAD_MAGIC     '!'

/*
 * Parameter block, 16 bytes at sector offset 0x1e0.  All integers are
 * little-endian (the guest reads them as x86 u32s); store them with explicit
 * little-endian encoding if the host may be big-endian.  Sector bytes
 * 0x1f0..0x1fd are reserved (zero); 0x1fe..0x1ff are 0x55 0xaa.
 */
struct mwb_guest_params {
	uint8_t  magic[4];   /* 0x1e0: "MWBG" */
	uint32_t start;      /* 0x1e4: first page address (inclusive) */
	uint32_t end;        /* 0x1e8: end address (exclusive), unsigned */
	uint32_t period;     /* 0x1ec: complete passes per 'B' */
} __attribute__((packed));

_Static_assert(sizeof(struct mwb_guest_params) == 16,
	       "mwb_guest_params must be 16 bytes");
_Static_assert(MWB_GUEST_PARAM_OFFSET + sizeof(struct mwb_guest_params) <= 0x1fe,
	       "param block overlaps the boot signature");

#endif /* MWB_GUESTCODE_A_B_H */
