; foreign_forwarding — the fork's policy-free system-call layer (digest §1.3–§1.5):
; a PD created with create_pd ARG4 = (base << 1) | 1 is foreign; every
; `syscall` of its ECs with the UTCB NSCT bit clear is not decoded but sent,
; as an exception-style IPC with the portal's MTD, to the portal at
; event base + base + CPU of the caller's PD (src/syscall.cpp
; sys_foreign_syscall, send_msg). The handler sees the Linux registers in its
; UTCB: rax = number, rdi rsi rdx r10 r8 r9 = arguments, rcx = the return RIP,
; r11 = the user RSP (entry_sysenter stores RSP in r11); it writes rax and sets
; rip = rcx, rsp = r11 (MTD RIP_LEN|RSP|GPR_ACDB) and replies; the caller
; resumes through iret (ret_user_iret) with every register not in the reply's
; MTD as it was at the syscall — r11 still the user RSP.
;
; FE (foreign PD, base 50, event base 0) makes four Linux-style calls handled
; by a local EC of the root PD (portal MTD 0xFFFFFF, the runtime's default):
;   39 (getpid)                -> 1234
;   158 arch_prctl(SET_FS, p)  -> 0, and the reply sets FS base = p (MTD FS_GS)
;   500 (test: report)         -> 0; the handler records the FS base it sees
;   231 exit_group(42)         -> the handler never replies: it ups the root's
;                                 SM and blocks itself (and FE's SC) for good
; A second foreign PD (base 60) has no portal at 60: its EC is killed at its
; first syscall (Hedron: die("PT not found")). Observed by: the EC never
; resumes after the syscall, the handler never sees a call, and its SC's
; consumed time (sc_ctrl) stops growing.

%include "lib.inc"

T_FH        equ 0x100           ; handler: local EC in the root PD
T_FPT       equ 0x101
T_F         equ 0x102
T_FE        equ 0x103
T_FESC      equ 0x104
T_F2        equ 0x105
T_FE2       equ 0x106
T_FE2SC     equ 0x107
T_FHPARK    equ 0x108
BASE        equ 50
BASE2       equ 60
PORTAL_ID   equ 0xF00D
TLS_MAGIC   equ 0xF5F5F5F5F5F5F5F5
; handler log entry
FL_RAX      equ 0
FL_RDI      equ 8
FL_RSI      equ 16
FL_RDX      equ 24
FL_R10      equ 32
FL_R8       equ 40
FL_R9       equ 48
FL_RCX      equ 56
FL_R11      equ 64
FL_MTD      equ 72
FL_FSBASE   equ 80
FL_ID       equ 88
FL_SIZE     equ 96
; FE's registers after call 1
FO_RAX      equ 0
FO_RCX      equ 8
FO_RDX      equ 16
FO_RBX      equ 24
FO_RSP      equ 32
FO_RBP      equ 40
FO_RSI      equ 48
FO_RDI      equ 56
FO_R8       equ 64
FO_R9       equ 72
FO_R10      equ 80
FO_R11      equ 88
FO_R12      equ 96
FO_R13      equ 104
FO_R14      equ 112
FO_R15      equ 120
FO_RFLAGS   equ 128

%macro LOG 2            ; call, field -> rax
    mov rax, [fh_log + (%1) * FL_SIZE + (%2)]
%endmacro

section .text
test_main:
    TEST_NAME "foreign_forwarding"
    ; ---- the handler: a local EC in the root PD and its portal
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
    SETUP "create_pt (foreign-syscall portal)"
    HC_PT_CTRL T_FPT, PORTAL_ID
    STATUS_TO_RAX
    SETUP "pt_ctrl"
    HC_CREATE_SM T_FHPARK, SEL_ROOT_PD, 0
    STATUS_TO_RAX
    SETUP "create_sm"

    ; ---- the foreign PD
    mov rdi, T_F
    mov rsi, FOREIGN(BASE)
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    EXPECT_STATUS rax, SUCCESS, "create_pd with ARG4 = (50 << 1) | 1 (foreign) and equip it"
    mov edi, T_F
    mov esi, T_FPT
    mov edx, BASE
    mov ecx, PERM_PT_CALL
    call lib_give_obj
    EXPECT_STATUS rax, SUCCESS, "the portal goes to the foreign PD's selector 50 (base + CPU 0)"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_FE
    mov rsi, T_F
    mov rdx, CHILD_UTCB
    lea rcx, [fe_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec (foreign EC)"
    HC_CREATE_SC T_FESC, SEL_ROOT_PD, T_FE, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc (foreign EC)"
    WAIT_DONE "the foreign EC made its calls and exited"
    EXPECT qword [fh_count], 4, "four syscalls reached the handler"

    ; ---- call 1 as the handler saw it
    LOG 0, FL_ID
    EXPECT rax, PORTAL_ID, "call 1: the handler got the portal ID in rdi"
    LOG 0, FL_MTD
    EXPECT rax, MTD_DEFAULT, "call 1: UTCB mtd = the portal's MTD"
    LOG 0, FL_RAX
    EXPECT rax, 39, "call 1: UTCB rax = the Linux syscall number"
    LOG 0, FL_RDI
    EXPECT rax, 0x1111, "call 1: UTCB rdi = argument 0"
    LOG 0, FL_RSI
    EXPECT rax, 0x2222, "call 1: UTCB rsi = argument 1"
    LOG 0, FL_RDX
    EXPECT rax, 0x3333, "call 1: UTCB rdx = argument 2"
    LOG 0, FL_R10
    EXPECT rax, 0x4444, "call 1: UTCB r10 = argument 3"
    LOG 0, FL_R8
    EXPECT rax, 0x5555, "call 1: UTCB r8 = argument 4"
    LOG 0, FL_R9
    EXPECT rax, 0x6666, "call 1: UTCB r9 = argument 5"
    LOG 0, FL_RCX
    lea rcx, [fe_ret1]
    EXPECT rax, rcx, "call 1: UTCB rcx = the return RIP (after the syscall)"
    LOG 0, FL_R11
    EXPECT rax, qword [fe_rsp0], "call 1: UTCB r11 = the user RSP (Hedron's entry convention)"

    ; ---- call 1 as the foreign EC saw the result
    EXPECT qword [fe_out+FO_RAX], 1234, "call 1: the foreign EC got rax = 1234"
    EXPECT qword [fe_out+FO_RSP], qword [fe_rsp0], "call 1: its RSP = the reply's rsp (= r11)"
    lea rax, [fe_ret1]
    EXPECT qword [fe_out+FO_RCX], rax, "call 1: it resumed at rcx with rcx unchanged"
    EXPECT qword [fe_out+FO_R11], qword [fe_rsp0], "call 1: its r11 still holds the user RSP"
    mov rax, [fe_out+FO_RDI]
    xor rax, 0x1111
    mov rcx, [fe_out+FO_RSI]
    xor rcx, 0x2222
    or rax, rcx
    mov rcx, [fe_out+FO_RDX]
    xor rcx, 0x3333
    or rax, rcx
    mov rcx, [fe_out+FO_R10]
    xor rcx, 0x4444
    or rax, rcx
    mov rcx, [fe_out+FO_R8]
    xor rcx, 0x5555
    or rax, rcx
    mov rcx, [fe_out+FO_R9]
    xor rcx, 0x6666
    or rax, rcx
    EXPECT rax, 0, "call 1: rdi rsi rdx r10 r8 r9 unchanged"
    mov rax, [fe_out+FO_RBX]
    xor rax, 0x7777
    mov rcx, [fe_out+FO_RBP]
    xor rcx, 0x8888
    or rax, rcx
    mov rcx, [fe_out+FO_R12]
    xor rcx, 0xC12
    or rax, rcx
    mov rcx, [fe_out+FO_R13]
    xor rcx, 0xC13
    or rax, rcx
    mov rcx, [fe_out+FO_R14]
    xor rcx, 0xC14
    or rax, rcx
    mov rcx, [fe_out+FO_R15]
    xor rcx, 0xC15
    or rax, rcx
    EXPECT rax, 0, "call 1: rbx rbp r12-r15 unchanged"
    mov rax, [fe_out+FO_RFLAGS]
    and rax, 0x200
    EXPECT rax, 0x200, "call 1: resumed with interrupts enabled (IF)"

    ; ---- call 2/3: arch_prctl(ARCH_SET_FS) through the FS_GS MTD
    LOG 1, FL_RAX
    EXPECT rax, 158, "call 2: rax = 158 (arch_prctl)"
    LOG 1, FL_RSI
    lea rcx, [fe_tls]
    EXPECT rax, rcx, "call 2: rsi = the TLS address"
    EXPECT qword [fe_r2], 0, "call 2: result 0"
    mov rax, TLS_MAGIC
    EXPECT qword [fe_fsval], rax, "after call 2 the foreign EC reads [fs:0] through the new FS base"
    LOG 2, FL_FSBASE
    lea rcx, [fe_tls]
    EXPECT rax, rcx, "call 3: the handler's UTCB fs.base (0x1D8) = the FS base set by reply 2"
    EXPECT qword [fe_r3], 0, "call 3: result 0"
    LOG 3, FL_RAX
    EXPECT rax, 231, "call 4: exit_group"
    LOG 3, FL_RDI
    EXPECT rax, 42, "call 4: exit code 42"

    ; ---- a foreign PD without a portal at base + CPU
    mov rdi, T_F2
    mov rsi, FOREIGN(BASE2)
    xor edx, edx
    xor ecx, ecx
    call lib_child_pd
    SETUP "second foreign PD (base 60, no portal there)"
    call lib_cstack_alloc
    mov r9, rax
    mov rdi, T_FE2
    mov rsi, T_F2
    mov rdx, CHILD_UTCB
    lea rcx, [fe2_main]
    xor r8d, r8d
    xor r10d, r10d
    call lib_new_ec
    SETUP "create_ec in the second foreign PD"
    HC_CREATE_SC T_FE2SC, SEL_ROOT_PD, T_FE2, QPD(1, 1000)
    STATUS_TO_RAX
    SETUP "create_sc"
    SLEEP 2000000
    EXPECT qword [fe2_before], 1, "the EC without a portal ran up to its syscall"
    EXPECT qword [fe2_after], 0, "it never resumed after the syscall (killed)"
    EXPECT qword [fh_count], 4, "the handler saw no call from it"
    HC_SC_CTRL T_FE2SC
    mov rbx, rsi
    shl rbx, 32
    mov edx, edx
    or rbx, rdx
    EXPECT_STATUS rdi, SUCCESS, "sc_ctrl on its SC"
    SLEEP 2000000
    HC_SC_CTRL T_FE2SC
    mov rax, rsi
    shl rax, 32
    mov edx, edx
    or rax, rdx
    EXPECT rax, rbx, "its SC consumed no time while the root slept again (the EC is dead)"
    EXPECT qword [fe_after_exit], 0, "the first foreign EC never returned from exit_group"
    DONE

; ---- the foreign-syscall handler (root PD, local EC; rdi = portal ID)
fs_handler:
    mov r12, [fh_utcb]
    mov rax, [fh_count]
    inc qword [fh_count]
    cmp rax, 8
    jb .log_ok
    mov rax, 7
.log_ok:
    imul rbx, rax, FL_SIZE
    lea rcx, [fh_log]
    add rbx, rcx
    mov [rbx+FL_ID], rdi
    mov rax, [r12+U_RAX]
    mov [rbx+FL_RAX], rax
    mov rax, [r12+U_RDI]
    mov [rbx+FL_RDI], rax
    mov rax, [r12+U_RSI]
    mov [rbx+FL_RSI], rax
    mov rax, [r12+U_RDX]
    mov [rbx+FL_RDX], rax
    mov rax, [r12+U_R10]
    mov [rbx+FL_R10], rax
    mov rax, [r12+U_R8]
    mov [rbx+FL_R8], rax
    mov rax, [r12+U_R9]
    mov [rbx+FL_R9], rax
    mov rax, [r12+U_RCX]
    mov [rbx+FL_RCX], rax
    mov rax, [r12+U_R11]
    mov [rbx+FL_R11], rax
    mov rax, [r12+U_MTD]
    mov [rbx+FL_MTD], rax
    mov rax, [r12+U_FS_BASE]
    mov [rbx+FL_FSBASE], rax
    mov r13, MTD_RIP_LEN | MTD_RSP | MTD_GPR_ACDB
    mov rax, [r12+U_RAX]
    cmp rax, 39
    je .getpid
    cmp rax, 158
    je .arch_prctl
    cmp rax, 500
    je .zero
    cmp rax, 231
    je .exit
    mov rax, -38                    ; -ENOSYS
    jmp .reply
.getpid:
    mov eax, 1234
    jmp .reply
.arch_prctl:
    mov rax, -22                    ; -EINVAL
    cmp qword [r12+U_RDI], 0x1002   ; ARCH_SET_FS
    jne .reply
    mov rax, [r12+U_RSI]
    mov [r12+U_FS_BASE], rax
    or r13, MTD_FS_GS
.zero:
    xor eax, eax
.reply:
    mov [r12+U_RAX], rax
    mov rax, [r12+U_RCX]
    mov [r12+U_RIP], rax
    mov rax, [r12+U_R11]
    mov [r12+U_RSP], rax
    mov [r12+U_MTD], r13
    mov dword [r12+U_ITEMS], 0
    mov rsp, [fh_stack_top]
    HC_REPLY
.exit:
    HC_SM_UP SEL_DONE
.park:
    HC_SM_DOWN T_FHPARK
    jmp .park

; ---- the foreign ECs (Linux-style code: `syscall` with the Linux ABI)
section .ctext
fe_main:
    mov [fe_rsp0], rsp
    mov eax, 39
    mov edi, 0x1111
    mov esi, 0x2222
    mov edx, 0x3333
    mov r10d, 0x4444
    mov r8d, 0x5555
    mov r9d, 0x6666
    mov ebx, 0x7777
    mov ebp, 0x8888
    mov r12d, 0xC12
    mov r13d, 0xC13
    mov r14d, 0xC14
    mov r15d, 0xC15
    syscall
fe_ret1:
    mov [fe_out+FO_RAX], rax
    mov [fe_out+FO_RCX], rcx
    mov [fe_out+FO_RDX], rdx
    mov [fe_out+FO_RBX], rbx
    mov [fe_out+FO_RSP], rsp
    mov [fe_out+FO_RBP], rbp
    mov [fe_out+FO_RSI], rsi
    mov [fe_out+FO_RDI], rdi
    mov [fe_out+FO_R8], r8
    mov [fe_out+FO_R9], r9
    mov [fe_out+FO_R10], r10
    mov [fe_out+FO_R11], r11
    mov [fe_out+FO_R12], r12
    mov [fe_out+FO_R13], r13
    mov [fe_out+FO_R14], r14
    mov [fe_out+FO_R15], r15
    pushfq
    pop qword [fe_out+FO_RFLAGS]
    mov eax, 158                    ; arch_prctl(ARCH_SET_FS, &fe_tls)
    mov edi, 0x1002
    lea rsi, [fe_tls]
    syscall
    mov [fe_r2], rax
    mov rax, [fs:0]
    mov [fe_fsval], rax
    mov eax, 500
    syscall
    mov [fe_r3], rax
    mov eax, 231                    ; exit_group(42)
    mov edi, 42
    syscall
    mov qword [fe_after_exit], 1
.spin:
    jmp .spin

fe2_main:
    mov qword [fe2_before], 1
    mov eax, 39
    syscall
    mov qword [fe2_after], 1
.spin:
    jmp .spin

section .cdata
align 16
fe_tls:         dq TLS_MAGIC
fe_rsp0:        dq 0
fe_r2:          dq -1
fe_r3:          dq -1
fe_fsval:       dq 0
fe_after_exit:  dq 0
fe2_before:     dq 0
fe2_after:      dq 0
fe_out:         times 17 dq 0

section .data
align 8
fh_utcb:        dq 0
fh_stack_top:   dq 0
fh_count:       dq 0
fh_log:         times 8*FL_SIZE db 0

END_TEST
