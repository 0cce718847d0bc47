// SPDX-License-Identifier: MIT
// The loader never traps: thousands of mutations and truncations of valid files (fixed seeds),
// each either parsing to an image that keeps the loader's promises or throwing ELFLoadError.
import Testing
@testable import Personality

extension SplitMix64 {
    /// A value in 0..<n (the fuzz tests' generator is ImageTestSupport.swift's SplitMix64).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

@Suite struct ELFFuzzTests {
    static let interesting: [UInt64] = [0, 1, 2, 3, 6, 7, 56, 64, 0xFFF, 0x1000, 0x7FFF_FFFF_F000,
                                        0x8000_0000_0000, 0xFFFF, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF,
                                        0x8000_0000_0000_0000, 0x6474_E551]

    /// One random mutation: byte flips (mostly in the headers), an interesting value written over
    /// a header field, a truncation, or a program header copied over another.
    static func mutate(_ base: [UInt8], _ rng: inout SplitMix64, headerBytes: Int) -> [UInt8] {
        var b = base
        switch rng.below(5) {
        case 0:
            for _ in 0..<(1 + rng.below(8)) { b[rng.below(min(headerBytes, b.count))] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8)) }
        case 1:
            let v = interesting[rng.below(interesting.count)]
            let width = [1, 2, 4, 8][rng.below(4)]
            let o = rng.below(min(headerBytes, b.count) - width)
            for k in 0..<width { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        case 2:
            b = Array(b.prefix(rng.below(b.count + 1)))
        case 3:
            for _ in 0..<(1 + rng.below(4)) { b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next()) }
        default:
            let from = 64 + 56 * rng.below(6), to = 64 + 56 * rng.below(6)
            if from + 56 <= b.count, to + 56 <= b.count { b.replaceSubrange(to..<to + 56, with: b[from..<from + 56]) }
        }
        return b
    }

    /// What a successful parse promises the process manager.
    static func checkInvariants(_ image: ELFImage, fileSize: Int) {
        var previousEnd: UInt64 = 0
        for s in image.segments {
            #expect(s.memsz > 0 && s.filesz <= s.memsz && s.vaddr >= previousEnd)
            #expect(s.end <= ELFLoader.userAddressLimit && s.vaddr >= ELFLoader.lowestAddress)
            #expect(s.fileOffset + s.filesz <= UInt64(fileSize))
            #expect(s.filesz == 0 || (s.vaddr &- s.fileOffset) % 4096 == 0)
            _ = image.bytes(of: s)
            previousEnd = s.end
        }
        #expect(image.segments.contains { $0.executable && $0.vaddr <= image.entry && image.entry < $0.end })
        #expect(image.phent == 56 && image.phnum >= 1)
    }

    static func fuzz(_ base: [UInt8], seed: UInt64, iterations: Int) -> (parsed: Int, refused: Int) {
        var rng = SplitMix64(state: seed)
        var parsed = 0, refused = 0
        for _ in 0..<iterations {
            var b = mutate(base, &rng, headerBytes: 64 + 56 * 8)
            if rng.below(4) == 0 { b = mutate(b.isEmpty ? base : b, &rng, headerBytes: 64 + 56 * 8) }
            do {
                let image = try ELFLoader.parse(b, pieBase: rng.below(8) == 0 ? rng.next() : ELFLoader.defaultPIEBase)
                checkInvariants(image, fileSize: b.count)
                parsed += 1
            } catch {
                #expect(!error.message.isEmpty && !error.message.contains("\n"))
                refused += 1
            }
        }
        return (parsed, refused)
    }

    @Test func handMadeFile() {
        let r = Self.fuzz(RawELF.valid.bytes, seed: 0x454C_4621, iterations: 20_000)
        #expect(r.parsed > 100 && r.refused > 100, "the mutations should reach both outcomes: \(r)")
    }

    @Test func muslStaticExecutable() throws {
        let base = try NativeToolchain.bytes(try NativePrograms.staticDump.get())
        let r = Self.fuzz(base, seed: 0x5354_4154_4943, iterations: 3_000)
        #expect(r.parsed > 50 && r.refused > 50, "\(r)")
    }

    @Test func muslStaticPIE() throws {
        let base = try NativeToolchain.bytes(try NativePrograms.staticPIEDump.get())
        let r = Self.fuzz(base, seed: 0x5049_45, iterations: 3_000)
        #expect(r.parsed > 50 && r.refused > 50, "\(r)")
    }

    @Test func everyTruncation() throws {
        let base = RawELF.valid.bytes
        for n in 0..<base.count where n < 0x400 || n % 97 == 0 {
            _ = try? ELFLoader.parse(Array(base.prefix(n)))
        }
    }
}
