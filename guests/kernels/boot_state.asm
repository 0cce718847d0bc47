; boot_state — the machine state at entry promised by docs/boot-protocol.md:
; registers, control registers and MSRs, descriptor tables, the boot page
; tables (identity map with 2 MiB pages, supervisor, writable, executable), the
; boot information block, x87/SSE state, and the ELF loading itself (.data
; initialised, .bss zero-filled from p_memsz > p_filesz).
; Descriptor formats: SDM Vol. 3 §3.4.5 (segment descriptors), §4.5 (paging).

%include "lib.inc"

BOOT_MAGIC  equ 0x31544F4F42554D45      ; "EMUBOOT1"

%macro SAVE 1
    mov [e_ %+ %1], %1
%endmacro

section .text
global _start
_start:
    SAVE rax
    SAVE rbx
    SAVE rcx
    SAVE rdx
    SAVE rsi
    SAVE rdi
    SAVE rbp
    SAVE rsp
    SAVE r8
    SAVE r9
    SAVE r10
    SAVE r11
    SAVE r12
    SAVE r13
    SAVE r14
    SAVE r15
    pushfq
    pop qword [e_rflags]
    ; .bss must be zero before anyone writes to it
    lea rsi, [zero_probe]
    xor eax, eax
    mov ecx, 8192/8
