// SPDX-License-Identifier: MIT
// Flag liveness within a block: an instruction whose flag results are overwritten by a later
// instruction of the same block before anything could observe them — a reader, or an
// instruction that might fault and so push RFLAGS — need not compute them. The rotates and
// INC/DEC test `flagsDead` (their partial flag updates otherwise force a full materialisation);
// the hot ALU, shift and IMUL forms are replaced by flag-free micro-ops.

extension MicroOp {
    /// Register-only forms that write all six status flags and cannot fault.
    var writesAllFlags: Bool {
        switch self {
        case .addRR64, .addRI64, .subRR64, .subRI64, .cmpRR64, .cmpRI64, .cmpRR32, .cmpRI32, .addRR32, .addRI32,
             .xorRR32, .andRI32, .andRR32, .orRR32, .xorRR64, .andRR64, .orRR64, .andRI64, .subRR32,
             .testRR8, .testRR16, .testRR32, .testRR64, .testRI8, .testRI16, .testRI32, .testRI64,
             .shlRI64, .shrRI64, .sarRI64, .shlRI32, .shrRI32, .sarRI32, .imul2RR64, .imul3RR64:
            return true
        default:
            return false
        }
    }

    /// Register-only forms that neither read nor write flags and cannot fault.
    var flagNeutral: Bool {
        switch self {
        case .movRR8, .movRR16, .movRR32, .movRR64, .movRI8, .movRI16, .movRI32, .movRI64,
             .lea16, .lea32, .lea64, .nop, .movzxRR, .movsxRR, .bswap, .xchgRR, .cbw, .cwd, .notR32, .notR64:
            return true
        default:
            return false
        }
    }

    /// Forms that may skip their flag work when `flagsDead` is set.
    var flagsElidable: Bool {
        switch self {
        case .rolRI64, .rorRI64, .rolRI32, .rorRI32, .incR64, .decR64: return true
        default: return false
        }
    }

    /// The same operation without its flag work, for forms that read no flags and write them all
    /// (or fault before writing any: a load that faults leaves the flags untouched either way).
    var flagFree: MicroOp? {
        switch self {
        case .addRR64: return .addRR64nf
        case .addRI64: return .addRI64nf
        case .subRR64: return .subRR64nf
        case .subRI64: return .subRI64nf
        case .addRR32: return .addRR32nf
        case .addRI32: return .addRI32nf
        case .subRR32: return .subRR32nf
        case .xorRR64: return .xorRR64nf
        case .andRR64: return .andRR64nf
        case .orRR64: return .orRR64nf
        case .andRI64: return .andRI64nf
        case .xorRR32: return .xorRR32nf
        case .andRI32: return .andRI32nf
        case .andRR32: return .andRR32nf
        case .orRR32: return .orRR32nf
        case .shlRI64: return .shlRI64nf
        case .shrRI64: return .shrRI64nf
        case .sarRI64: return .sarRI64nf
        case .shlRI32: return .shlRI32nf
        case .shrRI32: return .shrRI32nf
        case .sarRI32: return .sarRI32nf
        case .imul2RR64: return .imul2RR64nf
        case .imul3RR64: return .imul3RR64nf
        case .aluRM64fast: return .aluRM64fastNF
        case .aluRM32fast: return .aluRM32fastNF
        default: return nil
        }
    }
}

extension BlockCache {
    /// Marks the records `[start, start+count)` whose flag results are dead. Flags are live at the block's end.
    func markDeadFlags(start: Int, count: Int) {
        var live = true
        for k in stride(from: start + count - 1, through: start, by: -1) {
            let op = records[k].op
            if op.flagsElidable && !live { records[k].flagsDead = true; continue }
            if !live, let free = op.flagFree { records[k].op = free; records[k].flagsDead = true; continue }
            records[k].flagsDead = false
            if op.writesAllFlags {
                live = false
            } else if !op.flagNeutral && !(op == .sseFast && records[k].sub.flagNeutral) {
                live = true
            }
        }
    }
}

extension SSEFastOp {
    /// Register forms that cannot fault (no memory operand, no SIMD floating point) and touch no flags.
    var flagNeutral: Bool {
        switch self {
        case .xmmMovRR, .movsdRR, .movqRR, .movdXR, .movdRX, .pxorRR, .porRR, .pandRR, .pandnRR,
             .paddbRR, .paddwRR, .padddRR, .paddqRR, .psubbRR, .psubwRR, .psubdRR, .psubqRR,
             .pcmpeqbRR, .pcmpeqdRR, .pmuludqRR, .punpcklbwRR, .punpcklwdRR, .punpckldqRR, .punpcklqdqRR,
             .punpckhbwRR, .punpckhwdRR, .punpckhdqRR, .punpckhqdqRR, .pshufdRR,
             .psrlwI, .psrldI, .psrlqI, .psllwI, .pslldI, .psllqI, .psrawI, .psradI, .psrldqI, .pslldqI, .xmmZero:
            return true
        default:
            return false
        }
    }
}
