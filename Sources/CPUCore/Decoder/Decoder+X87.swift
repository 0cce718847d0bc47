// SPDX-License-Identifier: MIT
// x87 escape opcodes D8–DF and FWAIT. Not yet implemented: #UD.

extension Decoder {
    mutating func decodeX87(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool { false }

    mutating func decodeFWAIT(_ d: inout DecodedInstruction) -> Bool {
        d.op = .nop
        return true
    }
}
