// SPDX-License-Identifier: MIT
// Conversions between the 80-bit register format and the memory formats of FLD/FST/FILD/FIST/
// FBLD/FBSTP: single and double real (with x87 rounding, flags and C1), 16/32/64-bit integers
// (FCW.RC, or truncation for FISTTP) and 18-digit packed BCD (SDM Vol. 1 §4.2, §4.7, §8.2).

extension SoftFloat80 {
    // MARK: - Real formats to extended (exact)

    /// FLD m32fp: exact; DE for a denormal, IE for an SNaN (which is quieted).
    mutating func fromFloat32(_ u: UInt32) -> Ext80 {
        let sign = u >> 31 != 0, exp = Int32((u >> 23) & 0xFF), frac = UInt64(u & 0x7F_FFFF)
        if exp == 0xFF {
            if frac == 0 { return Ext80(sign: sign, exp: 0x7FFF, sig: 1 << 63) }
            if frac & 0x40_0000 == 0 { flags |= X87Flags.ie }
            return Ext80(sign: sign, exp: 0x7FFF, sig: 0xC000_0000_0000_0000 | frac << 40)
        }
        if exp == 0 {
            if frac == 0 { return Ext80(sign: sign, exp: 0, sig: 0) }
            flags |= X87Flags.de
            let p = Int32(63 - frac.leadingZeroBitCount)
            return Ext80(sign: sign, exp: 0x3FFF - 149 + p, sig: frac << UInt64(frac.leadingZeroBitCount))
        }
        return Ext80(sign: sign, exp: exp + 0x3F80, sig: (frac | 0x80_0000) << 40)
    }

    /// FLD m64fp: exact; DE for a denormal, IE for an SNaN (which is quieted).
    mutating func fromFloat64(_ u: UInt64) -> Ext80 {
        let sign = u >> 63 != 0, exp = Int32((u >> 52) & 0x7FF), frac = u & 0xF_FFFF_FFFF_FFFF
        if exp == 0x7FF {
            if frac == 0 { return Ext80(sign: sign, exp: 0x7FFF, sig: 1 << 63) }
            if frac & (1 << 51) == 0 { flags |= X87Flags.ie }
            return Ext80(sign: sign, exp: 0x7FFF, sig: 0xC000_0000_0000_0000 | frac << 11)
        }
        if exp == 0 {
            if frac == 0 { return Ext80(sign: sign, exp: 0, sig: 0) }
            flags |= X87Flags.de
            let p = Int32(63 - frac.leadingZeroBitCount)
            return Ext80(sign: sign, exp: 0x3FFF - 1074 + p, sig: frac << UInt64(frac.leadingZeroBitCount))
        }
        return Ext80(sign: sign, exp: exp + 0x3C00, sig: (frac | 1 << 52) << 11)
    }

    /// FILD: every 64-bit integer is exact in 64 significand bits.
    static func fromInt(_ v: Int64) -> Ext80 {
        if v == 0 { return .zero }
        let mag = v.magnitude
        let s = mag.leadingZeroBitCount
        return Ext80(sign: v < 0, exp: 0x3FFF + 63 - Int32(s), sig: mag << UInt64(s))
    }

    // MARK: - Extended to real formats (FST m32fp / m64fp)

    /// Rounds to single precision in FCW.RC; returns the bit pattern.
    mutating func toFloat32(_ a: Ext80) -> UInt32 {
        UInt32(truncatingIfNeeded: toIEEE(a, fracBits: 23, expBits: 8))
    }

    /// Rounds to double precision in FCW.RC; returns the bit pattern.
    mutating func toFloat64(_ a: Ext80) -> UInt64 {
        toIEEE(a, fracBits: 52, expBits: 11)
    }

    private mutating func toIEEE(_ a: Ext80, fracBits: Int, expBits: Int) -> UInt64 {
        let fb = UInt64(fracBits)
        let signBit: UInt64 = a.sign ? 1 << UInt64(fracBits + expBits) : 0
        let expAll: UInt64 = (1 << UInt64(expBits)) - 1
        if a.isUnsupported {
            flags |= X87Flags.ie
            return 1 << UInt64(fracBits + expBits) | expAll << fb | 1 << (fb - 1)
        }
        if a.se & 0x7FFF == 0x7FFF {
            if a.sig << 1 == 0 { return signBit | expAll << fb }
            if a.isSignalingNaN { flags |= X87Flags.ie }
            // The quieted NaN keeps the top fraction bits of the register (Table 4-7).
            return signBit | expAll << fb | 1 << (fb - 1) | (a.sig << 1) >> (64 - fb)
        }
        if a.isZero { return signBit }
        var e = a.exp, sig = a.sig
        if e == 0 { (e, sig) = normalizeSubnormal(sig) }
        let bias = Int32(expAll >> 1)
        // Value = sig·2^(e − 16383 − 63); as a normal number of this format its exponent field is:
        var biased = e - 0x3FFF + bias
        let shift = UInt64(63 - fracBits)
        let mask: UInt64 = (1 << shift) - 1, half: UInt64 = 1 << (shift - 1)
        let nearest = rc == SoftFloat80.rcNearest
        let increment: UInt64 = nearest ? half : (roundsAway(a.sign) ? mask : 0)
        if biased >= Int32(expAll) { return storeOverflow(a.sign, signBit, expAll, fb) }
        var tiny = false
        if biased <= 0 {
            // Tininess after rounding: not tiny only if rounding to the full precision carries
            // the value up to the smallest normal.
            tiny = biased < 0 || sig &+ increment >= sig
            if tiny && unmasked(X87Flags.ue) {
                flags |= X87Flags.ue
                return 0  // not stored: an unmasked underflow leaves memory unchanged
            }
            sig = shiftRightJam(sig, Int(1 - biased))
            biased = 0
        }
        let roundBits = sig & mask
        var q = sig >> shift
        let up = nearest ? (roundBits > half || (roundBits == half && q & 1 != 0)) : (increment != 0 && roundBits != 0)
        if up { q += 1 }
        if biased > 0 && q >> (fb + 1) != 0 { q >>= 1; biased += 1 }
        if biased >= Int32(expAll) { return storeOverflow(a.sign, signBit, expAll, fb) }
        if roundBits != 0 {
            flags |= X87Flags.pe | (tiny ? X87Flags.ue : 0) | (up ? X87Flags.c1 : 0)
        }
        // For normals q carries the implicit bit, which adds one to the exponent field.
        return signBit | UInt64(max(biased, 1) - 1) << fb &+ q
    }