.scan:
    or rax, [rsi]
    add rsi, 8
    dec ecx
    jnz .scan
    mov [e_bss_or], rax
    xor eax, eax
    mov ax, cs
    mov [e_cs], rax
    mov ax, ds
    mov [e_ds], rax
    mov ax, es
    mov [e_es], rax
    mov ax, ss
    mov [e_ss], rax
    mov ax, fs
    mov [e_fs], rax
    mov ax, gs
    mov [e_gs], rax
    sgdt [e_gdtr]
    sidt [e_idtr]
    fnstenv [e_fenv]
    stmxcsr [e_mxcsr]
    fninit

    call lib_init
    KERNEL_NAME "boot_state"

    ; ---- general registers
    EXPECT qword [e_rdi], 0x2000, "RDI = 0x2000 (boot info)"
    EXPECT qword [e_rsp], 0x80000, "RSP = 0x80000"
    EXPECT qword [e_rflags], 0x2, "RFLAGS = 0x2"
    mov rax, [e_rax]
    or rax, [e_rbx]
    or rax, [e_rcx]
    or rax, [e_rdx]
    or rax, [e_rsi]
    or rax, [e_rbp]
    or rax, [e_r8]
    or rax, [e_r9]
    or rax, [e_r10]
    or rax, [e_r11]
    or rax, [e_r12]
    or rax, [e_r13]
    or rax, [e_r14]
    or rax, [e_r15]
    EXPECT rax, 0, "other GPRs are 0"

    ; ---- segments
    EXPECT qword [e_cs], 0x08, "CS = 0x08"
    EXPECT qword [e_ds], 0x10, "DS = 0x10"
    EXPECT qword [e_es], 0x10, "ES = 0x10"
    EXPECT qword [e_ss], 0x10, "SS = 0x10"
    EXPECT qword [e_fs], 0, "FS = 0"
    EXPECT qword [e_gs], 0, "GS = 0"
    mov ecx, MSR_FS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0, "FS base = 0"
    mov ecx, MSR_GS_BASE
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0, "GS base = 0"

    ; ---- control registers, EFER
    mov rax, cr0
    EXPECT rax, 0x80010033, "CR0 = 0x80010033"
    mov rax, cr4
    EXPECT rax, 0x620, "CR4 = 0x620"
    mov rax, cr3
    EXPECT rax, 0x10000, "CR3 = 0x10000"
    mov ecx, MSR_EFER
    rdmsr
    shl rdx, 32
    or rax, rdx
    EXPECT rax, 0xD01, "EFER = 0xD01"

    ; ---- descriptor tables
    movzx eax, word [e_gdtr]
    EXPECT rax, 0x3F, "GDTR.limit = 0x3F"
    EXPECT qword [e_gdtr+2], 0x1000, "GDTR.base = 0x1000"
    movzx eax, word [e_idtr]
    EXPECT rax, 0, "IDTR.limit = 0"
    EXPECT qword [e_idtr+2], 0, "IDTR.base = 0"
    EXPECT qword [abs 0x1000], 0, "GDT[0] null"
    mov rdi, [abs 0x1008]
    call desc_bits
    EXPECT rax, 0x1098, "GDT 0x08: present DPL0 code, L=1 D=0"
    mov rdi, [abs 0x1010]
    call desc_bits
    EXPECT rax, 0x0092, "GDT 0x10: present DPL0 writable data"
    mov rdi, [abs 0x1018]
    call desc_bits
    EXPECT rax, 0x20F8, "GDT 0x18: present DPL3 code, L=0 D=1"
    mov rdi, [abs 0x1020]
    call desc_bits
    EXPECT rax, 0x00F2, "GDT 0x20: present DPL3 writable data"
    mov rdi, [abs 0x1028]
    call desc_bits
    EXPECT rax, 0x10F8, "GDT 0x28: present DPL3 code, L=1 D=0"

    ; ---- boot page tables
    xor edi, edi
    call walk
    EXPECT rax, 0x83, "VA 0: 2 MiB page, P|W, supervisor, executable, maps PA 0"
    mov edi, 0x100000
    call walk
    EXPECT rax, 0x83, "VA 0x100000 (kernel): same"
    mov edi, 0x70000
    call walk
    EXPECT rax, 0x83, "VA 0x70000 (stack): same"
    mov edi, 0xC0000000
    call walk
    EXPECT rax, 0x83, "VA 0xC0000000: identity 2 MiB page (first 4 GiB mapped)"
    mov edi, 0xFFE00000
    call walk
    EXPECT rax, 0x83, "VA 0xFFE00000: identity 2 MiB page"
    mov rdi, [abs 0x2030]
    dec rdi
    call walk
    EXPECT rax, 0x83, "last byte of RAM: identity 2 MiB page"
    mov rax, [abs 0x10000]
    and eax, 0x7
    EXPECT rax, 0x3, "PML4[0]: P|W, U=0"
    mov qword [abs 0x70000], 0x5A5A
    EXPECT qword [abs 0x70000], 0x5A5A, "stack bottom 0x70000 is writable"

    ; ---- boot information
    mov rbx, BOOT_MAGIC
    EXPECT qword [abs 0x2000], rbx, "boot info magic 'EMUBOOT1'"
    mov eax, [abs 0x2008]
    EXPECT rax, 1, "boot info version 1"
    mov eax, [abs 0x200C]
    test eax, eax
    setnz al
    movzx eax, al
    EXPECT rax, 1, "mmap_count >= 1"
    mov rax, [abs 0x2030]
    cmp rax, 0x200000
    setae al
    movzx eax, al
    EXPECT rax, 1, "ram_size >= 2 MiB"
    call check_mmap
    EXPECT r12, 0, "every mmap entry has type 1, 2 or 3"
    EXPECT r13, 1, "a type-3 (kernel image) entry covers _start"
    EXPECT r14, 1, "a type-3 entry covers the last byte of .bss"
    EXPECT r15, 1, "there is a type-1 (usable RAM) entry"
    ; cmdline: a NUL-terminated string
    mov rsi, [abs 0x2018]
    test rsi, rsi
    setnz al
    movzx eax, al
    EXPECT rax, 1, "cmdline_addr != 0"
    xor ecx, ecx
.cl:
    cmp byte [rsi+rcx], 0
    je .cl_end
    inc ecx
    cmp ecx, 4096
    jb .cl
.cl_end:
    cmp ecx, 4096
    setb al
    movzx eax, al
    EXPECT rax, 1, "cmdline is NUL-terminated within 4 KiB"
    push rsi
    lea rsi, [s_cmdline]
    call lib_puts
    pop rsi
    call lib_puts
    mov al, '"'
    call lib_putc
    call lib_newline

    ; ---- x87 / SSE
    movzx eax, word [e_fenv]
    EXPECT rax, 0x037F, "x87 FCW = 0x037F (FNINIT)"
    movzx eax, word [e_fenv+4]
    EXPECT rax, 0, "x87 FSW = 0"
    movzx eax, word [e_fenv+8]
    EXPECT rax, 0xFFFF, "x87 tag word: all empty"
    mov eax, [e_mxcsr]
    EXPECT rax, 0x1F80, "MXCSR = 0x1F80"

    ; ---- ELF loading
    mov rbx, 0x0123456789ABCDEF
    EXPECT qword [data_probe], rbx, ".data loaded from the file"
    EXPECT qword [e_bss_or], 0, ".bss (p_memsz beyond p_filesz) zero-filled"

    DONE

