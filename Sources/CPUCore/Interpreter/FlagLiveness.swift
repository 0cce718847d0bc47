// SPDX-License-Identifier: MIT
// Flag liveness within a block: an instruction whose flag results are overwritten by a later
// instruction of the same block before anything could observe them — a reader, or an
// instruction that might fault and so push RFLAGS — need not compute them. Used for the
// rotates and INC/DEC, whose partial flag updates otherwise force a full materialisation.

extension MicroOp {
    /// Register-only forms that write all six status flags and cannot fault.
    var writesAllFlags: Bool {
        switch self {
        case .addRR64, .addRI64, .subRR64, .subRI64, .cmpRR64, .cmpRI64, .cmpRR32, .cmpRI32, .addRR32, .addRI32,
             .xorRR32, .andRI32, .xorRR64, .andRR64, .orRR64, .andRI64, .subRR32,
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
             .lea16, .lea32, .lea64, .nop, .movzxRR, .movsxRR, .bswap, .xchgRR, .cbw, .cwd:
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
}

extension BlockCache {
    /// Marks the records `[start, start+count)` whose flag results are dead. Flags are live at the block's end.
    func markDeadFlags(start: Int, count: Int) {
        var live = true
        for k in stride(from: start + count - 1, through: start, by: -1) {
            let op = records[k].op
            if op.flagsElidable && !live { records[k].flagsDead = true; continue }
            records[k].flagsDead = false
            if op.writesAllFlags {
                live = false
            } else if !op.flagNeutral {
                live = true
            }
        }
    }
}
