/*
 * mwb guest images: contract of the x86-64 "lvguest" used by libvirt tests.
 *
 * Built by guestcode/guestcode.mk from guestcode/lvguest.S:
 *   build/guestcode/lvguest.elf   Multiboot v1 kernel (a.out kludge), boot
 *                                 with -kernel FILE -bios qboot.rom
 *
 * Once running (long mode, no interrupts) the guest:
 *   - stores 0 in the counter, then the magic, then prints 'L' on COM1;
 *   - forever increments the u64 counter (millions per second natively,
 *     at least ~1000/s under any emulation): two reads 100 ms apart differ
 *     while it runs and are equal while the VM is paused;
 *   - writes the pass number (1, 2, ... 255, 0, 1, ...) into byte 0 of one
 *     4 KiB page of the dirty area about every 2^21 TSC cycles (~1 ms at
 *     2 GHz: ~4 MiB/s, under 10 MiB/s for any TSC up to 5 GHz), in address
 *     order, wrapping to the start with the next pass number.
 *
 * Needs at least MWB_LVGUEST_MIN_RAM of guest RAM.  All values little-endian.
 */
#ifndef MWB_GUESTCODE_LVGUEST_H
#define MWB_GUESTCODE_LVGUEST_H

#define MWB_LVGUEST_LOAD_ADDR        0x00100000u /* image (header, code, page tables) */
#define MWB_LVGUEST_COUNTER_ADDR     0x00200000u /* u64, starts at 0, increments */
#define MWB_LVGUEST_MAGIC_ADDR       0x00200008u /* u64, MWB_LVGUEST_MAGIC once booted */
#define MWB_LVGUEST_DIRTY_START      0x00400000u /* dirty area, inclusive */
#define MWB_LVGUEST_DIRTY_END        0x01400000u /* exclusive (16 MiB, 4096 pages) */
#define MWB_LVGUEST_PAGE_SIZE        4096u
#define MWB_LVGUEST_DIRTY_TSC_CYCLES 0x200000u   /* TSC cycles between two dirtied pages */
#define MWB_LVGUEST_MIN_RAM          (64u << 20) /* what the tests give it */

/* "MWBLVGST": the bytes 'M','W','B','L','V','G','S','T' read as a LE u64. */
#define MWB_LVGUEST_MAGIC            0x545347564c42574dull
#define MWB_LVGUEST_MAGIC_STR        "MWBLVGST"

#define MWB_LVGUEST_SERIAL_PORT      0x3f8
#define MWB_LVGUEST_CHAR_START       'L'         /* once, after entering long mode */

#endif /* MWB_GUESTCODE_LVGUEST_H */
