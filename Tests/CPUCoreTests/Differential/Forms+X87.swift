// SPDX-License-Identifier: MIT
// Shared generator for the x87 forms (SDM Vol. 1 Chapter 8, Vol. 2D Tables ): every
// case starts from a random x87 state (FCW precision and rounding, some exceptions unmasked, a
// random stack depth and TOP, sometimes an exception already pending, so a waiting instruction
// raises #MF), and is now and then followed by FWAIT, which raises #MF for an unmasked exception
// the instruction under test left pending.

/// x87 condition-code bits of FSW and the sets the SDM leaves undefined (Vol. 1 Table 8-1 and
/// each instruction's "FPU Flags Affected").
enum X87CC {
    static let c0: UInt16 = 0x100, c1: UInt16 = 0x200, c2: UInt16 = 0x400, c3: UInt16 = 0x4000
    /// Undefined after loads, stores, arithmetic, FCHS FABS FXCH FCMOVcc FDECSTP FINCSTP…
    static let c023 = c0 | c2 | c3
    /// Undefined after FLDCW FSTCW FSTSW FSTENV FCLEX FFREE FNOP.
    static let all = c0 | c1 | c2 | c3
}

/// The type of an x87 memory operand.
enum X87Operand {
    case f32, f64, f80, i16, i32, i64, bcd

    var bytes: Int { [.f32: 4, .f64: 8, .f80: 10, .i16: 2, .i32: 4, .i64: 8, .bcd: 10][self]! }
    var name: String { [.f32: "m32fp", .f64: "m64fp", .f80: "m80fp", .i16: "m16int", .i32: "m32int", .i64: "m64int", .bcd: "m80bcd"][self]! }
}

extension Forms {
    /// An x87 form: fresh x87 state, `body` emits the instruction, then sometimes FWAIT; the
    /// condition codes in `undefined` are not compared. (FWAIT's own "C0–C3 undefined" is not
    /// applied: it only checks for a pending exception, and both sides leave the codes alone.)
    static func x87(_ name: String, undefined: UInt16, _ body: @escaping @Sendable (CaseBuilder) -> Void) -> Form {
        Form(name) { b in
            b.x87State()
            b.undefineFSW(undefined)
            body(b)
            if b.rng.chance(25) { b.emit([0x9B]) }
        }
    }

    /// A register form `esc, row + i` for a random i: "d8 c0+i fadd st(0), st(i)".
    static func x87Register(_ esc: UInt8, _ row: UInt8, _ mnemonic: String, undefined: UInt16 = X87CC.c023,
                            setup: (@Sendable (CaseBuilder, Int) -> Void)? = nil) -> Form {
        x87("\(hex(esc)) \(hex(row))+i \(mnemonic)", undefined: undefined) { b in
            let i = b.rng.below(8)
            setup?(b, i)
            b.emit([esc, row + UInt8(i)])
        }
    }

    /// A fixed two-byte form: "d9 e0 fchs".
    static func x87Fixed(_ bytes: [UInt8], _ mnemonic: String, undefined: UInt16 = X87CC.c023,
                         setup: (@Sendable (CaseBuilder) -> Void)? = nil) -> Form {
        x87(bytes.map(hex).joined(separator: " ") + " " + mnemonic, undefined: undefined) { b in
            setup?(b)
            b.emit(bytes)
        }
    }

    /// A memory form "esc /reg" with an operand of `type`: "d8 /0 fadd m32fp".
    static func x87Memory(_ esc: UInt8, _ reg: Int, _ mnemonic: String, _ type: X87Operand, undefined: UInt16 = X87CC.c023,
                          setup: (@Sendable (CaseBuilder) -> Void)? = nil) -> Form {
        x87("\(hex(esc)) /\(reg) \(mnemonic) \(type.name)", undefined: undefined) { b in
            setup?(b)
            let m = b.x87Mem(type)
            b.emit(Instr([esc], ext: reg, rm: .mem(m)))
        }
    }
}

extension CaseBuilder {
    /// A memory operand holding a biased value of `type` (valid packed BCD digits: other
    /// digits give an undefined result, SDM Vol. 2A "FBLD").
    func x87Mem(_ type: X87Operand) -> MemOperand {
        let lanes: Lanes = [.f32: .f32, .f64: .f64, .i16: .i16, .i32: .i32, .i64: .i64][type] ?? .i64
        let m = vectorMem(bytes: type.bytes, lanes, faultPercent: 3)
        guard let o = m.offset, o >= 0, o + type.bytes <= SnippetState.pageSize else { return m }
        switch type {
        case .f80: writeF80(o, rng.f80())
        case .bcd: writeMem(o, size: 10, 0); writeBCD(o)
        default: break
        }
        return m
    }

    func writeF80(_ o: Int, _ v: (sig: UInt64, se: UInt16)) {
        writeMem(o, size: 8, v.sig)
        writeMem(o + 8, size: 2, UInt64(v.se))
    }

    /// 18 packed BCD digits, mostly short numbers; byte 9 is the sign (bit 7), its other bits
    /// are ignored by FBLD and sometimes set.
    func writeBCD(_ o: Int) {
        let digits = rng.pick([1, 2, 4, 9, 17, 18, 18])
        for k in 0..<9 {
            var byte: UInt8 = 0
            for nibble in 0..<2 where 2 * k + nibble < digits {
                byte |= UInt8(rng.chance(20) ? rng.pick([0, 9]) : rng.below(10)) << UInt8(4 * nibble)
            }
            state.mem[o + k] = byte
        }
        state.mem[o + 9] = (rng.chance(50) ? 0x80 : 0) | (rng.chance(10) ? rng.byte() & 0x7F : 0)
    }
}
