// SPDX-License-Identifier: MIT
// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014): the
// seeded generator of the fuzz tests, so every run sees the same inputs and a failure replays.

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in byte() } }
}
