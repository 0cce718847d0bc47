// SPDX-License-Identifier: MIT
// SSE, SSE2 and MMX rows of the 0F map (SDM Vol. 2D Appendix A Table A-3, selected by the 66/F2/F3
// mandatory prefixes), and 0F AE /0–/3 (FXSAVE FXRSTOR LDMXCSR STMXCSR). The op enums and the
// `aux` layout are in Instructions/SSEOp.swift. SSE3 and later rows (MOVSLDUP, HADDPS, LDDQU…)
// are left as #UD: CPUIDModel does not advertise them.

extension Decoder {
    /// The mandatory prefix: the last of F2/F3 wins, and either overrides 66 (SDM Vol. 2A §2.1.2).
    var mandatoryPrefix: UInt8 { repne ? 0xF2 : rep ? 0xF3 : opsize ? 0x66 : 0 }

    mutating func decodeSSE(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool {
        let mp = mandatoryPrefix
        switch op {
        case 0x10, 0x11:                                            // MOVUPS MOVUPD MOVSS MOVSD
            modrm(&d)
            let st = op == 0x11
            switch mp {
            case 0xF3: sse(&d, st ? .movssMR : .movssRM)
            case 0xF2: sse(&d, st ? .movsdMR : .movsdRM)
            default: sse(&d, st ? .movupsMR : .movupsRM)
            }
        case 0x12, 0x16:                                            // MOVLPS/MOVHLPS MOVLPD, MOVHPS/MOVLHPS MOVHPD
            guard mp <= 0x66 else { return false }                  // F3/F2: SSE3 MOVSLDUP MOVDDUP MOVSHDUP
            modrm(&d)
            if d.hasMemory {
                sse(&d, op == 0x12 ? .movlpsRM : .movhpsRM)
            } else {
                guard mp == 0 else { return false }
                sse(&d, op == 0x12 ? .movhlps : .movlhps)
            }
        case 0x13, 0x17:                                            // MOVLPS MOVLPD / MOVHPS MOVHPD Mq,Vq
            guard mp <= 0x66, memoryModRM(&d) else { return false }
            sse(&d, op == 0x13 ? .movlpsMR : .movhpsMR)
        case 0x14, 0x15:                                            // UNPCKLPS/PD UNPCKHPS/PD
            guard mp <= 0x66 else { return false }
            modrm(&d)
            sse(&d, op == 0x14 ? (mp == 0 ? .unpcklps : .unpcklpd) : (mp == 0 ? .unpckhps : .unpckhpd))
        case 0x28, 0x29:                                            // MOVAPS MOVAPD
            guard mp <= 0x66 else { return false }
            modrm(&d)
            sse(&d, op == 0x28 ? .movapsRM : .movapsMR)
        case 0x2A:                                                  // CVTPI2PS CVTPI2PD CVTSI2SS CVTSI2SD
            modrm(&d)
            d.osz = rexW ? 8 : 4
            sse(&d, form(mp, .cvtpi2ps, .cvtpi2pd, .cvtsi2ss, .cvtsi2sd))
        case 0x2B:                                                  // MOVNTPS MOVNTPD
            guard mp <= 0x66, memoryModRM(&d) else { return false }
            sse(&d, .movapsMR)
        case 0x2C:                                                  // CVTTPS2PI CVTTPD2PI CVTTSS2SI CVTTSD2SI
            modrm(&d)
            d.osz = rexW ? 8 : 4
            sse(&d, form(mp, .cvttps2pi, .cvttpd2pi, .cvttss2si, .cvttsd2si))
        case 0x2D:                                                  // CVTPS2PI CVTPD2PI CVTSS2SI CVTSD2SI
            modrm(&d)
            d.osz = rexW ? 8 : 4
            sse(&d, form(mp, .cvtps2pi, .cvtpd2pi, .cvtss2si, .cvtsd2si))
        case 0x2E, 0x2F:                                            // UCOMISS UCOMISD, COMISS COMISD
            guard mp <= 0x66 else { return false }
            modrm(&d)
            sse(&d, op == 0x2E ? (mp == 0 ? .ucomiss : .ucomisd) : (mp == 0 ? .comiss : .comisd))
        case 0x50:                                                  // MOVMSKPS MOVMSKPD Gd,Ux
            guard mp <= 0x66, registerModRM(&d) else { return false }
            sse(&d, mp == 0 ? .movmskps : .movmskpd)
        case 0x51, 0x58, 0x59, 0x5C, 0x5D, 0x5E, 0x5F:              // SQRT ADD MUL SUB MIN DIV MAX
            modrm(&d)
            let base: SSEOp
            switch op {
            case 0x51: base = .sqrtps
            case 0x58: base = .addps
            case 0x59: base = .mulps
            case 0x5C: base = .subps
            case 0x5D: base = .minps
            case 0x5E: base = .divps
            default: base = .maxps
            }
            // Each family is declared PS, SS, PD, SD.
            let k: UInt16 = mp == 0 ? 0 : mp == 0xF3 ? 1 : mp == 0x66 ? 2 : 3
            d.op = .sse; d.aux = base.rawValue + k
        case 0x52, 0x53:                                            // RSQRTPS RSQRTSS, RCPPS RCPSS
            guard mp == 0 || mp == 0xF3 else { return false }
            modrm(&d)
            sse(&d, op == 0x52 ? (mp == 0 ? .rsqrtps : .rsqrtss) : (mp == 0 ? .rcpps : .rcpss))
        case 0x54...0x57:                                           // ANDPS ANDNPS ORPS XORPS (and PD)
            guard mp <= 0x66 else { return false }
            modrm(&d)
            d.op = .sse; d.aux = SSEOp.andps.rawValue + UInt16(op - 0x54)   // declared in row order
        case 0x5A:                                                  // CVTPS2PD CVTPD2PS CVTSS2SD CVTSD2SS
            modrm(&d)
            sse(&d, form(mp, .cvtps2pd, .cvtpd2ps, .cvtss2sd, .cvtsd2ss))
        case 0x5B:                                                  // CVTDQ2PS CVTPS2DQ CVTTPS2DQ
            guard mp != 0xF2 else { return false }
            modrm(&d)
            sse(&d, mp == 0 ? .cvtdq2ps : mp == 0x66 ? .cvtps2dq : .cvttps2dq)
        case 0x6C, 0x6D:                                            // PUNPCKLQDQ PUNPCKHQDQ (66 only)
            guard mp == 0x66 else { return false }
            modrm(&d)
            d.op = .sse; d.aux = (op == 0x6C ? PackedIntOp.punpcklqdq : .punpckhqdq).rawValue
        case 0x6E, 0x7E:                                            // MOVD/MOVQ Pq,Ey Vy,Ey / Ey,Pq Ey,Vy
            modrm(&d)
            if op == 0x7E && mp == 0xF3 { sse(&d, .movqRM); return true }   // MOVQ Vq,Wq
            guard mp <= 0x66 else { return false }
            d.osz = rexW ? 8 : 4
            if mp == 0 { mmx(&d, op == 0x6E ? .movdRM : .movdMR) } else { sse(&d, op == 0x6E ? .movdRM : .movdMR) }
        case 0x6F, 0x7F:                                            // MOVQ Pq,Qq / MOVDQA / MOVDQU (and stores)
            guard mp != 0xF2 else { return false }
            modrm(&d)
            let st = op == 0x7F
            switch mp {
            case 0: mmx(&d, st ? .movqMR : .movqRM)
            case 0x66: sse(&d, st ? .movapsMR : .movapsRM)
            default: sse(&d, st ? .movupsMR : .movupsRM)
            }
        case 0x70:                                                  // PSHUFW PSHUFD PSHUFHW PSHUFLW
            modrm(&d)
            d.imm = imm8()
            switch mp {
            case 0: mmx(&d, .pshufw)
            case 0x66: sse(&d, .pshufd)
            case 0xF3: sse(&d, .pshufhw)
            default: sse(&d, .pshuflw)
            }
        case 0x71, 0x72, 0x73:                                      // Grp12 Grp13 Grp14: shifts by Ib
            guard mp <= 0x66 else { return false }
            let reg = modrm(&d)
            guard !d.hasMemory else { return false }
            d.imm = imm8()
            d.r = d.b
            if op == 0x73 && (reg == 3 || reg == 7) {                // PSRLDQ PSLLDQ (66 only)
                guard mp == 0x66 else { return false }
                sse(&d, reg == 3 ? .psrldq : .pslldq)
                return true
            }
            let shift: PackedIntOp
            switch (op, reg) {
            case (0x71, 2): shift = .psrlw
            case (0x71, 4): shift = .psraw
            case (0x71, 6): shift = .psllw
            case (0x72, 2): shift = .psrld
            case (0x72, 4): shift = .psrad
            case (0x72, 6): shift = .pslld
            case (0x73, 2): shift = .psrlq
            case (0x73, 6): shift = .psllq
            default: return false
            }
            d.op = mp == 0 ? .mmx : .sse
            d.aux = shift.rawValue | PackedIntOp.immediateCount
        case 0x77:                                                  // EMMS
            guard mp == 0 else { return false }
            mmx(&d, .emms)
        case 0xC2:                                                  // CMPPS CMPPD CMPSS CMPSD
            modrm(&d)
            d.imm = imm8()
            sse(&d, form(mp, .cmpps, .cmppd, .cmpss, .cmpsd))
        case 0xC3:                                                  // MOVNTI My,Gy: a plain integer store
            guard mp == 0, memoryModRM(&d) else { return false }
            d.osz = rexW ? 8 : 4
            d.op = rexW ? .movMR64 : .movMR32
        case 0xC4:                                                  // PINSRW Pq,Ry/Mw,Ib / Vdq,Ry/Mw,Ib
            guard mp <= 0x66 else { return false }
            modrm(&d)
            d.imm = imm8()
            if mp == 0 { mmx(&d, .pinsrw) } else { sse(&d, .pinsrw) }
        case 0xC5:                                                  // PEXTRW Gd,Nq,Ib / Gd,Udq,Ib
            guard mp <= 0x66, registerModRM(&d) else { return false }
            d.imm = imm8()
            if mp == 0 { mmx(&d, .pextrw) } else { sse(&d, .pextrw) }
        case 0xC6:                                                  // SHUFPS SHUFPD
            guard mp <= 0x66 else { return false }
            modrm(&d)
            d.imm = imm8()
            sse(&d, mp == 0 ? .shufps : .shufpd)
        case 0xD6:                                                  // MOVQ Wq,Vq / MOVQ2DQ / MOVDQ2Q
            modrm(&d)
            switch mp {
            case 0x66: sse(&d, .movqMR)
            case 0xF3: guard !d.hasMemory else { return false }; sse(&d, .movq2dq)
            case 0xF2: guard !d.hasMemory else { return false }; sse(&d, .movdq2q)
            default: return false
            }
        case 0xD7:                                                  // PMOVMSKB Gd,Nq / Gd,Ux
            guard mp <= 0x66, registerModRM(&d) else { return false }
            if mp == 0 { mmx(&d, .pmovmskb) } else { sse(&d, .pmovmskb) }
        case 0xE6:                                                  // CVTTPD2DQ CVTDQ2PD CVTPD2DQ
            guard mp != 0 else { return false }
            modrm(&d)
            sse(&d, mp == 0x66 ? .cvttpd2dq : mp == 0xF3 ? .cvtdq2pd : .cvtpd2dq)
        case 0xE7:                                                  // MOVNTQ Mq,Pq / MOVNTDQ Mx,Vx
            guard mp <= 0x66, memoryModRM(&d) else { return false }
            if mp == 0 { mmx(&d, .movqMR) } else { sse(&d, .movapsMR) }
        case 0xF7:                                                  // MASKMOVQ Pq,Nq / MASKMOVDQU Vdq,Udq
            guard mp <= 0x66, registerModRM(&d) else { return false }
            d.seg = seg                                             // DS:rDI, overridable
            if mp == 0 { mmx(&d, .maskmovq) } else { sse(&d, .maskmovdqu) }
        case 0xAE:                                                  // Grp15 with a memory operand
            let reg = modrm(&d)
            guard d.hasMemory else { return false }                 // F3 mod=3: RDFSBASE… (no FSGSBASE)
            guard mp == 0 || reg > 3 else { return false }          // NP 0F AE /0–/3: a 66/F2/F3 prefix is #UD
            switch reg {
            case 0: sse(&d, .fxsave)
            case 1: sse(&d, .fxrstor)
            case 2: sse(&d, .ldmxcsr)
            case 3: sse(&d, .stmxcsr)
            case 7 where mp == 0x66: d.op = .nop                    // CLFLUSHOPT not advertised: CLFLUSH
            default: return false                                   // XSAVE family: not modelled
            }
            if reg <= 1 { d.osz = rexW ? 8 : 4 }
        default:
            guard let p = packedIntOp(op) else { return false }     // 60–6B, 74–76, D1–FE integer rows
            guard mp <= 0x66 else { return false }
            modrm(&d)
            d.op = mp == 0 ? .mmx : .sse
            d.aux = p.rawValue
        }
        return true
    }

    /// Picks the form of a row by mandatory prefix: none, 66, F3, F2.
    func form(_ mp: UInt8, _ none: SSEOp, _ p66: SSEOp, _ pF3: SSEOp, _ pF2: SSEOp) -> SSEOp {
        mp == 0 ? none : mp == 0x66 ? p66 : mp == 0xF3 ? pF3 : pF2
    }

    func sse(_ d: inout DecodedInstruction, _ op: SSEOp) { d.op = .sse; d.aux = op.rawValue }
    func mmx(_ d: inout DecodedInstruction, _ op: MMXOp) { d.op = .mmx; d.aux = op.rawValue }

    /// ModRM that must name memory (Mx forms).
    mutating func memoryModRM(_ d: inout DecodedInstruction) -> Bool { modrm(&d); return d.hasMemory }
    /// ModRM that must name a register (Ux, Nq forms).
    mutating func registerModRM(_ d: inout DecodedInstruction) -> Bool { modrm(&d); return !d.hasMemory }

    /// The packed-integer rows of Table A-3 with an MMX (no prefix) and an XMM (66) form.
    func packedIntOp(_ op: UInt8) -> PackedIntOp? {
        switch op {
        case 0x60: return .punpcklbw
        case 0x61: return .punpcklwd
        case 0x62: return .punpckldq
        case 0x63: return .packsswb
        case 0x64: return .pcmpgtb
        case 0x65: return .pcmpgtw
        case 0x66: return .pcmpgtd
        case 0x67: return .packuswb
        case 0x68: return .punpckhbw
        case 0x69: return .punpckhwd
        case 0x6A: return .punpckhdq
        case 0x6B: return .packssdw
        case 0x74: return .pcmpeqb
        case 0x75: return .pcmpeqw
        case 0x76: return .pcmpeqd
        case 0xD1: return .psrlw
        case 0xD2: return .psrld
        case 0xD3: return .psrlq
        case 0xD4: return .paddq
        case 0xD5: return .pmullw
        case 0xD8: return .psubusb
        case 0xD9: return .psubusw
        case 0xDA: return .pminub
        case 0xDB: return .pand
        case 0xDC: return .paddusb
        case 0xDD: return .paddusw
        case 0xDE: return .pmaxub
        case 0xDF: return .pandn
        case 0xE0: return .pavgb
        case 0xE1: return .psraw
        case 0xE2: return .psrad
        case 0xE3: return .pavgw
        case 0xE4: return .pmulhuw
        case 0xE5: return .pmulhw
        case 0xE8: return .psubsb
        case 0xE9: return .psubsw
        case 0xEA: return .pminsw
        case 0xEB: return .por
        case 0xEC: return .paddsb
        case 0xED: return .paddsw
        case 0xEE: return .pmaxsw
        case 0xEF: return .pxor
        case 0xF1: return .psllw
        case 0xF2: return .pslld
        case 0xF3: return .psllq
        case 0xF4: return .pmuludq
        case 0xF5: return .pmaddwd
        case 0xF6: return .psadbw
        case 0xF8: return .psubb
        case 0xF9: return .psubw
        case 0xFA: return .psubd
        case 0xFB: return .psubq
        case 0xFC: return .paddb
        case 0xFD: return .paddw
        case 0xFE: return .paddd
        default: return nil
        }
    }
}
