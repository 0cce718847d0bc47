; syscall_sysret — SYSCALL/SYSRET and SWAPGS (SDM Vol. 2B SYSCALL, SYSRET, SWAPGS;
; Vol. 3 §5.8.8 "Fast System Calls in 64-Bit Mode").
;   SYSCALL: RCX := next RIP, R11 := RFLAGS, RFLAGS &= ~IA32_FMASK,
;     CS := STAR[47:32] & 0xFFFC, SS := STAR[47:32] + 8, RIP := LSTAR; RSP unchanged.
;     #UD when EFER.SCE = 0.
;   SYSRET (REX.W, 48 0F 07): RIP := RCX, RFLAGS := (R11 & 0x3C7FD7) | 2,
;     CS := (STAR[63:48] + 16) | 3, SS := (STAR[63:48] + 8) | 3. #GP(0) at CPL != 0.
;   SWAPGS exchanges IA32_GS_BASE and IA32_KERNEL_GS_BASE; #GP(0) at CPL != 0.

%include "lib.inc"

USER_FLAGS      equ 0x40CD7         ; AC OF DF SF ZF AF PF CF + bit 1
FMASK_VALUE     equ 0x47700         ; AC NT IOPL DF IF TF (what Linux masks)
R11_MAGIC       equ QV(0x388BB, 0x188BB) ; VM RF bit15 OF SF bit5 AF bit3 CF + bit 1
                                    ; (QEMU 7.2 loads VM from R11: leave it out there)
R11_EXPECT      equ (R11_MAGIC & 0x3C7FD7) | 2   ; = 0x893: VM, RF, bits 15/5/3 dropped

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "syscall_sysret"
    call paging_init
    xor edi, edi
    call tss_init

    ; STAR: kernel CS 0x08 / SS 0x10; sysret base 0x18 -> CS 0x2B, SS 0x23
    mov ecx, MSR_STAR
    xor eax, eax
    mov edx, 0x00180008
    wrmsr
    mov ecx, MSR_STAR
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov rbx, 0x0018000800000000
    EXPECT rax, rbx, "STAR reads back"
    mov ecx, MSR_FMASK
    mov eax, FMASK_VALUE
    xor edx, edx
    wrmsr

    ; ---- SYSCALL with EFER.SCE = 0 is #UD
    lea rax, [bad_syscall]
    mov rdx, rax
    shr rdx, 32
    mov ecx, MSR_LSTAR
    wrmsr
    mov ecx, MSR_EFER
    rdmsr
    btr eax, 0
    wrmsr
    ARM .ud_done
.ud:
    syscall
