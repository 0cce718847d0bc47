// SPDX-License-Identifier: MIT
// The SSE/SSE2 hot forms carried in `DecodedInstruction.sub` by the `.sseFast` micro-op
// (Decoder/Specialise+SSE.swift picks them, Interpreter/DispatchSSE.swift runs them). They are
// chosen by the block builder only while SSE is usable (CR0.EM = 0, CR0.TS = 0, CR4.OSFXSR = 1),
// so they skip the #UD/#NM checks; `aux` keeps the generic SSEOp/PackedIntOp for the fallbacks.
public enum SSEFastOp: UInt8 {
    // MOVAPS MOVUPS MOVAPD MOVUPD MOVDQA MOVDQU: register copy, 16-byte loads and stores.
    case xmmMovRR, xmmLoadA, xmmLoadU, xmmStoreA, xmmStoreU
    // MOVQ/MOVSD xmm ← m64 and MOVD/MOVSS xmm ← m32 (upper bits zeroed); stores of the low 64/32 bits.
    case xmmLoadQ, xmmLoadD, xmmStoreQ, xmmStoreD
    case movsdRR, movqRR            // low quadword merged / copied with the upper one zeroed
    case movdXR, movdRX             // MOVD/MOVQ xmm ← r32/r64 and r32/r64 ← xmm (osz)
    // Packed integer and bitwise logic, xmm ← xmm op xmm.
    case pxorRR, porRR, pandRR, pandnRR
    case paddbRR, paddwRR, padddRR, paddqRR, psubbRR, psubwRR, psubdRR, psubqRR
    case pcmpeqbRR, pcmpeqdRR, pmuludqRR
    case punpcklbwRR, punpcklwdRR, punpckldqRR, punpcklqdqRR
    case punpckhbwRR, punpckhwdRR, punpckhdqRR, punpckhqdqRR
    case pshufdRR                   // imm = order
    // Shifts by an immediate (imm already limited: a logical count ≥ the lane width is `xmmZero`).
    case psrlwI, psrldI, psrlqI, psllwI, pslldI, psllqI, psrawI, psradI, psrldqI, pslldqI, xmmZero
    // Double-precision arithmetic with a host-FPU fast path (Instructions/SSEFastFP.swift).
    case addpdRR, subpdRR, mulpdRR, divpdRR, addpdRM, subpdRM, mulpdRM, divpdRM
    case addsdRR, subsdRR, mulsdRR, divsdRR, addsdRM, subsdRM, mulsdRM, divsdRM
    case maxsdRR, minsdRR
}
