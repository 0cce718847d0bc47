/*
 * snippet_runner.c - native oracle for emu's differential CPU tests.
 *
 * Reads struct snippet_state requests (see snippet_state.h) from stdin, runs
 * each request's code bytes natively on the host CPU from the requested
 * register/flag/x87/SSE/memory state, and writes the resulting state to
 * stdout, until EOF.  Faults are caught with signal handlers and reported as
 * x86 vector numbers; a per-request alarm() watchdog catches endless loops.
 *
 * Build:  gcc -O2 -o snippet_runner snippet_runner.c
 * Usage:  snippet_runner [-t TIMEOUT_SECONDS]     (protocol on stdin/stdout)
 *         snippet_runner --layout                 (prints the wire layout)
 *
 * Execution model
 *   The snippet is copied to SNIPPET_CODE_ADDR and followed by a 5-byte
 *   "jmp EPILOGUE".  A generated prologue (in a private page at
 *   RUNNER_HELPER_ADDR) saves the runner's callee-saved registers, RSP and
 *   FP state, FXRSTOR64s the requested FP image, loads RFLAGS with popfq and
 *   then all 16 GPRs (RSP last) from absolute [disp32] addresses and jumps to
 *   the snippet.  The epilogue stores the 16 GPRs with absolute [disp32]
 *   stores (no base register, flags untouched), switches to a private stack,
 *   captures RFLAGS with pushfq, FXSAVE64s, and then a common tail restores
 *   the runner's FP state, clean RFLAGS (0x202), the FS base, the runner's
 *   stack and callee-saved registers, and returns to C.
 *   On a fault the SA_ONSTACK handler copies the GPRs/RIP/EFLAGS from the
 *   ucontext, then rewrites the ucontext so that sigreturn resumes at a
 *   recovery stub (on the private stack, flags 0x202).  The kernel restores
 *   the snippet's exact FP state on sigreturn, and the stub FXSAVE64s it, so
 *   the FP image is produced by the same instruction on both paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "snippet_state.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef ARCH_SET_FS
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#endif

#define PAGE 4096u

/* ---- private helper area at RUNNER_HELPER_ADDR ------------------------- */
/* page 0: generated code */
#define H_CODE       (RUNNER_HELPER_ADDR)
#define H_PROLOGUE   (H_CODE + 0x000)
#define H_EPILOGUE   (H_CODE + 0x100)
#define H_RECOVER    (H_CODE + 0x200)
#define H_TAIL       (H_CODE + 0x280)
/* page 1: data */
#define H_DATA       (RUNNER_HELPER_ADDR + PAGE)
#define H_IN_GPR     (H_DATA + 0x000)   /* 16 x u64 */
#define H_IN_FLAGS   (H_DATA + 0x080)
#define H_SAVED_RSP  (H_DATA + 0x088)
#define H_FSBASE     (H_DATA + 0x090)
#define H_ACTIVE     (H_DATA + 0x098)   /* u8: 1 while snippet code runs */
#define H_OUT_GPR    (H_DATA + 0x0A0)   /* 16 x u64 */
#define H_OUT_FLAGS  (H_DATA + 0x120)
#define H_IN_FX      (H_DATA + 0x200)   /* 512, 16-aligned */
#define H_OUT_FX     (H_DATA + 0x400)
#define H_RUNNER_FX  (H_DATA + 0x600)
/* pages 2..3: private stack */
#define H_STACK_TOP  (RUNNER_HELPER_ADDR + 4 * PAGE - 0x40)
#define H_MAP_SIZE   (4 * PAGE)

#define CODE_MAP_SIZE PAGE

#define U64(a)  (*(volatile uint64_t *)(uintptr_t)(a))
#define U8(a)   (*(volatile uint8_t *)(uintptr_t)(a))
#define PTR(a)  ((void *)(uintptr_t)(a))

#define RFLAGS_RF 0x10000ull

/* ---- runner state shared with the signal handler ----------------------- */
static volatile sig_atomic_t g_running;   /* 1 between "arm" and "disarm" */
static volatile uint32_t g_exception;
static volatile uint64_t g_rip;           /* absolute RIP at fault */
static volatile int g_faulted;
static unsigned g_timeout = 2;
static uint32_t g_mxcsr_mask = 0xFFBF;
static uint32_t g_code_len;
static size_t g_code_dirty;               /* bytes of the code page written */

