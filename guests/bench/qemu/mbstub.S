/*
 * mbstub: a Multiboot (v1) stub that lets QEMU boot the emu benchmark
 * kernels, so they can be tested in a full-system x86 emulator other than
 * emu.  It is a test tool only; emu itself loads the kernels directly.
 *
 *   qemu-system-x86_64 -kernel mbstub.elf -initrd KERNEL.elf -append "iters=5" \
 *       -device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -display none
 *
 * It implements docs/boot-protocol.md: loads the ELF64 module's PT_LOAD
 * segments at p_paddr (zeroing up to p_memsz), builds the GDT at 0x1000, the
 * boot info at 0x2000 (command line from -append at 0x3000, memory map at
 * 0x2100), an identity map of the first 4 GiB with 2 MiB pages at 0x10000,
 * sets CR0/CR4/EFER as specified, and enters the kernel in 64-bit mode with
 * RSP=0x80000, RDI=0x2000, other GPRs 0, RFLAGS=2, FNINIT/MXCSR=0x1F80.
 * Errors are reported on COM1 and end QEMU with exit port value 0x7E.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, memory info */

#define GDT_ADDR 0x1000
#define BI_ADDR 0x2000
#define MMAP_ADDR 0x2100
#define CMDLINE_ADDR 0x3000
#define CMDLINE_MAX 0xFFF
#define PML4_ADDR 0x10000
#define PDPT_ADDR 0x11000
#define PD_ADDR 0x12000 /* 4 page directories: 0x12000-0x15FFF */

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	$stub_stack_top, %esp
	cmpl	$0x2BADB002, %eax
	jne	err_magic
	movl	%ebx, mbi

	/* ---- RAM size, read before anything in low memory is written ---- */
	movl	8(%ebx), %eax		/* mem_upper: KiB above 1 MiB */
	addl	$1024, %eax
	shll	$10, %eax		/* bytes (the stub assumes < 4 GiB) */
	movl	%eax, ram_size

	/* ---- command line -> CMDLINE_ADDR ---- */
	movl	$CMDLINE_ADDR, %edi
	movb	$0, (%edi)
	testl	$4, (%ebx)		/* flags.cmdline */
	jz	1f
	movl	16(%ebx), %esi
	movl	$CMDLINE_MAX, %ecx
2:	lodsb
	stosb
	testb	%al, %al
	jz	1f
	loop	2b
	movb	$0, (%edi)
1:
	/* ---- the kernel: the first module ---- */
	movl	mbi, %ebx
	testl	$8, (%ebx)		/* flags.mods */
	jz	err_nomod
	cmpl	$0, 20(%ebx)		/* mods_count */
	je	err_nomod
	movl	24(%ebx), %eax		/* mods_addr */
	movl	(%eax), %ebp		/* mod_start: ELF image */

	cmpl	$0x464C457F, (%ebp)	/* \x7fELF */
	jne	err_elf
	cmpw	$0x0102, 4(%ebp)	/* ELFCLASS64, ELFDATA2LSB */
	jne	err_elf
	cmpw	$2, 16(%ebp)		/* ET_EXEC */
	jne	err_elf
	cmpw	$62, 18(%ebp)		/* EM_X86_64 */
	jne	err_elf
	movl	24(%ebp), %eax		/* e_entry (low half) */
	movl	%eax, entry
	movl	32(%ebp), %edx		/* e_phoff */
	addl	%ebp, %edx
	movzwl	54(%ebp), %eax		/* e_phentsize */
	movl	%eax, phentsize
	movzwl	56(%ebp), %eax		/* e_phnum */
	movl	%eax, phnum
3:	cmpl	$0, phnum
	je	4f
	cmpl	$1, (%edx)		/* PT_LOAD */
	jne	5f
	movl	24(%edx), %edi		/* p_paddr */
	cmpl	$0x100000, %edi
	jb	err_elf
	movl	8(%edx), %esi		/* p_offset */
	addl	%ebp, %esi
	movl	32(%edx), %ecx		/* p_filesz */
	rep movsb
	movl	40(%edx), %ecx		/* p_memsz - p_filesz */
	subl	32(%edx), %ecx
	xorl	%eax, %eax
	rep stosb
	movl	40(%edx), %eax
	addl	24(%edx), %eax
	cmpl	kernel_end, %eax
	jb	5f
	movl	%eax, kernel_end
5:	addl	phentsize, %edx
	decl	phnum
	jmp	3b
4:
	/* ---- GDT at 0x1000 ---- */
	movl	$GDT_ADDR, %edi
	movl	$gdt_template, %esi
	movl	$(8 * 8), %ecx
	rep movsb

	/* ---- page tables: identity map 4 GiB with 2 MiB pages ---- */
	movl	$PML4_ADDR, %edi
	movl	$(0x10000 / 4), %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$(PDPT_ADDR | 3), PML4_ADDR
	movl	$(PD_ADDR | 3), PDPT_ADDR
	movl	$(PD_ADDR + 0x1000 | 3), PDPT_ADDR + 8
	movl	$(PD_ADDR + 0x2000 | 3), PDPT_ADDR + 16
	movl	$(PD_ADDR + 0x3000 | 3), PDPT_ADDR + 24
	movl	$PD_ADDR, %edi
	movl	$0x83, %eax		/* P | RW | PS */
	movl	$2048, %ecx
6:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	6b

	/* ---- boot info ---- */
	movl	$BI_ADDR, %edi
	movl	$(0x100 / 4), %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$0x42554D45, BI_ADDR	/* "EMUB" */
	movl	$0x31544F4F, BI_ADDR + 4	/* "OOT1" */
	movl	$1, BI_ADDR + 8		/* version */
	movl	$3, BI_ADDR + 12	/* mmap_count */
	movl	$MMAP_ADDR, BI_ADDR + 16
	movl	$CMDLINE_ADDR, BI_ADDR + 24
	movl	ram_size, %eax
	movl	%eax, BI_ADDR + 48
	/* mmap: [0,1M) reserved, [1M,kernel_end) kernel, [kernel_end,ram) usable */
	movl	$MMAP_ADDR, %edi
	movl	$(3 * 24 / 4), %ecx
	xorl	%eax, %eax
	rep stosl
	movl	kernel_end, %eax
	addl	$0xFFF, %eax
	andl	$~0xFFF, %eax
	movl	%eax, kernel_end
	movl	$0x100000, MMAP_ADDR + 8
	movl	$2, MMAP_ADDR + 16
	movl	$0x100000, MMAP_ADDR + 24
	subl	$0x100000, %eax
	movl	%eax, MMAP_ADDR + 32
	movl	$3, MMAP_ADDR + 40
	movl	kernel_end, %eax
	movl	%eax, MMAP_ADDR + 48
	movl	ram_size, %ecx
	subl	%eax, %ecx
	movl	%ecx, MMAP_ADDR + 56
	movl	$1, MMAP_ADDR + 64

	/* ---- long mode ---- */
	lgdt	gdt_ptr
	lidt	idt_ptr
	movl	$0x620, %eax		/* PAE | OSFXSR | OSXMMEXCPT */
	movl	%eax, %cr4
	movl	$PML4_ADDR, %eax
	movl	%eax, %cr3
	movl	$0xC0000080, %ecx	/* EFER */
	movl	$0xD01, %eax		/* SCE | LME | NXE (LMA is set by the CPU) */
	xorl	%edx, %edx
	wrmsr
	movl	$0x80010033, %eax	/* PG | WP | NE | ET | MP | PE */
	movl	%eax, %cr0
	ljmp	$0x08, $long64

	.code64
long64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	fninit
	ldmxcsr	mxcsr_init(%rip)
	movl	entry(%rip), %eax
	movq	%rax, %r15
	pushq	$2
	popfq
	movl	$0x80000, %esp
	movl	$BI_ADDR, %edi
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	pushq	%r15
	xorl	%r15d, %r15d
	ret				/* to e_entry, leaving RSP = 0x80000 */

	.code32
err_magic:
	movl	$msg_magic, %esi
	jmp	die
err_nomod:
	movl	$msg_nomod, %esi
	jmp	die
err_elf:
	movl	$msg_elf, %esi
die:
	lodsb
	testb	%al, %al
	jz	1f
	movw	$0x3F8, %dx
	outb	%al, %dx
	jmp	die
1:	movw	$0xF4, %dx
	movl	$0x7E, %eax
	outl	%eax, %dx
2:	hlt
	jmp	2b

	.section .rodata
	.balign 8
gdt_template:
	.quad	0
	.quad	0x00AF9A000000FFFF	/* 0x08 kernel code, 64-bit */
	.quad	0x00CF92000000FFFF	/* 0x10 kernel data */
	.quad	0x00CFFA000000FFFF	/* 0x18 user code, 32-bit */
	.quad	0x00CFF2000000FFFF	/* 0x20 user data */
	.quad	0x00AFFA000000FFFF	/* 0x28 user code, 64-bit */
	.quad	0, 0			/* 0x30 free (TSS) */
gdt_ptr:
	.word	0x3F
	.long	GDT_ADDR
idt_ptr:
	.word	0
	.long	0
mxcsr_init:
	.long	0x1F80
msg_magic:
	.asciz	"mbstub: not started by a Multiboot loader\r\n"
msg_nomod:
	.asciz	"mbstub: no kernel module (use -initrd KERNEL.elf)\r\n"
msg_elf:
	.asciz	"mbstub: module is not a loadable ELF64 x86-64 ET_EXEC kernel\r\n"

	.data
	.balign 4
mbi:	.long	0
entry:	.long	0
phentsize: .long 0
phnum:	.long	0
kernel_end: .long 0x100000
ram_size: .long	0

	.bss
	.balign 16
	.skip	4096
stub_stack_top:

	.section .note.GNU-stack, "", @progbits
