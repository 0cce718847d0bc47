// SPDX-License-Identifier: MIT
// The one-byte and 0F opcode maps for 64-bit mode, SDM Vol. 2D Appendix A (Tables ).
// Each row names its opcode and SDM operand form. x87 (D8–DF) and SSE/MMX rows of the 0F map are
// decoded by Decoder+X87.swift and Decoder+SSE.swift.

extension Decoder {
    /// Picks the sized variant of a micro-op declared as four consecutive cases (8, 16, 32, 64 bits).
    func sized(_ base: MicroOp, _ size: UInt8) -> MicroOp {
        let i: UInt16 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3
        return MicroOp(rawValue: base.rawValue + i)!
    }

    /// r/m operand as destination with reg as source ("Ev, Gv"): register form puts rm in `r`, reg in `b`.
    mutating func formEG(_ d: inout DecodedInstruction, rr: MicroOp, mr: MicroOp, size: UInt8) {
        modrm(&d)
        d.osz = size
        if d.hasMemory {
            d.op = sized(mr, size)
            if size == 1 { d.r = byteReg(d.r) }
        } else {
            let src = d.r
            d.r = size == 1 ? byteReg(d.b) : d.b
            d.b = size == 1 ? byteReg(src) : src
            d.op = sized(rr, size)
        }
    }

    /// reg as destination with r/m as source ("Gv, Ev").
    mutating func formGE(_ d: inout DecodedInstruction, rr: MicroOp, rm: MicroOp, size: UInt8) {
        modrm(&d)
        d.osz = size
        if size == 1 { d.r = byteReg(d.r) }
        if d.hasMemory {
            d.op = sized(rm, size)
        } else {
            if size == 1 { d.b = byteReg(d.b) }
            d.op = sized(rr, size)
        }
    }

    /// r/m destination with an immediate ("Ev, Iz"): register form puts rm in `r`.
    mutating func formEI(_ d: inout DecodedInstruction, ri: MicroOp, mi: MicroOp, size: UInt8) {
        if d.hasMemory {
            d.op = sized(mi, size)
        } else {
            d.r = size == 1 ? byteReg(d.b) : d.b
            d.op = sized(ri, size)
        }
        d.osz = size
    }

    /// A relative branch: `imm` holds the displacement until `finish` knows the next RIP.
    mutating func relative(_ d: inout DecodedInstruction, _ rel: UInt64) {
        d.imm = rel
        relativeBranch = true
    }

