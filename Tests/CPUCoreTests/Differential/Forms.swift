// SPDX-License-Identifier: MIT
// The catalogue of instruction forms the differential harness covers, one file per SDM group
// (Forms+ALU.swift, Forms+Shift.swift, …). Shared vocabulary for the generators lives here.

enum Forms {
    static let sizes = [1, 2, 4, 8]
    static let wideSizes = [2, 4, 8]
    static let ccNames = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]

    static func bits(_ size: Int) -> Int { 8 * size }

    /// Two-digit lower-case hex, for opcodes in form names.
    static func hex(_ v: UInt8) -> String { Comparison.hex(UInt64(v), 2) }

    /// "r32" / "m32": the operand's kind and width, for form names.
    static func operand(_ size: Int, memory: Bool) -> String { (memory ? "m" : "r") + "\(8 * size)" }

    /// Immediate bytes of `v`, `n` bytes wide.
    static func imm(_ v: UInt64, _ n: Int) -> [UInt8] { Encoder.le(v, n) }

    /// Width in bytes of an Iz immediate for operand size `size` (SDM Vol. 2A §2.2.1.5).
    static func izBytes(_ size: Int) -> Int { size == 1 ? 1 : (size == 2 ? 2 : 4) }

    /// Mask of an operand of `size` bytes.
    static func mask(_ size: Int) -> UInt64 { size == 8 ? ~0 : (1 << UInt64(8 * size)) - 1 }

    /// Adds a LOCK prefix to a memory form now and then (`percent`): valid on the read-modify-write
    /// forms, #UD elsewhere (SDM Vol. 2A "LOCK").
    static func maybeLock(_ i: inout Instr, _ b: CaseBuilder, percent: Int = 15) {
        if i.rm?.isMemory == true && b.rng.chance(percent) { i.prefixes.insert(0xF0, at: 0) }
    }
}
