/* watch: a global the gdb tests watch (scripts/gdb-test.sh: `watch counter` under emu's stub and
 * under native gdb must report the same old and new values), and a flag probe: a `sub` whose
 * flags a later `cmp` overwrites, so in a decoded block it computes none; a stop right after it
 * (label flags_after_sub) must still show its ZF=1, as the host CPU does. */
#include <stdio.h>

volatile long counter;
long total;

__attribute__((noinline, noclone)) long flags_probe(long a, long b)
{
    long r;
    __asm__ volatile("mov %1, %0\n\t"
                     "sub %2, %0\n\t"
                     ".globl flags_after_sub\n"
                     "flags_after_sub:\n\t"
                     "mov $1, %%rcx\n\t"
                     "cmp $2, %%rcx\n\t"
                     : "=&r"(r)
                     : "r"(a), "r"(b)
                     : "rcx", "cc");
    return r;
}

int main(void)
{
    for (long i = 1; i <= 4; i++) {
        counter += i;
        total += counter;
    }
    printf("counter %ld total %ld probe %ld\n", counter, total, flags_probe(7, 7));
    return 0;
}
