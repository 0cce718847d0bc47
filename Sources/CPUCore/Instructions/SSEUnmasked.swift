// SPDX-License-Identifier: MIT
// Flags of an unmasked numeric overflow or underflow (SDM Vol. 1 §4.9.1.4–4.9.1.6, §11.5.2.4–
// 11.5.2.5). The host computes with every exception masked, where OE and a tiny inexact result
// come with PE and an exact tiny result raises nothing. With OM or UM clear, UE means "tiny" and
// PE means "inexact with an unbounded exponent" for the lanes that overflowed or underflowed, so
// those lanes are recomputed one by one and their exactness decided here on the significands.

extension CPU {
    /// The flags of an ADD/SUB/MUL/DIV or CVTSD2SS/CVTPD2PS instruction when OE or UE is unmasked.
    func unboundedFlags(_ op: SSEOp, _ a: V128, _ b: V128, _ tiny: HostFP.Tiny) -> UInt32 {
        let unmasked = ~(sse.mxcsr >> 7) & MXCSR.flags
        let single: Bool, lanes: Int
        switch tiny {
        case .none: return runOnHost(op, a, b).2
        case .single(let n): single = true; lanes = n
        case .double(let n): single = false; lanes = n
        }
        let narrow = op == .cvtsd2ss || op == .cvtpd2ps
        let scalar: SSEOp = narrow ? .cvtsd2ss : CPU.scalarForm(op)
        let doubleOperands = !single || narrow
        var flags: UInt32 = 0
        for k in 0..<lanes {
            let x = CPU.lane(a, k, double: doubleOperands), y = CPU.lane(b, k, double: doubleOperands)
            let (r, _, f) = runOnHost(scalar, V128(lo: x, hi: 0), V128(lo: y, hi: 0))
            var laneFlags = f
            let isTiny = f & MXCSR.ue != 0 || hasTinyLane(r, single ? .single(1) : .double(1))
            if unmasked & MXCSR.ue != 0 && isTiny { laneFlags |= MXCSR.ue }
            if (unmasked & MXCSR.oe != 0 && f & MXCSR.oe != 0) || (unmasked & MXCSR.ue != 0 && isTiny) {
                let exact = narrow ? CPU.significantBits(of: y, double: true) <= 24
                    : exactUnbounded(op, x, y, double: !single)
                laneFlags = laneFlags & ~MXCSR.pe | (exact ? 0 : MXCSR.pe)
            }
            flags |= laneFlags
        }
        return flags
    }

    /// ADDPS → ADDSS, MULPD → MULSD…: each family is declared PS, SS, PD, SD.
    static func scalarForm(_ op: SSEOp) -> SSEOp {
        let form = (op.rawValue - SSEOp.addps.rawValue) & 3
        return form & 1 == 0 ? SSEOp(rawValue: op.rawValue + 1).unsafelyUnwrapped : op
    }

    /// Lane k of a packed single (zero-extended bits) or double.
    static func lane(_ v: V128, _ k: Int, double: Bool) -> UInt64 {
        double ? (k == 0 ? v.lo : v.hi) : UInt64(v.single(k))
    }

    /// A finite value as (negative, M, E) with value = ±M·2^E; DAZ reads denormals as zero.
    func decompose(_ bits: UInt64, double: Bool) -> (neg: Bool, m: UInt64, e: Int) {
        let daz = sse.mxcsr & MXCSR.daz != 0
        if double {
            let exp = Int((bits >> 52) & 0x7FF), frac = bits & 0xF_FFFF_FFFF_FFFF
            if exp == 0 { return (bits >> 63 != 0, daz ? 0 : frac, -1074) }
            return (bits >> 63 != 0, frac | 1 << 52, exp - 1075)
        }
        let exp = Int((bits >> 23) & 0xFF), frac = bits & 0x7F_FFFF
        if exp == 0 { return (bits >> 31 & 1 != 0, daz ? 0 : frac, -149) }
        return (bits >> 31 & 1 != 0, frac | 1 << 23, exp - 150)
    }

    /// Whether x op y is representable in the format's precision with an unbounded exponent.
    func exactUnbounded(_ op: SSEOp, _ x: UInt64, _ y: UInt64, double: Bool) -> Bool {
        let p = double ? 53 : 24
        let a = decompose(x, double: double), b = decompose(y, double: double)
        if a.m == 0 || b.m == 0 { return true }
        switch CPU.scalarForm(op) {
        case .mulss, .mulsd:
            let (hi, lo) = a.m.multipliedFullWidth(by: b.m)
            return CPU.significantBits(hi, lo) <= p
        case .divss, .divsd:
            let odd = b.m >> UInt64(b.m.trailingZeroBitCount)
            return a.m % odd == 0 && CPU.significantBits(0, a.m / odd) <= p
        default:  // add, sub
            let subtract = (CPU.scalarForm(op) == .subss || CPU.scalarForm(op) == .subsd) != (a.neg != b.neg)
            let (big, small) = a.e >= b.e ? (a, b) : (b, a)
            let d = big.e - small.e
            if d >= 64 { return false }
            // big.m << d as a 128-bit value, then ± small.m.
            var hi = d == 0 ? 0 : big.m >> UInt64(64 - d), lo = big.m << UInt64(d)
            if subtract {
                if hi == 0 && lo < small.m { return CPU.significantBits(0, small.m - lo) <= p }
                let (l, borrow) = lo.subtractingReportingOverflow(small.m)
                lo = l; if borrow { hi -= 1 }
            } else {
                let (l, carry) = lo.addingReportingOverflow(small.m)
                lo = l; if carry { hi += 1 }
            }
            return CPU.significantBits(hi, lo) <= p
        }
    }

    /// Bits from the highest to the lowest set bit of the 128-bit value hi:lo (0 for zero).
    static func significantBits(_ hi: UInt64, _ lo: UInt64) -> Int {
        if hi == 0 && lo == 0 { return 0 }
        let top = hi != 0 ? 128 - hi.leadingZeroBitCount : 64 - lo.leadingZeroBitCount
        let bottom = lo != 0 ? lo.trailingZeroBitCount : 64 + hi.trailingZeroBitCount
        return top - bottom
    }

    /// Significant bits of a double's significand (CVTSD2SS is exact when it fits in 24).
    static func significantBits(of bits: UInt64, double: Bool) -> Int {
        let exp = (bits >> 52) & 0x7FF, frac = bits & 0xF_FFFF_FFFF_FFFF
        return significantBits(0, exp == 0 ? frac : frac | 1 << 52)
    }
}