static void die(const char *what)
{
    fprintf(stderr, "snippet_runner: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* ---- tiny x86-64 emitter ----------------------------------------------- */
static uint8_t *ep;
static void eb(uint8_t x) { *ep++ = x; }
static void e32(uint32_t x) { memcpy(ep, &x, 4); ep += 4; }
static uint32_t abs32(uint64_t a)
{
    if (a >= 0x80000000ull) { fprintf(stderr, "snippet_runner: address too high\n"); exit(2); }
    return (uint32_t)a;
}
/* <op> with modrm reg field `reg`, memory operand [disp32] (no base/index) */
static void e_absmem(int rexw, int reg, uint8_t op0, int op1, uint64_t addr)
{
    uint8_t rex = (rexw ? 0x48 : 0x40) | ((reg & 8) ? 4 : 0);
    if (rex != 0x40) eb(rex);
    eb(op0);
    if (op1 >= 0) eb((uint8_t)op1);
    eb((uint8_t)(0x04 | ((reg & 7) << 3)));
    eb(0x25);
    e32(abs32(addr));
}
static void e_store(int reg, uint64_t a) { e_absmem(1, reg, 0x89, -1, a); }   /* mov [a], r64 */
static void e_load(int reg, uint64_t a)  { e_absmem(1, reg, 0x8B, -1, a); }   /* mov r64, [a] */
static void e_fxsave64(uint64_t a)  { eb(0x48); eb(0x0F); eb(0xAE); eb(0x04); eb(0x25); e32(abs32(a)); }
static void e_fxrstor64(uint64_t a) { eb(0x48); eb(0x0F); eb(0xAE); eb(0x0C); eb(0x25); e32(abs32(a)); }
static void e_mov_rsp_imm(uint64_t a) { eb(0x48); eb(0xC7); eb(0xC4); e32(abs32(a)); }
static void e_movb_abs(uint64_t a, uint8_t v) { eb(0xC6); eb(0x04); eb(0x25); e32(abs32(a)); eb(v); }
static void e_jmp(uint64_t target)
{
    uint64_t next = (uint64_t)(uintptr_t)ep + 5;
    int64_t rel = (int64_t)(target - next);
    if (rel != (int32_t)rel) { fprintf(stderr, "snippet_runner: jmp out of range\n"); exit(2); }
    eb(0xE9); e32((uint32_t)(int32_t)rel);
}

static void build_helper(int have_avx)
{
    memset(PTR(H_CODE), 0xCC, PAGE);

    /* PROLOGUE: called from C as void (*)(void) */
    ep = PTR(H_PROLOGUE);
    eb(0x53); eb(0x55);                       /* push rbx; push rbp */
    eb(0x41); eb(0x54); eb(0x41); eb(0x55);   /* push r12; push r13 */
    eb(0x41); eb(0x56); eb(0x41); eb(0x57);   /* push r14; push r15 */
    e_store(4, H_SAVED_RSP);                  /* mov [SAVED_RSP], rsp */
    e_fxsave64(H_RUNNER_FX);
    if (have_avx) { eb(0xC5); eb(0xF8); eb(0x77); }   /* vzeroupper */
    e_fxrstor64(H_IN_FX);
    eb(0xFF); eb(0x34); eb(0x25); e32(abs32(H_IN_FLAGS));   /* push qword [IN_FLAGS] */
    eb(0x9D);                                 /* popfq */
    for (int r = 0; r < 16; r++)
        if (r != 4) e_load(r, H_IN_GPR + 8 * r);
    e_movb_abs(H_ACTIVE, 1);
    e_load(4, H_IN_GPR + 8 * 4);              /* rsp last */
    e_jmp(CODE_ADDR);
    if ((uint64_t)(uintptr_t)ep > H_EPILOGUE) { fprintf(stderr, "prologue too long\n"); exit(2); }

    /* EPILOGUE: reached by the jmp placed right after the snippet bytes.
       Nothing here may touch flags before the pushfq. */
    ep = PTR(H_EPILOGUE);
    e_movb_abs(H_ACTIVE, 0);
    for (int r = 0; r < 16; r++)
        e_store(r, H_OUT_GPR + 8 * r);
    e_mov_rsp_imm(H_STACK_TOP);
    eb(0x9C);                                 /* pushfq */
    eb(0x8F); eb(0x04); eb(0x25); e32(abs32(H_OUT_FLAGS));  /* pop qword [OUT_FLAGS] */
    e_fxsave64(H_OUT_FX);
    e_jmp(H_TAIL);
    if ((uint64_t)(uintptr_t)ep > H_RECOVER) { fprintf(stderr, "epilogue too long\n"); exit(2); }

    /* RECOVER: the signal handler makes sigreturn land here (rsp = STACK_TOP,
       rflags = 0x202, FP state = the snippet's state at the fault). */
    ep = PTR(H_RECOVER);
    e_fxsave64(H_OUT_FX);
    e_jmp(H_TAIL);

    /* TAIL: back to the runner */
    ep = PTR(H_TAIL);
    e_mov_rsp_imm(H_STACK_TOP);
    eb(0x68); e32(0x202); eb(0x9D);           /* push 0x202; popfq */
    e_fxrstor64(H_RUNNER_FX);
    /* arch_prctl(ARCH_SET_FS, saved) in case the snippet touched FS */
    eb(0xB8); e32(SYS_arch_prctl);            /* mov eax, SYS_arch_prctl */
    eb(0xBF); e32(ARCH_SET_FS);               /* mov edi, ARCH_SET_FS */
    e_load(6, H_FSBASE);                      /* mov rsi, [FSBASE] */
    eb(0x0F); eb(0x05);                       /* syscall */
    e_load(4, H_SAVED_RSP);                   /* mov rsp, [SAVED_RSP] */
    eb(0x41); eb(0x5F); eb(0x41); eb(0x5E);   /* pop r15; pop r14 */
    eb(0x41); eb(0x5D); eb(0x41); eb(0x5C);   /* pop r13; pop r12 */
    eb(0x5D); eb(0x5B);                       /* pop rbp; pop rbx */
    eb(0xC3);                                 /* ret */
    if ((uint64_t)(uintptr_t)ep > H_CODE + PAGE) { fprintf(stderr, "tail too long\n"); exit(2); }
}

/* ---- fault classification ---------------------------------------------- */
static int in_range(uint64_t x, uint64_t base, uint64_t len) { return x - base < len; }

static uint32_t classify(int sig, const siginfo_t *si, const ucontext_t *uc)
{
    long trapno = (long)uc->uc_mcontext.gregs[REG_TRAPNO];
    switch (sig) {
    case SIGFPE:
        if (si->si_code == FPE_INTDIV || si->si_code == FPE_INTOVF) return 0;
        if (trapno == 16 || trapno == 19) return (uint32_t)trapno;
        /* fallback: an unmasked SSE exception flag in MXCSR means #XM */
        if (uc->uc_mcontext.fpregs) {
            uint32_t m = uc->uc_mcontext.fpregs->mxcsr;
            if ((m & 0x3F) & ~((m >> 7) & 0x3F)) return 19;
        }
        return 16;
    case SIGILL:
        return 6;
    case SIGSEGV:
        if (si->si_code == SI_KERNEL) {
            if (trapno >= 10 && trapno <= 13) return (uint32_t)trapno;
            return 13;
        }
        return 14;                            /* SEGV_MAPERR/ACCERR/PKUERR */
    case SIGBUS:
        if (si->si_code == BUS_ADRALN || trapno == 17) return 17;
        if (trapno == 12) return 12;          /* #SS: non-canonical stack ref */
        return 13;
    case SIGTRAP:
        if (trapno == 1 || trapno == 3) return (uint32_t)trapno;
        return si->si_code == SI_KERNEL ? 3 : 1;
    }
    return 0xFFFFFFF0u;
}

static void fatal_signal(int sig)
{
    /* a fault in the runner itself: die loudly with the default action */
    signal(sig, SIG_DFL);
    static const char msg[] = "snippet_runner: fault outside snippet execution\n";
    (void)!write(2, msg, sizeof msg - 1);
    raise(sig);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t rip = (uint64_t)g[REG_RIP];
    int active = U8(H_ACTIVE) != 0;
    int in_helper = in_range(rip, H_CODE, PAGE);
    uint32_t exc;

    if (sig == SIGALRM) {
        if (!g_running) return;
        if (!active || in_helper) { alarm(1); return; }   /* try again shortly */
        exc = EXC_TIMEOUT;
    } else {
        if (!g_running || !(active || in_helper || in_range(rip, CODE_ADDR, CODE_MAP_SIZE))) {
            fatal_signal(sig);
            return;
        }
        exc = classify(sig, si, uc);
    }

    static const int map[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    for (int r = 0; r < 16; r++)
        U64(H_OUT_GPR + 8 * r) = (uint64_t)g[map[r]];
    U64(H_OUT_FLAGS) = (uint64_t)g[REG_EFL] & ~RFLAGS_RF;
    /* a trap taken on the epilogue's first instruction (TF set by the
       snippet's last instruction) counts as "at the end of the snippet" */
    g_rip = in_helper ? CODE_ADDR + g_code_len : rip;
    g_exception = exc;
    g_faulted = 1;
    U8(H_ACTIVE) = 0;

    g[REG_RIP] = (greg_t)H_RECOVER;
    g[REG_RSP] = (greg_t)H_STACK_TOP;
    g[REG_EFL] = 0x202;
}

/* ---- setup --------------------------------------------------------------- */
static void map_fixed(uint64_t addr, size_t len, int prot, const char *what)
{
    void *p = mmap(PTR(addr), len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "snippet_runner: cannot map %s at 0x%llx: %s\n", what,
                (unsigned long long)addr, strerror(errno));
        exit(2);
    }
    if ((uint64_t)(uintptr_t)p != addr) {   /* kernels < 4.17 ignore NOREPLACE */
        fprintf(stderr, "snippet_runner: %s mapped at %p instead of 0x%llx\n", what, p,
                (unsigned long long)addr);
        exit(2);
    }
}

static void setup(void)
{
    /* guard pages are PROT_NONE reservations so nothing else can land there */
    map_fixed(DATA_ADDR - PAGE, PAGE, PROT_NONE, "data guard (below)");
    map_fixed(DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE, "data page");
    map_fixed(DATA_ADDR + DATA_SIZE, PAGE, PROT_NONE, "data guard (above)");
    map_fixed(CODE_ADDR - PAGE, PAGE, PROT_NONE, "code guard (below)");
    map_fixed(CODE_ADDR, CODE_MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, "code page");
    map_fixed(CODE_ADDR + CODE_MAP_SIZE, PAGE, PROT_NONE, "code guard (above)");
    map_fixed(RUNNER_HELPER_ADDR, H_MAP_SIZE, PROT_READ | PROT_WRITE, "helper area");
    memset(PTR(CODE_ADDR), 0xCC, CODE_MAP_SIZE);

    __builtin_cpu_init();
    build_helper(__builtin_cpu_supports("avx"));
    if (mprotect(PTR(H_CODE), PAGE, PROT_READ | PROT_EXEC) != 0) die("mprotect");

    uint64_t fsbase = 0;
    if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fsbase) != 0) die("arch_prctl(ARCH_GET_FS)");
    U64(H_FSBASE) = fsbase;

    /* host MXCSR_MASK */
    static uint8_t fx[512] __attribute__((aligned(16)));
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    uint32_t mask;
    memcpy(&mask, fx + 28, 4);
    g_mxcsr_mask = mask ? mask : 0xFFBF;

    /* alternate signal stack: the snippet's RSP is arbitrary */
    size_t ss_size = 256 * 1024;
    void *ss = mmap(NULL, ss_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ss == MAP_FAILED) die("mmap sigaltstack");
    stack_t st = { .ss_sp = ss, .ss_size = ss_size, .ss_flags = 0 };
    if (sigaltstack(&st, NULL) != 0) die("sigaltstack");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGALRM };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0) die("sigaction");
    signal(SIGPIPE, SIG_IGN);
}

