// SPDX-License-Identifier: MIT
// x87 transcendental instructions: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1 (SDM Vol. 1
// §8.3.9–8.3.10, Vol. 2A entries). Normally they run on the host x87 (X87HostFPU.swift) and are
// bit-exact to the host CPU. Without an executable page for the stubs, they fall back to the host
// libm on `Float80`: special operands, stack faults, C2 for |x| ≥ 2^63, DE and IE then follow the
// SDM tables, FPATAN is still exact (glibc `atan2l` on x86-64 is FPATAN, run under the guest
// rounding mode), and the others are within a few ulps (about 85% identical) with C1 = 0.
import Glibc

extension CPU {
    func transcendental(_ i: Inst, _ op: X87Op) -> Bool {
        x87Note(i)
        x87ClearC1()
        return X87HostFPU.shared.stubs.isEmpty ? transcendentalLibm(op) : hostTranscendental(op)
    }

    /// The fallback without host stubs: libm on `Float80`, special operands per the SDM tables.
    func transcendentalLibm(_ op: X87Op) -> Bool {
        switch op {
        case .fsin, .fcos:
            x87.fsw &= ~X87Flags.c2
            if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
            var fp = x87Rounding(fullPrecision: true)
            guard let r = trigonometric(&fp, x87.st(0), op == .fsin ? .sin : .cos) else { return true }
            if x87Signal(fp.flags) { x87.setST(0, r) }
        case .fsincos, .fptan:
            x87.fsw &= ~X87Flags.c2
            if x87TwoResultStackFault() { return true }
            var fp = x87Rounding(fullPrecision: true)
            let x = x87.st(0)
            let first: Ext80, second: Ext80
            if op == .fsincos {
                guard let s = trigonometric(&fp, x, .sin), let c = trigonometric(&fp, x, .cos) else { return true }
                (first, second) = (s, c)
            } else {
                guard let t = trigonometric(&fp, x, .tan) else { return true }
                // A NaN operand is pushed again instead of 1.0.
                (first, second) = (t, t.isNaN ? t : .one)
            }
            if x87Signal(fp.flags) {
                x87.setST(0, first)
                x87.push(second)
            }
        case .f2xm1:
            if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
            var fp = x87Rounding(fullPrecision: true)
            let r = f2xm1(&fp, x87.st(0))
            if x87Signal(fp.flags) { x87.setST(0, r) }
        default:
            if x87.isEmpty(0) || x87.isEmpty(1) { x87StackUnderflow(dest: 1, pops: 1); return true }
            var fp = x87Rounding(fullPrecision: true)
            let x = x87.st(0), y = x87.st(1)
            let r = op == .fpatan ? fpatan(&fp, y, x) : fyl2x(&fp, x, y, plusOne: op == .fyl2xp1)
            if x87Signal(fp.flags) {
                x87.pop()
                x87.setST(0, r)
            }
        }
        return true
    }

    /// The instruction on the host x87 under the guest FCW, after the stack checks; the flags
    /// and whether the result is delivered follow from the host FSW.
    private func hostTranscendental(_ op: X87Op) -> Bool {
        let host = X87HostFPU.shared
        x87.fsw &= ~X87Flags.c2
        switch op {
        case .fsin, .fcos, .f2xm1:
            if x87.isEmpty(0) { x87StackUnderflow(dest: 0); return true }
        case .fsincos, .fptan:
            if x87TwoResultStackFault() { return true }
        default:
            if x87.isEmpty(0) || x87.isEmpty(1) { x87StackUnderflow(dest: 1, pops: 1); return true }
        }
        let y = x87.isEmpty(1) ? Ext80.zero : x87.st(1)
        guard let (sw, r0, r1) = host.run(op, fcw: x87.fcw, x87.st(0), y) else { return true }
        if sw & X87Flags.c2 != 0 {
            // |x| ≥ 2^63: operand left as it is, C2 set, no exception.
            x87.fsw |= X87Flags.c2
            return true
        }
        guard x87Signal(sw & (X87Flags.exceptions | X87Flags.c1)) else { return true }
        switch op {
        case .fsin, .fcos, .f2xm1: x87.setST(0, r0)
        case .fsincos, .fptan:
            x87.setST(0, r1)
            x87.push(r0)
        default:
            x87.pop()
            x87.setST(0, r0)
        }
        return true
    }

