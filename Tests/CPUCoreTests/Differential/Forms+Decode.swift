// SPDX-License-Identifier: MIT
// Decoder edge cases run as differential forms: opcodes invalid in 64-bit mode, UD0/UD1/UD2, LOCK
// where it is not allowed (all #UD), and ALU instructions behind random legacy-prefix and REX
// noise, up to and beyond the 15-byte limit (#GP). SDM Vol. 2A §2.1.1–2.2.1, Vol. 2D Table A-2
// ("i64" opcodes), Vol. 2A "LOCK".

extension Forms {
    static var decoding: [Form] {
        [
            Form("invalid in 64-bit mode (06 07 0e 16 17 1e 1f 27 2f 37 3f 60 61 82 9a ce d4 d5 ea)") { b in
                let op: UInt8 = b.rng.pick([0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F,
                                            0x60, 0x61, 0x82, 0x9A, 0xCE, 0xD4, 0xD5, 0xEA])
                b.emit([op] + (0..<6).map { _ in b.rng.byte() })
            },
            Form("0f 0b ud2, 0f b9 ud1, 0f ff ud0") { b in
                b.emit(b.rng.pick([[0x0F, 0x0B], [0x0F, 0xB9, b.rng.byte()], [0x0F, 0xFF, 0xC0 | b.rng.byte()]]))
            },
            Form("f0 lock on a non-lockable instruction") { b in
                let m = b.mem(size: 8, faultPercent: 0)
                let i: Instr
                switch b.rng.below(7) {
                case 0: i = Instr([0x89], size: 8, reg: b.gpr(), rm: .mem(m))                       // MOV
                case 1: i = Instr([0x39], size: 4, reg: b.gpr(), rm: .mem(m))                       // CMP
                case 2: i = Instr([0x85], size: 4, reg: b.gpr(), rm: .mem(m))                       // TEST
                case 3: i = Instr([0x0F, 0xBA], size: 4, ext: 4, rm: .mem(m), imm: [b.rng.byte()])  // BT
                case 4: i = Instr([0x01], size: 4, reg: b.gpr(), rm: .reg(b.gpr()))                 // ADD reg
                case 5: i = Instr([0x8D], size: 8, reg: b.gpr(), rm: .mem(m))                       // LEA
                default: i = Instr([0x90])                                                          // NOP
                }
                var j = i
                j.prefixes.insert(0xF0, at: 0)
                b.emit(j)
            },
        ] + (0..<2).map { k in
            Form("prefix noise \(k) (segment overrides, 66, 67, F2/F3, stray REX) on ALU forms") { b in
                let size = b.rng.pick(sizes), op = b.rng.below(8)
                let i = Instr([UInt8(op * 8) + (size == 1 ? 0 : 1) + (b.rng.chance(50) ? 2 : 0)], size: size,
                              reg: b.operandReg(size: size), rm: b.rm(size: size, memory: k == 1))
                let body = Encoder.encode(i, at: 0)
                var noise: [UInt8] = []
                for _ in 0..<(b.rng.chance(10) ? 8 + b.rng.below(8) : b.rng.below(5)) {
                    noise.append(b.rng.pick([0x2E, 0x3E, 0x26, 0x36, 0x66, 0x67, 0xF2, 0xF3, 0x40 | b.rng.byte() & 0xF]))
                }
                // A REX directly before the body's own REX or opcode would change the instruction's
                // meaning in ways this form does not track: keep a legacy prefix after the noise.
                if let last = noise.last, last & 0xF0 == 0x40 { noise.append(0x3E) }
                // A 67 changes the address size of the memory operand: only allowed where the body has one already.
                if k == 1 && !(i.rm?.mem?.addr32 ?? false) { noise.removeAll { $0 == 0x67 } }
                // A 66 on a byte or 64-bit form changes nothing; on a 32-bit form it would make it 16-bit.
                if size == 4 { noise.removeAll { $0 == 0x66 } }
                if i.rm?.mem?.ripRelative == true { noise = [] }
                b.emit(noise + body)
                if op == 1 || op == 4 || op == 6 { b.undefine(CaseBuilder.af) }
            }
        }
    }
}
