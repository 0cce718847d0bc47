// SPDX-License-Identifier: MIT
// `CPU.rflags` computes CF, OF and AF in one switch over the lazy-flag producer; the single-flag
// getters (`cf`, `of`, `af`, `zf`, `sf`, `pf`, which `condition` uses) are the reference. Random
// lazy states of every producer and width must give the same six flags both ways.
import Testing
@testable import CPUCore
import MMU

@Suite struct FlagMaterialisationTests {
    @Test func rflagsAgreesWithSingleFlagGetters() {
        let cpu = TestMachine().cpu
        var rng = SystemRandomNumberGenerator()
        for op in UInt8(1)...11 {
            for sign in [UInt8(7), 15, 31, 63] {
                let mask: UInt64 = sign == 63 ? ~0 : (2 << UInt64(sign)) - 1
                for k in 0..<2000 {
                    var a = UInt64.random(in: 0...UInt64.max, using: &rng) & mask
                    var b = UInt64.random(in: 0...UInt64.max, using: &rng) & mask
                    // Shift producers keep the count in b: 1…width−1.
                    if op >= LazyFlags.shl { b = 1 + b % UInt64(sign) }
                    if op == LazyFlags.explicitCO { a &= 1; b &= 1 }
                    if k % 7 == 0 { a = 0 }
                    let res: UInt64
                    switch op {
                    case LazyFlags.add, LazyFlags.inc: res = (a &+ b) & mask
                    case LazyFlags.adcC: res = (a &+ b &+ 1) & mask
                    case LazyFlags.sub, LazyFlags.dec: res = (a &- b) & mask
                    case LazyFlags.sbbB: res = (a &- b &- 1) & mask
                    case LazyFlags.shl: res = (a << b) & mask
                    case LazyFlags.shr: res = a >> b
                    default: res = k % 5 == 0 ? 0 : UInt64.random(in: 0...UInt64.max, using: &rng) & mask
                    }
                    cpu.flagBits = (k & 1 == 0 ? RFlags.cf : 0) | RFlags.fixed1 | (k & 2 == 0 ? RFlags.of | RFlags.af : 0)
                    cpu.setFlags(op, sign: sign, res: res, a: a, b: b)
                    var expected = cpu.flagBits & ~RFlags.status
                    if cpu.cf { expected |= RFlags.cf }
                    if cpu.pf { expected |= RFlags.pf }
                    if cpu.af { expected |= RFlags.af }
                    if cpu.zf { expected |= RFlags.zf }
                    if cpu.sf { expected |= RFlags.sf }
                    if cpu.of { expected |= RFlags.of }
                    #expect(cpu.rflags == expected, "op \(op) sign \(sign) a \(a) b \(b) res \(res)")
                }
            }
        }
    }
}