    enum Trigonometric { case sin, cos, tan }

    /// Shared operand handling of FSIN FCOS FPTAN FSINCOS. Returns nil when |x| ≥ 2^63: C2 is
    /// set and ST(0) is left unchanged. For a denormal x the hardware returns x (sine, tangent)
    /// or 1 (cosine), inexact; C1 tells which way the true value lies.
    private func trigonometric(_ fp: inout SoftFloat80, _ x: Ext80, _ f: Trigonometric) -> Ext80? {
        if x.isUnsupported || x.isInfinity { return fp.invalid() }
        if x.isNaN { return fp.propagateNaN(x, .zero) }
        if x.exp >= 0x403E {
            x87.fsw |= X87Flags.c2
            return nil
        }
        if x.isZero { return f == .cos ? .one : x }
        if x.isDenormal {
            fp.flags |= X87Flags.de | X87Flags.pe | (f == .tan ? 0 : X87Flags.c1)
            if f == .cos { return .one }
            // A pseudo-denormal is not tiny and comes back normalised; a denormal underflows
            // (biased when UE is unmasked).
            if x.sig >> 63 == 0 { fp.flags |= X87Flags.ue }
            let (e, sig) = normalizeSubnormal(x.sig)
            return fp.normRoundPack(x.sign, e, sig, 0, bits: 64)
        }
        let h = hostFloat(x)
        switch f {
        case .sin: return hostResult(&fp, sinl(h))
        case .cos: return hostResult(&fp, cosl(h))
        case .tan: return hostResult(&fp, tanl(h))
        }
    }

    /// FPATAN: ST(1) ← arctan(ST(1)/ST(0)) with the quadrant of (ST(0), ST(1)), from the host's
    /// FPATAN under the guest rounding mode: result, PE UE, and C1 by comparison with the result
    /// rounded toward zero.
    private func fpatan(_ fp: inout SoftFloat80, _ y: Ext80, _ x: Ext80) -> Ext80 {
        if x.isUnsupported || y.isUnsupported { return fp.invalid() }
        if x.isNaN || y.isNaN { return fp.propagateNaN(y, x) }
        // DE comes from the operands only: the libm wrapper compares the result afterwards.
        if x.isDenormal || y.isDenormal { fp.flags |= X87Flags.de }
        let (r, sw) = hostAtan2(hostFloat(y), hostFloat(x), rc: fp.rc)
        if sw & X87Flags.ue != 0 && fp.unmasked(X87Flags.ue) && !x.sign {
            // A tiny result is arctan(t) = t(1 − t²/3 …) with t = y/x below 2^-16382: to 64 bits
            // that is y/x, which the division delivers with the unmasked-underflow bias.
            var d = fp
            var q = d.div(y, x)
            fp.flags |= d.flags & ~X87Flags.de
            if d.flags & X87Flags.pe == 0 {
                // y/x exact: arctan is just below it in magnitude.
                fp.flags |= X87Flags.pe
                if fp.rc == SoftFloat80.rcZero || fp.roundsAway(!q.sign) {
                    q = q.sig == 1 << 63 ? Ext80(sig: UInt64.max, se: q.se - 1) : Ext80(sig: q.sig - 1, se: q.se)
                } else {
                    fp.flags |= X87Flags.c1
                }
            }
            return q
        }
        fp.flags |= sw & (X87Flags.ue | X87Flags.oe | X87Flags.pe)
        if sw & X87Flags.pe != 0 && fp.rc != SoftFloat80.rcZero {
            let (t, _) = hostAtan2(hostFloat(y), hostFloat(x), rc: SoftFloat80.rcZero)
            if r.magnitude > t.magnitude { fp.flags |= X87Flags.c1 }
        }
        return hostBits(r)
    }

