// SPDX-License-Identifier: MIT
// x87 data transfer (SDM Vol. 1 §8.3.3, Vol. 2A "FLD", "FST/FSTP", "FILD", "FIST/FISTP", "FBLD",
// "FBSTP", "FLD1…FLDZ", "FXCH", "FCMOVcc"): loads and stores of single, double and extended reals
// and of 16/32/64-bit integers and packed BCD (rounding by FCW.RC, precision control does not
// apply), stack overflow and underflow, SNaN and denormal operands, FCMOVcc under random RFLAGS,
// and the undocumented aliases FSTP1/FSTP8/FSTP9 and FXCH4/FXCH7 the decoder keeps.

extension Forms {
    static var x87Transfer: [Form] {
        var f: [Form] = [
            x87Memory(0xD9, 0, "fld", .f32), x87Memory(0xDD, 0, "fld", .f64), x87Memory(0xDB, 5, "fld", .f80),
            x87Register(0xD9, 0xC0, "fld st(i)", setup: fldBothFaults),
            x87Memory(0xD9, 2, "fst", .f32), x87Memory(0xD9, 3, "fstp", .f32),
            x87Memory(0xDD, 2, "fst", .f64), x87Memory(0xDD, 3, "fstp", .f64), x87Memory(0xDB, 7, "fstp", .f80),
            x87Register(0xDD, 0xD0, "fst st(i)"), x87Register(0xDD, 0xD8, "fstp st(i)"),
            x87Register(0xD9, 0xD8, "fstp1 st(i) (alias)"), x87Register(0xDF, 0xD0, "fstp8 st(i) (alias)"),
            x87Register(0xDF, 0xD8, "fstp9 st(i) (alias)"),
            x87Memory(0xDF, 0, "fild", .i16), x87Memory(0xDB, 0, "fild", .i32), x87Memory(0xDF, 5, "fild", .i64),
            x87Memory(0xDF, 2, "fist", .i16), x87Memory(0xDF, 3, "fistp", .i16),
            x87Memory(0xDB, 2, "fist", .i32), x87Memory(0xDB, 3, "fistp", .i32), x87Memory(0xDF, 7, "fistp", .i64),
            x87Memory(0xDF, 4, "fbld", .bcd), x87Memory(0xDF, 6, "fbstp", .bcd),
            x87Register(0xD9, 0xC8, "fxch st(i)"), x87Register(0xDD, 0xC8, "fxch4 st(i) (alias)"),
            x87Register(0xDF, 0xC8, "fxch7 st(i) (alias)"),
        ]
        for (k, mn) in ["fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"].enumerated() {
            f.append(x87Fixed([0xD9, 0xE8 + UInt8(k)], mn))
        }
        for (k, cc) in ["b", "e", "be", "u"].enumerated() {
            f.append(x87Register(0xDA, 0xC0 + 8 * UInt8(k), "fcmov\(cc) st(0), st(i)"))
            f.append(x87Register(0xDB, 0xC0 + 8 * UInt8(k), "fcmovn\(cc) st(0), st(i)"))
        }
        return f
    }

    /// FLD ST(i) with ST(i) empty and ST(7) in use is both a stack underflow and an overflow; the
    /// SDM does not order them. Emu reports the overflow (C1 = 1), as Bochs and the Linux 80486
    /// math emulator do; this AMD host reports the underflow (C1 = 0). Everything else agrees.
    static func fldBothFaults(_ b: CaseBuilder, _ i: Int) {
        if b.stEmpty(i) && !b.stEmpty(7) { b.undefineFSW(X87CC.c1) }
    }
}
