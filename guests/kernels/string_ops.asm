; string_ops — REP string instructions (SDM Vol. 2B MOVS, STOS, CMPS, SCAS, LODS,
; REP/REPE/REPNE prefixes; Vol. 1 §7.3.9).
;   Each iteration moves RSI/RDI by the element size, forward when DF=0 and
;   backward when DF=1, and decrements RCX; REPE/REPNE also stop on ZF after the
;   compare (RCX still decremented for that element). RCX=0: no iteration, no
;   register or flag change.
;   Interrupted REP (Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"): on a fault the saved
;   RIP is the string instruction and RCX/RSI/RDI reflect the completed
;   iterations (the next element to process), so IRETQ resumes the operation.

%include "lib.inc"

%macro ZF_TO 1                      ; %1 := ZF
    setz al
    movzx %1, al
%endmacro

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "string_ops"
    call paging_init
    lea rax, [pf_hook]
    mov [exc_hooks + 14*8], rax

    ; source pattern: src[i] = i*7+3
    lea rdi, [src]
    xor ecx, ecx
.fill:
    lea eax, [rcx*8]
    sub eax, ecx
    add eax, 3
    mov [rdi+rcx], al
    inc ecx
    cmp ecx, 4096
    jb .fill

    ; ---- REP MOVSB, DF=0
    call clear_dst
    lea rsi, [src]
    lea rdi, [dst]
    mov ecx, 37
    cld
    rep movsb
    lea rax, [src+37]
    EXPECT rsi, rax, "rep movsb DF=0: RSI = src+37"
    lea rax, [dst+37]
    EXPECT rdi, rax, "rep movsb DF=0: RDI = dst+37"
    EXPECT rcx, 0, "rep movsb DF=0: RCX = 0"
    lea rsi, [src]
    lea rdi, [dst]
    mov ecx, 37
    call memeq
    EXPECT rax, 1, "rep movsb DF=0: 37 bytes copied"
    movzx eax, byte [dst+37]
    EXPECT rax, 0xEE, "rep movsb DF=0: byte after the block untouched"

    ; ---- REP MOVSQ, DF=0
    call clear_dst
    lea rsi, [src]
    lea rdi, [dst]
    mov ecx, 5
    rep movsq
    lea rax, [src+40]
    EXPECT rsi, rax, "rep movsq DF=0: RSI = src+40"
    lea rax, [dst+40]
    EXPECT rdi, rax, "rep movsq DF=0: RDI = dst+40"
    EXPECT rcx, 0, "rep movsq DF=0: RCX = 0"
    lea rsi, [src]
    lea rdi, [dst]
    mov ecx, 40
    call memeq
    EXPECT rax, 1, "rep movsq DF=0: 40 bytes copied"

    ; ---- REP MOVSB, DF=1
    call clear_dst
    lea rsi, [src+100+36]
    lea rdi, [dst+100+36]
    mov ecx, 37
    std
    rep movsb
    cld
    lea rax, [src+99]
    EXPECT rsi, rax, "rep movsb DF=1: RSI = start-37"
    lea rax, [dst+99]
    EXPECT rdi, rax, "rep movsb DF=1: RDI = start-37"
    EXPECT rcx, 0, "rep movsb DF=1: RCX = 0"
    lea rsi, [src+100]
    lea rdi, [dst+100]
    mov ecx, 37
    call memeq
    EXPECT rax, 1, "rep movsb DF=1: 37 bytes copied"
    movzx eax, byte [dst+99]
    EXPECT rax, 0xEE, "rep movsb DF=1: byte below the block untouched"

    ; ---- REP MOVSQ, DF=1
    call clear_dst
    lea rsi, [src+200+32]
    lea rdi, [dst+200+32]
    mov ecx, 5
    std
    rep movsq
    cld
    lea rax, [src+192]
    EXPECT rsi, rax, "rep movsq DF=1: RSI = start-40"
    lea rax, [dst+192]
    EXPECT rdi, rax, "rep movsq DF=1: RDI = start-40"
    lea rsi, [src+200]
    lea rdi, [dst+200]
    mov ecx, 40
    call memeq
    EXPECT rax, 1, "rep movsq DF=1: 40 bytes copied"

    ; ---- REP STOSB
    call clear_dst
    lea rdi, [dst+8]
    mov ecx, 100
    mov eax, 0x123456AB
    rep stosb
    lea rax, [dst+108]
    EXPECT rdi, rax, "rep stosb DF=0: RDI = dst+108"
    EXPECT rcx, 0, "rep stosb DF=0: RCX = 0"
    lea rdi, [dst+8]
    mov ecx, 100
    mov dl, 0xAB
    call memchk
    EXPECT rax, 1, "rep stosb DF=0: 100 bytes of AL stored"
    movzx eax, byte [dst+7]
    movzx edx, byte [dst+108]
    shl edx, 8
    or eax, edx
    EXPECT rax, 0xEEEE, "rep stosb DF=0: neighbours untouched"
    lea rdi, [dst+300]
    mov ecx, 10
    mov al, 0xCD
    std
    rep stosb
    cld
    lea rax, [dst+290]
    EXPECT rdi, rax, "rep stosb DF=1: RDI = start-10"
    lea rdi, [dst+291]
    mov ecx, 10
    mov dl, 0xCD
    call memchk
    EXPECT rax, 1, "rep stosb DF=1: 10 bytes stored downward"

    ; ---- REPE CMPSB
    lea rsi, [str1]
    lea rdi, [str2]
    mov ecx, 8
    rep cmpsb                       ; F3 A6 = REPE CMPSB
    ZF_TO r12d
    EXPECT rcx, 3, "repe cmpsb stops at the mismatch (index 4): RCX = 3"
    lea rax, [str1+5]
    EXPECT rsi, rax, "repe cmpsb: RSI past the mismatching byte"
    lea rax, [str2+5]
    EXPECT rdi, rax, "repe cmpsb: RDI past the mismatching byte"
    EXPECT r12, 0, "repe cmpsb: ZF = 0 on mismatch"
    lea rsi, [str1]
    lea rdi, [str1b]
    mov ecx, 8
    repe cmpsb
    ZF_TO r12d
    EXPECT rcx, 0, "repe cmpsb on equal strings: RCX = 0"
    EXPECT r12, 1, "repe cmpsb on equal strings: ZF = 1"
    lea rax, [str1+8]
    EXPECT rsi, rax, "repe cmpsb on equal strings: RSI = end"
    lea rsi, [str1+7]
    lea rdi, [str3+7]
    mov ecx, 8
    std
    repe cmpsb
    cld
    ZF_TO r12d
    EXPECT rcx, 2, "repe cmpsb DF=1 stops at index 2: RCX = 2"
    lea rax, [str1+1]
    EXPECT rsi, rax, "repe cmpsb DF=1: RSI = index 1"
    EXPECT r12, 0, "repe cmpsb DF=1: ZF = 0"

    ; ---- REPNE SCASB
    lea rdi, [str1]
    mov ecx, 8
    mov al, 'e'
    repne scasb
    ZF_TO r12d
    EXPECT rcx, 3, "repne scasb finds 'e' at index 4: RCX = 3"
    lea rax, [str1+5]
    EXPECT rdi, rax, "repne scasb: RDI past the match"
    EXPECT r12, 1, "repne scasb: ZF = 1 on match"
    lea rdi, [str1]
    mov ecx, 8
    mov al, 'z'
    repne scasb
    ZF_TO r12d
    EXPECT rcx, 0, "repne scasb without match: RCX = 0"
    lea rax, [str1+8]
    EXPECT rdi, rax, "repne scasb without match: RDI = end"
    EXPECT r12, 0, "repne scasb without match: ZF = 0"
    lea rdi, [str1+7]
    mov ecx, 8
    mov al, 'b'
    std
    repne scasb
    cld
    ZF_TO r12d
    EXPECT rcx, 1, "repne scasb DF=1 finds 'b' at index 1: RCX = 1"
    lea rax, [str1]
    EXPECT rdi, rax, "repne scasb DF=1: RDI = index 0"
    EXPECT r12, 1, "repne scasb DF=1: ZF = 1"

    ; ---- RCX = 0: nothing happens, flags unchanged
    lea rsi, [str1]
    lea rdi, [str2]
    xor ecx, ecx
    mov eax, 1
    test eax, eax                   ; ZF = 0
    repe cmpsb
    ZF_TO r12d
    EXPECT r12, 0, "repe cmpsb with RCX=0 leaves ZF unchanged"
    lea rax, [str1]
    EXPECT rsi, rax, "repe cmpsb with RCX=0 leaves RSI"
    lea rax, [str2]
    EXPECT rdi, rax, "repe cmpsb with RCX=0 leaves RDI"
    mov byte [dst], 0x11
    lea rdi, [dst]
    xor ecx, ecx
    mov al, 0x99
    rep stosb
    movzx eax, byte [dst]
    EXPECT rax, 0x11, "rep stosb with RCX=0 stores nothing"

    ; ---- without REP, LODS
    lea rsi, [str1]
    lea rdi, [dst]
    mov ecx, 77
    movsb
    EXPECT rcx, 77, "movsb without REP leaves RCX"
    lea rax, [str1+1]
    EXPECT rsi, rax, "movsb without REP: RSI+1"
    lea rsi, [str1+2]
    mov rax, -1
    lodsb
    mov rdx, 0xFFFFFFFFFFFFFF63     ; 'c' = 0x63 in AL, rest of RAX kept
    EXPECT rax, rdx, "lodsb loads AL only"
    mov ecx, 3
    lea rsi, [src]
    lea rdi, [dst]
    rep movsd
    lea rax, [dst+12]
    EXPECT rdi, rax, "rep movsd: RDI += 4 per element"

    ; ---- REP MOVSB faulting on the destination in the middle
    lea rax, [fp1]
    call pte_of
    and qword [rax], ~PTE_P
    lea rax, [fp1]
    invlpg [rax]
    mov qword [hook_count], 0
    mov qword [exc_count], 0
    lea rsi, [src]
    lea rdi, [fp1-32]
    mov ecx, 64
.movs_fault:
    rep movsb
    mov r12, rcx
    mov r13, rsi
    mov r14, rdi
    EXPECT qword [hook_count], 1, "rep movsb into a not-present page: one #PF"
    EXPECT qword [exc_error], 2, "... error code W = 2"
    lea rax, [fp1]
    EXPECT qword [exc_cr2], rax, "... CR2 = first byte of the missing page"
    lea rax, [.movs_fault]
    EXPECT qword [exc_rip], rax, "... saved RIP = the REP MOVSB"
    EXPECT qword [exc_gprs+2*8], 32, "... RCX at the fault = 32 left"
    lea rax, [src+32]
    EXPECT qword [exc_gprs+4*8], rax, "... RSI at the fault = src+32"
    lea rax, [fp1]
    EXPECT qword [exc_gprs+5*8], rax, "... RDI at the fault = the missing page"
    EXPECT r12, 0, "resumed copy completes: RCX = 0"
    lea rax, [src+64]
    EXPECT r13, rax, "resumed copy completes: RSI = src+64"
    lea rax, [fp1+32]
    EXPECT r14, rax, "resumed copy completes: RDI = end"
    lea rsi, [src]
    lea rdi, [fp1-32]
    mov ecx, 64
    call memeq
    EXPECT rax, 1, "all 64 bytes copied across the boundary"

    ; ---- REP STOSQ with DF=1 faulting when it crosses down into a missing page
    lea rax, [fp2]
    call pte_of
    and qword [rax], ~PTE_P
    lea rax, [fp2]
    invlpg [rax]
    mov qword [hook_count], 0
    lea rdi, [fp3+16]
    mov ecx, 6
    mov rax, 0x5A5A5A5A5A5A5A5A
    std
.stos_fault:
    rep stosq
    cld
    mov r12, rcx
    mov r14, rdi
    EXPECT qword [hook_count], 1, "rep stosq DF=1 down into a not-present page: one #PF"
    lea rax, [fp3-8]
    EXPECT qword [exc_cr2], rax, "... CR2 = the first qword below the page"
    EXPECT qword [exc_gprs+2*8], 3, "... RCX at the fault = 3 left"
    lea rax, [fp3-8]
    EXPECT qword [exc_gprs+5*8], rax, "... RDI at the fault = the next element"
    EXPECT r12, 0, "resumed stosq completes: RCX = 0"
    lea rax, [fp3-32]
    EXPECT r14, rax, "resumed stosq completes: RDI = start - 48"
    lea rdi, [fp3-24]
    mov ecx, 48
    mov dl, 0x5A
    call memchk
    EXPECT rax, 1, "all 6 qwords stored"

    ; ---- REP MOVSB faulting on the source
    mov byte [fp4], 0x77
    lea rax, [fp4]
    call pte_of
    and qword [rax], ~PTE_P
    lea rax, [fp4]
    invlpg [rax]
    mov qword [hook_count], 0
    lea rsi, [fp4-16]
    lea rdi, [dst]
    mov ecx, 32
.src_fault:
    rep movsb
    mov r12, rcx
    EXPECT qword [hook_count], 1, "rep movsb reading a not-present page: one #PF"
    EXPECT qword [exc_error], 0, "... error code 0 (read)"
    EXPECT qword [exc_gprs+2*8], 16, "... RCX at the fault = 16 left"
    lea rax, [dst+16]
    EXPECT qword [exc_gprs+5*8], rax, "... RDI at the fault = dst+16"
    EXPECT r12, 0, "resumed copy completes"
    movzx eax, byte [dst+16]
    EXPECT rax, 0x77, "... and copied the byte from the mapped page"

    DONE

; #PF hook: map the faulting page (identity map, < 2 MiB) and retry.
pf_hook:
    inc qword [hook_count]
    mov rax, cr2
    and rax, -4096
    push rax
    call pte_of
    or qword [rax], PTE_P
    pop rax
    invlpg [rax]
    ret

; memeq: RSI, RDI, RCX bytes -> RAX = 1 if equal (plain loop, DF-independent)
memeq:
    xor eax, eax
.l: test rcx, rcx
    jz .eq
    mov dl, [rsi]
    cmp dl, [rdi]
    jne .ne
    inc rsi
    inc rdi
    dec rcx
    jmp .l
.eq:
    mov eax, 1
.ne:
    ret

; memchk: RDI, RCX bytes all equal DL -> RAX = 1
memchk:
    xor eax, eax
.l: test rcx, rcx
    jz .ok
    cmp [rdi], dl
    jne .no
    inc rdi
    dec rcx
    jmp .l
.ok:
    mov eax, 1
.no:
    ret

clear_dst:
    push rcx
    lea rcx, [dst]
    push rdx
    xor edx, edx
.l: mov byte [rcx+rdx], 0xEE
    inc edx
    cmp edx, 1024
    jb .l
    pop rdx
    pop rcx
    ret

section .rodata
str1:   db "abcdefgh"
str1b:  db "abcdefgh"
str2:   db "abcdXfgh"
str3:   db "abXdefgh"

section .bss
alignb 4096
src:    resb 4096
dst:    resb 4096
fp0:    resb 4096
fp1:    resb 4096
fp2:    resb 4096
fp3:    resb 4096
fp4:    resb 4096
hook_count: resq 1

END_KERNEL
