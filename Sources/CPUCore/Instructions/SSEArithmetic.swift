// SPDX-License-Identifier: MIT
// SSE/SSE2 floating-point arithmetic, logical and compare instructions (SDM Vol. 1 §10.4.2–10.4.4,
// §11.4.2–11.4.4). Arithmetic and compares run on the host SSE unit (SSEHostFPU.swift);
// RCP/RSQRT and the logical operations are computed here.

extension CPU {
    /// Wx for a floating-point form: 16 aligned bytes (packed), or the low 8 or 4 bytes (scalar),
    /// zero-extended.
    func fpSource(_ i: Inst, bytes: Int) -> V128? {
        switch bytes {
        case 16: return sourceXMM(i)
        case 8: return sourceXMM64(i).map { V128(lo: $0, hi: 0) }
        default: return sourceXMM32(i).map { V128(lo: UInt64($0), hi: 0) }
        }
    }

    // MARK: - ADD SUB MUL DIV MIN MAX SQRT (PS SS PD SD) — SDM Vol. 2A "ADDPS" … Vol. 2B "SQRTSD"

    /// The seven arithmetic families, each declared PS, SS, PD, SD in SSEOp. A scalar form
    /// computes lane 0 and keeps the destination's other lanes.
    func sseArithmetic(_ i: Inst, _ op: SSEOp) -> Bool {
        let form = Int(op.rawValue - SSEOp.addps.rawValue) & 3
        let single = form < 2, packed = form & 1 == 0
        let bytes = packed ? 16 : single ? 4 : 8
        guard let b = fpSource(i, bytes: bytes) else { return false }
        return sseArithmetic(i, op, b)
    }

    /// The same with the source operand `b` already read (zero-extended for a scalar form).
    func sseArithmetic(_ i: Inst, _ op: SSEOp, _ b: V128) -> Bool {
        let form = Int(op.rawValue - SSEOp.addps.rawValue) & 3
        let single = form < 2, packed = form & 1 == 0
        let lanes = packed ? (single ? 4 : 2) : 1
        let canUnderflow = op.rawValue < SSEOp.minps.rawValue   // ADD SUB MUL DIV
        let tiny: HostFP.Tiny = !canUnderflow ? .none : single ? .single(lanes) : .double(lanes)
        guard let (r, _) = hostFP(op, xmm(i.pointee.r), b, tiny: tiny) else { return false }
        setXMM(i.pointee.r, r)
        return true
    }

    // MARK: - RCPPS RCPSS RSQRTPS RSQRTSS — SDM Vol. 2B "RCPPS", "RSQRTPS"

    /// Approximate reciprocals. Intel's 12-bit tables are not public, so emu returns the correctly
    /// rounded 1/x and 1/√x: a documented difference from hardware (|error| ≤ 1.5·2⁻¹² there).
    /// The special cases are Intel's: no flags, denormal inputs act as zeros, tiny results flush.
    func sseReciprocal(_ i: Inst, _ op: SSEOp) -> Bool {
        let packed = op == .rcpps || op == .rsqrtps
        guard let b = fpSource(i, bytes: packed ? 16 : 4) else { return false }
        let rcp = op == .rcpps || op == .rcpss
        var r = packed ? V128(lo: 0, hi: 0) : xmm(i.pointee.r)
        for k in 0..<(packed ? 4 : 1) {
            r.setSingle(k, rcp ? CPU.reciprocal(b.single(k)) : CPU.reciprocalSqrt(b.single(k)))
        }
        setXMM(i.pointee.r, r)
        return true
    }

    static func reciprocal(_ x: UInt32) -> UInt32 {
        let sign = x & 0x8000_0000, exp = x & 0x7F80_0000
        if exp == 0x7F80_0000 { return x & 0x7F_FFFF != 0 ? x | 0x40_0000 : sign }  // QNaN; ±∞ → ±0
        if exp == 0 { return sign | 0x7F80_0000 }                                  // ±0, denormal → ±∞
        let r = (1 / Float(bitPattern: x)).bitPattern
        return r & 0x7F80_0000 == 0 ? sign : r                                     // tiny → ±0
    }

