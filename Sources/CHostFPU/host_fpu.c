// SPDX-License-Identifier: MIT
// The host x87 transcendentals and the host MXCSR, as inline assembly (include/CHostFPU.h).
// Each access is one `__asm__ volatile` statement with a "memory" clobber in an out-of-line
// function, so neither this compiler nor the Swift optimizer calling it can move other code
// between the instructions or across the call.
#include "CHostFPU.h"

#include <stddef.h>

_Static_assert(sizeof(struct emu_fnsave_image) == 108, "FNSAVE image, SDM Vol. 1 Figure 8-9");
_Static_assert(offsetof(struct emu_fnsave_image, st) == 28, "registers follow the environment");
_Static_assert(offsetof(struct emu_x87_block, fcw) == 128, "block layout");
_Static_assert(offsetof(struct emu_x87_block, st0) == 144, "block layout");
_Static_assert(offsetof(struct emu_x87_block, st1) == 160, "block layout");
_Static_assert(offsetof(struct emu_x87_block, fsw) == 176, "block layout");
_Static_assert(offsetof(struct emu_x87_block, after) == 192, "block layout");
_Static_assert(sizeof(struct emu_x87_block) == 304, "block layout");

// FNSAVE stores the host state and then initialises the FPU as FNINIT does, so the instruction
// starts from an empty stack with no pending exception; FLDCW loads the guest's control word;
// ST(1) is pushed first, then ST(0). After the instruction only non-waiting ones run (SDM Vol. 1
// §8.3.12: FNSTSW, FNSAVE), so an unmasked exception stays pending in the state FNSAVE stores and
// then discards by reinitialising; FRSTOR brings the host state back. One asm statement keeps the
// sequence contiguous; the x87 registers are the same before and after it, so it clobbers none.
#define EMU_HOST_X87(insn)                                                                         \
    __asm__ volatile("fnsave %[host]\n\t"                                                          \
                     "fldcw %[fcw]\n\t"                                                            \
                     "fldt %[st1]\n\t"                                                             \
                     "fldt %[st0]\n\t"                                                             \
                     insn "\n\t"                                                                   \
                     "fnstsw %[fsw]\n\t"                                                           \
                     "fnsave %[after]\n\t"                                                         \
                     "frstor %[host]"                                                              \
                     : [host] "+m"(block->host), [fsw] "=m"(block->fsw), [after] "=m"(block->after) \
                     : [fcw] "m"(block->fcw), [st0] "m"(block->st0), [st1] "m"(block->st1)        \
                     : "memory")

void emu_host_x87(enum emu_x87_op op, struct emu_x87_block *block) {
    switch (op) {
    case EMU_X87_F2XM1: EMU_HOST_X87("f2xm1"); break;       // D9 F0, Vol. 1 §8.3.10
    case EMU_X87_FYL2X: EMU_HOST_X87("fyl2x"); break;       // D9 F1, Vol. 1 §8.3.10
    case EMU_X87_FPTAN: EMU_HOST_X87("fptan"); break;       // D9 F2, Vol. 1 §8.3.9
    case EMU_X87_FPATAN: EMU_HOST_X87("fpatan"); break;     // D9 F3, Vol. 1 §8.3.9
    case EMU_X87_FYL2XP1: EMU_HOST_X87("fyl2xp1"); break;   // D9 F9, Vol. 1 §8.3.10
    case EMU_X87_FSINCOS: EMU_HOST_X87("fsincos"); break;   // D9 FB, Vol. 1 §8.3.9
    case EMU_X87_FSIN: EMU_HOST_X87("fsin"); break;         // D9 FE, Vol. 1 §8.3.9
    case EMU_X87_FCOS: EMU_HOST_X87("fcos"); break;         // D9 FF, Vol. 1 §8.3.9
    }
}

// MXCSR (SDM Vol. 1 §10.2.3). The register is not an asm operand constraint, so the value goes
// through memory, as the instructions require anyway.
uint32_t emu_host_stmxcsr(void) {
    uint32_t mxcsr;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr) : : "memory");
    return mxcsr;
}

void emu_host_ldmxcsr(uint32_t mxcsr) {
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr) : "memory");
}