    mutating func decodeOneByte(_ op: UInt8, _ d: inout DecodedInstruction) -> Bool {
        switch op {
        // 00–3D: ADD OR ADC SBB AND SUB XOR CMP in six forms each.
        case 0x00...0x3F where op & 7 < 6:
            d.aux = UInt16(op >> 3)
            switch op & 7 {
            case 0: formEG(&d, rr: .aluRR8, mr: .aluMR8, size: 1)                   // Eb, Gb
            case 1: formEG(&d, rr: .aluRR8, mr: .aluMR8, size: osz)                 // Ev, Gv
            case 2: formGE(&d, rr: .aluRR8, rm: .aluRM8, size: 1)                   // Gb, Eb
            case 3: formGE(&d, rr: .aluRR8, rm: .aluRM8, size: osz)                 // Gv, Ev
            case 4: d.r = 0; d.osz = 1; d.imm = imm8(); d.op = sized(.aluRI8, 1)    // AL, Ib
            default: d.r = 0; d.osz = osz; d.imm = immZ(osz); d.op = sized(.aluRI8, osz)  // rAX, Iz
            }
        case 0x50...0x57:                                                           // PUSH r64
            d.r = op & 7 | rexB << 3; d.osz = osz64
            d.op = osz64 == 8 ? MicroOp.pushR64 : MicroOp.pushR
        case 0x58...0x5F:                                                           // POP r64
            d.r = op & 7 | rexB << 3; d.osz = osz64
            d.op = osz64 == 8 ? MicroOp.popR64 : MicroOp.popR
        case 0x63:                                                                  // MOVSXD Gv, Ed
            modrm(&d); d.osz = osz; d.aux = 4
            d.op = d.hasMemory ? MicroOp.movsxRM : MicroOp.movsxRR
        case 0x68:                                                                  // PUSH Iz
            d.osz = osz64; d.imm = osz64 == 2 ? imm16() : simm32(); d.op = MicroOp.pushI
        case 0x69, 0x6B:                                                            // IMUL Gv, Ev, Iz/Ib
            modrm(&d); d.osz = osz
            d.imm = op == 0x69 ? immZ(osz) : simm8()
            d.op = d.hasMemory ? MicroOp.imul3RM : MicroOp.imul3RR
        case 0x6A:                                                                  // PUSH Ib
            d.osz = osz64; d.imm = simm8(); d.op = MicroOp.pushI
        case 0x6C, 0x6D:                                                            // INS
            d.osz = op == 0x6C ? 1 : (opsize ? 2 : 4); d.aux = StringOp.ins.rawValue; d.op = MicroOp.string
        case 0x6E, 0x6F:                                                            // OUTS
            d.osz = op == 0x6E ? 1 : (opsize ? 2 : 4); d.aux = StringOp.outs.rawValue; d.seg = seg
            d.op = MicroOp.string
        case 0x70...0x7F:                                                           // Jcc rel8
            d.aux = UInt16(op & 0xF); relative(&d, simm8()); d.op = MicroOp.jcc
        case 0x80, 0x81, 0x83:                                                      // Grp1 Eb,Ib / Ev,Iz / Ev,Ib
            let reg = modrm(&d)
            d.aux = UInt16(reg)
            let size: UInt8 = op == 0x80 ? 1 : osz
            d.imm = op == 0x80 ? imm8() : (op == 0x81 ? immZ(osz) : simm8())
            formEI(&d, ri: .aluRI8, mi: .aluMI8, size: size)
        case 0x84, 0x85:                                                            // TEST Eb,Gb / Ev,Gv
            formGE(&d, rr: .testRR8, rm: .testMR8, size: op == 0x84 ? 1 : osz)
        case 0x86, 0x87:                                                            // XCHG Eb,Gb / Ev,Gv
            let size: UInt8 = op == 0x86 ? 1 : osz
            formGE(&d, rr: .aluRR8, rm: .aluRM8, size: size)
            d.op = d.hasMemory ? MicroOp.xchgRM : MicroOp.xchgRR
        case 0x88, 0x89:                                                            // MOV Eb,Gb / Ev,Gv
            formEG(&d, rr: .movRR8, mr: .movMR8, size: op == 0x88 ? 1 : osz)
        case 0x8A, 0x8B:                                                            // MOV Gb,Eb / Gv,Ev
            formGE(&d, rr: .movRR8, rm: .movRM8, size: op == 0x8A ? 1 : osz)
        case 0x8C:                                                                  // MOV Ev, Sreg
            let reg = modrm(&d)
            guard reg < 6 else { return false }
            d.aux = UInt16(reg)
            d.osz = d.hasMemory ? 2 : osz
            d.op = d.hasMemory ? MicroOp.movMSeg : MicroOp.movRSeg
        case 0x8D:                                                                  // LEA Gv, M
            modrm(&d)
            guard d.hasMemory else { return false }
            d.osz = osz
            d.op = osz == 8 ? MicroOp.lea64 : osz == 4 ? MicroOp.lea32 : MicroOp.lea16
        case 0x8E:                                                                  // MOV Sreg, Ew
            let reg = modrm(&d)
            guard reg < 6, reg != 1 else { return false }   // loading CS is #UD
            d.aux = UInt16(reg); d.osz = 2
            d.op = d.hasMemory ? MicroOp.movSegM : MicroOp.movSegR
        case 0x8F:                                                                  // POP Ev (Grp1A /0)
            let reg = modrm(&d)
            guard reg == 0 else { return false }
            d.osz = osz64
            if d.hasMemory { d.op = MicroOp.popM } else { d.r = d.b; d.op = MicroOp.popR }
        case 0x90 where rexB == 0:                                                  // NOP, PAUSE (F3 90)
            d.op = MicroOp.nop
        case 0x90...0x97:                                                           // XCHG rAX, r
            d.osz = osz; d.r = 0; d.b = op & 7 | rexB << 3; d.op = MicroOp.xchgRR
        case 0x98: d.osz = osz; d.op = MicroOp.cbw                         // CBW/CWDE/CDQE
        case 0x99: d.osz = osz; d.op = MicroOp.cwd                         // CWD/CDQ/CQO
        case 0x9B: return decodeFWAIT(&d)                                           // FWAIT
        case 0x9C: d.osz = osz64; d.op = MicroOp.pushf                     // PUSHF
        case 0x9D: d.osz = osz64; d.op = MicroOp.popf                      // POPF
        case 0x9E: d.op = MicroOp.sahf                                     // SAHF
        case 0x9F: d.op = MicroOp.lahf                                     // LAHF
        case 0xA0...0xA3:                                                           // MOV AL/rAX <-> moffs
            d.pfx |= Prefix.memory
            d.seg = seg
            d.disp = addr32 ? imm32() : imm64()
            d.r = 0
            let size: UInt8 = op & 1 == 0 ? 1 : osz
            d.osz = size
            d.op = op < 0xA2 ? sized(.movRM8, size) : sized(.movMR8, size)
        case 0xA4...0xA7, 0xAA...0xAF:                                              // MOVS CMPS STOS LODS SCAS
            d.osz = op & 1 == 0 ? 1 : osz
            let kind: StringOp
            switch op & 0xFE {
            case 0xA4: kind = .movs
            case 0xA6: kind = .cmps
            case 0xAA: kind = .stos
            case 0xAC: kind = .lods
            default: kind = .scas
            }
            d.aux = kind.rawValue
            d.seg = seg
            d.op = MicroOp.string
        case 0xA8: d.r = 0; d.osz = 1; d.imm = imm8(); d.op = sized(.testRI8, 1)    // TEST AL, Ib
        case 0xA9: d.r = 0; d.osz = osz; d.imm = immZ(osz); d.op = sized(.testRI8, osz)  // TEST rAX, Iz
        case 0xB0...0xB7:                                                           // MOV r8, Ib
            d.r = byteReg(op & 7 | rexB << 3); d.osz = 1; d.imm = imm8(); d.op = sized(.movRI8, 1)
        case 0xB8...0xBF:                                                           // MOV r, Iv (imm64 with REX.W)
            d.r = op & 7 | rexB << 3; d.osz = osz
            d.imm = osz == 8 ? imm64() : (osz == 4 ? imm32() : imm16())
            d.op = sized(.movRI8, osz)
        case 0xC0, 0xC1, 0xD0...0xD3:                                               // Grp2 shifts and rotates
            let reg = modrm(&d)
            let size: UInt8 = op & 1 == 0 ? 1 : osz
            let count: ShiftCount = op <= 0xC1 ? .imm : (op <= 0xD1 ? .one : .cl)
            d.imm = count == .imm ? imm8() : 1
            d.aux = UInt16(reg) | count.rawValue << 8
            d.osz = size
            if d.hasMemory { d.op = MicroOp.shiftM } else {
                d.r = size == 1 ? byteReg(d.b) : d.b
                d.op = MicroOp.shiftR
            }
        case 0xC2: d.imm = imm16(); d.osz = osz64; d.op = MicroOp.retImm   // RET Iw
        case 0xC3: d.osz = osz64; d.op = MicroOp.ret                       // RET
        case 0xC6, 0xC7:                                                            // Grp11 MOV Eb,Ib / Ev,Iz
            let reg = modrm(&d)
            guard reg == 0 else { return false }
            let size: UInt8 = op == 0xC6 ? 1 : osz
            d.imm = size == 1 ? imm8() : immZ(size)
            formEI(&d, ri: .movRI8, mi: .movMI8, size: size)
        case 0xC8:                                                                  // ENTER Iw, Ib
            let frame = imm16(); let level = imm8()
            d.imm = frame | level << 16; d.osz = osz64; d.op = MicroOp.enter
        case 0xC9: d.osz = osz64; d.op = MicroOp.leave                     // LEAVE
        case 0xCA: d.imm = imm16(); d.osz = osz; sys(&d, .retfarImm)                // RETF Iw
        case 0xCB: d.osz = osz; sys(&d, .retfar)                                    // RETF
        case 0xCC: d.op = MicroOp.int3                                     // INT3
        case 0xCD: d.imm = imm8(); d.op = MicroOp.intN                     // INT Ib
        case 0xCF: d.osz = osz; sys(&d, osz == 8 ? .iretq : (osz == 4 ? .iret32 : .iret16))  // IRET
        case 0xD7: d.seg = seg; d.op = MicroOp.xlat                        // XLAT
        case 0xD8...0xDF: return decodeX87(op, &d)                                  // x87 escape
        case 0xE0...0xE3:                                                           // LOOPNE LOOPE LOOP JRCXZ
            d.aux = UInt16(op - 0xE0); relative(&d, simm8()); d.op = MicroOp.loop
        case 0xE4...0xE7, 0xEC...0xEF:                                              // IN / OUT
            d.osz = op & 1 == 0 ? 1 : (opsize ? 2 : 4)
            let isOut = op & 2 != 0
            if op < 0xE8 { d.imm = imm8() }
            let form: IOOp = op < 0xE8 ? (isOut ? .outImm : .inImm) : (isOut ? .outDX : .inDX)
            d.aux = form.rawValue; d.op = MicroOp.inOut
        case 0xE8: relative(&d, simm32()); d.osz = 8; d.op = MicroOp.call  // CALL rel32
        case 0xE9: relative(&d, simm32()); d.op = MicroOp.jmp              // JMP rel32
        case 0xEB: relative(&d, simm8()); d.op = MicroOp.jmp               // JMP rel8
        case 0xF1: d.imm = 1; d.aux = 1; d.op = MicroOp.intN               // INT1 (ICEBP)
        case 0xF4: d.op = MicroOp.hlt                                      // HLT
        case 0xF5: d.aux = FlagInstr.cmc.rawValue; d.op = MicroOp.flagOp   // CMC
        case 0xF6, 0xF7:                                                            // Grp3
            let reg = modrm(&d)
            let size: UInt8 = op == 0xF6 ? 1 : osz
            switch reg {
            case 0, 1:                                                              // TEST Eb,Ib / Ev,Iz
                d.imm = size == 1 ? imm8() : immZ(size)
                formEI(&d, ri: .testRI8, mi: .testMI8, size: size)
            case 2, 3:                                                              // NOT, NEG
                d.aux = UInt16(reg); unary(&d, size)
            default:                                                                // MUL IMUL DIV IDIV
                d.aux = UInt16(reg); d.osz = size
                if d.hasMemory { d.op = MicroOp.mulDivM } else {
                    d.r = size == 1 ? byteReg(d.b) : d.b
                    d.op = MicroOp.mulDivR
                }
            }
        case 0xF8: d.aux = FlagInstr.clc.rawValue; d.op = MicroOp.flagOp   // CLC
        case 0xF9: d.aux = FlagInstr.stc.rawValue; d.op = MicroOp.flagOp   // STC
        case 0xFA: d.op = MicroOp.cli                                      // CLI
        case 0xFB: d.op = MicroOp.sti                                      // STI
        case 0xFC: d.aux = FlagInstr.cld.rawValue; d.op = MicroOp.flagOp   // CLD
        case 0xFD: d.aux = FlagInstr.std.rawValue; d.op = MicroOp.flagOp   // STD
        case 0xFE:                                                                  // Grp4 INC/DEC Eb
            let reg = modrm(&d)
            guard reg < 2 else { return false }
            d.aux = reg == 0 ? UnaryOp.inc.rawValue : UnaryOp.dec.rawValue
            unary(&d, 1)
        case 0xFF:                                                                  // Grp5
            let reg = modrm(&d)
            switch reg {
            case 0, 1:                                                              // INC/DEC Ev
                d.aux = reg == 0 ? UnaryOp.inc.rawValue : UnaryOp.dec.rawValue
                unary(&d, osz)
            case 2:                                                                 // CALL Ev (64-bit)
                d.osz = 8
                if d.hasMemory { d.op = MicroOp.callM } else { d.r = d.b; d.op = MicroOp.callR }
            case 3, 5:                                                              // CALLF/JMPF Mp
                guard d.hasMemory else { return false }
                d.osz = osz; sys(&d, reg == 3 ? .callfarM : .jmpfarM)
            case 4:                                                                 // JMP Ev (64-bit)
                d.osz = 8
                if d.hasMemory { d.op = MicroOp.jmpM } else { d.r = d.b; d.op = MicroOp.jmpR }
            case 6:                                                                 // PUSH Ev
                d.osz = osz64
                if d.hasMemory { d.op = MicroOp.pushM } else { d.r = d.b; d.op = MicroOp.pushR }
            default: return false
            }
        default:
            // 06 07 0E 16 17 1E 1F 27 2F 37 3F 60 61 62 82 9A C4 C5 CE D4 D5 D6 EA: invalid in 64-bit mode.
            return false
        }
        return true
    }

    /// NOT NEG INC DEC on a register or memory operand.
    mutating func unary(_ d: inout DecodedInstruction, _ size: UInt8) {
        d.osz = size
        if d.hasMemory { d.op = MicroOp.unaryM; return }
        d.r = size == 1 ? byteReg(d.b) : d.b
        d.op = MicroOp.unaryR
        if d.aux == UnaryOp.inc.rawValue && size >= 4 { d.op = size == 8 ? MicroOp.incR64 : MicroOp.incR32 }
        if d.aux == UnaryOp.dec.rawValue && size >= 4 { d.op = size == 8 ? MicroOp.decR64 : MicroOp.decR32 }
        if d.aux == UnaryOp.not.rawValue && size >= 4 { d.op = size == 8 ? MicroOp.notR64 : MicroOp.notR32 }
    }

    func sys(_ d: inout DecodedInstruction, _ op: SystemOp) {
        d.aux = op.rawValue
        d.op = .system
    }
}
