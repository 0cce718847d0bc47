// SPDX-License-Identifier: MIT
// The exact x87 operations beyond the four rules: partial remainder (FPREM, FPREM1), FSCALE,
// FXTRACT and comparison (SDM Vol. 2A "FPREM", "FPREM1", "FSCALE", "FXTRACT", "FCOM").

/// Outcome of an x87 comparison.
enum X87Relation { case less, equal, greater, unordered }

/// Result of one FPREM/FPREM1 step.
struct X87Remainder {
    var value: Ext80
    /// Low bits of the quotient (C0 = bit 2, C3 = bit 1, C1 = bit 0) when `complete`.
    var quotient: UInt64 = 0
    /// False when the exponent difference was ≥ 64 and only a partial reduction was done (C2 = 1).
    var complete = true
    /// False when the result is a NaN or an invalid operation: the condition codes stay as they are.
    var setsConditions = true
}

extension SoftFloat80 {
    // MARK: - FPREM, FPREM1

    /// One reduction step of ST(0) by ST(1): truncating (FPREM) or round-to-nearest (FPREM1)
    /// quotient. With an exponent difference D ≥ 64 the step reduces the exponent by
    /// N = 32 + (D mod 32), the 32…63 the SDM allows, as the hardware does.
    mutating func remainder(_ a: Ext80, _ b: Ext80, nearest: Bool) -> X87Remainder {
        if a.isUnsupported || b.isUnsupported { return X87Remainder(value: invalid(), setsConditions: false) }
        if a.isNaN || b.isNaN { return X87Remainder(value: propagateNaN(a, b), setsConditions: false) }
        if a.isInfinity || b.isZero { return X87Remainder(value: invalid(), setsConditions: false) }
        if b.isDenormal { flags |= X87Flags.de }
        if a.isDenormal { flags |= X87Flags.de }
        if b.isInfinity || a.isZero { return X87Remainder(value: canonical(a)) }
        var (expA, sigA) = a.exp == 0 ? normalizeSubnormal(a.sig) : (a.exp, a.sig)
        let (expB, sigB) = b.exp == 0 ? normalizeSubnormal(b.sig) : (b.exp, b.sig)
        var sign = a.sign
        let diff = expA - expB
        if diff >= 64 {
            let n = Int32(diff & 31 | 32)
            let (_, r) = sigB.dividingFullWidth((high: sigA >> UInt64(64 - n), low: sigA << UInt64(n)))
            expA -= n
            return X87Remainder(value: normRoundPack(sign, expA, r, 0, bits: 64), complete: false)
        }
        if diff < -1 { return X87Remainder(value: canonical(a)) }
        // Remainder as 128 bits hi:lo scaled like sigB (binary point between the words).
        var hi: UInt64, lo: UInt64 = 0, q: UInt64 = 0
        if diff == -1 {
            (hi, lo) = (sigA >> 1, sigA << 63)
        } else if diff == 0 {
            hi = sigA
            if sigB <= hi { hi -= sigB; q = 1 }
        } else {
            let d = UInt64(diff)
            (q, hi) = sigB.dividingFullWidth((high: sigA >> (64 - d), low: sigA << d))
        }
        if nearest {
            let (halfH, halfL) = (sigB >> 1, sigB << 63)
            if !less128(hi, lo, halfH, halfL) {
                let above = less128(halfH, halfL, hi, lo)
                if above || q & 1 != 0 {
                    sign.toggle()
                    q &+= 1
                }
                if above { (hi, lo) = sub128(sigB, 0, hi, lo) }
            }
        }
        return X87Remainder(value: normRoundPack(sign, expB, hi, lo, bits: 64), quotient: q)
    }

    /// `a` returned as the remainder: a pseudo-denormal in its normal form, a denormal through
    /// rounding, so that an unmasked underflow delivers it biased.
    private mutating func canonical(_ a: Ext80) -> Ext80 {
        if !a.isDenormal { return a }
        let (e, sig) = normalizeSubnormal(a.sig)
        return normRoundPack(a.sign, e, sig, 0, bits: 64)
    }

    // MARK: - FSCALE