; desc_bits: RDI = descriptor -> RAX = access byte & 0xF8 (P, DPL, S, code)
;   code segments: | (L, D bits) << 12; data segments: | writable bit (0x02)
desc_bits:
    mov rax, rdi
    shr rax, 40
    and eax, 0xF8
    mov rdx, rdi
    shr rdx, 40
    test dl, 0x08                   ; code?
    jz .data
    mov rdx, rdi
    shr rdx, 53
    and edx, 3
    shl edx, 12
    or eax, edx
    ret
.data:
    and edx, 0x02
    or eax, edx
    ret

; walk: RDI = VA -> RAX = leaf flags & 0x87 (P W U PS), or 0x80000000 | level
; when the leaf is not a 2 MiB page, or 0x40000000 when the frame is not RDI's
; 2 MiB frame or XD is set; 0 if not present.
walk:
    mov rax, cr3
    mov rsi, 0x000FFFFFFFFFF000
    and rax, rsi
    mov rcx, rdi
    shr rcx, 39
    and ecx, 511
    mov rax, [rax+rcx*8]
    test al, 1
    jz .np
    and rax, rsi
    mov rcx, rdi
    shr rcx, 30
    and ecx, 511
    mov rax, [rax+rcx*8]
    test al, 1
    jz .np
    test al, 0x80
    jnz .notpd
    and rax, rsi
    mov rcx, rdi
    shr rcx, 21
    and ecx, 511
    mov rax, [rax+rcx*8]
    test al, 1
    jz .np
    test al, 0x80
    jz .notpd
    mov rdx, rax
    mov rcx, 0x800FFFFFFFE00000     ; XD + frame
    and rdx, rcx
    mov rcx, rdi
    and rcx, -0x200000
    cmp rdx, rcx
    jne .badframe
    and eax, 0x87
    ret
.notpd:
    mov eax, 0x80000000
    ret
.badframe:
    mov eax, 0x40000000
    ret
.np:
    xor eax, eax
    ret

; check_mmap -> R12 = count of entries with a bad type, R13 = type 3 covers
; _start, R14 = type 3 covers __bss_end - 1, R15 = a type-1 entry exists
check_mmap:
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    mov rsi, [abs 0x2010]
    mov ecx, [abs 0x200C]
.e:
    test ecx, ecx
    jz .done
    mov eax, [rsi+16]
    cmp eax, 1
    jb .bad
    cmp eax, 3
    ja .bad
    jne .not3
    mov rbx, [rsi]
    mov rdx, rbx
    add rdx, [rsi+8]                ; end
    lea rdi, [_start]
    cmp rdi, rbx
    jb .k2
    cmp rdi, rdx
    jae .k2
    mov r13d, 1
.k2:
    lea rdi, [__bss_end]
    dec rdi
    cmp rdi, rbx
    jb .next
    cmp rdi, rdx
    jae .next
    mov r14d, 1
    jmp .next
.not3:
    cmp eax, 1
    jne .next
    mov r15d, 1
    jmp .next
.bad:
    inc r12d
.next:
    add rsi, 24
    dec ecx
    jmp .e
.done:
    ret

section .rodata
s_cmdline: db "# cmdline: ", '"', 0

section .data
align 8
data_probe: dq 0x0123456789ABCDEF

section .bss
alignb 8
zero_probe: resb 8192
%macro DECL 1
e_ %+ %1: resq 1
%endmacro
DECL rax
DECL rbx
DECL rcx
DECL rdx
DECL rsi
DECL rdi
DECL rbp
DECL rsp
DECL r8
DECL r9
DECL r10
DECL r11
DECL r12
DECL r13
DECL r14
DECL r15
e_rflags:   resq 1
e_bss_or:   resq 1
e_cs:       resq 1
e_ds:       resq 1
e_es:       resq 1
e_ss:       resq 1
e_fs:       resq 1
e_gs:       resq 1
e_gdtr:     resb 16
e_idtr:     resb 16
e_fenv:     resb 32
e_mxcsr:    resd 1

END_KERNEL
