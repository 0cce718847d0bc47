// SPDX-License-Identifier: MIT
// Bit and byte instructions: BT BTS BTR BTC BSF BSR SETcc (SDM Vol. 1 §7.3.7; Vol. 2 entries).
// Undefined flags follow Intel: BT/BTS/BTR/BTC change only CF (OF SF AF PF undefined, kept);
// BSF/BSR set ZF and leave the destination unchanged for a zero source.

extension CPU {
    /// Applies BT (0) BTS (1) BTR (2) BTC (3) to `v`, bit `bit`; sets CF; returns the new value.
    func bitOp<T: FixedWidthInteger & UnsignedInteger>(_ op: UInt16, _ v: T, _ bit: Int) -> T {
        let mask = T(1) << T(bit)
        setFlag(RFlags.cf, v & mask != 0)
        switch op {
        case 1: return v | mask
        case 2: return v & ~mask
        case 3: return v ^ mask
        default: return v
        }
    }

    func btR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type, offset: UInt64) {
        let r = i.pointee.op == .btRR ? i.pointee.b : i.pointee.r
        let v = bitOp(i.pointee.aux, reg(r, T.self), Int(offset & UInt64(T.bitWidth - 1)))
        if i.pointee.aux != 0 { setReg(r, v) }
    }

    /// Memory form: a register bit offset addresses bits outside the operand (signed, SDM "BT").
    func btM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type, offset: UInt64, registerOffset: Bool) -> Bool {
        var a = ea(i)
        let bits = Int64(T.bitWidth)
        var bit = Int64(bitPattern: offset)
        if registerOffset {
            let signed: Int64 = T.bitWidth == 16 ? Int64(Int16(truncatingIfNeeded: offset))
                : T.bitWidth == 32 ? Int64(Int32(truncatingIfNeeded: offset)) : Int64(bitPattern: offset)
            // Floor division without overflow: the byte offset is signed >> 3 rounded down to the operand size.
            let word = signed >> Int64(bits.trailingZeroBitCount)
            a = a &+ UInt64(bitPattern: word &* (bits / 8))
            bit = signed & (bits - 1)
        } else {
            bit = Int64(offset) & (bits - 1)
        }
        guard let m: T = load(a) else { memFault(i); return false }
        if i.pointee.aux != 0 { guard store(a, m) else { memFault(i); return false } }
        let v = bitOp(i.pointee.aux, m, Int(bit))
        if i.pointee.aux != 0 { _ = store(a, v) }
        return true
    }

    func bsf<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _ v: T) {
        materializeFlags()
        if v == 0 { flagBits |= RFlags.zf; return }
        flagBits &= ~RFlags.zf
        setReg(i.pointee.r, T(v.trailingZeroBitCount))
    }

    func bsr<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _ v: T) {
        materializeFlags()
        if v == 0 { flagBits |= RFlags.zf; return }
        flagBits &= ~RFlags.zf
        setReg(i.pointee.r, T(T.bitWidth - 1 - v.leadingZeroBitCount))
    }
}