/* ---- one request ------------------------------------------------------- */
static void run_one(const struct snippet_state *in, struct snippet_state *out)
{
    *out = *in;
    out->rip = 0;
    out->_pad0 = 0;
    if (in->code_len > SNIPPET_MAX_CODE || (in->mxcsr & ~g_mxcsr_mask) != 0) {
        out->exception = EXC_BADREQ;
        return;
    }

    memcpy(PTR(DATA_ADDR), in->mem, DATA_SIZE);

    /* code page: snippet, jmp EPILOGUE, int3 over whatever was there before */
    uint8_t *code = PTR(CODE_ADDR);
    memcpy(code, in->code, in->code_len);
    ep = code + in->code_len;
    e_jmp(H_EPILOGUE);
    size_t used = in->code_len + 5;
    if (g_code_dirty > used) memset(code + used, 0xCC, g_code_dirty - used);
    g_code_dirty = used;
    g_code_len = in->code_len;

    memcpy(PTR(H_IN_GPR), in->gpr, sizeof in->gpr);
    U64(H_IN_FLAGS) = (in->rflags & RFLAGS_IN_MASK) | 0x202;
    uint8_t *fxin = PTR(H_IN_FX);
    memcpy(fxin, in->fxsave, 512);
    memcpy(fxin + 24, &in->mxcsr, 4);
    memcpy(fxin + 160, in->xmm, 256);
    memset(PTR(H_OUT_FX), 0, 512);
    U8(H_ACTIVE) = 0;

    g_faulted = 0;
    g_exception = EXC_NONE;
    g_running = 1;
    alarm(g_timeout);
    ((void (*)(void))(uintptr_t)H_PROLOGUE)();
    alarm(0);
    g_running = 0;

    memcpy(out->gpr, PTR(H_OUT_GPR), sizeof out->gpr);
    out->rflags = U64(H_OUT_FLAGS);
    out->rip = g_faulted ? g_rip - CODE_ADDR : in->code_len;
    out->exception = g_exception;
    const uint8_t *fxout = PTR(H_OUT_FX);
    memcpy(out->fxsave, fxout, 512);
    memset(out->fxsave + 416, 0, 96);
    memcpy(&out->mxcsr, fxout + 24, 4);
    memcpy(out->xmm, fxout + 160, 256);
    memcpy(out->mem, PTR(DATA_ADDR), DATA_SIZE);
}

