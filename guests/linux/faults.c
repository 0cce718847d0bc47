/* faults: one CPU fault chosen by argv[1], for the gdb tests (scripts/gdb-test.sh: gdb stops with
 * "Program received signal …" at the faulting instruction, then the signal is delivered or
 * discarded) and natively vs emu (the status 128 + signal of a process the fault kills).
 *   segv     a write through a null pointer: SIGSEGV, killed (139)
 *   ill      ud2: SIGILL, killed (132)
 *   fpe      an integer division by zero: SIGFPE, killed (136)
 *   trap     int3: SIGTRAP, killed (133); under gdb a continue (SIGTRAP is not passed) runs on
 *   handler  a SIGSEGV handler that leaves with siglongjmp, then exit 0
 * Each prints one line before its fault, so the output shows how far it got. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf jb;

static void on_segv(int sig)
{
    siglongjmp(jb, sig);
}

/* Kept out of line so gdb shows the fault in a function of its own. */
__attribute__((noinline)) static void write_null(volatile int *p)
{
    *p = 42;
}

__attribute__((noinline)) static int divide(volatile int a, volatile int b)
{
    return a / b;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "segv";
    printf("faults: %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "segv") == 0) {
        write_null(0);
    } else if (strcmp(mode, "ill") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(mode, "fpe") == 0) {
        printf("%d\n", divide(1, 0));
    } else if (strcmp(mode, "trap") == 0) {
        __asm__ volatile("int3");
        printf("after int3\n");
    } else if (strcmp(mode, "handler") == 0) {
        signal(SIGSEGV, on_segv);
        int sig = sigsetjmp(jb, 1);
        if (sig == 0) write_null(0);
        printf("recovered from signal %d\n", sig);
    }
    return 0;
}
