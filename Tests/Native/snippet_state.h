/*
 * snippet_state.h - wire format shared by snippet_runner.c (native oracle) and
 * the Swift differential tests.  The Swift side mirrors these offsets exactly.
 *
 * One request and one response are each exactly one struct snippet_state
 * (SNIPPET_STATE_SIZE = 5280 bytes), little endian, no padding, no header.
 * The runner reads requests from stdin and answers each with one response on
 * stdout (flushed per response) until EOF on stdin.
 *
 *   offset  size  field
 *   ------  ----  -----------------------------------------------------------
 *        0   128  gpr[16]     u64 each, x86 encoding order:
 *                             0 rax    8 rcx   16 rdx   24 rbx
 *                            32 rsp   40 rbp   48 rsi   56 rdi
 *                            64 r8    72 r9    80 r10   88 r11
 *                            96 r12  104 r13  112 r14  120 r15
 *      128     8  rip         out only: final/faulting RIP - SNIPPET_CODE_ADDR
 *                             (== code_len when the snippet ran to its end;
 *                             computed mod 2^64 if RIP left the code page).
 *                             Ignored on input.
 *      136     8  rflags      in: only CF PF AF ZF SF DF OF (mask 0xCD5) are
 *                             used; IF/bit 1 are forced, TF/AC/ID/... ignored.
 *                             out: the flags as the CPU had them (IF=1 and
 *                             bit 1 set; RF is always reported as 0).
 *      144   256  xmm[16][16] xmm0..xmm15, 16 bytes each (xmm[i] at 144+16*i)
 *      400     4  mxcsr
 *      404     4  _pad0       ignored in, 0 out
 *      408   512  fxsave[512] 64-bit FXSAVE image (FXSAVE64 layout, see below).
 *                             in: xmm[] and mxcsr are copied over bytes
 *                             160..415 and 24..27 before FXRSTOR64, so those
 *                             two fields are authoritative; everything else
 *                             (x87 state) comes from this image.
 *                             out: FXSAVE64 after the snippet; xmm[] and mxcsr
 *                             out are copies of the same data.
 *      920  4096  mem[4096]   contents of the data page at DATA_ADDR
 *     5016     4  exception   out: EXC_NONE, EXC_TIMEOUT, EXC_BADREQ or the
 *                             x86 vector number (0,1,3,6,12,13,14,16,17,19)
 *     5020     4  code_len    in: number of valid bytes in code[] (0..256)
 *     5024   256  code[256]   in: the snippet; copied to SNIPPET_CODE_ADDR
 *     5280        (total size)
 *
 * FXSAVE64 image (offsets inside fxsave[]):
 *     0 FCW(2)  2 FSW(2)  4 FTW abridged(1)  5 reserved(1)  6 FOP(2)
 *     8 FIP(8)  16 FDP(8)  24 MXCSR(4)  28 MXCSR_MASK(4)
 *    32 + 16*i  ST(i)/MMi (10 bytes 80-bit value + 6 reserved), i = 0..7
 *   160 + 16*i  XMMi, i = 0..15
 *   416..511    reserved / software-available: ignored in, 0 out
 *
 * Address space seen by the snippet (all fixed, below 2 GiB so that absolute
 * [disp32] addressing works):
 *   DATA_ADDR          0x10000000  one RW page = mem[]; the pages directly
 *                                  before and after it are PROT_NONE guards.
 *   SNIPPET_CODE_ADDR  0x20000000  the snippet's first byte (RWX page);
 *                                  the page before it is a PROT_NONE guard.
 *   RUNNER_HELPER_ADDR 0x30000000  runner-private trampolines / scratch.
 */
#ifndef SNIPPET_STATE_H
#define SNIPPET_STATE_H

#include <stdint.h>
#include <stddef.h>

#define DATA_ADDR           0x0000000010000000ULL
#define DATA_SIZE           4096u
#define CODE_ADDR           0x0000000020000000ULL  /* == SNIPPET_CODE_ADDR */
#define SNIPPET_CODE_ADDR   CODE_ADDR
#define RUNNER_HELPER_ADDR  0x0000000030000000ULL
#define SNIPPET_MAX_CODE    256u

/* exception field values */
#define EXC_NONE     0xFFFFFFFFu  /* snippet ran to its end */
#define EXC_TIMEOUT  0xFFFFFFFEu  /* watchdog (SIGALRM) fired */
#define EXC_BADREQ   0xFFFFFFFDu  /* request rejected: code_len > 256 or MXCSR
                                     has bits outside the host MXCSR_MASK;
                                     nothing was executed, state is echoed */

/* input rflags mask: CF PF AF ZF SF DF OF */
#define RFLAGS_IN_MASK 0x0CD5ull

struct snippet_state {
    uint64_t gpr[16];
    uint64_t rip;
    uint64_t rflags;
    uint8_t  xmm[16][16];
    uint32_t mxcsr;
    uint32_t _pad0;
    uint8_t  fxsave[512];
    uint8_t  mem[4096];
    uint32_t exception;
    uint32_t code_len;
    uint8_t  code[256];
};

#define SNIPPET_STATE_SIZE 5280u

#define OFF_GPR        0u
#define OFF_RIP      128u
#define OFF_RFLAGS   136u
#define OFF_XMM      144u
#define OFF_MXCSR    400u
#define OFF_PAD0     404u
#define OFF_FXSAVE   408u
#define OFF_MEM      920u
#define OFF_EXCEPTION 5016u
#define OFF_CODE_LEN 5020u
#define OFF_CODE     5024u

_Static_assert(offsetof(struct snippet_state, gpr) == OFF_GPR, "gpr");
_Static_assert(offsetof(struct snippet_state, rip) == OFF_RIP, "rip");
_Static_assert(offsetof(struct snippet_state, rflags) == OFF_RFLAGS, "rflags");
_Static_assert(offsetof(struct snippet_state, xmm) == OFF_XMM, "xmm");
_Static_assert(offsetof(struct snippet_state, mxcsr) == OFF_MXCSR, "mxcsr");
_Static_assert(offsetof(struct snippet_state, _pad0) == OFF_PAD0, "pad0");
_Static_assert(offsetof(struct snippet_state, fxsave) == OFF_FXSAVE, "fxsave");
_Static_assert(offsetof(struct snippet_state, mem) == OFF_MEM, "mem");
_Static_assert(offsetof(struct snippet_state, exception) == OFF_EXCEPTION, "exception");
_Static_assert(offsetof(struct snippet_state, code_len) == OFF_CODE_LEN, "code_len");
_Static_assert(offsetof(struct snippet_state, code) == OFF_CODE, "code");
_Static_assert(sizeof(struct snippet_state) == SNIPPET_STATE_SIZE, "size");

#endif /* SNIPPET_STATE_H */
