; smc — self-modifying and cross-modifying code (single CPU).
; SDM Vol. 3 §11.6 "Self-Modifying Code": a write to a code byte is detected by
; the processor, which invalidates cached/prefetched instructions, so the new
; bytes are executed from then on (on P6 and later even for the instruction
; immediately following the store). Detection is by physical address: a store
; through another linear alias of the same frame also counts (§11.6, §4.10).
; Vol. 3 §9.1.3 (handling self- and cross-modifying code) describes the same.

%include "lib.inc"

ALIAS   equ 0x40000000              ; lib_pdpt[1] -> pd_b, pd_b[0] = 2 MiB page at phys 0

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "smc"
    call paging_init
    lea rax, [pd_b]
    or rax, PTE_P|PTE_W
    mov [lib_pdpt+8], rax
    mov qword [pd_b], PTE_P|PTE_W|PTE_PS
    mov rax, cr3
    mov cr3, rax

    ; ---- 1. patch the immediate of a warm function
    mov ecx, 1000
.warm1:
    call fn_imm
    dec ecx
    jnz .warm1
    EXPECT rax, 0x11111111, "warm function returns its original immediate"
    mov dword [fn_imm.i + 1], 0x22222222
    call fn_imm
    EXPECT rax, 0x22222222, "after patching its imm32 the function returns the new value"

    ; ---- 2. each iteration stores into the very next instruction
    xor ecx, ecx
    xor r8d, r8d
.l2:
    mov [.l2i + 1], ecx
.l2i:
    mov eax, 0xFFFFFFFF
    cmp eax, ecx
    je .l2ok
    inc r8d
.l2ok:
    inc ecx
    cmp ecx, 1000
    jb .l2
    EXPECT r8, 0, "store into the next instruction is seen (1000 iterations)"

    ; ---- 3. a store a few instructions ahead in the same page
    xor ecx, ecx
    xor r8d, r8d
.l3:
    lea edx, [ecx+1]
    mov [.l3i + 1], dl
    xor ebx, ebx
    add ebx, ecx
    nop
    imul ebx, ebx, 3
    xor eax, eax
.l3i:
    mov al, 0
    cmp al, dl
    je .l3ok
    inc r8d
.l3ok:
    inc ecx
    cmp ecx, 200
    jb .l3
    EXPECT r8, 0, "store a few instructions ahead is seen (200 iterations)"

    ; ---- 4. code in another page
    mov ecx, 1000
.warm4:
    call far_fn
    dec ecx
    jnz .warm4
    EXPECT rax, 0x33333333, "warm function in another page returns its immediate"
    mov dword [far_fn.i + 1], 0x44444444
    call far_fn
    EXPECT rax, 0x44444444, "patched function in another page returns the new value"

    ; ---- 5. an instruction that straddles a page boundary
    mov ecx, 1000
.warm5:
    call cross_fn
    dec ecx
    jnz .warm5
    mov rbx, 0x0102030405060708
    EXPECT rax, rbx, "warm page-straddling mov rax, imm64"
    mov dword [cross_fn.i + 6], 0x0A0B0C0D      ; bytes in the second page only
    call cross_fn
    mov rbx, 0x0A0B0C0D05060708
    EXPECT rax, rbx, "patch of its second-page bytes is seen"
    mov word [cross_fn.i + 2], 0x3344           ; bytes in the first page only
    call cross_fn
    mov rbx, 0x0A0B0C0D05063344
    EXPECT rax, rbx, "patch of its first-page bytes is seen"

    ; ---- 6. store through an alias mapping of the same frame
    mov ecx, 1000
.warm6:
    call fn_alias
    dec ecx
    jnz .warm6
    EXPECT rax, 0x55555555, "warm function returns its immediate"
    lea rax, [fn_alias.i + 1]
    mov dword [rax + ALIAS], 0x66666666
    call fn_alias
    EXPECT rax, 0x66666666, "store through a 2 MiB alias of the code frame is seen"

    ; ---- 7. execute through the alias, patch through the identity map
    lea rbx, [fn_alias2]
    add rbx, ALIAS
    mov ecx, 1000
.warm7:
    call rbx
    dec ecx
    jnz .warm7
    EXPECT rax, 0x77777777, "function executed through the alias returns its immediate"
    mov dword [fn_alias2.i + 1], 0x88888888
    call rbx
    EXPECT rax, 0x88888888, "patch through the identity map seen when run at the alias"

    ; ---- 8. REP MOVSB writes a new instruction over NOPs
    mov ecx, 100
.warm8:
    call fn_slot
    dec ecx
    jnz .warm8
    EXPECT rax, 0, "NOP slot: function returns 0"
    lea rsi, [template]
    lea rdi, [fn_slot.slot]
    mov ecx, template_len
    cld
    rep movsb
    call fn_slot
    EXPECT rax, 0x12345678, "rep movsb over the slot: new mov eax, imm32 executes"

    ; ---- 9. changing opcodes and instruction boundaries
    mov ecx, 100
.warm9:
    xor eax, eax
    call fn_op
    dec ecx
    jnz .warm9
    EXPECT rax, 2, "inc eax; inc eax returns 2"
    mov dword [fn_op.o], 0x907FC083             ; add eax, 0x7F; nop
    xor eax, eax
    call fn_op
    EXPECT rax, 0x7F, "rewritten as add eax, 0x7F; nop returns 0x7F"

    ; ---- 10. XCHG (locked) store into code
    mov ecx, 100
.warm10:
    call fn_xchg
    dec ecx
    jnz .warm10
    EXPECT rax, 0x99999999, "warm function returns its immediate"
    mov edx, 0xABCDEF01
    xchg [fn_xchg.i + 1], edx
    call fn_xchg
    EXPECT rax, 0xABCDEF01, "xchg into its imm32 is seen"
    EXPECT rdx, 0x99999999, "xchg returned the old immediate"

    DONE

fn_imm:
.i: mov eax, 0x11111111
    ret
fn_alias:
.i: mov eax, 0x55555555
    ret
fn_alias2:
.i: mov eax, 0x77777777
    ret
fn_slot:
    xor eax, eax
.slot:
    times 5 nop
    ret
fn_op:
.o: inc eax
    inc eax
    ret
fn_xchg:
.i: mov eax, 0x99999999
    ret

section .rodata
template:   mov eax, 0x12345678
template_len equ $ - template

; two pages of code away from the rest: far_fn in the first, cross_fn straddles
section .text.far progbits alloc exec write align=4096
    times 2048 db 0xCC
far_fn:
.i: mov eax, 0x33333333
    ret
    times 4096 - 6 - ($ - $$) db 0xCC
cross_fn:                           ; offset 4090; REX.W B8 at 4092, imm64 at 4094..4101
    nop
    nop
.i: mov rax, 0x0102030405060708
    ret
    times 8192 - ($ - $$) db 0xCC

section .bss
alignb 4096
pd_b:   resb 4096

END_KERNEL
