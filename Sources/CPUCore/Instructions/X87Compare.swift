// SPDX-License-Identifier: MIT
// x87 comparison and classification: FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM FICOMP (to C3
// C2 C0), FCOMI FCOMIP FUCOMI FUCOMIP (to ZF PF CF), FTST, FXAM (SDM Vol. 1 §8.3.7, Table 8-6).

extension CPU {
    /// C3 C2 C0 for a comparison result (Vol. 2A "FCOM" table).
    @inline(__always) func x87Conditions(_ r: X87Relation) -> UInt16 {
        switch r {
        case .greater: return 0
        case .less: return X87Flags.c0
        case .equal: return X87Flags.c3
        case .unordered: return X87Flags.c0 | X87Flags.c2 | X87Flags.c3
        }
    }

    /// The masked response to an empty operand of a compare: "unordered", then the pops.
    func x87CompareUnderflow(pops: Int) {
        x87SetConditions(X87Flags.c0 | X87Flags.c2 | X87Flags.c3)
        x87StackUnderflow(dest: nil, pops: pops)
    }

    // MARK: - FCOM FCOMP FICOM FICOMP with a memory operand

    func fcomMemory(_ i: Inst, _ op: X87Op) -> Bool {
        let a = ea(i)
        // m32fp/m32int: 4 bytes, m64fp: 8, m16int: 2.
        let size: UInt8 = op == .fcomM32 || op == .ficomM32 ? 4 : op == .fcomM64 ? 8 : 2
        guard let raw = loadSized(a, size) else { memFault(i); return false }
        x87Note(i, a)
        x87ClearC1()
        let pops = X87Imm.pops(i.pointee.imm)
        if x87.isEmpty(0) { x87CompareUnderflow(pops: pops); return true }
        var fp = x87Rounding()
        let st0 = x87.st(0)
        let rel: X87Relation
        switch op {
        case .fcomM32, .fcomM64:
            let memNaN = op == .fcomM32 ? raw & 0x7FFF_FFFF > 0x7F80_0000
                                        : raw & 0x7FFF_FFFF_FFFF_FFFF > 0x7FF0_0000_0000_0000
            if st0.isNaN || st0.isUnsupported || memNaN {
                // FCOM signals on any NaN; the memory operand is not converted (no DE).
                fp.flags |= X87Flags.ie
                rel = .unordered
            } else {
                let b = op == .fcomM32 ? fp.fromFloat32(UInt32(truncatingIfNeeded: raw)) : fp.fromFloat64(raw)
                rel = fp.compare(st0, b, quiet: false)
            }
        case .ficomM32: rel = fp.compare(st0, SoftFloat80.fromInt(Int64(Int32(truncatingIfNeeded: raw))), quiet: false)
        default: rel = fp.compare(st0, SoftFloat80.fromInt(Int64(Int16(truncatingIfNeeded: raw))), quiet: false)
        }
        x87SetConditions(x87Conditions(rel))
        if x87Signal(fp.flags) {
            for _ in 0..<pops { x87.pop() }
        }
        return true
    }

    // MARK: - FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP between registers

    func fcomST(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        let n = X87Imm.sti(i.pointee.imm), pops = X87Imm.pops(i.pointee.imm)
        if x87.isEmpty(0) || x87.isEmpty(n) { x87CompareUnderflow(pops: pops); return true }
        var fp = x87Rounding()
        let rel = fp.compare(x87.st(0), x87.st(n), quiet: X87Imm.quiet(i.pointee.imm))
        x87SetConditions(x87Conditions(rel))
        if x87Signal(fp.flags) {
            for _ in 0..<pops { x87.pop() }
        }
        return true
    }

    // MARK: - FCOMI FCOMIP FUCOMI FUCOMIP — compare into EFLAGS (P6 family)

    /// ZF PF CF as an unsigned compare would set them (unordered: all three); OF SF AF cleared.
    func fcomi(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        let n = X87Imm.sti(i.pointee.imm), pops = X87Imm.pops(i.pointee.imm)
        var rel = X87Relation.unordered
        var fp = x87Rounding()
        let underflow = x87.isEmpty(0) || x87.isEmpty(n)
        if !underflow { rel = fp.compare(x87.st(0), x87.st(n), quiet: X87Imm.quiet(i.pointee.imm)) }
        materializeFlags()
        flagBits &= ~RFlags.status
        switch rel {
        case .greater: break
        case .less: flagBits |= RFlags.cf
        case .equal: flagBits |= RFlags.zf
        case .unordered: flagBits |= RFlags.zf | RFlags.pf | RFlags.cf
        }
        if underflow {
            x87StackUnderflow(dest: nil, pops: pops)
        } else if x87Signal(fp.flags) {
            for _ in 0..<pops { x87.pop() }
        }
        return true
    }

    // MARK: - FTST — compare ST(0) with +0.0

    func ftst(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        if x87.isEmpty(0) { x87CompareUnderflow(pops: 0); return true }
        var fp = x87Rounding()
        x87SetConditions(x87Conditions(fp.compare(x87.st(0), .zero, quiet: false)))
        x87Signal(fp.flags)
        return true
    }

    // MARK: - FXAM — classify ST(0)

    /// C3 C2 C0: 000 unsupported, 001 NaN, 010 normal, 011 infinity, 100 zero, 101 empty,
    /// 110 denormal; C1 is the sign even for an empty register. Raises no exception.
    func fxam(_ i: Inst) -> Bool {
        x87Note(i)
        let v = x87.st(0)
        var cc: UInt16
        if x87.isEmpty(0) {
            cc = X87Flags.c3 | X87Flags.c0
        } else if v.isZero {
            cc = X87Flags.c3
        } else if v.isDenormal {
            cc = X87Flags.c3 | X87Flags.c2
        } else if v.isUnsupported {
            cc = 0
        } else if v.isNaN {
            cc = X87Flags.c0
        } else if v.isInfinity {
            cc = X87Flags.c2 | X87Flags.c0
        } else {
            cc = X87Flags.c2
        }
        if v.sign { cc |= X87Flags.c1 }
        x87SetConditions(cc)
        return true
    }
}
