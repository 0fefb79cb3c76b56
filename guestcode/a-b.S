/*
 * mwb guest: x86 "a-b" boot sector (GNU as syntax, assemble with as --32).
 *
 * Implements the contract of QEMU's migration-test a-b boot block:
 *   - print 'A' on the serial port 0x3f8,
 *   - zero byte 0 of every 4 KiB page in [start, end),
 *   - forever: increment byte 0 of every page in [start, end) in address
 *     order; after every `period` complete passes print 'B'.
 *
 * start/end/period are read at run time from the parameter block at the
 * fixed sector offset 0x1e0 (see a-b.h).  If the block's magic is not
 * "MWBG", the guest prints '!' instead of 'A' and halts.
 *
 * Linked at 0x7c00.  Entered in 16-bit real mode, either by a BIOS
 * (SeaBIOS, CS:IP may be 0000:7c00 or 07c0:0000) or by the stub in
 * a-b-rom.S.  Nothing is assumed about the machine state: no BIOS
 * services, no stack, no segment values, no interrupt state.
 */

	.set	SERIAL_PORT,	0x3f8
	.set	PAGE_SIZE,	4096
	.set	PARAM_OFFSET,	0x1e0
	.set	MAGIC,		0x4742574d	/* "MWBG" as a little-endian u32 */
	.set	STACK_TOP,	0x7c00
	.set	CODE_SEL,	0x08
	.set	DATA_SEL,	0x10

	.text
	.code16
	.globl	_start
_start:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$STACK_TOP, %sp
	ljmp	$0, $real_cs0		/* normalise CS:IP to 0000:7cxx */
real_cs0:
	/* Fast A20 through port 0x92: set bit 1, keep bit 0 (reset) clear. */
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92

	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax		/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$CODE_SEL, $pm32

	.code32
pm32:
	movl	$DATA_SEL, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$STACK_TOP, %esp

	movw	$SERIAL_PORT, %dx

	cmpl	$MAGIC, param_magic
	jne	bad_magic

	movb	$'A', %al
	outb	%al, %dx

	movl	param_start, %esi	/* esi = start */
	movl	param_end, %edi		/* edi = end (exclusive) */
	movl	param_period, %ebp	/* ebp = passes per 'B' */
	testl	%ebp, %ebp
	jnz	1f
	incl	%ebp			/* period 0 is treated as 1 */
1:
	/* Zero byte 0 of every page.  All compares are unsigned; the carry
	 * check stops the walk if the address would wrap past 4 GiB. */
	movl	%esi, %ebx
zero_loop:
	cmpl	%edi, %ebx
	jae	main_loop
	movb	$0, (%ebx)
	addl	$PAGE_SIZE, %ebx
	jnc	zero_loop

main_loop:
	movl	%ebp, %ecx		/* passes left before the next 'B' */
pass:
	movl	%esi, %ebx
inc_loop:
	cmpl	%edi, %ebx
	jae	pass_done
	incb	(%ebx)
	addl	$PAGE_SIZE, %ebx
	jnc	inc_loop
pass_done:
	decl	%ecx
	jnz	pass
	movb	$'B', %al
	outb	%al, %dx
	jmp	main_loop

bad_magic:
	movb	$'!', %al
	outb	%al, %dx
2:	hlt
	jmp	2b

	/* Flat GDT: null, 32-bit code (0x08), 32-bit data (0x10), base 0,
	 * limit 4 GiB (granularity 4 KiB). */
	.p2align 3
gdt:
	.quad	0x0000000000000000
	.quad	0x00cf9a000000ffff	/* code: present, ring 0, exec/read */
	.quad	0x00cf92000000ffff	/* data: present, ring 0, read/write */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	/* Build-time check: the code must end before the parameter block.
	 * `.org` cannot move backwards, so assembly fails if it does not fit. */
	.org	PARAM_OFFSET, 0

	/* Parameter block (patched by the engine before booting). */
	.globl	params
params:
param_magic:	.ascii	"MWBG"
param_start:	.long	0x00100000	/* 1 MiB */
param_end:	.long	0x06400000	/* 100 MiB */
param_period:	.long	64
	/* 0x1f0..0x1fd: reserved, zero */

	.org	0x1fe, 0
	.byte	0x55, 0xaa