.ud_done:
    EXPECT_FAULT 6, NOERR, .ud, "syscall with EFER.SCE=0 raises #UD"
    mov ecx, MSR_EFER
    rdmsr
    bts eax, 0
    wrmsr

    lea rax, [syscall_entry]
    mov rdx, rax
    shr rdx, 32
    mov ecx, MSR_LSTAR
    wrmsr

    ; ---- round trip from ring 3
    lea rdi, [u_sys]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, USER_EXIT_VEC, "user code ran syscall/sysret and exited"
    EXPECT qword [k_count], 1, "syscall handler ran once"
    lea rax, [u_sys.ret]
    EXPECT qword [k_rcx], rax, "SYSCALL: RCX = return RIP"
    EXPECT qword [k_r11], USER_FLAGS, "SYSCALL: R11 = user RFLAGS"
    EXPECT qword [k_rflags], QV(USER_FLAGS & ~FMASK_VALUE, 2), "SYSCALL: RFLAGS = user RFLAGS & ~FMASK"
    EXPECT qword [k_cs], KCODE, "SYSCALL: CS = STAR[47:32] = 0x08"
    EXPECT qword [k_ss], KDATA, "SYSCALL: SS = STAR[47:32] + 8 = 0x10"
    EXPECT qword [k_rax], 42, "SYSCALL: RAX preserved"
    mov rax, [u_rsp_before]
    EXPECT qword [k_rsp], rax, "SYSCALL: RSP unchanged"
    EXPECT qword [u_cs], UCODE, "SYSRET: CS = STAR[63:48] + 16 | 3 = 0x2B"
    EXPECT qword [u_ss], UDATA, "SYSRET: SS = STAR[63:48] + 8 | 3 = 0x23"
    EXPECT qword [u_flags], R11_EXPECT, "SYSRET: RFLAGS = (R11 & 0x3C7FD7) | 2"
    EXPECT qword [u_rax], 0x99, "SYSRET: RAX from the handler"
    lea rax, [u_sys.ret]
    EXPECT qword [u_rcx], rax, "SYSRET: RCX unchanged"
    EXPECT qword [u_r11], R11_MAGIC, "SYSRET: R11 unchanged"
    mov rax, [u_rsp_before]
    EXPECT qword [u_rsp], rax, "SYSRET: RSP unchanged"

    ; ---- SYSRET and SWAPGS at CPL 3
    lea rdi, [u_sysret]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "sysretq at CPL3 raises #GP"
    EXPECT qword [exc_error], 0, "... with error code 0"
    lea rdi, [u_swapgs]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "swapgs at CPL3 raises #GP"
    EXPECT qword [exc_error], 0, "... with error code 0"

    ; ---- SWAPGS
    lea rax, [gs_a]
    mov rdx, rax
    shr rdx, 32
    mov ecx, MSR_GS_BASE
    wrmsr
    lea rax, [gs_b]
    mov rdx, rax
    shr rdx, 32
    mov ecx, MSR_KGS_BASE
    wrmsr
    mov rax, [gs:0]
    EXPECT rax, 0xAAAA, "gs:0 reads via GS_BASE"
    swapgs
    mov ecx, MSR_GS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    lea rbx, [gs_b]
    EXPECT rax, rbx, "after swapgs GS_BASE = old KERNEL_GS_BASE"
    mov ecx, MSR_KGS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    lea rbx, [gs_a]
    EXPECT rax, rbx, "after swapgs KERNEL_GS_BASE = old GS_BASE"
    mov rax, [gs:0]
    EXPECT rax, 0xBBBB, "gs:0 reads via the new GS_BASE"
    swapgs
    mov rax, [gs:0]
    EXPECT rax, 0xAAAA, "second swapgs swaps back"

    DONE

bad_syscall:
    FAILNOW "syscall with EFER.SCE=0 reached LSTAR"

; SYSCALL entry (CPL 0, user RSP, RFLAGS masked)
syscall_entry:
    mov [k_rsp], rsp
    lea rsp, [k_stack_top]
    pushfq
    pop qword [k_rflags]
    mov [k_rcx], rcx
    mov [k_r11], r11
    mov [k_rax], rax
    inc qword [k_count]
    xor eax, eax
    mov ax, cs
    mov [k_cs], rax
    mov ax, ss
    mov [k_ss], rax
    mov rsp, [k_rsp]
    mov r11, R11_MAGIC
    mov eax, 0x99
    o64 sysret                      ; 48 0F 07

section .user
u_sys:
    mov [u_rsp_before], rsp
    push qword USER_FLAGS
    popfq
    mov eax, 42
    syscall
.ret:
    pushfq
    pop qword [u_flags]
    cld
    mov [u_rax], rax
    mov [u_rcx], rcx
    mov [u_r11], r11
    mov [u_rsp], rsp
    xor eax, eax
    mov ax, cs
    mov [u_cs], rax
    mov ax, ss
    mov [u_ss], rax
    int USER_EXIT_VEC
u_sysret:
    o64 sysret
    int USER_EXIT_VEC
u_swapgs:
    swapgs
    int USER_EXIT_VEC
align 8
u_rsp_before:   dq 0
u_flags:        dq 0
u_rax:          dq 0
u_rcx:          dq 0
u_r11:          dq 0
u_rsp:          dq 0
u_cs:           dq 0
u_ss:           dq 0
align 16
ustack: times 4096 db 0
ustack_top:

section .data
align 8
gs_a:   dq 0xAAAA
gs_b:   dq 0xBBBB

section .bss
alignb 16
k_stack:    resb 1024
k_stack_top:
alignb 8
k_count:    resq 1
k_rsp:      resq 1
k_rflags:   resq 1
k_rcx:      resq 1
k_r11:      resq 1
k_rax:      resq 1
k_cs:       resq 1
k_ss:       resq 1

END_KERNEL
