; ipc_call_reply — call/reply between the root PD and a second, native PD whose
; local EC serves a portal (digest §2.2 call/reply, §2.5 typed items, §2.6 UTCB).
;
; The callee (child_handler, in the child PD, UTCB at CHILD_UTCB2) dispatches on
; untyped word 0 of each message:
;   1 echo        reply [0x101, w1 + w2, portal ID (rdi at entry), received
;                 untyped count]; sets its receive window (UTCB del) to one
;                 memory page at CWIN for the next message
;   2 memory      the caller sent a typed item delegating a RAM page: reply
;                 [value read at CWIN, result CRD, result flags, items word];
;                 writes 0x600DF00D to CWIN+8; sets del to object selector 0x50
;   3 object      the caller sent an SM capability (up only): reply [3, lookup of
;                 0x50, status of up through it, status of down through it];
;                 sets del to the null CRD
;   4 self call   a non-blocking call to its own portal (busy) -> reply [4, status]
;   5 reply+SM    first time: reply with SM 0x52 (the caller blocks on it and its
;                 call restarts when it is upped); second time: reply [5, count]
;   6 report      reply [6, result CRD, result flags] of the typed item that came
;                 with this message
; Hedron semantics relied on (src/syscall.cpp, include/utcb.hpp at 7f934bf):
; - `call` copies the caller's `items` word and ucnt untyped words into the
;   callee's UTCB (Utcb::save); typed items are read from the end of the
;   caller's UTCB and their results written to the same slots of the callee's;
; - the callee's receive window is its own UTCB `del` word, which the kernel
;   never changes: the callee sets it before replying, for the next message;
; - the result of a delegated item is Crd(type, window base, order, caller's
;   permissions & window permissions) and flags | 0; a window of another type
;   delegates nothing and yields the null CRD;
; - a non-blocking call to a PT whose EC is busy returns COM_TIM;
; - `reply` with an SM: the caller blocks on it and, when upped, re-executes its
;   call (its UTCB untouched by the first reply).

%include "lib.inc"

T_C         equ 0x100
T_LE        equ 0x101
T_PT        equ 0x102
T_SMX       equ 0x103
T_R         equ 0x104
T_HELPER    equ 0x110
T_HELPER_SC equ 0x111
PORTAL_ID   equ 0x1234
C_SEL_WIN   equ 0x50            ; the callee's object receive window
C_SEL_PT    equ 0x51            ; the callee's copy of its own portal
C_SEL_R     equ 0x52            ; the SM it replies with
CWIN        equ 0x10000000      ; the callee's memory receive window
MAGIC       equ 0xCAFEBABE12345678
SENTINEL    equ 0x5E5E5E5E5E5E5E5E

%define RU(off) [r15 + (off)]          ; r15 = ROOT_UTCB throughout test_main

