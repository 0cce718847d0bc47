// SPDX-License-Identifier: MIT
// x87 arithmetic on the 80-bit format in software, bit-exact to the hardware: results rounded to
// the FCW precision (24/53/64 bits) in the FCW rounding mode; IE DE ZE OE UE PE as the x87 raises
// them (tininess detected after rounding, DE for denormal operands, unsupported encodings invalid);
// C1 as the round-up indicator; the unmasked OE/UE exponent bias of 24576 (SDM Vol. 1 §4.7–4.9,
// §8.1.5, §8.5). The algorithms follow Berkeley SoftFloat 3e's extF80 routines with the x87
// extensions Bochs documents, rewritten for exact 128-bit integer division and square root.

/// FSW bit positions of the exception flags and condition codes. `c1` doubles as the
/// "rounded up" report of an arithmetic operation.
enum X87Flags {
    static let ie: UInt16 = 0x01, de: UInt16 = 0x02, ze: UInt16 = 0x04, oe: UInt16 = 0x08
    static let ue: UInt16 = 0x10, pe: UInt16 = 0x20, sf: UInt16 = 0x40, es: UInt16 = 0x80
    static let c0: UInt16 = 0x100, c1: UInt16 = 0x200, c2: UInt16 = 0x400, c3: UInt16 = 0x4000
    static let busy: UInt16 = 0x8000
    static let exceptions: UInt16 = 0x3F
    static let conditions: UInt16 = 0x4700
}

extension Ext80 {
    /// Unnormals, pseudo-NaNs and pseudo-infinities: invalid operands since the 80387 (§8.2.2).
    @inlinable var isUnsupported: Bool { se & 0x7FFF != 0 && sig >> 63 == 0 }
    @inlinable var isNaN: Bool { se & 0x7FFF == 0x7FFF && sig << 1 != 0 }
    @inlinable var isSignalingNaN: Bool { isNaN && sig & (1 << 62) == 0 }
    @inlinable var isInfinity: Bool { se & 0x7FFF == 0x7FFF && sig << 1 == 0 }
    @inlinable var isZero: Bool { se & 0x7FFF == 0 && sig == 0 }
    /// Denormal or pseudo-denormal (exponent 0, significand not zero).
    @inlinable var isDenormal: Bool { se & 0x7FFF == 0 && sig != 0 }
    @inlinable var negated: Ext80 { Ext80(sig: sig, se: se ^ 0x8000) }
    @inlinable var magnitude: Ext80 { Ext80(sig: sig, se: se & 0x7FFF) }
}

// MARK: - Shifts with a sticky bit

/// `a >> dist` with the bits shifted out ORed into bit 0.
@inline(__always) func shiftRightJam(_ a: UInt64, _ dist: Int) -> UInt64 {
    if dist <= 0 { return a }
    if dist < 64 { return a >> UInt64(dist) | (a << UInt64(64 - dist) != 0 ? 1 : 0) }
    return a != 0 ? 1 : 0
}

/// Shifts `a:extra` right by `dist`: the bits leaving `a` go to the top of the new extra word,
/// the old extra word is kept only as a sticky bit.
@inline(__always) func shiftRightJamExtra(_ a: UInt64, _ extra: UInt64, _ dist: Int) -> (UInt64, UInt64) {
    if dist <= 0 { return (a, extra) }
    let sticky: UInt64 = extra != 0 ? 1 : 0
    if dist < 64 { return (a >> UInt64(dist), a << UInt64(64 - dist) | sticky) }
    return (0, (dist == 64 ? a : (a != 0 ? 1 : 0)) | sticky)
}

/// Shifts the 128-bit `hi:lo` right by `dist`, jamming lost bits into bit 0.
@inline(__always) func shiftRightJam128(_ hi: UInt64, _ lo: UInt64, _ dist: Int) -> (UInt64, UInt64) {
    if dist <= 0 { return (hi, lo) }
    if dist < 64 {
        let d = UInt64(dist)
        return (hi >> d, hi << (64 - d) | lo >> d | (lo << (64 - d) != 0 ? 1 : 0))
    }
    if dist < 128 {
        let d = UInt64(dist - 64)
        let lost = (d == 0 ? 0 : hi << (64 - d)) | lo
        return (0, hi >> d | (lost != 0 ? 1 : 0))
    }
    return (0, hi | lo != 0 ? 1 : 0)
}

