/*
 * mwb guest: 64 KiB -bios ROM wrapping the a-b boot sector.
 *
 * QEMU maps a 64 KiB -bios image at 0xf0000-0xfffff (and at the top of
 * the 4 GiB space).  The CPU resets in real mode at F000:FFF0.
 *
 * ROM layout (offsets within the image; CS = 0xf000 so they are also the
 * real-mode offsets in segment F000):
 *   0x0000-0x01ff  the 512-byte boot sector (build/guestcode/a-b.bootsect),
 *                  parameter block at 0x01e0 (sector offset 0x1e0)
 *   0x0200-...     stub: copy the sector to 0000:7c00, jump there
 *   0xfff0         reset vector: ljmp $0xf000, $stub
 *   rest           0xff filler
 *
 * Assembled with -I build/guestcode so that .incbin finds the sector.
 */

	.set	SECTOR_OFFSET,	0x0000
	.set	SECTOR_SIZE,	512
	.set	LOAD_ADDR,	0x7c00
	.set	ROM_SEG,	0xf000
	.set	ROM_SIZE,	0x10000
	.set	RESET_OFFSET,	0xfff0

	.text
	.code16
	.globl	_start
_start:
	.org	SECTOR_OFFSET, 0xff
sector:
	.incbin	"a-b.bootsect"
sector_end:
	.if	(sector_end - sector) != SECTOR_SIZE
	.error	"a-b.bootsect must be exactly 512 bytes"
	.endif

stub:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %es
	movw	%ax, %ss
	movw	$LOAD_ADDR, %sp
	movw	$ROM_SEG, %ax
	movw	%ax, %ds
	movw	$sector, %si
	movw	$LOAD_ADDR, %di
	movw	$SECTOR_SIZE / 2, %cx
	rep	movsw
	xorw	%ax, %ax
	movw	%ax, %ds
	ljmp	$0, $LOAD_ADDR
stub_end:

	/* Reset vector: executed at 0xfffffff0 (CS base 0xffff0000); the far
	 * jump reloads CS with a real-mode segment in the 0xf0000 alias. */
	.org	RESET_OFFSET, 0xff
reset:
	ljmp	$ROM_SEG, $stub

	.org	ROM_SIZE, 0xff
