// SPDX-License-Identifier: MIT
// The instruction decoder for 64-bit mode: legacy prefixes, REX, ModRM/SIB, displacements,
// RIP-relative addressing and immediates (SDM Vol. 2A §2.1–2.2). The opcode maps themselves are
// in OpcodeMap.swift (one-byte, 0F); the x87 and SSE families decode in their own files.

/// Why decoding stopped.
public enum DecodeError: Error, Equatable, Sendable {
    /// The instruction is undefined (#UD).
    case undefined
    /// Longer than 15 bytes (#GP(0)).
    case tooLong
    /// More bytes were needed than could be fetched (the fetch fault of the next page).
    case truncated
}

/// Decodes one instruction from a byte window.
public struct Decoder {
    @usableFromInline var bytes: (UInt64, UInt64) = (0, 0)
    /// Bytes that may be read from the window (fewer than 15 at the end of fetchable memory).
    let available: Int
    var pos = 0
    var truncated = false

    // Prefix state.
    var rex: UInt8 = 0
    var opsize = false
    var addr32 = false
    var rep = false
    var repne = false
    var lock = false
    var seg: UInt8 = 0
    /// The last of F2/F3 (SSE uses the last mandatory prefix).
    var lastRepPrefix: UInt8 = 0

    /// Starts a decoder on up to 15 bytes.
    public init(_ window: UnsafeRawBufferPointer) {
        available = min(window.count, 15)
        withUnsafeMutableBytes(of: &bytes) { dst in
            for i in 0..<available { dst[i] = window[i] }
        }
    }

    // MARK: - Byte stream

    mutating func byte() -> UInt8 {
        // Past the window: a byte beyond the 15th makes the instruction too long (#GP(0), SDM
        // Vol. 2A §2.1, Vol. 3A §6.15 "Interrupt 13"), however many bytes could be fetched;
        // only a byte within the first 15 that could not be fetched is `truncated`.
        guard pos < available else { if pos < 15 { truncated = true }; pos += 1; return 0 }
        let b = withUnsafeBytes(of: &bytes) { $0[pos] }
        pos += 1
        return b
    }

    /// The next byte without consuming it. Callers look ahead only at a byte the instruction
    /// needs (ModRM of 0F 01 and 0F AE, the byte after REX), so one that cannot be fetched makes
    /// the instruction `truncated`, as `byte()` would.
    mutating func peek() -> UInt8 {
        guard pos < available else { if pos < 15 { truncated = true }; return 0 }
        return withUnsafeBytes(of: &bytes) { $0[pos] }
    }

