; paging_large — 2 MiB and 1 GiB pages, page-crossing accesses, canonical checks.
;   PS=1 in a PDE maps 2 MiB, in a PDPTE 1 GiB if CPUID.80000001H:EDX[26]
;     (SDM Vol. 3 §4.5.4, Tables 4-15/4-17); their reserved bits are 20:13 / 29:13.
;   The walk sets A and, on a write, D in the large-page entry (§4.8).
;   INVLPG of any address in a large page invalidates the whole page (§4.10.4.1).
;   An access that spans two pages faults if either is not present; CR2 is the
;     address of the first byte the fault applies to (the start of the second
;     page, or the access address itself if the first page is not present), and
;     a faulting instruction has no effect (§4.7, Vol. 3 §6.5 faults are restartable).
;   Non-canonical addresses: #GP(0) for ordinary accesses, #SS(0) for accesses
;     through RSP/RBP (Vol. 3 §6.15 "Interrupt 12"/"Interrupt 13", Vol. 2B PUSH);
;     the #SS from a push with a bad RSP is delivered on an IST stack (§6.14.5).

%include "lib.inc"

VA_2M   equ 0x0000000040000000          ; lib_pdpt[1] -> pd_b, pd_b[0] = 2 MiB page at phys 0
VA_1G   equ 0x0000008000000000          ; lib_pml4[1] -> pdpt_b, pdpt_b[0] = 1 GiB page at phys 0
PHYS_HI equ 0x3FF000                    ; a RAM address above 2 MiB

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "paging_large"
    call paging_init
    xor edi, edi
    call tss_init

    mov eax, 0x80000001
    cpuid
    shr edx, 26
    and edx, 1
    EXPECT rdx, 1, "CPUID.80000001H:EDX[26] (1-GiB pages) is set"
    mov rax, [abs 0x2030]               ; boot info ram_size
    cmp rax, 0x400000
    setae al
    movzx eax, al
    EXPECT rax, 1, "boot info ram_size >= 4 MiB (needed below)"

    ; build the two aliases
    lea rax, [pdpt_b]
    or rax, PTE_P|PTE_W
    mov [lib_pml4+8], rax
    mov qword [pdpt_b], PTE_P|PTE_W|PTE_PS
    mov rax, 0x40000000 | (1 << 13) | PTE_P | PTE_W | PTE_PS
    mov [pdpt_b+8], rax
    lea rax, [pd_b]
    or rax, PTE_P|PTE_W
    mov [lib_pdpt+8], rax
    mov qword [pd_b], PTE_P|PTE_W|PTE_PS
    mov rax, cr3
    mov cr3, rax

    ; ---- aliasing
    lea rbx, [buf]
    mov rax, 0x0123456789ABCDEF
    mov [rbx], rax
    mov rcx, VA_2M
    mov rdx, [rcx+rbx]
    EXPECT rdx, rax, "2 MiB alias reads data written through the 4 KiB map"
    mov rcx, VA_1G
    mov rdx, [rcx+rbx]
    EXPECT rdx, rax, "1 GiB alias reads data written through the 4 KiB map"
    mov rax, 0xFEDCBA9876543210
    mov [rcx+rbx+8], rax
    EXPECT qword [buf+8], rax, "write through the 1 GiB alias seen through the 4 KiB map"
    mov rax, 0x5555AAAA5555AAAA
    mov rcx, VA_2M
    mov [rcx+rbx+16], rax
    mov rcx, VA_1G
    mov rdx, [rcx+rbx+16]
    EXPECT rdx, rax, "write through the 2 MiB alias seen through the 1 GiB alias"
    mov rax, [pd_b]
    and eax, PTE_A|PTE_D
    EXPECT rax, PTE_A|PTE_D, "A and D set in the 2 MiB PDE after a write"
    mov rax, [pdpt_b]
    and eax, PTE_A|PTE_D
    EXPECT rax, PTE_A|PTE_D, "A and D set in the 1 GiB PDPTE after a write"

    mov rax, 0x1111222233334444
    mov [abs PHYS_HI], rax
    mov rcx, VA_1G + PHYS_HI
    mov rdx, [rcx]
    EXPECT rdx, rax, "1 GiB page: offset above 2 MiB reaches the right frame"

    ; ---- reserved bit in a 1 GiB PDPTE
    mov rbx, VA_1G + 0x40000000 + 0x100
    ARM .rsv_done
.rsv:
    mov rax, [rbx]
