/*
 * mwb guest: x86-64 "lvguest" for libvirt migration tests (GNU as, as --64).
 *
 * Contract (see lvguest.h, README.md): a u64 counter at 0x200000 that
 * increments while the guest runs, the magic "MWBLVGST" at 0x200008, an 'L'
 * on COM1, and a bounded dirty rate over [0x400000, 0x1400000).
 *
 * Booted as a Multiboot v1 kernel with the a.out kludge (QEMU -kernel, with
 * qboot as firmware): QEMU refuses 64-bit ELF multiboot kernels, and the
 * kludge makes it copy the bytes at the addresses below without reading the
 * ELF headers.  Linked at 0x100000; the file is loaded from the header on.
 *
 * Entry is 32-bit protected mode with paging off.  On a software-assisted
 * KVM (kvm-pvm) that mode is emulated and not reliable, so the 32-bit part
 * is only the few instructions that switch to long mode; the page tables
 * are built by the assembler, not by code.
 */

	.set	SERIAL_PORT,	0x3f8
	.set	PAGE_SIZE,	4096
	.set	COUNTER,	0x00200000
	.set	MAGIC_ADDR,	0x00200008
	.set	MAGIC,		0x545347564c42574d	/* "MWBLVGST", LE */
	.set	DIRTY_START,	0x00400000
	.set	DIRTY_END,	0x01400000
	/* 2^21 TSC cycles: ~1 ms at 2 GHz.  TSC paced rather than a loop count
	 * so that the dirty rate does not depend on how fast the CPU is
	 * emulated (TCG and KVM differ by 10x either way). */
	.set	DIRTY_TSC,	0x200000
	.set	STACK_SIZE,	4096
	.set	CODE64_SEL,	0x08
	.set	DATA_SEL,	0x10

	.set	MB_MAGIC,	0x1badb002
	.set	MB_FLAGS,	0x00010000	/* bit 16: a.out kludge fields valid */

	.text
	.globl	_start
image_start:
	/* Multiboot header: must be 4-byte aligned in the first 8 KiB of the
	 * file; QEMU maps load_addr to (file offset of header - (header_addr -
	 * load_addr)), so the ELF header before .text does not matter. */
	.p2align 2
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header		/* header_addr */
	.long	image_start		/* load_addr */
	.long	image_end		/* load_end_addr: stop before ELF trailers */
	.long	stack_top		/* bss_end_addr: QEMU zeroes the stack */
	.long	_start			/* entry_addr */

	.code32
_start:
	/* eax = 0x2badb002, ebx = multiboot info: neither is needed.
	 * IF is already clear; no IDT, so it must stay clear. */
	cli
	lgdt	gdt_desc
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	orl	$(1 << 8), %eax		/* EFER.LME */
	wrmsr
	movl	%cr0, %eax
	orl	$((1 << 31) | 1), %eax	/* CR0.PG (PE is already on) */
	movl	%eax, %cr0
	ljmp	$CODE64_SEL, $lm64	/* compat mode -> 64-bit CS */

	.code64
lm64:
	movl	$DATA_SEL, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$stack_top, %rsp

	/* Counter before magic: whoever sees the magic sees a valid counter. */
	movq	$0, COUNTER
	movabsq	$MAGIC, %rax
	movq	%rax, MAGIC_ADDR
	movw	$SERIAL_PORT, %dx
	movb	$'L', %al
	outb	%al, %dx

	movl	$DIRTY_START, %ebx	/* rbx = next page to dirty */
	movl	$1, %r12d		/* r12b = pass number (first pass: 0 -> 1) */
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %r13		/* r13 = TSC when the last page was dirtied */

spin:
	incq	COUNTER
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %rcx
	subq	%r13, %rcx
	/* Unsigned: if the TSC went backwards (e.g. after migration to a host
	 * with another TSC) the difference is huge, so one page is dirtied and
	 * the reference resynchronised instead of stalling.  Measured from now,
	 * not from the last deadline, so a long pause causes no catch-up burst. */
	cmpq	$DIRTY_TSC, %rcx
	jb	spin
	movq	%rax, %r13
	movb	%r12b, (%rbx)
	addl	$PAGE_SIZE, %ebx
	cmpl	$DIRTY_END, %ebx
	jb	spin
	movl	$DIRTY_START, %ebx
	incb	%r12b
	jmp	spin

	/* GDT: null, 64-bit code (L=1), data.  Only the 64-bit selectors are
	 * ever loaded; CS keeps the loader's 32-bit descriptor until the ljmp. */
	.p2align 3
gdt:
	.quad	0x0000000000000000
	.quad	0x00209a0000000000	/* code: present, ring 0, exec/read, L */
	.quad	0x00cf92000000ffff	/* data: present, ring 0, read/write */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	/* Identity map of the first 1 GiB with 2 MiB pages (P, RW, PS).
	 * The guest only touches the first 20 MiB; mapping more costs nothing. */
	.p2align 12
pml4:
	.quad	pdpt + 0x3		/* P, RW */
	.fill	511, 8, 0
pdpt:
	.quad	pd + 0x3
	.fill	511, 8, 0
pd:
	.set	i, 0
	.rept	512
	.quad	(i << 21) | 0x83	/* P, RW, PS */
	.set	i, i + 1
	.endr
image_end:

	/* The stack is past the end of the file: bss_end_addr above makes
	 * QEMU reserve and zero it.  Nothing is pushed today; it is for safety. */
	.set	stack_top, image_end + STACK_SIZE
