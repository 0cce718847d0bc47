; exceptions_de_ud_bp — #DE, #UD, #BP, #NM delivery in 64-bit mode.
;   #DE is a fault (SDM Vol. 3 §6.15 "Interrupt 0"): saved RIP = the DIV/IDIV,
;       raised for a zero divisor and for a quotient too large for the
;       destination (SDM Vol. 2A DIV/IDIV), registers unchanged.
;   #UD is a fault (Vol. 3 §6.15 "Interrupt 6"): UD2, LOCK on a non-lockable
;       instruction or a register destination (Vol. 2A §2.1.1 / LOCK), opcodes
;       invalid in 64-bit mode (PUSH ES 06h, INTO CEh; Vol. 2 appendix A).
;   #BP is a trap (Vol. 3 §6.15 "Interrupt 3"): saved RIP = the next instruction.
;   #NM for an x87 instruction with CR0.TS=1 (Vol. 3 §2.5, §6.15 "Interrupt 7").
;   64-bit interrupt frame (Vol. 3 §6.14.2, Figure 6-9): SS, RSP, RFLAGS, CS, RIP
;       [, error code] pushed after aligning RSP down to 16 bytes; SS and RSP are
;       pushed even without a privilege change.
;   INT n pushes no error code, even for vectors that have one (Vol. 3 §6.13).

%include "lib.inc"

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "exceptions_de_ud_bp"

    ; ---- #DE: 64-bit divide by zero, frame contents and alignment
    sub rsp, 8                      ; RSP = 8 mod 16 at the fault
    mov r12, rsp
    mov eax, 1
    xor edx, edx
    xor ecx, ecx
    ARM .de1_done
    stc                             ; CF=1 must show in the saved RFLAGS
.de1:
    div rcx
.de1_done:
    add rsp, 8
    EXPECT_FAULT 0, NOERR, .de1, "div rcx by zero raises #DE at the DIV"
    EXPECT qword [exc_cs], KCODE, "#DE frame: CS = 0x08"
    EXPECT qword [exc_ss], KDATA, "#DE frame: SS = 0x10 (pushed without privilege change)"
    EXPECT qword [exc_rsp], r12, "#DE frame: RSP = RSP at the fault"
    mov rax, [exc_rflags]
    and rax, 0x1
    EXPECT rax, 1, "#DE frame: RFLAGS has CF from before the fault"
    mov rax, r12
    and rax, -16
    sub rax, 40                     ; RIP slot: 5 qwords below the aligned top
    EXPECT qword [exc_frame], rax, "frame pushed below RSP aligned down to 16"
    EXPECT qword [exc_gprs+0*8], 1, "#DE leaves RAX unchanged"
    EXPECT qword [exc_gprs+3*8], 0, "#DE leaves RDX unchanged"

    ; ---- #DE: 32-bit divide by zero
    mov eax, 5
    xor edx, edx
    xor ecx, ecx
    ARM .de2_done
.de2:
    div ecx
.de2_done:
    EXPECT_FAULT 0, NOERR, .de2, "div ecx by zero raises #DE"

    ; ---- #DE: 8-bit quotient overflow (0x1000 / 0x10 = 0x100 > 0xFF)
    mov eax, 0x1000
    mov ecx, 0x10
    ARM .de3_done
.de3:
    div cl
.de3_done:
    EXPECT_FAULT 0, NOERR, .de3, "div cl with quotient 0x100 raises #DE"

    ; ---- #DE: unsigned 64-bit overflow (RDX >= divisor)
    mov rax, 0
    mov rdx, 2
    mov rcx, 2
    ARM .de4_done
.de4:
    div rcx
.de4_done:
    EXPECT_FAULT 0, NOERR, .de4, "div rcx with RDX:RAX = 2<<64, RCX = 2 raises #DE"

    ; ---- #DE: idiv INT64_MIN / -1
    mov rax, 0x8000000000000000
    cqo
    mov rcx, -1
    ARM .de5_done
.de5:
    idiv rcx
.de5_done:
    EXPECT_FAULT 0, NOERR, .de5, "idiv INT64_MIN / -1 raises #DE"

    ; ---- #DE: idiv INT32_MIN / -1
    mov eax, 0x80000000
    cdq
    mov ecx, -1
    ARM .de6_done
.de6:
    idiv ecx
.de6_done:
    EXPECT_FAULT 0, NOERR, .de6, "idiv INT32_MIN / -1 raises #DE"

    ; ---- a legal idiv near the limit does not fault: -2^63 / 1
    mov rax, 0x8000000000000000
    cqo
    mov rcx, 1
    ARM .de7_done
    idiv rcx
