; hello_native — a native (Hedron-ABI) program for emu's roottask: no Linux system calls, only
; hypercalls. It prints a line through the roottask's stdout service (portal at selector 36, the
; thesis's layout, docs/personality.md "Native programs") and ends through the exit service (41).
; Message: UTCB untyped word 0 = byte count, words 1… = the bytes; `items` = untyped count.
bits 64
default rel

UTCB        equ 0x7FFFFFFFE000      ; this program's UTCB (the roottask maps it here)
U_ITEMS     equ 0x04                ; items: untyped count in [15:0]
U_WORDS     equ 0x20                ; untyped words
HC_CALL     equ 0                   ; hypercall `call`, portal selector in ARG1[63:12]
SEL_STDOUT  equ 36
SEL_EXIT    equ 41

section .text
global _start
_start:
    mov rbx, UTCB
    mov qword [rbx + U_WORDS], msg_len
    lea rsi, [msg]
    lea rdi, [rbx + U_WORDS + 8]
    mov rcx, msg_len
    rep movsb
    mov dword [rbx + U_ITEMS], 1 + (msg_len + 7) / 8
    mov rdi, SEL_STDOUT << 12 | HC_CALL
    syscall                         ; call the stdout service
    test dil, dil                   ; status in rdi[7:0]: SUCCESS = 0
    jnz .fail
    mov rax, [rbx + U_WORDS]        ; bytes written
    cmp rax, msg_len
    jne .fail
    mov qword [rbx + U_WORDS], 0    ; exit status 0
    jmp .exit
.fail:
    mov qword [rbx + U_WORDS], 1
.exit:
    mov dword [rbx + U_ITEMS], 1
    mov rdi, SEL_EXIT << 12 | HC_CALL
    syscall
    ud2                             ; not reached: exit does not reply

section .rodata
msg:     db "Hello from a native Hedron-ABI program", 10
msg_len  equ $ - msg
