; hybrid_nsct — a hybrid application (digest §1.6): an EC of a foreign PD sets
; the Native System Call Toggle (UTCB offset 0, bit 0) around native Hedron
; hypercalls and clears it for Linux calls. src/syscall.cpp
; Ec::syscall_handler: foreign PD && !utcb->nsct() -> forwarded; otherwise the
; hypercall is decoded from rdi as usual (and returns sysret-style: r11 =
; 0x200). The kernel never changes the flag.
;
; HE (foreign PD, base 50, UTCB at CHILD_UTCB in its PD) does, in order:
;   1 NSCT set:   sm_ctrl up on an SM of the root (its selector 0x44)
;   2 NSCT set:   pt_ctrl on its own foreign-syscall portal (selector 50),
;                 portal ID := 0xBEEF
;   3 NSCT set:   hypercall 0xFF -> BAD_HYP (decoded natively, not forwarded)
;   4 NSCT clear: Linux getpid (rax 39) -> forwarded; the handler sees the
;                 portal ID set in step 2 and answers 1234
;   5 NSCT clear: a Hedron-encoded sm_ctrl up of 0x44 in rdi, rax = 777 ->
;                 forwarded (not executed): the SM is not upped
;   6 NSCT set:   sm_ctrl up on SEL_DONE (the root waits for it; that it wakes
;                 is the check), then parks with a native sm_ctrl down.

%include "lib.inc"

T_FH        equ 0x100
T_FPT       equ 0x101
T_H         equ 0x102
T_HE        equ 0x103
T_HESC      equ 0x104
T_SMT       equ 0x105
BASE        equ 50
C_SMT       equ 0x44
HUTCB       equ CHILD_UTCB

