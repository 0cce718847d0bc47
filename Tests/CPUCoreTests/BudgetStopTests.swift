// SPDX-License-Identifier: MIT
// The run budget may end inside a block: the interpreter then plants a `.blockEnd` record at the
// stop and puts the original back afterwards (BlockCache.plantStop). Running a loop in slices of
// any size must retire exactly the same instructions and end in the same state as one run, and
// leave every cached block intact.
import Testing
@testable import CPUCore
import MMU

@Suite struct BudgetStopTests {
    /// A loop mixing flag producers, flag-free candidates, a flag reader (ADC), a load and a store.
    static let program: [UInt8] = [
        0xB9, 0x64, 0x00, 0x00, 0x00,                   // mov ecx, 100
        0x31, 0xC0,                                     // xor eax, eax
        0x31, 0xD2,                                     // xor edx, edx
        0xBE, 0x00, 0x00, 0x20, 0x00,                   // mov esi, 0x200000
        // loop:
        0x48, 0x01, 0xC8,                               // add rax, rcx
        0x48, 0x6B, 0xC0, 0x03,                         // imul rax, rax, 3
        0x48, 0x83, 0xD2, 0x00,                         // adc rdx, 0
        0x48, 0x33, 0x06,                               // xor rax, [rsi]
        0x48, 0x89, 0x46, 0x08,                         // mov [rsi+8], rax
        0x48, 0xC1, 0xE0, 0x05,                         // shl rax, 5
        0x48, 0xFF, 0xC9,                               // dec rcx
        0x75, 0xE5,                                     // jnz loop
    ]

    struct Outcome: Equatable {
        var regs: [UInt64]
        var rflags: UInt64
        var rip: UInt64
        var instret: UInt64
        var stored: UInt64
    }

    /// Counts announcements: the RIP of every instruction the CPU announced, in order.
    final class Announcements: InstructionObserver {
        var rips: [UInt64] = []
        override func willExecute(_ hook: UnsafePointer<DecodedInstruction>) {
            rips.append(hook.pointee.rip)
            #expect(hook.pointee.op == .traceHook)
        }
    }

    static func run(slice: UInt64, observer: InstructionObserver? = nil) -> Outcome {
        let m = TestMachine()
        m.cpu.instructionObserver = observer
        m.ram.write(TestMachine.data, UInt64(0x1234_5678_9ABC_DEF0))
        var exit = m.run(program, budget: slice)
        var slices = 1
        while exit == .budgetExhausted && slices < 100_000 {
            if slices % 16 == 1 { #expect(blocksIntact(m.cpu.blocks)) }
            exit = m.cpu.run(budget: slice)
            slices += 1
        }
        #expect(exit == .halt)
        #expect(blocksIntact(m.cpu.blocks))
        return Outcome(regs: (0..<16).map { m[$0] }, rflags: m.cpu.rflags, rip: m.cpu.rip,
                       instret: m.cpu.instret, stored: m.ram.read(TestMachine.data + 8, as: UInt64.self))
    }

    /// Every cached block ends with its `.blockEnd` marker and holds no other.
    static func blocksIntact(_ cache: BlockCache) -> Bool {
        for s in 0..<BlockCache.tableSize where cache.table[s].rip != ~0 {
            let e = cache.table[s], start = Int(e.start), records = Int(e.count) * cache.recordsPerInstruction
            if cache.records[start + records].op != .blockEnd { return false }
            for k in start..<start + records where cache.records[k].op == .blockEnd { return false }
            // Traced blocks: a hook before every instruction.
            if cache.traced {
                for k in stride(from: start, to: start + records, by: 2) where cache.records[k].op != .traceHook { return false }
            }
        }
        return true
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8, 13] as [UInt64])
    func slicedRunMatchesOneRun(slice: UInt64) {
        let whole = BudgetStopTests.run(slice: 1_000_000)
        #expect(whole.instret == 4 + 8 * 100 + 1)
        #expect(BudgetStopTests.run(slice: slice) == whole)
    }

    /// Traced blocks (a hook record before each instruction): a stop lands on a hook, so every
    /// slicing announces each instruction exactly once, in order, and ends as the untraced run.
    @Test(arguments: [1, 2, 3, 5, 7, 8, 13, 1_000_000] as [UInt64])
    func tracedSlicedRunAnnouncesEachInstructionOnce(slice: UInt64) {
        let whole = BudgetStopTests.run(slice: 1_000_000)
        let observer = Announcements()
        #expect(BudgetStopTests.run(slice: slice, observer: observer) == whole)
        // Every instruction once, the final HLT included.
        #expect(UInt64(observer.rips.count) == whole.instret)
        let loop = TestMachine.code + 14
        #expect(observer.rips.prefix(5) == [TestMachine.code, TestMachine.code + 5, TestMachine.code + 7, TestMachine.code + 9, loop])
        #expect(observer.rips.filter { $0 == loop }.count == 100)
    }
}
