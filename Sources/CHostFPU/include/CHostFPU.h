// SPDX-License-Identifier: MIT
// CHostFPU: the host-FPU instructions CPUCore needs that Swift cannot emit, as GCC/clang inline
// assembly. A leaf C shim with no dependencies (docs/architecture-notes.md, "CPUCore's C shim").
// Source of truth: Intel SDM Vol. 1 §8.1.10, §8.3.9–8.3.10, §10.2.3; Vol. 2A FNSAVE, FRSTOR,
// LDMXCSR, STMXCSR and the entries of the eight transcendental instructions.
#ifndef CHOSTFPU_H
#define CHOSTFPU_H

#include <stdint.h>

/// The x87 instructions `emu_host_x87` runs, named by the second byte of their `D9 xx` encoding
/// (SDM Vol. 2A).
enum emu_x87_op {
    EMU_X87_F2XM1 = 0xF0,
    EMU_X87_FYL2X = 0xF1,
    EMU_X87_FPTAN = 0xF2,
    EMU_X87_FPATAN = 0xF3,
    EMU_X87_FYL2XP1 = 0xF9,
    EMU_X87_FSINCOS = 0xFB,
    EMU_X87_FSIN = 0xFE,
    EMU_X87_FCOS = 0xFF,
};

/// An 80-bit value as FLD m80fp reads it: the significand with its explicit integer bit, then
/// the sign and the 15-bit biased exponent (SDM Vol. 1 §4.2.2, Figure 4-3). Padded to 16 bytes.
struct emu_x87_ext80 {
    uint64_t sig;
    uint16_t se;
    uint16_t reserved[3];
};

/// The image FNSAVE stores in 64-bit mode: the 28-byte protected-mode environment, then ST(0) to
/// ST(7) as 10-byte values in stack order (SDM Vol. 1 §8.1.10, Figure 8-9; Vol. 2A FSAVE/FNSAVE).
struct emu_fnsave_image {
    uint16_t fcw, reserved0;
    uint16_t fsw, reserved1;
    uint16_t ftw, reserved2;
    uint32_t fpu_ip;
    uint16_t fpu_cs, fop;
    uint32_t fpu_dp;
    uint16_t fpu_ds, reserved3;
    uint8_t st[8][10];
};

/// The operands and results of one `emu_host_x87` call, at fixed offsets (asserted in host_fpu.c).
struct emu_x87_block {
    struct emu_fnsave_image host;   ///< 0: the host's x87 state while the guest's is loaded
    uint8_t pad0[20];
    uint16_t fcw;                   ///< 128 in: the control word to run under
    uint16_t pad1[7];
    struct emu_x87_ext80 st0;       ///< 144 in: ST(0)
    struct emu_x87_ext80 st1;       ///< 160 in: ST(1)
    uint16_t fsw;                   ///< 176 out: the status word right after the instruction
    uint16_t pad2[7];
    struct emu_fnsave_image after;  ///< 192 out: the whole x87 state right after the instruction
    uint8_t pad3[4];
} __attribute__((aligned(16)));

/// Runs `op` on the host x87 with FCW = `block->fcw`, ST(0) = `block->st0` and ST(1) =
/// `block->st1` (the rest of the stack empty), and stores the FSW and the FNSAVE image right after
/// it in `block`. The host's x87 state is unchanged on return. Only non-waiting instructions
/// follow `op`, so an unmasked exception it raises stays pending in the discarded state instead
/// of trapping the host. Any other `op` leaves the block unchanged.
void emu_host_x87(enum emu_x87_op op, struct emu_x87_block *block);

/// The host MXCSR (STMXCSR, SDM Vol. 2B).
uint32_t emu_host_stmxcsr(void);

/// Loads `mxcsr` into the host MXCSR (LDMXCSR, SDM Vol. 2A). Reserved bits set raise #GP on the
/// host: pass only bits of MXCSR_MASK 0xFFFF.
void emu_host_ldmxcsr(uint32_t mxcsr);

#endif
