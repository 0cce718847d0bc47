// SPDX-License-Identifier: MIT
// INC DEC NOT NEG (FE/FF /0 /1, F6/F7 /2 /3) and MUL IMUL DIV IDIV (F6/F7 /4–/7, 0F AF, 69, 6B).
// Flags (SDM Vol. 2A/2B, "Flags Affected"): INC/DEC keep CF; NOT changes none; NEG sets all six;
// MUL/IMUL define only CF and OF; DIV/IDIV leave all six undefined.

extension Forms {
    static var unary: [Form] {
        var forms: [Form] = []
        let ops: [(String, Int, UInt8, UInt8)] = [("inc", 0, 0xFE, 0xFF), ("dec", 1, 0xFE, 0xFF),
                                                  ("not", 2, 0xF6, 0xF7), ("neg", 3, 0xF6, 0xF7)]
        for (mn, ext, op8, opv) in ops {
            for size in sizes {
                for memory in [false, true] {
                    let opcode = size == 1 ? op8 : opv
                    forms.append(Form("\(hex(opcode)) /\(ext) \(mn) \(operand(size, memory: memory))") { b in
                        var i = Instr([opcode], size: size, ext: ext, rm: b.rm(size: size, memory: memory))
                        maybeLock(&i, b)
                        b.emit(i)
                    })
                }
            }
        }
        return forms
    }

    static let mulDivNames = [4: "mul", 5: "imul", 6: "div", 7: "idiv"]

    static var mulDiv: [Form] {
        var forms: [Form] = []
        for ext in 4...7 {
            let mn = mulDivNames[ext]!
            for size in sizes {
                for memory in [false, true] {
                    let opcode: UInt8 = size == 1 ? 0xF6 : 0xF7
                    forms.append(Form("\(hex(opcode)) /\(ext) \(mn) \(operand(size, memory: memory))") { b in
                        if ext >= 6 { divideCase(b, signed: ext == 7, size: size, memory: memory) } else {
                            b.emit(Instr([opcode], size: size, ext: ext, rm: b.rm(size: size, memory: memory)))
                            b.undefine(CaseBuilder.sf | CaseBuilder.zf | CaseBuilder.af | CaseBuilder.pf)
                        }
                    })
                }
            }
        }
        for size in wideSizes {
            for memory in [false, true] {
                let e = operand(size, memory: memory)
                forms.append(Form("0f af imul r\(bits(size)), \(e)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    b.emit(Instr([0x0F, 0xAF], size: size, reg: b.operandReg(size: size), rm: rm))
                    b.undefine(CaseBuilder.sf | CaseBuilder.zf | CaseBuilder.af | CaseBuilder.pf)
                })
                for (opcode, n) in [(UInt8(0x69), izBytes(size)), (UInt8(0x6B), 1)] {
                    forms.append(Form("\(hex(opcode)) imul r\(bits(size)), \(e), imm\(8 * n)") { b in
                        let rm = b.rm(size: size, memory: memory)
                        b.emit(Instr([opcode], size: size, reg: b.operandReg(size: size), rm: rm, imm: imm(b.rng.value(bits: 8 * n), n)))
                        b.undefine(CaseBuilder.sf | CaseBuilder.zf | CaseBuilder.af | CaseBuilder.pf)
                    })
                }
            }
        }
        return forms
    }

    /// DIV/IDIV: mostly dividends whose quotient fits (so the result is checked), sometimes a zero
    /// divisor or an overflowing quotient (so #DE is checked).
    static func divideCase(_ b: CaseBuilder, signed: Bool, size: Int, memory: Bool) {
        let w = bits(size)
        let loReg = 0, hiReg = size == 1 ? 16 : 2
        let lo = b.rng.value(bits: w)
        b.write(loReg, size: size, lo)
        var divisor = b.rng.chance(6) ? 0 : b.rng.value(bits: w) & mask(size)
        if b.rng.chance(20) { divisor = UInt64(b.rng.below(16)) }
        let avoid: Set<Int> = b.rng.chance(90) ? [0, 2, 16] : []
        var hi = b.rng.value(bits: w) & mask(size)
        if b.rng.chance(75) {
            if signed {
                hi = (lo >> UInt64(w - 1)) & 1 != 0 ? mask(size) : 0
            } else if divisor != 0 {
                hi = hi % divisor
            }
        }
        b.write(hiReg, size: size, hi)
        let rm = b.rm(size: size, memory: memory, avoid: avoid)
        switch rm {
        case .reg(let r): if !avoid.isEmpty { b.write(r, size: size, divisor) }
        case .mem(let m): if let off = m.offset { b.writeMem(off, size: size, divisor) }
        }
        b.emit(Instr([size == 1 ? 0xF6 : 0xF7], size: size, ext: signed ? 7 : 6, rm: rm))
        b.undefine(CaseBuilder.status)
    }
}
