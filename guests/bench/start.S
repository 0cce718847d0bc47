/*
 * Entry point for the emu benchmark kernels (see docs/boot-protocol.md).
 *
 * emu enters here in 64-bit long mode at CPL 0 with RDI = boot info pointer,
 * RSP = 0x80000, interrupts disabled, SSE enabled.  We switch to our own
 * stack in .bss (so the benchmarks do not depend on the size of the loader's
 * stack), call kmain(bi), and pass its return value to rt_exit().
 */
	.section .text.start, "ax", @progbits
	.code64
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	leaq	bench_stack_top(%rip), %rsp	/* 16-byte aligned */
	xorl	%ebp, %ebp
	/* %rdi still holds the boot info pointer */
	call	kmain
	movl	%eax, %edi
	call	rt_exit
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

	.section .bss
	.balign	16
	.globl	bench_stack_bottom
bench_stack_bottom:
	.skip	65536
	.globl	bench_stack_top
bench_stack_top:

	.section .note.GNU-stack, "", @progbits
