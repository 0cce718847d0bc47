// SPDX-License-Identifier: MIT
// Data transfer: MOV (88–8B, A0–A3 moffs, B0–BF incl. imm64, C6/C7), MOVZX MOVSX (0F B6/B7/BE/BF),
// MOVSXD (63), LEA (8D), XCHG (86/87, 90+r), XADD (0F C0/C1), CMPXCHG (0F B0/B1) and
// CMPXCHG8B/16B (0F C7 /1). Flags: none change, except XADD (as ADD), CMPXCHG (as CMP) and
// CMPXCHG8B/16B (ZF only; SDM Vol. 2A "CMPXCHG8B/CMPXCHG16B": CF PF AF SF OF unaffected).

extension Forms {
    static var moves: [Form] {
        var forms: [Form] = []
        for size in sizes {
            let w = bits(size)
            for memory in [false, true] {
                let e = operand(size, memory: memory)
                let st: UInt8 = size == 1 ? 0x88 : 0x89, ld: UInt8 = size == 1 ? 0x8A : 0x8B
                forms.append(Form("\(hex(st)) mov \(e), r\(w)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    b.emit(Instr([st], size: size, reg: b.operandReg(size: size), rm: rm))
                })
                forms.append(Form("\(hex(ld)) mov r\(w), \(e)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    b.emit(Instr([ld], size: size, reg: b.operandReg(size: size), rm: rm))
                })
                let mi: UInt8 = size == 1 ? 0xC6 : 0xC7
                forms.append(Form("\(hex(mi)) /0 mov \(e), imm\(8 * izBytes(size))") { b in
                    let n = izBytes(size)
                    b.emit(Instr([mi], size: size, ext: 0, rm: b.rm(size: size, memory: memory), imm: imm(b.rng.value(bits: 8 * n), n)))
                })
            }
            let ri: UInt8 = size == 1 ? 0xB0 : 0xB8
            forms.append(Form("\(hex(ri))+r mov r\(w), imm\(w)") { b in
                b.emit(Instr([ri], size: size, opcodeReg: b.operandReg(size: size), imm: imm(b.rng.value(bits: w), size)))
            })
            for a32 in [false, true] {
                for store in [false, true] {
                    let op: UInt8 = (store ? 0xA2 : 0xA0) + (size == 1 ? 0 : 1)
                    let acc = ["al", "ax", "eax", "rax"][sizes.firstIndex(of: size)!]
                    let moffs = "moffs\(w) (\(a32 ? "a32" : "a64"))"
                    forms.append(Form("\(hex(op)) mov " + (store ? "\(moffs), \(acc)" : "\(acc), \(moffs)")) { b in
                        let off = b.pageOffset(size: size)
                        var addr = SnippetState.dataAddress &+ UInt64(bitPattern: Int64(off))
                        if !a32 && b.rng.chance(2) { addr ^= 0x8000_0000_0000_0000 }
                        b.notes.append("moffs 0x\(String(addr, radix: 16))")
                        let pfx: [UInt8] = (size == 2 ? [0x66] : []) + (a32 ? [0x67] : []) + (size == 8 ? [0x48] : [])
                        b.emit(pfx + [op] + Encoder.le(addr, a32 ? 4 : 8))
                    })
                }
            }
        }
        return forms
    }

    static var extensions: [Form] {
        var forms: [Form] = []
        for (mn, base) in [("movzx", UInt8(0xB6)), ("movsx", UInt8(0xBE))] {
            for src in [1, 2] {
                for dst in wideSizes where dst > src || (src == 2 && dst == 2) {
                    for memory in [false, true] {
                        let op = base + (src == 2 ? 1 : 0)
                        forms.append(Form("0f \(hex(op)) \(mn) r\(bits(dst)), \(operand(src, memory: memory))") { b in
                            if dst == 8 { b.highBytes = false }
                            let rm = b.rm(size: src, memory: memory)
                            var i = Instr([0x0F, op], size: dst, reg: b.operandReg(size: dst), rm: rm)
                            i.byteReg = false
                            i.byteRM = src == 1
                            b.emit(i)
                        })
                    }
                }
            }
        }
        for dst in [4, 8] {
            for memory in [false, true] {
                forms.append(Form("63 movsxd r\(bits(dst)), \(operand(4, memory: memory))") { b in
                    let rm = b.rm(size: 4, memory: memory)
                    b.emit(Instr([0x63], size: dst, reg: b.operandReg(size: dst), rm: rm))
                })
            }
        }
        return forms
    }

