// SPDX-License-Identifier: MIT
// The one packed form every decoded instruction takes (Blink's `rde`, in Swift). The decoder
// writes it once per instruction; the interpreter reads it on every execution, so it is small,
// fixed-layout and free of references.

/// Register index meaning "no register": `CPU.regs[zeroReg]` is always 0, so an effective address
/// is `disp + regs[base] + regs[index] << scale` with no branches.
public let zeroReg: UInt8 = 16

/// A decoded instruction.
@frozen public struct DecodedInstruction {
    /// Micro-op kind.
    public var op: MicroOp
    /// Sub-operation: ALU op, condition code, group member, or a family's own op enum.
    public var aux: UInt16
    /// Register operand (ModRM.reg with REX.R, or the opcode's register). For 8-bit operands
    /// 16…19 name AH, CH, DH, BH.
    public var r: UInt8
    /// Second register operand when ModRM.mod = 3 (ModRM.rm with REX.B); memory base otherwise.
    public var b: UInt8
    /// Memory index register (`zeroReg` if none).
    public var index: UInt8
    /// Memory scale as a shift count, 0…3.
    public var scale: UInt8
    /// Segment for the memory operand: 0 flat, `Segment.fs.rawValue + 1` or `Segment.gs.rawValue + 1`.
    public var seg: UInt8
    /// Prefix and operand-form bits, `Prefix`.
    public var pfx: UInt8
    /// Operand size in bytes: 1, 2, 4 or 8.
    public var osz: UInt8
    /// Instruction length in bytes.
    public var len: UInt8
    /// No later instruction of the block reads the flags this one writes, so it may skip computing
    /// them (set by the block builder's liveness pass).
    public var flagsDead: Bool
    /// Position in its block, from 1 (set by the block builder): how many instructions of the
    /// block have retired once this one has, so the interpreter counts without dividing.
    public var seq: UInt8
    /// The memory operand needs more than `disp + base + index << scale`: an FS/GS base or 32-bit
    /// address wrap (67h). Set once at the end of decoding.
    public var eaSpecial: Bool
    /// The SSEFastOp of a `.sseFast` record (in what was padding: the record stays 48 bytes).
    public var sub: SSEFastOp
    /// Displacement, sign-extended; for RIP-relative operands the absolute address.
    public var disp: UInt64
    /// Immediate, sign- or zero-extended as the instruction defines; branch target for relative branches.
    public var imm: UInt64
    /// Linear address of the next instruction.
    public var next: UInt64

    public init() {
        op = .invalid; aux = 0; r = 0; b = zeroReg; index = zeroReg; scale = 0; seg = 0; pfx = 0; osz = 4
        len = 0; flagsDead = false; seq = 0; eaSpecial = false; sub = .xmmMovRR; disp = 0; imm = 0; next = 0
    }

    /// Linear address of this instruction.
    public var rip: UInt64 { next &- UInt64(len) }
    public var hasMemory: Bool { pfx & Prefix.memory != 0 }
}

/// Bits of `DecodedInstruction.pfx`.
public enum Prefix {
    /// F3: REP / REPE.
    public static let rep: UInt8 = 1 << 0
    /// F2: REPNE.
    public static let repne: UInt8 = 1 << 1
    /// F0: LOCK (accepted only where the SDM allows it).
    public static let lock: UInt8 = 1 << 2
    /// 67: 32-bit addressing.
    public static let addr32: UInt8 = 1 << 3
    /// The instruction has a memory operand (ModRM.mod != 3).
    public static let memory: UInt8 = 1 << 4
    /// The memory operand is based on RSP or RBP: a non-canonical address raises #SS, not #GP.
    public static let stackSeg: UInt8 = 1 << 5
    /// 66 was present (SSE families use it to select the packed-double/integer form).
    public static let opsize: UInt8 = 1 << 6
    /// A REX prefix was present (needed by some byte-register and SSE forms).
    public static let rex: UInt8 = 1 << 7
}