/// Normalises a denormal significand: (exponent, significand with bit 63 set), the exponent
/// on the scale where a denormal's exponent field 0 counts as 1.
@inline(__always) func normalizeSubnormal(_ sig: UInt64) -> (Int32, UInt64) {
    let s = sig.leadingZeroBitCount
    return (Int32(1 - s), sig << UInt64(s))
}

/// One x87 arithmetic operation in progress: the FCW rounding state and the flags raised.
struct SoftFloat80 {
    /// FCW.RC: 0 to nearest (even), 1 down, 2 up, 3 toward zero.
    let rc: UInt16
    /// Bits of significand results are rounded to: 24, 53 or 64 (FCW.PC; the reserved 01 acts as 64).
    let precision: Int
    /// FCW exception masks, bits 0–5.
    let masks: UInt16
    /// Raised exceptions in FSW positions, plus `X87Flags.c1` when the result was rounded up.
    var flags: UInt16 = 0

    static let rcNearest: UInt16 = 0, rcDown: UInt16 = 1, rcUp: UInt16 = 2, rcZero: UInt16 = 3

    /// `fullPrecision` ignores FCW.PC: only FADD … FDIVR, FSQRT and their forms honour it (§8.1.5.2).
    init(fcw: UInt16, fullPrecision: Bool = false) {
        rc = (fcw >> 10) & 3
        switch (fcw >> 8) & 3 {
        case 0: precision = fullPrecision ? 64 : 24
        case 2: precision = fullPrecision ? 64 : 53
        default: precision = 64
        }
        masks = fcw & 0x3F
    }

    @inline(__always) func unmasked(_ f: UInt16) -> Bool { masks & f == 0 }

    /// True when rounding away from zero is the directed rounding for this sign.
    @inline(__always) func roundsAway(_ sign: Bool) -> Bool { rc == (sign ? SoftFloat80.rcDown : SoftFloat80.rcUp) }

    // MARK: - Rounding

    /// Rounds `sig:extra` × 2^(exp − 16383 − 63) to `bits` of significand and packs it. `sig`
    /// must be normalised (bit 63 set) unless `exp` ≤ 0 (SoftFloat `roundPackToExtF80`).
    mutating func roundPack(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, bits: Int) -> Ext80 {
        if bits >= 64 { return roundPack64(sign, exp, sig, extra) }
        var exp = exp
        var sig = sig | (extra != 0 ? 1 : 0)
        var mask: UInt64 = bits == 53 ? 0x7FF : 0xFF_FFFF_FFFF
        let nearest = rc == SoftFloat80.rcNearest
        let increment: UInt64 = nearest ? (mask >> 1) + 1 : (roundsAway(sign) ? mask : 0)
        var roundBits = sig & mask
        if exp <= 0 || exp >= 0x7FFE {
            if exp <= 0 {
                let tiny = exp < 0 || sig &+ increment >= sig
                if tiny && sig != 0 && unmasked(X87Flags.ue) {
                    if let z = unmaskedUnderflow(sign, &exp) { return z }
                } else {
                    sig = shiftRightJam(sig, Int(1 - exp))
                    roundBits = sig & mask
                    let exact = sig
                    sig &+= increment
                    exp = sig >> 63 != 0 ? 1 : 0
                    if nearest && roundBits << 1 == mask + 1 { mask |= mask + 1 }
                    sig &= ~mask
                    if roundBits != 0 {
                        flags |= X87Flags.pe | (tiny ? X87Flags.ue : 0)
                        if sig > exact { flags |= X87Flags.c1 }
                    }
                    return Ext80(sign: sign, exp: exp, sig: sig)
                }
            }
            if exp > 0x7FFE || (exp == 0x7FFE && sig &+ increment < sig) {
                if !unmasked(X87Flags.oe) { return overflow(sign, maxSig: ~mask) }
                flags |= X87Flags.oe
                exp -= 0x6000
                if exp > 0x7FFE || (exp == 0x7FFE && sig &+ increment < sig) { return unmaskedOverflow(sign) }
            }
        }
        var exact = sig
        sig &+= increment
        if sig < increment {
            exp += 1
            sig = 1 << 63
            exact >>= 1
        }
        if nearest && roundBits << 1 == mask + 1 { mask |= mask + 1 }
        sig &= ~mask
        if roundBits != 0 {
            flags |= X87Flags.pe
            if sig > exact { flags |= X87Flags.c1 }
        }
        if sig == 0 { exp = 0 }
        return Ext80(sign: sign, exp: exp, sig: sig)
    }

