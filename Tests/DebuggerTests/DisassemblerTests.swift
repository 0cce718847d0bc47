// SPDX-License-Identifier: MIT
// Capstone through the Debugger's Disassembler: Intel and AT&T syntax for known bytes. The
// expected texts are what capstone 4 (Debian's libcapstone4) prints for them.
import Testing
@testable import Debugger

@Suite struct DisassemblerTests {
    @Test func intelSyntax() throws {
        let d = try Disassembler(syntax: .intel)
        #expect(d.text([0x0F, 0x05], at: 0x40206E) == "syscall")
        #expect(d.text([0x48, 0x89, 0xC7], at: 0x402070) == "mov rdi, rax")
        #expect(d.text([0x48, 0x8B, 0x44, 0x24, 0x08], at: 0) == "mov rax, qword ptr [rsp + 8]")
        #expect(d.text([0xE8, 0x03, 0x00, 0x00, 0x00], at: 0x401058) == "call 0x401060")
        #expect(d.text([0xFF], at: 0) == "(bad)")
    }

    @Test func attSyntax() throws {
        let d = try Disassembler(syntax: .att)
        #expect(d.text([0x48, 0x89, 0xC7], at: 0) == "movq %rax, %rdi")
        #expect(d.text([0x48, 0x8B, 0x44, 0x24, 0x08], at: 0) == "movq 8(%rsp), %rax")
    }

    /// Branch targets depend on the address: the same bytes at two addresses give two texts.
    @Test func relativeBranchesAreNotCachedAcrossAddresses() throws {
        let d = try Disassembler()
        #expect(d.text([0xEB, 0x00], at: 0x1000) == "jmp 0x1002")
        #expect(d.text([0xEB, 0x00], at: 0x2000) == "jmp 0x2002")
        #expect(d.text([0x48, 0x8D, 0x05, 0x10, 0x00, 0x00, 0x00], at: 0x1000) == "lea rax, [rip + 0x10]")
    }
}
