; revoke_recursive — revocation through the delegation tree, two levels down.
;
; The root delegates a RAM page and an SM capability to PD A; A's EC delegates
; both on to PD B (pd_ctrl_delegate from A's own PD capability to its copy of
; B's). The root then revokes with ARG1[8] (self) clear: the copies in A and
; in B lose what was revoked, the root keeps its own. Afterwards A's and B's
; reads of the page fault to their #PF portals (here: root handlers that record
; the fault and resume the EC at its r15), their lookups find nothing.
;
; Objects (Hedron-exact, src/pd.cpp Pd::revoke<Space_obj>): revoking permission
; bits demotes every descendant (A's and B's copies keep the rest); revoking
; all of them removes the descendants; with the self bit the node itself goes.
;
; Memory: emu keeps a mapping database for memory (docs/hypervisor.md, issue 3:
; "recursive revocation through a mapping database") and this program checks
; that design. NOTE: Hedron 7f934bf itself has no memory MDB any more
; (Pd::subspace(MEM) is null; Space_mem::revoke unmaps only in the PD named by
; the call, whatever the self bit — with self clear it traces "Non-self
; revocation is not supported: Revoking everything!"). On real Hedron the
; memory half of this program fails; see README.md.

%include "lib.inc"

T_A         equ 0x100
T_B         equ 0x101
T_EA        equ 0x102
T_EB        equ 0x103
T_SA        equ 0x104
T_SB        equ 0x105
T_SMR       equ 0x110           ; the SM whose capability travels root -> A -> B
T_GOA       equ 0x111
T_GOB       equ 0x112
T_PFA       equ 0x113
T_PFB       equ 0x114
T_COPY      equ 0x120
; selectors inside A and B
C_SELF      equ 0x30            ; A: its own PD
C_PDB       equ 0x31            ; A: PD B
C_GO        equ 0x32            ; A, B: the go SM (down)
C_SM        equ 0x50            ; A, B: the SM being revoked
VA_A        equ 0x20000000      ; the page in A
VA_B        equ 0x30000000      ; the page in B
MAGIC       equ 0x0123456789ABCDEF
FAULT_MARK  equ 0x0FA17FA1
PF_MTD      equ MTD_QUAL | MTD_RIP_LEN | MTD_GPR_ACDB | MTD_GPR_R8_R15

; GIVE pd, root_sel, dst_sel, perm
%macro GIVE 4
    mov edi, %1
    mov esi, %2
    mov edx, %3
    mov ecx, %4
    call lib_give_obj
    SETUP "delegate a capability"
%endmacro

section .text
test_main:
    TEST_NAME "revoke_recursive"

    ; ---- setup
    mov rdi, T_A
    xor esi, esi
    xor edx, edx
    mov ecx, 1 << EV_PF
    call lib_child_pd
    SETUP "PD A"
    mov rdi, T_B
    xor esi, esi
    xor edx, edx
    mov ecx, 1 << EV_PF
    call lib_child_pd
    SETUP "PD B"
    HC_CREATE_SM T_SMR, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm R"
    HC_CREATE_SM T_GOA, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm go A"
    HC_CREATE_SM T_GOB, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm go B"
    lea rbx, [srv_pf_redirect]
    HC_CREATE_PT T_PFA, SEL_ROOT_PD, SEL_SRV_EC, PF_MTD, rbx
    STATUS_TO_RAX
    SETUP "create_pt #PF A"
    HC_PT_CTRL T_PFA, 0xA
    HC_CREATE_PT T_PFB, SEL_ROOT_PD, SEL_SRV_EC, PF_MTD, rbx
    STATUS_TO_RAX
    SETUP "create_pt #PF B"
    HC_PT_CTRL T_PFB, 0xB
    GIVE T_A, T_PFA, EV_PF, PERM_PT_CALL
    GIVE T_B, T_PFB, EV_PF, PERM_PT_CALL
    GIVE T_A, T_A, C_SELF, PERM_PD_CREATE
    GIVE T_A, T_B, C_PDB, PERM_PD_CREATE
    GIVE T_A, T_GOA, C_GO, PERM_SM_DOWN
    GIVE T_B, T_GOB, C_GO, PERM_SM_DOWN
    GIVE T_A, T_SMR, C_SM, PERM_SM_ALL
    call lib_map_frame
    mov [frame], rax
    mov rcx, MAGIC
    mov [rax], rcx
    mov edi, T_A
    mov rsi, [frame]
    mov edx, VA_A
    mov ecx, PERM_MEM_RW
    call lib_give_mem
    SETUP "delegate the page to A"

    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_EA
    mov rsi, T_A
    mov rdx, CHILD_UTCB
    lea rcx, [ea_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec in A"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_EB
    mov rsi, T_B
    mov rdx, CHILD_UTCB
    lea rcx, [eb_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec in B"
    HC_CREATE_SC T_SA, SEL_ROOT_PD, T_EA, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc A"
    HC_CREATE_SC T_SB, SEL_ROOT_PD, T_EB, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc B"

    ; ---- phase 1: A uses the page and hands page and SM on to B
    WAIT_DONE "A: phase 1 done"
    HC_SM_UP T_GOB
    WAIT_DONE "B: phase 1 done"
    mov rax, MAGIC
    EXPECT qword [a_val1], rax, "A reads the root's page at its address"
    EXPECT_STATUS qword [a_del_obj_st], SUCCESS, "A: pd_ctrl_delegate of the SM capability to B -> SUCCESS"
    EXPECT qword [a_del_obj_crd], CRD_OBJ(C_SM, 0, PERM_SM_ALL), "A: ... result CRD (0x50, up|down)"
    EXPECT_STATUS qword [a_del_mem_st], SUCCESS, "A: pd_ctrl_delegate of the page to B -> SUCCESS"
    EXPECT qword [a_del_mem_crd], CRD_MEM(VA_B >> 12, 0, PERM_MEM_RW), "A: ... result CRD (B's address, RW)"
    EXPECT qword [a_look1], CRD_OBJ(C_SM, 0, PERM_SM_ALL), "A: lookup of its SM copy (up|down)"
    mov rax, MAGIC
    EXPECT qword [b_val1], rax, "B reads the same page through A's delegation"
    EXPECT qword [b_look1], CRD_OBJ(C_SM, 0, PERM_SM_ALL), "B: lookup of its SM copy (up|down)"
    mov rax, [frame]
    EXPECT qword [rax+8], 0xB0B0, "B's write through its mapping reaches the root's frame"

    ; ---- phase 2: revoke the up permission (self excluded): A and B are demoted
    HC_REVOKE 0, CRD_OBJ(T_SMR, 0, PERM_SM_UP)
    EXPECT_STATUS rdi, SUCCESS, "revoke of the SM's up permission (children only) -> SUCCESS"
    HC_SM_UP T_GOA
    WAIT_DONE "A: phase 2 done"
    HC_SM_UP T_GOB
    WAIT_DONE "B: phase 2 done"
    EXPECT qword [a_look2], CRD_OBJ(C_SM, 0, PERM_SM_DOWN), "A's copy demoted to down"
    EXPECT qword [b_look2], CRD_OBJ(C_SM, 0, PERM_SM_DOWN), "B's copy (two levels down) demoted to down"
    mov rdi, CRD_OBJ(T_SMR, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SMR, 0, PERM_SM_ALL), "the root's own capability keeps up|down"

    ; ---- phase 3: revoke everything (self excluded)
    HC_REVOKE 0, CRD_OBJ(T_SMR, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, SUCCESS, "revoke of the SM capability (children only) -> SUCCESS"
    mov rbx, [frame]
    shr rbx, 12
    shl rbx, 12
    or rbx, CRD_KIND_MEM | (PERM_MEM_RWX << 2)
    HC_REVOKE 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "revoke of the page (children only) -> SUCCESS"
    HC_SM_UP T_GOA
    WAIT_DONE "A: phase 3 done"
    HC_SM_UP T_GOB
    WAIT_DONE "B: phase 3 done"
    EXPECT qword [a_look3], CRD_NULL, "A's SM capability is gone"
    EXPECT qword [b_look3], CRD_NULL, "B's SM capability is gone"
    mov rdi, CRD_OBJ(T_SMR, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SMR, 0, PERM_SM_ALL), "the root's own SM capability stays"
    EXPECT qword [a_val3], FAULT_MARK, "A's read of the page now faults (its mapping is gone)"
    EXPECT qword [pf_a+0], 1, "A: one #PF at its portal"
    EXPECT qword [pf_a+16], VA_A, "A: #PF CR2 = the page's address in A"
    EXPECT qword [pf_a+8], 4, "A: #PF error code 4 (user read, not present)"
    EXPECT qword [b_val3], FAULT_MARK, "B's read of the page faults (revoked two levels down)"
    EXPECT qword [pf_b+0], 1, "B: one #PF at its portal"
    EXPECT qword [pf_b+16], VA_B, "B: #PF CR2 = the page's address in B"
    EXPECT qword [pf_b+8], 4, "B: #PF error code 4 (user read, not present)"
    mov rax, [frame]
    mov rax, [rax]                  ; faults (crash portal 14) if the root lost the page
    mov rcx, MAGIC
    EXPECT rax, rcx, "the root still reads its page (self excluded)"

    ; ---- the self bit: revoking a copy with self set removes the copy only
    GIVE SEL_ROOT_PD, T_SMR, T_COPY, PERM_SM_ALL
    mov rdi, CRD_OBJ(T_COPY, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_COPY, 0, PERM_SM_ALL), "a copy of the SM at 0x120 in the root"
    HC_REVOKE REVOKE_SELF, CRD_OBJ(T_COPY, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, SUCCESS, "revoke of the copy with the self bit -> SUCCESS"
    mov rdi, CRD_OBJ(T_COPY, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_NULL, "the copy is gone"
    mov rdi, CRD_OBJ(T_SMR, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SMR, 0, PERM_SM_ALL), "its parent (the original) stays"
    DONE

; #PF portal of A (ID 0xA) and B (ID 0xB), on the service EC: record
; {count, error code, CR2, RIP} and resume the EC at its r15 with rax = FAULT_MARK.
srv_pf_redirect:
    mov rcx, SRV_UTCB
    lea rbx, [pf_a]
    cmp rdi, 0xB
    jne .rec
    lea rbx, [pf_b]
.rec:
    inc qword [rbx]
    mov rax, [rcx+U_QUAL0]
    mov [rbx+8], rax
    mov rax, [rcx+U_QUAL1]
    mov [rbx+16], rax
    mov rax, [rcx+U_RIP]
    mov [rbx+24], rax
    mov rax, [rcx+U_R15]
    mov [rcx+U_RIP], rax
    mov qword [rcx+U_RAX], FAULT_MARK
    mov qword [rcx+U_MTD], MTD_RIP_LEN | MTD_GPR_ACDB
    SRV_REPLY

; ---- the EC of PD A
section .ctext
ea_main:
    mov rbx, VA_A
    mov rax, [rbx]
    mov [a_val1], rax
    HC_DELEGATE C_SELF, C_PDB, CRD_OBJ(C_SM, 0, PERM_SM_ALL), DF_DELEGATE, CRD_OBJ(C_SM, 0, CRD_ALL_PERM)
    mov [a_del_obj_st], rdi
    mov [a_del_obj_crd], rdx
    HC_DELEGATE C_SELF, C_PDB, CRD_MEM(VA_A >> 12, 0, PERM_MEM_RW), DF_DELEGATE, CRD_MEM(VA_B >> 12, 0, CRD_ALL_PERM)
    mov [a_del_mem_st], rdi
    mov [a_del_mem_crd], rdx
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [a_look1], rsi
    HC_SM_UP SEL_DONE
    HC_SM_DOWN C_GO
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [a_look2], rsi
    HC_SM_UP SEL_DONE
    HC_SM_DOWN C_GO
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [a_look3], rsi
    lea r15, [.after]
    mov rbx, VA_A
    mov rax, [rbx]
.after:
    mov [a_val3], rax
    HC_SM_UP SEL_DONE
    PARK

; ---- the EC of PD B
eb_main:
    HC_SM_DOWN C_GO
    mov rbx, VA_B
    mov rax, [rbx]
    mov [b_val1], rax
    mov qword [rbx+8], 0xB0B0
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [b_look1], rsi
    HC_SM_UP SEL_DONE
    HC_SM_DOWN C_GO
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [b_look2], rsi
    HC_SM_UP SEL_DONE
    HC_SM_DOWN C_GO
    HC_LOOKUP CRD_OBJ(C_SM, 0, 0)
    mov [b_look3], rsi
    lea r15, [.after]
    mov rbx, VA_B
    mov rax, [rbx]
.after:
    mov [b_val3], rax
    HC_SM_UP SEL_DONE
    PARK

section .cdata
align 8
a_val1:         dq -1
a_del_obj_st:   dq -1
a_del_obj_crd:  dq -1
a_del_mem_st:   dq -1
a_del_mem_crd:  dq -1
a_look1:        dq -1
a_look2:        dq -1
a_look3:        dq -1
a_val3:         dq -1
b_val1:         dq -1
b_look1:        dq -1
b_look2:        dq -1
b_look3:        dq -1
b_val3:         dq -1

section .data
align 8
frame:          dq 0
pf_a:           dq 0, 0, 0, 0
pf_b:           dq 0, 0, 0, 0

END_TEST
