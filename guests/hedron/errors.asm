; errors — every hypercall with bad selectors, missing permissions and bad
; parameters returns the status Hedron's code returns (src/syscall.cpp at
; 7f934bf; the order of the checks inside each handler decides which status
; wins when several arguments are bad, so every case below has exactly one
; bad argument unless it says otherwise).
;
; Hedron facts this relies on (all from src/syscall.cpp, include/syscall.hpp):
; - an empty selector and a capability of the wrong type are the same case:
;   capability_cast returns null -> BAD_CAP; a capability with zero permissions
;   does not exist (Capability(o, 0) is null), so "a PD capability without the
;   create permission" cannot be expressed.
; - create_ec: ARG3[11:0] is the CPU and ARG3[63:12] the UTCB page, so "an
;   unaligned UTCB" is a CPU number: 0x123 -> BAD_CPU (checked first); a UTCB
;   at or above USER_ADDR -> BAD_PAR.
; - create_sm: ARG4 is a signal SM to chain to (needs SM `up`; not itself a
;   signal): anything else non-zero -> BAD_CAP.
; - call checks no permission on the PT capability (only its type).
; - assign_pci: a device address that is not PCI config space -> BAD_DEV;
;   assign_gsi: the CPU is checked first (BAD_CPU), then the SM must be a GSI
;   SM of the kernel PD (BAD_CAP).
; - machine_ctrl and msr_access need a passthrough PD (BAD_CAP); the root PD is
;   passthrough, so from the root: sub-ops 2/3 -> BAD_PAR, suspend with a
;   SLP_TYP that does not fit PM1_CNT[12:10] -> BAD_PAR, MSRs on Hedron's deny
;   list (EFER, TSC, ...) -> BAD_PAR.

%include "lib.inc"

EMPTY       equ 0x3FF
T_LEC       equ 0x100
T_GEC       equ 0x101
T_PT        equ 0x102
T_SM        equ 0x103
T_SIG       equ 0x104
T_LEC1      equ 0x105           ; a local EC on CPU 1 (only if CPU 1 is online)
T_PT1       equ 0x106
T_C1        equ 0x110           ; child PD, not passthrough
T_C2        equ 0x111           ; child PD, passthrough
T_C1_EC     equ 0x112
T_C2_EC     equ 0x113
T_C1_SC     equ 0x114
T_C2_SC     equ 0x115
T_GEC_NOSC  equ 0x120           ; T_GEC with ct|pt
T_GEC_NOCT  equ 0x121           ; T_GEC with sc|pt
T_LEC_NOPT  equ 0x122           ; T_LEC with ct|sc
T_PT_CALL   equ 0x123           ; T_PT with call only
T_PT_CT     equ 0x124           ; T_PT with ct only
T_SM_UP     equ 0x125           ; T_SM with up only
T_SM_DN     equ 0x126           ; T_SM with down only
T_NEW       equ 0x180           ; destination of creations that must fail

MSR_EFER    equ 0xC0000080
MSR_TSC     equ 0x10

; give SRC to the root PD at DST with PERM (setup)
%macro ROOT_COPY 3
    mov edi, SEL_ROOT_PD
    mov esi, %1
    mov edx, %2
    mov ecx, %3
    call lib_give_obj
    SETUP "delegate a reduced copy"
%endmacro