    private mutating func storeOverflow(_ sign: Bool, _ signBit: UInt64, _ expAll: UInt64, _ fb: UInt64) -> UInt64 {
        flags |= X87Flags.oe
        if unmasked(X87Flags.oe) { return 0 }  // not stored
        flags |= X87Flags.pe
        if rc == SoftFloat80.rcNearest || roundsAway(sign) {
            flags |= X87Flags.c1
            return signBit | expAll << fb
        }
        return signBit | (expAll << fb) - 1
    }

    // MARK: - Extended to integers (FIST, FISTP, FISTTP, FBSTP)

    /// Rounds to a `bits`-wide signed integer (FCW.RC, or toward zero when `truncate`). Out of
    /// range, NaN and ∞ raise IE alone and give the integer indefinite (the most negative value).
    mutating func toInt(_ a: Ext80, bits: Int, truncate: Bool = false) -> Int64 {
        let indefinite = Int64.min >> Int64(64 - bits)
        if a.isUnsupported || a.se & 0x7FFF == 0x7FFF {
            flags |= X87Flags.ie
            return indefinite
        }
        if a.isZero { return 0 }
        guard let (mag, inexact, up) = roundToInteger(a, truncate: truncate) else {
            flags |= X87Flags.ie
            return indefinite
        }
        let limit: UInt64 = 1 << UInt64(bits - 1)
        if a.sign ? mag > limit : mag >= limit {
            flags |= X87Flags.ie
            return indefinite
        }
        if inexact { flags |= X87Flags.pe | (up ? X87Flags.c1 : 0) }
        return a.sign ? Int64(bitPattern: 0 &- mag) : Int64(bitPattern: mag)
    }

    /// The magnitude of `a` rounded to an integer, whether that was inexact and whether it
    /// rounded up in magnitude; nil if it does not fit in 64 bits.
    private func roundToInteger(_ a: Ext80, truncate: Bool) -> (UInt64, Bool, Bool)? {
        let shift = 0x403E - Int(max(a.exp, 1))
        if shift < 0 { return nil }
        let (m, extra) = shiftRightJamExtra(a.sig, 0, shift)
        var mag = m
        let up: Bool
        if truncate || rc == SoftFloat80.rcZero {
            up = false
        } else if rc == SoftFloat80.rcNearest {
            up = extra > 1 << 63 || (extra == 1 << 63 && mag & 1 != 0)
        } else {
            up = roundsAway(a.sign) && extra != 0
        }
        if up {
            if mag == UInt64.max { return nil }
            mag += 1
        }
        return (mag, extra != 0, up)
    }

    /// FBSTP: rounds in FCW.RC to 18 packed BCD digits plus sign (bytes 0–9 as lo:hi). Values
    /// beyond ±(10^18 − 1), NaN and ∞ raise IE alone and give the BCD indefinite.
    mutating func toBCD(_ a: Ext80) -> (UInt64, UInt16) {
        let indefinite: (UInt64, UInt16) = (0xC000_0000_0000_0000, 0xFFFF)
        if a.isUnsupported || a.se & 0x7FFF == 0x7FFF {
            flags |= X87Flags.ie
            return indefinite
        }
        var mag: UInt64 = 0, inexact = false, up = false
        if !a.isZero {
            guard let r = roundToInteger(a, truncate: false), r.0 <= 999_999_999_999_999_999 else {
                flags |= X87Flags.ie
                return indefinite
            }
            (mag, inexact, up) = r
        }
        if inexact { flags |= X87Flags.pe | (up ? X87Flags.c1 : 0) }
        var lo: UInt64 = 0
        for k in 0..<16 {
            lo |= (mag % 10) << UInt64(4 * k)
            mag /= 10
        }
        let hi = UInt16(mag % 10) | UInt16(mag / 10 % 10) << 4 | (a.sign ? 0x8000 : 0)
        return (lo, hi)
    }

    /// FBLD: 18 BCD digits and a sign, converted exactly (invalid digits are taken at face value).
    static func fromBCD(_ lo: UInt64, _ hi: UInt16) -> Ext80 {
        var v: Int64 = 0
        v = Int64((hi >> 4) & 0xF) * 10 + Int64(hi & 0xF)
        for k in stride(from: 15, through: 0, by: -1) {
            v = v &* 10 &+ Int64((lo >> UInt64(4 * k)) & 0xF)
        }
        let r = fromInt(v)
        return hi & 0x8000 != 0 ? r.negated : r
    }
}
