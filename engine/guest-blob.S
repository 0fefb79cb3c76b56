/* The guest images, built by guestcode/guestcode.mk, linked into mwb so that
 * it runs from anywhere without looking for data files. */
	.section .rodata
	.balign 16
	.global mwb_guest_rom_start, mwb_guest_rom_end
mwb_guest_rom_start:
	.incbin "build/guestcode/a-b.rom"
mwb_guest_rom_end:
	.balign 16
	.global mwb_guest_bootsect_start, mwb_guest_bootsect_end
mwb_guest_bootsect_start:
	.incbin "build/guestcode/a-b.bootsect"
mwb_guest_bootsect_end:
	.balign 16
	.global mwb_lvguest_start, mwb_lvguest_end
mwb_lvguest_start:
	.incbin "build/guestcode/lvguest.elf"
mwb_lvguest_end:
	.section .note.GNU-stack,"",@progbits
