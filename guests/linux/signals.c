/* signals: handlers for a single-threaded process. sigaction with raise and kill, SA_SIGINFO
 * with si_code/si_pid, blocking, pending and unblocking, SA_RESETHAND, SA_NODEFER,
 * sigaltstack with SA_ONSTACK, faults delivered to handlers (SIGSEGV MAPERR and ACCERR with
 * si_addr, SIGBUS beyond a file's end, SIGFPE, SIGILL, SIGTRAP) left with siglongjmp or by
 * editing the saved RIP in the ucontext, that registers survive a handler, and that the frame
 * holds the interrupted x87/SSE state, the handler starts from the init state, and rt_sigreturn
 * loads the (edited) state back. Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "errnames.h"

static volatile sig_atomic_t hits, last_sig, nested_max, depth, reraise;
static volatile int info_code, info_pid_ok, info_signo;
static volatile uintptr_t info_addr;
static volatile int on_altstack;
static sigjmp_buf jb;
static stack_t alt;

static const char *code_name(int sig, int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    }
    if (sig == SIGSEGV) return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS) return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "?";
    if (sig == SIGFPE) return code == FPE_INTDIV ? "FPE_INTDIV" : code == FPE_FLTDIV ? "FPE_FLTDIV" : "?";
    if (sig == SIGILL) return code == ILL_ILLOPN ? "ILL_ILLOPN" : code == ILL_ILLOPC ? "ILL_ILLOPC" : "?";
    if (sig == SIGTRAP) return code == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    return "?";
}

static void plain(int sig)
{
    hits++;
    last_sig = sig;
    depth++;
    if (depth > nested_max) nested_max = depth;
    if (sig == SIGUSR2 && reraise) {          /* nests only with SA_NODEFER */
        reraise = 0;
        raise(SIGUSR2);
    }
    depth--;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    info_signo = si->si_signo == sig;
    info_code = si->si_code;
    info_pid_ok = si->si_pid == getpid();
    char here;
    on_altstack = (uintptr_t)&here >= (uintptr_t)alt.ss_sp &&
                  (uintptr_t)&here < (uintptr_t)alt.ss_sp + alt.ss_size;
}

/* What the frame's FP area showed, and the handler's own MXCSR and x87 control word. */
static volatile unsigned fp_mxcsr, fp_cwd, own_mxcsr, own_cwd, fp_xmm9_lo, fp_xmm9_hi;
static void fpu_handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig; (void)si;
    ucontext_t *uc = ucv;
    struct _fpstate *fp = (struct _fpstate *)uc->uc_mcontext.fpregs;
    unsigned m; unsigned short c;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(m), "=m"(c));
    own_mxcsr = m; own_cwd = c;
    fp_mxcsr = fp->mxcsr; fp_cwd = fp->cwd;
    fp_xmm9_lo = fp->_xmm[9].element[0]; fp_xmm9_hi = fp->_xmm[9].element[3];
    /* Edited state comes back with rt_sigreturn: round up, and a new xmm9. */
    fp->mxcsr = 0x5F80;
    fp->_xmm[9].element[0] = 0xCAFEF00D;
    fp->_xmm[9].element[3] = 0x0BADBEEF;
}

