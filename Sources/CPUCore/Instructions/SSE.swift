// SPDX-License-Identifier: MIT
// SSE, SSE2 and MMX instructions (SDM Vol. 1 Chapters 9–11): the entry points the dispatch loop
// calls for the `.sse` and `.mmx` micro-ops. Each checks availability (SSEOperands.swift), then
// hands the `aux` op (SSEOp.swift) to its family file: SSEMove, SSEArithmetic, SSEConvert,
// SSEShuffle, SSEInteger, MMX, FXSave.

extension CPU {
    /// Executes an SSE/SSE2 micro-op (`aux` = SSEOp or PackedIntOp). Returns false with
    /// `exception` set on a fault; a faulting instruction changes no register or memory.
    func executeSSE(_ i: Inst) -> Bool {
        let aux = i.pointee.aux
        if aux < SSEOp.movapsRM.rawValue {
            guard sseAvailable() else { return false }
            return packedIntXMM(i)
        }
        let op = SSEOp(rawValue: aux).unsafelyUnwrapped
        if op == .fxsave || op == .fxrstor {
            // FXSAVE/FXRSTOR: #NM if CR0.TS or CR0.EM; they work whatever CR4.OSFXSR says.
            if cr0 & (SSEControl.cr0TS | SSEControl.cr0EM) != 0 { exception = CPUException(CPUException.NM); return false }
            return op == .fxsave ? fxsave(i) : fxrstor(i)
        }
        guard sseAvailable() else { return false }
        switch op {
        case .movapsRM, .movapsMR, .movupsRM, .movupsMR, .movssRM, .movssMR, .movsdRM, .movsdMR,
             .movlpsRM, .movlpsMR, .movhpsRM, .movhpsMR, .movhlps, .movlhps,
             .movmskps, .movmskpd, .pmovmskb, .movdRM, .movdMR, .movqRM, .movqMR,
             .movq2dq, .movdq2q, .maskmovdqu:
            return sseMove(i, op)
        case .addps, .addss, .addpd, .addsd, .subps, .subss, .subpd, .subsd,
             .mulps, .mulss, .mulpd, .mulsd, .divps, .divss, .divpd, .divsd,
             .minps, .minss, .minpd, .minsd, .maxps, .maxss, .maxpd, .maxsd,
             .sqrtps, .sqrtss, .sqrtpd, .sqrtsd:
            return sseArithmetic(i, op)
        case .rcpps, .rcpss, .rsqrtps, .rsqrtss:
            return sseReciprocal(i, op)
        case .andps, .andnps, .orps, .xorps:
            return sseLogical(i, op)
        case .cmpps, .cmpss, .cmppd, .cmpsd:
            return sseCompare(i, op)
        case .comiss, .ucomiss, .comisd, .ucomisd:
            return sseCompareEFLAGS(i, op)
        case .shufps, .shufpd, .unpcklps, .unpckhps, .unpcklpd, .unpckhpd,
             .pshufd, .pshufhw, .pshuflw, .pslldq, .psrldq, .pextrw, .pinsrw:
            return sseShuffle(i, op)
        case .ldmxcsr:
            return ldmxcsr(i)
        case .stmxcsr:
            return stmxcsr(i)
        case .fxsave, .fxrstor:
            return false  // handled above
        default:
            return sseConvert(i, op)
        }
    }

    /// Executes an MMX micro-op (`aux` = MMXOp or PackedIntOp). Returns false with `exception` set on a fault.
    func executeMMX(_ i: Inst) -> Bool {
        guard mmxAvailable() else { return false }
        let aux = i.pointee.aux
        if aux < MMXOp.movdRM.rawValue {
            guard packedIntMMX(i) else { return false }
            mmxTransition()
            return true
        }
        return mmxInstruction(i, MMXOp(rawValue: aux).unsafelyUnwrapped)
    }
}
