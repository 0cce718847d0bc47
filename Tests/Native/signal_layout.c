/* SPDX-License-Identifier: MIT
 * The x86-64 signal ABI as the host's Linux UAPI headers declare it: offsets and sizes that
 * Tests/PersonalityTests/SignalFrameTests.swift compares with Sources/Personality/Linux/Signals.
 * struct rt_sigframe is kernel-internal (arch/x86/include/asm/sigframe.h); it is declared here
 * the same way from the UAPI types. Output: one "name value" line each. */
#include <stddef.h>
#include <stdio.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/siginfo.h>
struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; };
#define P(name, value) printf("%s %ld\n", name, (long)(value))
#define O(t, f) P(#t "." #f, offsetof(struct t, f))
int main(void) {
    P("sizeof.rt_sigframe", sizeof(struct rt_sigframe));
    O(rt_sigframe, uc); O(rt_sigframe, info); O(rt_sigframe, uc.uc_flags); O(rt_sigframe, uc.uc_stack);
    O(rt_sigframe, uc.uc_mcontext); O(rt_sigframe, uc.uc_sigmask);
    O(sigcontext, r8); O(sigcontext, rdi); O(sigcontext, rax); O(sigcontext, rsp); O(sigcontext, rip);
    O(sigcontext, eflags); O(sigcontext, cs); O(sigcontext, ss); O(sigcontext, err); O(sigcontext, trapno);
    O(sigcontext, oldmask); O(sigcontext, cr2); O(sigcontext, fpstate); P("sizeof.sigcontext", sizeof(struct sigcontext));
    O(_fpstate_64, mxcsr); O(_fpstate_64, sw_reserved); P("sizeof._fpstate_64", sizeof(struct _fpstate_64));
    P("sizeof.sigaction", sizeof(struct sigaction)); O(sigaction, sa_flags); O(sigaction, sa_restorer); O(sigaction, sa_mask);
    P("sizeof.stack_t", sizeof(stack_t)); P("stack_t.ss_flags", offsetof(stack_t, ss_flags)); P("stack_t.ss_size", offsetof(stack_t, ss_size));
    P("sizeof.siginfo", sizeof(struct siginfo)); P("siginfo.si_code", offsetof(struct siginfo, si_code));
    P("siginfo.si_pid", offsetof(struct siginfo, si_pid)); P("siginfo.si_addr", offsetof(struct siginfo, si_addr));
    P("SA_RESTORER", SA_RESTORER); P("SA_ONSTACK", SA_ONSTACK); P("SA_SIGINFO", SA_SIGINFO);
    P("SA_NODEFER", SA_NODEFER); P("SA_RESETHAND", SA_RESETHAND); P("SA_RESTART", SA_RESTART);
    P("MINSIGSTKSZ", MINSIGSTKSZ); P("SI_TKILL", SI_TKILL); P("SI_QUEUE", SI_QUEUE); P("SI_KERNEL", SI_KERNEL);
    P("UC_SIGCONTEXT_SS", UC_SIGCONTEXT_SS); P("UC_STRICT_RESTORE_SS", UC_STRICT_RESTORE_SS);
    P("FP_XSTATE_MAGIC1", FP_XSTATE_MAGIC1);
    return 0;
}
