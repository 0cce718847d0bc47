// SPDX-License-Identifier: MIT
// Decoder fuzzing (DESIGN.md §7): random and exhaustive byte strings never crash the decoder,
// and wherever emu and capstone 4 both decode an instruction its length agrees. Every other
// disagreement must be one of DecoderFuzz/KnownDisagreements.swift. Seeds are fixed.
import Testing
@testable import CPUCore

/// Tallies comparisons and keeps the first examples of each outcome.
struct DisagreementTally {
    var kinds: [DecoderComparison.Kind: Int] = [:]
    var explained: [String: Int] = [:]
    var unexplained: [String] = []
    var unexplainedCount = 0

    mutating func add(_ c: DecoderComparison) {
        let k = c.kind
        kinds[k, default: 0] += 1
        guard k != .agree && k != .bothReject else { return }
        if let e = KnownDisagreements.all.first(where: { $0.kinds.contains(k) && $0.matches(c) }) {
            explained[e.name, default: 0] += 1
        } else {
            unexplainedCount += 1
            if unexplained.count < 25 { unexplained.append("\(k): \(c.report)") }
        }
    }

    var summary: String {
        let k = DecoderComparison.Kind.allCases.map { "\($0.rawValue) \(kinds[$0, default: 0])" }.joined(separator: ", ")
        let e = explained.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        return "\(k); unexplained \(unexplainedCount)\n  explained: \(e)"
    }
}

/// Checks what must hold for any decode, agreeing with capstone or not.
func checkInvariants(_ c: DecoderComparison) {
    guard case .success(let d) = c.emu else {
        // With a full 15-byte window nothing can be missing: only #UD or too long.
        #expect(c.emuError != .truncated, "\(c.report)")
        return
    }
    #expect((1...15).contains(d.len), "\(c.report)")
    #expect(d.next == DecoderComparison.rip &+ UInt64(d.len), "\(c.report)")
    #expect(d.scale <= 3 && d.index <= zeroReg && d.b <= 19 && d.r <= 19, "\(c.report)")
    #expect([1, 2, 4, 8, 16].contains(d.osz), "\(c.report)")
    #expect(d.op != .invalid, "\(c.report)")
}

@Suite struct DecoderFuzzTests {
    static let seeds: [UInt64] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004]
    static let perSeed = 75_000

    /// 300,000 generated inputs (4 seeds): prefixes, REX, opcode and ModRM biased toward real encodings.
    @Test(arguments: seeds)
    func randomEncodingsAgreeWithCapstone(seed: UInt64) {
        let cs = Capstone()
        var gen = EncodingGenerator(seed: seed)
        var tally = DisagreementTally()
        for _ in 0..<DecoderFuzzTests.perSeed {
            let c = DecoderComparison(gen.next(), capstone: cs)
            checkInvariants(c)
            tally.add(c)
        }
        print("decoder fuzz seed \(String(seed, radix: 16)): \(tally.summary)")
        #expect(tally.unexplainedCount == 0, "\(tally.unexplained.joined(separator: "\n"))")
        // The generator must mostly produce real instructions, or the comparison says little.
        #expect(tally.kinds[.agree, default: 0] > DecoderFuzzTests.perSeed / 2)
    }

    /// Every one-byte and 0F opcode with every ModRM byte, under common prefix combinations,
    /// followed by fixed random bytes (SIB, displacement, immediate).
    @Test(arguments: [
        [], [0x66], [0xF2], [0xF3], [0x67], [0xF0], [0x64], [0x48], [0x45], [0x66, 0x48], [0x67, 0x48],
        [0x66, 0xF3], [0xF3, 0x66], [0x66, 0xF2], [0x26, 0x4F],
    ] as [[UInt8]])
    func everyOpcodeAndModRM(prefixes: [UInt8]) {
        let cs = Capstone()
        var rng = SplitMix64(seed: 0xA11_0C0D)
        var tally = DisagreementTally()
        for map in [[], [0x0F]] as [[UInt8]] {
            for op in 0...255 {
                let opcode = map + [UInt8(op)]
                if map.isEmpty && (legacyPrefixes.contains(UInt8(op)) || op & 0xF0 == 0x40) { continue }
                for modrm in 0...255 {
                    var bytes = prefixes + opcode + [UInt8(modrm)]
                    bytes += rng.bytes(15 - bytes.count)
                    let c = DecoderComparison(bytes, capstone: cs)
                    checkInvariants(c)
                    tally.add(c)
                }
            }
        }
        print("decoder sweep \(hex(prefixes)): \(tally.summary)")
        #expect(tally.unexplainedCount == 0, "\(tally.unexplained.joined(separator: "\n"))")
    }

    /// Each documented disagreement still happens for its own example, and is explained by its
    /// entry; entries about families being added may instead agree (once modelled) or both
    /// reject (until modelled).
    @Test(arguments: KnownDisagreements.all)
    func knownDisagreementExample(_ entry: KnownDisagreement) {
        let c = DecoderComparison(entry.example, capstone: Capstone())
        if entry.exampleState == .agreesOnceModelled && c.emuLength != nil {
            #expect(c.kind == .agree, "modelled now, so it must agree: \(c.report)")
            return
        }
        if entry.exampleState == .disagreesOnceModelled && c.kind == .bothReject { return }
        #expect(c.kind != .agree && entry.kinds.contains(c.kind), "\(c.kind): \(c.report)")
        #expect(entry.matches(c), "\(c.report)")
    }

    /// A window cut short (the next page is not fetchable) gives the same instruction when it
    /// holds all of it, and `truncated` or the same error otherwise; never a different length.
    @Test func shortWindowsAreConsistent() {
        var gen = EncodingGenerator(seed: 0x5407)
        for _ in 0..<20_000 {
            let bytes = gen.next()
            let full = bytes.withUnsafeBytes { var d = Decoder($0); return d.decode(at: 0x1000) }
            for k in 0..<15 {
                let part = Array(bytes.prefix(k))
                let r = part.withUnsafeBytes { var d = Decoder($0); return d.decode(at: 0x1000) }
                switch (full, r) {
                case (.success(let f), .success(let p)):
                    #expect(Int(f.len) <= k && p.len == f.len && p.op == f.op, "\(hex(bytes)) window \(k)")
                case (.success(let f), .failure(let e)):
                    #expect(Int(f.len) > k && e == .truncated, "\(hex(bytes)) window \(k): \(e)")
                case (.failure, .success(let p)):
                    Issue.record("\(hex(bytes)): window \(k) decodes \(p.len) bytes, the full window does not")
                case (.failure(let f), .failure(let e)):
                    #expect(e == .truncated || e == f, "\(hex(bytes)) window \(k): \(e) vs \(f)")
                }
            }
        }
    }
}
