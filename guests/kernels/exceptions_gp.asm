; exceptions_gp — #GP, #NP and #PF-vs-#GP for canonical addresses, in 64-bit mode at CPL 0.
;   Non-canonical data access (not via RSP/RBP) -> #GP(0) (SDM Vol. 3 §6.15
;     "Interrupt 13", Vol. 1 §3.3.7.1 canonical addressing); a canonical but
;     unmapped address -> #PF instead.
;   JMP to a non-canonical target -> #GP(0) at the JMP (Vol. 2A JMP, 64-bit mode exceptions).
;   RDMSR/WRMSR of an unimplemented MSR, a non-canonical FS_BASE, a reserved EFER
;     bit -> #GP(0) (Vol. 2B RDMSR/WRMSR, Vol. 4).
;   MOV CR0/CR4: clearing CR0.PG or CR4.PAE in 64-bit mode, setting bits 63:32
;     -> #GP(0) (Vol. 2B MOV CR, Vol. 3 §2.5).
;   Segment loads (Vol. 2B MOV, Vol. 3 §6.13 error code = selector index|TI|IDT|EXT):
;     selector beyond the GDT limit -> #GP(sel & 0xFFFC); SS with RPL != CPL ->
;     #GP(sel & 0xFFFC); a system descriptor into ES -> #GP(sel); a not-present
;     data segment -> #NP(sel); the null selector into SS at CPL 0 is allowed.
;   INT n (Vol. 2A INT n pseudocode, IA-32e mode; Vol. 3 §6.13, §6.14.1): vector
;     beyond the IDT limit -> #GP(n*8+2); entry that is not a 64-bit interrupt/trap
;     gate (all zero) -> #GP(n*8+2); valid gate with P=0 -> #NP(n*8+2).

%include "lib.inc"

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "exceptions_gp"

    ; ---- non-canonical data accesses
    mov rbx, 0x8000000000000000
    ARM .g1_done
.g1:
    mov rax, [rbx]
.g1_done:
    EXPECT_FAULT 13, 0, .g1, "read at 0x8000000000000000 raises #GP(0)"

    mov rbx, 0x0000800000000000
    ARM .g2_done
.g2:
    mov [rbx], eax
.g2_done:
    EXPECT_FAULT 13, 0, .g2, "write at 0x0000800000000000 raises #GP(0)"

    mov rbx, 0xFFFF7FFFFFFFFFF8
    ARM .g3_done
.g3:
    mov rax, [rbx]
.g3_done:
    EXPECT_FAULT 13, 0, .g3, "read at 0xFFFF7FFFFFFFFFF8 raises #GP(0)"

    ; canonical but unmapped addresses give #PF, error code 0 (read, not present)
    mov rbx, 0x00007FFFFFFFF000
    ARM .p1_done
.p1:
    mov rax, [rbx]
.p1_done:
    EXPECT_FAULT 14, 0, .p1, "read at canonical unmapped 0x00007FFFFFFFF000 raises #PF(0)"
    EXPECT qword [exc_cr2], rbx, "... with CR2 = the address"

    mov rbx, 0xFFFF800000000000
    ARM .p2_done
.p2:
    mov rax, [rbx]
.p2_done:
    EXPECT_FAULT 14, 0, .p2, "read at canonical unmapped 0xFFFF800000000000 raises #PF(0)"
    EXPECT qword [exc_cr2], rbx, "... with CR2 = the address"

%ifndef QEMU_REF
    ; ---- jump to a non-canonical target faults at the JMP
    mov rax, 0x0000800000000000
    ARM .j1_done
.j1:
    jmp rax
.j1_done:
    EXPECT_FAULT 13, 0, .j1, "jmp to non-canonical 0x0000800000000000 raises #GP(0) at the JMP"
%else
    QEMU_SKIP 1, "#GP after the JMP, RIP = target"
%endif

    ; ---- MSRs
%ifndef QEMU_REF
    mov ecx, 0x12345678
    ARM .m1_done
.m1:
    rdmsr
.m1_done:
    EXPECT_FAULT 13, 0, .m1, "rdmsr 0x12345678 (unimplemented) raises #GP(0)"

    mov ecx, 0x12345678
    xor eax, eax
    xor edx, edx
    ARM .m2_done
.m2:
    wrmsr
.m2_done:
    EXPECT_FAULT 13, 0, .m2, "wrmsr 0x12345678 (unimplemented) raises #GP(0)"
%else
    QEMU_SKIP 2, "unknown MSRs read 0 / ignore writes"
%endif

%ifndef QEMU_REF
    mov ecx, MSR_FS_BASE
    xor eax, eax
    mov edx, 0x00008000             ; 0x0000800000000000: non-canonical
    ARM .m3_done
.m3:
    wrmsr
.m3_done:
    EXPECT_FAULT 13, 0, .m3, "wrmsr FS_BASE non-canonical raises #GP(0)"
%else
    QEMU_SKIP 1, "no canonical check on FS_BASE writes"
%endif
    mov ecx, MSR_FS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0, "FS_BASE unchanged after the faulting wrmsr"

%ifndef QEMU_REF
    mov ecx, MSR_EFER
    rdmsr
    mov r12, rax
    or eax, 0x4                     ; EFER bit 2: reserved
    ARM .m4_done
.m4:
    wrmsr
.m4_done:
    EXPECT_FAULT 13, 0, .m4, "wrmsr EFER with reserved bit 2 raises #GP(0)"
%else
    QEMU_SKIP 1, "EFER reserved bits ignored"
    mov ecx, MSR_EFER
    rdmsr
    mov r12, rax
