// SPDX-License-Identifier: MIT
// Flag control CLC STC CMC CLD STD (F8 F9 F5 FC FD), LAHF SAHF (9F 9E), CBW CWDE CDQE and CWD
// CDQ CQO (98, 99), XLAT (D7), and NOP forms (90, 66 90, F3 90 PAUSE, 0F 1F /0, 0F 18 /0–3
// PREFETCHh, 0F 0D /1 PREFETCHW). All flags are defined (SDM Vol. 2A "LAHF", Vol. 2B "SAHF": SAHF
// loads SF ZF AF PF CF from AH).

extension Forms {
    static var misc: [Form] {
        var forms: [Form] = []
        for (mn, op) in [("clc", UInt8(0xF8)), ("stc", 0xF9), ("cmc", 0xF5), ("cld", 0xFC), ("std", 0xFD)] {
            forms.append(Form("\(hex(op)) \(mn)") { b in
                if b.rng.chance(50) { b.setFlags(b.state.rflags | CaseBuilder.df) }
                b.emit([op])
            })
        }
        forms.append(Form("9f lahf") { b in b.emit(b.rng.chance(30) ? [0x48, 0x9F] : [0x9F]) })
        forms.append(Form("9e sahf") { b in
            b.write(16, size: 1, b.rng.value(bits: 8))
            b.emit([0x9E])
        })
        for (k, mn) in ["cbw", "cwde", "cdqe"].enumerated() {
            let size = [2, 4, 8][k]
            forms.append(Form("98 \(mn)") { b in
                b.write(0, size: size, b.rng.value(bits: 4 * size))
                b.emit(Instr([0x98], size: size))
            })
        }
        for (k, mn) in ["cwd", "cdq", "cqo"].enumerated() {
            let size = [2, 4, 8][k]
            forms.append(Form("99 \(mn)") { b in
                b.write(0, size: size, b.rng.value(bits: 8 * size))
                b.emit(Instr([0x99], size: size))
            })
        }
        for a32 in [false, true] {
            forms.append(Form("\(a32 ? "67 " : "")d7 xlat") { b in
                let al = b.read(0, size: 1)
                let off = b.pageOffset(size: 1, faultPercent: 3)
                let rbx = SnippetState.dataAddress &+ UInt64(bitPattern: Int64(off)) &- al
                b.set(3, a32 ? (rbx & 0xFFFF_FFFF) | (b.rng.next() << 32) : rbx)
                b.emit((a32 ? [0x67] : []) + (b.rng.chance(20) ? [0x48] : []) + [0xD7])
            })
        }
        forms.append(Form("nop (90, 66 90, f3 90)") { b in
            b.emit(b.rng.pick([[0x90], [0x66, 0x90], [0xF3, 0x90], [0x48, 0x90], [0x90, 0x90, 0x90]]))
        })
        for memory in [false, true] {
            forms.append(Form("0f 1f /0 nop \(memory ? "m" : "r")") { b in
                let rm: RMOperand = memory ? .mem(b.memOperand(ea: b.rng.next())) : .reg(b.gpr())
                var i = Instr([0x0F, 0x1F], size: b.rng.pick([2, 4, 8]), ext: 0, rm: rm)
                if b.rng.chance(20) { i.prefixes.insert(b.rng.pick([0x2E, 0x3E, 0x66]), at: 0) }
                b.emit(i)
            })
        }
        forms.append(Form("0f 18 /0-3 prefetch m8") { b in
            b.emit(Instr([0x0F, 0x18], ext: b.rng.below(4), rm: .mem(b.mem(size: 1, faultPercent: 0))))
        })
        forms.append(Form("0f 0d /1 prefetchw m8") { b in
            b.emit(Instr([0x0F, 0x0D], ext: 1, rm: .mem(b.mem(size: 1, faultPercent: 0))))
        })
        return forms
    }
}
