; scheduling — priority round robin with quanta (digest §2.2 create_sc and
; sc_ctrl; src/sc.cpp: the ready list of the highest priority runs; an SC whose
; budget (freq_tsc/1000 * quantum TSC ticks) runs out goes to the tail of its
; priority's list; a newly enqueued SC of higher priority than the running one
; preempts it; a new SC of equal priority is queued behind it).
;
; Worker ECs (root PD) spin and record their progress in memory. To make them
; ready at the same moment, a controller EC of priority 10 creates their SCs
; (neither preempts the controller) and then blocks for good.
;   part 1: LO (priority 2) and HI (priority 3), SCs created in that order:
;           HI runs to completion first although it spans several quanta,
;           LO starts only after HI finished.
;   part 2: A and B (priority 5, equal quanta): their loops interleave; each
;           sees the other's counter move while it still runs.
; The root itself has priority 1 (Sc::default_prio): it runs only when every
; worker is blocked. Loop lengths are computed from the HIP's freq_tsc so that
; each worker needs about 8 (part 1) or 16 (part 2) quanta; emu's TSC counts
; retired instructions.

%include "lib.inc"

T_E1        equ 0x100           ; + SC 0x101
T_K1        equ 0x102           ; + SC 0x103
T_K2        equ 0x104           ; + SC 0x105
T_LO        equ 0x110
T_LOSC      equ 0x111
T_HI        equ 0x112
T_HISC      equ 0x113
T_A         equ 0x114
T_ASC       equ 0x115
T_B         equ 0x116
T_BSC       equ 0x117
Q_US        equ 50              ; worker quantum in µs

; worker block
WB_ID       equ 0
WB_ITER     equ 8
WB_COUNT    equ 16
WB_START    equ 24              ; rank at start (part 1)
WB_END      equ 32              ; rank at the end (part 1)
WB_OTHER    equ 40              ; address of the other worker's block
WB_OTHER_AT_END equ 48          ; the other's WB_COUNT when this one finished
WB_SWITCH   equ 56              ; part 2: times this worker saw the other run since its last step
WB_SIZE     equ 64

; NEW_WORKER ec_sel, rip, block: a global EC in the root PD (no SC yet)
%macro NEW_WORKER 3
    call lib_rstack_alloc
    mov r9, rax
    call lib_utcb_alloc
    mov rdx, rax
    mov edi, %1
    mov esi, SEL_ROOT_PD
    lea rcx, [%2]
    lea r8, [%3]
    xor r10d, r10d
    call lib_new_ec
    SETUP "worker EC"
%endmacro

section .text
test_main:
    TEST_NAME "scheduling"
    ; ticks per quantum = freq_tsc (kHz) / 1000 * Q_US
    mov rbx, [lib_hip]
    mov eax, [rbx+HIP_FREQ_TSC]
    xor edx, edx
    mov ecx, 1000
    div rcx
    imul rax, rax, Q_US
    mov [q_ticks], rax
    NOTE "TSC ticks per worker quantum", rax
    cmp rax, 1000
    setb al
    SETUP "HIP freq_tsc below 20 MHz: no usable quantum"

    ; ---- part 0: a new SC of the same priority does not preempt the creator
    mov edi, T_E1
    mov esi, T_E1 + 1
    lea rdx, [set_flag]
    lea rcx, [e1_ran]
    mov r8, QPD(1, 1000)
    call lib_root_thread
    EXPECT_STATUS rax, SUCCESS, "create EC + SC of priority 1 (the root's)"
    EXPECT qword [e1_ran], 0, "it did not preempt the root"
    SLEEP 200000
    EXPECT qword [e1_ran], 1, "it ran while the root slept"

    ; ---- part 1: priorities
    mov rax, [q_ticks]
    shl rax, 3                      ; 8 quanta ...
    xor edx, edx
    mov ecx, 3                      ; ... of a 3-instruction loop
    div rcx
    mov [lo+WB_ITER], rax
    mov [hi+WB_ITER], rax
    lea rax, [hi]
    mov [lo+WB_OTHER], rax
    lea rax, [lo]
    mov [hi+WB_OTHER], rax
    NEW_WORKER T_LO, prio_worker, lo
    NEW_WORKER T_HI, prio_worker, hi
    mov edi, T_K1
    mov esi, T_K1 + 1
    lea rdx, [controller]
    lea rcx, [plan1]
    mov r8, QPD(10, 1000)
    call lib_root_thread
    EXPECT_STATUS rax, SUCCESS, "create the controller (priority 10)"
    EXPECT qword [plan1+8], 1, "the controller preempted the root (priority 10 > 1)"
    EXPECT_STATUS qword [plan1+16+24], SUCCESS, "controller: create_sc LO (priority 2)"
    EXPECT_STATUS qword [plan1+16+32+24], SUCCESS, "controller: create_sc HI (priority 3)"
    WAIT_DONE "first worker finished"
    WAIT_DONE "second worker finished"
    EXPECT qword [hi+WB_START], 0, "HI started first (although its SC was created second)"
    EXPECT qword [hi+WB_END], 1, "HI finished before anything else happened"
    EXPECT qword [hi+WB_OTHER_AT_END], 0, "LO had not run at all when HI finished (8 quanta later)"
    EXPECT qword [lo+WB_START], 2, "LO started after HI finished"
    EXPECT qword [lo+WB_END], 3, "LO finished last"
    mov rax, [hi+WB_ITER]
    EXPECT qword [lo+WB_OTHER_AT_END], rax, "HI had completed its loop"

    ; ---- part 2: round robin between equal priorities
    mov rax, [q_ticks]
    shl rax, 4                      ; 16 quanta ...
    xor edx, edx
    mov ecx, 7                      ; ... of a 7-instruction loop
    div rcx
    mov [wa+WB_ITER], rax
    mov [wb+WB_ITER], rax
    mov qword [wa+WB_ID], 1
    mov qword [wb+WB_ID], 2
    lea rax, [wb]
    mov [wa+WB_OTHER], rax
    lea rax, [wa]
    mov [wb+WB_OTHER], rax
    NEW_WORKER T_A, rr_worker, wa
    NEW_WORKER T_B, rr_worker, wb
    mov edi, T_K2
    mov esi, T_K2 + 1
    lea rdx, [controller]
    lea rcx, [plan2]
    mov r8, QPD(10, 1000)
    call lib_root_thread
    EXPECT_STATUS rax, SUCCESS, "create the second controller (priority 10)"
    EXPECT_STATUS qword [plan2+16+24], SUCCESS, "controller: create_sc A (priority 5)"
    EXPECT_STATUS qword [plan2+16+32+24], SUCCESS, "controller: create_sc B (priority 5)"
    WAIT_DONE "first equal-priority worker finished"
    WAIT_DONE "second equal-priority worker finished"
    mov rax, [wa+WB_ITER]
    EXPECT qword [wa+WB_COUNT], rax, "A completed its loop"
    EXPECT qword [wb+WB_COUNT], rax, "B completed its loop"
    EXPECT_GE qword [wa+WB_SWITCH], 3, "A was preempted and resumed after B ran, several times"
    EXPECT_GE qword [wb+WB_SWITCH], 3, "B was preempted and resumed after A ran, several times"
    mov rax, [wa+WB_OTHER_AT_END]
    mov rcx, [wb+WB_OTHER_AT_END]
    cmp rax, rcx
    jb .min
    mov rax, rcx
