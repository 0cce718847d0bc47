; x87_sse — floating point results checked bit-exactly (IEEE 754 round to nearest).
;   x87 (SDM Vol. 1 ch. 8): FNINIT state FCW=0x037F FSW=0; arithmetic in extended
;     precision, rounded on FSTP; FCW.PC=00 rounds results to 24 bits (§8.1.5.2);
;     masked #Z gives infinity and sets FSW.ZE; an unmasked pending exception is
;     reported as #MF (CR0.NE=1) at the next waiting instruction (§8.6, Vol. 3
;     §6.15 "Interrupt 16"); CR0.TS=1 makes FPU/SSE instructions raise #NM.
;   SSE/SSE2 (Vol. 1 ch. 10-11): scalar/packed arithmetic, conversions
;     (CVTSD2SI rounds per MXCSR.RC, CVTTSD2SI truncates), MXCSR flags; MOVAPS
;     with a misaligned operand -> #GP(0); unmasked SIMD exception with
;     CR4.OSXMMEXCPT=1 -> #XM (Vol. 3 §6.15 "Interrupt 19").
;   FXSAVE image layout (Vol. 2A FXSAVE, Table 3-53): FCW @0, MXCSR @24, XMMn @160+16n.

%include "lib.inc"

%macro FSTP_Q 1                     ; fstp to memory, load into %1
    fstp qword [tmp]
    mov %1, [tmp]
%endmacro

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "x87_sse"

    ; ---- x87
    fninit
    fnstcw [tmp]
    movzx eax, word [tmp]
    EXPECT rax, 0x037F, "FNINIT: FCW = 0x037F"
    fnstsw ax
    movzx eax, ax
    EXPECT rax, 0, "FNINIT: FSW = 0"

    fld qword [d1_5]
    fadd qword [d2_25]
    FSTP_Q rax
    mov rbx, 0x400E000000000000
    EXPECT rax, rbx, "fld/fadd/fstp: 1.5 + 2.25 = 3.75"

    fild dword [i7]
    fimul dword [i6]
    fistp dword [tmp]
    mov eax, [tmp]
    EXPECT rax, 42, "fild/fimul/fistp: 7 * 6 = 42"

    fld1
    fdiv qword [d3]
    FSTP_Q rax
    mov rbx, 0x3FD5555555555555
    EXPECT rax, rbx, "fdiv: 1/3 rounded to double"

    fld qword [d2]
    fsqrt
    FSTP_Q rax
    mov rbx, 0x3FF6A09E667F3BCD
    EXPECT rax, rbx, "fsqrt: sqrt(2) rounded to double"

    fldpi
    FSTP_Q rax
    mov rbx, 0x400921FB54442D18
    EXPECT rax, rbx, "fldpi: pi rounded to double"

    fld1
    fstp tword [tmp]
    mov rax, [tmp]
    mov rbx, 0x8000000000000000
    EXPECT rax, rbx, "fstp tword 1.0: significand 0x8000000000000000"
    movzx eax, word [tmp+8]
    EXPECT rax, 0x3FFF, "fstp tword 1.0: sign/exponent 0x3FFF"

    fld qword [d2]
    fld1
    fcomip st0, st1                 ; 1.0 vs 2.0: below
    setc al
    setz bl
    fstp st0
    movzx eax, al
    movzx ebx, bl
    EXPECT rax, 1, "fcomip 1.0 < 2.0: CF = 1"
    EXPECT rbx, 0, "fcomip 1.0 < 2.0: ZF = 0"

    ; precision control: PC = 00 (24 bits)
    mov word [tmp], 0x007F
    fldcw [tmp]
    fld1
    fdiv qword [d3]
    FSTP_Q rax
    mov word [tmp], 0x037F
    fldcw [tmp]
    mov rbx, 0x3FD5555560000000
    EXPECT rax, rbx, "FCW.PC=single: 1/3 rounded to 24 bits"

    ; masked divide by zero (clear the sticky PE from the inexact results above)
    fnclex
    fld1
    fldz
    fdivp st1, st0
    fnstsw ax
    movzx ebx, ax
    FSTP_Q rax
    mov rcx, 0x7FF0000000000000
    EXPECT rax, rcx, "masked 1/0 = +infinity"
    and ebx, 0x3F
    EXPECT rbx, 0x04, "masked 1/0 sets FSW.ZE only"
    fnclex
    fnstsw ax
    movzx eax, ax
    EXPECT rax, 0, "fnclex clears FSW; stack TOP back to 0"

    ; unmasked divide by zero -> #MF at the next waiting instruction
    mov word [tmp], 0x037B           ; ZM clear
    fldcw [tmp]
    fld1
    fldz
    fdivp st1, st0
    ARM .mf_done
.mf:
    fwait
