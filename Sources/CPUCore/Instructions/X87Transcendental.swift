// SPDX-License-Identifier: MIT
// x87 transcendental instructions: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1 (SDM Vol. 1
// §8.3.9–8.3.10, Vol. 2A entries). emu checks the stack faults; results, C1, C2 and the exception
// flags come from the same instruction on the host x87 under the guest FCW (X87HostFPU.swift),
// so they are bit-exact to the host CPU.

extension CPU {
    /// The instruction on the host x87 under the guest FCW, after the stack checks; the flags
    /// and whether the result is delivered follow from the host FSW.
    func transcendental(_ i: Inst, _ op: X87Op) -> Bool {
        x87Note(i)
        x87ClearC1()
        x87.fsw &= ~X87Flags.c2
        switch op {
        case .fsin, .fcos, .f2xm1:
            if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
        case .fsincos, .fptan:
            if x87TwoResultStackFault() { return true }
        default:
            if x87.isEmpty(0) || x87.isEmpty(1) { x87StackUnderflow(dest: 1, pops: 1); return true }
        }
        let y = x87.isEmpty(1) ? Ext80.zero : x87.st(1)
        let (sw, r0, r1) = X87HostFPU.run(op, fcw: x87.fcw, x87.st(0), y)
        if sw & X87Flags.c2 != 0 {
            // |x| ≥ 2^63: operand left as it is, C2 set, no exception.
            x87.fsw |= X87Flags.c2
            return true
        }
        guard x87Signal(sw & (X87Flags.exceptions | X87Flags.c1)) else { return true }
        switch op {
        case .fsin, .fcos, .f2xm1: x87.setST(0, r0)
        case .fsincos, .fptan:
            x87.setST(0, r1)
            x87.push(r0)
        default:
            x87.pop()
            x87.setST(0, r0)
        }
        return true
    }
}
