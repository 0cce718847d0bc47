// SPDX-License-Identifier: MIT
// Builds one differential test case: a random input state (biased GPRs, random status flags with
// DF = 0, a random data page, random x87/SSE state from CaseBuilder+FPU.swift), the snippet's
// bytes, and what to compare afterwards (the flags the SDM defines for the instruction, registers
// or bytes whose result the SDM leaves undefined).

final class CaseBuilder {
    var rng: CaseRandom
    var state = SnippetState()
    /// RFLAGS bits compared: CF PF AF ZF SF TF IF DF OF NT AC ID, minus what the SDM leaves undefined.
    var flagMask: UInt64 = CaseBuilder.comparedFlags
    /// Per GPR, bits not compared.
    var regIgnore = [UInt64](repeating: 0, count: 16)
    /// Data-page bytes not compared.
    var memIgnore: [Range<Int>] = []
    /// Bits of the FXSAVE image compared (besides `Comparison.fxMasked`, never compared).
    var fxMask = [UInt8](repeating: 0xFF, count: 512)
    /// Per XMM register, the 32-bit lanes holding an RCP/RSQRT approximation (bit k = lane k):
    /// compared within the SDM's error bound (`Comparison.approximatelyEqual`).
    var approximateLanes = [UInt8](repeating: 0, count: 16)
    /// Extra lines for a mismatch report.
    var notes: [String] = []
    /// Registers whose value the case depends on (memory bases, counts…): not picked for addressing.
    private(set) var pinned = Set<Int>()
    /// This case may use AH…BH: every register operand and address register is then one of the
    /// eight legacy registers, so no REX prefix is needed.
    var highBytes: Bool

    static let comparedFlags: UInt64 = 0x25_4FD5
    static let status: UInt64 = 0x8D5
    static let cf: UInt64 = 0x1, pf: UInt64 = 0x4, af: UInt64 = 0x10, zf: UInt64 = 0x40, sf: UInt64 = 0x80
    static let df: UInt64 = 0x400, of: UInt64 = 0x800

