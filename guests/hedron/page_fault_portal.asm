; page_fault_portal — user page faults go to the portal at event base + 14
; (digest §2.8; src/ec_exc.cpp: send_msg<ret_user_iret> with the PT's MTD,
; src/utcb.cpp load_exc: QUAL = {error code, CR2}); the handler maps the page
; and replies; the faulting instruction is restarted (the EC resumes at the RIP
; of the fault unless the reply changes it).
;
; An EC W in a child PD touches five pages; the #PF portal (a root handler on
; the service EC, MTD QUAL|RIP_LEN|GPR) records every fault and
;   VA1 read  (error 4)     maps a fresh page (pd_ctrl_delegate), W's load restarts
;   VA2 write (error 6)     maps a fresh page RW, W's store restarts
;   VA3 fetch (error 0x14)  maps a page holding `mov eax, 0x5A5A5A5A; jmp r12`
;                           (RX); W's jump restarts and runs it
;   VA4 write to a read-only page (error 7): not mapped; the reply sets RIP to
;                           W's r15 and rax = 0x5AFE (MTD RIP_LEN|GPR_ACDB)
;   VA5 read  (error 4)     resolved by a typed item in the reply: Hedron's
;                           receive window for an exception reply is the
;                           faulting page's 2^31-page-aligned region
;                           (Crd(MEM, cr2 >> 12) with order 0x1F), placed by
;                           the item's hotspot = VA5 (src/syscall.cpp delegate)
; The fetch fault's error code has bit 4 (I/D): Hedron runs with EFER.NXE = 1.

%include "lib.inc"

T_C         equ 0x100
T_PF        equ 0x101
T_W         equ 0x102
T_WSC       equ 0x103
VA1         equ 0x20000000
VA2         equ 0x20001000
VA3         equ 0x20002000
VA4         equ 0x20003000
VA5         equ 0x20004000
MAGIC1      equ 0x1111AAAA2222BBBB
VAL2        equ 0x1122334455667788
MAGIC4      equ 0x4444DDDD4444DDDD
MAGIC5      equ 0x5555EEEE5555EEEE
MARK4       equ 0x5AFE
PF_MTD      equ MTD_QUAL | MTD_RIP_LEN | MTD_GPR
; fault log entry
PFL_ERR     equ 0
PFL_CR2     equ 8
PFL_RIP     equ 16
PFL_RBX     equ 24
PFL_MTD     equ 32
PFL_SIZE    equ 40

%macro FAULT 2          ; n, field -> rax = pf_log[n].field
    mov rax, [pf_log + (%1) * PFL_SIZE + (%2)]
%endmacro

section .text
test_main:
    TEST_NAME "page_fault_portal"
    mov rdi, T_C
    xor esi, esi
    xor edx, edx
    mov ecx, 1 << EV_PF
    call lib_child_pd
    SETUP "child PD"
    lea rbx, [srv_pf_resolve]
    HC_CREATE_PT T_PF, SEL_ROOT_PD, SEL_SRV_EC, PF_MTD, rbx
    EXPECT_STATUS rdi, SUCCESS, "create_pt for the #PF portal (MTD QUAL|RIP_LEN|GPR)"
    HC_PT_CTRL T_PF, EV_PF
    mov edi, T_C
    mov esi, T_PF
    mov edx, EV_PF
    mov ecx, PERM_PT_CALL
    call lib_give_obj
    EXPECT_STATUS rax, SUCCESS, "delegate it to the child's selector 14 (event base 0 + #PF)"
    call lib_map_frame
    mov rcx, MAGIC4
    mov [rax], rcx
    mov edi, T_C
    mov rsi, rax
    mov edx, VA4
    mov ecx, PERM_MEM_R
    call lib_give_mem
    SETUP "map a read-only page at VA4"

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
    HC_CREATE_SC T_WSC, SEL_ROOT_PD, T_W, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc W"
    WAIT_DONE "W ran through its five faults"
    EXPECT qword [pf_count], 5, "five page faults reached the portal"

    FAULT 0, PFL_MTD
    EXPECT rax, PF_MTD, "fault 1: UTCB mtd = the portal's MTD"
    FAULT 0, PFL_ERR
    EXPECT rax, 4, "fault 1 (read, not present): error code 4"
    FAULT 0, PFL_CR2
    EXPECT rax, VA1, "fault 1: CR2 = VA1"
    FAULT 0, PFL_RIP
    lea rcx, [w_f1]
    EXPECT rax, rcx, "fault 1: RIP = the faulting load"
    FAULT 0, PFL_RBX
    EXPECT rax, VA1, "fault 1: rbx (GPR in the UTCB) = the address W used"
    mov rax, MAGIC1
    EXPECT qword [w_r1], rax, "fault 1: the restarted load reads the mapped page"

    FAULT 1, PFL_ERR
    EXPECT rax, 6, "fault 2 (write, not present): error code 6"
    FAULT 1, PFL_CR2
    EXPECT rax, VA2, "fault 2: CR2 = VA2"
    FAULT 1, PFL_RIP
    lea rcx, [w_f2]
    EXPECT rax, rcx, "fault 2: RIP = the faulting store"
    mov rax, [frame2]
    mov rcx, VAL2
    EXPECT qword [rax], rcx, "fault 2: the restarted store reached the page"

    FAULT 2, PFL_ERR
    EXPECT rax, 0x14, "fault 3 (fetch, not present): error code 0x14 (user, I/D)"
    FAULT 2, PFL_CR2
    EXPECT rax, VA3, "fault 3: CR2 = VA3"
    FAULT 2, PFL_RIP
    EXPECT rax, VA3, "fault 3: RIP = VA3"
    EXPECT qword [w_r3], 0x5A5A5A5A, "fault 3: the restarted fetch ran the mapped code"

    FAULT 3, PFL_ERR
    EXPECT rax, 7, "fault 4 (write to a read-only page): error code 7"
    FAULT 3, PFL_CR2
    EXPECT rax, VA4, "fault 4: CR2 = VA4"
    FAULT 3, PFL_RIP
    lea rcx, [w_f4]
    EXPECT rax, rcx, "fault 4: RIP = the faulting store"
    EXPECT qword [w_r4], MARK4, "fault 4: the reply's RIP and rax took effect (store skipped)"
    mov rax, MAGIC4
    EXPECT qword [w_r4b], rax, "fault 4: the read-only page is unchanged"

    FAULT 4, PFL_ERR
    EXPECT rax, 4, "fault 5 (read, not present): error code 4"
    FAULT 4, PFL_CR2
    EXPECT rax, VA5, "fault 5: CR2 = VA5"
    mov rax, MAGIC5
    EXPECT qword [w_r5], rax, "fault 5: page mapped by a typed item in the reply (hotspot VA5)"
    DONE

