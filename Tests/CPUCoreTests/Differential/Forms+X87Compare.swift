// SPDX-License-Identifier: MIT
// x87 comparison and classification (SDM Vol. 1 §8.3.6–8.3.7, Vol. 2A "FCOM", "FUCOM", "FICOM",
// "FCOMI", "FTST", "FXAM"): FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP with registers and m32fp/m64fp,
// FICOM/FICOMP with m16int/m32int, the aliases FCOM2 FCOMP3 FCOMP5, FCOMI FCOMIP FUCOMI FUCOMIP
// (RFLAGS compared in full), FTST and FXAM (including empty registers).

extension Forms {
    static var x87Compares: [Form] {
        [
            x87Register(0xD8, 0xD0, "fcom st(i)", undefined: 0, setup: equalOperands),
            x87Register(0xD8, 0xD8, "fcomp st(i)", undefined: 0, setup: equalOperands),
            x87Fixed([0xDE, 0xD9], "fcompp", undefined: 0) { b in equalOperands(b, 1) },
            x87Register(0xDD, 0xE0, "fucom st(i)", undefined: 0, setup: equalOperands),
            x87Register(0xDD, 0xE8, "fucomp st(i)", undefined: 0, setup: equalOperands),
            x87Fixed([0xDA, 0xE9], "fucompp", undefined: 0) { b in equalOperands(b, 1) },
            x87Register(0xDC, 0xD0, "fcom2 st(i) (alias)", undefined: 0), x87Register(0xDC, 0xD8, "fcomp3 st(i) (alias)", undefined: 0),
            x87Register(0xDE, 0xD0, "fcomp5 st(i) (alias)", undefined: 0),
            x87Memory(0xD8, 2, "fcom", .f32, undefined: 0), x87Memory(0xD8, 3, "fcomp", .f32, undefined: 0),
            x87Memory(0xDC, 2, "fcom", .f64, undefined: 0), x87Memory(0xDC, 3, "fcomp", .f64, undefined: 0),
            x87Memory(0xDE, 2, "ficom", .i16, undefined: 0), x87Memory(0xDE, 3, "ficomp", .i16, undefined: 0),
            x87Memory(0xDA, 2, "ficom", .i32, undefined: 0), x87Memory(0xDA, 3, "ficomp", .i32, undefined: 0),
            x87Register(0xDB, 0xF0, "fcomi st(0), st(i)", setup: fcomiOperands),
            x87Register(0xDB, 0xE8, "fucomi st(0), st(i)", setup: fcomiOperands),
            x87Register(0xDF, 0xF0, "fcomip st(0), st(i)", setup: fcomiOperands),
            x87Register(0xDF, 0xE8, "fucomip st(0), st(i)", setup: fcomiOperands),
            x87Fixed([0xD9, 0xE4], "ftst", undefined: 0), x87Fixed([0xD9, 0xE5], "fxam", undefined: 0),
        ]
    }

    /// FCOMI & co.: "C1 Set to 0 if stack underflow occurred; otherwise, set to 0" (SDM Vol. 2A),
    /// which emu does; this AMD host leaves C1 unchanged when no stack fault occurs, so C1 is
    /// compared only after an underflow.
    static func fcomiOperands(_ b: CaseBuilder, _ i: Int) {
        equalOperands(b, i)
        if !b.stEmpty(0) && !b.stEmpty(i) { b.undefineFSW(X87CC.c1) }
    }

    /// Sometimes ST(i) ← ST(0) or −ST(0), so equality and ±0 ties are compared too.
    static func equalOperands(_ b: CaseBuilder, _ i: Int) {
        guard b.rng.chance(25) else { return }
        var v = Array(b.state.fxsave[32..<42])
        if b.rng.chance(40) { v[9] ^= 0x80 }
        b.state.fxsave.replaceSubrange((32 + 16 * i)..<(42 + 16 * i), with: v)
    }
}
