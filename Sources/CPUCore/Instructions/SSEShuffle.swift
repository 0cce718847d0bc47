// SPDX-License-Identifier: MIT
// SSE/SSE2 shuffle, unpack, insert/extract and byte-shift instructions (SDM Vol. 1 §10.4.5,
// §11.4.5, §11.4.3 PSLLDQ/PSRLDQ/PSHUFx/PEXTRW/PINSRW/PMOVMSKB).

extension CPU {
    func sseShuffle(_ i: Inst, _ op: SSEOp) -> Bool {
        let r = i.pointee.r
        let imm = i.pointee.imm
        switch op {
        // SHUFPS: lanes 0–1 from the destination, 2–3 from the source, each by two imm bits.
        case .shufps:
            guard let b = sourceXMM(i) else { return false }
            let a = xmm(r)
            var v = V128(lo: 0, hi: 0)
            for k in 0..<4 {
                let sel = Int((imm >> (2 * UInt64(k))) & 3)
                v.setSingle(k, k < 2 ? a.single(sel) : b.single(sel))
            }
            setXMM(r, v)
        case .shufpd:
            guard let b = sourceXMM(i) else { return false }
            let a = xmm(r)
            setXMM(r, V128(lo: imm & 1 == 0 ? a.lo : a.hi, hi: imm & 2 == 0 ? b.lo : b.hi))
        case .unpcklps, .unpckhps:
            guard let b = sourceXMM(i) else { return false }
            let a = xmm(r)
            let k = op == .unpcklps ? 0 : 2
            var v = V128(lo: 0, hi: 0)
            v.setSingle(0, a.single(k)); v.setSingle(1, b.single(k))
            v.setSingle(2, a.single(k + 1)); v.setSingle(3, b.single(k + 1))
            setXMM(r, v)
        case .unpcklpd, .unpckhpd:
            guard let b = sourceXMM(i) else { return false }
            let a = xmm(r)
            setXMM(r, op == .unpcklpd ? V128(lo: a.lo, hi: b.lo) : V128(lo: a.hi, hi: b.hi))

        // PSHUFD PSHUFHW PSHUFLW: Vx ← Wx permuted by imm.
        case .pshufd:
            guard let b = sourceXMM(i) else { return false }
            var v = V128(lo: 0, hi: 0)
            for k in 0..<4 { v.setSingle(k, b.single(Int((imm >> (2 * UInt64(k))) & 3))) }
            setXMM(r, v)
        case .pshufhw:
            guard let b = sourceXMM(i) else { return false }
            setXMM(r, V128(lo: b.lo, hi: CPU.shuffleWords(b.hi, imm)))
        case .pshuflw:
            guard let b = sourceXMM(i) else { return false }
            setXMM(r, V128(lo: CPU.shuffleWords(b.lo, imm), hi: b.hi))

        // PSLLDQ PSRLDQ: byte shifts of the whole register; counts above 15 clear it.
        case .pslldq, .psrldq:
            setXMM(r, CPU.byteShift(xmm(r), count: imm, left: op == .pslldq))

        // PEXTRW Gd, Udq, Ib: word imm[2:0], zero-extended into the 32/64-bit register.
        case .pextrw:
            let v = xmm(i.pointee.b)
            let k = imm & 7
            setGPR(Int(r), size: 8, ((k < 4 ? v.lo : v.hi) >> (16 * (k & 3))) & 0xFFFF)
        // PINSRW Vdq, Ry/Mw, Ib.
        case .pinsrw:
            guard let w = wordSource(i) else { return false }
            var v = xmm(r)
            let k = imm & 7
            if k < 4 { v.lo = CPU.insertWord(v.lo, w, k) } else { v.hi = CPU.insertWord(v.hi, w, k & 3) }
            setXMM(r, v)
        default:
            exception = .ud
            return false
        }
        return true
    }

    /// The Ry/Mw operand of PINSRW: the low word of a GPR or two bytes of memory.
    func wordSource(_ i: Inst) -> UInt16? {
        if i.pointee.hasMemory {
            guard let w: UInt16 = load(ea(i)) else { memFault(i); return nil }
            return w
        }
        return UInt16(truncatingIfNeeded: regs[Int(i.pointee.b)])
    }

    /// PSHUFW / PSHUFHW / PSHUFLW on one quadword: word k of the result is word imm[2k+1:2k].
    static func shuffleWords(_ q: UInt64, _ imm: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<4 {
            let sel = (imm >> (2 * UInt64(k))) & 3
            r |= ((q >> (16 * sel)) & 0xFFFF) << (16 * UInt64(k))
        }
        return r
    }

    static func insertWord(_ q: UInt64, _ w: UInt16, _ k: UInt64) -> UInt64 {
        let sh = 16 * (k & 3)
        return q & ~(0xFFFF << sh) | UInt64(w) << sh
    }

    static func byteShift(_ v: V128, count: UInt64, left: Bool) -> V128 {
        if count > 15 { return V128(lo: 0, hi: 0) }
        if count == 0 { return v }
        let bits = 8 * count
        if left {
            if bits >= 64 { return V128(lo: 0, hi: v.lo << (bits - 64)) }
            return V128(lo: v.lo << bits, hi: v.hi << bits | v.lo >> (64 - bits))
        }
        if bits >= 64 { return V128(lo: v.hi >> (bits - 64), hi: 0) }
        return V128(lo: v.lo >> bits | v.hi << (64 - bits), hi: v.hi >> bits)
    }

    /// PMOVMSKB: the top bit of each byte. The multiply gathers bit 8k+7 into bit 56+k
    /// (the partial products do not overlap, so no carries disturb the top byte).
    static func byteSignMask(_ q: UInt64) -> UInt64 {
        ((q & 0x8080_8080_8080_8080) &* 0x0002_0408_1020_4081) >> 56
    }
}
