// SPDX-License-Identifier: MIT
// ADD OR ADC SBB AND SUB XOR CMP in all encodings (SDM Vol. 2D Table A-2 rows 00–3D and 80–83)
// and TEST (84/85, A8/A9, F6/F7 /0). Flags: all six defined, except AF after AND OR XOR TEST
// (SDM Vol. 2A "AND", Vol. 2B "OR", "XOR", "TEST": "The state of the AF flag is undefined").

extension Forms {
    static let aluNames = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]

    static var alu: [Form] {
        var forms: [Form] = []
        for op in 0..<8 {
            let mn = aluNames[op]
            let logic = op == 1 || op == 4 || op == 6
            let lockable = op != 7
            @Sendable func finish(_ b: CaseBuilder, _ i: Instr) {
                var i = i
                // LOCK with a register destination (02/03 forms) is #UD: test that rarely.
                let toRegister = i.opcode[0] < 0x40 && i.opcode[0] & 2 != 0
                if lockable { maybeLock(&i, b, percent: toRegister ? 3 : 15) }
                b.emit(i)
                if logic { b.undefine(CaseBuilder.af) }
            }
            for size in sizes {
                let w = bits(size)
                let ev = UInt8(op * 8) + (size == 1 ? 0 : 1)
                for memory in [false, true] {
                    let e = operand(size, memory: memory)
                    forms.append(Form("\(hex(ev)) \(mn) \(e), r\(w)") { b in                       // 00 Eb,Gb / 01 Ev,Gv
                        let rm = b.rm(size: size, memory: memory)
                        finish(b, Instr([ev], size: size, reg: b.operandReg(size: size), rm: rm))
                    })
                    forms.append(Form("\(hex(ev + 2)) \(mn) r\(w), \(e)") { b in                       // 02 Gb,Eb / 03 Gv,Ev
                        let rm = b.rm(size: size, memory: memory)
                        finish(b, Instr([ev + 2], size: size, reg: b.operandReg(size: size), rm: rm))
                    })
                    forms.append(Form("\(size == 1 ? "80" : "81") /\(op) \(mn) \(e), imm\(8 * izBytes(size))") { b in     // 80 Eb,Ib / 81 Ev,Iz
                        let rm = b.rm(size: size, memory: memory)
                        let n = izBytes(size)
                        finish(b, Instr([size == 1 ? 0x80 : 0x81], size: size, ext: op, rm: rm,
                                        imm: imm(b.rng.value(bits: 8 * n), n)))
                    })
                    if size > 1 {
                        forms.append(Form("83 /\(op) \(mn) \(e), imm8") { b in                    // 83 Ev,Ib (sign-extended)
                            let rm = b.rm(size: size, memory: memory)
                            finish(b, Instr([0x83], size: size, ext: op, rm: rm, imm: imm(b.rng.value(bits: 8), 1)))
                        })
                    }
                }
                let acc = ["al", "ax", "eax", "rax"][sizes.firstIndex(of: size)!]
                forms.append(Form("\(hex(ev + 4)) \(mn) \(acc), imm\(8 * izBytes(size))") { b in         // 04 AL,Ib / 05 rAX,Iz
                    b.state.gpr[0] = (b.state.gpr[0] & ~mask(size)) | (b.rng.value(bits: w) & mask(size))
                    let n = izBytes(size)
                    finish(b, Instr([ev + 4], size: size, imm: imm(b.rng.value(bits: 8 * n), n)))
                })
            }
        }
        return forms
    }

    static var test: [Form] {
        var forms: [Form] = []
        let finish: @Sendable (CaseBuilder, Instr) -> Void = { b, i in b.emit(i); b.undefine(CaseBuilder.af) }
        for size in sizes {
            let w = bits(size)
            for memory in [false, true] {
                let e = operand(size, memory: memory)
                forms.append(Form("\(size == 1 ? "84" : "85") test \(e), r\(w)") { b in                            // 84 Eb,Gb / 85 Ev,Gv
                    let rm = b.rm(size: size, memory: memory)
                    finish(b, Instr([size == 1 ? 0x84 : 0x85], size: size, reg: b.operandReg(size: size), rm: rm))
                })
                forms.append(Form("\(size == 1 ? "f6" : "f7") /0 test \(e), imm\(8 * izBytes(size))") { b in          // F6 /0 Eb,Ib / F7 /0 Ev,Iz
                    let rm = b.rm(size: size, memory: memory)
                    let n = izBytes(size)
                    finish(b, Instr([size == 1 ? 0xF6 : 0xF7], size: size, ext: 0, rm: rm, imm: imm(b.rng.value(bits: 8 * n), n)))
                })
            }
            let acc = ["al", "ax", "eax", "rax"][sizes.firstIndex(of: size)!]
            forms.append(Form("\(size == 1 ? "a8" : "a9") test \(acc), imm\(8 * izBytes(size))") { b in              // A8 AL,Ib / A9 rAX,Iz
                b.state.gpr[0] = (b.state.gpr[0] & ~mask(size)) | (b.rng.value(bits: w) & mask(size))
                let n = izBytes(size)
                finish(b, Instr([size == 1 ? 0xA8 : 0xA9], size: size, imm: imm(b.rng.value(bits: 8 * n), n)))
            })
        }
        return forms
    }
}