.rsv_done:
    EXPECT_FAULT 14, QV(9, 8), .rsv, "1 GiB PDPTE with bit 13 set: #PF(RSVD|P=9)"
    EXPECT qword [exc_cr2], rbx, "... CR2 = address"

    ; ---- INVLPG on a 2 MiB page, through another address in it
    lea rbx, [buf]
    mov rax, 0x7777888899990000
    mov [rbx+0x200000], rax             ; phys 0x200000 + buf, via the identity map
    mov rcx, VA_2M
    mov rdx, [rcx+rbx]                  ; old frame, maybe cached
    mov qword [pd_b], 0x200000 | PTE_P | PTE_W | PTE_PS
    invlpg [abs VA_2M + 0x12345]
    mov rdx, [rcx+rbx]
    EXPECT rdx, rax, "INVLPG of another address in the 2 MiB page flushes it"
    mov qword [pd_b], PTE_P|PTE_W|PTE_PS
    invlpg [abs VA_2M]

    ; ---- page-crossing accesses (4 KiB pages sp0 sp1 sp2 of the identity map)
    mov rax, 0x1111111111111111
    mov [sp0 + 4088], rax
    lea rax, [sp1]
    call pte_of
    mov r12, rax                        ; &PTE(sp1)
    and qword [r12], ~PTE_P
    lea rax, [sp1]
    invlpg [rax]
    mov rax, 0xAAAAAAAAAAAAAAAA
    ARM .x1_done
.x1:
    mov [sp0 + 4092], rax
.x1_done:
    EXPECT_FAULT 14, 2, .x1, "qword write across into a not-present page: #PF(W=2)"
    lea rax, [sp1]
    EXPECT qword [exc_cr2], rax, "... CR2 = first byte of the second page"
    mov rax, 0x1111111111111111
    EXPECT qword [sp0 + 4088], rax, "... first page unchanged (no partial write)"
    ARM .x2_done
.x2:
    mov eax, [sp0 + 4094]
.x2_done:
    EXPECT_FAULT 14, 0, .x2, "dword read across into a not-present page: #PF(0)"
    lea rax, [sp1]
    EXPECT qword [exc_cr2], rax, "... CR2 = first byte of the second page"
    ARM .x3_done
.x3:
    mov rax, [sp1 + 4092]
.x3_done:
    EXPECT_FAULT 14, 0, .x3, "qword read starting in the not-present page: #PF(0)"
    lea rax, [sp1 + 4092]
    EXPECT qword [exc_cr2], rax, "... CR2 = the access address"
    or qword [r12], PTE_P
    lea rax, [sp1]
    invlpg [rax]
    mov rax, 0xAAAABBBBCCCCDDDD
    mov [sp0 + 4092], rax
    mov rdx, [sp0 + 4092]
    EXPECT rdx, rax, "with both pages present the crossing qword round-trips"
    mov eax, [sp1]
    EXPECT rax, 0xAAAABBBB, "... and its high half landed in the second page"

    ; ---- canonical checks
    mov rbx, 0x0000800000000000
    ARM .nc1_done
.nc1:
    mov rax, [rbx]
.nc1_done:
    EXPECT_FAULT 13, 0, .nc1, "read at 0x0000800000000000: #GP(0), not #PF"
    mov r13, rbp
    mov rbp, 0x0000800000000000
    ARM .nc2_done
.nc2:
    mov rax, [rbp]
.nc2_done:
    mov rbp, r13
    EXPECT_FAULT QV(12, 13), 0, .nc2, "read via RBP at 0x0000800000000000: #SS(0)"

%ifndef QEMU_REF
    mov edi, 12                         ; #SS on IST1: the faulting RSP is unusable
    mov ecx, 1
    call idt_set_ist
    mov r13, rsp
    ARM .nc3_done
    mov [exc_recover_rsp], rsp
    mov rsp, 0x0000800000000008
.nc3:
    push rax
.nc3_done:
    mov rsp, r13
    EXPECT_FAULT 12, 0, .nc3, "push with non-canonical RSP: #SS(0)"
    mov rax, 0x0000800000000008
    EXPECT qword [exc_rsp], rax, "... frame RSP = the unchanged bad RSP"
    lea rax, [lib_ist1_top]
    sub rax, 40
    EXPECT qword [exc_frame], rax, "... delivered on the IST1 stack"
%else
    QEMU_SKIP 3, "#GP instead of #SS for a non-canonical stack push (then a triple fault)"
%endif

    DONE

section .bss
alignb 4096
pdpt_b: resb 4096
pd_b:   resb 4096
sp0:    resb 4096
sp1:    resb 4096
sp2:    resb 4096
buf:    resb 64

END_KERNEL
