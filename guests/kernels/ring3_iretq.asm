; ring3_iretq — privilege transitions through IRETQ and interrupt gates.
;   IRETQ to CPL 3 (SDM Vol. 2A IRET, IA-32e mode): pops RIP, CS, RFLAGS, RSP,
;     SS; DS/ES holding a DPL 0 data segment become null on the way out.
;   IRETQ at CPL 0 to CPL 0 also pops RSP and SS (64-bit mode, Vol. 3 §6.14.3).
;   Interrupt from CPL 3 (Vol. 3 §6.14.4, §6.12.1): stack switch to TSS.RSP0,
;     SS := null selector (RPL = new CPL), frame = SS RSP RFLAGS CS RIP [err],
;     RSP aligned down to 16 first (§6.14.2).
;   IST (Vol. 3 §6.14.5): a gate with IST=n always switches to TSS.ISTn, even
;     without a privilege change.
;   INT n / INT3 from CPL 3 through a gate with DPL < 3 -> #GP(n*8+2) (Vol. 3 §6.12.1.1);
;   HLT, MOV from CR0, RDMSR at CPL 3 -> #GP(0).

%include "lib.inc"

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "ring3_iretq"
    call paging_init
    xor edi, edi
    call tss_init

    mov edi, 0x80
    lea rsi, [int80_handler]
    mov edx, GATE_INT_U
    xor ecx, ecx
    call idt_set_gate
    mov edi, 0x81
    lea rsi, [int81_never]
    mov edx, GATE_INT               ; DPL 0
    xor ecx, ecx
    call idt_set_gate

    ; ---- IRETQ CPL0 -> CPL0 pops SS:RSP
    mov r12, rsp
    lea rbx, [alt_stack_top]
    sub rbx, 24
    push qword KDATA
    push rbx
    push qword 0x8D7                ; OF SF ZF AF PF CF + bit 1
    push qword KCODE
    lea rax, [.same]
    push rax
    iretq
.same:
    mov r13, rsp
    pushfq
    pop r14
    mov rsp, r12
    EXPECT r13, rbx, "IRETQ to CPL0 loads RSP from the frame"
    EXPECT r14, 0x8D7, "IRETQ to CPL0 loads RFLAGS from the frame"

    ; ---- ring 3 round trip through int 0x80 (DPL 3 interrupt gate)
    lea rdi, [u_main]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, USER_EXIT_VEC, "user code ran and exited with int 0xFE"
    EXPECT qword [i80_count], 1, "int 0x80 handler ran once"
    lea rax, [lib_rsp0_top]
    sub rax, 40
    EXPECT qword [i80_frame], rax, "int 0x80 from CPL3: frame at TSS.RSP0 - 40"
    lea rax, [u_after80]
    EXPECT qword [i80_rip], rax, "frame RIP = instruction after int 0x80"
    EXPECT qword [i80_cs], UCODE, "frame CS = 0x2B (RPL 3)"
    EXPECT qword [i80_ss], UDATA, "frame SS = 0x23"
    mov rax, [u_rsp_before]
    EXPECT qword [i80_rsp], rax, "frame RSP = user RSP"
    EXPECT qword [i80_rflags], 0x2, "frame RFLAGS = user RFLAGS (0x2)"
    EXPECT qword [i80_ss_sel], 0, "handler runs with SS = null selector"
    EXPECT qword [i80_cs_sel], KCODE, "handler runs with CS = 0x08"
    EXPECT qword [i80_rax], 0x1111, "handler sees user RAX"
    EXPECT qword [u_rax_after], 0x2222, "user sees handler's RAX after IRETQ"
    EXPECT qword [u_cs], UCODE, "user CS after IRETQ = 0x2B"
    EXPECT qword [u_ss], UDATA, "user SS after IRETQ = 0x23"
    EXPECT qword [u_ds], 0, "DS (DPL 0) nulled by IRETQ to CPL3"
    EXPECT qword [u_es], 0, "ES (DPL 0) nulled by IRETQ to CPL3"

    ; ---- RSP0 not 16-byte aligned: frame aligned down
    lea rax, [lib_rsp0_top]
    sub rax, 8
    mov [lib_tss+4], rax
    lea rdi, [u_int80]
    lea rsi, [ustack_top]
    call call_user
    lea rax, [lib_rsp0_top]
    mov [lib_tss+4], rax
    sub rax, 16+40
    EXPECT qword [i80_frame], rax, "RSP0 = top-8: frame at (RSP0 & ~15) - 40"

    ; ---- #GP(0) from privileged instructions at CPL 3
    lea rdi, [u_hlt]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "hlt at CPL3 raises #GP"
    EXPECT qword [exc_error], 0, "... with error code 0"
    lea rax, [u_hlt]
    EXPECT qword [exc_rip], rax, "... saved RIP = the HLT"
    EXPECT qword [exc_cs], UCODE, "... saved CS = 0x2B"
    lea rax, [lib_rsp0_top]
    sub rax, 40
    EXPECT qword [exc_frame], rax, "... RIP slot at RSP0 - 40 (error code below it)"

    lea rdi, [u_movcr0]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "mov rax, cr0 at CPL3 raises #GP"
    EXPECT qword [exc_error], 0, "... with error code 0"

    lea rdi, [u_rdmsr]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "rdmsr at CPL3 raises #GP"
    EXPECT qword [exc_error], 0, "... with error code 0"

    ; ---- int 0x81 through a DPL 0 gate
    lea rdi, [u_int81]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "int 0x81 (gate DPL 0) from CPL3 raises #GP"
    EXPECT qword [exc_error], QV((0x81 << 3) | 2, (0x81 << 4) | 2), "... error code (0x81<<3)|2 = 0x40A"
    lea rax, [u_int81]
    EXPECT qword [exc_rip], rax, "... saved RIP = the INT"

    ; int3 from CPL3 with the (DPL 0) #BP gate
    lea rdi, [u_int3]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 13, "int3 through a DPL 0 gate from CPL3 raises #GP"
    EXPECT qword [exc_error], QV((3 << 3) | 2, (3 << 4) | 2), "... error code (3<<3)|2 = 0x1A"

    ; ---- IST: #BP gate with DPL 3 and IST1
    mov edi, 3
    mov edx, GATE_INT_U
    call idt_set_attr
    mov ecx, 1
    call idt_set_ist
    lea rdi, [u_int3]
    lea rsi, [ustack_top]
    call call_user
    EXPECT rax, 3, "int3 through a DPL 3 gate from CPL3 raises #BP"
    lea rax, [u_int3.after]
    EXPECT qword [exc_rip], rax, "... saved RIP = after the INT3"
    lea rax, [lib_ist1_top]
    sub rax, 40
    EXPECT qword [exc_frame], rax, "... frame on the IST1 stack, not RSP0"

    ; IST at CPL 0: the stack switches even without a privilege change
    mov r12, rsp
    ARM .ist0_done
    int3