/* ---- I/O --------------------------------------------------------------- */
/* returns 1 on a full record, 0 on clean EOF, exits on a truncated record */
static int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0) { if (errno == EINTR) continue; die("read"); }
        if (r == 0) {
            if (got == 0) return 0;
            fprintf(stderr, "snippet_runner: truncated request (%zu of %zu bytes)\n", got, n);
            exit(2);
        }
        got += (size_t)r;
    }
    return 1;
}

static void write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char *)buf + done, n - done);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) exit(0);
            die("write");
        }
        done += (size_t)r;
    }
}

static void print_layout(void)
{
    printf("size %u\n", SNIPPET_STATE_SIZE);
    printf("gpr %u\nrip %u\nrflags %u\nxmm %u\nmxcsr %u\n_pad0 %u\nfxsave %u\nmem %u\n"
           "exception %u\ncode_len %u\ncode %u\n",
           OFF_GPR, OFF_RIP, OFF_RFLAGS, OFF_XMM, OFF_MXCSR, OFF_PAD0, OFF_FXSAVE, OFF_MEM,
           OFF_EXCEPTION, OFF_CODE_LEN, OFF_CODE);
    printf("DATA_ADDR 0x%llx\nCODE_ADDR 0x%llx\n", (unsigned long long)DATA_ADDR,
           (unsigned long long)CODE_ADDR);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--layout")) { print_layout(); return 0; }
        if (!strcmp(argv[i], "-t") && i + 1 < argc) {
            g_timeout = (unsigned)strtoul(argv[++i], NULL, 0);
            if (g_timeout == 0) g_timeout = 1;
            continue;
        }
        fprintf(stderr, "usage: %s [-t TIMEOUT_SECONDS] | --layout\n", argv[0]);
        return 2;
    }
    setup();
    static struct snippet_state req, resp;
    while (read_full(0, &req, sizeof req)) {
        run_one(&req, &resp);
        write_full(1, &resp, sizeof resp);
    }
    return 0;
}
