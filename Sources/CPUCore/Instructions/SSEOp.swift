// SPDX-License-Identifier: MIT
// The operation enums carried in `DecodedInstruction.aux` by the `.sse` and `.mmx` micro-ops
// (Decoder+SSE.swift writes them, SSE.swift dispatches on them). Mnemonics follow SDM Vol. 2.
//
// `aux` layout for both micro-ops:
//   0x00…0x3F  a `PackedIntOp`: dst ← dst op src, on MMX (64-bit) or XMM (128-bit) registers;
//   0x40 | op  a shift `PackedIntOp` whose count is `imm` (0F 71–73 groups), destination in `r`;
//   ≥ 0x80     an `SSEOp` (for `.sse`) or an `MMXOp` (for `.mmx`).
// Operands: `r` = ModRM.reg (XMM/MMX register or GPR as the form says), `b` = ModRM.rm register
// or the memory operand; `osz` = GPR operand size (4 or 8); `imm` = the immediate byte.

/// Packed-integer operations with the same meaning on MMX and XMM registers (SDM Vol. 1 §9.4,
/// §11.4.3). Lane-wise ones work per 64-bit chunk; packs and unpacks combine chunks.
public enum PackedIntOp: UInt16, CaseIterable {
    case paddb = 0, paddw, paddd, paddq, psubb, psubw, psubd, psubq
    case paddsb, paddsw, paddusb, paddusw, psubsb, psubsw, psubusb, psubusw
    case pmullw, pmulhw, pmulhuw, pmuludq, pmaddwd
    case pcmpeqb, pcmpeqw, pcmpeqd, pcmpgtb, pcmpgtw, pcmpgtd
    case pand, pandn, por, pxor
    case pavgb, pavgw, pmaxsw, pmaxub, pminsw, pminub, psadbw
    // Shifts: the count is the source operand's low 64 bits, or `imm` when aux has 0x40.
    case psrlw, psrld, psrlq, psraw, psrad, psllw, pslld, psllq
    case packsswb, packssdw, packuswb
    case punpcklbw, punpcklwd, punpckldq, punpcklqdq, punpckhbw, punpckhwd, punpckhdq, punpckhqdq

    /// `aux` bit: the shift count is the immediate.
    public static let immediateCount: UInt16 = 0x40
}

/// SSE and SSE2 operations on XMM registers (`.sse`). Forms: `RM` = register ← r/m (load),
/// `MR` = r/m ← register (store; mod = 3 writes register `b`).
public enum SSEOp: UInt16 {
    // Data movement (SDM Vol. 1 §10.4.1, §11.4.1).
    case movapsRM = 0x80    // MOVAPS MOVAPD MOVDQA Vx,Wx (aligned)
    case movapsMR           // MOVAPS MOVAPD MOVDQA Wx,Vx; MOVNTPS MOVNTPD MOVNTDQ Mx,Vx
    case movupsRM           // MOVUPS MOVUPD MOVDQU Vx,Wx
    case movupsMR           // MOVUPS MOVUPD MOVDQU Wx,Vx
    case movssRM, movssMR   // MOVSS
    case movsdRM, movsdMR   // MOVSD (F2 0F 10/11)
    case movlpsRM, movlpsMR // MOVLPS MOVLPD Vq,Mq / Mq,Vq
    case movhpsRM, movhpsMR // MOVHPS MOVHPD
    case movhlps, movlhps   // MOVHLPS MOVLHPS Vq,Uq
    case movmskps, movmskpd, pmovmskb
    case movdRM             // MOVD/MOVQ Vy,Ey (66 0F 6E): osz 4 or 8
    case movdMR             // MOVD/MOVQ Ey,Vy (66 0F 7E)
    case movqRM             // MOVQ Vq,Wq (F3 0F 7E): zero-extends
    case movqMR             // MOVQ Wq,Vq (66 0F D6): zero-extends a register destination
    case movq2dq, movdq2q   // XMM ← MMX, MMX ← XMM
    case maskmovdqu

    // Arithmetic (§10.4.2, §11.4.2).
    case addps, addss, addpd, addsd
    case subps, subss, subpd, subsd
    case mulps, mulss, mulpd, mulsd
    case divps, divss, divpd, divsd
    case minps, minss, minpd, minsd
    case maxps, maxss, maxpd, maxsd
    case sqrtps, sqrtss, sqrtpd, sqrtsd
    case rcpps, rcpss, rsqrtps, rsqrtss

    // Logical (§10.4.4, §11.4.4): the PS and PD forms are the same bit operation.
    case andps, andnps, orps, xorps

    // Compare (§10.4.3, §11.4.3): imm[2:0] = predicate.
    case cmpps, cmpss, cmppd, cmpsd
    case comiss, ucomiss, comisd, ucomisd

    // Shuffle and unpack (§10.4.5, §11.4.5).
    case shufps, shufpd, unpcklps, unpckhps, unpcklpd, unpckhpd
    case pshufd, pshufhw, pshuflw
    case pslldq, psrldq     // destination in `r`, count in `imm`
    case pextrw, pinsrw

    // Conversions (§10.4.6, §11.4.6). `osz` = GPR size for the SI forms.
    case cvtpi2ps, cvtps2pi, cvttps2pi, cvtsi2ss, cvtss2si, cvttss2si
    case cvtpi2pd, cvtpd2pi, cvttpd2pi, cvtsi2sd, cvtsd2si, cvttsd2si
    case cvtps2pd, cvtpd2ps, cvtss2sd, cvtsd2ss
    case cvtdq2ps, cvtps2dq, cvttps2dq, cvtdq2pd, cvtpd2dq, cvttpd2dq

    // State management (§10.4.7, §10.5): FXSAVE/FXRSTOR `osz` 8 = the REX.W (64-bit pointer) form.
    case ldmxcsr, stmxcsr, fxsave, fxrstor
}

/// MMX and SSE-on-MMX operations (`.mmx`), SDM Vol. 1 Chapter 9 and §10.4.4.
public enum MMXOp: UInt16 {
    case movdRM = 0x80      // MOVD/MOVQ Pq,Ey (0F 6E): osz 4 or 8
    case movdMR             // MOVD/MOVQ Ey,Pq (0F 7E)
    case movqRM             // MOVQ Pq,Qq (0F 6F)
    case movqMR             // MOVQ Qq,Pq (0F 7F); MOVNTQ Mq,Pq (0F E7)
    case emms
    case pshufw, pextrw, pinsrw, pmovmskb, maskmovq
}