    static var loadEffectiveAddress: [Form] {
        var forms: [Form] = []
        for size in wideSizes {
            for a32 in [false, true] {
                forms.append(Form("8d lea r\(bits(size)), m (\(a32 ? "a32" : "a64"))") { b in
                    let ea = b.rng.chance(50) ? b.rng.value(bits: a32 ? 32 : 64) : SnippetState.codeAddress &+ UInt64(b.rng.below(1 << 20))
                    var m = b.memOperand(ea: a32 ? ea & 0xFFFF_FFFF : ea, addr32Percent: a32 ? 100 : 0)
                    m.addr32 = a32
                    b.emit(Instr([0x8D], size: size, reg: b.gpr(), rm: .mem(m)))
                })
            }
        }
        return forms
    }

    static var exchanges: [Form] {
        var forms: [Form] = []
        for size in sizes {
            let w = bits(size)
            for memory in [false, true] {
                let e = operand(size, memory: memory)
                let x: UInt8 = size == 1 ? 0x86 : 0x87
                forms.append(Form("\(hex(x)) xchg \(e), r\(w)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    var i = Instr([x], size: size, reg: b.operandReg(size: size), rm: rm)
                    maybeLock(&i, b)
                    b.emit(i)
                })
                let xa: UInt8 = size == 1 ? 0xC0 : 0xC1
                forms.append(Form("0f \(hex(xa)) xadd \(e), r\(w)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    var i = Instr([0x0F, xa], size: size, reg: b.operandReg(size: size), rm: rm)
                    maybeLock(&i, b)
                    b.emit(i)
                })
                let cx: UInt8 = size == 1 ? 0xB0 : 0xB1
                forms.append(Form("0f \(hex(cx)) cmpxchg \(e), r\(w)") { b in
                    let rm = b.rm(size: size, memory: memory)
                    let r = b.operandReg(size: size)
                    if b.rng.chance(50) && !b.pinned.contains(0) {
                        switch rm {
                        case .reg(let d): b.write(0, size: size, b.read(d, size: size))
                        case .mem(let m): if let off = m.offset { b.write(0, size: size, b.readMem(off, size: size)) }
                        }
                    }
                    var i = Instr([0x0F, cx], size: size, reg: r, rm: rm)
                    maybeLock(&i, b)
                    b.emit(i)
                })
            }
            if size > 1 {
                forms.append(Form("90+r xchg \(["ax", "eax", "rax"][size / 4]), r\(w)") { b in
                    b.emit(Instr([0x90], size: size, opcodeReg: b.operandReg(size: size)))
                })
            }
        }
        for wide in [false, true] {
            let size = wide ? 16 : 8
            forms.append(Form("0f c7 /1 cmpxchg\(size)b m\(8 * size)") { b in
                for r in [0, 1, 2, 3] { b.set(r, b.rng.anyValue()) }
                let off = b.rng.chance(80) ? b.pageOffset(size: size) & ~(size - 1) : b.pageOffset(size: size)
                let m = b.mem(size: size, offset: off)
                if b.rng.chance(50) {
                    if wide {
                        b.set(0, b.readMem(off, size: 8)); b.set(2, b.readMem(off + 8, size: 8))
                    } else {
                        b.write(0, size: 4, b.readMem(off, size: 4)); b.write(2, size: 4, b.readMem(off + 4, size: 4))
                    }
                }
                var i = Instr([0x0F, 0xC7], size: wide ? 8 : 4, ext: 1, rm: .mem(m))
                maybeLock(&i, b)
                b.emit(i)
            })
        }
        return forms
    }
}
