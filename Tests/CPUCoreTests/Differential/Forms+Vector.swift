// SPDX-License-Identifier: MIT
// Shared generator for the legacy SSE, SSE2 and MMX forms (SDM Vol. 2D Table A-3): one
// `VectorSpec` per instruction and operand shape gives a register form and a memory form, each a
// `Form` that draws MXCSR (sometimes with exceptions unmasked), the x87 state the MMX registers
// live in (sometimes with an exception pending, so MMX forms raise #MF), the operands as biased
// lanes, and an immediate.

/// One vector instruction: [mandatory prefix] 0F opcode, ModRM.reg = `reg` (or the opcode
/// extension `ext`), ModRM.rm = a `rm` register or `memBytes` bytes of memory.
struct VectorSpec: Sendable {
    var mnemonic: String
    var prefix: UInt8?
    var opcode: [UInt8]
    var reg: VectorKind = .xmm
    var rm: VectorKind = .xmm
    /// Memory operand size; nil when ModRM.rm must be a register.
    var memBytes: Int?
    /// Register form exists (false for Mx-only forms such as MOVNTPS).
    var registerForm = true
    /// Legacy-SSE 16-byte operand: #GP(0) unless 16-byte aligned (SDM Vol. 1 §4.1.1).
    var aligned = false
    /// Operand lanes of the r/m (source) operand, and of the ModRM.reg operand if `regLanes` is nil.
    var lanes: Lanes = .mixed
    var regLanes: Lanes? = nil
    /// ModRM.rm is the destination (store forms): only matters for the form's name.
    var store = false
    var rexW = false
    var ext: Int? = nil
    /// Immediate byte generator; nil when there is none.
    var imm: (@Sendable (inout CaseRandom) -> UInt8)? = nil
    /// Now and then copy lanes of the destination into the source (equal, negated or adjacent
    /// values: ties for MIN/MAX/CMP, cancellation for SUB), lanes of this many bytes.
    var relatedLane = 0
    /// Runs after the operands are drawn: (builder, ModRM.reg number, ModRM.rm operand).
    var finish: (@Sendable (CaseBuilder, Int, RMOperand) -> Void)? = nil

    init(_ mnemonic: String, _ prefix: UInt8?, _ opcode: [UInt8], reg: VectorKind = .xmm, rm: VectorKind = .xmm,
         mem: Int?, aligned: Bool = false, lanes: Lanes = .mixed) {
        self.mnemonic = mnemonic
        self.prefix = prefix
        self.opcode = opcode
        self.reg = reg
        self.rm = rm
        memBytes = mem
        self.aligned = aligned
        self.lanes = lanes
    }

    func with(_ change: (inout VectorSpec) -> Void) -> VectorSpec {
        var s = self
        change(&s)
        return s
    }

    var usesMMX: Bool { reg == .mm || rm == .mm }

    /// "66 0f 58 addpd xmm, m128".
    func name(memory: Bool) -> String {
        let bytes = (prefix.map { [$0] } ?? []) + (rexW ? [0x48] : []) + [0x0F] + opcode
        let head = bytes.map { Forms.hex($0) }.joined(separator: " ") + (ext.map { " /\($0)" } ?? "")
        let rmName = memory ? "m\(8 * memBytes!)" : rm.name
        var ops = ext != nil ? [rmName] : (store ? [rmName, reg.name] : [reg.name, rmName])
        if imm != nil { ops.append("imm8") }
        return "\(head) \(mnemonic) " + ops.joined(separator: ", ")
    }
}

extension Forms {
    /// The register and memory forms of `s`.
    static func vector(_ s: VectorSpec) -> [Form] {
        var forms: [Form] = []
        if s.registerForm { forms.append(Form(s.name(memory: false)) { b in vectorCase(b, s, memory: false) }) }
        if s.memBytes != nil { forms.append(Form(s.name(memory: true)) { b in vectorCase(b, s, memory: true) }) }
        return forms
    }

    static func vectorCase(_ b: CaseBuilder, _ s: VectorSpec, memory: Bool) {
        b.sseState()
        if s.usesMMX { b.x87State() }
        let r = s.ext == nil ? b.vectorReg(s.reg, s.regLanes ?? s.lanes) : 0
        var rm: RMOperand
        if memory {
            rm = .mem(b.vectorMem(bytes: s.memBytes!, s.lanes, alignment: s.aligned ? 16 : 1))
        } else {
            rm = .reg(b.vectorReg(s.rm, s.lanes))
        }
        if s.relatedLane > 0 && b.rng.chance(30) { relate(b, dst: r, s, rm) }
        var i = Instr([0x0F] + s.opcode, size: s.rexW ? 8 : 4, reg: r, ext: s.ext, rm: rm,
                      imm: s.imm.map { [$0(&b.rng)] } ?? [], prefixes: s.prefix.map { [$0] } ?? [])
        if !s.rexW && b.rng.chance(5) { i.forceREX = true }        // a REX with W = 0 changes nothing
        b.emit(i)
        s.finish?(b, r, rm)
    }

    /// Copies some `s.relatedLane`-byte lanes of the destination register into the source
    /// operand, unchanged, with the sign flipped, or one unit in the last place away.
    static func relate(_ b: CaseBuilder, dst: Int, _ s: VectorSpec, _ rm: RMOperand) {
        let n = s.relatedLane
        let width = min(s.memBytes ?? 16, s.reg == .xmm ? 16 : 8)
        func dstByte(_ k: Int) -> UInt8 {
            s.reg == .xmm ? b.state.xmm[16 * dst + k] : b.state.fxsave[32 + 16 * (((dst & 7) - b.x87Top) & 7) + k]
        }
        for lane in 0..<(width / n) where b.rng.chance(60) {
            var v: UInt64 = 0
            for k in 0..<n { v |= UInt64(dstByte(lane * n + k)) << (8 * UInt64(k)) }
            switch b.rng.below(4) {
            case 0: v ^= 1 << UInt64(8 * n - 1)
            case 1: v = v &+ (b.rng.chance(50) ? 1 : 0 &- 1)
            default: break
            }
            for k in 0..<n {
                let byte = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))
                switch rm {
                case .reg(let x) where s.rm == .xmm: b.state.xmm[16 * x + lane * n + k] = byte
                case .reg(let x) where s.rm == .mm: b.state.fxsave[32 + 16 * (((x & 7) - b.x87Top) & 7) + lane * n + k] = byte
                case .mem(let m):
                    if let o = m.offset, o + lane * n + k >= 0, o + lane * n + k < SnippetState.pageSize { b.state.mem[o + lane * n + k] = byte }
                default: break
                }
            }
        }
    }

    /// Immediate generators.
    static let anyImm: @Sendable (inout CaseRandom) -> UInt8 = { $0.byte() }
    static func shiftImm(bits: Int) -> @Sendable (inout CaseRandom) -> UInt8 {
        { r in r.chance(85) ? UInt8(r.below(bits + 2)) : r.byte() }
    }
}