    static func reciprocalSqrt(_ x: UInt32) -> UInt32 {
        let sign = x & 0x8000_0000, exp = x & 0x7F80_0000
        if exp == 0x7F80_0000 {
            if x & 0x7F_FFFF != 0 { return x | 0x40_0000 }                         // QNaN
            return sign == 0 ? 0 : 0xFFC0_0000                                      // +∞ → +0, −∞ → indefinite
        }
        if exp == 0 { return sign | 0x7F80_0000 }                                  // ±0, denormal → ±∞
        if sign != 0 { return 0xFFC0_0000 }                                         // negative → indefinite
        return Float(1 / Double(Float(bitPattern: x)).squareRoot()).bitPattern
    }

    // MARK: - ANDPS ANDNPS ORPS XORPS (and PD) — SDM Vol. 2A "ANDPS" …

    func sseLogical(_ i: Inst, _ op: SSEOp) -> Bool {
        guard let b = sourceXMM(i) else { return false }
        let a = xmm(i.pointee.r)
        let r: V128
        switch op {
        case .andps: r = V128(lo: a.lo & b.lo, hi: a.hi & b.hi)
        case .andnps: r = V128(lo: ~a.lo & b.lo, hi: ~a.hi & b.hi)
        case .orps: r = V128(lo: a.lo | b.lo, hi: a.hi | b.hi)
        default: r = V128(lo: a.lo ^ b.lo, hi: a.hi ^ b.hi)
        }
        setXMM(i.pointee.r, r)
        return true
    }

    // MARK: - CMPPS CMPSS CMPPD CMPSD — SDM Vol. 2A "CMPPS" (predicate imm[2:0])

    func sseCompare(_ i: Inst, _ op: SSEOp) -> Bool {
        let bytes = op == .cmpps || op == .cmppd ? 16 : op == .cmpss ? 4 : 8
        guard let b = fpSource(i, bytes: bytes) else { return false }
        guard let (r, _) = hostFP(op, xmm(i.pointee.r), b, imm: UInt8(truncatingIfNeeded: i.pointee.imm)) else { return false }
        setXMM(i.pointee.r, r)
        return true
    }

    // MARK: - COMISS UCOMISS COMISD UCOMISD — SDM Vol. 2A "COMISS", Vol. 2B "UCOMISS"

    /// ZF PF CF = 111 unordered, 000 greater, 001 less, 100 equal; OF SF AF cleared. COMIS
    /// signals invalid for any NaN, UCOMIS only for SNaN (the host instruction decides the flags).
    func sseCompareEFLAGS(_ i: Inst, _ op: SSEOp) -> Bool {
        let single = op == .comiss || op == .ucomiss
        guard let b = fpSource(i, bytes: single ? 4 : 8) else { return false }
        let a = xmm(i.pointee.r)
        guard hostFP(op, a, b) != nil else { return false }
        let daz = sse.mxcsr & MXCSR.daz != 0
        let x: Double, y: Double
        if single {
            x = Double(CPU.flushDenormal(Float(bitPattern: a.single(0)), daz))
            y = Double(CPU.flushDenormal(Float(bitPattern: b.single(0)), daz))
        } else {
            x = CPU.flushDenormal(Double(bitPattern: a.lo), daz)
            y = CPU.flushDenormal(Double(bitPattern: b.lo), daz)
        }
        materializeFlags()
        var f = flagBits & ~RFlags.status
        if x.isNaN || y.isNaN { f |= RFlags.zf | RFlags.pf | RFlags.cf }
        else if x < y { f |= RFlags.cf }
        else if x == y { f |= RFlags.zf }
        flagBits = f
        return true
    }

    /// DAZ: a denormal operand is read as a zero of the same sign (Vol. 1 §10.2.3.4).
    static func flushDenormal<F: BinaryFloatingPoint>(_ v: F, _ daz: Bool) -> F {
        daz && v.isSubnormal ? (v.sign == .minus ? -0.0 : 0.0) : v
    }
}

extension V128 {
    /// Single-precision lane k (0…3) as bits.
    func single(_ k: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (k < 2 ? lo : hi) >> (32 * UInt64(k & 1)))
    }

    mutating func setSingle(_ k: Int, _ v: UInt32) {
        let sh = 32 * UInt64(k & 1)
        let m = ~(UInt64(0xFFFF_FFFF) << sh)
        if k < 2 { lo = lo & m | UInt64(v) << sh } else { hi = hi & m | UInt64(v) << sh }
    }
}
