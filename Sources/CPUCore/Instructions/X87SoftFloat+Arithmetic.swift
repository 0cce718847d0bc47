// SPDX-License-Identifier: MIT
// The four rules, square root and round-to-integer on the 80-bit format, with the x87's special
// operands: unsupported encodings, denormals (DE), NaNs, infinities and signed zeros (SDM Vol. 1
// §4.8.3, §8.2; Vol. 2A "FADD" … "FSQRT", "FRNDINT" special-operand tables).

extension SoftFloat80 {
    // MARK: - Add and subtract

    mutating func add(_ a: Ext80, _ b: Ext80) -> Ext80 {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        return a.sign == b.sign ? addMagnitudes(a, b, a.sign) : subMagnitudes(a, b, a.sign)
    }

    mutating func sub(_ a: Ext80, _ b: Ext80) -> Ext80 {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        return a.sign == b.sign ? subMagnitudes(a, b, a.sign) : addMagnitudes(a, b, a.sign)
    }

    private mutating func addMagnitudes(_ a: Ext80, _ b: Ext80, _ signZ: Bool) -> Ext80 {
        var expA = a.exp, sigA = a.sig, expB = b.exp, sigB = b.sig
        if expA == 0x7FFF {
            if sigA << 1 != 0 || (expB == 0x7FFF && sigB << 1 != 0) { return propagateNaN(a, b) }
            if b.isDenormal { flags |= X87Flags.de }
            return a
        }
        if expB == 0x7FFF {
            if sigB << 1 != 0 { return propagateNaN(a, b) }
            if a.isDenormal { flags |= X87Flags.de }
            return Ext80(sign: signZ, exp: 0x7FFF, sig: 1 << 63)
        }
        if expA == 0 {
            if sigA == 0 {
                if expB == 0 && sigB != 0 {
                    flags |= X87Flags.de
                    (expB, sigB) = normalizeSubnormal(sigB)
                }
                return roundPack(signZ, expB, sigB, 0, bits: precision)
            }
            flags |= X87Flags.de
            (expA, sigA) = normalizeSubnormal(sigA)
        }
        if expB == 0 {
            if sigB == 0 { return roundPack(signZ, expA, sigA, 0, bits: precision) }
            flags |= X87Flags.de
            (expB, sigB) = normalizeSubnormal(sigB)
        }
        var expZ: Int32, extra: UInt64 = 0
        let diff = expA - expB
        if diff < 0 {
            expZ = expB
            (sigA, extra) = shiftRightJamExtra(sigA, 0, Int(-diff))
        } else {
            expZ = expA
            if diff > 0 { (sigB, extra) = shiftRightJamExtra(sigB, 0, Int(diff)) }
        }
        let (sum, carry) = sigA.addingReportingOverflow(sigB)
        if !carry { return roundPack(signZ, expZ, sum, extra, bits: precision) }
        // The sum has 65 bits: shift right one, jamming into the extra word.
        let newExtra = sum << 63 | (extra != 0 ? 1 : 0)
        return roundPack(signZ, expZ + 1, sum >> 1 | 1 << 63, newExtra, bits: precision)
    }

