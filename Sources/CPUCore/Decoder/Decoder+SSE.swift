// SPDX-License-Identifier: MIT
// SSE, SSE2 and MMX rows of the 0F map. Not yet implemented: #UD.

extension Decoder {
    mutating func decodeSSE(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool { false }
}
