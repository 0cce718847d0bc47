// SPDX-License-Identifier: MIT
// x87 basic arithmetic: FADD FSUB FSUBR FMUL FDIV FDIVR in all operand forms (and FIADD …
// FIDIVR), FCHS FABS FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 (SDM Vol. 1 §8.3.5–8.3.6).

extension CPU {
    /// `a op b` with `a` the destination operand (X87Arith).
    @inline(__always)
    func x87Apply(_ fp: inout SoftFloat80, _ k: X87Arith, _ a: Ext80, _ b: Ext80) -> Ext80 {
        switch k {
        case .add: return fp.add(a, b)
        case .mul: return fp.mul(a, b)
        case .sub: return fp.sub(a, b)
        case .subr: return fp.sub(b, a)
        case .div: return fp.div(a, b)
        case .divr: return fp.div(b, a)
        }
    }

    // MARK: - FADD FMUL FSUB FSUBR FDIV FDIVR with a memory operand

    /// ST(0) ← ST(0) op m32fp / m64fp / m16int / m32int. A NaN in memory keeps its signalling
    /// status for the choice of NaN result (Table 4-7), as converting it would quiet it.
    func arithMemory(_ i: Inst, _ op: X87Op) -> Bool {
        let a = ea(i)
        // m32fp/m32int: 4 bytes, m64fp: 8, m16int: 2.
        let size: UInt8 = op == .arithM32 || op == .arithI32 ? 4 : op == .arithM64 ? 8 : 2
        guard let raw = loadSized(a, size) else { memFault(i); return false }
        x87Note(i, a)
        x87ClearC1()
        if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
        var fp = x87Rounding()
        let st0 = x87.st(0)
        if st0.isUnsupported {
            // Invalid before the memory operand is converted: no DE from it.
            if x87Signal(X87Flags.ie) { x87.setST(0, .indefinite) }
            return true
        }
        let b: Ext80
        var bSignaling = false, bNaN = false
        switch op {
        case .arithM32:
            let u = UInt32(truncatingIfNeeded: raw)
            bNaN = u & 0x7FFF_FFFF > 0x7F80_0000
            bSignaling = bNaN && u & 0x40_0000 == 0
            b = fp.fromFloat32(u)
        case .arithM64:
            bNaN = raw & 0x7FFF_FFFF_FFFF_FFFF > 0x7FF0_0000_0000_0000
            bSignaling = bNaN && raw & (1 << 51) == 0
            b = fp.fromFloat64(raw)
        case .arithI32: b = SoftFloat80.fromInt(Int64(Int32(truncatingIfNeeded: raw)))
        default: b = SoftFloat80.fromInt(Int64(Int16(truncatingIfNeeded: raw)))
        }
        let r: Ext80
        if st0.isNaN || bNaN {
            fp.flags &= ~X87Flags.de
            r = fp.propagateNaN(st0, b, bSignaling: bSignaling)
        } else {
            r = x87Apply(&fp, X87Imm.arith(i.pointee.imm), st0, b)
        }
        if x87Signal(fp.flags) { x87.setST(0, r) }
        return true
    }

    // MARK: - FADD FMUL FSUB FSUBR FDIV FDIVR between registers

    /// ST(0) ← ST(0) op ST(i) (D8), or ST(i) ← ST(i) op ST(0) (DC), popping for the DE forms.
    func arithRegister(_ i: Inst, toST0: Bool) -> Bool {
        x87Note(i)
        x87ClearC1()
        let n = X87Imm.sti(i.pointee.imm), pops = X87Imm.pops(i.pointee.imm)
        let (dst, src) = toST0 ? (0, n) : (n, 0)
        if x87.isEmpty(0) || x87.isEmpty(n) {
            x87StackUnderflow(dest: dst, pops: pops)
            return true
        }
        var fp = x87Rounding()
        let r = x87Apply(&fp, X87Imm.arith(i.pointee.imm), x87.st(dst), x87.st(src))
        if x87Signal(fp.flags) {
            x87.setST(dst, r)
            if pops != 0 { x87.pop() }
        }
        return true
    }

    // MARK: - FCHS FABS — sign operations (no exceptions besides stack underflow)

    func fchsFabs(_ i: Inst, _ chs: Bool) -> Bool {
        x87Note(i)
        if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
        x87ClearC1()
        let v = x87.st(0)
        x87.setST(0, chs ? v.negated : v.magnitude)
        return true
    }

    // MARK: - FSQRT FRNDINT

    /// FSQRT (rounded per FCW.PC and RC) and FRNDINT (to an integer per FCW.RC).
    func unaryArith(_ i: Inst, _ op: X87Op) -> Bool {
        x87Note(i)
        x87ClearC1()
        if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
        var fp = x87Rounding()
        let r = op == .fsqrt ? fp.sqrt(x87.st(0)) : fp.roundToInt(x87.st(0))
        if x87Signal(fp.flags) { x87.setST(0, r) }
        return true
    }

    // MARK: - FSCALE — ST(0) · 2^trunc(ST(1))

    func fscale(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        if x87.isEmpty(0) || x87.isEmpty(1) { x87StackUnderflow(dest: 0); return true }
        var fp = x87Rounding(fullPrecision: true)
        let r = fp.scale(x87.st(0), x87.st(1))
        if x87Signal(fp.flags) { x87.setST(0, r) }
        return true
    }

    // MARK: - FXTRACT — exponent to ST(1), significand to ST(0)

    func fxtract(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        if x87TwoResultStackFault() { return true }
        var fp = x87Rounding()
        let (e, s) = fp.extract(x87.st(0))
        if x87Signal(fp.flags) {
            x87.setST(0, e)
            x87.push(s)
        }
        return true
    }

    /// The stack checks of the instructions that replace ST(0) and push a second result
    /// (FXTRACT FPTAN FSINCOS): an empty ST(0) underflows, a full ST(7) overflows; the masked
    /// response leaves the indefinite in both places.
    func x87TwoResultStackFault() -> Bool {
        let under = x87.isEmpty(0)
        if !under && x87.isEmpty(7) { return false }
        if x87.fcw & X87Flags.ie != 0 {
            x87.setST(0, .indefinite)
            x87.push(.indefinite)
        }
        x87Signal(X87Flags.ie | X87Flags.sf | (under ? 0 : X87Flags.c1))
        return true
    }

    // MARK: - FPREM FPREM1 — partial remainder

    /// C2 = 1 reports an incomplete reduction; otherwise C0 C3 C1 are quotient bits 2, 1, 0.
    func fprem(_ i: Inst, nearest: Bool) -> Bool {
        x87Note(i)
        x87.fsw &= ~(X87Flags.c1 | X87Flags.c2)
        if x87.isEmpty(0) || x87.isEmpty(1) { x87StackUnderflow(dest: 0); return true }
        var fp = x87Rounding(fullPrecision: true)
        let r = fp.remainder(x87.st(0), x87.st(1), nearest: nearest)
        if x87Signal(fp.flags) {
            if r.setsConditions {
                var cc: UInt16 = 0
                if !r.complete {
                    cc = X87Flags.c2
                } else {
                    if r.quotient & 1 != 0 { cc |= X87Flags.c1 }
                    if r.quotient & 2 != 0 { cc |= X87Flags.c3 }
                    if r.quotient & 4 != 0 { cc |= X87Flags.c0 }
                }
                x87SetConditions(cc)
            }
            x87.setST(0, r.value)
        }
        return true
    }
}