    /// glibc's `atan2l` on x86-64 is the FPATAN instruction behind checks for special operands.
    /// It runs under host FCW = guest RC, 64-bit precision, exceptions masked; the host FSW is
    /// returned. Operands, result and both fenv_t images share one allocation whose address is
    /// passed to fesetenv/fegetenv, so the compiler cannot move the call across them.
    private func hostAtan2(_ y: Float80, _ x: Float80, rc: UInt16) -> (Float80, UInt16) {
        let buf = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 16)
        defer { buf.deallocate() }
        let env = buf.bindMemory(to: fenv_t.self, capacity: 1)
        fegetenv(env)
        var saved = env.pointee
        env.pointee.__control_word = env.pointee.__control_word & ~0x0F3F | 0x033F | rc << 10
        env.pointee.__status_word = 0
        buf.storeBytes(of: y, toByteOffset: 64, as: Float80.self)
        buf.storeBytes(of: x, toByteOffset: 80, as: Float80.self)
        fesetenv(env)
        let r = atan2l(buf.load(fromByteOffset: 64, as: Float80.self), buf.load(fromByteOffset: 80, as: Float80.self))
        buf.storeBytes(of: r, toByteOffset: 96, as: Float80.self)
        fegetenv(buf.advanced(by: 32).assumingMemoryBound(to: fenv_t.self))
        let sw = buf.load(fromByteOffset: 36, as: UInt16.self)
        let result = buf.load(fromByteOffset: 96, as: Float80.self)
        fesetenv(&saved)
        return (result, sw)
    }

    /// F2XM1: 2^x − 1 for −1 ≤ x ≤ 1 (outside that range the result is undefined).
    private func f2xm1(_ fp: inout SoftFloat80, _ x: Ext80) -> Ext80 {
        if x.isUnsupported { return fp.invalid() }
        if x.isNaN { return fp.propagateNaN(x, .zero) }
        if x.isZero { return x }
        if x.isInfinity { return x.sign ? Ext80(sign: true, exp: 0x3FFF, sig: 1 << 63) : x }
        // Outside −1…+1 the result is undefined; the hardware this was checked on returns the
        // operand unchanged, inexact.
        if x.exp >= 0x3FFF && !(x.exp == 0x3FFF && x.sig == 1 << 63) {
            fp.flags |= X87Flags.pe
            return x
        }
        if x.isDenormal { fp.flags |= X87Flags.de }
        let h = hostFloat(x)
        return hostResult(&fp, expm1l(h * 0.693147180559945309417232121458176568))
    }

    /// FYL2X: ST(1) · log2(ST(0)); FYL2XP1: ST(1) · log2(ST(0) + 1). Special operands per the
    /// SDM tables: a negative argument, 0 · ∞ and ∞ · 0 are invalid; log2(±0) with a finite
    /// nonzero ST(1) divides by zero.
    private func fyl2x(_ fp: inout SoftFloat80, _ x: Ext80, _ y: Ext80, plusOne: Bool) -> Ext80 {
        if x.isUnsupported || y.isUnsupported { return fp.invalid() }
        if x.isNaN || y.isNaN { return fp.propagateNaN(x, y) }
        let hx = hostFloat(x)
        let log = plusOne ? log1pl(hx) * 1.44269504088896340735992468100189214 : log2l(hx)
        if log.isNaN || (log.isInfinite && y.isZero) || (log == 0 && y.isInfinity) { return fp.invalid() }
        if x.isDenormal || y.isDenormal { fp.flags |= X87Flags.de }
        if log == -.infinity && !y.isInfinity { fp.flags |= X87Flags.ze }
        let r = hostFloat(y) * log
        // Zero and infinite logarithms or multipliers give exact signed results.
        if log == 0 || log.isInfinite || y.isZero || y.isInfinity { return hostBits(r) }
        return hostResult(&fp, r)
    }

    // MARK: - Host Float80 bridge

    private func hostFloat(_ v: Ext80) -> Float80 {
        var f: Float80 = 0
        withUnsafeMutableBytes(of: &f) {
            $0.storeBytes(of: v.sig, as: UInt64.self)
            $0.storeBytes(of: v.se, toByteOffset: 8, as: UInt16.self)
        }
        return f
    }

    private func hostBits(_ f: Float80) -> Ext80 {
        withUnsafeBytes(of: f) { Ext80(sig: $0.load(as: UInt64.self), se: $0.load(fromByteOffset: 8, as: UInt16.self)) }
    }

    /// An inexact host result: PE, plus UE when it is tiny, OE when it overflowed.
    private func hostResult(_ fp: inout SoftFloat80, _ f: Float80) -> Ext80 {
        let v = hostBits(f)
        if v.isNaN { return fp.invalid() }
        fp.flags |= X87Flags.pe
        if v.exp == 0 { fp.flags |= X87Flags.ue }
        if v.isInfinity { fp.flags |= X87Flags.oe }
        return v
    }
}
