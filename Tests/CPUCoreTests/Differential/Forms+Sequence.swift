// SPDX-License-Identifier: MIT
// Random sequences of flag-producing and flag-consuming instructions (ALU, INC/DEC/NEG/NOT,
// shifts and rotates by immediates, MUL/IMUL, BT, SETcc, CMOVcc, Jcc, ADC/SBB, LAHF/SAHF,
// CLC/STC/CMC), so that every pairing of emu's lazy-flag producers and consumers is exercised.
// The generator tracks which flags the SDM leaves undefined after each step and never lets a
// later instruction consume one; whatever is still undefined at the end is masked.

extension Forms {
    /// Flags read by condition code `cc` (SDM Vol. 1 Table B-1).
    static func flagsRead(cc: Int) -> UInt64 {
        let of = CaseBuilder.of, cf = CaseBuilder.cf, zf = CaseBuilder.zf, sf = CaseBuilder.sf, pf = CaseBuilder.pf
        return [of, cf, zf, cf | zf, sf, pf, sf | of, zf | sf | of][cc >> 1]
    }

    static var sequences: [Form] {
        (0..<8).map { k in
            Form("sequence \(k) (\(k < 4 ? "registers" : "registers and memory"))") { b in
                sequenceCase(b, steps: 2 + k % 4 * 2, memory: k >= 4)
            }
        }
    }

    static func sequenceCase(_ b: CaseBuilder, steps: Int, memory: Bool) {
        // Up to four address registers stay fixed: leave the destinations all sixteen to choose from.
        if memory { b.highBytes = false }
        let mems = memory ? [b.mem(size: 8, faultPercent: 0), b.mem(size: 8, faultPercent: 0)] : []
        let fixed = b.pinned
        var undefined: UInt64 = 0
        var n = 0
        while n < steps {
            if let u = sequenceStep(b, undefined: undefined, mems: mems, avoid: fixed) {
                undefined = u
                n += 1
            }
        }
        b.undefine(undefined)
    }

