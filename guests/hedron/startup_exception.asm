; startup_exception — a global EC does not run until an SC is bound to it; the
; first time its SC runs it raises the startup exception (event 30) at
; event base + 30 of its own PD (digest §2.8; src/ec.cpp: a global EC starts
; with cont = send_msg<ret_user_iret>, dst_portal = EXC_STARTUP; regs.rsp =
; create_ec ARG4, regs.rfl = EFL_IF). The handler sets RIP, RSP (and here
; rdi/rsi through GPR_BSD) in the UTCB; the reply starts the EC there (iret).
;
; The child PD's ECs use event base 0x40: the portal at 0x40 + 30 is a test
; handler (MTD RSP|RIP_LEN|RFLAGS|GPR_ACDB) that records what the kernel put
; into its UTCB and starts the EC at SR_RIP of the start record its initial
; RSP points to, with rsp = initial RSP - 0x100, rdi = SR_ARG, rsi = 0x5A5A.
; An EC with event base 0x80 (no portal at 0x80 + 30) dies at its startup
; ("PT not found"): its SC never runs again.

%include "lib.inc"

T_C         equ 0x100
T_SPT       equ 0x101
T_X         equ 0x102
T_XSC       equ 0x103
T_Y         equ 0x104
T_YSC       equ 0x105
T_Z         equ 0x106
T_ZSC       equ 0x107
EVT         equ 0x40
EVT_NONE    equ 0x80
ST_MTD      equ MTD_RSP | MTD_RIP_LEN | MTD_RFLAGS | MTD_GPR_ACDB
ST_ID       equ 0x30
ARG_X       equ 0xA5A5

section .text
test_main:
    TEST_NAME "startup_exception"
    mov rdi, T_C
    xor esi, esi
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "child PD"
    mov rdi, T_C
    mov esi, EVT
    mov edx, 1 << EV_STARTUP
    call lib_child_portals
    SETUP "crash portals at event base 0x40"
    lea rbx, [srv_startup_test]
    HC_CREATE_PT T_SPT, SEL_ROOT_PD, SEL_SRV_EC, ST_MTD, rbx
    STATUS_TO_RAX
    SETUP "create_pt (startup)"
    HC_PT_CTRL T_SPT, ST_ID
    mov edi, T_C
    mov esi, T_SPT
    mov edx, EVT + EV_STARTUP
    mov ecx, PERM_PT_CALL
    call lib_give_obj
    SETUP "startup portal to the child's 0x40 + 30"

    ; ---- X: created without an SC, nothing happens
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_X
    mov rsi, T_C
    mov rdx, CHILD_UTCB
    lea rcx, [x_main]
    mov r8, ARG_X
    mov r10, EVT
    call lib_new_ec
    mov [x_init_rsp], rdx
    EXPECT_STATUS rax, SUCCESS, "create_ec (global, event base 0x40)"
    SLEEP 200000
    EXPECT qword [st_count], 0, "no startup exception before an SC is bound"
    EXPECT qword [x_ran], 0, "the EC did not run"

    ; ---- bind an SC: the startup exception
    HC_CREATE_SC T_XSC, SEL_ROOT_PD, T_X, QPD(1, 1000)
    EXPECT_STATUS rdi, SUCCESS, "create_sc (priority 1) binds an SC"
    WAIT_DONE "the EC ran after its startup exception"
    EXPECT qword [st_count], 1, "exactly one startup exception"
    EXPECT qword [st_id], ST_ID, "it arrived at the portal at event base + 30 (portal ID)"
    EXPECT qword [st_mtd], ST_MTD, "handler's UTCB mtd = the portal's MTD"
    EXPECT qword [st_rsp], qword [x_init_rsp], "UTCB rsp = create_ec's initial stack pointer (ARG4)"
    mov rax, [st_rflags]
    and rax, ~2
    EXPECT rax, 0x200, "UTCB rflags = IF (a new global EC's RFLAGS)"
    mov rax, [x_init_rsp]
    sub rax, 0x100
    EXPECT qword [x_rsp], rax, "the EC started with the RSP the handler set"
    EXPECT qword [x_rdi], ARG_X, "... with the rdi the handler set (GPR_BSD)"
    EXPECT qword [x_rsi], 0x5A5A, "... with the rsi the handler set"
    EXPECT qword [x_rflags], 0x202, "... with RFLAGS 0x202"
    EXPECT qword [x_ran], 1, "... at the RIP the handler set"

    ; ---- Y: an SC of higher priority than the root's starts the EC at once
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_Y
    mov rsi, T_C
    mov rdx, CHILD_UTCB2
    lea rcx, [y_main]
    xor r8d, r8d
    mov r10, EVT
    call lib_new_ec
    SETUP "create_ec Y"
    HC_CREATE_SC T_YSC, SEL_ROOT_PD, T_Y, QPD(2, 1000)
    EXPECT_STATUS rdi, SUCCESS, "create_sc (priority 2) for a second EC"
    EXPECT qword [st_count], 2, "its startup exception came before create_sc returned (preemption)"
    EXPECT qword [y_ran], 1, "the second EC ran"
    SLEEP 200000
    EXPECT qword [st_count], 2, "no further startup exceptions (once per EC)"

    ; ---- Z: no portal at its event base + 30: killed at startup
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_Z
    mov rsi, T_C
    mov rdx, CHILD_UTCB3
    lea rcx, [y_main]
    xor r8d, r8d
    mov r10, EVT_NONE
    call lib_new_ec
    SETUP "create_ec Z"
    HC_CREATE_SC T_ZSC, SEL_ROOT_PD, T_Z, QPD(2, 1000)
    EXPECT_STATUS rdi, SUCCESS, "create_sc (priority 2) for an EC without a startup portal"
    EXPECT_OK "the root (priority 1) runs again: the priority-2 EC died at startup"
    EXPECT qword [st_count], 2, "no startup exception reached the test portal"
    EXPECT qword [y_ran], 1, "the dead EC never ran (its start code marks y_ran = 2)"
    DONE

; The test startup portal (service EC): record, then start the EC.
srv_startup_test:
    mov r12, SRV_UTCB
    mov [st_id], rdi
    inc qword [st_count]
    mov rax, [r12+U_MTD]
    mov [st_mtd], rax
    mov rbx, [r12+U_RSP]
    mov [st_rsp], rbx
    mov rax, [r12+U_RFLAGS]
    mov [st_rflags], rax
    mov rax, [rbx+SR_RIP]
    mov [r12+U_RIP], rax
    lea rax, [rbx-0x100]
    mov [r12+U_RSP], rax
    mov rax, [rbx+SR_ARG]
    mov [r12+U_RDI], rax
    mov qword [r12+U_RSI], 0x5A5A
    mov qword [r12+U_RBP], 0
    mov qword [r12+U_MTD], MTD_RIP_LEN | MTD_RSP | MTD_GPR_BSD
    SRV_REPLY

section .ctext
x_main:
    mov [x_rsp], rsp
    mov [x_rdi], rdi
    mov [x_rsi], rsi
    pushfq
    pop qword [x_rflags]
    mov qword [x_ran], 1
    HC_SM_UP SEL_DONE
    PARK

y_main:
    inc qword [y_ran]
    PARK

section .cdata
align 8
x_ran:      dq 0
x_rsp:      dq 0
x_rdi:      dq 0
x_rsi:      dq 0
x_rflags:   dq 0
y_ran:      dq 0

section .data
align 8
x_init_rsp: dq 0
st_count:   dq 0
st_id:      dq 0
st_mtd:     dq 0
st_rsp:     dq 0
st_rflags:  dq 0

END_TEST
