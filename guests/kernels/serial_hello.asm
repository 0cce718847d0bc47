; serial_hello — the 16550A UART on COM1 (0x3F8): programming sequence, register
; read-back, LSR.THRE, scratch register; then prints a greeting and passes.
; Register behaviour from the National Semiconductor PC16550D data sheet
; (emu emulates a 16550A): LCR/DLL/DLM/SCR/MCR read back what was written,
; IER bits 7:4 read 0, IIR reads 0xC1 with FIFOs enabled and nothing pending,
; LSR bit 5 (THRE) is set when the transmitter can take a byte.

%include "lib.inc"

section .text
global _start
_start:
    ; Program the UART by hand (lib_init would do the same).
    mov dx, COM1+1
    xor eax, eax
    out dx, al                  ; IER = 0
    mov dx, COM1+3
    mov al, 0x80
    out dx, al                  ; LCR.DLAB = 1
    mov dx, COM1+0
    mov al, 0x0C
    out dx, al                  ; DLL = 12 (9600) for the read-back below
    mov dx, COM1+1
    mov al, 0x00
    out dx, al                  ; DLM = 0
    mov dx, COM1+0
    in al, dx
    movzx r12d, al              ; DLL read back (DLAB = 1)
    mov dx, COM1+1
    in al, dx
    movzx r13d, al              ; DLM read back
    mov dx, COM1+0
    mov al, 0x01
    out dx, al                  ; DLL = 1 (115200)
    in al, dx
    movzx r14d, al
    mov dx, COM1+3
    mov al, 0x03
    out dx, al                  ; LCR = 8N1, DLAB = 0
    in al, dx
    movzx r15d, al
    mov dx, COM1+2
    mov al, 0xC7
    out dx, al                  ; FCR: enable, clear RX/TX FIFOs, trigger 14
    mov dx, COM1+4
    mov al, 0x0B
    out dx, al                  ; MCR = DTR | RTS | OUT2
    call idt_init

    KERNEL_NAME "serial_hello"
    EXPECT r12, 0x0C, "DLL reads back 0x0C with LCR.DLAB=1"
    EXPECT r13, 0x00, "DLM reads back 0x00 with LCR.DLAB=1"
    EXPECT r14, 0x01, "DLL reads back 0x01 after rewrite"
    EXPECT r15, 0x03, "LCR reads back 0x03 (8N1, DLAB=0)"

    mov dx, COM1+5
    in al, dx
    movzx eax, al
    and eax, 0x20
    EXPECT rax, 0x20, "LSR.THRE (bit 5) set on an idle transmitter"

    mov dx, COM1+7
    mov al, 0x5A
    out dx, al
    xor eax, eax
    in al, dx
    EXPECT rax, 0x5A, "scratch register round trip 0x5A"
    mov al, 0xA5
    out dx, al
    xor eax, eax
    in al, dx
    EXPECT rax, 0xA5, "scratch register round trip 0xA5"

    mov dx, COM1+4
    xor eax, eax
    in al, dx
    EXPECT rax, 0x0B, "MCR reads back 0x0B"

    mov dx, COM1+2
    xor eax, eax
    in al, dx
    EXPECT rax, 0xC1, "IIR = 0xC1 (FIFOs enabled, no interrupt pending)"

    mov dx, COM1+1
    mov al, 0xF0
    out dx, al
    xor eax, eax
    in al, dx
    mov r12, rax
    xor eax, eax
    out dx, al                  ; IER back to 0
    EXPECT r12, 0x00, "IER bits 7:4 read as 0"

    ; LCR.DLAB selects the divisor latch at offsets 0/1; with DLAB=0 offset 1 is IER.
    mov dx, COM1+3
    mov al, 0x83
    out dx, al
    mov dx, COM1+1
    xor eax, eax
    in al, dx
    mov r12, rax                ; DLM (0)
    mov dx, COM1+0
    in al, dx
    mov r13, rax                ; DLL (1)
    mov dx, COM1+3
    mov al, 0x03
    out dx, al
    EXPECT r13, 0x01, "DLAB=1 again: offset 0 is DLL (1)"
    EXPECT r12, 0x00, "DLAB=1 again: offset 1 is DLM (0)"

    lea rsi, [hello]
    call lib_puts
    ; After the line went out, THRE is set again (bounded wait).
    mov ecx, 1000000
    mov dx, COM1+5
.wait:
    in al, dx
    test al, 0x20
    jnz .idle
    dec ecx
    jnz .wait
.idle:
    movzx eax, al
    and eax, 0x20
    EXPECT rax, 0x20, "LSR.THRE set again after transmitting a line"
    DONE

section .rodata
hello: db "Hello from serial_hello on COM1", 10, 0

END_KERNEL
