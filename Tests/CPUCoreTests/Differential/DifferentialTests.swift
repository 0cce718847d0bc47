// SPDX-License-Identifier: MIT
// Differential tests of the instruction set against the host CPU (DESIGN.md §7): every form runs
// `Differential.casesPerForm` random cases natively and in emu; any difference in exception, RIP,
// GPRs, SDM-defined flags, the data page or the x87/MMX/SSE state fails the form.
import Testing

@Suite(.serialized) struct DifferentialTests {
    static let allForms = Forms.alu + Forms.test + Forms.unary + Forms.mulDiv + Forms.shifts + Forms.doubleShifts
        + Forms.bitTests + Forms.bitScans + Forms.byteSwaps + Forms.moves + Forms.extensions + Forms.loadEffectiveAddress
        + Forms.exchanges + Forms.conditions + Forms.stack + Forms.strings + Forms.misc + Forms.sequences + Forms.decoding
        + Forms.sseMoves + Forms.sseArithmetic + Forms.sseCompares + Forms.sseConversions + Forms.sseShuffles
        + Forms.packedInteger + Forms.simdState + Forms.x87Transfer + Forms.x87Arithmetic + Forms.x87Transcendental
        + Forms.x87Compares + Forms.x87Control + Forms.fpuSequences

    /// The harness itself: a known snippet gives the known answer on both sides.
    @Test func harnessAgreesOnAKnownAnswer() throws {
        let runner = try NativeRunner.shared.get()
        var s = SnippetState()
        s.gpr[0] = 0x7FFF_FFFF_FFFF_FFFF; s.gpr[3] = 1
        s.mem[8] = 0x11
        // add rax, rbx; add byte [0x10000008], 0x22
        s.code = [0x48, 0x01, 0xD8, 0x80, 0x04, 0x25, 0x08, 0x00, 0x00, 0x10, 0x22]
        runner.lock.lock()
        defer { runner.lock.unlock() }
        try runner.send([s][...])
        let native = try runner.receive(1)[0]
        let emu = Differential.machine.run(s)
        for r in [native, emu] {
            #expect(r.exception == SnippetState.ranToEnd && r.rip == UInt64(s.code.count))
            #expect(r.gpr[0] == 0x8000_0000_0000_0000 && r.mem[8] == 0x33)
            #expect(r.rflags & 0x8D5 == 0x4)    // only PF, from the byte add: 0x33 has even parity
        }
    }

    @Test func formNamesAreUnique() {
        let names = DifferentialTests.allForms.map(\.name)
        let duplicates = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(duplicates.isEmpty, "duplicate form names: \(duplicates)")
    }

    @Test(arguments: Forms.alu + Forms.test) func arithmeticLogic(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.unary + Forms.mulDiv) func unaryMultiplyDivide(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.shifts + Forms.doubleShifts) func shiftRotate(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.bitTests + Forms.bitScans + Forms.byteSwaps) func bitByte(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.moves + Forms.extensions + Forms.loadEffectiveAddress + Forms.exchanges) func dataTransfer(_ form: Form) throws {
        try Differential.check(form)
    }
    @Test(arguments: Forms.conditions) func conditionCodes(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.stack) func stack(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.strings) func strings(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.misc) func flagsAndMisc(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.sequences) func sequences(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.decoding) func decoding(_ form: Form) throws { try Differential.check(form) }

    @Test(arguments: Forms.sseMoves) func sseDataTransfer(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.sseArithmetic + Forms.sseCompares) func sseArithmeticLogicCompare(_ form: Form) throws {
        try Differential.check(form)
    }
    @Test(arguments: Forms.sseConversions) func sseConversions(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.sseShuffles) func sseShuffleUnpack(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.packedInteger) func packedInteger(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.simdState) func simdStateManagement(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.x87Transfer) func x87DataTransfer(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.x87Arithmetic + Forms.x87Transcendental) func x87Arithmetic(_ form: Form) throws {
        try Differential.check(form)
    }
    @Test(arguments: Forms.x87Compares) func x87Compare(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.x87Control) func x87Control(_ form: Form) throws { try Differential.check(form) }
    @Test(arguments: Forms.fpuSequences) func x87MMXSSESequences(_ form: Form) throws { try Differential.check(form) }
}
