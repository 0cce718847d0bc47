; debugcon — the Bochs/QEMU debug console on port 0xE9: bytes written go to
; --debugcon FILE, a read returns 0xE9 (the port number, as Bochs and QEMU do).
; Writes one line to 0xE9 and to COM1.

%include "lib.inc"

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "debugcon"

    lea rsi, [line]
.out:
    mov al, [rsi]
    test al, al
    jz .done
    out DEBUGCON, al            ; out imm8, al
    inc rsi
    jmp .out
.done:
    EXPECT_OK "wrote a line to port 0xE9 (out imm8)"

    mov dx, DEBUGCON
    mov al, '!'
    out dx, al                  ; out dx, al
    mov al, 10
    out dx, al
    EXPECT_OK "wrote to port 0xE9 (out dx)"

    xor eax, eax
    in al, DEBUGCON
    EXPECT rax, 0xE9, "in al, 0xE9 returns 0xE9"

    mov eax, 0x12345600
    mov dx, DEBUGCON
    in al, dx
    EXPECT rax, 0x123456E9, "in al, dx (dx=0xE9) returns 0xE9, upper bits of EAX unchanged"

    lea rsi, [line]
    call lib_puts
    EXPECT_OK "wrote the same line to COM1"
    DONE

section .rodata
line: db "debugcon: hello from the emu test kernel", 10, 0

END_KERNEL