%endif
    mov ecx, MSR_EFER
    rdmsr
    EXPECT rax, r12, "EFER unchanged after the faulting wrmsr"

    ; ---- control registers
%ifndef QEMU_REF
    mov rax, cr0
    mov r12, rax
    btr rax, 31                     ; clear PG while in 64-bit mode
    ARM .c1_done
.c1:
    mov cr0, rax
.c1_done:
    EXPECT_FAULT 13, 0, .c1, "clearing CR0.PG in 64-bit mode raises #GP(0)"

    mov rax, r12
    bts rax, 32
    ARM .c2_done
.c2:
    mov cr0, rax
.c2_done:
    EXPECT_FAULT 13, 0, .c2, "setting CR0 bit 32 raises #GP(0)"

    mov rax, cr4
    mov r13, rax
    btr rax, 5                      ; clear PAE in IA-32e mode
    ARM .c3_done
.c3:
    mov cr4, rax
.c3_done:
    EXPECT_FAULT 13, 0, .c3, "clearing CR4.PAE in 64-bit mode raises #GP(0)"

    mov rax, r13
    bts rax, 63
    ARM .c4_done
.c4:
    mov cr4, rax
.c4_done:
    EXPECT_FAULT 13, 0, .c4, "setting CR4 bit 63 raises #GP(0)"
%else
    QEMU_SKIP 4, "no #GP for CR0.PG/CR4.PAE clear or CR0/CR4 reserved bits"
    mov r12, cr0
    mov r13, cr4
%endif
    mov rax, cr0
    EXPECT rax, r12, "CR0 unchanged"
    mov rax, cr4
    EXPECT rax, r13, "CR4 unchanged"

    ; ---- segment register loads
    mov ax, 0x43                    ; index 8: beyond the GDT limit 0x3F
    ARM .s1_done
.s1:
    mov ds, ax
.s1_done:
    EXPECT_FAULT 13, 0x40, .s1, "mov ds, 0x43 (beyond GDT limit) raises #GP(0x40)"

    mov ax, 0x23                    ; user data, RPL 3 != CPL 0
    ARM .s2_done
.s2:
    mov ss, ax
.s2_done:
    EXPECT_FAULT 13, 0x20, .s2, "mov ss, 0x23 at CPL 0 raises #GP(0x20)"

    mov ax, 0x20                    ; user data, RPL 0 but DPL 3 != CPL 0
    ARM .s3_done
.s3:
    mov ss, ax
.s3_done:
    EXPECT_FAULT 13, 0x20, .s3, "mov ss, 0x20 (DPL 3) at CPL 0 raises #GP(0x20)"

    ; the null selector in SS is legal at CPL 0 in 64-bit mode
    xor eax, eax
    ARM .s4_done
    mov ss, ax
    mov bx, ss
.s4_done:
    EXPECT_NOFAULT "mov ss, 0 at CPL 0 does not fault"
    mov ax, KDATA
    mov ss, ax
    movzx ebx, bx
    EXPECT rbx, 0, "SS reads back 0"

    ; GDT slot 0x30: a system descriptor (all zero, S=0) and a not-present data segment
    mov qword [abs GDT_BASE+0x30], 0
    mov qword [abs GDT_BASE+0x38], 0
    mov ax, 0x30
    ARM .s5_done
.s5:
    mov es, ax
.s5_done:
    EXPECT_FAULT 13, 0x30, .s5, "mov es, 0x30 (system descriptor) raises #GP(0x30)"

    mov rax, 0x00CF12000000FFFF     ; data, writable, DPL 0, P = 0
    mov [abs GDT_BASE+0x30], rax
    mov ax, 0x30
    ARM .s6_done
.s6:
    mov es, ax
.s6_done:
    EXPECT_FAULT 11, 0x30, .s6, "mov es, 0x30 (not present) raises #NP(0x30)"

    mov rax, 0x00CF92000000FFFF     ; now present
    mov [abs GDT_BASE+0x30], rax
    mov ax, 0x30
    ARM .s7_done
    mov es, ax
.s7_done:
    EXPECT_NOFAULT "mov es, 0x30 (present data) does not fault"
    mov ax, KDATA
    mov es, ax
    mov qword [abs GDT_BASE+0x30], 0

    ; ---- INT n through a not-present gate / beyond the IDT limit
    ; an all-zero IDT entry is not a 64-bit interrupt/trap gate: #GP, before the P check
    ARM .i1_done
.i1:
    int 0x90
.i1_done:
    EXPECT_FAULT 13, QV((0x90 << 3) | 2, (0x90 << 4) | 2), .i1, "int 0x90 (all-zero IDT entry) raises #GP(0x482)"

    ; a 64-bit interrupt gate with P = 0: #NP
    mov edi, 0x91
    lea rsi, [.i3_done]
    mov edx, 0x0E                   ; type 14, DPL 0, not present
    xor ecx, ecx
    call idt_set_gate
    ARM .i3_done
.i3:
    int 0x91
.i3_done:
    EXPECT_FAULT 11, QV((0x91 << 3) | 2, (0x91 << 4) | 2), .i3, "int 0x91 (gate with P=0) raises #NP(0x48A)"

    mov word [idtr_small], 0x40*16 - 1
    lea rax, [lib_idt]
    mov [idtr_small+2], rax
    lidt [idtr_small]
    ARM .i2_done
.i2:
    int 0x50
.i2_done:
    lidt [lib_idtr]
    EXPECT_FAULT 13, QV((0x50 << 3) | 2, (0x50 << 4) | 2), .i2, "int 0x50 beyond the IDT limit raises #GP(0x282)"

    DONE

section .data
idtr_small: dw 0
            dq 0

END_KERNEL
