// SPDX-License-Identifier: MIT
// SSE/SSE2 conversions (SDM Vol. 1 §10.4.6, §11.4.6 Figure 11-8). Inexact conversions run on
// the host SSE unit with the guest's MXCSR.RC (SSEHostFPU.swift), so out-of-range and NaN
// sources give the integer indefinite (0x80000000 / 0x8000000000000000) with #I as on hardware.
// Conversions that cannot raise (CVTPI2PD, CVTDQ2PD, CVTSI2SD from 32 bits) are done here.

extension CPU {
    func sseConvert(_ i: Inst, _ op: SSEOp) -> Bool {
        let r = i.pointee.r
        switch op {
        // MMX ← XMM: CVTPS2PI CVTTPS2PI (m64), CVTPD2PI CVTTPD2PI (m128).
        case .cvtps2pi, .cvttps2pi, .cvtpd2pi, .cvttpd2pi:
            guard mmxAvailable() else { return false }
            let wide = op == .cvtpd2pi || op == .cvttpd2pi
            guard let b = wide ? sourceXMM(i) : fpSource(i, bytes: 8) else { return false }
            mmxTransition()
            guard let (v, _) = hostFP(op, V128(lo: 0, hi: 0), b) else { return false }
            setMM(r, v.lo)

        // XMM ← MMX: CVTPI2PS keeps lanes 2–3; CVTPI2PD is exact.
        case .cvtpi2ps, .cvtpi2pd:
            if !i.pointee.hasMemory { guard mmxAvailable() else { return false } }
            guard let src = sourceMM(i) else { return false }
            if !i.pointee.hasMemory { mmxTransition() }
            if op == .cvtpi2ps {
                guard let (v, _) = hostFP(op, xmm(r), V128(lo: src, hi: 0)) else { return false }
                setXMM(r, v)
            } else {
                setXMM(r, CPU.int32PairToDoubles(src))
            }

        // XMM ← GPR/memory: CVTSI2SS CVTSI2SD (osz 4 or 8); lane 0 replaced.
        case .cvtsi2ss, .cvtsi2sd:
            guard let src = sourceGPR(i),
                  let (v, _) = hostFP(op, xmm(r), V128(lo: src, hi: 0), wide: i.pointee.osz == 8) else { return false }
            setXMM(r, v)

        // GPR ← XMM/memory: CVT(T)SS2SI, CVT(T)SD2SI.
        case .cvtss2si, .cvttss2si, .cvtsd2si, .cvttsd2si:
            let single = op == .cvtss2si || op == .cvttss2si
            guard let b = fpSource(i, bytes: single ? 4 : 8),
                  let (_, v) = hostFP(op, V128(lo: 0, hi: 0), b, wide: i.pointee.osz == 8) else { return false }
            setGPR(Int(r), size: Int(i.pointee.osz), v)

        // Between precisions.
        case .cvtps2pd, .cvtss2sd, .cvtsd2ss:
            let bytes = op == .cvtss2sd ? 4 : 8
            let tiny: HostFP.Tiny = op == .cvtsd2ss ? .single(1) : .none
            guard let b = fpSource(i, bytes: bytes), let (v, _) = hostFP(op, xmm(r), b, tiny: tiny) else { return false }
            setXMM(r, v)
        case .cvtpd2ps:
            guard let b = sourceXMM(i), let (v, _) = hostFP(op, xmm(r), b, tiny: .single(2)) else { return false }
            setXMM(r, V128(lo: v.lo, hi: 0))

        // Packed integers.
        case .cvtdq2ps, .cvtps2dq, .cvttps2dq:
            guard let b = sourceXMM(i), let (v, _) = hostFP(op, xmm(r), b) else { return false }
            setXMM(r, v)
        case .cvtpd2dq, .cvttpd2dq:
            guard let b = sourceXMM(i), let (v, _) = hostFP(op, xmm(r), b) else { return false }
            setXMM(r, V128(lo: v.lo, hi: 0))
        case .cvtdq2pd:
            guard let b = sourceXMM64(i) else { return false }
            setXMM(r, CPU.int32PairToDoubles(b))
        default:
            exception = .ud
            return false
        }
        return true
    }

    /// Two signed doublewords to two doubles: always exact.
    static func int32PairToDoubles(_ v: UInt64) -> V128 {
        let d0 = Double(Int32(truncatingIfNeeded: v)), d1 = Double(Int32(truncatingIfNeeded: v >> 32))
        return V128(lo: d0.bitPattern, hi: d1.bitPattern)
    }
}
