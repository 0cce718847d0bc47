// SPDX-License-Identifier: MIT
// x87 data transfer: FLD FILD FBLD and the constants, FST FSTP FIST FISTP FISTTP FBSTP, FXCH and
// FCMOVcc (SDM Vol. 1 §8.3.3, Vol. 2A/2B entries of each mnemonic).

extension CPU {
    // MARK: - FLD FILD FBLD — load to ST(0)

    /// FLD m32fp/m64fp/m80fp, FILD m16/m32/m64int, FBLD m80bcd. Memory is read first; a full
    /// stack is an overflow, which suppresses the conversion's own flags.
    func fldMemory(_ i: Inst, _ op: X87Op) -> Bool {
        let a = ea(i)
        var fp = x87Rounding()
        let v: Ext80
        switch op {
        case .fldM32:
            guard let u: UInt32 = load(a) else { memFault(i); return false }
            v = fp.fromFloat32(u)
        case .fldM64:
            guard let u: UInt64 = load(a) else { memFault(i); return false }
            v = fp.fromFloat64(u)
        case .fildM16:
            guard let u: UInt16 = load(a) else { memFault(i); return false }
            v = SoftFloat80.fromInt(Int64(Int16(bitPattern: u)))
        case .fildM32:
            guard let u: UInt32 = load(a) else { memFault(i); return false }
            v = SoftFloat80.fromInt(Int64(Int32(bitPattern: u)))
        case .fildM64:
            guard let u: UInt64 = load(a) else { memFault(i); return false }
            v = SoftFloat80.fromInt(Int64(bitPattern: u))
        case .fbld:
            guard let x = x87Load80(i, a) else { return false }
            v = SoftFloat80.fromBCD(x.sig, x.se)
        default:
            guard let x = x87Load80(i, a) else { return false }
            v = x
        }
        x87Note(i, a)
        x87ClearC1()
        if !x87.isEmpty(7) {
            x87StackOverflow()
        } else {
            // Only an unmasked IE (an SNaN) stops the load; an unmasked DE still loads.
            x87Signal(fp.flags)
            if fp.flags & X87Flags.ie == 0 || x87.fcw & X87Flags.ie != 0 { x87.push(v) }
        }
        return true
    }

    /// FLD ST(i).
    func fldST(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        let src = X87Imm.sti(i.pointee.imm)
        if !x87.isEmpty(7) { x87StackOverflow(); return true }
        var v = x87.st(src)
        if x87.isEmpty(src) {
            guard x87Signal(X87Flags.ie | X87Flags.sf) else { return true }
            v = .indefinite
        }
        x87.push(v)
        return true
    }

    /// FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ. The stored constants are rounded to
    /// nearest; the hardware rounds the 66-bit internal ones per FCW.RC (FCW.PC is ignored).
    func fldConstant(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        if !x87.isEmpty(7) { x87StackOverflow(); return true }
        let downOrChop: UInt64 = (x87.fcw >> 10) & 1 != 0 ? 1 : 0
        let up: UInt64 = (x87.fcw >> 10) & 3 == 2 ? 1 : 0
        let v: Ext80
        switch X87Imm.constant(i.pointee.imm) {
        case 0: v = .one
        case 1: v = Ext80(sig: 0xD49A_784B_CD1B_8AFE + up, se: 0x4000)               // log2(10)
        case 2: v = Ext80(sig: 0xB8AA_3B29_5C17_F0BC - downOrChop, se: 0x3FFF)       // log2(e)
        case 3: v = Ext80(sig: 0xC90F_DAA2_2168_C235 - downOrChop, se: 0x4000)       // π
        case 4: v = Ext80(sig: 0x9A20_9A84_FBCF_F799 - downOrChop, se: 0x3FFD)       // log10(2)
        case 5: v = Ext80(sig: 0xB172_17F7_D1CF_79AC - downOrChop, se: 0x3FFE)       // ln(2)
        default: v = .zero
        }
        x87.push(v)
        return true
    }

    // MARK: - FST FSTP — store ST(0)

    /// FST/FSTP m32fp and m64fp: rounded per FCW.RC (not PC). Flags are committed only once the
    /// store has succeeded, so a page fault leaves the FPU untouched.
    ///
    /// Every x87 store checks its destination first: an inaccessible one faults (#PF, #GP) even
    /// when an unmasked exception means nothing would be written. The unmasked exception itself
    /// is only reported by the next waiting instruction (SDM Vol. 1 §8.6), so it cannot pre-empt
    /// the store's own memory fault.
    func fstReal(_ i: Inst, _ size: Int) -> Bool {
        let a = ea(i)
        guard x87Probe(i, a, size, write: true) else { return false }
        let saved = x87.fsw
        x87ClearC1()
        var bits: UInt64 = size == 4 ? 0xFFC0_0000 : 0xFFF8_0000_0000_0000
        let deliver: Bool
        if x87.isEmpty(0) {
            deliver = x87Signal(X87Flags.ie | X87Flags.sf)
        } else {
            var fp = x87Rounding()
            bits = size == 4 ? UInt64(fp.toFloat32(x87.st(0))) : fp.toFloat64(x87.st(0))
            deliver = x87Signal(fp.flags, store: true)
        }
        if deliver {
            let ok = size == 4 ? store(a, UInt32(truncatingIfNeeded: bits)) : store(a, bits)
            guard ok else { x87.fsw = saved; memFault(i); return false }
            if X87Imm.pops(i.pointee.imm) != 0 { x87.pop() }
        }
        x87Note(i, a)
        return true
    }

    /// FSTP m80fp: a bit copy; only an empty ST(0) can fault.
    func fstpExtended(_ i: Inst) -> Bool {
        let a = ea(i)
        guard x87Probe(i, a, 10, write: true) else { return false }
        let saved = x87.fsw
        x87ClearC1()
        var v = Ext80.indefinite
        var deliver = true
        if x87.isEmpty(0) { deliver = x87Signal(X87Flags.ie | X87Flags.sf) } else { v = x87.st(0) }
        if deliver {
            guard x87Store80(i, a, v) else { x87.fsw = saved; return false }
            x87.pop()
        }
        x87Note(i, a)
        return true
    }

    /// FST/FSTP ST(i). The undocumented D9 D8+i form (FSTP1) pops an empty ST(0) silently.
    func fstST(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        let dst = X87Imm.sti(i.pointee.imm), pops = X87Imm.pops(i.pointee.imm)
        if x87.isEmpty(0) {
            if X87Imm.quiet(i.pointee.imm) { x87.pop() } else { x87StackUnderflow(dest: dst, pops: pops) }
            return true
        }
        x87.setST(dst, x87.st(0))
        if pops != 0 { x87.pop() }
        return true
    }

    // MARK: - FIST FISTP FISTTP FBSTP — store as integer

    /// FIST/FISTP m16int and m32int, FISTP m64int (FCW.RC), FISTTP (truncating).
    func fistInteger(_ i: Inst, _ op: X87Op) -> Bool {
        let bits: Int
        switch op {
        case .fistM16, .fisttM16: bits = 16
        case .fistM32, .fisttM32: bits = 32
        default: bits = 64
        }
        let truncate = op == .fisttM16 || op == .fisttM32 || op == .fisttM64
        let a = ea(i)
        guard x87Probe(i, a, bits / 8, write: true) else { return false }
        let saved = x87.fsw
        x87ClearC1()
        var v = Int64.min >> Int64(64 - bits)
        let deliver: Bool
        if x87.isEmpty(0) {
            deliver = x87Signal(X87Flags.ie | X87Flags.sf)
        } else {
            var fp = x87Rounding()
            v = fp.toInt(x87.st(0), bits: bits, truncate: truncate)
            deliver = x87Signal(fp.flags, store: true)
        }
        if deliver {
            let ok: Bool
            switch bits {
            case 16: ok = store(a, UInt16(truncatingIfNeeded: v))
            case 32: ok = store(a, UInt32(truncatingIfNeeded: v))
            default: ok = store(a, UInt64(bitPattern: v))
            }
            guard ok else { x87.fsw = saved; memFault(i); return false }
            if X87Imm.pops(i.pointee.imm) != 0 { x87.pop() }
        }
        x87Note(i, a)
        return true
    }

    /// FBSTP m80bcd.
    func fbstp(_ i: Inst) -> Bool {
        let a = ea(i)
        guard x87Probe(i, a, 10, write: true) else { return false }
        let saved = x87.fsw
        x87ClearC1()
        var v = Ext80(sig: 0xC000_0000_0000_0000, se: 0xFFFF)
        let deliver: Bool
        if x87.isEmpty(0) {
            deliver = x87Signal(X87Flags.ie | X87Flags.sf)
        } else {
            var fp = x87Rounding()
            let (lo, hi) = fp.toBCD(x87.st(0))
            v = Ext80(sig: lo, se: hi)
            deliver = x87Signal(fp.flags, store: true)
        }
        if deliver {
            guard x87Store80(i, a, v) else { x87.fsw = saved; return false }
            x87.pop()
        }
        x87Note(i, a)
        return true
    }

    // MARK: - FXCH — exchange

    func fxch(_ i: Inst) -> Bool {
        x87Note(i)
        x87ClearC1()
        let n = X87Imm.sti(i.pointee.imm)
        var a = x87.st(0), b = x87.st(n)
        if x87.isEmpty(0) || x87.isEmpty(n) {
            guard x87Signal(X87Flags.ie | X87Flags.sf) else { return true }
            if x87.isEmpty(0) { a = .indefinite }
            if x87.isEmpty(n) { b = .indefinite }
        }
        x87.setST(n, a)
        x87.setST(0, b)
        return true
    }

    // MARK: - FCMOVcc — conditional move (P6 family)

    /// Conditions by X87Imm.condition: B (CF), E (ZF), BE (CF or ZF), U (PF); bit 2 negates.
    func fcmov(_ i: Inst) -> Bool {
        x87Note(i)
        let n = X87Imm.sti(i.pointee.imm)
        if x87.isEmpty(0) || x87.isEmpty(n) {
            x87ClearC1()
            x87StackUnderflow(dest: 0)
            return true
        }
        let c = X87Imm.condition(i.pointee.imm)
        var take: Bool
        switch c & 3 {
        case 0: take = cf
        case 1: take = zf
        case 2: take = cf || zf
        default: take = pf
        }
        if c & 4 != 0 { take.toggle() }
        if take { x87.setST(0, x87.st(n)) }
        return true
    }
}
