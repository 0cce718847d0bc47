// SPDX-License-Identifier: MIT
// Instructions that read the condition codes: CMOVcc (0F 40+cc), SETcc (0F 90+cc), Jcc (70+cc,
// 0F 80+cc), LOOP LOOPE LOOPNE JRCXZ (E0–E3, also with 67: ECX). Each case first produces the
// flags: from the input, or by a random ALU instruction (CMP SUB ADD ADC SBB AND OR XOR TEST INC
// DEC NEG SHL SHR SAR) so that emu's lazy-flag paths are the ones evaluated (SDM Vol. 1 Table B-1).

extension Forms {
    /// Emits a random flag-producing instruction on unpinned registers, or nothing.
    static func flagPrelude(_ b: CaseBuilder) {
        let size = b.rng.pick(sizes)
        let avoid = b.pinned
        func reg() -> Int { b.operandReg(size: size, avoid: avoid.union(size == 1 ? Set(avoid.map { $0 + 16 }) : [])) }
        switch b.rng.below(10) {
        case 0, 1: return
        case 2, 3:                                                              // CMP/SUB/ADD/ADC/SBB r, r
            let op = b.rng.pick([7, 7, 5, 0, 2, 3])
            let d = reg()
            b.emit(Instr([UInt8(op * 8) + (size == 1 ? 0 : 1)], size: size, reg: reg(), rm: .reg(d)))
        case 4:                                                                 // CMP r, imm8
            b.emit(Instr([size == 1 ? 0x80 : 0x83], size: size, ext: 7, rm: .reg(reg()), imm: [b.rng.byte()]))
        case 5, 6:                                                              // AND/OR/XOR/TEST r, r
            let op: UInt8 = b.rng.pick([0x20, 0x08, 0x30, 0x84])
            b.emit(Instr([op + (size == 1 ? 0 : 1)], size: size, reg: reg(), rm: .reg(reg())))
            b.undefine(CaseBuilder.af)
        case 7:                                                                 // INC/DEC/NEG r
            let ext = b.rng.pick([0, 1, 3])
            let op: UInt8 = ext == 3 ? (size == 1 ? 0xF6 : 0xF7) : (size == 1 ? 0xFE : 0xFF)
            b.emit(Instr([op], size: size, ext: ext, rm: .reg(reg())))
        default:                                                                // SHL/SHR/SAR r, 1
            b.emit(Instr([size == 1 ? 0xD0 : 0xD1], size: size, ext: b.rng.pick([4, 5, 7]), rm: .reg(reg())))
            b.undefine(CaseBuilder.af)
        }
    }

    /// `mov rax, imm64`: a 10-byte marker that a taken branch skips.
    static func marker(_ b: CaseBuilder) -> [UInt8] { [0x48, 0xB8] + Encoder.le(b.rng.next(), 8) }

    static var conditions: [Form] {
        var forms: [Form] = []
        for cc in 0..<16 {
            let name = ccNames[cc]
            for size in wideSizes {
                for memory in [false, true] {
                    forms.append(Form("0f \(hex(0x40 + UInt8(cc))) cmov\(name) r\(bits(size)), \(operand(size, memory: memory))") { b in
                        let rm = b.rm(size: size, memory: memory)
                        let i = Instr([0x0F, 0x40 + UInt8(cc)], size: size, reg: b.operandReg(size: size), rm: rm)
                        flagPrelude(b)
                        b.emit(i)
                    })
                }
            }
            for memory in [false, true] {
                forms.append(Form("0f \(hex(0x90 + UInt8(cc))) set\(name) \(operand(1, memory: memory))") { b in
                    let i = Instr([0x0F, 0x90 + UInt8(cc)], size: 1, ext: 0, rm: b.rm(size: 1, memory: memory))
                    flagPrelude(b)
                    b.emit(i)
                })
            }
            forms.append(Form("\(hex(0x70 + UInt8(cc))) j\(name) rel8") { b in
                flagPrelude(b)
                b.emit([0x70 + UInt8(cc), 10] + marker(b))
            })
            forms.append(Form("0f \(hex(0x80 + UInt8(cc))) j\(name) rel32") { b in
                flagPrelude(b)
                b.emit([0x0F, 0x80 + UInt8(cc), 10, 0, 0, 0] + marker(b))
            })
        }
        for (k, name) in ["loopne", "loope", "loop", "jrcxz"].enumerated() {
            for a32 in [false, true] {
                let n = a32 ? (k == 3 ? "jecxz" : "\(name) (ecx)") : name
                forms.append(Form("\(a32 ? "67 " : "")\(hex(0xE0 + UInt8(k))) \(n) rel8") { b in
                    let count: UInt64 = b.rng.pick([0, 1, 2, 0x1_0000_0000, 0x1_0000_0001, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, b.rng.next()])
                    b.set(1, count)
                    flagPrelude(b)
                    b.emit((a32 ? [0x67] : []) + [0xE0 + UInt8(k), 10] + marker(b))
                })
            }
        }
        return forms
    }
}
