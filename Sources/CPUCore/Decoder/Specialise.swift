// SPDX-License-Identifier: MIT
// Picks the hot specialised micro-op for a generic decoded form (DESIGN.md §6: micro-ops
// specialised by operand form and size). Chosen from the instruction mix of the integer
// benchmarks (gcc -O2 output): 64- and 32-bit register ALU forms, immediate shifts, IMUL.

extension Decoder {
    static func specialised(_ d: DecodedInstruction) -> MicroOp {
        let alu = AluOp(rawValue: d.aux)
        switch d.op {
        case .aluRR64:
            switch alu {
            case .add: return .addRR64
            case .sub: return .subRR64
            case .cmp: return .cmpRR64
            case .xor: return .xorRR64
            case .and: return .andRR64
            case .or: return .orRR64
            default: return d.op
            }
        case .aluRI64:
            switch alu {
            case .add: return .addRI64
            case .sub: return .subRI64
            case .cmp: return .cmpRI64
            case .and: return .andRI64
            default: return d.op
            }
        case .aluRR32:
            switch alu {
            case .add: return .addRR32
            case .sub: return .subRR32
            case .cmp: return .cmpRR32
            case .xor: return .xorRR32
            case .and: return .andRR32
            case .or: return .orRR32
            default: return d.op
            }
        case .aluRI32:
            switch alu {
            case .add: return .addRI32
            case .cmp: return .cmpRI32
            case .and: return .andRI32
            default: return d.op
            }
        case .aluRM64:
            if alu == .cmp { return .cmpRM64 }
            if alu == .add { return .addRM64 }
            return alu == .adc || alu == .sbb ? d.op : .aluRM64fast
        case .aluRM32:
            if alu == .cmp { return .cmpRM32 }
            return alu == .adc || alu == .sbb ? d.op : .aluRM32fast
        case .aluMR8 where alu == .cmp: return .cmpMR8
        case .aluRM8 where alu == .cmp: return .cmpRM8
        case .aluRR8 where alu == .cmp: return .cmpRR8
        case .aluRI8 where alu == .cmp: return .cmpRI8
        case .aluMR32 where alu == .cmp: return .cmpMR32
        case .aluMR64 where alu == .cmp: return .cmpMR64
        case .aluMI8 where alu == .cmp: return .cmpMI8
        case .aluMI32 where alu == .cmp: return .cmpMI32
        case .aluMI64 where alu == .cmp: return .cmpMI64
        case .movzxRM where d.osz >= 4: return d.aux == 1 ? .movzxbRM : .movzxwRM
        case .movzxRR where d.osz >= 4: return d.aux == 1 ? .movzxbRR : .movzxwRR
        case .movsxRM where d.osz == 8 && d.aux == 4: return .movsxdRM
        case .movsxRR where d.osz == 8 && d.aux == 4: return .movsxdRR
        case .shiftR where d.aux >> 8 == ShiftCount.imm.rawValue && (d.osz == 8 || d.osz == 4):
            // Lazy-flag forms need a count of 1…width−1 after masking.
            let count = d.imm & (d.osz == 8 ? 0x3F : 0x1F)
            guard count != 0 else { return d.op }
            switch (ShiftOp(rawValue: d.aux & 7)!, d.osz) {
            case (.shl, 8), (.sal, 8): return .shlRI64
            case (.shr, 8): return .shrRI64
            case (.sar, 8): return .sarRI64
            case (.rol, 8): return .rolRI64
            case (.ror, 8): return .rorRI64
            case (.shl, 4), (.sal, 4): return .shlRI32
            case (.shr, 4): return .shrRI32
            case (.sar, 4): return .sarRI32
            case (.rol, 4): return .rolRI32
            case (.ror, 4): return .rorRI32
            default: return d.op
            }
        case .jcc where d.aux == 4: return .jz
        case .jcc where d.aux == 5: return .jnz
        case .imul2RR where d.osz == 8: return .imul2RR64
        case .imul3RR where d.osz == 8: return .imul3RR64
        default: return d.op
        }
    }
}
