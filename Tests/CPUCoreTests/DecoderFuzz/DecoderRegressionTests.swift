// SPDX-License-Identifier: MIT
// Decoder bugs the fuzz tests found, pinned as unit tests with the SDM rule each one broke.
import Testing
@testable import CPUCore
import MMU

@Suite struct DecoderRegressionTests {
    func decode(_ bytes: [UInt8]) -> Result<DecodedInstruction, DecodeError> {
        bytes.withUnsafeBytes { var d = Decoder($0); return d.decode(at: 0x1000) }
    }

    /// REX.W = 1 wins over 66 for the instructions that default to 64 bits (SDM Vol. 1 §3.6.1,
    /// Table 3-4): `66 48 68 id` is PUSH imm32 sign-extended to 64 bits, 7 bytes long.
    @Test func rexWBeats66OnPushImmediate() throws {
        let d = try decode([0x66, 0x48, 0x68, 0x34, 0x12, 0x00, 0x00, 0x90]).get()
        #expect(d.len == 7 && d.osz == 8)
        // REX before 66 is not the last prefix, so it is ignored and 66 applies: PUSH imm16.
        let e = try decode([0x48, 0x66, 0x68, 0x34, 0x12, 0x90, 0x90]).get()
        #expect(e.len == 5 && e.osz == 2)
    }

    @Test(arguments: [
        [0x66, 0x48, 0x50],        // PUSH rax
        [0x66, 0x48, 0xFF, 0xF0],  // PUSH rax (FF /6)
        [0x66, 0x48, 0x9C],        // PUSHFQ
    ] as [[UInt8]])
    func rexWBeats66OnPush(bytes: [UInt8]) {
        let m = TestMachine()
        m[Reg.rax] = 0x1122_3344_5566_7788
        #expect(m.run(bytes) == .halt)
        #expect(m[Reg.rsp] == TestMachine.stack - 8)
    }

    /// More than 15 bytes is #GP(0) (SDM Vol. 2A §2.1; Vol. 3A §6.15, Interrupt 13), also when
    /// all 15 bytes could be fetched; it used to be reported as a fetch fault with a stale vector.
    @Test func sixteenByteInstructionIsGP() {
        let long = [UInt8](repeating: 0x66, count: 15) + [0x90]
        #expect(decode(long).failureValue == .tooLong)
        let m = TestMachine()
        m.cpu.hostedKernel = true
        #expect(m.run(long) == .exception(.gp(0)))
        #expect(m.cpu.rip == TestMachine.code)
        // 14 prefixes + NOP is 15 bytes: fine.
        #expect(m.run([UInt8](repeating: 0x66, count: 14) + [0x90]) == .halt)
        // A ModRM or immediate byte beyond the 15th counts too.
        #expect(decode([UInt8](repeating: 0x2E, count: 13) + [0x0F, 0xB9, 0x00]).failureValue == .tooLong)
        #expect(decode([UInt8](repeating: 0x2E, count: 12) + [0x68, 0, 0, 0, 0]).failureValue == .tooLong)
    }

    /// A window shorter than 15 bytes (the next page cannot be fetched) gives `truncated` only
    /// for bytes within the first 15.
    @Test func shortWindowIsTruncated() {
        #expect(decode([0x48, 0xB8, 1, 2, 3]).failureValue == .truncated)
        #expect(decode([0x90]).successValue?.len == 1)
        // The ModRM of 0F AE and 0F 01 is looked at before it is consumed: still truncated,
        // not decoded from a made-up zero byte (which gave #UD for a fence split across pages).
        #expect(decode([0x0F, 0xAE]).failureValue == .truncated)
        #expect(decode([0x0F, 0x01]).failureValue == .truncated)
        #expect(decode([0x48]).failureValue == .truncated)
    }

    /// An instruction split across a page boundary whose second page is not present raises the
    /// #PF of the second page (SDM Vol. 3A §6.15, Interrupt 14: instruction fetch), not #UD.
    @Test func fenceAcrossPageBoundaryFaultsOnSecondPage() {
        let m = TestMachine()
        m.cpu.hostedKernel = true
        // Map 0x1000_0000 as a 4 KiB page whose successor is not present: PD[128] → PT at 0x4000.
        m.ram.write(0x3000 + 128 * 8, UInt64(0x4000 | 3))
        m.ram.write(0x4000, UInt64(0x50_0000 | 3))
        _ = m.ram.copyIn(0x50_0FFE, [0x0F, 0xAE])
        m.cpu.flushDecodedCode(); m.mmu.flushTLB()
        m.cpu.rip = 0x1000_0FFE
        #expect(m.cpu.run(budget: 10) == .exception(CPUException(CPUException.PF, errorCode: PFError.fetch, address: 0x1000_1000)))
    }
}

extension Result {
    var successValue: Success? { if case .success(let s) = self { return s } else { return nil } }
    var failureValue: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}
