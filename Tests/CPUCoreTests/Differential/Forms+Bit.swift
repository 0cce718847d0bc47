// SPDX-License-Identifier: MIT
// BT BTS BTR BTC (0F A3/AB/B3/BB, 0F BA /4–/7), BSF BSR (0F BC/BD) and BSWAP (0F C8+r).
// SDM Vol. 2A "BT": CF is the selected bit, ZF is unchanged, OF SF AF PF are undefined; a register
// bit offset into memory is signed and may address far outside the operand (here it always lands
// in the data page). "BSF"/"BSR": only ZF is defined, and the destination is undefined for a zero
// source. "BSWAP": the 16-bit form is undefined and not tested.

extension Forms {
    static let btNames = ["bt", "bts", "btr", "btc"]

    static var bitTests: [Form] {
        var forms: [Form] = []
        for k in 0..<4 {
            let mn = btNames[k]
            let opRR: UInt8 = [0xA3, 0xAB, 0xB3, 0xBB][k]
            for size in wideSizes {
                let w = bits(size)
                forms.append(Form("0f \(hex(opRR)) \(mn) r\(w), r\(w)") { b in
                    let rm = b.rm(size: size, memory: false)
                    b.emit(Instr([0x0F, opRR], size: size, reg: b.operandReg(size: size), rm: rm))
                    b.undefine(CaseBuilder.of | CaseBuilder.sf | CaseBuilder.af | CaseBuilder.pf)
                })
                forms.append(Form("0f \(hex(opRR)) \(mn) m\(w), r\(w)") { b in
                    btMemoryRegisterOffset(b, opcode: opRR, size: size)
                })
                for memory in [false, true] {
                    forms.append(Form("0f ba /\(k + 4) \(mn) \(operand(size, memory: memory)), imm8") { b in
                        var i = Instr([0x0F, 0xBA], size: size, ext: k + 4, rm: b.rm(size: size, memory: memory),
                                      imm: [b.rng.chance(70) ? UInt8(b.rng.below(w)) : b.rng.byte()])
                        if k > 0 { maybeLock(&i, b) }
                        b.emit(i)
                        b.undefine(CaseBuilder.of | CaseBuilder.sf | CaseBuilder.af | CaseBuilder.pf)
                    })
                }
            }
        }
        return forms
    }

    /// BTx m, r: the register's signed bit offset selects the operand-sized word at
    /// EA + (offset SAR log2(width)) × width/8; the generator picks that word in the data page first.
    static func btMemoryRegisterOffset(_ b: CaseBuilder, opcode: UInt8, size: Int) {
        let w = Int64(bits(size))
        var bit: Int64
        switch b.rng.below(4) {
        case 0: bit = Int64(b.rng.below(Int(w)))
        case 1: bit = Int64(b.rng.below(Int(8 * w))) - 4 * w
        default:
            let limit: Int64 = size == 2 ? 1 << 15 : 1 << 30
            bit = Int64(bitPattern: b.rng.next()) % limit
        }
        let target = b.pageOffset(size: size)
        let word = bit >= 0 ? bit / w : -((-bit + w - 1) / w)
        let ea = SnippetState.dataAddress &+ UInt64(bitPattern: Int64(target) - word * w / 8)
        let r = b.gpr()
        b.write(r, size: size, UInt64(bitPattern: bit))
        if size < 8 { b.state.gpr[r] |= b.rng.next() & ~mask(size) }
        var m = b.memOperand(ea: ea)
        m.offset = target
        b.notes.append("bit offset \(bit): word at data+0x\(String(target, radix: 16))")
        var i = Instr([0x0F, opcode], size: size, reg: r, rm: .mem(m))
        if opcode != 0xA3 { maybeLock(&i, b) }
        b.emit(i)
        b.undefine(CaseBuilder.of | CaseBuilder.sf | CaseBuilder.af | CaseBuilder.pf)
    }

    static var bitScans: [Form] {
        var forms: [Form] = []
        for (mn, op) in [("bsf", UInt8(0xBC)), ("bsr", UInt8(0xBD))] {
            for size in wideSizes {
                for memory in [false, true] {
                    forms.append(Form("0f \(hex(op)) \(mn) r\(bits(size)), \(operand(size, memory: memory))") { b in
                        let rm = b.rm(size: size, memory: memory)
                        let d = b.operandReg(size: size)
                        let zero = b.rng.chance(25)
                        var source: UInt64 = 1
                        switch rm {
                        case .reg(let r):
                            if zero && !b.pinned.contains(r) { b.write(r, size: size, 0) }
                            source = b.read(r, size: size)
                        case .mem(let m):
                            if let off = m.offset {
                                if zero { b.writeMem(off, size: size, 0) }
                                source = b.readMem(off, size: size)
                            }
                        }
                        b.emit(Instr([0x0F, op], size: size, reg: d, rm: rm))
                        b.undefine(CaseBuilder.status & ~CaseBuilder.zf)
                        if source == 0 { b.ignore(reg: d, bits: size == 2 ? 0xFFFF : ~0) }
                    })
                }
            }
        }
        return forms
    }

    static var byteSwaps: [Form] {
        [4, 8].map { size in
            Form("0f c8+r bswap r\(bits(size))") { b in
                b.emit(Instr([0x0F, 0xC8], size: size, opcodeReg: b.operandReg(size: size)))
            }
        }
    }
}
