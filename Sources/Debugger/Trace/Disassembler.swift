// SPDX-License-Identifier: MIT
// Instruction text for traces: capstone (libcapstone, `cs_open(CS_ARCH_X86, CS_MODE_64)`), Intel
// syntax by default, AT&T with `CS_OPT_SYNTAX` = `CS_OPT_SYNTAX_ATT` (capstone's cs_option docs).
// Texts are cached per byte string: a trace repeats the same few instructions many times.
import CCapstone

public final class Disassembler {
    public enum Syntax: String, Sendable, CaseIterable { case intel, att }

    private var handle: csh = 0
    private var cache: [[UInt8]: String] = [:]

    public init(syntax: Syntax = .intel) throws(TraceError) {
        guard cs_open(CS_ARCH_X86, CS_MODE_64, &handle) == CS_ERR_OK else { throw TraceError("capstone: cs_open failed") }
        if syntax == .att {
            guard cs_option(handle, CS_OPT_SYNTAX, Int(CS_OPT_SYNTAX_ATT.rawValue)) == CS_ERR_OK else {
                throw TraceError("capstone: AT&T syntax is not available")
            }
        }
    }

    deinit { cs_close(&handle) }

    /// The text of the instruction `bytes` at `address` ("mov rax, qword ptr [rsp + 8]"); "(bad)"
    /// if capstone rejects it. Texts that cannot depend on `address` (no relative branch, no
    /// RIP-relative operand) are cached per byte string.
    public func text(_ bytes: [UInt8], at address: UInt64) -> String {
        if let t = cache[bytes], !t.isEmpty { return t }
        var insn: UnsafeMutablePointer<cs_insn>? = nil
        let n = bytes.withUnsafeBufferPointer { cs_disasm(handle, $0.baseAddress, $0.count, address, 1, &insn) }
        guard n > 0, let i = insn else { return "(bad)" }
        defer { cs_free(i, n) }
        let mnemonic = withUnsafeBytes(of: i.pointee.mnemonic) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let operands = withUnsafeBytes(of: i.pointee.op_str) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let text = operands.isEmpty ? mnemonic : mnemonic + " " + operands
        if !Disassembler.dependsOnAddress(bytes) { cache[bytes] = text }
        return text
    }

    /// Relative branches (E8, E9, EB, 7x, 0F 8x, E0–E3) and RIP-relative operands (ModRM mod 00
    /// rm 101) print absolute addresses. A conservative test: any such opcode or ModRM pattern.
    static func dependsOnAddress(_ bytes: [UInt8]) -> Bool {
        var k = 0
        while k < bytes.count, [0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65].contains(bytes[k]) { k += 1 }
        if k < bytes.count, bytes[k] & 0xF0 == 0x40 { k += 1 }
        guard k < bytes.count else { return false }
        let op = bytes[k]
        if [0xE8, 0xE9, 0xEB, 0xE0, 0xE1, 0xE2, 0xE3].contains(op) || op & 0xF0 == 0x70 { return true }
        if op == 0x0F, k + 1 < bytes.count, bytes[k + 1] & 0xF0 == 0x80 { return true }
        // A ModRM byte with mod 00, rm 101 anywhere after the opcode: RIP-relative (may over-match).
        return bytes[(k + 1)...].contains { $0 & 0xC7 == 0x05 }
    }
}