    private mutating func subMagnitudes(_ a: Ext80, _ b: Ext80, _ signZ: Bool) -> Ext80 {
        var expA = a.exp, sigA = a.sig, expB = b.exp, sigB = b.sig
        if expA == 0x7FFF {
            if sigA << 1 != 0 { return propagateNaN(a, b) }
            if expB == 0x7FFF {
                if sigB << 1 != 0 { return propagateNaN(a, b) }
                return invalid()
            }
            if b.isDenormal { flags |= X87Flags.de }
            return a
        }
        if expB == 0x7FFF {
            if sigB << 1 != 0 { return propagateNaN(a, b) }
            if a.isDenormal { flags |= X87Flags.de }
            return Ext80(sign: !signZ, exp: 0x7FFF, sig: 1 << 63)
        }
        if expA == 0 {
            if sigA == 0 {
                if expB == 0 {
                    if sigB != 0 {
                        flags |= X87Flags.de
                        (expB, sigB) = normalizeSubnormal(sigB)
                        return roundPack(!signZ, expB, sigB, 0, bits: precision)
                    }
                    return Ext80(sign: rc == SoftFloat80.rcDown, exp: 0, sig: 0)
                }
                return roundPack(!signZ, expB, sigB, 0, bits: precision)
            }
            flags |= X87Flags.de
            (expA, sigA) = normalizeSubnormal(sigA)
        }
        if expB == 0 {
            if sigB == 0 { return roundPack(signZ, expA, sigA, 0, bits: precision) }
            flags |= X87Flags.de
            (expB, sigB) = normalizeSubnormal(sigB)
        }
        let diff = expA - expB
        var sign = signZ, expZ: Int32
        var hi: UInt64, lo: UInt64
        if diff > 0 || (diff == 0 && sigA > sigB) {
            expZ = expA
            let (bh, bl) = shiftRightJam128(sigB, 0, Int(diff))
            (hi, lo) = sub128(sigA, 0, bh, bl)
        } else if diff < 0 || sigB > sigA {
            expZ = expB
            sign = !sign
            let (ah, al) = shiftRightJam128(sigA, 0, Int(-diff))
            (hi, lo) = sub128(sigB, 0, ah, al)
        } else {
            return Ext80(sign: rc == SoftFloat80.rcDown, exp: 0, sig: 0)
        }
        return normRoundPack(sign, expZ, hi, lo, bits: precision)
    }

    // MARK: - Multiply and divide

    mutating func mul(_ a: Ext80, _ b: Ext80) -> Ext80 {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        let signZ = a.sign != b.sign
        var expA = a.exp, sigA = a.sig, expB = b.exp, sigB = b.sig
        if expA == 0x7FFF || expB == 0x7FFF {
            if a.isNaN || b.isNaN { return propagateNaN(a, b) }
            if a.isZero || b.isZero { return invalid() }
            if a.isDenormal || b.isDenormal { flags |= X87Flags.de }
            return Ext80(sign: signZ, exp: 0x7FFF, sig: 1 << 63)
        }
        if a.isDenormal || b.isDenormal { flags |= X87Flags.de }
        if a.isZero || b.isZero { return Ext80(sign: signZ, exp: 0, sig: 0) }
        if expA == 0 { (expA, sigA) = normalizeSubnormal(sigA) }
        if expB == 0 { (expB, sigB) = normalizeSubnormal(sigB) }
        var expZ = expA + expB - 0x3FFE
        var (hi, lo) = sigA.multipliedFullWidth(by: sigB)
        if hi >> 63 == 0 {
            expZ -= 1
            hi = hi << 1 | lo >> 63
            lo <<= 1
        }
        return roundPack(signZ, expZ, hi, lo, bits: precision)
    }

    mutating func div(_ a: Ext80, _ b: Ext80) -> Ext80 {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        let signZ = a.sign != b.sign
        var expA = a.exp, sigA = a.sig, expB = b.exp, sigB = b.sig
        if expA == 0x7FFF {
            if a.isNaN || b.isNaN { return propagateNaN(a, b) }
            if expB == 0x7FFF { return invalid() }
            if b.isDenormal { flags |= X87Flags.de }
            return Ext80(sign: signZ, exp: 0x7FFF, sig: 1 << 63)
        }
        if expB == 0x7FFF {
            if b.isNaN { return propagateNaN(a, b) }
            if a.isDenormal { flags |= X87Flags.de }
            return Ext80(sign: signZ, exp: 0, sig: 0)
        }
        if b.isDenormal { flags |= X87Flags.de }
        if b.isZero {
            if a.isZero { return invalid() }
            flags |= X87Flags.ze
            return Ext80(sign: signZ, exp: 0x7FFF, sig: 1 << 63)
        }
        if a.isDenormal { flags |= X87Flags.de }
        if a.isZero { return Ext80(sign: signZ, exp: 0, sig: 0) }
        if expA == 0 { (expA, sigA) = normalizeSubnormal(sigA) }
        if expB == 0 { (expB, sigB) = normalizeSubnormal(sigB) }
        var expZ = expA - expB + 0x3FFF
        // Exact long division: 64 quotient bits with bit 63 set, then 64 more for rounding.
        let q: UInt64, r: UInt64
        if sigA < sigB {
            expZ -= 1
            (q, r) = sigB.dividingFullWidth((high: sigA, low: 0))
        } else {
            (q, r) = sigB.dividingFullWidth((high: sigA >> 1, low: sigA << 63))
        }
        let (q2, r2) = sigB.dividingFullWidth((high: r, low: 0))
        return roundPack(signZ, expZ, q, q2 | (r2 != 0 ? 1 : 0), bits: precision)
    }