section .text
test_main:
    TEST_NAME "ipc_call_reply"
    mov r15, ROOT_UTCB

    ; ---- setup
    mov rdi, T_C
    xor esi, esi
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "child PD"
    call lib_cstack_alloc
    mov [le_stack_top], rax
    mov rbx, rax
    mov r12, CHILD_UTCB2
    HC_CREATE_EC T_LE, T_C, r12, rbx, 0
    STATUS_TO_RAX
    SETUP "create_ec (local EC in the child PD)"
    lea rbx, [child_handler]
    HC_CREATE_PT T_PT, SEL_ROOT_PD, T_LE, 0, rbx
    STATUS_TO_RAX
    SETUP "create_pt"
    HC_PT_CTRL T_PT, PORTAL_ID
    STATUS_TO_RAX
    SETUP "pt_ctrl"
    HC_CREATE_SM T_SMX, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm X"
    HC_CREATE_SM T_R, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm R"
    mov edi, T_C
    mov esi, T_PT
    mov edx, C_SEL_PT
    mov ecx, PERM_PT_ALL
    call lib_give_obj
    SETUP "give the portal to the child"
    mov edi, T_C
    mov esi, T_R
    mov edx, C_SEL_R
    mov ecx, PERM_SM_ALL
    call lib_give_obj
    SETUP "give SM R to the child"
    call lib_map_frame
    mov [frame], rax
    mov rcx, MAGIC
    mov [rax], rcx

    ; ---- 1: untyped words
    mov dword RU(U_ITEMS), U_ITEMS_VAL(4, 0)
    mov qword RU(U_MR+0), 1
    mov qword RU(U_MR+8), 0x1111
    mov qword RU(U_MR+16), 0x2222
    mov qword RU(U_MR+24), 0x3333
    mov rax, SENTINEL
    mov RU(U_MR+40), rax
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call with 4 untyped words -> SUCCESS"
    EXPECT qword [h_count], 1, "the handler in the other PD ran once"
    EXPECT qword [h_first_rsp], qword [le_stack_top], "handler entered with rsp = create_ec's initial stack pointer"
    EXPECT qword [h_items], U_ITEMS_VAL(4, 0), "callee's UTCB items word = the caller's (4 untyped)"
    EXPECT qword RU(U_MR+0), 0x101, "reply word 0 (set by the handler)"
    EXPECT qword RU(U_MR+8), 0x3333, "reply word 1 = w1 + w2 computed in the other PD"
    EXPECT qword RU(U_MR+16), PORTAL_ID, "reply word 2 = the portal ID the handler got in rdi"
    EXPECT qword RU(U_MR+24), 4, "reply word 3 = the untyped count the handler received"
    mov eax, RU(U_ITEMS)
    EXPECT rax, U_ITEMS_VAL(4, 0), "caller's items word = the reply's (4 untyped)"
    mov rax, SENTINEL
    EXPECT qword RU(U_MR+40), rax, "untyped word 5 untouched (only 4 words copied)"

    ; ---- 2: a typed item delegating a RAM page (receive window set by message 1)
    mov dword RU(U_ITEMS), U_ITEMS_VAL(1, 1)
    mov qword RU(U_MR+0), 2
    mov rax, [frame]
    shr rax, 12
    shl rax, 12
    or rax, CRD_KIND_MEM | (PERM_MEM_RW << 2)
    mov RU(U_XFER_CRD), rax
    mov qword RU(U_XFER_META), DF_DELEGATE
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call with a typed item (memory page, RW) -> SUCCESS"
    mov rax, MAGIC
    EXPECT qword RU(U_MR+0), rax, "callee read the caller's page through its receive window"
    EXPECT qword RU(U_MR+8), CRD_MEM(CWIN >> 12, 0, PERM_MEM_RW), "callee's typed result: CRD at the window, order 0, RW"
    EXPECT qword RU(U_MR+16), DF_DELEGATE, "callee's typed result: flags = delegate"
    EXPECT qword RU(U_MR+24), U_ITEMS_VAL(1, 1), "callee's items word: 1 untyped, 1 typed"
    mov rax, [frame]
    EXPECT qword [rax+8], 0x600DF00D, "callee's write through the delegated page is seen by the caller"

    ; ---- 3: a typed item delegating an object capability (SM, up only)
    mov dword RU(U_ITEMS), U_ITEMS_VAL(1, 1)
    mov qword RU(U_MR+0), 3
    mov qword RU(U_XFER_CRD), CRD_OBJ(T_SMX, 0, PERM_SM_UP)
    mov qword RU(U_XFER_META), DF_DELEGATE
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call with a typed item (SM capability, up) -> SUCCESS"
    EXPECT qword RU(U_MR+8), CRD_OBJ(C_SEL_WIN, 0, PERM_SM_UP), "callee's lookup of its window selector: the SM, perm up"
    EXPECT qword RU(U_MR+16), SUCCESS, "callee's sm_ctrl up through the delegated capability -> SUCCESS"
    EXPECT qword RU(U_MR+24), BAD_CAP, "callee's sm_ctrl down through it (no down permission) -> BAD_CAP"
    RDTSC64 rbx
    add rbx, 1000000
    HC_SM_DOWN T_SMX, 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "the caller sees the callee's up on the SM"

    ; ---- 6: a typed item without a matching receive window (del = null now)
    call lib_map_frame
    mov dword RU(U_ITEMS), U_ITEMS_VAL(1, 1)
    mov qword RU(U_MR+0), 6
    shr rax, 12
    shl rax, 12
    or rax, CRD_KIND_MEM | (PERM_MEM_RW << 2)
    mov RU(U_XFER_CRD), rax
    mov qword RU(U_XFER_META), DF_DELEGATE
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call with a memory item while the callee's window is null -> SUCCESS"
    EXPECT qword RU(U_MR+8), CRD_NULL, "typed result: the null CRD (nothing delegated)"
    EXPECT qword RU(U_MR+16), DF_DELEGATE, "typed result flags: delegate"

    ; ---- 4: a non-blocking call to a busy portal (the handler calls itself)
    mov dword RU(U_ITEMS), U_ITEMS_VAL(1, 0)
    mov qword RU(U_MR+0), 4
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call (op 4) -> SUCCESS"
    EXPECT qword RU(U_MR+8), COM_TIM, "non-blocking call to a busy portal -> COM_TIM (TIMEOUT)"

    ; ---- non-blocking call to an idle portal behaves like a call
    mov rbx, [h_count]
    mov dword RU(U_ITEMS), U_ITEMS_VAL(3, 0)
    mov qword RU(U_MR+0), 1
    mov qword RU(U_MR+8), 5
    mov qword RU(U_MR+16), 6
    HC_CALL T_PT, CALL_NONBLOCK
    EXPECT_STATUS rdi, SUCCESS, "non-blocking call to an idle portal -> SUCCESS"
    EXPECT qword RU(U_MR+8), 11, "... and the handler's reply arrives"
    inc rbx
    EXPECT qword [h_count], rbx, "... the handler ran once more"

    ; ---- 5: reply with an SM: the call blocks and restarts when the SM is upped
    mov rdi, T_HELPER
    mov rsi, T_HELPER_SC
    lea rdx, [helper_up_r]
    xor ecx, ecx
    mov r8, QPD(1, 1000)
    call lib_root_thread
    SETUP "helper thread (priority 1)"
    EXPECT qword [helper_ran], 0, "a new SC of the caller's priority does not preempt it"
    mov dword RU(U_ITEMS), U_ITEMS_VAL(1, 0)
    mov qword RU(U_MR+0), 5
    HC_CALL T_PT
    EXPECT_STATUS rdi, SUCCESS, "call answered by reply-with-SM, then restarted -> SUCCESS"
    EXPECT qword [helper_ran], 1, "the call returned only after another EC upped the SM"
    EXPECT qword RU(U_MR+0), 5, "reply word 0 of the restarted call"
    EXPECT qword RU(U_MR+8), 2, "the handler ran twice for this call (restart)"
    DONE