static void fault_jump(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    info_signo = sig;
    info_code = si->si_code;
    info_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

/* Skips the faulting instruction (its length is in skip_len) by editing the saved RIP. */
static volatile int skip_len;
static volatile uintptr_t fault_rip;
static void fault_skip(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    info_signo = sig;
    info_code = si->si_code;
    info_addr = (uintptr_t)si->si_addr;
    fault_rip = uc->uc_mcontext.gregs[REG_RIP];
    uc->uc_mcontext.gregs[REG_RIP] += skip_len;
    uc->uc_mcontext.gregs[REG_RAX] = 0x1234;      /* the interrupted code sees this */
}

static void install(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void install_plain(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plain;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    struct sigaction old;

    /* 1. a plain handler, raise and kill */
    install_plain(SIGUSR1, 0);
    hits = 0;
    raise(SIGUSR1);
    printf("raise(SIGUSR1): handler ran %d time(s), signal %s\n", hits, last_sig == SIGUSR1 ? "SIGUSR1" : "?");
    kill(getpid(), SIGUSR1);
    printf("kill(getpid(), SIGUSR1): handler ran %d time(s)\n", hits);
    sigaction(SIGUSR1, NULL, &old);
    printf("sigaction query returns the handler: %s\n", old.sa_handler == plain ? "yes" : "no");

    /* 2. SA_SIGINFO: si_code for raise (tkill), kill, sigqueue */
    install(SIGUSR1, with_info, 0);
    raise(SIGUSR1);
    printf("SA_SIGINFO raise: si_signo ok %s, si_code %s, si_pid ok %s\n", info_signo ? "yes" : "no",
           code_name(SIGUSR1, info_code), info_pid_ok ? "yes" : "no");
    kill(getpid(), SIGUSR1);
    printf("SA_SIGINFO kill: si_code %s, si_pid ok %s\n", code_name(SIGUSR1, info_code), info_pid_ok ? "yes" : "no");
    union sigval sv = { .sival_int = 7 };
    sigqueue(getpid(), SIGUSR1, sv);
    printf("SA_SIGINFO sigqueue: si_code %s\n", code_name(SIGUSR1, info_code));

    /* 3. blocking, pending, unblocking */
    sigset_t set, oldset, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &oldset);
    hits = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);                          /* a standard signal is pending at most once */
    sigpending(&pend);
    printf("blocked: handler ran %d time(s), SIGUSR1 pending %s, SIGUSR2 pending %s\n", hits,
           sigismember(&pend, SIGUSR1) ? "yes" : "no", sigismember(&pend, SIGUSR2) ? "yes" : "no");
    sigprocmask(SIG_SETMASK, &oldset, NULL);
    printf("unblocked: handler ran %d time(s), still pending %s\n", hits,
           (sigpending(&pend), sigismember(&pend, SIGUSR1)) ? "yes" : "no");
    sigprocmask(SIG_BLOCK, NULL, &set);
    printf("mask after restore has SIGUSR1: %s\n", sigismember(&set, SIGUSR1) ? "yes" : "no");
    sigfillset(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigprocmask(SIG_BLOCK, NULL, &set);
    printf("SIGKILL and SIGSTOP cannot be blocked: %s\n",
           !sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP) ? "yes" : "no");
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    /* a real-time signal queues every instance */
    install_plain(SIGRTMIN + 1, 0);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    hits = 0;
    for (int i = 0; i < 3; i++) raise(SIGRTMIN + 1);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("3 x SIGRTMIN+1 while blocked: handler ran %d time(s) after unblocking\n", hits);

    /* 4. SA_NODEFER lets a handler be re-entered; SA_RESETHAND restores SIG_DFL */
    install_plain(SIGUSR2, 0);
    nested_max = 0;
    hits = 0;
    reraise = 1;
    raise(SIGUSR2);
    printf("without SA_NODEFER: maximum nesting %d, handler ran %d time(s)\n", nested_max, hits);
    install_plain(SIGUSR2, SA_NODEFER);
    nested_max = 0;
    hits = 0;
    reraise = 1;
    raise(SIGUSR2);
    printf("with SA_NODEFER: maximum nesting %d, handler ran %d time(s)\n", nested_max, hits);
    install_plain(SIGUSR2, SA_RESETHAND);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &old);
    printf("SA_RESETHAND: handler is SIG_DFL afterwards %s\n", old.sa_handler == SIG_DFL ? "yes" : "no");
    signal(SIGCHLD, SIG_DFL);
    raise(SIGCHLD);                           /* default action: ignore */
    printf("raise(SIGCHLD) with SIG_DFL is ignored: yes\n");
    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    printf("raise(SIGTERM) with SIG_IGN is ignored: yes\n");
    printf("sigaction(SIGKILL): %s\n", RES(sigaction(SIGKILL, &old, NULL)));
    printf("sigaction(signal 65): %s\n", RES(sigaction(65, &old, NULL)));
    printf("kill with signal 0 (existence check): %s\n", RES(kill(getpid(), 0)));

    /* 5. sigaltstack and SA_ONSTACK */
    alt.ss_sp = malloc(64 * 1024);
    alt.ss_size = 64 * 1024;
    alt.ss_flags = 0;
    printf("sigaltstack: %s\n", RES(sigaltstack(&alt, NULL)));
    install(SIGUSR1, with_info, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler ran on the alternate stack: %s\n", on_altstack ? "yes" : "no");
    install(SIGUSR1, with_info, 0);
    raise(SIGUSR1);
    printf("without SA_ONSTACK: on the alternate stack %s\n", on_altstack ? "yes" : "no");
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("sigaltstack query: size %zu, flags %d\n", cur.ss_size, cur.ss_flags);
    stack_t tiny = { .ss_sp = alt.ss_sp, .ss_size = 100, .ss_flags = 0 };
    printf("sigaltstack too small: %s\n", RES(sigaltstack(&tiny, NULL)));

    /* 6. faults left with siglongjmp */
    install(SIGSEGV, fault_jump, SA_ONSTACK);
    volatile char *bad = (char *)0x10;
    if (sigsetjmp(jb, 1) == 0) { (void)*bad; printf("no fault?\n"); }
    printf("read of 0x10: %s %s, si_addr is the address %s\n", info_signo == SIGSEGV ? "SIGSEGV" : "?",
           code_name(SIGSEGV, info_code), info_addr == 0x10 ? "yes" : "no");
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0) { *(volatile char *)(ro + 100) = 1; printf("no fault?\n"); }
    printf("write to a read-only page: %s %s, si_addr is the address %s\n",
           info_signo == SIGSEGV ? "SIGSEGV" : "?", code_name(SIGSEGV, info_code),
           info_addr == (uintptr_t)ro + 100 ? "yes" : "no");
    sigprocmask(SIG_BLOCK, NULL, &set);
    printf("SIGSEGV unblocked again after siglongjmp: %s\n", sigismember(&set, SIGSEGV) ? "no" : "yes");
    munmap(ro, 4096);
    if (sigsetjmp(jb, 1) == 0) { (void)*(volatile char *)(ro + 5); printf("no fault?\n"); }
    printf("read of an unmapped page: %s %s, si_addr ok %s\n", info_signo == SIGSEGV ? "SIGSEGV" : "?",
           code_name(SIGSEGV, info_code), info_addr == (uintptr_t)ro + 5 ? "yes" : "no");
    char *nx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    nx[0] = (char)0xC3;                       /* ret, in a page without PROT_EXEC */
    if (sigsetjmp(jb, 1) == 0) { ((void (*)(void))nx)(); printf("no fault?\n"); }
    printf("call into a non-executable page: %s %s, si_addr ok %s\n", info_signo == SIGSEGV ? "SIGSEGV" : "?",
           code_name(SIGSEGV, info_code), info_addr == (uintptr_t)nx ? "yes" : "no");
    munmap(nx, 4096);

    /* SIGBUS: a file mapping beyond the end of the file */
    char path[] = "/tmp/emu-signals-XXXXXX";
    int fd = mkstemp(path);
    write(fd, "data", 4);
    char *fm = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    install(SIGBUS, fault_jump, 0);
    printf("file mapping, first page reads: %c%c%c%c, rest of the page zero %s\n", fm[0], fm[1], fm[2], fm[3],
           fm[4] == 0 && fm[4095] == 0 ? "yes" : "no");
    if (sigsetjmp(jb, 1) == 0) { (void)*(volatile char *)(fm + 4096); printf("no fault?\n"); }
    printf("read past the file's last page: %s %s, si_addr ok %s\n", info_signo == SIGBUS ? "SIGBUS" : "?",
           code_name(SIGBUS, info_code), info_addr == (uintptr_t)fm + 4096 ? "yes" : "no");
    munmap(fm, 2 * 4096);
    close(fd);
    unlink(path);

    /* 7. faults resumed by editing the ucontext */
    install(SIGFPE, fault_skip, 0);
    install(SIGILL, fault_skip, 0);
    install(SIGTRAP, fault_skip, 0);
    uint64_t rax;
    skip_len = 3;                                  /* div rcx: 48 f7 f1 */
    uintptr_t insn;
    __asm__ volatile("lea 1f(%%rip), %1\n\txor %%edx, %%edx\n\tmov $5, %%eax\n\txor %%ecx, %%ecx\n"
                     "1:\tdiv %%rcx\n" : "=a"(rax), "=&r"(insn) : : "rcx", "rdx");
    printf("div by zero: %s %s, si_addr is the instruction %s, RIP in the ucontext %s, RAX set by the handler %s\n",
           info_signo == SIGFPE ? "SIGFPE" : "?", code_name(SIGFPE, info_code), info_addr == insn ? "yes" : "no",
           fault_rip == insn ? "yes" : "no", rax == 0x1234 ? "yes" : "no");
    skip_len = 2;                                  /* ud2: 0f 0b */
    __asm__ volatile("lea 1f(%%rip), %1\n\tmov $9, %%eax\n1:\tud2\n" : "=a"(rax), "=&r"(insn));
    printf("ud2: %s %s, si_addr is the instruction %s, RAX set by the handler %s\n",
           info_signo == SIGILL ? "SIGILL" : "?", code_name(SIGILL, info_code), info_addr == insn ? "yes" : "no",
           rax == 0x1234 ? "yes" : "no");
    skip_len = 0;                                  /* int3 traps after itself */
    __asm__ volatile("mov $9, %%eax\n\tint3\n1:\tlea 1b(%%rip), %1\n" : "=a"(rax), "=&r"(insn));
    printf("int3: %s %s, saved RIP is after the int3 %s, RAX set by the handler %s\n",
           info_signo == SIGTRAP ? "SIGTRAP" : "?", code_name(SIGTRAP, info_code), fault_rip == insn ? "yes" : "no",
           rax == 0x1234 ? "yes" : "no");

    /* 8. registers survive a handler: SSE and x87 values live across raise() */
    install_plain(SIGUSR1, 0);
    volatile double a = 1.25, b = 3.5;
    double x = a * b;
    long double lx = (long double)a / 3;
    raise(SIGUSR1);
    printf("SSE/x87 values across a handler: %.17g %.21Lg\n", x * 2, lx * 3);

    /* 9. the x87/SSE state in the frame: MXCSR round-toward-zero, x87 CW 0x27F, xmm9 set, then
     * SIGUSR1 by kill() from the same asm block (nothing else touches xmm9 in between). */
    install(SIGUSR1, fpu_handler, 0);
    unsigned mx_in = 0x7F80, mx_out; unsigned short cw_in = 0x27F, cw_out;
    unsigned long long x9_lo, x9_hi, x9_in_lo = 0x1122334455667788ULL, x9_in_hi = 0x99AABBCCDDEEFF00ULL;
    __asm__ volatile("ldmxcsr %[mi]\n\tfldcw %[ci]\n\t"
                     "movq %[il], %%xmm9\n\tmovq %[ih], %%xmm0\n\tpunpcklqdq %%xmm0, %%xmm9\n\t"
                     "mov $39, %%eax\n\tsyscall\n\t"                /* getpid */
                     "mov %%eax, %%edi\n\tmov $10, %%esi\n\tmov $62, %%eax\n\tsyscall\n\t"   /* kill(pid, SIGUSR1) */
                     "stmxcsr %[mo]\n\tfnstcw %[co]\n\t"
                     "movq %%xmm9, %[ol]\n\tpunpckhqdq %%xmm9, %%xmm9\n\tmovq %%xmm9, %[oh]"
                     : [mo] "=m"(mx_out), [co] "=m"(cw_out), [ol] "=r"(x9_lo), [oh] "=r"(x9_hi)
                     : [mi] "m"(mx_in), [ci] "m"(cw_in), [il] "r"(x9_in_lo), [ih] "r"(x9_in_hi)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "xmm0", "xmm9", "memory");
    printf("frame: MXCSR %#x, x87 CW %#x, xmm9 %#x..%#x\n", fp_mxcsr, fp_cwd, fp_xmm9_lo, fp_xmm9_hi);
    printf("handler starts with MXCSR %#x, x87 CW %#x\n", own_mxcsr, own_cwd);
    printf("after rt_sigreturn: MXCSR %#x, x87 CW %#x, xmm9 %#llx %#llx\n", mx_out, cw_out, x9_lo, x9_hi);
    __asm__ volatile("ldmxcsr %0" : : "m"((unsigned){0x1F80}));
    __asm__ volatile("fninit");

    printf("done\n");
    return 0;
}
