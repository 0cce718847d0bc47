// SPDX-License-Identifier: MIT
// Fuzzing the kernel loader (DESIGN.md §7): random bytes, every truncation and field-aware
// mutations of valid kernels go through ELF64Executable and Machine.loadKernel; the outcome is
// an ELFError or a loaded machine, never a trap. Loaded mutants also run for a few thousand
// instructions on bare metal. Seeds are fixed.
import Foundation
import Testing
@testable import Machine
import CPUCore

/// SplitMix64 (the CPU tests' generator, repeated here: test targets do not share code).
struct FuzzRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

@Suite struct ELFFuzzTests {
    /// Seed kernels: built here, plus the guest kernels when `make -C guests kernels` has run.
    static var seeds: [[UInt8]] {
        var higherHalf = ELFBuilder.exitKernel
        higherHalf.segments[1].vaddr = 0xFFFF_FFFF_8010_1000
        higherHalf.segments.append(.init(flags: 4, vaddr: 0x20_0000, paddr: 0x20_0000, data: Array(0..<200), memSize: 200))
        var kernels = [ELFBuilder.exitKernel.bytes, higherHalf.bytes]
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../guests/build/kernels").standardizedFileURL
        for name in ["boot_higher_half.elf", "serial_hello.elf", "page_faults.elf"] {
            if let d = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) { kernels.append([UInt8](d)) }
        }
        return kernels
    }

    static func machine() throws -> Machine {
        var c = Configuration()
        c.memory = 32 << 20
        c.serial = .none
        return try Machine(configuration: c)
    }

    /// What happened to one input.
    enum Outcome: String { case rejectedByParser, rejectedByLoader, loaded }

    /// Parses, loads and (if it loaded) runs `bytes` on `m`. Returning at all is the test.
    static func attempt(_ bytes: [UInt8], on m: Machine, run: Bool) -> Outcome {
        do { _ = try ELF64Executable(bytes) } catch { return .rejectedByParser }
        do { try m.loadKernel(bytes) } catch {
            #expect(!error.message.isEmpty && !error.message.contains("\n"))
            return .rejectedByLoader
        }
        if run {
            let exit = m.cpu.run(budget: 5_000)
            _ = m.supervisor.handle(exit, machine: m)
            m.cpu.stopRequested = false
        }
        return .loaded
    }

    @Test func randomBytes() throws {
        let m = try ELFFuzzTests.machine()
        var rng = FuzzRandom(state: 0xE1F_0001)
        for _ in 0..<20_000 {
            var bytes = (0..<rng.below(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Half of them start like an ELF64 x86-64 executable, so the parser gets further.
            if rng.below(2) == 0 && bytes.count >= 20 {
                bytes.replaceSubrange(0..<6, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1])
                bytes[16] = 2; bytes[17] = 0; bytes[18] = 62; bytes[19] = 0
            }
            _ = ELFFuzzTests.attempt(bytes, on: m, run: false)
        }
    }

    /// Every prefix of every seed kernel.
    @Test func everyTruncation() throws {
        let m = try ELFFuzzTests.machine()
        for seed in ELFFuzzTests.seeds {
            for n in 0..<seed.count {
                let outcome = ELFFuzzTests.attempt(Array(seed.prefix(n)), on: m, run: false)
                // A file cut inside the ELF header or the program headers cannot parse.
                if n < 64 + 56 * Int(seed[56]) { #expect(outcome == .rejectedByParser, "cut at \(n)") }
            }
        }
    }

    /// Values that sit on the boundaries the loader checks.
    static let interesting64: [UInt64] = [
        0, 1, 0x38, 0x40, 0xFFF, 0x1000, 0xF_FFFF, 0x10_0000, 0x10_1000, 0x1FF_F000, 0x200_0000, 0x200_1000,
        1 << 31, 1 << 32, 0x7FFF_FFFF_F000, 0x8000_0000_0000, 0xFFFF_8000_0000_0000, 0xFFFF_FFFF_8000_0000,
        0xFFFF_FFFF_FFFF_F000, 1 << 63, UInt64.max, UInt64.max - 0x37,
    ]
    static let interesting16: [UInt16] = [0, 1, 2, 3, 55, 56, 57, 64, 0x7FFF, 0xFFFF]

    static func mutate(_ seed: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        var b = seed
        let phnum = Int(seed[56]) | Int(seed[57]) << 8
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(8) {
            case 0, 1:      // an 8-byte field of a program header (offset, vaddr, paddr, filesz, memsz)
                let o = 64 + 56 * rng.below(max(phnum, 1)) + rng.pick([8, 16, 24, 32, 40])
                var v = rng.pick(interesting64)
                if rng.below(4) == 0 { v = v &+ UInt64(b.count) &- UInt64(rng.below(3)) }
                if o + 8 <= b.count { for k in 0..<8 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
            case 2:         // e_entry, e_phoff
                let o = rng.pick([24, 32])
                let v = rng.pick(interesting64)
                for k in 0..<8 { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            case 3:         // e_type, e_machine, e_phentsize, e_phnum, or a p_type
                let o = rng.pick([16, 18, 54, 56, 64, 64 + 56])
                let v = rng.pick(interesting16)
                if o + 2 <= b.count { b[o] = UInt8(v & 0xFF); b[o + 1] = UInt8(v >> 8) }
            case 4:         // any header byte
                b[rng.below(min(b.count, 64 + 56 * max(phnum, 1)))] = rng.pick([0, 1, 2, 0x7F, 0x80, 0xFF, UInt8(truncatingIfNeeded: rng.next())])
            case 5:         // any byte (code and data too)
                b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 6:         // cut
                b = Array(b.prefix(rng.below(b.count + 1)))
                if b.count < 64 { return b }
            default:        // grow
                b += (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return b
    }

    @Test func mutatedKernels() throws {
        let m = try ELFFuzzTests.machine()
        var rng = FuzzRandom(state: 0xE1F_0002)
        let seeds = ELFFuzzTests.seeds
        var outcomes: [Outcome: Int] = [:]
        for n in 0..<6_000 {
            let bytes = ELFFuzzTests.mutate(seeds[n % seeds.count], &rng)
            outcomes[ELFFuzzTests.attempt(bytes, on: m, run: true), default: 0] += 1
        }
        print("ELF mutation fuzz: \(outcomes.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", "))")
        // Each outcome must be common, or the mutations are not reaching the loader's checks.
        #expect(outcomes.values.count == 3 && outcomes.values.allSatisfy { $0 > 300 })
    }
}
