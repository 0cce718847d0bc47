// SPDX-License-Identifier: MIT
// SSE/SSE2 data movement (SDM Vol. 1 §10.4.1, §11.4.1; Vol. 2 entries MOVAPS … MOVQ2DQ,
// MASKMOVDQU). Non-temporal hints are ignored: MOVNTPS/PD/DQ are the aligned stores.

extension CPU {
    func sseMove(_ i: Inst, _ op: SSEOp) -> Bool {
        let r = i.pointee.r, b = i.pointee.b, mem = i.pointee.hasMemory
        switch op {
        // MOVAPS MOVUPS (and PD, DQA, DQU): 16 bytes.
        case .movapsRM, .movupsRM:
            guard let v = sourceXMM(i, aligned: op == .movapsRM) else { return false }
            setXMM(r, v)
        case .movapsMR, .movupsMR:
            if mem { return store128(i, ea(i), xmm(r), aligned: op == .movapsMR) }
            setXMM(b, xmm(r))

        // MOVSS MOVSD: a load from memory zeroes the rest; register moves merge the low element.
        case .movssRM:
            if mem {
                guard let v: UInt32 = load(ea(i)) else { memFault(i); return false }
                setXMM(r, V128(lo: UInt64(v), hi: 0))
            } else {
                setXMMLo(r, sse.lo(Int(r)) & ~0xFFFF_FFFF | sse.lo(Int(b)) & 0xFFFF_FFFF)
            }
        case .movssMR:
            if mem { return storeMemory(i, UInt32(truncatingIfNeeded: sse.lo(Int(r)))) }
            setXMMLo(b, sse.lo(Int(b)) & ~0xFFFF_FFFF | sse.lo(Int(r)) & 0xFFFF_FFFF)
        case .movsdRM:
            if mem {
                guard let v: UInt64 = load(ea(i)) else { memFault(i); return false }
                setXMM(r, V128(lo: v, hi: 0))
            } else {
                setXMMLo(r, sse.lo(Int(b)))
            }
        case .movsdMR:
            if mem { return storeMemory(i, sse.lo(Int(r))) }
            setXMMLo(b, sse.lo(Int(r)))

        // MOVLPS MOVHPS (and PD): one quadword to or from memory; MOVHLPS MOVLHPS between registers.
        case .movlpsRM, .movhpsRM:
            guard let v: UInt64 = load(ea(i)) else { memFault(i); return false }
            if op == .movlpsRM { setXMMLo(r, v) } else { setXMMHi(r, v) }
        case .movlpsMR: return storeMemory(i, sse.lo(Int(r)))
        case .movhpsMR: return storeMemory(i, sse.hi(Int(r)))
        case .movhlps: setXMMLo(r, sse.hi(Int(b)))
        case .movlhps: setXMMHi(r, sse.lo(Int(b)))

        // MOVMSKPS MOVMSKPD PMOVMSKB: sign bits into a GPR, zero-extended.
        case .movmskps:
            let v = xmm(b)
            var m: UInt64 = 0
            for k in 0..<4 { m |= UInt64(v.single(k) >> 31) << UInt64(k) }
            setGPR(Int(r), size: 8, m)
        case .movmskpd:
            setGPR(Int(r), size: 8, sse.lo(Int(b)) >> 63 | (sse.hi(Int(b)) >> 63) << 1)
        case .pmovmskb:
            setGPR(Int(r), size: 8, CPU.byteSignMask(sse.lo(Int(b))) | CPU.byteSignMask(sse.hi(Int(b))) << 8)

        // MOVD/MOVQ between XMM and a GPR or memory; MOVQ between XMM and XMM/m64.
        case .movdRM:
            guard let v = sourceGPR(i) else { return false }
            setXMM(r, V128(lo: v, hi: 0))
        case .movdMR:
            return storeGPROperand(i, sse.lo(Int(r)))
        case .movqRM:
            guard let v = sourceXMM64(i) else { return false }
            setXMM(r, V128(lo: v, hi: 0))
        case .movqMR:
            if mem { return storeMemory(i, sse.lo(Int(r))) }
            setXMM(b, V128(lo: sse.lo(Int(r)), hi: 0))

        // MOVQ2DQ MOVDQ2Q: between MMX and XMM registers (an MMX instruction for the x87 state).
        case .movq2dq, .movdq2q:
            guard mmxAvailable() else { return false }
            if op == .movq2dq { setXMM(r, V128(lo: mm(b), hi: 0)) } else { setMM(r, sse.lo(Int(b))) }
            mmxTransition()

        case .maskmovdqu:
            return maskedStore(i, data: xmm(r), mask: xmm(b), bytes: 16)
        default:
            exception = .ud
            return false
        }
        return true
    }

    // MARK: - MASKMOVDQU MASKMOVQ — SDM Vol. 2B "MASKMOVDQU", "MASKMOVQ"

    /// Stores the bytes of `data` whose `mask` byte has its top bit set to DS:[RDI] (segment
    /// override allowed; EDI with 67). Only the span from the first to the last selected byte is
    /// accessed, and it is checked for writing first so a fault leaves memory unchanged.
    func maskedStore(_ i: Inst, data: V128, mask: V128, bytes: Int) -> Bool {
        var rdi = regs[Reg.rdi]
        if i.pointee.pfx & Prefix.addr32 != 0 { rdi &= 0xFFFF_FFFF }
        let base = rdi &+ segBase[Int(i.pointee.seg)]
        var first = -1, last = -1
        for k in 0..<bytes where CPU.byte(mask, k) & 0x80 != 0 {
            if first < 0 { first = k }
            last = k
        }
        guard first >= 0 else { return true }
        let start = base &+ UInt64(first)
        guard probeWrite(start, length: UInt64(last - first + 1)) else { memFault(i); return false }
        for k in first...last where CPU.byte(mask, k) & 0x80 != 0 {
            guard store(base &+ UInt64(k), CPU.byte(data, k)) else { memFault(i); return false }
        }
        return true
    }

    static func byte(_ v: V128, _ k: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (k < 8 ? v.lo : v.hi) >> (8 * UInt64(k & 7)))
    }
}
