// SPDX-License-Identifier: MIT
// Integer instruction tests with hand-computed expectations (SDM Vol. 2 flag rules).
import Testing
@testable import CPUCore

@Suite struct ArithmeticTests {
    @Test func addSetsCarryZeroAndOverflow() {
        let m = TestMachine()
        m[Reg.rax] = UInt64.max; m[Reg.rbx] = 1
        #expect(m.run([0x48, 0x01, 0xD8]) == .halt)          // add rax, rbx
        #expect(m[Reg.rax] == 0)
        let f = m.cpu.rflags
        #expect(f & RFlags.cf != 0 && f & RFlags.zf != 0 && f & RFlags.of == 0 && f & RFlags.af != 0)
        m[Reg.rax] = 0x7FFF_FFFF_FFFF_FFFF; m[Reg.rbx] = 1
        m.run([0x48, 0x01, 0xD8])
        #expect(m.cpu.rflags & RFlags.of != 0 && m.cpu.rflags & RFlags.sf != 0)
    }

    @Test func thirtyTwoBitWritesZeroExtend() {
        let m = TestMachine()
        m[Reg.rax] = 0xFFFF_FFFF_0000_0001
        m.run([0x83, 0xC0, 0x01])                           // add eax, 1
        #expect(m[Reg.rax] == 2)
        m[Reg.rax] = 0x1122_3344_5566_7788
        m.run([0x66, 0x83, 0xC0, 0x01])                     // add ax, 1
        #expect(m[Reg.rax] == 0x1122_3344_5566_7789)
        m.run([0xB4, 0x99])                                 // mov ah, 0x99
        #expect(m[Reg.rax] == 0x1122_3344_5566_9989)
    }

    @Test func cmpAndConditions() {
        let m = TestMachine()
        m[Reg.rax] = 5; m[Reg.rbx] = UInt64(bitPattern: -3)
        // cmp rax, rbx; setl cl; setb dl
        m.run([0x48, 0x39, 0xD8, 0x0F, 0x9C, 0xC1, 0x0F, 0x92, 0xC2])
        #expect(m[Reg.rcx] & 0xFF == 0)                     // 5 < -3 signed: false
        #expect(m[Reg.rdx] & 0xFF == 1)                     // 5 < 2^64-3 unsigned: true
    }

    @Test func divideErrorIsAFault() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        m[Reg.rax] = 10; m[Reg.rdx] = 0; m[Reg.rcx] = 0
        #expect(m.run([0x48, 0xF7, 0xF1]) == .exception(CPUException(CPUException.DE)))  // div rcx
        #expect(m.cpu.rip == TestMachine.code)
        m[Reg.rcx] = 3
        m.run([0x48, 0xF7, 0xF1])
        #expect(m[Reg.rax] == 3 && m[Reg.rdx] == 1)
    }

    @Test func imulAndMul() {
        let m = TestMachine()
        m[Reg.rax] = UInt64(bitPattern: -4); m[Reg.rcx] = 3
        m.run([0x48, 0xF7, 0xE9])                           // imul rcx → rdx:rax = -12
        #expect(m[Reg.rax] == UInt64(bitPattern: -12) && m[Reg.rdx] == UInt64.max)
        #expect(m.cpu.rflags & RFlags.cf == 0)
        m[Reg.rax] = 1 << 63; m[Reg.rcx] = 4
        m.run([0x48, 0xF7, 0xE1])                           // mul rcx
        #expect(m[Reg.rax] == 0 && m[Reg.rdx] == 2 && m.cpu.rflags & RFlags.cf != 0)
    }

    @Test func shiftsAndRotates() {
        let m = TestMachine()
        m[Reg.rax] = 0x8000_0000_0000_0001
        m.run([0x48, 0xD1, 0xE0])                           // shl rax, 1
        #expect(m[Reg.rax] == 2 && m.cpu.rflags & RFlags.cf != 0 && m.cpu.rflags & RFlags.of != 0)
        m[Reg.rax] = 0x81
        m.run([0xD0, 0xC8])                                 // ror al, 1
        #expect(m[Reg.rax] & 0xFF == 0xC0 && m.cpu.rflags & RFlags.cf != 0)
    }

    @Test func selfModifyingCodeIsSeenAtTheNextInstruction() {
        let m = TestMachine()
        // mov byte [rip+1], 0x2A ; mov al, 0x00 → the store rewrites the immediate of the next instruction.
        let code: [UInt8] = [0xC6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x2A, 0xB0, 0x00]
        m.run(code)
        #expect(m[Reg.rax] & 0xFF == 0x2A)
    }

    @Test func undefinedOpcodeRaisesUD() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        #expect(m.run([0x0F, 0x0B]) == .exception(.ud))
        #expect(m.run([0x06]) == .exception(.ud))           // push es: invalid in 64-bit mode
    }

    @Test func cpuidAdvertisesIvyBridge() {
        let m = TestMachine()
        m[Reg.rax] = 1
        m.run([0x0F, 0xA2])
        #expect(m[Reg.rax] == 0x306A9)
        m[Reg.rax] = 0
        m.run([0x0F, 0xA2])
        #expect(m[Reg.rbx] == 0x756E_6547 && m[Reg.rdx] == 0x4965_6E69 && m[Reg.rcx] == 0x6C65_746E)
    }
}

@Suite struct DivideEdgeTests {
    @Test func idiv32OfMostNegativeByMinusOneIsDivideError() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        m[Reg.rdx] = 0x8000_0000; m[Reg.rax] = 0; m[Reg.rcx] = 0xFFFF_FFFF
        #expect(m.run([0xF7, 0xF9]) == .exception(CPUException(CPUException.DE)))  // idiv ecx
    }

    @Test func btWithMostNegativeRegisterOffsetDoesNotTrap() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        m[Reg.rbx] = TestMachine.data; m[Reg.rcx] = 1 << 63
        // bt [rbx], rcx: the byte offset is -2^60, a non-canonical address → #GP, never a host trap.
        #expect(m.run([0x48, 0x0F, 0xA3, 0x0B]) == .exception(.gp(0)))
    }
}
