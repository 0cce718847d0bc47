// SPDX-License-Identifier: MIT
// The second opinion for the decoder fuzz tests: capstone 4 in x86-64 mode (`cs_disasm`, count 1,
// no detail), giving the length and text of the first instruction of a byte string.
import CCapstone

final class Capstone {
    private var handle: csh = 0

    init() {
        let err = cs_open(CS_ARCH_X86, CS_MODE_64, &handle)
        precondition(err == CS_ERR_OK, "cs_open failed: \(err)")
    }

    deinit { cs_close(&handle) }

    /// The first instruction of `bytes` at `address`, or nil when capstone rejects it.
    func decode(_ bytes: [UInt8], at address: UInt64) -> (length: Int, text: String)? {
        var insn: UnsafeMutablePointer<cs_insn>? = nil
        let n = bytes.withUnsafeBufferPointer { cs_disasm(handle, $0.baseAddress, $0.count, address, 1, &insn) }
        guard n > 0, let i = insn else { return nil }
        defer { cs_free(i, n) }
        let mnemonic = withUnsafeBytes(of: i.pointee.mnemonic) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let operands = withUnsafeBytes(of: i.pointee.op_str) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return (Int(i.pointee.size), operands.isEmpty ? mnemonic : mnemonic + " " + operands)
    }
}