; The #PF portal (service EC): log the fault, resolve it by its CR2.
srv_pf_resolve:
    mov r12, SRV_UTCB
    mov rax, [pf_count]
    imul rbx, rax, PFL_SIZE
    lea rcx, [pf_log]
    add rbx, rcx
    inc qword [pf_count]
    mov rax, [r12+U_QUAL0]
    mov [rbx+PFL_ERR], rax
    mov rax, [r12+U_QUAL1]
    mov [rbx+PFL_CR2], rax
    mov rax, [r12+U_RIP]
    mov [rbx+PFL_RIP], rax
    mov rax, [r12+U_RBX]
    mov [rbx+PFL_RBX], rax
    mov rax, [r12+U_MTD]
    mov [rbx+PFL_MTD], rax
    mov r13, [r12+U_QUAL1]
    and r13, -PAGE_SIZE
    cmp r13, VA1
    je .map_rw
    cmp r13, VA2
    je .map_rw
    cmp r13, VA3
    je .map_code
    cmp r13, VA4
    je .skip
    cmp r13, VA5
    je .typed
    jmp srv_crash                   ; rdi is still the portal ID (14)
.map_rw:
    call lib_map_frame
    mov r14, rax
    cmp r13, VA2
    jne .not2
    mov [frame2], rax
.not2:
    mov rcx, MAGIC1
    mov [r14], rcx
    mov edi, T_C
    mov rsi, r14
    mov rdx, r13
    mov ecx, PERM_MEM_RW
    call lib_give_mem
    jmp .reply
.map_code:
    call lib_map_frame
    mov byte [rax+0], 0xB8          ; mov eax, 0x5A5A5A5A
    mov dword [rax+1], 0x5A5A5A5A
    mov byte [rax+5], 0x41          ; jmp r12
    mov byte [rax+6], 0xFF
    mov byte [rax+7], 0xE4
    mov edi, T_C
    mov rsi, rax
    mov rdx, r13
    mov ecx, PERM_MEM_RX
    call lib_give_mem
    jmp .reply
.skip:
    mov rax, [r12+U_R15]
    mov [r12+U_RIP], rax
    mov qword [r12+U_RAX], MARK4
    mov qword [r12+U_MTD], MTD_RIP_LEN | MTD_GPR_ACDB
    jmp .reply
.typed:
    call lib_map_frame
    mov rcx, MAGIC5
    mov [rax], rcx
    shr rax, 12
    shl rax, 12
    or rax, CRD_KIND_MEM | (PERM_MEM_RW << 2)
    mov [r12+U_XFER_CRD], rax
    mov rax, r13
    or rax, DF_DELEGATE             ; hotspot [63:12] = VA5's page number
    mov [r12+U_XFER_META], rax
    mov dword [r12+U_ITEMS], U_ITEMS_VAL(0, 1)
.reply:
    SRV_REPLY

; ---- W, in the child PD
section .ctext
w_main:
    mov rbx, VA1
w_f1:
    mov rax, [rbx]
    mov [w_r1], rax
    mov rbx, VA2
    mov rcx, VAL2
w_f2:
    mov [rbx], rcx
    lea r12, [w_back3]
    mov rax, VA3
    jmp rax
w_back3:
    mov [w_r3], rax
    lea r15, [w_after4]
    mov rbx, VA4
    mov rcx, 7
    xor eax, eax
w_f4:
    mov [rbx], rcx
    mov rax, -1                     ; not reached: the handler resumes at w_after4
w_after4:
    mov [w_r4], rax
    mov rax, [rbx]
    mov [w_r4b], rax
    mov rbx, VA5
    mov rax, [rbx]
    mov [w_r5], rax
    HC_SM_UP SEL_DONE
    PARK

section .cdata
align 8
w_r1:       dq -1
w_r3:       dq -1
w_r4:       dq -1
w_r4b:      dq -1
w_r5:       dq -1

section .data
align 8
pf_count:   dq 0
frame2:     dq 0
pf_log:     times 8*PFL_SIZE db 0

END_TEST
