/* spin_flags: an endless loop for the gdb ^C test (scripts/gdb-test.sh): in its one block the
 * `add` computes flags that the `cmp` overwrites before anything reads them, so emu's block
 * builder lets the `add` skip them (FlagLiveness.swift). A stop between the two must still show
 * the `add`'s flags (CF clear; the `cmp` against -1 sets it). The labels name the instructions for the test. Never exits. */
int main(void)
{
    __asm__ volatile(
        "xor %%ecx, %%ecx\n"
        "mov $-1, %%rbx\n"
        ".globl spin_add\nspin_add: add $1, %%rcx\n"
        "mov %%rcx, %%rdx\n"
        "nop\n"
        "nop\n"
        "nop\n"
        ".globl spin_cmp\nspin_cmp: cmp %%rbx, %%rdx\n"
        "jmp spin_add\n"
        ::: "rbx", "rcx", "rdx", "cc");
    return 0;
}