.de7_done:
    EXPECT_NOFAULT "idiv INT64_MIN / 1 does not fault"
    mov rcx, 0x8000000000000000
    EXPECT rax, rcx, "idiv INT64_MIN / 1 = INT64_MIN"

    ; ---- #UD
    ARM .ud1_done
.ud1:
    ud2
.ud1_done:
    EXPECT_FAULT 6, NOERR, .ud1, "ud2 raises #UD at the UD2"

    ARM .ud2_done
.ud2:
    db 0xF0, 0x90                   ; lock nop
.ud2_done:
    EXPECT_FAULT 6, NOERR, .ud2, "lock nop (F0 90) raises #UD at the prefix"

    ARM .ud3_done
.ud3:
    db 0xF0, 0x01, 0xC0             ; lock add eax, eax (register destination)
.ud3_done:
    EXPECT_FAULT 6, NOERR, .ud3, "lock add eax, eax (F0 01 C0) raises #UD"

%ifndef QEMU_REF
    lea rbx, [scratch]
    ARM .ud4_done
.ud4:
    db 0xF0, 0x89, 0x03             ; lock mov [rbx], eax (MOV is not lockable)
.ud4_done:
    EXPECT_FAULT 6, NOERR, .ud4, "lock mov [rbx], eax (F0 89 03) raises #UD"
%else
    QEMU_SKIP 1, "no #UD for LOCK MOV"
%endif

    ARM .ud5_done
.ud5:
    db 0x06                         ; push es: invalid in 64-bit mode
.ud5_done:
    EXPECT_FAULT 6, NOERR, .ud5, "push es (06) raises #UD in 64-bit mode"

    ARM .ud6_done
.ud6:
    db 0xCE                         ; into: invalid in 64-bit mode
.ud6_done:
    EXPECT_FAULT 6, NOERR, .ud6, "into (CE) raises #UD in 64-bit mode"

    ; a lockable read-modify-write with a memory destination is fine
    mov qword [scratch], 41
    ARM .lk_done
    lock inc qword [scratch]
.lk_done:
    EXPECT_NOFAULT "lock inc qword [mem] does not fault"
    EXPECT qword [scratch], 42, "lock inc qword [mem] increments"

    ; ---- #BP is a trap: RIP after the INT3
    mov r12, rsp
    ARM .bp1_after
    int3
.bp1_after:
    EXPECT_FAULT 3, NOERR, .bp1_after, "int3 (CC) raises #BP, saved RIP = next instruction"
    EXPECT qword [exc_rsp], r12, "#BP frame: RSP = RSP at the INT3"

    ARM .bp2_after
    int 3                           ; CD 03
.bp2_after:
    EXPECT_FAULT 3, NOERR, .bp2_after, "int 3 (CD 03) raises #BP, saved RIP = next instruction"

    ; ---- INT n to an error-code vector pushes no error code: a raw handler on
    ; vector 14 records the frame and returns with IRETQ directly.
    mov edi, 14
    lea rsi, [raw14]
    mov edx, GATE_INT
    xor ecx, ecx
    call idt_set_gate
    mov r12, rsp
    mov qword [raw_rip], 0
    int 14
.int14_after:
    lea rsi, [exc_stub_table]
    mov rsi, [rsi+14*8]
    mov edi, 14
    mov edx, GATE_INT
    xor ecx, ecx
    call idt_set_gate
    lea rax, [.int14_after]
    EXPECT qword [raw_rip], rax, "int 14: top of frame is the return RIP (no error code)"
    EXPECT qword [raw_cs], KCODE, "int 14: next slot is CS"
    EXPECT qword [raw_rsp], r12, "int 14: frame RSP = RSP at the INT"

    ; ---- #NM: x87 instruction with CR0.TS = 1
    mov rax, cr0
    or rax, 8                       ; TS
    mov cr0, rax
    ARM .nm_done
.nm:
    fld1
.nm_done:
    clts
    EXPECT_FAULT 7, NOERR, .nm, "fld1 with CR0.TS=1 raises #NM"
    ARM .nm2_done
    fld1
    fstp st0
.nm2_done:
    EXPECT_NOFAULT "fld1 after CLTS does not fault"

    DONE

raw14:
    mov rax, [rsp]
    mov [raw_rip], rax
    mov rax, [rsp+8]
    mov [raw_cs], rax
    mov rax, [rsp+24]
    mov [raw_rsp], rax
    iretq

section .bss
alignb 8
scratch:    resq 1
raw_rip:    resq 1
raw_cs:     resq 1
raw_rsp:    resq 1

END_KERNEL
