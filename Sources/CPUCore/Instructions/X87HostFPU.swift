// SPDX-License-Identifier: MIT
// The transcendental x87 instructions executed on the host x87 itself (DESIGN.md §7: the x86-64
// host is the oracle), through the C shim's `emu_host_x87` (Sources/CHostFPU): save the host FPU,
// load the guest FCW and operands, run the instruction, store FSW and the whole FPU with FNSAVE,
// restore the host FPU. Only non-waiting instructions follow the one under test, so an unmasked
// exception it raises stays pending in the discarded state instead of trapping the host; results
// (biased ones for an unmasked OE/UE), C1/C2 and the flags are the host's bit for bit.
import CHostFPU

/// FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1 on the host x87.
enum X87HostFPU {
    /// The shim's name for `op`, one of the eight transcendental instructions.
    static func hostOp(_ op: X87Op) -> emu_x87_op {
        switch op {
        case .fsin: return EMU_X87_FSIN
        case .fcos: return EMU_X87_FCOS
        case .fsincos: return EMU_X87_FSINCOS
        case .fptan: return EMU_X87_FPTAN
        case .fpatan: return EMU_X87_FPATAN
        case .f2xm1: return EMU_X87_F2XM1
        case .fyl2x: return EMU_X87_FYL2X
        case .fyl2xp1: return EMU_X87_FYL2XP1
        default: preconditionFailure("not a transcendental x87 instruction: \(op)")
        }
    }

    /// Runs `op` with FCW `fcw` on ST(0) = `x`, ST(1) = `y`. Returns the host FSW and the stack's
    /// top two values afterwards.
    static func run(_ op: X87Op, fcw: UInt16, _ x: Ext80, _ y: Ext80) -> (fsw: UInt16, st0: Ext80, st1: Ext80) {
        var block = emu_x87_block()
        block.fcw = fcw
        block.st0.sig = x.sig
        block.st0.se = x.se
        block.st1.sig = y.sig
        block.st1.se = y.se
        emu_host_x87(hostOp(op), &block)
        // FNSAVE stores the registers in stack order: ST(0) first.
        return (block.fsw, value(block.after.st.0), value(block.after.st.1))
    }

    /// An FNSAVE register slot (10 bytes: significand, then sign and exponent).
    private static func value<Slot>(_ slot: Slot) -> Ext80 {
        withUnsafeBytes(of: slot) {
            Ext80(sig: $0.loadUnaligned(as: UInt64.self), se: $0.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        }
    }
}