.min:
    EXPECT_LT rax, qword [wa+WB_ITER], "the first to finish saw the other one halfway"
    EXPECT_NE rax, 0, "... and not before it had started"

    ; ---- sc_ctrl: consumed time in µs (OUT2 = [63:32], OUT3 = [31:0])
    HC_SC_CTRL T_ASC
    mov rbx, rsi
    shl rbx, 32
    mov edx, edx
    or rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "sc_ctrl on A's SC -> SUCCESS"
    NOTE "A's SC consumed (us)", rbx
    EXPECT_GE rbx, Q_US * 6, "A's SC consumed at least 6 quanta of time (its loop needs ~11)"
    EXPECT_LT rbx, Q_US * 64, "... and not wildly more than its 16"
    HC_SC_CTRL T_HISC
    mov rbx, rsi
    shl rbx, 32
    mov edx, edx
    or rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "sc_ctrl on HI's SC -> SUCCESS"
    EXPECT_GE rbx, Q_US * 4, "HI's SC consumed at least 4 quanta of time"
    DONE

; set_flag: RDI = flag address
set_flag:
    mov qword [rdi], 1
    PARK

; controller: RDI = plan {count, ran, then count x {sc, ec, qpd, status}}
controller:
    mov rbx, rdi
    mov qword [rbx+8], 1
    mov r12, [rbx]
    lea r13, [rbx+16]
.next:
    test r12, r12
    jz .park
    HC_CREATE_SC [r13], SEL_ROOT_PD, [r13+8], [r13+16]
    mov [r13+24], rdi
    add r13, 32
    dec r12
    jmp .next
.park:
    PARK

; prio_worker: RDI = worker block
prio_worker:
    mov rbx, rdi
    mov eax, 1
    lock xadd [rank], rax
    mov [rbx+WB_START], rax
    mov rcx, [rbx+WB_ITER]
.loop:
    inc qword [rbx+WB_COUNT]
    dec rcx
    jnz .loop
    mov rax, [rbx+WB_OTHER]
    mov rax, [rax+WB_COUNT]
    mov [rbx+WB_OTHER_AT_END], rax
    mov eax, 1
    lock xadd [rank], rax
    mov [rbx+WB_END], rax
    HC_SM_UP SEL_DONE
    PARK

; rr_worker: RDI = worker block; counts the steps at which the last step was
; taken by the other worker.
rr_worker:
    mov rbx, rdi
    mov rdx, [rbx+WB_ID]
    mov rcx, [rbx+WB_ITER]
.loop:
    inc qword [rbx+WB_COUNT]
    cmp [last_step], rdx
    je .same
    mov [last_step], rdx
    inc qword [rbx+WB_SWITCH]
.same:
    dec rcx
    jnz .loop
    mov rax, [rbx+WB_OTHER]
    mov rax, [rax+WB_COUNT]
    mov [rbx+WB_OTHER_AT_END], rax
    HC_SM_UP SEL_DONE
    PARK

section .data
align 8
q_ticks:    dq 0
rank:       dq 0
last_step:  dq 0
e1_ran:     dq 0
lo:         times WB_SIZE db 0
hi:         times WB_SIZE db 0
wa:         times WB_SIZE db 0
wb:         times WB_SIZE db 0
plan1:      dq 2, 0
            dq T_LOSC, T_LO, QPD(2, Q_US), -1
            dq T_HISC, T_HI, QPD(3, Q_US), -1
plan2:      dq 2, 0
            dq T_ASC, T_A, QPD(5, Q_US), -1
            dq T_BSC, T_B, QPD(5, Q_US), -1

END_TEST
