; io_bitmap — protected-mode I/O permission at CPL 3 (SDM Vol. 1 §19.5
; "Protected-Mode I/O": §19.5.1 IOPL, §19.5.2 I/O permission bit map).
;   CPL <= IOPL: every port allowed, bitmap not consulted.
;   CPL > IOPL: IN/OUT allowed only if the bitmap bit of every byte of the access
;     is 0; a bit read beyond the TSS limit counts as 1 -> #GP(0).
;   CLI at CPL > IOPL (CR4.PVI = 0) -> #GP(0) (Vol. 2A CLI).
;   POPF at CPL > 0 leaves IOPL unchanged without faulting (Vol. 2B POPF).
; Bitmap here: 128 bytes (ports 0-0x3FF) + the 0xFF terminator; only 0xE9 and
; 0x3F8-0x3FF are permitted.

%include "lib.inc"

%macro USER 2                       ; user entry, RFLAGS
    mov qword [user_rflags], %2
    lea rdi, [%1]
    lea rsi, [ustack_top]
    call call_user
%endmacro

section .text
global _start
_start:
    call lib_init
    KERNEL_NAME "io_bitmap"
    call paging_init

    lea rdi, [lib_iobitmap]
    mov al, 0xFF
    mov ecx, 128
    rep stosb
    and byte [lib_iobitmap + 0xE9/8], ~(1 << (0xE9 % 8))
    mov byte [lib_iobitmap + 0x3F8/8], 0
    mov edi, 128
    call tss_init

    ; ---- permitted ports at CPL 3, IOPL 0
    USER u_out_e9, 0x2
    EXPECT rax, USER_EXIT_VEC, "out 0xE9 at CPL3 IOPL0 with bitmap bit clear: allowed"
    USER u_in_e9, 0x2
    EXPECT rax, USER_EXIT_VEC, "in al, 0xE9 at CPL3 IOPL0: allowed"
    EXPECT qword [user_exit_rax], 0xE9, "... and returns 0xE9"
    USER u_scratch, 0x2
    EXPECT rax, USER_EXIT_VEC, "out/in COM1 scratch (0x3FF) at CPL3: allowed"
    EXPECT qword [user_exit_rax], 0x3C, "... scratch round trip"

    ; ---- denied ports
    USER u_out_80, 0x2
    EXPECT rax, 13, "out 0x80 (bit set) at CPL3 IOPL0: #GP"
    EXPECT qword [exc_error], 0, "... error code 0"
    lea rax, [u_out_80]
    EXPECT qword [exc_rip], rax, "... saved RIP = the OUT"
    USER u_in_ea, 0x2
    EXPECT rax, 13, "in al, 0xEA (bit set) at CPL3 IOPL0: #GP"
    USER u_in16_e9, 0x2
    EXPECT rax, 13, "in ax, dx (0xE9,0xEA: second bit set): #GP"
    USER u_in16_3ff, 0x2
    EXPECT rax, 13, "in ax, dx (0x3FF,0x400: 0x400 in the terminator): #GP"
    USER u_out_5000, 0x2
    EXPECT rax, 13, "out dx (0x5000, bitmap byte beyond TSS limit): #GP"
    EXPECT qword [exc_error], 0, "... error code 0"
    USER u_cli, 0x2
    EXPECT rax, 13, "cli at CPL3 IOPL0: #GP"
    EXPECT qword [exc_error], 0, "... error code 0"
    USER u_popf_iopl, 0x2
    EXPECT rax, USER_EXIT_VEC, "popfq with IOPL=3 at CPL3 does not fault"
    EXPECT qword [user_exit_rax], 0, "... and leaves IOPL = 0"

    ; ---- IOPL = 3: everything allowed
    USER u_out_80, 0x3002
    EXPECT rax, USER_EXIT_VEC, "out 0x80 at CPL3 IOPL3: allowed"
    USER u_out_5000, 0x3002
    EXPECT rax, USER_EXIT_VEC, "out 0x5000 at CPL3 IOPL3: allowed"
    USER u_cli, 0x3002
    EXPECT rax, USER_EXIT_VEC, "cli at CPL3 IOPL3: allowed"
    USER u_popf_iopl, 0x3002
    EXPECT qword [user_exit_rax], 0x3000, "IOPL reads 3 at CPL3 when set by IRETQ"

    ; ---- no bitmap (I/O map base beyond the TSS limit): everything denied
    xor edi, edi
    call tss_init
    USER u_out_e9, 0x2
    EXPECT rax, 13, "without a bitmap, out 0xE9 at CPL3 IOPL0: #GP"

    mov qword [user_rflags], 0x2
    DONE

section .user
u_out_e9:
    mov al, 'u'
    out 0xE9, al
    mov al, 10
    out 0xE9, al
    int USER_EXIT_VEC
u_in_e9:
    xor eax, eax
    in al, 0xE9
    int USER_EXIT_VEC
u_scratch:
    mov dx, 0x3FF
    mov al, 0x3C
    out dx, al
    xor eax, eax
    in al, dx
    int USER_EXIT_VEC
u_out_80:
    out 0x80, al
    int USER_EXIT_VEC
u_in_ea:
    in al, 0xEA
    int USER_EXIT_VEC
u_in16_e9:
    mov dx, 0xE9
    in ax, dx
    int USER_EXIT_VEC
u_in16_3ff:
    mov dx, 0x3FF
    in ax, dx
    int USER_EXIT_VEC
u_out_5000:
    mov dx, 0x5000
    out dx, al
    int USER_EXIT_VEC
u_cli:
    cli
    int USER_EXIT_VEC
u_popf_iopl:
    pushfq
    or qword [rsp], 0x3000
    popfq
    pushfq
    pop rax
    and eax, 0x3000
    int USER_EXIT_VEC
align 16
ustack: times 4096 db 0
ustack_top:

END_KERNEL
