# mwb guest images (x86 a-b boot sector and 64 KiB -bios ROM; x86-64 lvguest).
# Included from the top-level Makefile; paths are relative to the repo root.
#
#   build/guestcode/a-b.bootsect   512-byte boot sector (linked at 0x7c00)
#   build/guestcode/a-b.rom        65536-byte -bios image (sector at offset 0)
#   build/guestcode/lvguest.elf    Multiboot (a.out kludge) kernel, linked at 1 MiB
#
# Needs GNU as/ld/objcopy able to emit 32-bit x86 (as --32, ld -m elf_i386)
# and x86-64 (as --64, ld -m elf_x86_64); readelf for a layout check.

AS      ?= as
LD      ?= ld
OBJCOPY ?= objcopy
READELF ?= readelf

GUEST_SRCDIR   := guestcode
GUEST_BUILDDIR := build/guestcode
GUEST_ASFLAGS  := --32
GUEST_LDFLAGS  := -m elf_i386 -nostdlib --no-warn-rwx-segments
GUEST64_ASFLAGS := --64
GUEST64_LDFLAGS := -m elf_x86_64 -nostdlib --no-warn-rwx-segments -z max-page-size=4096
GUEST_IMAGES   := build/guestcode/a-b.bootsect build/guestcode/a-b.rom \
		  build/guestcode/lvguest.elf

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

build/guestcode/lvguest.o: guestcode/lvguest.S guestcode/guestcode.mk
	@mkdir -p $(@D)
	$(AS) $(GUEST64_ASFLAGS) -o $@ $<

# QEMU looks for the Multiboot header (start of .text) in the first 8 KiB.
build/guestcode/lvguest.elf: build/guestcode/lvguest.o
	$(LD) $(GUEST64_LDFLAGS) -Ttext=0x100000 -e _start -o $@ $<
	@off=`$(READELF) -SW $@ | sed -n 's/.* \.text  *PROGBITS  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p'`; \
	test -n "$$off" && test $$((0x$$off)) -lt 8192 || \
	{ echo "$@: .text (Multiboot header) not in the first 8 KiB" >&2; rm -f $@; exit 1; }

.PHONY: guestcode
guestcode: $(GUEST_IMAGES)
