// SPDX-License-Identifier: MIT
// The x87 micro-op kinds carried in `DecodedInstruction.aux` when `op == .x87` (SDM Vol. 2D
// Appendix A.5, Tables ). Decoder+X87.swift produces them; X87*.swift execute them.

/// x87 operations. Operand details live in `DecodedInstruction.imm` (see `X87Imm`); memory
/// operands in the usual ModRM fields; `osz` is 2 with a 66 prefix (16-bit FSTENV/FSAVE image).
public enum X87Op: UInt16, Sendable {
    // Data transfer (X87Load.swift).
    case fldM32, fldM64, fldM80, fldST           // FLD m32fp / m64fp / m80fp / ST(i)
    case fildM16, fildM32, fildM64, fbld         // FILD m16int / m32int / m64int, FBLD m80bcd
    case fldConst                                // FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ (X87Imm.constant)
    case fstM32, fstM64, fstpM80, fstST          // FST(P) m32fp / m64fp, FSTP m80fp, FST(P) ST(i)
    case fistM16, fistM32, fistpM64, fbstp       // FIST(P) m16int / m32int, FISTP m64int, FBSTP m80bcd
    case fisttM16, fisttM32, fisttM64            // FISTTP (SSE3; the decoder keeps it #UD until CPUID has SSE3)
    case fxch, fcmov                             // FXCH ST(i); FCMOVcc ST(0),ST(i) (X87Imm.condition)

    // Arithmetic (X87Arithmetic.swift). X87Imm.arith selects add/mul/sub/subr/div/divr.
    case arithM32, arithM64, arithI16, arithI32  // ST(0) ← ST(0) op m32fp / m64fp / m16int / m32int
    case arithST0                                // ST(0) ← ST(0) op ST(i)
    case arithSTi                                // ST(i) ← ST(i) op ST(0), popping if X87Imm.pops
    case fchs, fabs, fsqrt, frndint, fscale, fxtract, fprem, fprem1

    // Comparison and classification (X87Compare.swift).
    case fcomM32, fcomM64, ficomM16, ficomM32    // FCOM(P) m32fp / m64fp, FICOM(P) m16int / m32int
    case fcomST                                  // FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP
    case fcomi                                   // FCOMI FCOMIP FUCOMI FUCOMIP
    case ftst, fxam

    // Transcendental (X87Transcendental.swift).
    case fsin, fcos, fsincos, fptan, fpatan, f2xm1, fyl2x, fyl2xp1

    // Control (X87Control.swift).
    case fninit, fnclex, fldcw, fnstcw, fnstsw, fnstswAX, fnstenv, fldenv, fnsave, frstor
    case ffree                                   // FFREE ST(i); FFREEP ST(i) when X87Imm.pops = 1
    case fdecstp, fincstp, fnop, fwait
    case legacyNop                               // FENI FDISI FSETPM: no-ops since the 80387
}

/// Field layout of `DecodedInstruction.imm` for x87 micro-ops.
enum X87Imm {
    /// Bits 0–2: i of ST(i).
    static func sti(_ imm: UInt64) -> Int { Int(imm & 7) }
    /// Bits 4–6: `X87Arith`, the FLD constant (0 = 1 … 6 = +0.0, in D9 E8–EE order) or the
    /// FCMOV condition (0 B, 1 E, 2 BE, 3 U; bit 2 negates).
    static func arith(_ imm: UInt64) -> X87Arith { X87Arith(rawValue: UInt8((imm >> 4) & 7)) ?? .add }
    static func constant(_ imm: UInt64) -> Int { Int((imm >> 4) & 7) }
    static func condition(_ imm: UInt64) -> Int { Int((imm >> 4) & 7) }
    /// Bits 8–9: registers popped after the operation (0, 1 or 2).
    static func pops(_ imm: UInt64) -> Int { Int((imm >> 8) & 3) }
    /// Bit 10: unordered (quiet) compare: FUCOM*, FUCOMI*. Also "FSTP1/8/9 alias" for fstST.
    static func quiet(_ imm: UInt64) -> Bool { imm & (1 << 10) != 0 }
    /// Bits 16–26: the FOP value (low 3 bits of the escape byte, then the ModRM byte).
    static func fop(_ imm: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: imm >> 16) & 0x7FF }

    static func make(sti: UInt8 = 0, sub: UInt8 = 0, pops: Int = 0, quiet: Bool = false, fop: UInt16) -> UInt64 {
        UInt64(sti & 7) | UInt64(sub & 7) << 4 | UInt64(pops) << 8 | (quiet ? 1 << 10 : 0) | UInt64(fop) << 16
    }
}

/// The arithmetic of FADD FMUL FSUB FSUBR FDIV FDIVR as `a op b` with `a` the destination:
/// `sub` is a − b and `subr` b − a (DC/DE register forms swap the mnemonics, Vol. 2A "FSUB").
enum X87Arith: UInt8 {
    case add = 0, mul = 1, sub = 4, subr = 5, div = 6, divr = 7
}