section .text
test_main:
    TEST_NAME "errors"

    ; ---- setup: a local EC, a global EC (no SC), a PT, SMs, reduced copies
    call lib_rstack_alloc
    mov rbx, rax
    call lib_utcb_alloc
    mov r12, rax
    HC_CREATE_EC T_LEC, SEL_ROOT_PD, r12, rbx, 0
    STATUS_TO_RAX
    SETUP "create_ec (local)"
    call lib_rstack_alloc
    mov r9, rax
    call lib_utcb_alloc
    mov rdx, rax
    mov rdi, T_GEC
    mov rsi, SEL_ROOT_PD
    lea rcx, [child_park]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec (global)"
    lea rbx, [child_park]
    HC_CREATE_PT T_PT, SEL_ROOT_PD, T_LEC, 0, rbx
    STATUS_TO_RAX
    SETUP "create_pt"
    HC_CREATE_SM T_SM, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm"
    ROOT_COPY T_GEC, T_GEC_NOSC, PERM_EC_CT | PERM_EC_PT
    ROOT_COPY T_GEC, T_GEC_NOCT, PERM_EC_SC | PERM_EC_PT
    ROOT_COPY T_LEC, T_LEC_NOPT, PERM_EC_CT | PERM_EC_SC
    ROOT_COPY T_PT, T_PT_CALL, PERM_PT_CALL
    ROOT_COPY T_PT, T_PT_CT, PERM_PT_CT
    ROOT_COPY T_SM, T_SM_UP, PERM_SM_UP
    ROOT_COPY T_SM, T_SM_DN, PERM_SM_DOWN

    ; ---- unknown hypercall numbers
    HCALL 16
    EXPECT_STATUS rdi, BAD_HYP, "hypercall 16 -> BAD_HYP"
    HCALL 0xFF
    EXPECT_STATUS rdi, BAD_HYP, "hypercall 255 -> BAD_HYP"
    HCALL ARG1(0x7F, 0xF, 0x100)
    EXPECT_STATUS rdi, BAD_HYP, "hypercall 127 with flags and a selector -> BAD_HYP"

    ; ---- call
    HC_CALL EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "call: empty selector -> BAD_CAP"
    HC_CALL T_SM
    EXPECT_STATUS rdi, BAD_CAP, "call: an SM is not a PT -> BAD_CAP"
    HC_CALL EMPTY, CALL_NONBLOCK
    EXPECT_STATUS rdi, BAD_CAP, "call (non-blocking): empty selector -> BAD_CAP"
    mov rbx, [lib_hip]
    movzx eax, word [rbx+HIP_CPU_SIZE]
    movzx ecx, word [rbx+HIP_CPU_OFFS]
    add rax, rcx
    test byte [rbx+rax], 1          ; cpu_desc[1].flags bit 0
    jz .one_cpu
    ALT_BEGIN
    call lib_rstack_alloc
    mov rbx, rax
    call lib_utcb_alloc
    mov r12, rax
    or r12, 1                       ; CPU 1
    HC_CREATE_EC T_LEC1, SEL_ROOT_PD, r12, rbx, 0
    STATUS_TO_RAX
    SETUP "create_ec (local, CPU 1)"
    lea rbx, [child_park]
    HC_CREATE_PT T_PT1, SEL_ROOT_PD, T_LEC1, 0, rbx
    STATUS_TO_RAX
    SETUP "create_pt (on CPU 1)"
    HC_CALL T_PT1
    EXPECT_STATUS rdi, BAD_CPU, "call: PT bound to an EC on CPU 1 -> BAD_CPU"
    SKIP 1, "CPU 1 is online: create_ec on it is valid"
    jmp .cpu_done
    ALT_ELSE
.one_cpu:
    SKIP 1, "CPU 1 is not online: no PT can live there (checked below)"
    mov rdx, 1
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, rdx, 0, 0
    EXPECT_STATUS rdi, BAD_CPU, "create_ec on CPU 1 (offline) -> BAD_CPU"
    ALT_END
.cpu_done:

    ; ---- create_pd
    HC_CREATE_PD T_NEW, EMPTY, CRD_NULL, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_pd: parent PD selector empty -> BAD_CAP"
    HC_CREATE_PD T_NEW, T_SM, CRD_NULL, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_pd: parent is an SM -> BAD_CAP"
    HC_CREATE_PD T_SM, SEL_ROOT_PD, CRD_NULL, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_pd: destination selector occupied -> BAD_CAP"

    ; ---- create_ec
    mov rbx, 0x00007FFFFF800000     ; a UTCB address nothing uses
    HC_CREATE_EC T_NEW, EMPTY, rbx, 0, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_ec: PD selector empty -> BAD_CAP"
    HC_CREATE_EC T_NEW, T_SM, rbx, 0, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_ec: PD is an SM -> BAD_CAP"
    mov r12, USER_ADDR
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, r12, 0, 0
    EXPECT_STATUS rdi, BAD_PAR, "create_ec: UTCB = USER_ADDR -> BAD_PAR"
    mov r12, 0x0000800000000000
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, r12, 0, 0
    EXPECT_STATUS rdi, BAD_PAR, "create_ec: UTCB above USER_ADDR (non-canonical half) -> BAD_PAR"
    mov r12, 0xFFFF800000000000
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, r12, 0, 0
    EXPECT_STATUS rdi, BAD_PAR, "create_ec: UTCB in the kernel half -> BAD_PAR"
    lea r12, [rbx+0x123]
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, r12, 0, 0
    EXPECT_STATUS rdi, BAD_CPU, "create_ec: UTCB | 0x123 (ARG3[11:0] is the CPU) -> BAD_CPU"
    mov rax, [lib_hip]
    test dword [rax+HIP_API_FLG], HIP_FEAT_VMX | HIP_FEAT_SVM
    jz .no_vmx
    ALT_BEGIN
    SKIP 1, "HIP reports VMX or SVM: a vCPU is valid"
    jmp .vcpu_done
    ALT_ELSE
