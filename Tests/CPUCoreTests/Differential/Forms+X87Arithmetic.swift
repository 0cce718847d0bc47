// SPDX-License-Identifier: MIT
// x87 arithmetic (SDM Vol. 1 §8.3.5–8.3.10, Vol. 2A entries): FADD FMUL FSUB FSUBR FDIV FDIVR with
// m32fp, m64fp, m16int and m32int operands, ST(0),ST(i), ST(i),ST(0) and the popping forms (for DC
// and DE the SUB/SUBR and DIV/DIVR rows are swapped, Vol. 2D Table A-10); FCHS FABS FSQRT FRNDINT
// FSCALE FXTRACT FPREM FPREM1; and the transcendentals FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X
// FYL2XP1. F2XM1 and FYL2XP1 get operands inside the ranges where the SDM defines their result.

extension Forms {
    static let x87ArithNames: [(reg: Int, mn: String)] = [(0, "fadd"), (1, "fmul"), (4, "fsub"), (5, "fsubr"), (6, "fdiv"), (7, "fdivr")]

    static var x87Arithmetic: [Form] {
        var f: [Form] = []
        for (reg, mn) in x87ArithNames {
            let swapped = reg >= 4 ? reg ^ 1 : reg                              // DC/DE rows: FSUBR at /4, FSUB at /5, …
            f.append(x87Memory(0xD8, reg, mn, .f32))
            f.append(x87Memory(0xDC, reg, mn, .f64))
            f.append(x87Memory(0xDA, reg, "fi" + mn.dropFirst(), .i32))
            f.append(x87Memory(0xDE, reg, "fi" + mn.dropFirst(), .i16))
            f.append(x87Register(0xD8, 0xC0 + 8 * UInt8(reg), "\(mn) st(0), st(i)"))
            f.append(x87Register(0xDC, 0xC0 + 8 * UInt8(swapped), "\(mn) st(i), st(0)"))
            f.append(x87Register(0xDE, 0xC0 + 8 * UInt8(swapped), "\(mn)p st(i), st(0)"))
        }
        f += [
            x87Fixed([0xD9, 0xE0], "fchs"), x87Fixed([0xD9, 0xE1], "fabs"), x87Fixed([0xD9, 0xFA], "fsqrt"),
            x87Fixed([0xD9, 0xFC], "frndint"), x87Fixed([0xD9, 0xF4], "fxtract"),
            x87Fixed([0xD9, 0xFD], "fscale") { b in if b.rng.chance(50) { b.setST(1, smallInteger(b)) } },
            x87Fixed([0xD9, 0xF8], "fprem", undefined: 0) { b in if b.rng.chance(30) { nearbyExponent(b) } },
            x87Fixed([0xD9, 0xF5], "fprem1", undefined: 0) { b in if b.rng.chance(30) { nearbyExponent(b) } },
        ]
        return f
    }

    static var x87Transcendental: [Form] {
        [
            x87Fixed([0xD9, 0xFE], "fsin", undefined: X87CC.c0 | X87CC.c3, setup: outOfRange),
            x87Fixed([0xD9, 0xFF], "fcos", undefined: X87CC.c0 | X87CC.c3, setup: outOfRange),
            x87Fixed([0xD9, 0xFB], "fsincos", undefined: X87CC.c0 | X87CC.c3, setup: outOfRange),
            x87Fixed([0xD9, 0xF2], "fptan", undefined: X87CC.c0 | X87CC.c3, setup: outOfRange),
            x87Fixed([0xD9, 0xF3], "fpatan"), x87Fixed([0xD9, 0xF1], "fyl2x"),
            // F2XM1: −1 ≤ ST(0) ≤ +1; FYL2XP1: |ST(0)| < 1 − √2/2 (SDM Vol. 2A): outside, the result is undefined.
            x87Fixed([0xD9, 0xF0], "f2xm1") { b in b.setST(0, inRange(b, maxExponent: 0x3FFE, allowOne: true)) },
            x87Fixed([0xD9, 0xF9], "fyl2xp1") { b in b.setST(0, inRange(b, maxExponent: 0x3FFC, allowOne: false)) },
        ]
    }

    /// FSIN FCOS FSINCOS FPTAN set C2 for |ST(0)| ≥ 2^63, and then C1 is undefined (SDM Vol. 1
    /// Table 8-1: "Roundup or #IS (Undefined if C2 = 1)").
    static func outOfRange(_ b: CaseBuilder) {
        let e = Int(b.state.fxsave[41] & 0x7F) << 8 | Int(b.state.fxsave[40])
        if !b.stEmpty(0) && e >= 0x3FFF + 63 && e != 0x7FFF { b.undefineFSW(X87CC.c1) }
    }

    /// ST(1) ← a small integer (or a value near one), the usual FSCALE operand.
    static func smallInteger(_ b: CaseBuilder) -> (sig: UInt64, se: UInt16) {
        let n = UInt64(b.rng.below(70000)) + 1
        let shift = UInt64(n.leadingZeroBitCount)
        return (sig: n << shift, se: (b.rng.chance(50) ? 0x8000 : 0) | UInt16(0x3FFF + 63 - Int(shift)))
    }

    /// ST(1) ← a value whose exponent is within 70 of ST(0)'s, so FPREM finishes or nearly does.
    static func nearbyExponent(_ b: CaseBuilder) {
        let st0 = b.state.fxsave[40...41].reversed().reduce(0) { $0 << 8 | Int($1) } & 0x7FFF
        var v = b.rng.f80()
        let e = max(1, min(0x7FFE, st0 - b.rng.below(70) + 3))
        v.se = v.se & 0x8000 | UInt16(e)
        v.sig |= 1 << 63
        b.setST(1, v)
    }

    /// A biased extended value with exponent at most `maxExponent` (zeros, denormals, NaNs kept),
    /// or ±1 when `allowOne`.
    static func inRange(_ b: CaseBuilder, maxExponent: Int, allowOne: Bool) -> (sig: UInt64, se: UInt16) {
        var v = b.rng.f80()
        let e = Int(v.se & 0x7FFF)
        if allowOne && b.rng.chance(5) { return (sig: 1 << 63, se: v.se & 0x8000 | 0x3FFF) }
        if e == 0x7FFF && v.sig << 1 != 0 && v.sig >> 63 != 0 { return v }  // NaNs
        if e > maxExponent || (e == 0x7FFF) {
            v.se = v.se & 0x8000 | UInt16(maxExponent - b.rng.below(70))
            v.sig |= 1 << 63
        }
        return v
    }
}