    mutating func imm8() -> UInt64 { UInt64(byte()) }
    mutating func simm8() -> UInt64 { UInt64(bitPattern: Int64(Int8(bitPattern: byte()))) }
    mutating func imm16() -> UInt64 { let lo = UInt64(byte()); return lo | UInt64(byte()) << 8 }
    mutating func imm32() -> UInt64 { let lo = imm16(); return lo | imm16() << 16 }
    mutating func simm32() -> UInt64 { UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: imm32()))) }
    mutating func imm64() -> UInt64 { let lo = imm32(); return lo | imm32() << 32 }

    /// Iz: 16 bits with 66, else 32 bits sign-extended to 64 (SDM Vol. 2A §2.2.1.5).
    mutating func immZ(_ osz: UInt8) -> UInt64 {
        osz == 2 ? imm16() : simm32()
    }

    // MARK: - REX helpers

    var rexW: Bool { rex & 8 != 0 }
    var rexR: UInt8 { (rex >> 2) & 1 }
    var rexX: UInt8 { (rex >> 1) & 1 }
    var rexB: UInt8 { rex & 1 }

    /// Operand size of an instruction whose default is 32 bits.
    var osz: UInt8 { rexW ? 8 : (opsize ? 2 : 4) }
    /// Operand size of an instruction whose default is 64 bits (PUSH, POP, near branches).
    /// REX.W = 1 wins over 66 (SDM Vol. 1 §3.6.1, Table 3-4): `66 48 68 id` pushes 8 bytes
    /// and has a 32-bit immediate.
    var osz64: UInt8 { opsize && !rexW ? 2 : 8 }

    /// 8-bit register number: without any REX, 4…7 are AH CH DH BH (encoded 16…19).
    func byteReg(_ n: UInt8) -> UInt8 { (rex == 0 && n >= 4 && n < 8) ? n + 12 : n }

    // MARK: - ModRM

    /// Decodes ModRM (and SIB and displacement) into `d`: `d.r` = reg field with REX.R; for
    /// mod = 3 `d.b` = rm with REX.B, otherwise the memory operand. Returns ModRM.reg without REX.
    /// RIP-relative operands get their displacement made absolute in `finish`.
    @discardableResult
    mutating func modrm(_ d: inout DecodedInstruction) -> UInt8 {
        let m = byte()
        let mod = m >> 6, reg = (m >> 3) & 7, rm = m & 7
        d.r = reg | rexR << 3
        if mod == 3 {
            d.b = rm | rexB << 3
            d.pfx &= ~Prefix.memory
            return reg
        }
        d.pfx |= Prefix.memory
        d.seg = seg
        d.b = zeroReg; d.index = zeroReg; d.scale = 0
        var base: UInt8 = zeroReg
        if rm == 4 {
            let sib = byte()
            d.scale = sib >> 6
            let idx = (sib >> 3) & 7 | rexX << 3
            if idx != 4 { d.index = idx }
            if sib & 7 == 5 && mod == 0 {
                d.disp = simm32()
            } else {
                base = sib & 7 | rexB << 3
            }
        } else if rm == 5 && mod == 0 {
            ripRelative = true
            d.disp = simm32()
        } else {
            base = rm | rexB << 3
        }
        d.b = base
        if base == 4 || base == 5 { d.pfx |= Prefix.stackSeg }
        if mod == 1 { d.disp = simm8() } else if mod == 2 { d.disp = simm32() }
        return reg
    }

    var ripRelative = false
    var relativeBranch = false

    /// Completes `d` after the last byte: length, next RIP, RIP-relative displacement, prefixes.
    mutating func finish(_ d: inout DecodedInstruction, at rip: UInt64) -> DecodeError? {
        if truncated { return .truncated }
        if pos > 15 { return .tooLong }
        d.len = UInt8(pos)
        d.next = rip &+ UInt64(pos)
        if ripRelative { d.disp = d.disp &+ d.next }
        if relativeBranch { d.imm = d.imm &+ d.next }
        if addr32 { d.pfx |= Prefix.addr32 }
        if rep { d.pfx |= Prefix.rep }
        if repne { d.pfx |= Prefix.repne }
        if lock { d.pfx |= Prefix.lock }
        if opsize { d.pfx |= Prefix.opsize }
        if rex != 0 { d.pfx |= Prefix.rex }
        return nil
    }

    // MARK: - Entry

    /// The legacy prefix bytes (SDM Vol. 2A §2.1.1), for spotting a REX that is not last.
    static let legacyPrefixes: Set<UInt8> = [0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65]

    /// Decodes the instruction at linear address `rip`.
    public mutating func decode(at rip: UInt64) -> Result<DecodedInstruction, DecodeError> {
        var d = DecodedInstruction()
        // Legacy prefixes, in any order; REX must come last (SDM Vol. 2A §2.2.1).
        var op: UInt8
        while true {
            op = byte()
            if truncated { return .failure(.truncated) }
            if pos > 15 { return .failure(.tooLong) }
            switch op {
            case 0x66: opsize = true; rex = 0
            case 0x67: addr32 = true; rex = 0
            case 0xF0: lock = true; rex = 0
            case 0xF2: repne = true; rep = false; lastRepPrefix = 0xF2; rex = 0
            case 0xF3: rep = true; repne = false; lastRepPrefix = 0xF3; rex = 0
            case 0x26, 0x2E, 0x36, 0x3E: rex = 0  // ES CS SS DS overrides: no effect in 64-bit mode
            case 0x64: seg = 5; rex = 0
            case 0x65: seg = 6; rex = 0
            case 0x40...0x4F:
                rex = op
                // A REX not directly before the opcode is ignored: handled by clearing on the next prefix.
                let next = peek()
                if (next >= 0x40 && next <= 0x4F) || Decoder.legacyPrefixes.contains(next) {
                    continue
                }
                op = byte()
                return decodeOpcode(op, &d, at: rip)
            default:
                return decodeOpcode(op, &d, at: rip)
            }
        }
    }

    mutating func decodeOpcode(_ op: UInt8, _ d: inout DecodedInstruction, at rip: UInt64) -> Result<DecodedInstruction, DecodeError> {
        let ok: Bool
        if op == 0x0F {
            let op2 = byte()
            ok = decodeTwoByte(op2, &d)
        } else {
            ok = decodeOneByte(op, &d)
        }
        if truncated { return .failure(.truncated) }
        if !ok { return pos > 15 ? .failure(.tooLong) : .failure(.undefined) }
        if let e = finish(&d, at: rip) { return .failure(e) }
        if lock && !lockAllowed(d) { return .failure(.undefined) }
        d.op = Decoder.specialised(d)
        d.eaSpecial = d.seg != 0 || d.pfx & Prefix.addr32 != 0
        return .success(d)
    }

    /// LOCK is allowed only on the read-modify-write memory forms the SDM lists (Vol. 2A, LOCK).
    func lockAllowed(_ d: DecodedInstruction) -> Bool {
        guard d.pfx & Prefix.memory != 0 else { return false }
        let op = d.op
        switch op {
        case .aluMR8, .aluMR16, .aluMR32, .aluMR64, .aluMI8, .aluMI16, .aluMI32, .aluMI64:
            return d.aux != AluOp.cmp.rawValue
        case .unaryM, .btRM, .btMI:
            return op != .btRM && op != .btMI ? true : d.aux != 0
        case .xchgRM, .xaddRM, .cmpxchgRM, .cmpxchg8b16b: return true
        default: return false
        }
    }
}
