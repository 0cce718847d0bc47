; semaphores — sm_ctrl up and down (digest §2.2 #12; src/syscall.cpp
; sys_sm_ctrl, include/sm.hpp Sm::dn/up/timeout):
; - down on a counter > 0 decrements it and returns at once;
; - zero-counter down (ARG1[9]) on a counter > 0 sets it to 0;
; - down on 0 blocks; with a deadline (absolute TSC, ARG2[31:0] high half,
;   ARG3[31:0] low half; 0 = none) it returns COM_TIM once the TSC has passed
;   the deadline; a deadline already in the past times out at once;
; - up with a waiter releases it (SUCCESS) and leaves the counter alone; up
;   without a waiter increments the counter.
; Blocking is checked with helper ECs in the root PD (priority 1 like the root:
; a new SC of equal priority is queued behind the root and runs only when the
; root blocks). emu's TSC counts retired instructions.

%include "lib.inc"

T_S1        equ 0x100           ; count 2
T_S5        equ 0x101           ; count 5
T_S0        equ 0x102           ; count 0
T_H0        equ 0x110
T_H1        equ 0x112
T_H2        equ 0x114
T_H3        equ 0x116
T_SHORT       equ 100000          ; TSC ticks
T_LONG        equ 1000000000

; HELPER ec_sel, block: a root thread (EC ec_sel, SC ec_sel+1, priority 1) running `helper`
%macro HELPER 2
    mov edi, %1
    mov esi, %1 + 1
    lea rdx, [helper]
    lea rcx, [%2]
    mov r8, QPD(1, 1000)
    call lib_root_thread
    SETUP "helper thread"
%endmacro

section .text
test_main:
    TEST_NAME "semaphores"
    HC_CREATE_SM T_S1, SEL_ROOT_PD, 2
    STATUS_TO_RAX
    SETUP "create_sm (2)"
    HC_CREATE_SM T_S5, SEL_ROOT_PD, 5
    STATUS_TO_RAX
    SETUP "create_sm (5)"
    HC_CREATE_SM T_S0, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm (0)"

    ; ---- counting
    HC_SM_DOWN T_S1
    EXPECT_STATUS rdi, SUCCESS, "down on count 2 -> SUCCESS at once"
    HC_SM_DOWN T_S1
    EXPECT_STATUS rdi, SUCCESS, "down on count 1 -> SUCCESS at once"
    HELPER T_H0, h0
    RDTSC64 rbx
    add rbx, T_SHORT
    HC_SM_DOWN T_S1, 0, rbx
    mov r12, rdi
    RDTSC64 r13
    EXPECT_STATUS r12, COM_TIM, "timed down on count 0 -> COM_TIM (TIMEOUT)"
    EXPECT_GE r13, rbx, "the timed down returned only after its TSC deadline"
    EXPECT qword [h0], 1, "while the down waited another EC ran (the caller was blocked)"
    HC_SM_UP T_S1
    EXPECT_STATUS rdi, SUCCESS, "up without a waiter -> SUCCESS"
    RDTSC64 rbx
    add rbx, T_SHORT
    HC_SM_DOWN T_S1, 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "timed down after that up -> SUCCESS (the counter was 1)"

    ; ---- zero-counter down
    HC_SM_DOWN T_S5, SM_ZERO
    EXPECT_STATUS rdi, SUCCESS, "zero-counter down on count 5 -> SUCCESS"
    RDTSC64 rbx
    add rbx, T_SHORT
    HC_SM_DOWN T_S5, 0, rbx
    EXPECT_STATUS rdi, COM_TIM, "the next timed down times out: the counter went 5 -> 0"

    ; ---- a deadline in the past
    HC_SM_DOWN T_S0, 0, 1
    EXPECT_STATUS rdi, COM_TIM, "timed down with a deadline in the past -> COM_TIM"

    ; ---- several ups count
    HC_SM_UP T_S0
    mov rbx, rdi
    HC_SM_UP T_S0
    or rbx, rdi
    HC_SM_UP T_S0
    or rbx, rdi
    EXPECT_STATUS rbx, SUCCESS, "three ups -> SUCCESS"
    HC_SM_DOWN T_S0
    mov rbx, rdi
    HC_SM_DOWN T_S0
    or rbx, rdi
    HC_SM_DOWN T_S0
    or rbx, rdi
    EXPECT_STATUS rbx, SUCCESS, "three downs after three ups -> SUCCESS"
    RDTSC64 rbx
    add rbx, T_SHORT
    HC_SM_DOWN T_S0, 0, rbx
    EXPECT_STATUS rdi, COM_TIM, "the fourth (timed) down -> COM_TIM"

    ; ---- a down without a deadline blocks until another EC ups the SM
    HELPER T_H1, h1
    EXPECT qword [h1], 0, "the helper has not run yet (equal priority, queued)"
    HC_SM_DOWN T_S0
    mov r12, rdi
    RDTSC64 r13
    EXPECT_STATUS r12, SUCCESS, "down (no deadline) on 0 -> SUCCESS once another EC upped it"
    EXPECT qword [h1], 1, "... the helper ran while the caller was blocked"
    EXPECT_LT qword [h1+16], r13, "... and upped before the caller resumed"

    ; ---- a timed down that is satisfied before its deadline
    HELPER T_H2, h2
    RDTSC64 rbx
    mov rax, T_LONG
    add rbx, rax
    HC_SM_DOWN T_S0, 0, rbx
    mov r12, rdi
    RDTSC64 r13
    EXPECT_STATUS r12, SUCCESS, "timed down woken by an up before the deadline -> SUCCESS"
    EXPECT_LT r13, rbx, "... returned before its deadline"
    EXPECT qword [h2], 1, "... the helper's up woke it"

    ; ---- a blocking zero-counter down; an up with a waiter does not count
    HELPER T_H3, h3
    HC_SM_DOWN T_S0, SM_ZERO
    EXPECT_STATUS rdi, SUCCESS, "zero-counter down on 0 blocks until an up -> SUCCESS"
    EXPECT qword [h3], 1, "... the helper upped it"
    RDTSC64 rbx
    add rbx, T_SHORT
    HC_SM_DOWN T_S0, 0, rbx
    EXPECT_STATUS rdi, COM_TIM, "an up that released a waiter left the counter at 0"
    DONE

; helper: RDI = block {ran, SM to up (0 = none), TSC just before the up}
helper:
    mov rbx, rdi
    mov qword [rbx], 1
    RDTSC64 rax
    mov [rbx+16], rax
    mov r12, [rbx+8]
    test r12, r12
    jz .park
    HC_SM_UP r12
.park:
    PARK

section .data
align 8
h0:     dq 0, 0, 0
h1:     dq 0, T_S0, 0
h2:     dq 0, T_S0, 0
h3:     dq 0, T_S0, 0

END_TEST
