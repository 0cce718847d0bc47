; recall — ec_ctrl recall (digest §2.2 #9; src/syscall.cpp sys_ec_ctrl sets
; HZD_RECALL on the EC; src/ec.cpp handle_hazard: when the EC next returns to
; user mode it sends the recall exception, event 31, to event base + 31 of its
; PD with the portal's MTD; from a syscall return path it first moves the
; sysret state into the iret frame: rip = rcx, rsp = r11 — the instruction
; after the syscall).
;
; W, a global EC in a child PD, spins incrementing rax (and a counter in
; memory). The root lets it run, recalls it, and the recall portal (a root
; handler on the service EC, MTD RIP_LEN|RSP|GPR_ACDB|GPR_R8_R15) records RIP
; and rax and resumes W at its r15. Then W blocks on an SM; a recall of the
; blocked EC is delivered only when it unblocks, at the instruction after its
; sm_ctrl down.

%include "lib.inc"

T_C         equ 0x100
T_RPT       equ 0x101
T_W         equ 0x102
T_WSC       equ 0x103
T_WPARK     equ 0x104
C_WPARK     equ 0x40
R_MTD       equ MTD_RIP_LEN | MTD_RSP | MTD_GPR_ACDB | MTD_GPR_R8_R15

section .text
test_main:
    TEST_NAME "recall"
    mov rdi, T_C
    xor esi, esi
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "child PD"
    mov edi, T_RPT
    mov esi, SEL_SRV_EC
    mov edx, R_MTD
    lea rcx, [srv_recall]
    mov r8d, EV_RECALL
    call lib_new_pt
    SETUP "create_pt + pt_ctrl (recall portal)"
    mov edi, T_C
    mov esi, T_RPT
    mov edx, EV_RECALL
    mov ecx, PERM_PT_CALL
    call lib_give_obj
    SETUP "recall portal to the child's selector 31"
    HC_CREATE_SM T_WPARK, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm"
    mov edi, T_C
    mov esi, T_WPARK
    mov edx, C_WPARK
    mov ecx, PERM_SM_DOWN
    call lib_give_obj
    SETUP "W's park SM"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_W
    mov rsi, T_C
    mov rdx, CHILD_UTCB
    lea rcx, [w_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec W"
    mov edi, T_WSC
    mov esi, T_W
    mov rdx, QPD(1, 1000)
    call lib_new_sc
    SETUP "create_sc W"

    ; ---- recall of a running EC
    SLEEP 3000000
    mov rbx, [w_counter]
    EXPECT_NE rbx, 0, "W is running (its counter moves)"
    HC_EC_CTRL T_W
    EXPECT_STATUS rdi, SUCCESS, "ec_ctrl recall -> SUCCESS"
    EXPECT qword [r_count], 0, "nothing delivered while W does not run"
    WAIT_DONE "W was recalled and resumed where the handler said"
    EXPECT qword [r_count], 1, "one recall exception at event base + 31"
    lea rax, [w_spin]
    EXPECT_GE qword [r_rip1], rax, "recall RIP is inside W's loop (>= start)"
    lea rax, [w_spin_end]
    EXPECT_LT qword [r_rip1], rax, "recall RIP is inside W's loop (< end)"
    EXPECT_GE qword [r_rax1], rbx, "recall rax >= the counter seen before the recall"
    EXPECT qword [w_rax1], qword [r_rax1], "W's rax after the recall = the UTCB's (state kept)"

    ; ---- recall of a blocked EC: delivered when it resumes
    SLEEP 200000
    EXPECT qword [w_blocked], 1, "W is blocked on its SM"
    HC_EC_CTRL T_W
    EXPECT_STATUS rdi, SUCCESS, "ec_ctrl recall of the blocked EC -> SUCCESS"
    SLEEP 200000
    EXPECT qword [r_count], 1, "no recall exception while W stays blocked"
    HC_SM_UP T_WPARK
    EXPECT_STATUS rdi, SUCCESS, "up W's SM"
    WAIT_DONE "W resumed"
    EXPECT qword [r_count], 2, "the recall was delivered when W unblocked"
    lea rax, [w_after_down]
    EXPECT qword [r_rip2], rax, "recall RIP = the instruction after W's sm_ctrl down"
    EXPECT qword [w_r2], 1, "W continued where the handler said"
    EXPECT qword [w_norecall], 0, "W did not pass the recall point unnoticed"
    DONE

; The recall portal (service EC): record RIP/rax, resume at r15.
srv_recall:
    mov r12, SRV_UTCB
    inc qword [r_count]
    mov rax, [r12+U_RIP]
    mov rcx, [r12+U_RAX]
    cmp qword [r_count], 1
    jne .second
    mov [r_rip1], rax
    mov [r_rax1], rcx
    jmp .resume
.second:
    mov [r_rip2], rax
.resume:
    mov rax, [r12+U_R15]
    mov [r12+U_RIP], rax
    mov qword [r12+U_MTD], MTD_RIP_LEN
    SRV_REPLY

section .ctext
w_main:
    lea r15, [w_recalled1]
    xor eax, eax
w_spin:
    inc rax
    mov [w_counter], rax
    jmp w_spin
w_spin_end:
w_recalled1:
    mov [w_rax1], rax
    HC_SM_UP SEL_DONE
    lea r15, [w_recalled2]
    mov qword [w_blocked], 1
    HC_SM_DOWN C_WPARK
w_after_down:
    mov qword [w_norecall], 1
    HC_SM_UP SEL_DONE
    PARK
w_recalled2:
    mov qword [w_r2], 1
    HC_SM_UP SEL_DONE
    PARK

section .cdata
align 8
w_counter:  dq 0
w_rax1:     dq -1
w_blocked:  dq 0
w_r2:       dq 0
w_norecall: dq 0

section .data
align 8
r_count:    dq 0
r_rip1:     dq 0
r_rax1:     dq 0
r_rip2:     dq 0

END_TEST