    /// `roundPack` for the full 64-bit significand: `extra` holds the bits below it.
    private mutating func roundPack64(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64) -> Ext80 {
        var exp = exp, sig = sig, extra = extra
        let nearest = rc == SoftFloat80.rcNearest
        var up = nearest ? extra >= 1 << 63 : (roundsAway(sign) && extra != 0)
        if exp <= 0 || exp >= 0x7FFE {
            if exp <= 0 {
                let tiny = exp < 0 || !up || sig < UInt64.max
                if tiny && sig != 0 && unmasked(X87Flags.ue) {
                    if let z = unmaskedUnderflow(sign, &exp) { return z }
                } else {
                    (sig, extra) = shiftRightJamExtra(sig, extra, Int(1 - exp))
                    exp = 0
                    if extra != 0 { flags |= X87Flags.pe | (tiny ? X87Flags.ue : 0) }
                    up = nearest ? extra >= 1 << 63 : (roundsAway(sign) && extra != 0)
                    if up {
                        let exact = sig
                        sig += 1
                        if nearest && extra << 1 == 0 { sig &= ~1 }
                        exp = sig >> 63 != 0 ? 1 : 0
                        if sig > exact { flags |= X87Flags.c1 }
                    }
                    return Ext80(sign: sign, exp: exp, sig: sig)
                }
            }
            if exp > 0x7FFE || (exp == 0x7FFE && sig == UInt64.max && up) {
                if !unmasked(X87Flags.oe) { return overflow(sign, maxSig: UInt64.max) }
                flags |= X87Flags.oe
                exp -= 0x6000
                if exp > 0x7FFE || (exp == 0x7FFE && sig == UInt64.max && up) { return unmaskedOverflow(sign) }
            }
        }
        if extra != 0 { flags |= X87Flags.pe }
        if up {
            var exact = sig
            sig &+= 1
            if sig == 0 {
                exp += 1
                sig = 1 << 63
                exact >>= 1
            } else if nearest && extra << 1 == 0 {
                sig &= ~1
            }
            if sig > exact { flags |= X87Flags.c1 }
        } else if sig == 0 {
            exp = 0
        }
        return Ext80(sign: sign, exp: exp, sig: sig)
    }

    /// Masked overflow response (§4.9.1.4): ∞ (rounded up: C1) when rounding goes away from zero,
    /// else the largest finite value of the precision.
    private mutating func overflow(_ sign: Bool, maxSig: UInt64) -> Ext80 {
        flags |= X87Flags.oe | X87Flags.pe
        if rc == SoftFloat80.rcNearest || roundsAway(sign) {
            flags |= X87Flags.c1
            return Ext80(sign: sign, exp: 0x7FFF, sig: 1 << 63)
        }
        return Ext80(sign: sign, exp: 0x7FFE, sig: maxSig)
    }

    /// Unmasked underflow (§4.9.1.5): the exponent is biased up by 24576. A result still tiny
    /// after that (only FSCALE gets there) becomes a signed zero, inexact, whatever the rounding.
    private mutating func unmaskedUnderflow(_ sign: Bool, _ exp: inout Int32) -> Ext80? {
        flags |= X87Flags.ue
        exp += 0x6000
        if exp > 0 { return nil }
        flags |= X87Flags.pe
        return Ext80(sign: sign, exp: 0, sig: 0)
    }

    /// An unmasked overflow too large even for the biased exponent (FSCALE): ∞ whatever the
    /// rounding mode, as the hardware delivers it.
    private mutating func unmaskedOverflow(_ sign: Bool) -> Ext80 {
        flags |= X87Flags.oe | X87Flags.pe | X87Flags.c1
        return Ext80(sign: sign, exp: 0x7FFF, sig: 1 << 63)
    }


