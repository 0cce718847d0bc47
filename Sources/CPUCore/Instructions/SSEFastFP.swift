// SPDX-License-Identifier: MIT
// Double-precision ADD SUB MUL DIV (PD and SD) and MAXSD MINSD without the MXCSR bracket of
// SSEHostFPU.swift, where that provably gives the same result and the same MXCSR.
//
// The host computes in its default mode (round to nearest, no DAZ/FTZ: `CPU.hostFPDefault`).
// The fast path is taken when the guest's MXCSR has every exception masked, RC = nearest and the
// sticky PE flag already set, and every lane has operands that are normal or zero and a result
// that is finite with a biased exponent ≥ 2, or an exact zero. Then (SDM Vol. 1 §4.9.1, §11.5.2):
// no SNaN/QNaN/∞ operand, so no #I (and no ∞−∞, 0·∞, 0/0, which yield NaN results anyway);
// no denormal operand, so no #D and DAZ has nothing to act on; a finite result under round to
// nearest means no #O (masked overflow rounds to ∞); |result| ≥ 2^−1021 is not tiny before or
// after rounding, so no #U and FTZ has nothing to act on; a zero result is exact (a sum or
// difference of normals that rounds to zero is zero, a product or quotient with a zero operand
// is zero), so no #U; a nonzero divisor means no #Z; and #P is already set. The result is
// the IEEE 754 operation in round-to-nearest, which is what the host computes. Anything
// else goes to the exact path (`sseArithmetic`) with the operand already read.
import MMU

/// One operation of the fast path; a generic parameter, so each operation gets its own code.
protocol FastFPOp {
    static func apply(_ x: Double, _ y: Double) -> Double
    /// A zero result is exact (and so raises nothing) given these operands (normal or zero).
    static func zeroIsExact(_ a: UInt64, _ b: UInt64) -> Bool
}

enum FastFP {
    @inline(__always) static func isZero(_ x: UInt64) -> Bool { x << 1 == 0 }

    /// Normal or zero (not a NaN, infinity or denormal).
    @inline(__always) static func plain(_ x: UInt64) -> Bool {
        let e = (x >> 52) & 0x7FF
        return e &- 1 < 0x7FE || isZero(x)
    }

    /// Finite with a biased exponent of 2…0x7FE.
    @inline(__always) static func safeResult(_ r: UInt64) -> Bool { ((r >> 52) & 0x7FF) &- 2 < 0x7FD }

    /// One lane, or nil where the rules above do not cover it.
    @inline(__always)
    static func lane<Op: FastFPOp>(_: Op.Type, _ a: UInt64, _ b: UInt64) -> UInt64? {
        guard plain(a) && plain(b) else { return nil }
        let r = Op.apply(Double(bitPattern: a), Double(bitPattern: b)).bitPattern
        if _fastPath(safeResult(r)) { return r }
        return isZero(r) && Op.zeroIsExact(a, b) ? r : nil
    }

    enum Add: FastFPOp {
        @inline(__always) static func apply(_ x: Double, _ y: Double) -> Double { x + y }
        @inline(__always) static func zeroIsExact(_ a: UInt64, _ b: UInt64) -> Bool { true }
    }
    enum Sub: FastFPOp {
        @inline(__always) static func apply(_ x: Double, _ y: Double) -> Double { x - y }
        @inline(__always) static func zeroIsExact(_ a: UInt64, _ b: UInt64) -> Bool { true }
    }
    enum Mul: FastFPOp {
        @inline(__always) static func apply(_ x: Double, _ y: Double) -> Double { x * y }
        @inline(__always) static func zeroIsExact(_ a: UInt64, _ b: UInt64) -> Bool { isZero(a) || isZero(b) }
    }
    enum Div: FastFPOp {
        @inline(__always) static func apply(_ x: Double, _ y: Double) -> Double { x / y }
        @inline(__always) static func zeroIsExact(_ a: UInt64, _ b: UInt64) -> Bool { isZero(a) && !isZero(b) }
    }
}

extension CPU {
    /// Guest MXCSR: all exceptions masked, RC = nearest, PE set; host in its default mode.
    @inline(__always) var fastFPReady: Bool {
        sse.mxcsr & (MXCSR.masks | MXCSR.rc | MXCSR.pe) == MXCSR.masks | MXCSR.pe && hostFPDefault
    }

    /// ADDPD SUBPD MULPD DIVPD xmm, xmm/m128 (SDM Vol. 2A "ADDPD" …).
    @inline(never)
    func fastPD<Op: FastFPOp>(_ x: UnsafeMutableRawPointer, _ i: Inst, _ k: Op.Type, mem: Bool) -> Bool {
        let b: SIMD2<UInt64>
        if mem {
            guard let v = loadXMMOperand(i, aligned: true) else { return false }
            b = v
        } else {
            b = CPU.load128(CPU.xmmPtr(x, i.pointee.b))
        }
        let d = CPU.xmmPtr(x, i.pointee.r)
        let a: SIMD2<UInt64> = CPU.load128(d)
        if fastFPReady, let r0 = FastFP.lane(k, a[0], b[0]), let r1 = FastFP.lane(k, a[1], b[1]) {
            CPU.store128(d, SIMD2(r0, r1))
            return true
        }
        return slowFP(i, V128(lo: b[0], hi: b[1]))
    }

    /// ADDSD SUBSD MULSD DIVSD xmm, xmm/m64: lane 0; the high quadword is kept.
    @inline(never)
    func fastSD<Op: FastFPOp>(_ x: UnsafeMutableRawPointer, _ i: Inst, _ k: Op.Type, mem: Bool) -> Bool {
        let b: UInt64
        if mem {
            guard let v: UInt64 = load(ea(i)) else { memFault(i); return false }
            b = v
        } else {
            b = CPU.xmmPtr(x, i.pointee.b).load(as: UInt64.self)
        }
        let d = CPU.xmmPtr(x, i.pointee.r)
        if fastFPReady, let r = FastFP.lane(k, d.load(as: UInt64.self), b) {
            d.storeBytes(of: r, as: UInt64.self)
            return true
        }
        return slowFP(i, V128(lo: b, hi: 0))
    }

    /// MAXSD/MINSD xmm, xmm: with neither operand a NaN nor a denormal no exception is possible
    /// and the result is DEST > SRC (DEST < SRC) ? DEST : SRC (SDM Vol. 2B "MAXSD", "MINSD").
    @inline(never)
    func fastMinMaxSD(_ x: UnsafeMutableRawPointer, _ i: Inst, max: Bool) -> Bool {
        let b = CPU.xmmPtr(x, i.pointee.b).load(as: UInt64.self)
        let d = CPU.xmmPtr(x, i.pointee.r)
        let a = d.load(as: UInt64.self)
        if FastFP.plain(a) && FastFP.plain(b) {
            let p = Double(bitPattern: a), q = Double(bitPattern: b)
            d.storeBytes(of: (max ? p > q : p < q) ? a : b, as: UInt64.self)
            return true
        }
        return slowFP(i, V128(lo: b, hi: 0))
    }

    @inline(never)
    func slowFP(_ i: Inst, _ b: V128) -> Bool {
        sseArithmetic(i, SSEOp(rawValue: i.pointee.aux).unsafelyUnwrapped, b)
    }
}
