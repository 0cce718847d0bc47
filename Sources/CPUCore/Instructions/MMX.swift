// SPDX-License-Identifier: MIT
// MMX instructions and the SSE integer extensions on MMX registers (SDM Vol. 1 Chapter 9,
// §10.4.4): MOVD MOVQ EMMS PSHUFW PEXTRW PINSRW PMOVMSKB MASKMOVQ MOVNTQ. The packed
// arithmetic is shared with SSE2 (SSEInteger.swift). MMi is the significand of x87 register
// Ri; every instruction here but EMMS leaves TOP = 0 and all tags valid (§9.5.1).

extension CPU {
    func mmxInstruction(_ i: Inst, _ op: MMXOp) -> Bool {
        let r = i.pointee.r, imm = i.pointee.imm
        switch op {
        case .movdRM:                                   // MOVD/MOVQ Pq, Ey: zero-extended
            guard let v = sourceGPR(i) else { return false }
            setMM(r, v)
        case .movdMR:                                   // MOVD/MOVQ Ey, Pq
            guard storeGPROperand(i, mm(r)) else { return false }
        case .movqRM:                                   // MOVQ Pq, Qq
            guard let v = sourceMM(i) else { return false }
            setMM(r, v)
        case .movqMR:                                   // MOVQ Qq, Pq; MOVNTQ Mq, Pq
            if i.pointee.hasMemory {
                guard storeMemory(i, mm(r)) else { return false }
            } else {
                setMM(i.pointee.b, mm(r))
            }
        case .emms:                                     // EMMS: all tags empty; TOP = 0 as for any MMX instruction (§9.5.1)
            x87EMMS()
            x87.top = 0
            return true
        case .pshufw:                                   // PSHUFW Pq, Qq, Ib
            guard let v = sourceMM(i) else { return false }
            setMM(r, CPU.shuffleWords(v, imm))
        case .pextrw:                                   // PEXTRW Gd, Nq, Ib
            setGPR(Int(r), size: 8, (mm(i.pointee.b) >> (16 * (imm & 3))) & 0xFFFF)
        case .pinsrw:                                   // PINSRW Pq, Ry/Mw, Ib
            guard let w = wordSource(i) else { return false }
            setMM(r, CPU.insertWord(mm(r), w, imm & 3))
        case .pmovmskb:                                 // PMOVMSKB Gd, Nq
            setGPR(Int(r), size: 8, CPU.byteSignMask(mm(i.pointee.b)))
        case .maskmovq:                                 // MASKMOVQ Pq, Nq
            guard maskedStore(i, data: V128(lo: mm(r), hi: 0), mask: V128(lo: mm(i.pointee.b), hi: 0), bytes: 8) else {
                return false
            }
        }
        mmxTransition()
        return true
    }
}
