; page_faults — 4-level paging with 4 KiB pages: #PF error codes, CR2, A/D bits.
; SDM Vol. 3 §4.7 (page-fault exceptions): error code bit 0 P (protection
; violation vs. not present), bit 1 W/R, bit 2 U/S (CPL 3 access), bit 3 RSVD
; (reserved bit set in a paging-structure entry; P is then 1), bit 4 I/D
; (instruction fetch, with EFER.NXE=1); CR2 = the faulting linear address; the
; saved RIP is the faulting instruction (#PF is a fault, Vol. 3 §6.15 "Interrupt 14").
; Access rights (§4.6): R/W and U/S of every level combine; CR0.WP=0 lets CPL 0
; write read-only pages, never CPL 3; XD (bit 63) forbids fetches.
; A/D bits (§4.8): the walk sets A in every entry it uses, D in the PTE on a write.
; Reserved bits (§4.5.4, Table 4-20): bits 51:MAXPHYADDR, and 20:13 of a 2 MiB PDE.
; Every PTE change is followed by INVLPG (§4.10.4.1).
;
; Test region: virtual 0x200000 + k*4K (PD entry 1 -> pt_t) maps tpages + k*4K.

%include "lib.inc"

TBASE   equ 0x200000
%define TVA(k) (TBASE + (k) * 0x1000)

%macro SETPTE 2                     ; k, flags
    mov edi, %1
    mov rsi, %2
    call set_pte
%endmacro

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "page_faults"
    call paging_init
    xor edi, edi
    call tss_init
    lea rax, [pt_t]
    or rax, PTE_P|PTE_W|PTE_U
    mov [lib_pd+8], rax
    mov rax, cr3
    mov cr3, rax

    ; ---- baseline: a present page reads the data of its frame
    mov rax, 0x1122334455667788
    mov [tpages], rax
    SETPTE 0, PTE_P|PTE_W
    mov rbx, 0x1122334455667788
    EXPECT qword [TVA(0)], rbx, "present 4 KiB page reads its frame"

    ; ---- not present
    SETPTE 1, 0
    ARM .np1_done
.np1:
    mov rax, [TVA(1) + 0x123]
.np1_done:
    EXPECT_FAULT 14, 0, .np1, "read of a not-present page: #PF(0)"
    EXPECT qword [exc_cr2], TVA(1) + 0x123, "CR2 = faulting address (read)"

    ARM .np2_done
.np2:
    mov [TVA(1) + 0x456], rax
.np2_done:
    EXPECT_FAULT 14, 2, .np2, "write to a not-present page: #PF(W=2)"
    EXPECT qword [exc_cr2], TVA(1) + 0x456, "CR2 = faulting address (write)"

    ; ---- read-only page at CPL 0, CR0.WP = 1
    mov qword [tpages + 2*4096], 0xAAAA
    mov qword [tpages + 2*4096 + 8], 0
    SETPTE 2, PTE_P
    mov ebx, 0x5555
    ARM .ro1_done
.ro1:
    mov [TVA(2) + 8], rbx
.ro1_done:
    EXPECT_FAULT 14, 3, .ro1, "CPL0 write to read-only page with CR0.WP=1: #PF(P|W=3)"
    EXPECT qword [exc_cr2], TVA(2) + 8, "CR2 = faulting address (protection)"
    EXPECT qword [tpages + 2*4096 + 8], 0, "faulting write left memory unchanged"
    ARM .ro2_done
    mov rax, [TVA(2)]
.ro2_done:
    EXPECT_NOFAULT "read of a read-only page does not fault"
    EXPECT rax, 0xAAAA, "read-only page reads its frame"

    ; ---- CR0.WP = 0: supervisor writes ignore R/W
    mov rax, cr0
    btr rax, 16
    mov cr0, rax
    ARM .wp_done
    mov [TVA(2) + 8], rbx
.wp_done:
    EXPECT_NOFAULT "CPL0 write to read-only page with CR0.WP=0 does not fault"
    EXPECT qword [tpages + 2*4096 + 8], 0x5555, "... and the write reached memory"
    mov rax, cr0
    bts rax, 16
    mov cr0, rax
    ARM .ro3_done
.ro3:
    mov [TVA(2) + 16], rbx
.ro3_done:
    EXPECT_FAULT 14, 3, .ro3, "CR0.WP=1 again: write faults again"

    ; ---- R/W = 0 in the PDE with R/W = 1 in the PTE: read-only
    mov rax, [lib_pd+8]
    btr rax, 1
    mov [lib_pd+8], rax
    mov rax, cr3
    mov cr3, rax
    ARM .pde_done
.pde:
    mov [TVA(0)], rbx
.pde_done:
    EXPECT_FAULT 14, 3, .pde, "PDE R/W=0 makes a writable PTE read-only: #PF(3)"
    mov rax, [lib_pd+8]
    bts rax, 1
    mov [lib_pd+8], rax
    mov rax, cr3
    mov cr3, rax

    ; ---- accessed and dirty bits
    SETPTE 3, PTE_P|PTE_W
    mov rax, [TVA(3)]
    mov rax, [pt_t + 3*8]
    and eax, PTE_A|PTE_D
    EXPECT rax, PTE_A, "read sets A, not D, in the PTE"
    mov qword [TVA(3)], 1
    mov rax, [pt_t + 3*8]
    and eax, PTE_A|PTE_D
    EXPECT rax, PTE_A|PTE_D, "write (translation cached clean) sets D in the PTE"
    ; A in the upper levels
    and qword [lib_pml4], ~PTE_A
    and qword [lib_pdpt], ~PTE_A
    and qword [lib_pd+8], ~PTE_A
    mov rax, cr3
    mov cr3, rax
    mov rax, [TVA(0)]
    mov rax, [lib_pd+8]
    and eax, PTE_A
    EXPECT rax, PTE_A, "walk sets A in the PDE"
    mov rax, [lib_pdpt]
    and eax, PTE_A
    EXPECT rax, PTE_A, "walk sets A in the PDPTE"
    mov rax, [lib_pml4]
    and eax, PTE_A
    EXPECT rax, PTE_A, "walk sets A in the PML4E"

    ; ---- reserved bits
    mov rax, (1 << 51) | PTE_P | PTE_W
    mov rsi, rax
    mov edi, 4
    call set_pte
    ARM .rsv1_done
.rsv1:
    mov rax, [TVA(4) + 0x10]
.rsv1_done:
    EXPECT_FAULT 14, QV(9, 8), .rsv1, "read via PTE with bit 51 set: #PF(RSVD|P=9)"
    EXPECT qword [exc_cr2], TVA(4) + 0x10, "CR2 = faulting address (RSVD)"
    ARM .rsv2_done
.rsv2:
    mov [TVA(4)], rax
.rsv2_done:
    EXPECT_FAULT 14, QV(0xB, 0xA), .rsv2, "write via PTE with bit 51 set: #PF(RSVD|W|P=0xB)"

    mov rax, 0x400000 | (1 << 13) | PTE_P | PTE_W | PTE_PS
    mov [lib_pd + 2*8], rax
    invlpg [abs 0x400000]
    mov rbx, 0x400000
    ARM .rsv3_done
.rsv3:
    mov rax, [rbx]
.rsv3_done:
    mov rax, 0x400000 | PTE_P | PTE_W | PTE_PS
    mov [lib_pd + 2*8], rax
    invlpg [abs 0x400000]
    EXPECT_FAULT 14, QV(9, 8), .rsv3, "2 MiB PDE with bit 13 set: #PF(RSVD|P=9)"
    EXPECT qword [exc_cr2], 0x400000, "CR2 = faulting address (RSVD in PDE)"

    ; ---- execute-disable
    mov byte [tpages + 5*4096], 0xC3          ; ret
    mov word [tpages + 5*4096 + 16], 0xFECD   ; int 0xFE (for ring 3 below)
    mov rax, PTE_P | PTE_W | PTE_NX
    mov rsi, rax
    mov edi, 5
    call set_pte
    mov eax, TVA(5)
    ARM .nx1_done
    jmp rax
.nx1_done:
    EXPECT_FAULT 14, 0x11, TVA(5), "fetch from an XD page: #PF(I/D|P=0x11), RIP = target"
    EXPECT qword [exc_cr2], TVA(5), "CR2 = fetch address"
    ARM .nx2_done
    movzx eax, byte [TVA(5)]
.nx2_done:
    EXPECT_NOFAULT "data read from an XD page does not fault"
    EXPECT rax, 0xC3, "... and reads the frame"
    SETPTE 5, PTE_P|PTE_W
    ARM .nx3_done
    mov eax, TVA(5)
    call rax
.nx3_done:
    EXPECT_NOFAULT "fetch from the page with XD=0 works"

    SETPTE 6, 0
    mov eax, TVA(6)
    ARM .nx4_done
    jmp rax
.nx4_done:
    EXPECT_FAULT 14, 0x10, TVA(6), "fetch from a not-present page: #PF(I/D=0x10)"
    EXPECT qword [exc_cr2], TVA(6), "CR2 = fetch address (not present)"

    ; ---- CPL 3
    SETPTE 0, PTE_P|PTE_W                     ; supervisor page
    lea rdi, [u_load]
    lea rsi, [ustack_top]
    mov edx, TVA(0) + 8
    call call_user
    EXPECT rax, 14, "CPL3 read of a supervisor page: #PF"
    EXPECT qword [exc_error], 5, "... error code U|P = 5"
    EXPECT qword [exc_cr2], TVA(0) + 8, "... CR2 = address"
    lea rax, [u_load]
    EXPECT qword [exc_rip], rax, "... saved RIP = the user instruction"
    EXPECT qword [exc_cs], UCODE, "... saved CS = 0x2B"

    lea rdi, [u_store]
    lea rsi, [ustack_top]
    mov edx, TVA(0)
    call call_user
    EXPECT rax, 14, "CPL3 write to a supervisor page: #PF"
    EXPECT qword [exc_error], 7, "... error code U|W|P = 7"

    SETPTE 1, PTE_U|PTE_W                     ; not present
    lea rdi, [u_load]
    lea rsi, [ustack_top]
    mov edx, TVA(1)
    call call_user
    EXPECT rax, 14, "CPL3 read of a not-present page: #PF"
    EXPECT qword [exc_error], 4, "... error code U = 4"
    lea rdi, [u_store]
    lea rsi, [ustack_top]
    mov edx, TVA(1)
    call call_user
    EXPECT rax, 14, "CPL3 write to a not-present page: #PF"
    EXPECT qword [exc_error], 6, "... error code U|W = 6"

    mov qword [tpages + 7*4096], 0x77
    SETPTE 7, PTE_P|PTE_U                     ; user, read-only
    lea rdi, [u_load]
    lea rsi, [ustack_top]
    mov edx, TVA(7)
    call call_user
    EXPECT rax, USER_EXIT_VEC, "CPL3 read of a user read-only page works"
    EXPECT qword [user_exit_rax], 0x77, "... and reads the frame"
    lea rdi, [u_store]
    lea rsi, [ustack_top]
    mov edx, TVA(7)
    call call_user
    EXPECT rax, 14, "CPL3 write to a user read-only page: #PF"
    EXPECT qword [exc_error], 7, "... error code U|W|P = 7"
    mov rax, cr0
    btr rax, 16
    mov cr0, rax
    lea rdi, [u_store]
    lea rsi, [ustack_top]
    mov edx, TVA(7)
    call call_user
    mov rbx, rax
    mov rax, cr0
    bts rax, 16
    mov cr0, rax
    EXPECT rbx, 14, "CR0.WP=0 does not let CPL3 write a read-only page"
    EXPECT qword [exc_error], 7, "... error code 7"
    EXPECT qword [tpages + 7*4096], 0x77, "... memory unchanged"

    ; U/S = 0 in the PDE makes a user PTE supervisor
    mov rax, [lib_pd+8]
    btr rax, 2
    mov [lib_pd+8], rax
    mov rax, cr3
    mov cr3, rax
    lea rdi, [u_load]
    lea rsi, [ustack_top]
    mov edx, TVA(7)
    call call_user
    mov rbx, rax
    mov rax, [lib_pd+8]
    bts rax, 2
    mov [lib_pd+8], rax
    mov rax, cr3
    mov cr3, rax
    EXPECT rbx, 14, "PDE U/S=0 + PTE U/S=1, CPL3 read: #PF"
    EXPECT qword [exc_error], 5, "... error code U|P = 5"

    ; user fetch from an XD user page, then from an executable one
    mov rax, PTE_P | PTE_U | PTE_NX
    mov rsi, rax
    mov edi, 5
    call set_pte
    lea rdi, [u_jump]
    lea rsi, [ustack_top]
    mov edx, TVA(5) + 16
    call call_user
    EXPECT rax, 14, "CPL3 fetch from an XD user page: #PF"
    EXPECT qword [exc_error], 0x15, "... error code I/D|U|P = 0x15"
    EXPECT qword [exc_cr2], TVA(5) + 16, "... CR2 = fetch address"
    SETPTE 5, PTE_P|PTE_U
    lea rdi, [u_jump]
    lea rsi, [ustack_top]
    mov edx, TVA(5) + 16
    call call_user
    EXPECT rax, USER_EXIT_VEC, "CPL3 runs code on an executable user page"
    EXPECT qword [user_exit_rip], TVA(5) + 18, "... (int 0xFE there returned its RIP)"

    DONE

; set_pte: EDI = k, RSI = flags -> pt_t[k] = tpages + k*4K | flags; INVLPG TVA(k)
set_pte:
    push rax
    push rdx
    mov eax, edi
    shl eax, 12
    lea rdx, [tpages]
    add rax, rdx
    or rax, rsi
    lea rdx, [pt_t]
    mov [rdx+rdi*8], rax
    mov eax, edi
    shl eax, 12
    add eax, TBASE
    invlpg [rax]
    pop rdx
    pop rax
    ret

section .user
u_load:
    mov rax, [rdx]
    int USER_EXIT_VEC
u_store:
    mov qword [rdx], 0x5A
    int USER_EXIT_VEC
u_jump:
    jmp rdx
align 16
ustack: times 4096 db 0
ustack_top:

section .bss
alignb 4096
pt_t:   resb 4096
tpages: resb 8*4096

END_KERNEL