    // MARK: - Square root

    mutating func sqrt(_ a: Ext80) -> Ext80 {
        if a.isUnsupported { return invalid() }
        if a.exp == 0x7FFF {
            if a.isNaN { return propagateNaN(a, .zero) }
            return a.sign ? invalid() : a
        }
        if a.sign {
            return a.isZero ? a : invalid()
        }
        if a.isZero { return a }
        var expA = a.exp, sigA = a.sig
        if expA == 0 {
            flags |= X87Flags.de
            (expA, sigA) = normalizeSubnormal(sigA)
        }
        let e = expA - 0x3FFF
        let expZ = (e >> 1) + 0x3FFF
        // Radicand N = sigA·2^63 (even exponent) or sigA·2^64 (odd): √N is the 64-bit root.
        let (nh, nl) = e & 1 == 0 ? (sigA >> 1, sigA << 63) : (sigA, UInt64(0))
        let (q, rh, rl) = isqrt128(nh, nl)
        var extra: UInt64 = 0
        if rh != 0 || rl != 0 {
            // √N ≥ q + ½ exactly when N − q² > q; the root is never exactly halfway.
            extra = (rh != 0 || rl > q) ? 0xC000_0000_0000_0000 : 0x4000_0000_0000_0000
        }
        return roundPack(false, expZ, q, extra, bits: precision)
    }

    // MARK: - Round to integer

    /// FRNDINT: rounds to an integer in the FCW rounding mode (PE when inexact, C1 when up).
    mutating func roundToInt(_ a: Ext80) -> Ext80 {
        if a.isUnsupported { return invalid() }
        let exp = a.exp, sign = a.sign
        if exp >= 0x403E {
            if a.isNaN { return propagateNaN(a, .zero) }
            return a
        }
        if exp <= 0x3FFE {
            if exp == 0 {
                if a.sig == 0 { return a }
                flags |= X87Flags.de
            }
            flags |= X87Flags.pe
            var toOne: Bool
            switch rc {
            case SoftFloat80.rcNearest: toOne = exp == 0x3FFE && a.sig << 1 != 0
            case SoftFloat80.rcDown: toOne = sign
            case SoftFloat80.rcUp: toOne = !sign
            default: toOne = false
            }
            if toOne {
                flags |= X87Flags.c1
                return Ext80(sign: sign, exp: 0x3FFF, sig: 1 << 63)
            }
            return Ext80(sign: sign, exp: 0, sig: 0)
        }
        let last: UInt64 = 1 << UInt64(0x403E - exp)
        let roundMask = last - 1
        var z = a.sig
        switch rc {
        case SoftFloat80.rcNearest:
            z &+= last >> 1
            if z & roundMask == 0 { z &= ~last }
        case SoftFloat80.rcDown where sign, SoftFloat80.rcUp where !sign:
            z &+= roundMask
        default: break
        }
        z &= ~roundMask
        var se = a.se
        if z == 0 {
            se += 1
            z = 1 << 63
            flags |= X87Flags.c1
        }
        if z != a.sig {
            flags |= X87Flags.pe
            if z > a.sig { flags |= X87Flags.c1 }
        }
        return Ext80(sig: z, se: se)
    }
}
