# mwb guest images (x86 a-b boot sector and 64 KiB -bios ROM).
# Included from the top-level Makefile; paths are relative to the repo root.
#
#   build/guestcode/a-b.bootsect   512-byte boot sector (linked at 0x7c00)
#   build/guestcode/a-b.rom        65536-byte -bios image (sector at offset 0)
#
# Needs GNU as/ld/objcopy able to emit 32-bit x86 (as --32, ld -m elf_i386).

AS      ?= as
LD      ?= ld
OBJCOPY ?= objcopy

GUEST_SRCDIR   := guestcode
GUEST_BUILDDIR := build/guestcode
GUEST_ASFLAGS  := --32
GUEST_LDFLAGS  := -m elf_i386 -nostdlib --no-warn-rwx-segments
GUEST_IMAGES   := build/guestcode/a-b.bootsect build/guestcode/a-b.rom

build/guestcode/a-b.o: guestcode/a-b.S guestcode/guestcode.mk
	@mkdir -p $(@D)
	$(AS) $(GUEST_ASFLAGS) -o $@ $<

build/guestcode/a-b.elf: build/guestcode/a-b.o
	$(LD) $(GUEST_LDFLAGS) -Ttext=0x7c00 -e _start -o $@ $<

build/guestcode/a-b.bootsect: build/guestcode/a-b.elf
	$(OBJCOPY) -O binary -j .text $< $@
	@test `wc -c < $@` -eq 512 || { echo "$@: not 512 bytes" >&2; rm -f $@; exit 1; }

build/guestcode/a-b-rom.o: guestcode/a-b-rom.S build/guestcode/a-b.bootsect guestcode/guestcode.mk
	$(AS) $(GUEST_ASFLAGS) -I build/guestcode -o $@ $<

build/guestcode/a-b-rom.elf: build/guestcode/a-b-rom.o
	$(LD) $(GUEST_LDFLAGS) -Ttext=0 -e _start -o $@ $<

build/guestcode/a-b.rom: build/guestcode/a-b-rom.elf
	$(OBJCOPY) -O binary -j .text $< $@
	@test `wc -c < $@` -eq 65536 || { echo "$@: not 65536 bytes" >&2; rm -f $@; exit 1; }

.PHONY: guestcode
guestcode: $(GUEST_IMAGES)