    /// Normalises `sig:extra` (which need not have bit 63 set) and rounds it.
    mutating func normRoundPack(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, bits: Int) -> Ext80 {
        var exp = exp, sig = sig, extra = extra
        if sig == 0 {
            if extra == 0 { return Ext80(sign: sign, exp: 0, sig: 0) }
            exp -= 64; sig = extra; extra = 0
        }
        let s = sig.leadingZeroBitCount
        if s > 0 {
            sig = sig << UInt64(s) | extra >> UInt64(64 - s)
            extra <<= UInt64(s)
            exp -= Int32(s)
        }
        return roundPack(sign, exp, sig, extra, bits: bits)
    }

    // MARK: - NaNs

    /// The NaN result of an operation with a NaN operand (Vol. 1 Table 4-7): an SNaN raises IE;
    /// a QNaN operand wins over an SNaN; of two NaNs of one kind the larger significand wins,
    /// then the positive one. The result is quiet.
    /// `bSignaling` overrides `b`'s kind when `b` was quieted on its way from memory.
    mutating func propagateNaN(_ a: Ext80, _ b: Ext80, bSignaling: Bool? = nil) -> Ext80 {
        let sa = a.isSignalingNaN, sb = bSignaling ?? b.isSignalingNaN
        let qa = Ext80(sig: a.sig | 0xC000_0000_0000_0000, se: a.se)
        let qb = Ext80(sig: b.sig | 0xC000_0000_0000_0000, se: b.se)
        if sa || sb {
            flags |= X87Flags.ie
            if sa && !sb { return b.isNaN ? qb : qa }
            if sb && !sa { return a.isNaN ? qa : qb }
        }
        // A non-NaN operand never wins, infinities included (their exponent is a NaN's).
        if !a.isNaN { return qb }
        if !b.isNaN { return qa }
        // Compared quiet, as a memory operand arrives already quieted by its conversion.
        if qa.sig != qb.sig { return qa.sig < qb.sig ? qb : qa }
        return a.se < b.se ? qa : qb
    }

    @inline(__always) mutating func invalid() -> Ext80 {
        flags |= X87Flags.ie
        return .indefinite
    }
}

// MARK: - 128-bit helpers

@inline(__always) func sub128(_ ah: UInt64, _ al: UInt64, _ bh: UInt64, _ bl: UInt64) -> (UInt64, UInt64) {
    let (l, borrow) = al.subtractingReportingOverflow(bl)
    return (ah &- bh &- (borrow ? 1 : 0), l)
}

@inline(__always) func add128(_ ah: UInt64, _ al: UInt64, _ bh: UInt64, _ bl: UInt64) -> (UInt64, UInt64) {
    let (l, carry) = al.addingReportingOverflow(bl)
    return (ah &+ bh &+ (carry ? 1 : 0), l)
}

@inline(__always) func less128(_ ah: UInt64, _ al: UInt64, _ bh: UInt64, _ bl: UInt64) -> Bool {
    ah < bh || (ah == bh && al < bl)
}

/// Integer square root of the 128-bit `nh:nl` (which must be ≥ 2^126): the root q (< 2^64) and
/// the remainder N − q² as 128 bits. Newton's iteration from an overestimate decreases
/// monotonically to ⌊√N⌋, and keeps N/x below 2^64 so each step is one 128/64 division.
func isqrt128(_ nh: UInt64, _ nl: UInt64) -> (UInt64, UInt64, UInt64) {
    let approx = (Double(nh) * 0x1p64 + Double(nl)).squareRoot() * (1 + 0x1p-40) + 4
    var x: UInt64 = approx >= 0x1p64 ? UInt64.max : UInt64(approx)
    // x ≥ ⌊√N⌋ throughout; once N ≥ x·2^64 > x², x is the root (and N/x would not fit).
    while nh < x {
        let (qd, _) = x.dividingFullWidth((high: nh, low: nl))
        let (s, carry) = x.addingReportingOverflow(qd)
        let next = s >> 1 | (carry ? 1 << 63 : 0)
        if next >= x { break }
        x = next
    }
    let (ph, pl) = x.multipliedFullWidth(by: x)
    let (rh, rl) = sub128(nh, nl, ph, pl)
    return (x, rh, rl)
}
