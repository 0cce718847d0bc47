// SPDX-License-Identifier: MIT
// Fuzzing the whole execution path (DESIGN.md §7, §8): random code (decodable instruction runs
// and raw noise) with random registers runs in a TestMachine in hosted mode, where every
// exception comes back as an exit. It must never crash, never hang, and leave the CPU in a
// state the SDM allows.
import Glibc
import Testing
@testable import CPUCore
import MMU

extension TestMachine {
    /// Restores page tables and GDT (random code may have overwritten them) and the boot state,
    /// at CPL 0 or 3. Only RAM is mapped (8 x 2 MiB), so a REP with a huge count faults within
    /// 16 MiB instead of running for minutes (see repYieldsWithinBudget). For CPL 3 every page
    /// is a user page.
    func reset(cpl: UInt8) {
        let user: UInt64 = cpl == 3 ? 4 : 0
        ram.zero(0, length: 0x4000)
        ram.write(0x1000, UInt64(0x2000 | 3 | user))
        ram.write(0x2000, UInt64(0x3000 | 3 | user))
        for e in 0..<ram.size >> 21 { ram.write(0x3000 + e * 8, (e << 21) | 0x83 | user) }
        ram.write(0x500, UInt64(0)); ram.write(0x508, UInt64(0x00AF_9A00_0000_FFFF)); ram.write(0x510, UInt64(0x00CF_9200_0000_FFFF))
        cpu.enterLongMode(cr3: 0x1000, gdt: DescriptorTableRegister(base: 0x500, limit: 0x17), cpl: cpl)
        if cpl == 3 { cpu.setPrivilege(3, codeSelector: 0x2B, stackSelector: 0x23) }
        cpu.hostedKernel = true
    }
}

@Suite struct CPURunFuzzTests {
    static let iterations = 20_000
    static let budget: UInt64 = 400

    /// A code buffer: runs of instructions emu decodes (so execution gets past the first few
    /// bytes), mixed with raw noise.
    static func code(_ gen: inout EncodingGenerator, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        if gen.rng.chance(30) { return gen.rng.bytes(length) }
        while out.count < length {
            let b = gen.next()
            let r = b.withUnsafeBytes { var d = Decoder($0); return d.decode(at: 0) }
            if case .success(let d) = r { out += b.prefix(Int(d.len)) } else { out += b.prefix(1 + Int(gen.rng.next() % 4)) }
        }
        return Array(out.prefix(length))
    }

    /// A register value: pointers into RAM, small numbers, or anything.
    static func value(_ rng: inout SplitMix64) -> UInt64 {
        switch rng.next() % 6 {
        case 0: return 0
        case 1: return rng.next() % 256
        case 2: return TestMachine.data + rng.next() % 0x1_0000
        case 3: return TestMachine.code + rng.next() % 0x1000
        case 4: return rng.next()
        default: return UInt64.max &- rng.next() % 16
        }
    }

    @Test(arguments: [(0 as UInt8, 0xC0DE_0000 as UInt64), (0, 0xC0DE_0001), (3, 0xC0DE_0003)])
    func randomCodeNeverCrashesOrHangs(cpl: UInt8, seed: UInt64) {
        let m = TestMachine()
        var gen = EncodingGenerator(seed: seed)
        var exits: [String: Int] = [:]
        var slowest = 0.0
        for n in 0..<CPURunFuzzTests.iterations {
            m.reset(cpl: cpl)
            // Code at the start of a page, or just before a page boundary.
            let start = TestMachine.code + (gen.rng.chance(25) ? 0xF80 : 0)
            let code = CPURunFuzzTests.code(&gen, length: 256)
            _ = m.ram.copyIn(start, code)
            for r in 0..<16 where r != Reg.rsp { m[r] = CPURunFuzzTests.value(&gen.rng) }
            m[Reg.rsp] = gen.rng.chance(90) ? TestMachine.stack : CPURunFuzzTests.value(&gen.rng)
            m.cpu.rflags = 0x2 | (gen.rng.next() & (RFlags.cf | RFlags.pf | RFlags.zf | RFlags.sf | RFlags.of | RFlags.df))
            m.cpu.rip = start
            let before = m.cpu.instret
            let t0 = monotonic()
            let exit = m.cpu.run(budget: CPURunFuzzTests.budget)
            let dt = monotonic() - t0
            slowest = max(slowest, dt)
            let context = "seed \(String(seed, radix: 16)) iteration \(n), code \(hex(Array(code.prefix(32))))…"
            #expect(dt < 2, "\(context): took \(dt) s")
            #expect(m.cpu.instret &- before <= CPURunFuzzTests.budget, "\(context)")
            // RIP is always canonical: a branch to a non-canonical address faults at the branch.
            #expect(isCanonical(m.cpu.rip), "\(context): RIP \(String(m.cpu.rip, radix: 16))")
            switch exit {
            case .halt, .budgetExhausted, .syscall:
                exits["\(exit)", default: 0] += 1
            case .exception(let e):
                exits[CPUException.name(e.vector), default: 0] += 1
                // INT n reaches the supervisor as its vector with no error code, so only a
                // present error code can be checked: #PF uses bits 4:0 (SDM Vol. 3A §4.7).
                if e.vector == CPUException.PF, let code = e.errorCode {
                    #expect(code & ~0x1F == 0, "\(context): \(e)")
                }
            case .tripleFault, .stopRequested, .breakpoint:
                Issue.record("\(context): unexpected exit \(exit) in hosted mode")
            }
        }
        let summary = exits.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("CPU fuzz CPL \(cpl) seed \(String(seed, radix: 16)): \(summary); slowest run \(slowest) s")
    }

    /// `run(budget:)` should bound host time: a long REP yields after a chunk of iterations
    /// (StringOps.swift), but the run loop resumes it without counting against the budget, so
    /// `run(budget: 1)` finishes all 2^24 iterations here, and one REP with RCX near 2^32 keeps
    /// the CPU (and Machine.run's --timeout check) busy for minutes.
    @Test func repYieldsWithinBudget() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        m[Reg.rcx] = 1 << 24; m[Reg.rdi] = TestMachine.data
        _ = m.run([0xF3, 0xAA], budget: 1)           // rep stosb
        #expect(m[Reg.rcx] > 0, "run(budget: 1) completed all \(1 << 24) iterations")
        #expect(m.cpu.rip == TestMachine.code, "the unfinished REP stays the next instruction")
    }
}

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
