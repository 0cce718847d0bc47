; mbstub.asm — a Multiboot (v1) shim that lets QEMU run the emu test kernels, as
; a reference to compare emu against. QEMU loads this 32-bit stub with
; `-kernel mbstub.elf` and the test kernel as module 0 (`-initrd kernel.elf`); the
; stub recreates the machine state of docs/boot-protocol.md (GDT at 0x1000, boot
; info at 0x2000, identity map with 2 MiB pages at CR3=0x10000, long mode, CPL 0,
; RSP=0x80000, RDI=0x2000, other GPRs 0, RFLAGS=2, no IDT) and jumps to e_entry.
; Not part of emu; only for `make -C guests kernels-qemu`.

bits 32

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 0x00000002            ; want memory info
STUB_BASE   equ 0x01000000            ; 16 MiB: far from 0x100000 where kernels go

section .text
align 4
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

global mb_entry
mb_entry:
    cli
    mov esp, stub_stack_top
    cmp eax, 0x2BADB002
    jne die
    mov [mbi], ebx
    ; ram size = (mem_upper + 1024) KiB
    mov eax, [ebx+8]
    add eax, 1024
    shl eax, 10
    mov [ram_size], eax
    ; module 0
    test dword [ebx], 1 << 3
    jz die
    cmp dword [ebx+20], 1
    jb die
    mov esi, [ebx+24]
    mov eax, [esi]                   ; mod_start
    mov [mod_start], eax
    mov ebp, eax                     ; ebp = ELF image
    cmp dword [ebp], 0x464C457F
    jne die
    cmp byte [ebp+4], 2              ; ELFCLASS64
    jne die
    mov eax, [ebp+24]
    mov [entry], eax
    mov eax, [ebp+28]
    mov [entry+4], eax
    mov ebx, [ebp+32]                ; e_phoff (low)
    add ebx, ebp
    movzx ecx, word [ebp+56]         ; e_phnum
    movzx edx, word [ebp+54]         ; e_phentsize
    mov dword [img_end], 0x100000
.ph:
    test ecx, ecx
    jz .loaded
    cmp dword [ebx], 1               ; PT_LOAD
    jne .next
    push ecx
    push edx
    mov esi, [ebx+8]                 ; p_offset
    add esi, ebp
    mov edi, [ebx+24]                ; p_paddr
    mov ecx, [ebx+32]                ; p_filesz
    cld
    rep movsb
    mov ecx, [ebx+40]                ; p_memsz - p_filesz zero bytes
    sub ecx, [ebx+32]
    xor eax, eax
    rep stosb
    cmp edi, [img_end]
    jbe .noend
    mov [img_end], edi
.noend:
    pop edx
    pop ecx
.next:
    add ebx, edx
    dec ecx
    jmp .ph
.loaded:
    ; GDT at 0x1000 (boot protocol layout)
    mov edi, 0x1000
    mov esi, gdt_template
    mov ecx, 64
    rep movsb
    ; boot info at 0x2000, mmap at 0x2100, cmdline at 0x2200
    mov edi, 0x2000
    xor eax, eax
    mov ecx, 0x400
    rep stosb
    mov dword [0x2000], 0x42554D45   ; "EMUBOOT1"
    mov dword [0x2004], 0x31544F4F
    mov dword [0x2008], 1            ; version
    mov dword [0x200C], 3            ; mmap_count
    mov dword [0x2010], 0x2100       ; mmap_addr
    mov dword [0x2018], 0x2200       ; cmdline_addr ("")
    mov dword [0x2020], 0            ; modules_count
    mov dword [0x2028], 0            ; modules_addr
    mov eax, [ram_size]
    mov [0x2030], eax                ; ram_size
    ; mmap: [0,1M) reserved, [1M,img_end) kernel, [img_end, ram) usable
    mov dword [0x2100], 0
    mov dword [0x2108], 0x100000
    mov dword [0x2110], 2
    mov dword [0x2118], 0x100000
    mov eax, [img_end]
    add eax, 0xFFF
    and eax, ~0xFFF
    mov [img_end], eax
    sub eax, 0x100000
    mov [0x2120], eax
    mov dword [0x2128], 3
    mov eax, [img_end]
    mov [0x2130], eax
    mov edx, [ram_size]
    sub edx, eax
    mov [0x2138], edx
    mov dword [0x2140], 1
    ; page tables: PML4 0x10000, PDPT 0x11000, PDs 0x12000-0x15FFF (4 GiB)
    mov edi, 0x10000
    xor eax, eax
    mov ecx, 0x10000
    rep stosb
    mov dword [0x10000], 0x11003
    mov dword [0x11000], 0x12003
    mov dword [0x11008], 0x13003
    mov dword [0x11010], 0x14003
    mov dword [0x11018], 0x15003
    mov edi, 0x12000
    xor ecx, ecx
.pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83
    mov [edi+ecx*8], eax
    mov eax, ecx
    shr eax, 11
    mov [edi+ecx*8+4], eax
    inc ecx
    cmp ecx, 2048
    jb .pd
    ; long mode
    fninit
    mov eax, 0x620
    mov cr4, eax
    mov eax, 0x10000
    mov cr3, eax
    mov ecx, 0xC0000080
    mov eax, 0x901                   ; SCE | LME | NXE (LMA is set by the CPU)
    xor edx, edx
    wrmsr
    lgdt [gdtr]
    mov eax, 0x80010033
    mov cr0, eax
    jmp 0x08:long_entry

die:
    mov al, 0x7F
    out 0xF4, al
    hlt
    jmp die

bits 64
long_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    lidt [idtr0]
    mov esp, stub_stack_top
    call map_segments
    mov rsp, 0x7FFF0
    mov rax, [entry]
    mov [rsp+8], rax
    mov qword [rsp], 2
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    mov edi, 0x2000
    popfq
    ret

; For each PT_LOAD with p_vaddr != p_paddr, map p_vaddr -> p_paddr with 4 KiB
; pages; new tables come from 0x16000-0x1FFFF.
map_segments:
    mov ebp, [mod_start]
    mov rbx, [rbp+32]
    add rbx, rbp                     ; phdrs
    movzx r12d, word [rbp+56]        ; e_phnum
    movzx r13d, word [rbp+54]        ; e_phentsize
.ph:
    test r12d, r12d
    jz .done
    cmp dword [rbx], 1
    jne .next
    mov r8, [rbx+16]                 ; p_vaddr
    mov r9, [rbx+24]                 ; p_paddr
    cmp r8, r9
    je .next
    mov r10, r8
    add r10, [rbx+40]                ; end = vaddr + memsz
    and r8, -4096
    and r9, -4096
.page:
    cmp r8, r10
    jae .next
    call map_page
    add r8, 4096
    add r9, 4096
    jmp .page
.next:
    add rbx, r13
    dec r12d
    jmp .ph
.done:
    ret

map_page:                            ; R8 = va, R9 = pa
    mov eax, 0x10000
    mov ecx, 39
.lvl:
    mov rdx, r8
    shr rdx, cl
    and edx, 511
    lea rsi, [rax+rdx*8]
    cmp ecx, 12
    je .leaf
    mov rax, [rsi]
    test al, 1
    jnz .have
    mov eax, [next_table]
    add dword [next_table], 0x1000
    mov rdi, rax
    push rcx
    mov ecx, 512
.z: mov qword [rdi], 0
    add rdi, 8
    dec ecx
    jnz .z
    pop rcx
    or rax, 3
    mov [rsi], rax
.have:
    and rax, -4096
    sub ecx, 9
    jmp .lvl
.leaf:
    mov rax, r9
    or rax, 3
    mov [rsi], rax
    ret

section .data
align 8
next_table: dd 0x16000
gdt_template:
    dq 0
    dq 0x00AF9A000000FFFF            ; 0x08 kernel code 64
    dq 0x00CF92000000FFFF            ; 0x10 kernel data
    dq 0x00CFFA000000FFFF            ; 0x18 user code 32
    dq 0x00CFF2000000FFFF            ; 0x20 user data
    dq 0x00AFFA000000FFFF            ; 0x28 user code 64
    dq 0
    dq 0
gdtr:
    dw 0x3F
    dq 0x1000
idtr0:
    dw 0
    dq 0
mbi:        dd 0
mod_start:  dd 0
ram_size:   dd 0
img_end:    dd 0
entry:      dq 0

section .bss
alignb 16
stub_stack: resb 4096
stub_stack_top:
