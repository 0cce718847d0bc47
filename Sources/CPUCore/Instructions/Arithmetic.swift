// SPDX-License-Identifier: MIT
// Binary arithmetic and logic: ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT MUL IMUL DIV
// IDIV (SDM Vol. 1 §7.3.2–7.3.3; Vol. 2 entries of each mnemonic for the flag rules).

extension CPU {
    // MARK: - ADD OR ADC SBB AND SUB XOR CMP — SDM Vol. 2A "ADD", …, Vol. 2B "SUB"

    /// Computes `a op b`, records the flags and returns the result (for CMP, `a` unchanged).
    @inline(__always)
    func alu<T: FixedWidthInteger & UnsignedInteger>(_ op: UInt16, _ a: T, _ b: T) -> T {
        switch op {
        case 0: let r = a &+ b; setFlags(LazyFlags.add, r, a, b); return r
        case 1: let r = a | b; setFlags(LazyFlags.logic, r, 0, 0); return r
        case 2:
            let c = cf
            let r = a &+ b &+ (c ? 1 : 0)
            setFlags(c ? LazyFlags.adcC : LazyFlags.add, r, a, b); return r
        case 3:
            let c = cf
            let r = a &- b &- (c ? 1 : 0)
            setFlags(c ? LazyFlags.sbbB : LazyFlags.sub, r, a, b); return r
        case 4: let r = a & b; setFlags(LazyFlags.logic, r, 0, 0); return r
        case 5: let r = a &- b; setFlags(LazyFlags.sub, r, a, b); return r
        case 6: let r = a ^ b; setFlags(LazyFlags.logic, r, 0, 0); return r
        default: setFlags(LazyFlags.sub, a &- b, a, b); return a
        }
    }

    @inline(__always)
    func aluRR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let r = alu(i.pointee.aux, reg(i.pointee.r, T.self), reg(i.pointee.b, T.self))
        if i.pointee.aux != 7 { setReg(i.pointee.r, r) }
    }

    @inline(__always)
    func aluRI<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let r = alu(i.pointee.aux, reg(i.pointee.r, T.self), T(truncatingIfNeeded: i.pointee.imm))
        if i.pointee.aux != 7 { setReg(i.pointee.r, r) }
    }

    @inline(__always)
    func aluRM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        guard let m: T = load(ea(i)) else { memFault(i); return false }
        let r = alu(i.pointee.aux, reg(i.pointee.r, T.self), m)
        if i.pointee.aux != 7 { setReg(i.pointee.r, r) }
        return true
    }

    /// Memory destination, register or immediate source. The read-modify-write checks the write
    /// before recording flags, so a fault leaves no partial state.
    @inline(__always)
    func aluM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _ src: T) -> Bool {
        let a = ea(i)
        guard let m: T = load(a) else { memFault(i); return false }
        let saved = (lfOp, lfSign, lfRes, lfA, lfB)
        let r = alu(i.pointee.aux, m, src)
        if i.pointee.aux != 7 {
            guard store(a, r) else { (lfOp, lfSign, lfRes, lfA, lfB) = saved; memFault(i); return false }
        }
        return true
    }

    // MARK: - TEST — SDM Vol. 2B "TEST"

    @inline(__always)
    func test<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) {
        setFlags(LazyFlags.logic, a & b, 0, 0)
    }

    // MARK: - INC DEC NOT NEG — SDM Vol. 2A "INC", "DEC", Vol. 2B "NEG", "NOT"

    @inline(__always)
    func unaryOp<T: FixedWidthInteger & UnsignedInteger>(_ op: UInt16, _ a: T) -> T {
        switch op {
        case UnaryOp.not.rawValue: return ~a
        case UnaryOp.neg.rawValue: let r = 0 &- a; setFlags(LazyFlags.sub, r, 0, a); return r
        case UnaryOp.inc.rawValue: let r = a &+ 1; setIncDecFlags(LazyFlags.inc, r, a); return r
        default: let r = a &- 1; setIncDecFlags(LazyFlags.dec, r, a); return r
        }
    }

    func unaryR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        setReg(i.pointee.r, unaryOp(i.pointee.aux, reg(i.pointee.r, T.self)))
    }

    func unaryM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let a = ea(i)
        guard let m: T = load(a) else { memFault(i); return false }
        // Probe the write first so a fault leaves the flags untouched.
        guard store(a, m) else { memFault(i); return false }
        _ = store(a, unaryOp(i.pointee.aux, m))
        return true
    }

    // MARK: - MUL IMUL DIV IDIV — SDM Vol. 2A "DIV", "IDIV", "IMUL", Vol. 2B "MUL"

    /// F6/F7 /4–/7 with source `src`. Returns false with #DE pending on a divide error.
    func mulDiv<T: FixedWidthInteger & UnsignedInteger>(_ op: UInt16, _ src: T) -> Bool {
        let bits = T.bitWidth
        // Implicit operands: AL/AH for bytes (AX = AH:AL), else rDX:rAX.
        let lo: T = bits == 8 ? reg(0, T.self) : reg(0, T.self)
        let hi: T = bits == 8 ? reg(16, T.self) : reg(2, T.self)
        func writeBack(_ h: T, _ l: T) {
            if bits == 8 { setReg(0, UInt16(truncatingIfNeeded: h) << 8 | UInt16(truncatingIfNeeded: l)) }
            else { setReg(0, l); setReg(2, h) }
        }
        switch op {
        case 4:  // MUL: CF = OF = (upper half != 0); SF ZF AF PF undefined (Intel: SF ZF PF from the low half).
            let (h, l) = lo.multipliedFullWidth(by: src)
            let hh = T(truncatingIfNeeded: h)
            writeBack(hh, T(truncatingIfNeeded: l.magnitude))
            setFlagsCO(T(truncatingIfNeeded: l), cf: hh != 0, of: hh != 0)
        case 5:  // IMUL one-operand: CF = OF = (result does not fit the low half).
            let s = SignedOf<T>.make(lo), t = SignedOf<T>.make(src)
            let (h, l) = s.multipliedFullWidth(by: t)
            let low = T(truncatingIfNeeded: l)
            let high = T(truncatingIfNeeded: h)
            let signExt: T = (low >> T(bits - 1)) != 0 ? T.max : 0
            writeBack(high, low)
            setFlagsCO(low, cf: high != signExt, of: high != signExt)
        case 6:  // DIV
            guard src != 0, hi < src else { exception = CPUException(CPUException.DE); return false }
            let (q, r) = src.dividingFullWidth((high: hi, low: T.Magnitude(truncatingIfNeeded: lo)))
            if bits == 8 { writeBack(r, q) } else { setReg(0, q); setReg(2, r) }
        default: // IDIV
            guard src != 0 else { exception = CPUException(CPUException.DE); return false }
            let d = SignedOf<T>.make(src)
            let (q, r, ok) = SignedOf<T>.divide(hi: hi, lo: lo, by: d)
            guard ok else { exception = CPUException(CPUException.DE); return false }
            if bits == 8 { writeBack(r, q) } else { setReg(0, q); setReg(2, r) }
        }
        return true
    }

    /// IMUL r, r/m (and r, r/m, imm): truncated product, CF = OF = overflow (SDM Vol. 2A "IMUL").
    func imul<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) -> T {
        let s = SignedOf<T>.make(a), t = SignedOf<T>.make(b)
        let (r, o) = s.multipliedReportingOverflow(by: t)
        let res = T(truncatingIfNeeded: r)
        setFlagsCO(res, cf: o, of: o)
        return res
    }
}

/// Signed views of the unsigned operand types, for IMUL and IDIV.
@usableFromInline enum SignedOf<T: FixedWidthInteger & UnsignedInteger> {
    static func make(_ v: T) -> Int64Like { Int64Like(v) }

    /// Signed division of hi:lo by d; `ok` false when the quotient does not fit (#DE).
    static func divide(hi: T, lo: T, by d: Int64Like) -> (T, T, Bool) {
        let bits = T.bitWidth
        if bits == 64 {
            let dividend = (Int128(Int64(bitPattern: UInt64(hi))) << 64) | Int128(UInt64(lo))
            let dv = Int128(d.value)
            let q = dividend / dv, r = dividend % dv
            guard q >= Int128(Int64.min), q <= Int128(Int64.max) else { return (0, 0, false) }
            return (T(truncatingIfNeeded: Int64(q)), T(truncatingIfNeeded: Int64(r)), true)
        }
        let dividend = (Int64(bitPattern: (UInt64(hi) << UInt64(bits)) | UInt64(lo)) << UInt64(64 - 2 * bits)) >> UInt64(64 - 2 * bits)
        // Int64.min / -1 (a 32-bit IDIV of 0x80000000_00000000 by -1) would trap: it is #DE.
        let (q, qo) = dividend.dividedReportingOverflow(by: d.value)
        let (r, ro) = dividend.remainderReportingOverflow(dividingBy: d.value)
        guard !qo, !ro else { return (0, 0, false) }
        let maxQ = (Int64(1) << (bits - 1)) - 1, minQ = -(Int64(1) << (bits - 1))
        guard q >= minQ, q <= maxQ else { return (0, 0, false) }
        return (T(truncatingIfNeeded: q), T(truncatingIfNeeded: r), true)
    }
}

/// A sign-extended operand of any width, as Int64, with full-width multiply for 64-bit operands.
@usableFromInline struct Int64Like {
    @usableFromInline let value: Int64
    @usableFromInline let bits: Int
    init<T: FixedWidthInteger & UnsignedInteger>(_ v: T) {
        bits = T.bitWidth
        value = Int64(bitPattern: UInt64(truncatingIfNeeded: v) << UInt64(64 - bits)) >> Int64(64 - bits)
    }
    /// Full product as (high, low) halves of width `bits`.
    func multipliedFullWidth(by o: Int64Like) -> (UInt64, UInt64) {
        if bits == 64 {
            let p = Int128(value) * Int128(o.value)
            return (UInt64(truncatingIfNeeded: p >> 64), UInt64(truncatingIfNeeded: p))
        }
        let p = value * o.value
        return (UInt64(bitPattern: p >> Int64(bits)), UInt64(bitPattern: p))
    }
    func multipliedReportingOverflow(by o: Int64Like) -> (Int64, Bool) {
        if bits == 64 { return value.multipliedReportingOverflow(by: o.value) }
        let p = value * o.value
        let t = (p << Int64(64 - bits)) >> Int64(64 - bits)
        return (p, t != p)
    }
}