section .text
test_main:
    TEST_NAME "hybrid_nsct"
    call lib_rstack_alloc
    mov [fh_stack_top], rax
    mov rbx, rax
    call lib_utcb_alloc
    mov [fh_utcb], rax
    mov r12, rax
    HC_CREATE_EC T_FH, SEL_ROOT_PD, r12, rbx, 0
    STATUS_TO_RAX
    SETUP "create_ec (handler)"
    lea rbx, [fs_handler]
    HC_CREATE_PT T_FPT, SEL_ROOT_PD, T_FH, MTD_DEFAULT, rbx
    STATUS_TO_RAX
    SETUP "create_pt"
    HC_PT_CTRL T_FPT, 0xF00D
    STATUS_TO_RAX
    SETUP "pt_ctrl"
    HC_CREATE_SM T_SMT, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm"
    mov rdi, T_H
    mov rsi, FOREIGN(BASE)
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "foreign PD"
    mov edi, T_H
    mov esi, T_FPT
    mov edx, BASE
    mov ecx, PERM_PT_ALL
    call lib_give_obj
    SETUP "portal (ct|call) to the foreign PD's 50"
    mov edi, T_H
    mov esi, T_SMT
    mov edx, C_SMT
    mov ecx, PERM_SM_UP
    call lib_give_obj
    SETUP "SM (up) to the foreign PD's 0x44"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_HE
    mov rsi, T_H
    mov rdx, HUTCB
    lea rcx, [he_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec (hybrid EC)"
    HC_CREATE_SC T_HESC, SEL_ROOT_PD, T_HE, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc"
    WAIT_DONE "NSCT set again: the hybrid EC's native sm_ctrl up of SEL_DONE woke the root"

    EXPECT qword [he_nsct0], 0, "a new EC's UTCB flags word is 0 (NSCT clear)"
    EXPECT_STATUS qword [he_st1], SUCCESS, "NSCT set: native sm_ctrl up from the foreign PD -> SUCCESS"
    EXPECT qword [he_r11_1], 0x200, "... returned sysret-style (r11 = 0x200)"
    EXPECT qword [he_flags1], 1, "the kernel left the NSCT bit set"
    EXPECT_STATUS qword [he_st2], SUCCESS, "NSCT set: native pt_ctrl on its portal -> SUCCESS"
    EXPECT_STATUS qword [he_st3], BAD_HYP, "NSCT set: hypercall 0xFF -> BAD_HYP (decoded, not forwarded)"
    EXPECT qword [fh_count], 2, "the handler saw exactly the two calls made with NSCT clear"
    EXPECT qword [fh_id1], 0xBEEF, "call 4 arrived with the portal ID set natively in step 2"
    EXPECT qword [fh_rax1], 39, "call 4: UTCB rax = 39"
    EXPECT qword [he_r4], 1234, "NSCT clear: the Linux call was forwarded and answered"
    mov rax, [he_rsp4]
    EXPECT qword [he_r11_4], rax, "... and returned with r11 = the user RSP (forwarded path)"
    EXPECT qword [fh_rax2], 777, "call 5: forwarded with rax = 777"
    EXPECT qword [fh_rdi2], ARG1(HC_SM_CTRL, SM_OP_UP, C_SMT), "call 5: the Hedron encoding arrived in the UTCB's rdi"
    EXPECT qword [he_r5], 5, "call 5: the handler's answer"
    RDTSC64 rbx
    add rbx, 1000000
    HC_SM_DOWN T_SMT, 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "the SM holds the up of step 1"
    RDTSC64 rbx
    add rbx, 1000000
    HC_SM_DOWN T_SMT, 0, rbx
    EXPECT_STATUS rdi, COM_TIM, "... and nothing more: step 5 was not executed natively"
    DONE

; ---- the foreign-syscall handler (root PD, local EC)
fs_handler:
    mov r12, [fh_utcb]
    inc qword [fh_count]
    mov rax, [r12+U_RAX]
    cmp qword [fh_count], 1
    jne .second
    mov [fh_id1], rdi
    mov [fh_rax1], rax
    mov eax, 1234
    jmp .reply
.second:
    mov [fh_rax2], rax
    mov rax, [r12+U_RDI]
    mov [fh_rdi2], rax
    mov eax, 5
.reply:
    mov [r12+U_RAX], rax
    mov rax, [r12+U_RCX]
    mov [r12+U_RIP], rax
    mov rax, [r12+U_R11]
    mov [r12+U_RSP], rax
    mov qword [r12+U_MTD], MTD_RIP_LEN | MTD_RSP | MTD_GPR_ACDB
    mov dword [r12+U_ITEMS], 0
    mov rsp, [fh_stack_top]
    HC_REPLY

; ---- the hybrid EC (foreign PD)
section .ctext
%macro NSCT_ON 0
    mov dword [r15+U_FLAGS], UTCB_NSCT
%endmacro
%macro NSCT_OFF 0
    mov dword [r15+U_FLAGS], 0
%endmacro
he_main:
    mov r15, HUTCB
    mov eax, [r15+U_FLAGS]
    mov [he_nsct0], rax
    NSCT_ON
    HC_SM_UP C_SMT
    mov [he_st1], rdi
    mov [he_r11_1], r11
    mov eax, [r15+U_FLAGS]
    mov [he_flags1], rax
    HC_PT_CTRL BASE, 0xBEEF
    mov [he_st2], rdi
    HCALL 0xFF
    mov [he_st3], rdi
    NSCT_OFF
    mov [he_rsp4], rsp
    mov eax, 39
    syscall
    mov [he_r4], rax
    mov [he_r11_4], r11
    mov rdi, ARG1(HC_SM_CTRL, SM_OP_UP, C_SMT)
    mov eax, 777
    syscall
    mov [he_r5], rax
    NSCT_ON
    HC_SM_UP SEL_DONE                 ; the root may run from here on: store nothing after it
    PARK

section .cdata
align 8
he_nsct0:   dq -1
he_st1:     dq -1
he_r11_1:   dq -1
he_flags1:  dq -1
he_st2:     dq -1
he_st3:     dq -1
he_rsp4:    dq -1
he_r4:      dq -1
he_r11_4:   dq -1
he_r5:      dq -1

section .data
align 8
fh_utcb:        dq 0
fh_stack_top:   dq 0
fh_count:       dq 0
fh_id1:         dq 0
fh_rax1:        dq 0
fh_rax2:        dq 0
fh_rdi2:        dq 0

END_TEST