    /// ST(0) · 2^trunc(ST(1)), rounded to 64 bits (FCW.PC does not apply).
    mutating func scale(_ a: Ext80, _ b: Ext80) -> Ext80 {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        if a.isNaN || b.isNaN { return propagateNaN(a, b) }
        if a.isInfinity {
            if b.isInfinity && b.sign { return invalid() }
            if b.isDenormal { flags |= X87Flags.de }
            return a
        }
        if b.isInfinity {
            if a.isZero { return b.sign ? a : invalid() }
            if a.isDenormal { flags |= X87Flags.de }
            return b.sign ? Ext80(sign: a.sign, exp: 0, sig: 0) : Ext80(sign: a.sign, exp: 0x7FFF, sig: 1 << 63)
        }
        var expA = a.exp, sigA = a.sig
        if expA == 0 {
            if b.isDenormal { flags |= X87Flags.de }
            if sigA == 0 { return a }
            flags |= X87Flags.de
            (expA, sigA) = normalizeSubnormal(sigA)
            if b.exp < 0x3FFF { return normRoundPack(a.sign, expA, sigA, 0, bits: 64) }
        }
        var expB = b.exp, sigB = b.sig
        if expB == 0 {
            if sigB == 0 { return a }
            flags |= X87Flags.de
            (expB, sigB) = normalizeSubnormal(sigB)
        }
        if expB > 0x400E {
            // |ST(1)| ≥ 2^16: certain overflow or underflow, beyond the reach of the unmasked
            // exponent bias too, with the flags rounding gives.
            return roundPack(a.sign, b.sign ? -0x10000 : 0x10000, sigA, 0, bits: 64)
        }
        if expB < 0x3FFF { return a }
        let n = Int32(sigB >> UInt64(0x403E - expB))
        return roundPack(a.sign, expA + (b.sign ? -n : n), sigA, 0, bits: 64)
    }

    // MARK: - FXTRACT

    /// Splits `a` into (exponent, significand): the significand keeps the sign with exponent 0,
    /// the exponent is a true unbiased value. Zero gives ZE and −∞.
    mutating func extract(_ a: Ext80) -> (exponent: Ext80, significand: Ext80) {
        if a.isUnsupported { let n = invalid(); return (n, n) }
        if a.isNaN { let n = propagateNaN(a, .zero); return (n, n) }
        if a.isInfinity { return (.infinity, a) }
        if a.isZero {
            flags |= X87Flags.ze
            return (Ext80(sign: true, exp: 0x7FFF, sig: 1 << 63), a)
        }
        var (e, sig) = (a.exp, a.sig)
        if e == 0 {
            flags |= X87Flags.de
            (e, sig) = normalizeSubnormal(sig)
        }
        return (SoftFloat80.fromInt(Int64(e - 0x3FFF)), Ext80(sign: a.sign, exp: 0x3FFF, sig: sig))
    }

    // MARK: - Comparison

    /// FCOM (`quiet` false: any NaN is invalid) and FUCOM (`quiet`: only SNaNs are). Unsupported
    /// encodings count as SNaNs; denormal operands raise DE.
    mutating func compare(_ a: Ext80, _ b: Ext80, quiet: Bool) -> X87Relation {
        if a.isUnsupported || b.isUnsupported || a.isSignalingNaN || b.isSignalingNaN {
            flags |= X87Flags.ie
            return .unordered
        }
        if a.isNaN || b.isNaN {
            if !quiet { flags |= X87Flags.ie }
            return .unordered
        }
        if a.isDenormal || b.isDenormal { flags |= X87Flags.de }
        if a.isZero && b.isZero { return .equal }
        if a.isZero { return b.sign ? .greater : .less }
        if b.isZero || a.sign != b.sign { return a.sign ? .less : .greater }
        let (ea, sa) = a.exp == 0 ? normalizeSubnormal(a.sig) : (a.exp, a.sig)
        let (eb, sb) = b.exp == 0 ? normalizeSubnormal(b.sig) : (b.exp, b.sig)
        if ea == eb && sa == sb { return .equal }
        let aSmaller = ea < eb || (ea == eb && sa < sb)
        return aSmaller != a.sign ? .less : .greater
    }
}
