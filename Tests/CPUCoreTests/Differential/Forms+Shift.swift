// SPDX-License-Identifier: MIT
// ROL ROR RCL RCR SHL SHR SAR by 1, CL and imm8 (C0/C1, D0–D3) and SHLD/SHRD (0F A4/A5/AC/AD).
// Undefined results (SDM Vol. 2B "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD"): with a
// masked count of 0 nothing changes; OF is defined only for a count of 1; AF is undefined after
// any shift; CF is undefined for SHL/SHR when the count is at least the operand width; for
// SHLD/SHRD a count above the operand width leaves the destination and all flags undefined.

extension Forms {
    static let shiftOps: [(String, Int)] = [("rol", 0), ("ror", 1), ("rcl", 2), ("rcr", 3), ("shl", 4), ("shr", 5), ("sar", 7)]

    /// A shift count biased toward the interesting range (0…width+1), sometimes any byte.
    static func shiftCount(_ b: CaseBuilder, size: Int) -> UInt64 {
        switch b.rng.below(10) {
        case 0, 1: return UInt64(b.rng.byte())
        case 2: return UInt64(b.rng.pick([0, 1, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65]))
        default: return UInt64(b.rng.below(bits(size) + 2))
        }
    }

    static var shifts: [Form] {
        var forms: [Form] = []
        for (mn, ext) in shiftOps {
            for size in sizes {
                for memory in [false, true] {
                    let e = operand(size, memory: memory)
                    let by1: UInt8 = size == 1 ? 0xD0 : 0xD1, byCL: UInt8 = size == 1 ? 0xD2 : 0xD3, byImm: UInt8 = size == 1 ? 0xC0 : 0xC1
                    forms.append(Form("\(hex(by1)) /\(ext) \(mn) \(e), 1") { b in
                        b.emit(Instr([by1], size: size, ext: ext, rm: b.rm(size: size, memory: memory)))
                        shiftFlags(b, ext: ext, size: size, count: 1)
                    })
                    forms.append(Form("\(hex(byCL)) /\(ext) \(mn) \(e), cl") { b in
                        b.write(1, size: 1, shiftCount(b, size: size))
                        b.emit(Instr([byCL], size: size, ext: ext, rm: b.rm(size: size, memory: memory)))
                        shiftFlags(b, ext: ext, size: size, count: b.get(1) & 0xFF)
                    })
                    forms.append(Form("\(hex(byImm)) /\(ext) \(mn) \(e), imm8") { b in
                        let count = shiftCount(b, size: size)
                        b.emit(Instr([byImm], size: size, ext: ext, rm: b.rm(size: size, memory: memory), imm: imm(count, 1)))
                        shiftFlags(b, ext: ext, size: size, count: count)
                    })
                }
            }
        }
        return forms
    }

    static func shiftFlags(_ b: CaseBuilder, ext: Int, size: Int, count: UInt64) {
        let masked = count & (size == 8 ? 63 : 31)
        guard masked != 0 else { return }
        if masked != 1 { b.undefine(CaseBuilder.of) }
        if ext >= 4 {
            b.undefine(CaseBuilder.af)
            if ext != 7 && masked >= UInt64(bits(size)) { b.undefine(CaseBuilder.cf) }
        }
    }

    static var doubleShifts: [Form] {
        var forms: [Form] = []
        for (mn, base) in [("shld", UInt8(0xA4)), ("shrd", UInt8(0xAC))] {
            for size in wideSizes {
                for memory in [false, true] {
                    let e = operand(size, memory: memory), w = bits(size)
                    forms.append(Form("0f \(hex(base)) \(mn) \(e), r\(w), imm8") { b in
                        let count = shiftCount(b, size: size)
                        let rm = b.rm(size: size, memory: memory)
                        b.emit(Instr([0x0F, base], size: size, reg: b.operandReg(size: size), rm: rm, imm: imm(count, 1)))
                        doubleShiftMasks(b, size: size, count: count, rm: rm)
                    })
                    forms.append(Form("0f \(hex(base + 1)) \(mn) \(e), r\(w), cl") { b in
                        b.write(1, size: 1, shiftCount(b, size: size))
                        let rm = b.rm(size: size, memory: memory)
                        b.emit(Instr([0x0F, base + 1], size: size, reg: b.operandReg(size: size), rm: rm))
                        doubleShiftMasks(b, size: size, count: b.get(1) & 0xFF, rm: rm)
                    })
                }
            }
        }
        return forms
    }

    static func doubleShiftMasks(_ b: CaseBuilder, size: Int, count: UInt64, rm: RMOperand) {
        let masked = count & (size == 8 ? 63 : 31)
        guard masked != 0 else { return }
        if masked > UInt64(bits(size)) {
            b.undefine(CaseBuilder.status)
            switch rm {
            case .reg(let r): b.ignore(reg: r, bits: mask(size))
            case .mem(let m): if let off = m.offset { b.ignore(memory: off..<(off + size)) }
            }
            return
        }
        b.undefine(CaseBuilder.af)
        if masked != 1 { b.undefine(CaseBuilder.of) }
    }
}
