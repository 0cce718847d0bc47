// SPDX-License-Identifier: MIT
// A debugger stop after any instruction must see that instruction's flags. In a decoded block an
// instruction whose flags the block's next flag writer overwrites becomes a flag-free micro-op
// (FlagLiveness.swift); single-stepping and breakpoints therefore switch to one-instruction
// blocks and drop the blocks decoded before (CPU.singleInstructionBlocks).
import Testing
@testable import CPUCore
import MMU

@Suite struct SingleStepFlagsTests {
    static let program: [UInt8] = [
        0x48, 0xC7, 0xC0, 0x05, 0x00, 0x00, 0x00,       // mov rax, 5
        0x48, 0xC7, 0xC3, 0x05, 0x00, 0x00, 0x00,       // mov rbx, 5
        0x48, 0x29, 0xD8,                               // sub rax, rbx   (ZF=1; flag-free in a block)
        0x48, 0xC7, 0xC1, 0x01, 0x00, 0x00, 0x00,       // mov rcx, 1
        0x48, 0x83, 0xF9, 0x02,                         // cmp rcx, 2     (CF=1 SF=1 ZF=0)
    ]
    /// The address of `mov rcx, 1`: the stop right after the `sub`.
    static let afterSub = TestMachine.code + 17

    /// A machine that ran the program once, so its block (with the flag-free `sub`) is cached.
    static func warmed() -> TestMachine {
        let m = TestMachine()
        #expect(m.run(program) == .halt)
        #expect(m.cpu.rflags & RFlags.cf != 0 && m.cpu.rflags & RFlags.zf == 0)
        m.cpu.rip = TestMachine.code
        return m
    }

    @Test func singleStepShowsTheFlagsOfTheInstructionJustRun() {
        let m = SingleStepFlagsTests.warmed()
        m.cpu.singleStep = true
        for _ in 0..<3 { #expect(m.cpu.run(budget: 1) == .budgetExhausted) }
        #expect(m.cpu.rip == SingleStepFlagsTests.afterSub)
        #expect(m[Reg.rax] == 0)
        #expect(m.cpu.rflags & RFlags.zf != 0 && m.cpu.rflags & RFlags.cf == 0)
    }

    @Test func breakpointStopShowsTheFlagsOfTheInstructionBefore() {
        let m = SingleStepFlagsTests.warmed()
        m.cpu.breakpoints = [SingleStepFlagsTests.afterSub]
        #expect(m.cpu.run(budget: 100) == .breakpoint)
        #expect(m.cpu.rip == SingleStepFlagsTests.afterSub)
        #expect(m.cpu.rflags & RFlags.zf != 0 && m.cpu.rflags & RFlags.cf == 0)
        // Back to normal blocks: the rest runs and ends as the first run did.
        m.cpu.breakpoints = []
        #expect(m.cpu.run(budget: 100) == .halt)
        #expect(m.cpu.rflags & RFlags.cf != 0 && m.cpu.rflags & RFlags.zf == 0)
    }
}