.mf_done:
    EXPECT_FAULT 16, NOERR, .mf, "unmasked 1/0: #MF at the following FWAIT"
    fnstsw ax
    movzx eax, ax
    and eax, 0x84
    EXPECT rax, 0x84, "... FSW.ES and FSW.ZE set"
    fninit

    ; ---- SSE
    mov dword [tmp], 0x1F80
    ldmxcsr [tmp]
    mov eax, 3
    cvtsi2sd xmm0, rax
    movq rax, xmm0
    mov rbx, 0x4008000000000000
    EXPECT rax, rbx, "cvtsi2sd 3 = 3.0"
    mulsd xmm0, [d0_5]
    movq rax, xmm0
    mov rbx, 0x3FF8000000000000
    EXPECT rax, rbx, "mulsd 3.0 * 0.5 = 1.5"
    addsd xmm0, [d2_25]
    movq rax, xmm0
    mov rbx, 0x400E000000000000
    EXPECT rax, rbx, "addsd 1.5 + 2.25 = 3.75"
    stmxcsr [tmp]
    mov eax, [tmp]
    EXPECT rax, 0x1F80, "exact results leave MXCSR = 0x1F80"
    movsd xmm1, [d1]
    divsd xmm1, [d3]
    movq rax, xmm1
    mov rbx, 0x3FD5555555555555
    EXPECT rax, rbx, "divsd 1/3"
    stmxcsr [tmp]
    mov eax, [tmp]
    EXPECT rax, 0x1FA0, "inexact divsd sets MXCSR.PE"
    sqrtsd xmm2, [d2]
    movq rax, xmm2
    mov rbx, 0x3FF6A09E667F3BCD
    EXPECT rax, rbx, "sqrtsd 2"

    cvttsd2si rax, [dm2_7]
    EXPECT rax, -2, "cvttsd2si -2.7 = -2 (truncate)"
    cvtsd2si rax, [d2_5]
    EXPECT rax, 2, "cvtsd2si 2.5 = 2 (nearest even)"
    cvtsd2si rax, [d3_5]
    EXPECT rax, 4, "cvtsd2si 3.5 = 4 (nearest even)"
    cvtsd2si rax, [dm2_7]
    EXPECT rax, -3, "cvtsd2si -2.7 = -3"

    movaps xmm3, [ps_a]
    addps xmm3, [ps_b]
    movaps [vtmp], xmm3
    mov rax, [vtmp]
    mov rbx, 0x402000003FC00000
    EXPECT rax, rbx, "addps lanes 0-1: 1.5, 2.5"
    mov rax, [vtmp+8]
    mov rbx, 0x4090000040600000
    EXPECT rax, rbx, "addps lanes 2-3: 3.5, 4.5"
    movdqa xmm4, [pd_a]
    paddd xmm4, [pd_b]
    movdqa [vtmp], xmm4
    mov rax, [vtmp]
    mov rbx, 0x000000160000000B
    EXPECT rax, rbx, "paddd lanes 0-1: 11, 22"
    mov rax, [vtmp+8]
    mov rbx, 0x0000002C00000021
    EXPECT rax, rbx, "paddd lanes 2-3: 33, 44"

    ARM .ma_done
.ma:
    movaps xmm5, [vtmp+4]
.ma_done:
    EXPECT_FAULT 13, 0, .ma, "movaps from a misaligned address: #GP(0)"
    ARM .mu_done
    movups xmm5, [vtmp+4]
.mu_done:
    EXPECT_NOFAULT "movups from a misaligned address works"

    ; CR0.TS -> #NM for SSE
    mov rax, cr0
    bts rax, 3
    mov cr0, rax
    ARM .nm_done
.nm:
    addsd xmm0, xmm0
.nm_done:
    clts
    EXPECT_FAULT 7, NOERR, .nm, "addsd with CR0.TS=1: #NM"

%ifndef QEMU_REF
    ; unmasked SIMD divide by zero -> #XM, destination unchanged
    movsd xmm6, [d1]
    xorpd xmm7, xmm7
    mov dword [tmp], 0x1F80 & ~0x200
    ldmxcsr [tmp]
    ARM .xm_done
.xm:
    divsd xmm6, xmm7
.xm_done:
    stmxcsr [tmp]
    mov ebx, [tmp]
    mov dword [tmp], 0x1F80
    ldmxcsr [tmp]
    EXPECT_FAULT 19, NOERR, .xm, "unmasked divsd by zero: #XM"
    EXPECT rbx, 0x1D84, "... MXCSR.ZE set"
    movq rax, xmm6
    mov rbx, 0x3FF0000000000000
    EXPECT rax, rbx, "... destination unchanged"
%else
    QEMU_SKIP 3, "no #XM for unmasked SIMD exceptions"
%endif

    ; FXSAVE / FXRSTOR
    mov dword [tmp], 0x1F80
    ldmxcsr [tmp]
    movdqa xmm2, [pd_a]
    fxsave [fxarea]
    movzx eax, word [fxarea]
    EXPECT rax, 0x037F, "fxsave: FCW at offset 0"
    mov eax, [fxarea+24]
    EXPECT rax, 0x1F80, "fxsave: MXCSR at offset 24"
    mov rax, [fxarea+160+2*16]
    mov rbx, 0x0000000200000001
    EXPECT rax, rbx, "fxsave: XMM2 at offset 192"
    pxor xmm2, xmm2
    fxrstor [fxarea]
    movq rax, xmm2
    EXPECT rax, rbx, "fxrstor restores XMM2"

    DONE

section .rodata
align 16
ps_a:   dd 1.0, 2.0, 3.0, 4.0
ps_b:   dd 0.5, 0.5, 0.5, 0.5
pd_a:   dd 1, 2, 3, 4
pd_b:   dd 10, 20, 30, 40
d0_5:   dq 0.5
d1:     dq 1.0
d1_5:   dq 1.5
d2:     dq 2.0
d2_25:  dq 2.25
d2_5:   dq 2.5
d3:     dq 3.0
d3_5:   dq 3.5
dm2_7:  dq -2.7
i6:     dd 6
i7:     dd 7

section .bss
alignb 16
tmp:    resb 16
vtmp:   resb 32
fxarea: resb 512

END_KERNEL
