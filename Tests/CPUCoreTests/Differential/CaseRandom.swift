// SPDX-License-Identifier: MIT
// The differential harness's deterministic random source, SplitMix64 (Steele, Lea, Flood 2014),
// seeded per form from the form's name, plus operand generators biased toward edge values.

struct CaseRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Seeds from a string (FNV-1a), so each form has its own fixed stream.
    init(name: String, salt: UInt64 = 0) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        state = h ^ salt &* 0x9E37_79B9_7F4A_7C15
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    /// A 64-bit register value whose low `bits` bits are biased toward the edges of a `bits`-wide
    /// operand (0, 1, all ones, the sign bit and its neighbours, small and small negative numbers);
    /// the upper bits are random so that merges and zero-extension are visible.
    mutating func value(bits: Int = 64) -> UInt64 {
        let mask: UInt64 = bits >= 64 ? ~0 : (1 << UInt64(bits)) - 1
        let sign: UInt64 = 1 << UInt64(bits - 1)
        let low: UInt64
        switch below(16) {
        case 0: low = pick([0, 1, 2, mask, mask &- 1, sign, sign &- 1, sign &+ 1, sign | 1])
        case 1: low = 0
        case 2, 3: low = UInt64(below(2 * bits + 2))
        case 4: low = 0 &- UInt64(below(bits + 2))
        case 5: low = UInt64(1) << UInt64(below(bits))
        case 6: low = ~(UInt64(1) << UInt64(below(bits)))
        case 7:  // a sign-extended narrower value
            let w = pick([8, 16, 32])
            let v = next()
            low = w >= bits ? v : UInt64(bitPattern: Int64(bitPattern: v << UInt64(64 - w)) >> Int64(64 - w))
        default: low = next()
        }
        return (next() & ~mask) | (low & mask)
    }

    /// A register value for an operand of unknown width.
    mutating func anyValue() -> UInt64 { value(bits: pick([8, 16, 32, 64, 64])) }

    /// Random arithmetic flags (CF PF AF ZF SF OF); DF, TF and AC clear.
    mutating func statusFlags() -> UInt64 { next() & 0x8D5 }
}