    init(seed: UInt64) {
        rng = CaseRandom(seed: seed)
        highBytes = rng.chance(30)
        for i in 0..<16 { state.gpr[i] = rng.anyValue() }
        state.rflags = rng.statusFlags() | 0x202
        for i in stride(from: 0, to: SnippetState.pageSize, by: 8) {
            let v = rng.chance(20) ? rng.value(bits: rng.pick([8, 16, 32, 64])) : rng.next()
            for k in 0..<8 { state.mem[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        var fpuRNG = CaseRandom(seed: seed ^ 0xF0F0_5EED_F0F0_5EED)
        CaseBuilder.randomFPU(&state, &fpuRNG)
    }

    var code: [UInt8] { state.code }

    // MARK: - Registers

    /// Sets a GPR and pins it.
    func set(_ r: Int, _ v: UInt64) {
        precondition(r < 16)
        state.gpr[r] = v
        pinned.insert(r)
    }

    func get(_ r: Int) -> UInt64 { state.gpr[r] }

    /// The value of a register operand of `size` bytes (16…19 are AH…BH), zero-extended.
    func read(_ r: Int, size: Int) -> UInt64 {
        if size == 1 && r >= 16 { return (state.gpr[r - 16] >> 8) & 0xFF }
        return size == 8 ? state.gpr[r] : state.gpr[r] & ((1 << UInt64(8 * size)) - 1)
    }

    /// Writes the low `size` bytes of a register operand (for AH…BH, bits 15:8).
    func write(_ r: Int, size: Int, _ v: UInt64) {
        if size == 1 && r >= 16 {
            state.gpr[r - 16] = (state.gpr[r - 16] & ~0xFF00) | (v & 0xFF) << 8
            pinned.insert(r - 16)
            return
        }
        let mask: UInt64 = size == 8 ? ~0 : (1 << UInt64(8 * size)) - 1
        state.gpr[r] = (state.gpr[r] & ~mask) | (v & mask)
        pinned.insert(r)
    }

    /// A random general register, not in `avoid`.
    func gpr(avoid: Set<Int> = []) -> Int {
        let candidates = (0..<(highBytes ? 8 : 16)).filter { !avoid.contains($0) }
        precondition(!candidates.isEmpty, "no register left to pick (avoiding \(avoid.sorted()))")
        return rng.pick(candidates)
    }

    /// A random byte register: AL…BL and AH…BH (16…19) in high-byte cases, else AL…R15B.
    func byteReg(avoid: Set<Int> = []) -> Int {
        let all = highBytes ? [0, 1, 2, 3, 16, 17, 18, 19] : Array(0..<16)
        let candidates = all.filter { !avoid.contains($0) }
        precondition(!candidates.isEmpty, "no byte register left to pick (avoiding \(avoid.sorted()))")
        return rng.pick(candidates)
    }

    /// A register operand of `size` bytes whose value is re-drawn for that width (unless pinned).
    func operandReg(size: Int, avoid: Set<Int> = []) -> Int {
        let r = size == 1 ? byteReg(avoid: avoid) : gpr(avoid: avoid)
        let base = r >= 16 ? r - 16 : r
        if !pinned.contains(base) {
            let v = rng.value(bits: 8 * size)
            if r >= 16 { state.gpr[base] = (state.gpr[base] & ~0xFF00) | (v & 0xFF) << 8 } else {
                let mask: UInt64 = size == 8 ? ~0 : (1 << UInt64(8 * size)) - 1
                state.gpr[r] = (state.gpr[r] & ~mask) | (v & mask)
            }
        }
        return r
    }

    /// Register or memory operand of `size` bytes.
    func rm(size: Int, memory: Bool, avoid: Set<Int> = []) -> RMOperand {
        memory ? .mem(mem(size: size)) : .reg(operandReg(size: size, avoid: avoid))
    }

    // MARK: - Memory

    func readMem(_ off: Int, size: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<size where off + k >= 0 && off + k < SnippetState.pageSize {
            v |= UInt64(state.mem[off + k]) << (8 * UInt64(k))
        }
        return v
    }

    func writeMem(_ off: Int, size: Int, _ v: UInt64) {
        for k in 0..<size where off + k >= 0 && off + k < SnippetState.pageSize {
            state.mem[off + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))
        }
    }

    /// A page offset for an access of `size` bytes: usually inside the page (aligned more often
    /// than not); with `faultPercent` chance it runs into a guard page on either side.
    func pageOffset(size: Int, faultPercent: Int = 2) -> Int {
        if rng.chance(faultPercent) {
            return rng.chance(50) ? -rng.below(size) - 1 : SnippetState.pageSize - size + 1 + rng.below(size)
        }
        var off = rng.below(SnippetState.pageSize - size + 1)
        if rng.chance(60) { off &= ~(size - 1) }
        return off
    }

    /// A memory operand addressing page offset `offset` (random if nil) through a random mode:
    /// absolute, RIP-relative, [base], [base+disp8/32], [base+index*s+disp], [index*s+disp32],
    /// sometimes with a 67 prefix. Address registers are set and pinned; the operand's bytes get
    /// an edge-biased value.
    func mem(size: Int, offset: Int? = nil, faultPercent: Int = 2, addr32Percent: Int = 10) -> MemOperand {
        let off = offset ?? pageOffset(size: size, faultPercent: faultPercent)
        var ea = SnippetState.dataAddress &+ UInt64(bitPattern: Int64(off))
        if offset == nil && rng.chance(faultPercent / 2) {
            // A non-canonical address: #GP, or #SS through RSP/RBP (SDM Vol. 3A §6.15).
            ea ^= rng.pick([0x8000_0000_0000_0000, 0x0000_8000_0000_0000, 0xFFFF_0000_0000_0000])
            var m = memOperand(ea: ea, addr32Percent: 0)
            m.offset = nil
            notes.append("memory operand at non-canonical 0x\(String(ea, radix: 16))")
            return m
        }
        if off >= 0 && off + size <= SnippetState.pageSize && size <= 8 && rng.chance(50) {
            writeMem(off, size: size, rng.value(bits: 8 * size))
        }
        var m = memOperand(ea: ea, addr32Percent: addr32Percent)
        m.offset = off
        notes.append("memory operand at data+0x\(String(off, radix: 16)) (\(size) bytes)")
        return m
    }

    /// A memory operand with effective address `ea`; address registers are set and pinned.
    /// Modes that cannot express `ea` (disp32 forms far from it, 67 above 4 GiB) are not chosen.
    func memOperand(ea: UInt64, addr32Percent: Int = 10, avoid: Set<Int> = []) -> MemOperand {
        var m = MemOperand()
        m.addr32 = ea >> 32 == 0 && rng.chance(addr32Percent)
        let free = pinned.union(avoid)
        func addressReg(_ extra: Set<Int> = []) -> Int { gpr(avoid: free.union(extra)) }
        func baseValue(_ v: UInt64) -> UInt64 { m.addr32 ? (v & 0xFFFF_FFFF) | (rng.next() << 32) : v }
        func fitsDisp32(_ v: UInt64) -> Bool { Int64(bitPattern: v) == Int64(Int32(truncatingIfNeeded: v)) }
        var mode = rng.below(20)
        while true {
            if mode < 2 && !(ea < 0x8000_0000) { mode = rng.below(20); continue }
            if mode >= 2 && mode < 4 && !fitsDisp32(ea &- SnippetState.codeAddress &- 0x100) { mode = rng.below(20); continue }
            if mode >= 17 && !fitsDisp32(ea) { mode = rng.below(20); continue }
            break
        }
        switch mode {
        case 0, 1:                                                  // [disp32]
            m.disp = Int64(ea)
        case 2, 3:                                                  // [rip+disp32]
            m.ripRelative = true; m.target = ea
        case 4, 5, 6:                                               // [base]
            let b = addressReg(); m.base = b; set(b, baseValue(ea))
        case 7, 8, 9:                                               // [base+disp8]
            let b = addressReg(); m.base = b; m.dispBytes = 1
            m.disp = Int64(Int8(truncatingIfNeeded: rng.next()))
            set(b, baseValue(ea &- UInt64(bitPattern: m.disp)))
        case 10, 11:                                                // [base+disp32]
            let b = addressReg(); m.base = b; m.dispBytes = 4
            m.disp = Int64(Int32(truncatingIfNeeded: rng.next()))
            set(b, baseValue(ea &- UInt64(bitPattern: m.disp)))
        case 12, 13, 14, 15, 16:                                    // [base+index*s+disp]
            let x = addressReg([4]); let b = addressReg([x])
            m.base = b; m.index = x; m.scale = rng.below(4)
            m.dispBytes = rng.pick([0, 1, 4])
            m.disp = m.dispBytes == 1 ? Int64(Int8(truncatingIfNeeded: rng.next()))
                : m.dispBytes == 4 ? Int64(Int32(truncatingIfNeeded: rng.next())) : 0
            let xv = rng.chance(50) ? UInt64(bitPattern: Int64(rng.below(512) - 256)) : rng.next()
            set(x, xv)
            set(b, baseValue(ea &- UInt64(bitPattern: m.disp) &- (xv &<< UInt64(m.scale))))
        default:                                                    // [index*s+disp32]
            let x = addressReg([4])
            m.index = x; m.scale = rng.below(4)
            let xv = UInt64(rng.below(1 << 16))
            m.disp = Int64(bitPattern: ea &- (xv << UInt64(m.scale)))
            if !fitsDisp32(UInt64(bitPattern: m.disp)) { m.disp = Int64(bitPattern: ea); set(x, 0); break }
            set(x, m.addr32 ? xv | (rng.next() << 32) : xv)
        }
        return m
    }

    // MARK: - Code and comparison

    func emit(_ i: Instr) {
        state.code += Encoder.encode(i, at: state.code.count)
    }

    func emit(_ bytes: [UInt8]) { state.code += bytes }

    /// Flags the SDM leaves undefined for this case.
    func undefine(_ flags: UInt64) { flagMask &= ~flags }

    func ignore(reg r: Int, bits: UInt64 = ~0) { regIgnore[r >= 16 ? r - 16 : r] |= r >= 16 ? (bits & 0xFF) << 8 : bits }

    func ignore(memory range: Range<Int>) { memIgnore.append(range) }

    /// Sets the input flags (only CF PF AF ZF SF DF OF reach the snippet).
    func setFlags(_ f: UInt64) { state.rflags = (f & 0xCD5) | 0x202 }
}