    /// Emits one random instruction unless it would read an undefined flag; returns the new set
    /// of undefined flags, or nil if nothing was emitted.
    static func sequenceStep(_ b: CaseBuilder, undefined: UInt64, mems: [MemOperand], avoid: Set<Int>) -> UInt64? {
        let size = b.rng.pick(sizes)
        let byteAvoid = avoid.union(Set(avoid.map { $0 + 16 }))
        func dst() -> Int { size == 1 ? b.byteReg(avoid: byteAvoid) : b.gpr(avoid: avoid) }
        func src() -> Int { size == 1 ? b.byteReg() : b.gpr() }
        func dstRM() -> RMOperand { !mems.isEmpty && b.rng.chance(30) ? .mem(b.rng.pick(mems)) : .reg(dst()) }
        func srcRM() -> RMOperand { !mems.isEmpty && b.rng.chance(30) ? .mem(b.rng.pick(mems)) : .reg(src()) }
        let rmw = size == 1 ? 0 : 1
        switch b.rng.below(16) {
        case 0, 1, 2:                                                       // ALU Ev,Gv / Gv,Ev
            let op = b.rng.below(8)
            if (op == 2 || op == 3) && undefined & CaseBuilder.cf != 0 { return nil }
            let toReg = b.rng.chance(50)
            b.emit(Instr([UInt8(op * 8 + rmw + (toReg ? 2 : 0))], size: size, reg: toReg ? dst() : src(), rm: toReg ? srcRM() : dstRM()))
            return [1, 4, 6].contains(op) ? CaseBuilder.af : 0
        case 3:                                                             // ALU Ev, imm8
            let op = b.rng.below(8)
            if (op == 2 || op == 3) && undefined & CaseBuilder.cf != 0 { return nil }
            b.emit(Instr([size == 1 ? 0x80 : 0x83], size: size, ext: op, rm: dstRM(), imm: [b.rng.byte()]))
            return [1, 4, 6].contains(op) ? CaseBuilder.af : 0
        case 4:                                                             // INC DEC NOT NEG
            let ext = b.rng.below(4)
            b.emit(Instr([ext < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7)], size: size, ext: ext, rm: dstRM()))
            return ext == 2 ? undefined : (ext == 3 ? 0 : undefined & CaseBuilder.cf)
        case 5, 6:                                                          // shift/rotate by imm8 or 1
            let ext = b.rng.pick([0, 1, 2, 3, 4, 5, 7])
            let count = UInt64(b.rng.chance(30) ? 1 : b.rng.below(bits(size) + 2))
            let masked = count & (size == 8 ? 63 : 31)
            if masked == 0 { b.emit(Instr([size == 1 ? 0xC0 : 0xC1], size: size, ext: ext, rm: dstRM(), imm: [UInt8(count)])); return undefined }
            if (ext == 2 || ext == 3) && undefined & CaseBuilder.cf != 0 { return nil }
            if count == 1 && b.rng.chance(50) {
                b.emit(Instr([size == 1 ? 0xD0 : 0xD1], size: size, ext: ext, rm: dstRM()))
            } else {
                b.emit(Instr([size == 1 ? 0xC0 : 0xC1], size: size, ext: ext, rm: dstRM(), imm: [UInt8(count)]))
            }
            let ofU = masked != 1 ? CaseBuilder.of : 0
            if ext < 4 { return (undefined & ~(CaseBuilder.cf | CaseBuilder.of)) | ofU }
            let cfU = ext != 7 && masked >= UInt64(bits(size)) ? CaseBuilder.cf : 0
            return CaseBuilder.af | ofU | cfU
        case 7:                                                             // MUL/IMUL, IMUL r, r/m(, imm)
            guard size > 1 || b.rng.chance(50) else { return nil }
            if b.rng.chance(50) || size == 1 {
                let opcode: UInt8 = size == 1 ? 0xF6 : 0xF7
                if avoid.contains(0) || avoid.contains(2) { return nil }
                b.emit(Instr([opcode], size: size, ext: b.rng.pick([4, 5]), rm: srcRM()))
            } else if b.rng.chance(50) {
                b.emit(Instr([0x0F, 0xAF], size: size, reg: dst(), rm: srcRM()))
            } else {
                b.emit(Instr([0x6B], size: size, reg: dst(), rm: srcRM(), imm: [b.rng.byte()]))
            }
            return CaseBuilder.sf | CaseBuilder.zf | CaseBuilder.af | CaseBuilder.pf
        case 8:                                                             // BT r, imm8
            guard size > 1 else { return nil }
            b.emit(Instr([0x0F, 0xBA], size: size, ext: 4, rm: .reg(src()), imm: [b.rng.byte()]))
            return (undefined & ~CaseBuilder.cf) | CaseBuilder.of | CaseBuilder.sf | CaseBuilder.af | CaseBuilder.pf
        case 9:                                                             // SETcc
            let cc = b.rng.below(16)
            if flagsRead(cc: cc) & undefined != 0 { return nil }
            b.emit(Instr([0x0F, 0x90 + UInt8(cc)], size: 1, ext: 0, rm: !mems.isEmpty && b.rng.chance(30) ? .mem(b.rng.pick(mems)) : .reg(b.byteReg(avoid: byteAvoid))))
            return undefined
        case 10:                                                            // CMOVcc
            let cc = b.rng.below(16)
            guard size > 1, flagsRead(cc: cc) & undefined == 0 else { return nil }
            b.emit(Instr([0x0F, 0x40 + UInt8(cc)], size: size, reg: dst(), rm: srcRM()))
            return undefined
        case 11:                                                            // Jcc over a marker
            let cc = b.rng.below(16)
            guard flagsRead(cc: cc) & undefined == 0 else { return nil }
            let r = b.gpr(avoid: avoid)
            b.emit([0x70 + UInt8(cc), 10, 0x48 | UInt8(r >> 3), 0xB8 + UInt8(r & 7)] + Encoder.le(b.rng.next(), 8))
            return undefined
        case 12:                                                            // LAHF / SAHF
            if b.rng.chance(50) {
                guard undefined & 0xD5 == 0, !avoid.contains(0) else { return nil }
                b.emit([0x9F])
                return undefined
            }
            b.emit([0x9E])
            return undefined & CaseBuilder.of
        case 13:                                                            // CLC STC CMC
            let op: UInt8 = b.rng.pick([0xF8, 0xF9, 0xF5])
            if op == 0xF5 && undefined & CaseBuilder.cf != 0 { return nil }
            b.emit([op])
            return undefined & ~CaseBuilder.cf
        default:                                                            // TEST, CMP (flags only)
            let op: UInt8 = b.rng.chance(50) ? 0x84 : 0x38
            b.emit(Instr([op + UInt8(rmw)], size: size, reg: src(), rm: srcRM()))
            return op == 0x84 ? CaseBuilder.af : 0
        }
    }
}
