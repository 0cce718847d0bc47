; boot_higher_half — a kernel linked at 0xFFFFFFFF80100000 (p_vaddr) and loaded
; at 0x100000 (p_paddr), entered at its high e_entry. docs/boot-protocol.md: the
; loader copies segments to p_paddr and, when p_vaddr != p_paddr, maps p_vaddr to
; p_paddr with 4 KiB pages; the identity map of RAM stays.
; Paging structures: SDM Vol. 3 §4.5.

%include "lib.inc"

KERNEL_VMA  equ 0xFFFFFFFF80000000

section .text
global _start
_start:
    mov [e_rdi], rdi
    mov [e_rsp], rsp
    call lib_init
    KERNEL_NAME "boot_higher_half"

    lea rax, [rel _start]
    mov rbx, 0xFFFFFFFF80100000
    cmp rax, rbx
    setae al
    movzx eax, al
    EXPECT rax, 1, "running at the high virtual address"
    EXPECT qword [e_rdi], 0x2000, "RDI = 0x2000"
    EXPECT qword [e_rsp], 0x80000, "RSP = 0x80000"

    ; the translation of _start: a 4 KiB PTE -> its p_paddr
    lea rdi, [_start]
    call walk4k
    mov rbx, rax
    lea rax, [_start]
    mov rcx, KERNEL_VMA
    sub rax, rcx
    and rax, -4096
    EXPECT rbx, rax, "_start is mapped by a 4 KiB PTE to p_paddr"
    lea rdi, [hh_data]
    call walk4k
    mov rbx, rax
    lea rax, [hh_data]
    mov rcx, KERNEL_VMA
    sub rax, rcx
    and rax, -4096
    EXPECT rbx, rax, ".data page mapped by a 4 KiB PTE to p_paddr"
    lea rdi, [hh_bss]
    call walk4k
    mov rbx, rax
    lea rax, [hh_bss]
    mov rcx, KERNEL_VMA
    sub rax, rcx
    and rax, -4096
    EXPECT rbx, rax, ".bss page mapped by a 4 KiB PTE to p_paddr"

    ; the same bytes through both mappings
    lea rsi, [hh_data]
    mov rdi, rsi
    mov rcx, KERNEL_VMA
    sub rdi, rcx                    ; physical = identity address
    mov rbx, 0x0123456789ABCDEF
    EXPECT qword [rsi], rbx, ".data reads its initial value at the high address"
    EXPECT qword [rdi], rbx, "... and at p_paddr through the identity map"
    mov rax, 0x1122334455667788
    mov [rsi], rax
    EXPECT qword [rdi], rax, "a write at the high address lands at p_paddr"
    EXPECT qword [hh_bss], 0, ".bss is zero"

    ; exceptions with an IDT at a high address
    ARM .ud_done
.ud:
    ud2
.ud_done:
    mov rax, .ud
    EXPECT_FAULT 6, NOERR, rax, "#UD delivered through the high-address IDT"

    ; low identity map still there
    mov rbx, 0x31544F4F42554D45
    EXPECT qword [abs 0x2000], rbx, "boot info still readable at 0x2000"

    DONE

; walk4k: RDI = VA -> RAX = frame of its 4 KiB PTE (flags masked), or
; 1 if not present, 2 if a large page maps it, 3 if the PTE lacks P|W.
walk4k:
    mov rax, cr3
    mov rsi, 0x000FFFFFFFFFF000
    and rax, rsi
    mov ecx, 39
.lvl:
    mov rdx, rdi
    shr rdx, cl
    and edx, 511
    mov rax, [rax+rdx*8]
    test al, 1
    jz .np
    cmp ecx, 12
    je .leaf
    test al, 0x80
    jnz .large
    and rax, rsi
    sub ecx, 9
    jmp .lvl
.leaf:
    mov rdx, rax
    and edx, 3
    cmp edx, 3
    jne .rights
    and rax, rsi
    ret
.np:
    mov eax, 1
    ret
.large:
    mov eax, 2
    ret
.rights:
    mov eax, 3
    ret

section .data
align 8
hh_data: dq 0x0123456789ABCDEF

section .bss
alignb 8
e_rdi:  resq 1
e_rsp:  resq 1
hh_bss: resq 64

END_KERNEL