.ist0_done:
    EXPECT_FAULT 3, NOERR, .ist0_done, "int3 at CPL0 through the IST1 gate"
    lea rax, [lib_ist1_top]
    sub rax, 40
    EXPECT qword [exc_frame], rax, "... frame on the IST1 stack"
    EXPECT qword [exc_rsp], r12, "... frame RSP = interrupted RSP"
    EXPECT qword [exc_ss], KDATA, "... frame SS = 0x10"

    DONE

; int 0x80: record the frame and return to the user with RAX = 0x2222
int80_handler:
    mov [i80_frame], rsp
    mov [i80_rax], rax
    inc qword [i80_count]
    mov ax, ss
    movzx eax, ax
    mov [i80_ss_sel], rax
    mov ax, cs
    movzx eax, ax
    mov [i80_cs_sel], rax
    mov rax, [rsp]
    mov [i80_rip], rax
    mov rax, [rsp+8]
    mov [i80_cs], rax
    mov rax, [rsp+16]
    mov [i80_rflags], rax
    mov rax, [rsp+24]
    mov [i80_rsp], rax
    mov rax, [rsp+32]
    mov [i80_ss], rax
    mov eax, 0x2222
    iretq

int81_never:
    FAILNOW "int 0x81 reached its DPL 0 handler from CPL3"

section .user
u_main:
    mov [u_rsp_before], rsp
    mov eax, 0x1111
    int 0x80
u_after80:
    mov [u_rax_after], rax
    xor eax, eax
    mov ax, cs
    mov [u_cs], rax
    mov ax, ss
    mov [u_ss], rax
    mov ax, ds
    mov [u_ds], rax
    mov ax, es
    mov [u_es], rax
    int USER_EXIT_VEC
u_int80:
    int 0x80
    int USER_EXIT_VEC
u_hlt:
    hlt
    int USER_EXIT_VEC
u_movcr0:
    mov rax, cr0
    int USER_EXIT_VEC
u_rdmsr:
    mov ecx, MSR_EFER
    rdmsr
    int USER_EXIT_VEC
u_int81:
    int 0x81
    int USER_EXIT_VEC
u_int3:
    int3
.after:
    int USER_EXIT_VEC
align 8
u_rsp_before:   dq 0
u_rax_after:    dq 0
u_cs:           dq -1
u_ss:           dq -1
u_ds:           dq -1
u_es:           dq -1
align 16
ustack: times 4096 db 0
ustack_top:

section .bss
alignb 16
alt_stack:      resb 256
alt_stack_top:
alignb 8
i80_count:      resq 1
i80_frame:      resq 1
i80_rax:        resq 1
i80_rip:        resq 1
i80_cs:         resq 1
i80_rflags:     resq 1
i80_rsp:        resq 1
i80_ss:         resq 1
i80_ss_sel:     resq 1
i80_cs_sel:     resq 1

END_KERNEL
