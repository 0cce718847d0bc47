// SPDX-License-Identifier: MIT
// Floating-point operands for the differential harness, biased toward the values where
// implementations go wrong (SDM Vol. 1 §4.2.2, §4.8): ±0, ±denormals, ±∞, QNaNs and SNaNs with
// payloads, the largest and smallest normals, values next to a rounding boundary of the narrower
// formats, integers near the conversion limits, and x87 encodings the SSE formats lack
// (pseudo-denormals, unnormals, pseudo-NaNs and pseudo-infinities, §8.2.2).

/// Binary interchange format parameters: significand bits (without the hidden one), exponent bias.
struct FloatFormat {
    let fraction: Int, exponentBits: Int
    var bias: Int { (1 << (exponentBits - 1)) - 1 }
    var maxExponent: UInt64 { (1 << UInt64(exponentBits)) - 1 }
    var fractionMask: UInt64 { (1 << UInt64(fraction)) - 1 }
    var signBit: UInt64 { 1 << UInt64(fraction + exponentBits) }

    static let single = FloatFormat(fraction: 23, exponentBits: 8)
    static let double = FloatFormat(fraction: 52, exponentBits: 11)
}

extension CaseRandom {
    /// A biased single-precision value (bits).
    mutating func f32() -> UInt32 { UInt32(truncatingIfNeeded: float(.single)) }

    /// A biased double-precision value (bits).
    mutating func f64() -> UInt64 { float(.double) }

    /// A fraction field biased toward rounding boundaries: the bits just above the precision of a
    /// narrower format (or of an integer conversion) all zero, all one, or exactly a half.
    mutating func fraction(_ f: FloatFormat) -> UInt64 {
        let m = f.fractionMask
        switch below(8) {
        case 0: return 0
        case 1: return m
        case 2:                             // …x 1000…0 / …x 0111…1 / …x 1000…1 at a random bit
            let k = UInt64(below(f.fraction))
            let high = next() & m & ~((UInt64(1) << (k + 1)) - 1)
            return high | pick([UInt64(1) << k, (UInt64(1) << k) - 1, (UInt64(1) << k) | 1])
        case 3: return UInt64(1) << UInt64(below(f.fraction))
        case 4: return next() & m & ~((UInt64(1) << UInt64(below(f.fraction))) - 1)
        default: return next() & m
        }
    }

    /// A value of format `f` (bits), biased as described at the top of the file.
    mutating func float(_ f: FloatFormat) -> UInt64 {
        let sign: UInt64 = chance(50) ? f.signBit : 0
        let e: UInt64
        var frac = fraction(f)
        switch below(32) {
        case 0, 1: e = 0; frac = 0                                          // ±0
        case 2, 3: e = 0; if frac == 0 { frac = 1 }                         // ±denormal
        case 4: e = f.maxExponent; frac = 0                                 // ±∞
        case 5:                                                             // QNaN with a payload
            e = f.maxExponent; frac |= UInt64(1) << UInt64(f.fraction - 1)
            if chance(30) { frac = UInt64(1) << UInt64(f.fraction - 1) }
        case 6:                                                             // SNaN with a payload
            e = f.maxExponent; frac &= ~(UInt64(1) << UInt64(f.fraction - 1)); if frac == 0 { frac = 1 }
        case 7: e = UInt64(pick([1, 2, f.maxExponent - 1, f.maxExponent - 2]))   // smallest, largest normals
        case 8, 9, 10, 11:                                                  // near 1: small integers, halves
            e = UInt64(f.bias + below(8) - 2)
            if chance(50) { frac &= ~(f.fractionMask >> UInt64(below(8) + 1)) }
        case 12, 13:                                                        // integers near 2^15, 2^31, 2^63, 2^64
            let p = pick([15, 16, 31, 32, 63, 64])
            e = UInt64(f.bias + p - (chance(50) ? 1 : 0))
            if chance(60) { frac = chance(50) ? f.fractionMask : 0 }
        case 14, 15:                                                        // tiny: results underflow
            e = UInt64(1 + below(min(f.fraction + 4, Int(f.maxExponent) - 2)))
        case 16, 17:                                                        // huge: results overflow
            e = f.maxExponent - 1 - UInt64(below(f.fraction + 4))
        case 18, 19:                                                        // single-precision limits in double
            e = f.exponentBits == 11 ? UInt64(f.bias + pick([-126, -127, -149, -150, 127, 128]) + below(3) - 1) : UInt64(1 + below(Int(f.maxExponent) - 1))
        default: e = UInt64(f.bias - 20 + below(41))                        // moderate exponents
        }
        return sign | e << UInt64(f.fraction) | frac & f.fractionMask
    }

    /// A biased 80-bit extended value as (significand, sign|exponent).
    mutating func f80() -> (sig: UInt64, se: UInt16) {
        let sign: UInt16 = chance(50) ? 0x8000 : 0
        let j: UInt64 = 1 << 63
        var frac = fraction(FloatFormat(fraction: 63, exponentBits: 15))
        var e: Int
        var explicitOne = true
        switch below(40) {
        case 0, 1: e = 0; frac = 0; explicitOne = false                     // ±0
        case 2, 3: e = 0; explicitOne = false; if frac == 0 { frac = 1 }    // ±denormal
        case 4: e = 0; explicitOne = true                                   // pseudo-denormal
        case 5: e = 0x7FFF; frac = 0                                        // ±∞
        case 6: e = 0x7FFF; frac |= 1 << 62                                 // QNaN (incl. the indefinite)
            if chance(30) { frac = 1 << 62 }
        case 7: e = 0x7FFF; frac &= ~(1 << 62); if frac == 0 { frac = 1 }  // SNaN
        case 8: e = pick([0x7FFF, 1 + below(0x7FFD)]); explicitOne = false  // pseudo-NaN/∞, unnormal
        case 9: e = pick([1, 2, 0x7FFE, 0x7FFD])                            // extreme normals
        case 10, 11, 12, 13, 14, 15:                                        // near 1: small integers, halves
            e = 0x3FFF + below(8) - 2
            if chance(60) { frac &= ~((j - 1) >> UInt64(below(10) + 1)) }
        case 16, 17, 18:                                                    // integers near 2^15, 2^31, 2^63, 10^18
            e = 0x3FFF + pick([15, 16, 31, 32, 59, 63, 64]) - (chance(50) ? 1 : 0)
            if chance(50) { frac = chance(50) ? j - 1 : 0 }
        case 19, 20, 21:                                                    // double and single limits
            e = 0x3FFF + pick([-1022, -1023, -1074, -1075, 1023, 1024, -126, -127, -149, -150, 127, 128]) + below(3) - 1
        case 22, 23: e = 1 + below(80)                                      // tiny
        case 24, 25: e = 0x7FFE - below(80)                                 // huge
        case 26, 27: e = 0x3FFF + below(140) - 70                           // wide moderate range
        default: e = 0x3FFF + below(41) - 20
        }
        return (sig: (explicitOne ? j : 0) | frac & (j - 1), se: sign | UInt16(e & 0x7FFF))
    }
}
