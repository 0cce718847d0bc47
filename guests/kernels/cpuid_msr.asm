; cpuid_msr — CPUID identity of the emulated Ivy Bridge, TSC, and MSR round trips.
;   CPUID (SDM Vol. 2A CPUID): leaf 0 max leaf + "GenuineIntel"; leaf 1 EAX
;     version = 0x000306A9 (family 6, model 58 = 0x3A, stepping 9), EDX feature
;     bits; 0x80000000 max extended leaf; 0x80000001 EDX SYSCALL(11) NX(20)
;     RDTSCP(27) LM(29); 0x80000002-4 brand string.
;   RDTSC/RDTSCP (Vol. 2B): EDX:EAX = TSC (upper halves of RAX/RDX zero), the TSC
;     counts up; RDTSCP also returns IA32_TSC_AUX[31:0] in ECX; IA32_TSC (MSR 0x10).
;   MSRs (Vol. 4 Table 2-2): IA32_KERNEL_GS_BASE C0000102H, IA32_TSC_AUX C0000103H,
;     IA32_FS_BASE C0000100H (used as the FS base in 64-bit mode, Vol. 3 §3.4.4).

%include "lib.inc"

LEAF1_EDX_MASK  equ (1<<0)|(1<<4)|(1<<5)|(1<<6)|(1<<8)|(1<<15)|(1<<23)|(1<<24)|(1<<25)|(1<<26)
                ; FPU TSC MSR PAE CX8 CMOV MMX FXSR SSE SSE2
EXT1_EDX_MASK   equ (1<<11)|(1<<20)|(1<<27)|(1<<29)
                ; SYSCALL NX RDTSCP LM

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "cpuid_msr"

    ; ---- leaf 0
    xor eax, eax
    xor ecx, ecx
    cpuid
    mov r12, rax
    cmp eax, 0xD
    setae al
    movzx eax, al
    EXPECT rax, 1, "CPUID.0: max basic leaf >= 0xD"
    EXPECT rbx, 0x756E6547, "CPUID.0: EBX = 'Genu'"
    EXPECT rdx, 0x49656E69, "CPUID.0: EDX = 'ineI'"
    EXPECT rcx, 0x6C65746E, "CPUID.0: ECX = 'ntel'"

    ; ---- leaf 1
    mov eax, 1
    xor ecx, ecx
    cpuid
    EXPECT rax, 0x000306A9, "CPUID.1: EAX = 0x000306A9 (family 6 model 58 stepping 9)"
    and edx, LEAF1_EDX_MASK
    EXPECT rdx, LEAF1_EDX_MASK, "CPUID.1: EDX has FPU TSC MSR PAE CX8 CMOV MMX FXSR SSE SSE2"

    ; ---- extended leaves
    mov eax, 0x80000000
    xor ecx, ecx
    cpuid
    cmp eax, 0x80000004
    setae al
    movzx eax, al
    EXPECT rax, 1, "CPUID.80000000H: max extended leaf >= 0x80000004"
    mov eax, 0x80000001
    xor ecx, ecx
    cpuid
    and edx, EXT1_EDX_MASK
    EXPECT rdx, EXT1_EDX_MASK, "CPUID.80000001H: EDX has SYSCALL NX RDTSCP LM"

    lea rdi, [brand]
    mov r13d, 0x80000002
.brand:
    mov eax, r13d
    xor ecx, ecx
    cpuid
    mov [rdi], eax
    mov [rdi+4], ebx
    mov [rdi+8], ecx
    mov [rdi+12], edx
    add rdi, 16
    inc r13d
    cmp r13d, 0x80000004
    jbe .brand
    mov byte [brand+48], 0
    xor eax, eax                    ; count of bytes that are neither NUL nor space
    xor ecx, ecx
.scan:
    mov dl, [brand+rcx]
    test dl, dl
    jz .next
    cmp dl, ' '
    je .next
    inc eax
.next:
    inc ecx
    cmp ecx, 48
    jb .scan
    test eax, eax
    setnz al
    movzx eax, al
    EXPECT rax, 1, "CPUID.80000002H-4H: brand string not empty"
    lea rsi, [s_brand]
    call lib_puts
    lea rsi, [brand]
    call lib_puts
    call lib_newline

    ; ---- TSC
    mov rax, -1
    mov rdx, -1
    rdtsc
    mov r12, rax
    mov r13, rdx
    shr r12, 32
    shr r13, 32
    or r12, r13
    EXPECT r12, 0, "RDTSC zeroes RAX[63:32] and RDX[63:32]"
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r12, rax
    mov ecx, 100
.spin:
    dec ecx
    jnz .spin
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r13, rax
    cmp r13, r12
    seta al
    movzx eax, al
    EXPECT rax, 1, "RDTSC strictly increases between two reads"
%ifndef QEMU_REF
    mov ecx, 0x10                   ; IA32_TIME_STAMP_COUNTER
    rdmsr
    shl rdx, 32
    or rax, rdx
    cmp rax, r13
    seta al
    movzx eax, al
    EXPECT rax, 1, "RDMSR IA32_TSC (0x10) is past the last RDTSC"
%else
    QEMU_SKIP 1, "MSR 0x10 reads 0 under TCG"
%endif

    ; ---- MSR round trips
    mov ecx, MSR_KGS_BASE
    mov eax, 0xDEADB000
    mov edx, 0xFFFF8000
    wrmsr
    xor eax, eax
    xor edx, edx
    mov ecx, MSR_KGS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov rbx, 0xFFFF8000DEADB000
    EXPECT rax, rbx, "WRMSR/RDMSR IA32_KERNEL_GS_BASE round trip"

    mov ecx, MSR_TSC_AUX
    mov eax, 0x1234ABCD
    xor edx, edx
    wrmsr
    xor eax, eax
    mov ecx, MSR_TSC_AUX
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0x1234ABCD, "WRMSR/RDMSR IA32_TSC_AUX round trip"
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r12, rax
    mov rcx, -1
    rdtscp
    EXPECT rcx, 0x1234ABCD, "RDTSCP: RCX = IA32_TSC_AUX (upper half zeroed)"
    shl rdx, 32
    or rax, rdx
    cmp rax, r12
    seta al
    movzx eax, al
    EXPECT rax, 1, "RDTSCP: TSC past the previous RDTSC"

    lea rax, [fs_data]
    mov rdx, rax
    shr rdx, 32
    mov ecx, MSR_FS_BASE
    wrmsr
    mov ecx, MSR_FS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    lea rbx, [fs_data]
    EXPECT rax, rbx, "WRMSR/RDMSR IA32_FS_BASE round trip"
    mov rax, [fs:0]
    mov rbx, 0xF5F5F5F5A0A0A0A0
    EXPECT rax, rbx, "mov rax, [fs:0] reads through FS_BASE"
    mov rax, [fs:8]
    EXPECT rax, 0x42, "mov rax, [fs:8] reads through FS_BASE"
    xor eax, eax
    xor edx, edx
    mov ecx, MSR_FS_BASE
    wrmsr

    mov ecx, MSR_EFER
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0xD01, "IA32_EFER = 0xD01 (SCE LME LMA NXE)"

    DONE

section .rodata
s_brand: db "# brand: ", 0

section .data
align 8
fs_data: dq 0xF5F5F5F5A0A0A0A0, 0x42

section .bss
brand:  resb 64

END_KERNEL
