// SPDX-License-Identifier: MIT
// x87 control (SDM Vol. 1 §8.1, §8.3.11–8.3.13, Vol. 2A entries): FLDCW FNSTCW FSTCW, FNSTSW m16 and
// AX, FNSTENV/FLDENV and FNSAVE/FRSTOR in the 28/108-byte and (66 prefix) 14/94-byte formats,
// FFREE FFREEP FDECSTP FINCSTP FNOP FWAIT FNINIT FNCLEX and the 8087/287 leftovers FENI FDISI
// FSETPM (no-ops). Loaded control words and status words are random, so unmasking a pending
// exception (#MF at the next waiting instruction) is covered.

extension Forms {
    static var x87Control: [Form] {
        var f: [Form] = [
            x87("d9 /5 fldcw m2byte", undefined: X87CC.all) { b in
                let m = b.vectorMem(bytes: 2, .i16)
                if let o = m.offset, o >= 0, o + 2 <= SnippetState.pageSize { b.writeMem(o, size: 2, UInt64(randomFCW(b))) }
                b.emit(Instr([0xD9], ext: 5, rm: .mem(m)))
            },
            x87("d9 /7 fnstcw m2byte", undefined: X87CC.all) { b in b.emit(Instr([0xD9], ext: 7, rm: .mem(b.vectorMem(bytes: 2, .i16)))) },
            x87("9b d9 /7 fstcw m2byte", undefined: X87CC.all) { b in
                let i = Instr([0xD9], ext: 7, rm: .mem(b.vectorMem(bytes: 2, .i16)))
                b.emit([0x9B] + Encoder.encode(i, at: b.state.code.count + 1))
            },
            x87("dd /7 fnstsw m2byte", undefined: X87CC.all) { b in b.emit(Instr([0xDD], ext: 7, rm: .mem(b.vectorMem(bytes: 2, .i16)))) },
            x87Fixed([0xDF, 0xE0], "fnstsw ax", undefined: X87CC.all),
            x87Fixed([0x9B, 0xDF, 0xE0], "fstsw ax", undefined: X87CC.all),
            x87Register(0xDD, 0xC0, "ffree st(i)", undefined: X87CC.all),
            x87Register(0xDF, 0xC0, "ffreep st(i)", undefined: X87CC.all),
            x87Fixed([0xD9, 0xF6], "fdecstp"), x87Fixed([0xD9, 0xF7], "fincstp"), x87Fixed([0xD9, 0xD0], "fnop", undefined: X87CC.all),
            x87Fixed([0x9B], "fwait", undefined: X87CC.all), x87Fixed([0xDB, 0xE3], "fninit", undefined: 0),
            x87Fixed([0xDB, 0xE2], "fnclex", undefined: X87CC.all),
            x87("db e0/e1/e4 feni fdisi fsetpm", undefined: X87CC.all) { b in b.emit([0xDB, b.rng.pick([0xE0, 0xE1, 0xE4])]) },
        ]
        for small in [false, true] {
            let env = small ? 14 : 28, p: [UInt8] = small ? [0x66] : []
            f.append(x87((p + [0xD9]).map(hex).joined(separator: " ") + " /6 fnstenv m\(env)byte", undefined: X87CC.all) { b in
                let m = b.vectorMem(bytes: env, .i32)
                lastInstruction(b, image: m, small: small)
                b.emit(Instr([0xD9], ext: 6, rm: .mem(m), prefixes: p))
            })
            f.append(x87((p + [0xD9]).map(hex).joined(separator: " ") + " /4 fldenv m\(env)byte", undefined: 0) { b in
                let m = b.vectorMem(bytes: env, .i32)
                if let o = m.offset, o >= 0, o + env <= SnippetState.pageSize { randomEnvironment(b, at: o, small: small) }
                b.emit(Instr([0xD9], ext: 4, rm: .mem(m), prefixes: p))
            })
            f.append(x87((p + [0xDD]).map(hex).joined(separator: " ") + " /6 fnsave m\(env + 80)byte", undefined: 0) { b in
                let m = b.vectorMem(bytes: env + 80, .i32)
                lastInstruction(b, image: m, small: small)
                b.emit(Instr([0xDD], ext: 6, rm: .mem(m), prefixes: p))
            })
            f.append(x87((p + [0xDD]).map(hex).joined(separator: " ") + " /4 frstor m\(env + 80)byte", undefined: 0) { b in
                let m = b.vectorMem(bytes: env + 80, .i32)
                if let o = m.offset, o >= 0, o + env + 80 <= SnippetState.pageSize {
                    randomEnvironment(b, at: o, small: small)
                    for k in 0..<8 { b.writeF80(o + env + 10 * k, b.rng.f80()) }
                }
                b.emit(Instr([0xDD], ext: 4, rm: .mem(m), prefixes: p))
            })
        }
        return f
    }

    /// An FCW with random reserved bits, precision (including the reserved 01), rounding and masks.
    static func randomFCW(_ b: CaseBuilder) -> UInt16 {
        var v = UInt16(truncatingIfNeeded: b.rng.next())
        if b.rng.chance(60) { v |= 0x3F }
        if b.rng.chance(70) { v &= 0x1F7F }
        return v
    }

    /// FSTENV/FSAVE store the last instruction's FIP, FCS, FOP, FDP and FDS, which the case's
    /// FXRSTOR64 sets only in emu (AMD loads them only with FSW.ES = 1, masked in the image): give
    /// the snippet a last x87 instruction, FCOM with a register or an m32fp operand (its
    /// condition codes are all defined). After the register form FDP and FDS still hold what
    /// the host had, so those bytes of the image at `m` are not compared.
    static func lastInstruction(_ b: CaseBuilder, image m: MemOperand, small: Bool) {
        if b.rng.chance(50) {
            b.emit([0xD8, 0xD0 + UInt8(b.rng.below(8))])                // FCOM ST(i)
            if let o = m.offset { b.ignore(memory: small ? (o + 10)..<(o + 14) : (o + 20)..<(o + 28)) }
        } else {
            b.emit(Instr([0xD8], ext: 2, rm: .mem(b.mem(size: 4, offset: b.rng.below(4093)))))  // FCOM m32fp
        }
    }

    /// An FLDENV/FRSTOR environment at page offset `o`: random FCW, FSW (ES inconsistent with the
    /// flags now and then), full tag word, pointers and selectors.
    static func randomEnvironment(_ b: CaseBuilder, at o: Int, small: Bool) {
        var s = SnippetState()
        CaseBuilder.randomX87(&s, &b.rng, unmaskPercent: 40, pendingPercent: 15)
        var fsw = UInt64(s.fxsave[2]) | UInt64(s.fxsave[3]) << 8
        if b.rng.chance(10) { fsw ^= 0x80 }
        var tag: UInt64 = 0
        for r in 0..<8 { tag |= UInt64(s.fxsave[4] >> UInt8(r) & 1 == 0 ? 3 : b.rng.below(3)) << UInt64(2 * r) }
        let fields = [UInt64(randomFCW(b)), fsw, tag, b.rng.next(), b.rng.next(), b.rng.next(), b.rng.next()]
        for (k, v) in fields.enumerated() {
            if small { b.writeMem(o + 2 * k, size: 2, v) } else { b.writeMem(o + 4 * k, size: 4, b.rng.chance(80) && k != 3 && k != 5 ? v & 0xFFFF : v) }
        }
    }
}
