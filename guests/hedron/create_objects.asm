; create_objects — the roottask's initial state (digest §2.10), the HIP (§2.9),
; the native return convention (§2.1), and create_pd/ec/sc/pt/sm with valid
; arguments, each followed by pd_ctrl lookup of its selector (§2.2, §2.4, §2.5).
;
; Expected lookup results (src/syscall.cpp sys_pd_ctrl_lookup returns
; Crd(OBJ, node_base, node_order, node_attr)): an object's capability carries
; the permissions its constructor gives it — PD: the parent PD capability's
; (the root PD's are PERM_PD_CREATE = 1), EC 0xD, SC 1, PT 3, SM 3.

%include "lib.inc"

T_PD        equ 0x100
T_LEC       equ 0x101
T_GEC       equ 0x102
T_PT        equ 0x103
T_SM        equ 0x104
T_SC        equ 0x105
T_FPD       equ 0x106
T_PPD       equ 0x107
T_SM_A      equ 0x110
T_SM_B      equ 0x111
T_COPY      equ 0x200
T_COPY0     equ 0x201
T_PAIR      equ 0x210

section .text
test_main:
    TEST_NAME "create_objects"

    ; ---- the roottask entry state (recorded by lib's _start)
    EXPECT qword [lib_entry_rdi], 0, "entry: RDI = CPU id 0"
    mov rax, HIP_ADDR
    EXPECT qword [lib_entry_rsp], rax, "entry: RSP = the HIP address 0x7FFFFFFFE000"
    EXPECT qword [lib_entry_rflags], 0x202, "entry: RFLAGS = 0x202 (sysret with r11 = 0x200)"
    xor eax, eax
    xor ecx, ecx
.or_exc:
    lea rdx, [lib_boot_lookup]
    or rax, [rdx+rcx*8]
    inc ecx
    cmp ecx, 32
    jb .or_exc
    EXPECT rax, 0, "entry: selectors 0..31 are empty (lookup = null CRD)"
    xor eax, eax
    mov ecx, 35
.or_free:
    lea rdx, [lib_boot_lookup]
    or rax, [rdx+rcx*8]
    inc ecx
    cmp ecx, 41
    jb .or_free
    EXPECT rax, 0, "entry: selectors 35..40 are empty"
    lea rdx, [lib_boot_lookup]
    EXPECT qword [rdx+32*8], CRD_OBJ(32, 0, PERM_PD_CREATE), "entry: lookup 32 = root PD (perm create)"
    lea rdx, [lib_boot_lookup]
    EXPECT qword [rdx+33*8], CRD_OBJ(33, 0, PERM_EC_ALL), "entry: lookup 33 = root EC (perm 0xD)"
    lea rdx, [lib_boot_lookup]
    EXPECT qword [rdx+34*8], CRD_OBJ(34, 0, PERM_SC_ALL), "entry: lookup 34 = root SC (perm ct)"

    ; ---- the I/O ports lib took from the kernel PD (hypervisor flag)
    mov rax, [lib_port_status+0]
    or rax, [lib_port_status+8]
    or rax, [lib_port_status+16]
    EXPECT_STATUS rax, SUCCESS, "pd_ctrl_delegate of ports 0x3F8/0xE9/0xF4 from the kernel PD"
    mov rax, CRD_PIO(COM1, 3)
    EXPECT qword [lib_port_crd+0], rax, "delegate returns the port CRD 0x3F8 order 3 (ARG3 out)"
    mov rax, CRD_PIO(DEBUGCON, 0)
    EXPECT qword [lib_port_crd+8], rax, "delegate returns the port CRD 0xE9 order 0"
    mov rax, CRD_PIO(EXIT_PORT, 0)
    EXPECT qword [lib_port_crd+16], rax, "delegate returns the port CRD 0xF4 order 0"
    mov rdi, CRD_PIO(0x3FA, 0)
    call lib_lookup
    mov rbx, rax
    mov rax, CRD_PIO(COM1, 3)
    EXPECT rbx, rax, "lookup of port 0x3FA = the delegated range 0x3F8 order 3"
    mov rdi, CRD_PIO(0x3F0, 0)
    call lib_lookup
    EXPECT rax, 0, "lookup of port 0x3F0 (not delegated) = null CRD"

    ; ---- the HIP
    mov rbx, [lib_hip]
    mov eax, [rbx+HIP_SIGNATURE]
    EXPECT rax, HIP_SIGNATURE_NOVA, "HIP signature NOVA"
    movzx ecx, word [rbx+HIP_LENGTH]
    shr ecx, 1
    xor eax, eax
    xor edx, edx
.sum:
    add ax, [rbx+rdx*2]
    inc edx
    cmp edx, ecx
    jb .sum
    movzx eax, ax
    EXPECT rax, 0, "HIP checksum: the 16-bit sum over [0, length) is 0"
    mov eax, [rbx+HIP_API_VER]
    EXPECT rax, HIP_CFG_VER, "HIP api_ver = CFG_VER 5004"
    mov eax, [rbx+HIP_SEL_NUM]
    EXPECT rax, NUM_SELECTORS, "HIP sel_num = 2^26"
    mov eax, [rbx+HIP_SEL_EXC]
    EXPECT rax, 32, "HIP sel_exc = 32"
    mov eax, [rbx+HIP_SEL_VMI]
    EXPECT rax, 256, "HIP sel_vmi = 256"
    mov eax, [rbx+HIP_SEL_GSI]
    EXPECT rax, 192, "HIP sel_gsi = 192 (NUM_GSI)"
    mov eax, [rbx+HIP_CFG_PAGE]
    EXPECT rax, 4096, "HIP cfg_page = 4096"
    mov eax, [rbx+HIP_CFG_UTCB]
    EXPECT rax, 4096, "HIP cfg_utcb = 4096"
    movzx eax, word [rbx+HIP_CPU_OFFS]
    EXPECT rax, HIP_CPU_DESC, "HIP cpu_offs = 0x90 (after serial_port at 0x88)"
    movzx eax, word [rbx+HIP_CPU_SIZE]
    EXPECT rax, 48, "HIP cpu_size = 48"
    movzx eax, word [rbx+HIP_IOAPIC_OFFS]
    EXPECT rax, 0xC90, "HIP ioapic_offs = 0xC90"
    movzx eax, word [rbx+HIP_MEM_OFFS]
    EXPECT rax, 0xD20, "HIP mem_offs = 0xD20"
    movzx eax, word [rbx+HIP_MEM_SIZE]
    EXPECT rax, 24, "HIP mem_size = 24"
    movzx eax, byte [rbx+HIP_CPU_DESC]
    and eax, 1
    EXPECT rax, 1, "HIP cpu_desc[0] is online (flags bit 0)"
    mov rax, [rbx+HIP_SERIAL_PORT]
    EXPECT rax, COM1, "HIP serial_port = 0x3F8"
    mov eax, [rbx+HIP_FREQ_TSC]
    NOTE "HIP freq_tsc (kHz)", rax
    EXPECT_NE rax, 0, "HIP freq_tsc is set"
    ; memory descriptors by type
    xor r12d, r12d                  ; RAM
    xor r13d, r13d                  ; hypervisor
    xor r14d, r14d                  ; modules
    xor ecx, ecx
.descs:
    cmp rcx, [lib_hip_mem_count]
    jae .descs_done
    call lib_hip_mem
    inc rcx
    mov edx, [rax+HMEM_TYPE]
    cmp edx, HMEM_RAM
    jne .not_ram
    inc r12
.not_ram:
    cmp edx, HMEM_HYPERVISOR
    jne .not_hv
    inc r13
.not_hv:
    cmp edx, HMEM_MODULE
    jne .descs
    inc r14
    jmp .descs
.descs_done:
    EXPECT_GE r12, 1, "HIP has a RAM (type 1) memory descriptor"
    EXPECT r13, 1, "HIP has exactly one hypervisor (type -1) descriptor"
    EXPECT_GE r14, 1, "HIP has a module (type -2) descriptor (the roottask)"

    ; ---- create_pd / create_ec / create_pt / create_sm / create_sc
    HC_CREATE_PD T_PD, SEL_ROOT_PD, CRD_NULL, 0
    EXPECT_STATUS rdi, SUCCESS, "create_pd (native, parent = root PD)"
    mov rdi, CRD_OBJ(T_PD, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_PD, 0, PERM_PD_CREATE), "lookup: PD capability with the parent's permission (create)"
    mov rdi, T_PD
    xor esi, esi
    call lib_equip_pd
    SETUP "equip the child PD"

    call lib_cstack_alloc
    mov rbx, rax
    mov rdx, CHILD_UTCB2
    HC_CREATE_EC T_LEC, T_PD, rdx, rbx, 0
    EXPECT_STATUS rdi, SUCCESS, "create_ec (local, in the child PD, UTCB 0x7FFFFFFFC000)"
    mov rdi, CRD_OBJ(T_LEC, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_LEC, 0, PERM_EC_ALL), "lookup: local EC capability, perm ct|sc|pt = 0xD"

    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_GEC
    mov rsi, T_PD
    mov rdx, CHILD_UTCB
    lea rcx, [child_park]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    EXPECT_STATUS rax, SUCCESS, "create_ec (global, in the child PD, UTCB 0x7FFFFFFFE000)"
    mov rdi, CRD_OBJ(T_GEC, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_GEC, 0, PERM_EC_ALL), "lookup: global EC capability, perm 0xD"

    lea rbx, [child_park]
    HC_CREATE_PT T_PT, SEL_ROOT_PD, T_LEC, MTD_DEFAULT, rbx
    EXPECT_STATUS rdi, SUCCESS, "create_pt (on the local EC, MTD 0xFFFFFF)"
    mov rdi, CRD_OBJ(T_PT, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_PT, 0, PERM_PT_ALL), "lookup: PT capability, perm ct|call = 3"
    HC_PT_CTRL T_PT, 0x1234
    EXPECT_STATUS rdi, SUCCESS, "pt_ctrl sets the portal ID"

    HC_CREATE_SM T_SM, SEL_ROOT_PD, 2
    EXPECT_STATUS rdi, SUCCESS, "create_sm (count 2, ARG4 = 0)"
    mov rdi, CRD_OBJ(T_SM, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SM, 0, PERM_SM_ALL), "lookup: SM capability, perm up|down = 3"

    HC_CREATE_SC T_SC, SEL_ROOT_PD, T_GEC, QPD(1, 1000)
    EXPECT_STATUS rdi, SUCCESS, "create_sc (priority 1, quantum 1000 us) on the global EC"
    mov rdi, CRD_OBJ(T_SC, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SC, 0, PERM_SC_ALL), "lookup: SC capability, perm ct = 1"
    HC_SC_CTRL T_SC
    EXPECT_STATUS rdi, SUCCESS, "sc_ctrl on the new SC"

    HC_CREATE_PD T_FPD, SEL_ROOT_PD, CRD_NULL, FOREIGN(50)
    EXPECT_STATUS rdi, SUCCESS, "create_pd (foreign, ARG4 = (50 << 1) | 1)"
    mov rdi, CRD_OBJ(T_FPD, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_FPD, 0, PERM_PD_CREATE), "lookup: foreign PD capability"
    HC_CREATE_PD T_PPD, SEL_ROOT_PD, CRD_NULL, 0, PD_PASSTHROUGH
    EXPECT_STATUS rdi, SUCCESS, "create_pd (passthrough flag, parent is passthrough)"

    ; ---- the native return convention (sysret-style, digest §2.1)
    mov rbx, 0x1111111111111111
    mov rbp, 0x2222222222222222
    mov r9, 0x3333333333333333
    mov r10, 0x4444444444444444
    mov r12, 0x5555555555555555
    mov r13, 0x6666666666666666
    mov r14, 0x7777777777777777
    mov r15, 0x1212121212121212
    mov rsi, 0x0A0A0A0A0A0A0A0A
    mov rdx, 0x0B0B0B0B0B0B0B0B
    mov rax, 0x0C0C0C0C0C0C0C0C
    mov r8, 0x0D0D0D0D0D0D0D0D
    mov rcx, 0x0E0E0E0E0E0E0E0E
    mov r11, 0x0F0F0F0F0F0F0F0F
    mov rdi, ARG1(HC_SM_CTRL, SM_OP_UP, T_SM)
    stc
    std
    syscall
.after_syscall:
    pushfq
    cld
    mov [rc_rdi], rdi
    mov [rc_rcx], rcx
    mov [rc_r11], r11
    mov [rc_rsi], rsi
    mov [rc_rdx], rdx
    mov [rc_rax], rax
    mov [rc_r8], r8
    pop qword [rc_rflags]
    mov rax, 0x1111111111111111
    xor rax, rbx
    mov rcx, 0x2222222222222222
    xor rcx, rbp
    or rax, rcx
    mov rcx, 0x3333333333333333
    xor rcx, r9
    or rax, rcx
    mov rcx, 0x4444444444444444
    xor rcx, r10
    or rax, rcx
    mov rcx, 0x5555555555555555
    xor rcx, r12
    or rax, rcx
    mov rcx, 0x6666666666666666
    xor rcx, r13
    or rax, rcx
    mov rcx, 0x7777777777777777
    xor rcx, r14
    or rax, rcx
    mov rcx, 0x1212121212121212
    xor rcx, r15
    or rax, rcx
    EXPECT rax, 0, "hypercall preserves rbx rbp r9 r10 r12-r15"
    EXPECT qword [rc_rdi], SUCCESS, "sm_ctrl up: rdi = status, all 64 bits (SUCCESS)"
    lea rax, [.after_syscall]
    EXPECT qword [rc_rcx], rax, "after a hypercall rcx = the return RIP"
    EXPECT qword [rc_r11], 0x200, "after a hypercall r11 = 0x200 (ret_user_sysexit)"
    EXPECT qword [rc_rflags], 0x202, "after a hypercall RFLAGS = 0x202 (CF and DF set before are gone)"
    mov rax, 0x0A0A0A0A0A0A0A0A
    EXPECT qword [rc_rsi], rax, "sm_ctrl up preserves rsi (ARG2)"
    mov rax, 0x0B0B0B0B0B0B0B0B
    EXPECT qword [rc_rdx], rax, "sm_ctrl up preserves rdx (ARG3)"
    mov rax, 0x0C0C0C0C0C0C0C0C
    EXPECT qword [rc_rax], rax, "sm_ctrl up preserves rax (ARG4)"
    mov rax, 0x0D0D0D0D0D0D0D0D
    EXPECT qword [rc_r8], rax, "sm_ctrl up preserves r8 (ARG5)"

    ; ---- delegation inside the root PD and lookup of the copies
    HC_DELEGATE SEL_ROOT_PD, SEL_ROOT_PD, CRD_OBJ(T_SM, 0, PERM_SM_UP), DF_DELEGATE, CRD_OBJ(T_COPY, 0, CRD_ALL_PERM)
    mov rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "pd_ctrl_delegate of the SM (perm up) to selector 0x200"
    EXPECT rbx, CRD_OBJ(T_COPY, 0, PERM_SM_UP), "delegate returns the destination CRD (0x200, perm up)"
    mov rdi, CRD_OBJ(T_COPY, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_COPY, 0, PERM_SM_UP), "lookup 0x200: the copy has only the up permission"
    mov rdi, CRD_OBJ(T_SM, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_SM, 0, PERM_SM_ALL), "lookup 0x104: the original keeps up|down"

    HC_DELEGATE SEL_ROOT_PD, SEL_ROOT_PD, CRD_OBJ(T_SM, 0, PERM_SM_DOWN), DF_DELEGATE, CRD_OBJ(T_COPY0, 0, PERM_SM_UP)
    mov rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "pd_ctrl_delegate with disjoint permissions (down into an up-only window)"
    EXPECT rbx, CRD_NULL, "... returns the null CRD (no permission left)"
    mov rdi, CRD_OBJ(T_COPY0, 0, 0)
    call lib_lookup
    EXPECT rax, 0, "... and selector 0x201 stays empty"

    HC_CREATE_SM T_SM_A, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm 0x110"
    HC_CREATE_SM T_SM_B, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm 0x111"
    HC_DELEGATE SEL_ROOT_PD, SEL_ROOT_PD, CRD_OBJ(T_SM_A, 1, PERM_SM_ALL), DF_DELEGATE, CRD_OBJ(T_PAIR, 1, CRD_ALL_PERM)
    mov rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "pd_ctrl_delegate of two selectors (order 1) 0x110 -> 0x210"
    EXPECT rbx, CRD_OBJ(T_PAIR, 1, PERM_SM_ALL), "... returns the order-1 destination CRD"
    mov rdi, CRD_OBJ(T_PAIR+1, 0, 0)
    call lib_lookup
    EXPECT rax, CRD_OBJ(T_PAIR+1, 0, PERM_SM_ALL), "lookup 0x211: the second SM arrived"
    mov rdi, CRD_OBJ(T_PAIR+2, 0, 0)
    call lib_lookup
    EXPECT rax, 0, "lookup 0x212: nothing beyond the order-1 window"
    ; the copy at 0x211 is the SM at 0x111: an up through it is seen through 0x111
    HC_SM_UP T_PAIR+1
    EXPECT_STATUS rdi, SUCCESS, "sm_ctrl up through the copy 0x211"
    RDTSC64 rbx
    add rbx, 1000000
    HC_SM_DOWN T_SM_B, 0, rbx
    EXPECT_STATUS rdi, SUCCESS, "sm_ctrl down on 0x111 consumes that up (same object)"
    DONE

; ---- code for child PDs
section .ctext
child_park:
    PARK

section .data
align 8
rc_rdi:     dq 0
rc_rcx:     dq 0
rc_r11:     dq 0
rc_rsi:     dq 0
rc_rdx:     dq 0
rc_rax:     dq 0
rc_r8:      dq 0
rc_rflags:  dq 0

END_TEST