.no_vmx:
    HC_CREATE_EC T_NEW, SEL_ROOT_PD, rbx, 0, 0, EC_VCPU
    EXPECT_STATUS rdi, BAD_FTR, "create_ec: vCPU without VMX/SVM -> BAD_FTR"
    ALT_END
.vcpu_done:
    HC_CREATE_EC T_SM, SEL_ROOT_PD, 0, 0, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_ec: destination selector occupied -> BAD_CAP"

    ; ---- create_sc
    HC_CREATE_SC T_NEW, EMPTY, T_GEC, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: PD selector empty -> BAD_CAP"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, EMPTY, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: EC selector empty -> BAD_CAP"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_SM, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: EC is an SM -> BAD_CAP"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_LEC, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: EC is local -> BAD_CAP"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_GEC_NOSC, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: EC capability without the sc permission -> BAD_CAP"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_GEC, QPD(0, 1000)
    EXPECT_STATUS rdi, BAD_PAR, "create_sc: priority 0 -> BAD_PAR"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_GEC, QPD(128, 1000)
    EXPECT_STATUS rdi, BAD_PAR, "create_sc: priority 128 -> BAD_PAR"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_GEC, QPD(255, 1000)
    EXPECT_STATUS rdi, BAD_PAR, "create_sc: priority 255 -> BAD_PAR"
    HC_CREATE_SC T_NEW, SEL_ROOT_PD, T_GEC, QPD(1, 0)
    EXPECT_STATUS rdi, BAD_PAR, "create_sc: quantum 0 -> BAD_PAR"
    HC_CREATE_SC T_SM, SEL_ROOT_PD, T_GEC, QPD(1, 1000)
    EXPECT_STATUS rdi, BAD_CAP, "create_sc: destination selector occupied -> BAD_CAP"

    ; ---- create_pt
    lea rbx, [child_park]
    HC_CREATE_PT T_NEW, EMPTY, T_LEC, 0, rbx
    EXPECT_STATUS rdi, BAD_CAP, "create_pt: PD selector empty -> BAD_CAP"
    HC_CREATE_PT T_NEW, SEL_ROOT_PD, EMPTY, 0, rbx
    EXPECT_STATUS rdi, BAD_CAP, "create_pt: EC selector empty -> BAD_CAP"
    HC_CREATE_PT T_NEW, SEL_ROOT_PD, T_GEC, 0, rbx
    EXPECT_STATUS rdi, BAD_CAP, "create_pt: EC is global -> BAD_CAP"
    HC_CREATE_PT T_NEW, SEL_ROOT_PD, T_LEC_NOPT, 0, rbx
    EXPECT_STATUS rdi, BAD_CAP, "create_pt: EC capability without the pt permission -> BAD_CAP"
    HC_CREATE_PT T_SM, SEL_ROOT_PD, T_LEC, 0, rbx
    EXPECT_STATUS rdi, BAD_CAP, "create_pt: destination selector occupied -> BAD_CAP"

    ; ---- create_sm
    HC_CREATE_SM T_NEW, EMPTY, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: PD selector empty -> BAD_CAP"
    HC_CREATE_SM T_NEW, SEL_ROOT_PD, 0, EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: ARG4 = empty selector -> BAD_CAP"
    HC_CREATE_SM T_NEW, SEL_ROOT_PD, 0, SEL_ROOT_PD
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: ARG4 = a PD, not an SM -> BAD_CAP"
    HC_CREATE_SM T_NEW, SEL_ROOT_PD, 0, T_SM_DN
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: ARG4 = an SM without the up permission -> BAD_CAP"
    HC_CREATE_SM T_SIG, SEL_ROOT_PD, 0, T_SM
    EXPECT_STATUS rdi, SUCCESS, "create_sm: ARG4 = an SM (a signal chained to it) -> SUCCESS"
    HC_CREATE_SM T_NEW, SEL_ROOT_PD, 0, T_SIG
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: ARG4 = a signal SM (one level only) -> BAD_CAP"
    HC_CREATE_SM T_SM, SEL_ROOT_PD, 0
    EXPECT_STATUS rdi, BAD_CAP, "create_sm: destination selector occupied -> BAD_CAP"

    ; ---- revoke
    HC_REVOKE REVOKE_REMOTE, CRD_OBJ(0x300, 0, CRD_ALL_PERM), EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "revoke (remote): PD selector empty -> BAD_CAP"
    HC_REVOKE REVOKE_REMOTE, CRD_OBJ(0x300, 0, CRD_ALL_PERM), T_SM
    EXPECT_STATUS rdi, BAD_CAP, "revoke (remote): PD is an SM -> BAD_CAP"
    HC_REVOKE REVOKE_SELF, CRD_OBJ(0x300, 4, CRD_ALL_PERM)
    EXPECT_STATUS rdi, SUCCESS, "revoke of an empty object range -> SUCCESS"

    ; ---- pd_ctrl
    mov rbx, 0x5A5A5A5A5A5A5A5A
    HC_LOOKUP CRD_OBJ(EMPTY, 0, 0)
    mov rbx, rsi
    EXPECT_STATUS rdi, SUCCESS, "pd_ctrl lookup of an empty selector -> SUCCESS"
    EXPECT rbx, CRD_NULL, "... and ARG2 = the null CRD"
    HC_DELEGATE EMPTY, SEL_ROOT_PD, CRD_OBJ(T_SM, 0, 3), DF_DELEGATE, CRD_OBJ(0x301, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, BAD_CAP, "pd_ctrl delegate: source PD empty -> BAD_CAP"
    HC_DELEGATE SEL_ROOT_PD, EMPTY, CRD_OBJ(T_SM, 0, 3), DF_DELEGATE, CRD_OBJ(0x301, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, BAD_CAP, "pd_ctrl delegate: destination PD empty -> BAD_CAP"
    HC_DELEGATE SEL_ROOT_PD, T_SM, CRD_OBJ(T_SM, 0, 3), DF_DELEGATE, CRD_OBJ(0x301, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, BAD_CAP, "pd_ctrl delegate: destination is an SM -> BAD_CAP"
    HC_DELEGATE SEL_ROOT_PD, SEL_ROOT_PD, CRD_OBJ(EMPTY, 0, 3), DF_DELEGATE, CRD_OBJ(0x301, 0, CRD_ALL_PERM)
    EXPECT_STATUS rdi, SUCCESS, "pd_ctrl delegate of an empty source selector -> SUCCESS (nothing moves)"
    mov rdi, CRD_OBJ(0x301, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_NULL, "... the destination selector stays empty"
    HC_MAP_ACCESS CRD_MEM(0x300, 0, PERM_MEM_RWX)
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl map_access_page: permissions other than RW -> BAD_PAR"
    HC_MAP_ACCESS CRD_MEM(0x300, 1, PERM_MEM_RW)
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl map_access_page: order 1 -> BAD_PAR"
    HC_MAP_ACCESS CRD_OBJ(0x300, 0, PERM_MEM_RW)
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl map_access_page: an object CRD -> BAD_PAR"
    HC_MSR_READ MSR_EFER
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl msr_access read IA32_EFER (deny list) -> BAD_PAR"
    HC_MSR_READ MSR_TSC
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl msr_access read IA32_TSC (deny list) -> BAD_PAR"
    mov rsi, 0xD01
    LOAD_ARG1 HC_PD_CTRL, PD_OP_MSR | PD_MSR_WRITE, MSR_EFER
    syscall
    EXPECT_STATUS rdi, BAD_PAR, "pd_ctrl msr_access write IA32_EFER -> BAD_PAR"

    ; ---- ec_ctrl
    HC_EC_CTRL T_GEC, 1
    EXPECT_STATUS rdi, BAD_PAR, "ec_ctrl sub-op 1 -> BAD_PAR"
    HC_EC_CTRL T_GEC, 2
    EXPECT_STATUS rdi, BAD_PAR, "ec_ctrl sub-op 2 -> BAD_PAR"
    HC_EC_CTRL T_GEC, 3
    EXPECT_STATUS rdi, BAD_PAR, "ec_ctrl sub-op 3 -> BAD_PAR"
    HC_EC_CTRL EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "ec_ctrl recall: empty selector -> BAD_CAP"
    HC_EC_CTRL T_SM
    EXPECT_STATUS rdi, BAD_CAP, "ec_ctrl recall: an SM -> BAD_CAP"
    HC_EC_CTRL T_GEC_NOCT
    EXPECT_STATUS rdi, BAD_CAP, "ec_ctrl recall: EC capability without ct -> BAD_CAP"
    HC_EC_CTRL T_GEC
    EXPECT_STATUS rdi, SUCCESS, "ec_ctrl recall of an EC without an SC -> SUCCESS"

    ; ---- sc_ctrl
    HC_SC_CTRL EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "sc_ctrl: empty selector -> BAD_CAP"
    HC_SC_CTRL T_SM
    EXPECT_STATUS rdi, BAD_CAP, "sc_ctrl: an SM -> BAD_CAP"
    HC_SC_CTRL SEL_ROOT_SC
    EXPECT_STATUS rdi, SUCCESS, "sc_ctrl on the root SC -> SUCCESS"

    ; ---- pt_ctrl
    HC_PT_CTRL EMPTY, 1
    EXPECT_STATUS rdi, BAD_CAP, "pt_ctrl: empty selector -> BAD_CAP"
    HC_PT_CTRL T_SM, 1
    EXPECT_STATUS rdi, BAD_CAP, "pt_ctrl: an SM -> BAD_CAP"
    HC_PT_CTRL T_PT_CALL, 1
    EXPECT_STATUS rdi, BAD_CAP, "pt_ctrl: PT capability without ct (call only) -> BAD_CAP"
    HC_PT_CTRL T_PT_CT, 1
    EXPECT_STATUS rdi, SUCCESS, "pt_ctrl: PT capability with ct only -> SUCCESS"

    ; ---- sm_ctrl
    HC_SM_UP EMPTY
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl up: empty selector -> BAD_CAP"
    HC_SM_UP SEL_ROOT_PD
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl up: a PD -> BAD_CAP"
    HC_SM_UP T_SM_DN
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl up: SM capability with down only -> BAD_CAP"
    HC_SM_DOWN T_SM_UP
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl down: SM capability with up only -> BAD_CAP"
    HC_SM_DOWN T_SM_UP, SM_ZERO
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl zero-counter down: SM capability with up only -> BAD_CAP"
    HC_SM_DOWN T_SIG
    EXPECT_STATUS rdi, BAD_CAP, "sm_ctrl down on a signal SM -> BAD_CAP"
    HC_SM_UP T_SM_UP
    EXPECT_STATUS rdi, SUCCESS, "sm_ctrl up with the up permission -> SUCCESS"
    RDTSC64 rbx
    add rbx, 1000000
    HC_SM_DOWN T_SM_DN, 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "sm_ctrl down with the down permission takes that count -> SUCCESS"

    ; ---- assign_pci
    HCALL ARG1(HC_ASSIGN_PCI, 0, EMPTY), lib_hip, 0
    EXPECT_STATUS rdi, BAD_CAP, "assign_pci: PD selector empty -> BAD_CAP"
    HCALL ARG1(HC_ASSIGN_PCI, 0, T_SM), lib_hip, 0
    EXPECT_STATUS rdi, BAD_CAP, "assign_pci: an SM -> BAD_CAP"
    lea rbx, [errors_data]
    HCALL ARG1(HC_ASSIGN_PCI, 0, SEL_ROOT_PD), rbx, 0
    EXPECT_STATUS rdi, BAD_DEV, "assign_pci: a RAM page is no PCI config space -> BAD_DEV"
    mov rbx, 0x0000700000000000
    HCALL ARG1(HC_ASSIGN_PCI, 0, SEL_ROOT_PD), rbx, 0
    EXPECT_STATUS rdi, BAD_DEV, "assign_pci: an unmapped address -> BAD_DEV"

    ; ---- assign_gsi
    HCALL ARG1(HC_ASSIGN_GSI, 0, T_SM), 0, 0xFFFF, -1
    EXPECT_STATUS rdi, BAD_CPU, "assign_gsi: CPU 0xFFFF -> BAD_CPU"
    HCALL ARG1(HC_ASSIGN_GSI, 0, EMPTY), 0, 0, -1
    EXPECT_STATUS rdi, BAD_CAP, "assign_gsi: SM selector empty -> BAD_CAP"
    HCALL ARG1(HC_ASSIGN_GSI, 0, T_SM), 0, 0, -1
    EXPECT_STATUS rdi, BAD_CAP, "assign_gsi: an SM that is not a GSI SM -> BAD_CAP"

    ; ---- machine_ctrl (the root PD is passthrough)
    HCALL ARG1(HC_MACHINE_CTRL, 2, 0)
    EXPECT_STATUS rdi, BAD_PAR, "machine_ctrl sub-op 2 (root, passthrough) -> BAD_PAR"
    HCALL ARG1(HC_MACHINE_CTRL, 3, 0)
    EXPECT_STATUS rdi, BAD_PAR, "machine_ctrl sub-op 3 -> BAD_PAR"
    HCALL ARG1(HC_MACHINE_CTRL, MC_OP_SUSPEND, 8)
    EXPECT_STATUS rdi, BAD_PAR, "machine_ctrl suspend, SLP_TYPa = 8 (beyond PM1_CNT[12:10]) -> BAD_PAR"
    HCALL ARG1(HC_MACHINE_CTRL, MC_OP_SUSPEND, 0xFF00)
    EXPECT_STATUS rdi, BAD_PAR, "machine_ctrl suspend, SLP_TYPb = 0xFF -> BAD_PAR"

    ; ---- the same from child PDs: C1 not passthrough, C2 passthrough
    mov rdi, T_C1
    xor esi, esi
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "child PD 1"
    mov rdi, T_C2
    xor esi, esi
    mov edx, PD_PASSTHROUGH
    xor ecx, ecx
    call lib_child_pd
    SETUP "child PD 2 (passthrough)"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_C1_EC
    mov rsi, T_C1
    mov rdx, CHILD_UTCB
    lea rcx, [child_errors]
    lea r8, [c1_res]
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec in child PD 1"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_C2_EC
    mov rsi, T_C2
    mov rdx, CHILD_UTCB
    lea rcx, [child_errors]
    lea r8, [c2_res]
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec in child PD 2"
    HC_CREATE_SC T_C1_SC, SEL_ROOT_PD, T_C1_EC, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc for child 1"
    WAIT_DONE "child PD 1 ran its hypercalls"
    HC_CREATE_SC T_C2_SC, SEL_ROOT_PD, T_C2_EC, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc for child 2"
    WAIT_DONE "child PD 2 ran its hypercalls"
    EXPECT_STATUS qword [c1_res+0], BAD_CAP, "child (not passthrough): machine_ctrl -> BAD_CAP"
    EXPECT_STATUS qword [c1_res+8], BAD_CAP, "child (not passthrough): msr_access read EFER -> BAD_CAP"
    EXPECT_STATUS qword [c1_res+16], BAD_CAP, "child: create_sm naming selector 32 (empty in its space) -> BAD_CAP"
    EXPECT_STATUS qword [c1_res+24], BAD_CAP, "child: sm_ctrl up on SEL_PARK (it holds down only) -> BAD_CAP"
    EXPECT_STATUS qword [c2_res+0], BAD_PAR, "passthrough child: machine_ctrl sub-op 2 -> BAD_PAR"
    EXPECT_STATUS qword [c2_res+8], BAD_PAR, "passthrough child: msr_access read EFER -> BAD_PAR"
    DONE

; ---- code run by the child PDs: rdi = result block (4 statuses)
section .ctext
child_errors:
    mov rbx, rdi
    HCALL ARG1(HC_MACHINE_CTRL, 2, 0)
    mov [rbx+0], rdi
    HC_MSR_READ MSR_EFER
    mov [rbx+8], rdi
    HC_CREATE_SM 0x50, SEL_ROOT_PD, 0
    mov [rbx+16], rdi
    HC_SM_UP SEL_PARK
    mov [rbx+24], rdi
    HC_SM_UP SEL_DONE
child_park:
    PARK

section .cdata
align 8
c1_res:     times 4 dq -1
c2_res:     times 4 dq -1

section .data
errors_data: times 64 db 0

END_TEST