; ---- root thread: ups SM R (the caller blocked on it by reply-with-SM)
helper_up_r:
    mov qword [helper_ran], 1
    HC_SM_UP T_R
    PARK

; ---- the portal handler, running in the child PD (rdi = portal ID)
section .ctext
%define CU(off) [r14 + (off)]          ; r14 = CHILD_UTCB2 in the handler
child_handler:
    mov r14, CHILD_UTCB2
    mov [h_portal_id], rdi
    inc qword [h_count]
    cmp qword [h_count], 1
    jne .not_first
    mov [h_first_rsp], rsp
.not_first:
    mov eax, CU(U_ITEMS)
    mov [h_items], rax
    mov rax, CU(U_MR+0)
    cmp rax, 1
    je .echo
    cmp rax, 2
    je .memory
    cmp rax, 3
    je .object
    cmp rax, 4
    je .self_call
    cmp rax, 5
    je .reply_sm
    cmp rax, 6
    je .report
    mov qword CU(U_MR+0), -1
    mov dword CU(U_ITEMS), 1
    jmp .reply

.echo:
    mov rcx, CU(U_MR+8)
    add rcx, CU(U_MR+16)
    mov qword CU(U_MR+0), 0x101
    mov CU(U_MR+8), rcx
    mov rax, [h_portal_id]
    mov CU(U_MR+16), rax
    mov eax, CU(U_ITEMS)
    and eax, 0xFFFF
    mov CU(U_MR+24), rax
    mov rax, CRD_MEM(CWIN >> 12, 0, CRD_ALL_PERM)
    mov CU(U_DEL), rax
    mov dword CU(U_ITEMS), U_ITEMS_VAL(4, 0)
    jmp .reply

.memory:
    mov rax, [abs CWIN]
    mov CU(U_MR+0), rax
    mov rax, CU(U_XFER_CRD)
    mov CU(U_MR+8), rax
    mov rax, CU(U_XFER_META)
    mov CU(U_MR+16), rax
    mov rax, [h_items]
    mov CU(U_MR+24), rax
    mov qword [abs CWIN+8], 0x600DF00D
    mov rax, CRD_OBJ(C_SEL_WIN, 0, CRD_ALL_PERM)
    mov CU(U_DEL), rax
    mov dword CU(U_ITEMS), U_ITEMS_VAL(4, 0)
    jmp .reply

.object:
    HC_LOOKUP CRD_OBJ(C_SEL_WIN, 0, 0)
    mov CU(U_MR+8), rsi
    HC_SM_UP C_SEL_WIN
    movzx eax, dil
    mov CU(U_MR+16), rax
    HC_SM_DOWN C_SEL_WIN
    movzx eax, dil
    mov CU(U_MR+24), rax
    mov qword CU(U_MR+0), 3
    mov qword CU(U_DEL), CRD_NULL
    mov dword CU(U_ITEMS), U_ITEMS_VAL(4, 0)
    jmp .reply

.self_call:
    HC_CALL C_SEL_PT, CALL_NONBLOCK
    movzx eax, dil
    mov CU(U_MR+8), rax
    mov qword CU(U_MR+0), 4
    mov dword CU(U_ITEMS), U_ITEMS_VAL(2, 0)
    jmp .reply

.reply_sm:
    inc qword [h_sm_count]
    cmp qword [h_sm_count], 1
    jne .reply_sm_second
    mov dword CU(U_ITEMS), 0
    mov rsp, [le_stack_top]
    HC_REPLY C_SEL_R
.reply_sm_second:
    mov qword CU(U_MR+0), 5
    mov rax, [h_sm_count]
    mov CU(U_MR+8), rax
    mov dword CU(U_ITEMS), U_ITEMS_VAL(2, 0)
    jmp .reply

.report:
    mov qword CU(U_MR+0), 6
    mov rax, CU(U_XFER_CRD)
    mov CU(U_MR+8), rax
    mov rax, CU(U_XFER_META)
    mov CU(U_MR+16), rax
    mov dword CU(U_ITEMS), U_ITEMS_VAL(3, 0)

.reply:
    mov rsp, [le_stack_top]
    HC_REPLY

section .cdata
align 8
le_stack_top:   dq 0
h_portal_id:    dq 0
h_count:        dq 0
h_first_rsp:    dq 0
h_items:        dq 0
h_sm_count:     dq 0
helper_ran:     dq 0

section .data
align 8
frame:          dq 0

END_TEST
