// SPDX-License-Identifier: MIT
// Flags the SDM leaves undefined, pinned to emu's model. The host (AMD) differs from Intel here,
// so the differential tests mask these flags; these tests make emu's choice explicit and stable.
// Model: AF is 0 after logic ops, shifts and multiplies; MUL/IMUL set SF ZF PF from the low half;
// DIV/IDIV leave all flags unchanged; BSF/BSR and BT* change no flag but ZF / CF; shifts by more
// than 1 set OF by the count-1 rule on the final result.
import Testing
@testable import CPUCore

@Suite struct UndefinedFlagsTests {
    let all: UInt64 = RFlags.status

    func flags(_ m: TestMachine, before: UInt64, _ code: [UInt8]) -> UInt64 {
        m.cpu.rflags = before | 2
        m.run(code)
        return m.cpu.rflags & RFlags.status
    }

    @Test func mulSetsSZPFromTheLowHalfAndClearsAF() {
        let m = TestMachine()
        m[Reg.rax] = 1 << 63; m[Reg.rcx] = 2                // product 2^64: low half 0
        let f = flags(m, before: 0, [0x48, 0xF7, 0xE1])     // mul rcx
        #expect(f == RFlags.cf | RFlags.of | RFlags.zf | RFlags.pf)
    }

    @Test func divLeavesFlagsUnchanged() {
        let m = TestMachine()
        m[Reg.rax] = 7; m[Reg.rdx] = 0; m[Reg.rcx] = 2
        #expect(flags(m, before: all, [0x48, 0xF7, 0xF1]) == all)   // div rcx
        m[Reg.rax] = 7; m[Reg.rdx] = 0; m[Reg.rcx] = 2
        #expect(flags(m, before: 0, [0x48, 0xF7, 0xF1]) == 0)
    }

    @Test func logicClearsAF() {
        let m = TestMachine()
        m[Reg.rax] = 0xF0
        #expect(flags(m, before: RFlags.af, [0x24, 0x0F]) & RFlags.af == 0)   // and al, 0x0f
    }

    @Test func bsfWithZeroSourceSetsZFAndKeepsTheRest() {
        let m = TestMachine()
        m[Reg.rcx] = 0; m[Reg.rax] = 0x1234
        let f = flags(m, before: RFlags.cf | RFlags.sf, [0x48, 0x0F, 0xBC, 0xC1])  // bsf rax, rcx
        #expect(f == RFlags.cf | RFlags.sf | RFlags.zf)
        #expect(m[Reg.rax] == 0x1234)
    }

    @Test func btChangesOnlyCF() {
        let m = TestMachine()
        m[Reg.rax] = 1
        let f = flags(m, before: RFlags.zf | RFlags.of, [0x48, 0x0F, 0xBA, 0xE0, 0x00])  // bt rax, 0
        #expect(f == RFlags.zf | RFlags.of | RFlags.cf)
    }

    @Test func shiftByMoreThanOneUsesTheCountOneRule() {
        let m = TestMachine()
        m[Reg.rax] = 0x4000_0000_0000_0000
        // shl rax, 2: result 0, CF = bit 62 = 1, OF = MSB(result) XOR CF = 1, AF = 0.
        let f = flags(m, before: RFlags.af, [0x48, 0xC1, 0xE0, 0x02])
        #expect(f == RFlags.cf | RFlags.of | RFlags.zf | RFlags.pf)
        m[Reg.rax] = 0x8000_0000_0000_0000
        // shr rax, 3: OF = MSB of the original operand = 1.
        #expect(flags(m, before: 0, [0x48, 0xC1, 0xE8, 0x03]) & RFlags.of != 0)
    }
}
