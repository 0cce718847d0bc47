// SPDX-License-Identifier: MIT
// x87 escape opcodes D8–DF and FWAIT (SDM Vol. 2D Appendix A.5, Tables ). Memory forms
// select by ModRM.reg; register forms by reg and rm. The undocumented aliases the hardware
// executes are kept: FCOM2/FCOMP3 (DC D0/D8), FCOMP5 (DE D0), FXCH4/FXCH7 (DD C8, DF C8),
// FSTP1/FSTP8/FSTP9 (D9 D8, DF D0, DF D8) and FFREEP (DF C0).

extension Decoder {
    /// FISTTP (DB /1, DD /1, DF /1) is SSE3, which the CPUID model does not report: #UD.
    static let x87HasFISTTP = false

    mutating func decodeX87(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool {
        let m = peek()
        modrm(&d)
        let reg = (m >> 3) & 7, rm = m & 7
        let form = d.pfx & Prefix.memory != 0 ? Decoder.x87Memory(op, reg) : Decoder.x87Register(op, reg, rm)
        guard let f = form else { return false }
        d.op = .x87
        d.aux = f.op.rawValue
        d.osz = opsize ? 2 : 4
        d.imm = X87Imm.make(sti: rm, sub: f.sub, pops: f.pops, quiet: f.quiet, fop: UInt16(op & 7) << 8 | UInt16(m))
        return true
    }

    mutating func decodeFWAIT(_ d: inout DecodedInstruction) -> Bool {
        d.op = .x87
        d.aux = X87Op.fwait.rawValue
        return true
    }

    /// One decoded x87 form: the op and its `X87Imm` fields.
    struct X87Form {
        var op: X87Op, sub: UInt8 = 0, pops = 0, quiet = false
    }

    /// Memory forms (ModRM.mod ≠ 3), Tables, …, A-21.
    static func x87Memory(_ op: UInt8, _ reg: UInt8) -> X87Form? {
        switch (op, reg) {
        case (0xD8, 2), (0xD8, 3): return X87Form(op: .fcomM32, pops: Int(reg & 1))     // FCOM(P) m32fp
        case (0xD8, _): return X87Form(op: .arithM32, sub: reg)                         // FADD … FDIVR m32fp
        case (0xD9, 0): return X87Form(op: .fldM32)                                     // FLD m32fp
        case (0xD9, 2), (0xD9, 3): return X87Form(op: .fstM32, pops: Int(reg & 1))      // FST(P) m32fp
        case (0xD9, 4): return X87Form(op: .fldenv)                                     // FLDENV m14/28byte
        case (0xD9, 5): return X87Form(op: .fldcw)                                      // FLDCW m2byte
        case (0xD9, 6): return X87Form(op: .fnstenv)                                    // FNSTENV m14/28byte
        case (0xD9, 7): return X87Form(op: .fnstcw)                                     // FNSTCW m2byte
        case (0xDA, 2), (0xDA, 3): return X87Form(op: .ficomM32, pops: Int(reg & 1))    // FICOM(P) m32int
        case (0xDA, _): return X87Form(op: .arithI32, sub: reg)                         // FIADD … FIDIVR m32int
        case (0xDB, 0): return X87Form(op: .fildM32)                                    // FILD m32int
        case (0xDB, 1): return x87HasFISTTP ? X87Form(op: .fisttM32, pops: 1) : nil     // FISTTP m32int
        case (0xDB, 2), (0xDB, 3): return X87Form(op: .fistM32, pops: Int(reg & 1))     // FIST(P) m32int
        case (0xDB, 5): return X87Form(op: .fldM80)                                     // FLD m80fp
        case (0xDB, 7): return X87Form(op: .fstpM80, pops: 1)                           // FSTP m80fp
        case (0xDC, 2), (0xDC, 3): return X87Form(op: .fcomM64, pops: Int(reg & 1))     // FCOM(P) m64fp
        case (0xDC, _): return X87Form(op: .arithM64, sub: reg)                         // FADD … FDIVR m64fp
        case (0xDD, 0): return X87Form(op: .fldM64)                                     // FLD m64fp
        case (0xDD, 1): return x87HasFISTTP ? X87Form(op: .fisttM64, pops: 1) : nil     // FISTTP m64int
        case (0xDD, 2), (0xDD, 3): return X87Form(op: .fstM64, pops: Int(reg & 1))      // FST(P) m64fp
        case (0xDD, 4): return X87Form(op: .frstor)                                     // FRSTOR m94/108byte
        case (0xDD, 6): return X87Form(op: .fnsave)                                     // FNSAVE m94/108byte
        case (0xDD, 7): return X87Form(op: .fnstsw)                                     // FNSTSW m2byte
        case (0xDE, 2), (0xDE, 3): return X87Form(op: .ficomM16, pops: Int(reg & 1))    // FICOM(P) m16int
        case (0xDE, _): return X87Form(op: .arithI16, sub: reg)                         // FIADD … FIDIVR m16int
        case (0xDF, 0): return X87Form(op: .fildM16)                                    // FILD m16int
        case (0xDF, 1): return x87HasFISTTP ? X87Form(op: .fisttM16, pops: 1) : nil     // FISTTP m16int
        case (0xDF, 2), (0xDF, 3): return X87Form(op: .fistM16, pops: Int(reg & 1))     // FIST(P) m16int
        case (0xDF, 4): return X87Form(op: .fbld)                                       // FBLD m80bcd
        case (0xDF, 5): return X87Form(op: .fildM64)                                    // FILD m64int
        case (0xDF, 6): return X87Form(op: .fbstp, pops: 1)                             // FBSTP m80bcd
        case (0xDF, 7): return X87Form(op: .fistpM64, pops: 1)                          // FISTP m64int
        default: return nil
        }
    }

    static let x87RowF0: [X87Op] = [.f2xm1, .fyl2x, .fptan, .fpatan, .fxtract, .fprem1, .fdecstp, .fincstp]
    static let x87RowF8: [X87Op] = [.fprem, .fyl2xp1, .fsqrt, .fsincos, .frndint, .fscale, .fsin, .fcos]

    /// Register forms (ModRM.mod = 3), Tables, …, A-22. For DC and DE the SUB/SUBR and
    /// DIV/DIVR rows are swapped relative to D8 ("DC E8+i FSUB ST(i),ST(0)" is ST(i) − ST(0)).
    static func x87Register(_ op: UInt8, _ reg: UInt8, _ rm: UInt8) -> X87Form? {
        switch (op, reg) {
        case (0xD8, 2), (0xD8, 3): return X87Form(op: .fcomST, pops: Int(reg & 1))      // FCOM(P) ST(i)
        case (0xD8, _): return X87Form(op: .arithST0, sub: reg)                         // FADD … FDIVR ST(0),ST(i)
        case (0xD9, 0): return X87Form(op: .fldST)                                      // FLD ST(i)
        case (0xD9, 1): return X87Form(op: .fxch)                                       // FXCH ST(i)
        case (0xD9, 2): return rm == 0 ? X87Form(op: .fnop) : nil                       // FNOP
        case (0xD9, 3): return X87Form(op: .fstST, pops: 1, quiet: true)                // FSTP1 ST(i) (alias)
        case (0xD9, 4):
            switch rm {
            case 0: return X87Form(op: .fchs)                                           // FCHS
            case 1: return X87Form(op: .fabs)                                           // FABS
            case 4: return X87Form(op: .ftst)                                           // FTST
            case 5: return X87Form(op: .fxam)                                           // FXAM
            default: return nil
            }
        case (0xD9, 5): return rm < 7 ? X87Form(op: .fldConst, sub: rm) : nil           // FLD1 … FLDZ
        case (0xD9, 6):
            return X87Form(op: x87RowF0[Int(rm)])                                       // D9 F0–F7
        case (0xD9, 7):
            return X87Form(op: x87RowF8[Int(rm)])                                       // D9 F8–FF
        case (0xDA, 0...3): return X87Form(op: .fcmov, sub: reg)                        // FCMOVB/E/BE/U
        case (0xDA, 5): return rm == 1 ? X87Form(op: .fcomST, pops: 2, quiet: true) : nil  // FUCOMPP
        case (0xDB, 0...3): return X87Form(op: .fcmov, sub: reg | 4)                    // FCMOVNB/NE/NBE/NU
        case (0xDB, 4):
            switch rm {
            case 0, 1, 4: return X87Form(op: .legacyNop)                                // FENI FDISI FSETPM
            case 2: return X87Form(op: .fnclex)                                         // FNCLEX
            case 3: return X87Form(op: .fninit)                                         // FNINIT
            default: return nil
            }
        case (0xDB, 5): return X87Form(op: .fcomi, quiet: true)                         // FUCOMI ST,ST(i)
        case (0xDB, 6): return X87Form(op: .fcomi)                                      // FCOMI ST,ST(i)
        case (0xDC, 2), (0xDC, 3): return X87Form(op: .fcomST, pops: Int(reg & 1))      // FCOM2 / FCOMP3
        case (0xDC, 0), (0xDC, 1): return X87Form(op: .arithSTi, sub: reg)              // FADD/FMUL ST(i),ST(0)
        case (0xDC, _): return X87Form(op: .arithSTi, sub: reg ^ 1)                     // FSUBR … FDIV ST(i),ST(0)
        case (0xDD, 0): return X87Form(op: .ffree)                                      // FFREE ST(i)
        case (0xDD, 1): return X87Form(op: .fxch)                                       // FXCH4
        case (0xDD, 2), (0xDD, 3): return X87Form(op: .fstST, pops: Int(reg & 1))       // FST(P) ST(i)
        case (0xDD, 4), (0xDD, 5): return X87Form(op: .fcomST, pops: Int(reg & 1), quiet: true)  // FUCOM(P)
        case (0xDE, 2): return X87Form(op: .fcomST, pops: 1)                            // FCOMP5
        case (0xDE, 3): return rm == 1 ? X87Form(op: .fcomST, pops: 2) : nil            // FCOMPP
        case (0xDE, 0), (0xDE, 1): return X87Form(op: .arithSTi, sub: reg, pops: 1)     // FADDP/FMULP
        case (0xDE, _): return X87Form(op: .arithSTi, sub: reg ^ 1, pops: 1)            // FSUBRP … FDIVP
        case (0xDF, 0): return X87Form(op: .ffree, pops: 1)                             // FFREEP
        case (0xDF, 1): return X87Form(op: .fxch)                                       // FXCH7
        case (0xDF, 2), (0xDF, 3): return X87Form(op: .fstST, pops: 1)                  // FSTP8 / FSTP9
        case (0xDF, 4): return rm == 0 ? X87Form(op: .fnstswAX) : nil                   // FNSTSW AX
        case (0xDF, 5): return X87Form(op: .fcomi, pops: 1, quiet: true)                // FUCOMIP
        case (0xDF, 6): return X87Form(op: .fcomi, pops: 1)                             // FCOMIP
        default: return nil
        }
    }
}
