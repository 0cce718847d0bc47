// SPDX-License-Identifier: MIT
// The two-byte (0F) opcode map for 64-bit mode, SDM Vol. 2D Appendix A Table A-3 and the group
// tables A-6. SSE and MMX rows go to Decoder+SSE.swift. The 0F38 and 0F3A maps hold only
// instructions beyond the modelled baseline (SSSE3, SSE4, MOVBE…), so they decode as #UD.

extension Decoder {
    mutating func decodeTwoByte(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool {
        switch op {
        case 0x00:                                                                  // Grp6
            let reg = modrm(&d)
            d.osz = 2
            let ops: [SystemOp?] = [.sldt, .str, .lldt, .ltr, .verr, .verw, nil, nil]
            guard let s = ops[Int(reg)] else { return false }
            if !d.hasMemory { d.r = d.b }
            sys(&d, s)
            if (s == .sldt || s == .str) && !d.hasMemory { d.osz = osz }
        case 0x01:                                                                  // Grp7
            let m = peek()
            if m >> 6 == 3 {
                _ = byte()
                switch m {
                case 0xF8: sys(&d, .swapgs)                                         // SWAPGS
                case 0xF9: sys(&d, .rdtscp); d.op = MicroOp.rdtscp         // RDTSCP
                default: return false   // VMX, MONITOR/MWAIT, XGETBV, CLAC/STAC: not modelled
                }
                return true
            }
            let reg = modrm(&d)
            switch reg {
            case 0: sys(&d, .sgdt)
            case 1: sys(&d, .sidt)
            case 2: sys(&d, .lgdt)
            case 3: sys(&d, .lidt)
            case 4: d.osz = 2; sys(&d, .smsw)
            case 6: d.osz = 2; sys(&d, .lmsw)
            case 7: sys(&d, .invlpg)
            default: return false
            }
        case 0x02, 0x03:                                                            // LAR, LSL
            modrm(&d); d.osz = osz; sys(&d, op == 0x02 ? .lar : .lsl)
        case 0x05: sys(&d, .syscall)                                                // SYSCALL
        case 0x06: sys(&d, .clts)                                                   // CLTS
        case 0x07: sys(&d, rexW ? .sysret : .sysretl)                               // SYSRET
        case 0x08: sys(&d, .invd)                                                   // INVD
        case 0x09: sys(&d, .wbinvd)                                                 // WBINVD
        case 0x0B, 0xB9, 0xFF:                                                      // UD2, UD1, UD0
            if op != 0x0B { modrm(&d) }
            d.op = MicroOp.ud
        case 0x0D:                                                                  // PREFETCHW (NOP hint)
            modrm(&d)
            guard d.hasMemory else { return false }
            d.op = MicroOp.nop
        case 0x18:                                                                  // PREFETCHh (Grp16)
            modrm(&d); d.op = MicroOp.nop
        case 0x19...0x1F:                                                           // NOP Ev (reserved-NOP space)
            modrm(&d); d.op = MicroOp.nop
        case 0x20...0x23:                                                           // MOV r64,CRn / DRn and back
            let m = byte()
            let n = (m >> 3) & 7 | rexR << 3
            d.r = n; d.b = m & 7 | rexB << 3; d.osz = 8
            switch op {
            case 0x20: sys(&d, .movFromCR)
            case 0x22: sys(&d, .movToCR)
            case 0x21: sys(&d, .movFromDR)
            default: sys(&d, .movToDR)
            }
        case 0x30: sys(&d, .wrmsr)                                                  // WRMSR
        case 0x31: d.op = MicroOp.rdtsc                                    // RDTSC
        case 0x32: sys(&d, .rdmsr)                                                  // RDMSR
        case 0x33: sys(&d, .rdpmc)                                                  // RDPMC
        case 0x40...0x4F:                                                           // CMOVcc Gv, Ev
            modrm(&d); d.osz = osz; d.aux = UInt16(op & 0xF)
            d.op = d.hasMemory ? MicroOp.cmovRM : MicroOp.cmovRR
        case 0x80...0x8F:                                                           // Jcc rel32
            d.aux = UInt16(op & 0xF); relative(&d, simm32()); d.op = MicroOp.jcc
        case 0x90...0x9F:                                                           // SETcc Eb
            modrm(&d); d.osz = 1; d.aux = UInt16(op & 0xF)
            if d.hasMemory { d.op = MicroOp.setccM } else { d.r = byteReg(d.b); d.op = MicroOp.setccR }
        case 0xA0, 0xA8:                                                            // PUSH FS / GS
            d.osz = osz64; d.aux = op == 0xA0 ? 4 : 5; d.op = MicroOp.pushSeg
        case 0xA1, 0xA9:                                                            // POP FS / GS
            d.osz = osz64; d.aux = op == 0xA1 ? 4 : 5; d.op = MicroOp.popSeg
        case 0xA2: d.op = MicroOp.cpuid                                    // CPUID
        case 0xA3, 0xAB, 0xB3, 0xBB:                                                // BT BTS BTR BTC Ev, Gv
            modrm(&d); d.osz = osz
            d.aux = op == 0xA3 ? 0 : op == 0xAB ? 1 : op == 0xB3 ? 2 : 3
            d.op = d.hasMemory ? MicroOp.btRM : MicroOp.btRR
        case 0xA4, 0xA5, 0xAC, 0xAD:                                                // SHLD / SHRD Ev, Gv, Ib/CL
            modrm(&d); d.osz = osz
            d.aux = (op >= 0xAC ? 1 : 0) | (op & 1 != 0 ? 0x100 : 0)
            if op & 1 == 0 { d.imm = imm8() }
            d.op = d.hasMemory ? MicroOp.shldM : MicroOp.shldR
        case 0xAE:                                                                  // Grp15
            let m = peek()
            if m >> 6 == 3 {
                let reg = (m >> 3) & 7
                guard reg >= 5, !opsize, !rep, !repne else { return decodeSSE(op, &d) }
                _ = byte()
                d.op = MicroOp.nop                                         // LFENCE MFENCE SFENCE
                return true
            }
            let reg = (m >> 3) & 7
            if reg == 7 && !opsize && !rep && !repne { modrm(&d); d.op = MicroOp.nop; return true }  // CLFLUSH
            return decodeSSE(op, &d)                                                // FXSAVE FXRSTOR LDMXCSR STMXCSR
        case 0xAF:                                                                  // IMUL Gv, Ev
            modrm(&d); d.osz = osz
            d.op = d.hasMemory ? MicroOp.imul2RM : MicroOp.imul2RR
        case 0xB0, 0xB1:                                                            // CMPXCHG Eb,Gb / Ev,Gv
            let size: UInt8 = op == 0xB0 ? 1 : osz
            formGE(&d, rr: .aluRR8, rm: .aluRM8, size: size)
            d.op = d.hasMemory ? MicroOp.cmpxchgRM : MicroOp.cmpxchgRR
        case 0xB2, 0xB4, 0xB5:                                                      // LSS / LFS / LGS Gv, Mp
            modrm(&d)
            guard d.hasMemory else { return false }
            d.osz = osz
            d.aux = UInt16(op == 0xB2 ? Segment.ss.rawValue : op == 0xB4 ? Segment.fs.rawValue : Segment.gs.rawValue)
            d.op = .loadFar
        case 0xB6, 0xB7, 0xBE, 0xBF:                                                // MOVZX / MOVSX Gv, Eb/Ew
            modrm(&d); d.osz = osz
            d.aux = op & 1 == 0 ? 1 : 2
            if !d.hasMemory && d.aux == 1 { d.b = byteReg(d.b) }
            let zx = op < 0xB8
            d.op = d.hasMemory ? (zx ? MicroOp.movzxRM : MicroOp.movsxRM) : (zx ? MicroOp.movzxRR : MicroOp.movsxRR)
        case 0xBA:                                                                  // Grp8 BT BTS BTR BTC Ev, Ib
            let reg = modrm(&d)
            guard reg >= 4 else { return false }
            d.osz = osz; d.aux = UInt16(reg - 4); d.imm = imm8()
            if d.hasMemory { d.op = MicroOp.btMI } else { d.r = d.b; d.op = MicroOp.btRI }
        case 0xBC, 0xBD:                                                            // BSF / BSR (F3: TZCNT/LZCNT are BSF/BSR without BMI1/ABM)
            modrm(&d); d.osz = osz
            d.op = op == 0xBC ? (d.hasMemory ? MicroOp.bsfM : MicroOp.bsfR) : (d.hasMemory ? MicroOp.bsrM : MicroOp.bsrR)
        case 0xC0, 0xC1:                                                            // XADD Eb,Gb / Ev,Gv
            let size: UInt8 = op == 0xC0 ? 1 : osz
            formGE(&d, rr: .aluRR8, rm: .aluRM8, size: size)
            d.op = d.hasMemory ? MicroOp.xaddRM : MicroOp.xaddRR
        case 0xC7:                                                                  // Grp9
            let reg = modrm(&d)
            guard reg == 1, d.hasMemory else { return false }                       // CMPXCHG8B/16B only
            d.osz = rexW ? 16 : 8
            d.op = MicroOp.cmpxchg8b16b
        case 0xC8...0xCF:                                                           // BSWAP
            d.r = op & 7 | rexB << 3; d.osz = osz; d.op = MicroOp.bswap
        case 0x10...0x17, 0x28...0x2F, 0x50...0x7F, 0xC2...0xC6, 0xD0...0xFE:
            return decodeSSE(op, &d)
        default:
            // 0F 04 0A 0C 0E 0F 24–27 34–37 38 3A 78…: not in the modelled baseline.
            return false
        }
        return true
    }
}
