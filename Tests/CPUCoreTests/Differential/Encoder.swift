// SPDX-License-Identifier: MIT
// A small x86-64 encoder for the differential harness: legacy prefixes, REX, opcode, ModRM/SIB,
// displacement and immediate (SDM Vol. 2A §2.1–2.2). Register numbers are 0…15 in encoding
// order; for byte operands 16…19 are AH CH DH BH (encodable only without REX) and 4…7 are
// SPL BPL SIL DIL (which need REX).

/// A ModRM memory operand.
struct MemOperand {
    var base: Int?
    /// Not 4 (RSP): that encoding means "no index".
    var index: Int?
    /// Scale as a shift count, 0…3.
    var scale = 0
    var disp: Int64 = 0
    /// Displacement width to encode: 0, 1 or 4 (0 with an RBP/R13 base is encoded as disp8 = 0).
    var dispBytes = 0
    /// RIP-relative: the displacement is computed from `target` when the instruction is placed.
    var ripRelative = false
    var target: UInt64 = 0
    /// 67 prefix: 32-bit address computation.
    var addr32 = false
    /// Page offset of the effective address (for masks and reports), or nil if it is not in the page.
    var offset: Int?
}

enum RMOperand {
    case reg(Int)
    case mem(MemOperand)

    var isMemory: Bool { if case .mem = self { return true } else { return false } }
    var mem: MemOperand? { if case .mem(let m) = self { return m } else { return nil } }
}

/// One instruction to encode.
struct Instr {
    /// Legacy prefixes in emission order (66, 67 is added for `addr32` memory operands).
    var prefixes: [UInt8] = []
    var rexW = false
    /// Emit a REX even when no bit is set (needed for SPL…DIL).
    var forceREX = false
    var opcode: [UInt8]
    /// ModRM.reg: a register number, or an opcode extension when `regIsExtension`.
    var reg = 0
    var regIsExtension = false
    var rm: RMOperand? = nil
    /// Register added to the last opcode byte (+r forms).
    var opcodeReg: Int? = nil
    var imm: [UInt8] = []
    /// ModRM.reg (or the +r register) is a byte register: the AH…BH and SPL…DIL rules apply.
    var byteReg = false
    /// A register ModRM.rm operand is a byte register.
    var byteRM = false

    /// An instruction with operand size `size` (1, 2, 4, 8): 66 for 16 bits, REX.W for 64.
    init(_ opcode: [UInt8], size: Int = 4, reg: Int = 0, ext: Int? = nil, rm: RMOperand? = nil,
         opcodeReg: Int? = nil, imm: [UInt8] = [], prefixes: [UInt8] = []) {
        self.opcode = opcode
        self.prefixes = prefixes + (size == 2 ? [0x66] : [])
        rexW = size == 8
        byteReg = size == 1
        byteRM = size == 1
        if let ext { self.reg = ext; regIsExtension = true } else { self.reg = reg }
        self.rm = rm
        self.opcodeReg = opcodeReg
        self.imm = imm
    }
}

enum Encoder {
    /// Encodes `i` placed at byte `offset` of the snippet (for RIP-relative displacements).
    static func encode(_ i: Instr, at offset: Int) -> [UInt8] {
        var rex: UInt8 = i.rexW ? 8 : 0
        var needREX = i.forceREX, forbidREX = false
        func regBits(_ r: Int, isRegister: Bool, byte: Bool) -> Int {
            guard isRegister else { return r }
            if byte {
                if r >= 16 { forbidREX = true; return r - 12 }
                if r >= 4 && r < 8 { needREX = true }
            }
            return r
        }
        var out = i.prefixes
        if let m = i.rm?.mem, m.addr32 { out.append(0x67) }
        var body: [UInt8] = []
        var op = i.opcode
        if let r = i.opcodeReg {
            let n = regBits(r, isRegister: true, byte: i.byteReg)
            if n & 8 != 0 { rex |= 1 }
            op[op.count - 1] |= UInt8(n & 7)
        }
        body += op
        var dispAt = -1
        if let rm = i.rm {
            let reg = regBits(i.reg, isRegister: !i.regIsExtension, byte: i.byteReg)
            if reg & 8 != 0 { rex |= 4 }
            let regField = UInt8(reg & 7) << 3
            switch rm {
            case .reg(let r):
                let n = regBits(r, isRegister: true, byte: i.byteRM)
                if n & 8 != 0 { rex |= 1 }
                body.append(0xC0 | regField | UInt8(n & 7))
            case .mem(let m):
                if m.ripRelative {
                    body.append(regField | 5)
                    dispAt = body.count
                    body += [0, 0, 0, 0]
                } else if m.base == nil {
                    let idx = m.index ?? 4
                    precondition(idx != 4 || m.index == nil, "RSP cannot be an index")
                    if idx & 8 != 0 { rex |= 2 }
                    body.append(regField | 4)
                    body.append(UInt8(m.scale) << 6 | UInt8(idx & 7) << 3 | 5)
                    body += le(UInt64(bitPattern: m.disp), 4)
                } else {
                    let base = m.base!
                    if base & 8 != 0 { rex |= 1 }
                    var dispBytes = m.dispBytes
                    if dispBytes == 0 && base & 7 == 5 { dispBytes = 1 }
                    let mod: UInt8 = dispBytes == 0 ? 0 : (dispBytes == 1 ? 1 : 2)
                    if m.index != nil || base & 7 == 4 {
                        let idx = m.index ?? 4
                        precondition(idx != 4 || m.index == nil, "RSP cannot be an index")
                        if idx & 8 != 0 { rex |= 2 }
                        body.append(mod << 6 | regField | 4)
                        body.append(UInt8(m.scale) << 6 | UInt8(idx & 7) << 3 | UInt8(base & 7))
                    } else {
                        body.append(mod << 6 | regField | UInt8(base & 7))
                    }
                    if dispBytes > 0 { body += le(UInt64(bitPattern: m.disp), dispBytes) }
                }
            }
        }
        body += i.imm
        if rex != 0 { needREX = true }
        precondition(!(needREX && forbidREX), "AH…BH cannot be encoded with REX")
        if needREX { out.append(0x40 | rex) }
        let bodyStart = out.count
        out += body
        if dispAt >= 0, let m = i.rm?.mem {
            let next = SnippetState.codeAddress &+ UInt64(offset + out.count)
            let d = Int64(bitPattern: m.target &- next)
            precondition(d == Int64(Int32(truncatingIfNeeded: d)), "RIP-relative target out of range")
            let bytes = le(UInt64(bitPattern: d), 4)
            for k in 0..<4 { out[bodyStart + dispAt + k] = bytes[k] }
        }
        return out
    }

    /// Little-endian bytes of `v`.
    static func le(_ v: UInt64, _ n: Int) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }
}
