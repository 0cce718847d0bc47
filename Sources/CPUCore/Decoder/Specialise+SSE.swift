// SPDX-License-Identifier: MIT
// Picks the hot SSE/SSE2 micro-op for a decoded `.sse` record (DESIGN.md §6), chosen from what
// gcc -O2 emits for the guests/linux benchmarks: 16-byte moves, MOVQ/MOVD, packed integer logic,
// adds, shifts and unpacks (sha256), packed and scalar double arithmetic (matmul). The block
// builder calls it only while SSE is usable (CPU.sseUsable), so these forms skip the #UD/#NM
// checks; `aux` keeps the generic op for the fallback paths.

extension Decoder {
    static func specialiseSSE(_ d: inout DecodedInstruction) {
        let mem = d.hasMemory
        if d.aux < SSEOp.movapsRM.rawValue {
            guard let op = PackedIntOp(rawValue: d.aux & 0x3F) else { return }
            if d.aux & PackedIntOp.immediateCount != 0 { specialiseShift(&d, op); return }
            guard !mem else { return }
            switch op {
            case .pxor: d.fast(.pxorRR)
            case .por: d.fast(.porRR)
            case .pand: d.fast(.pandRR)
            case .pandn: d.fast(.pandnRR)
            case .paddb: d.fast(.paddbRR)
            case .paddw: d.fast(.paddwRR)
            case .paddd: d.fast(.padddRR)
            case .paddq: d.fast(.paddqRR)
            case .psubb: d.fast(.psubbRR)
            case .psubw: d.fast(.psubwRR)
            case .psubd: d.fast(.psubdRR)
            case .psubq: d.fast(.psubqRR)
            case .pcmpeqb: d.fast(.pcmpeqbRR)
            case .pcmpeqd: d.fast(.pcmpeqdRR)
            case .pmuludq: d.fast(.pmuludqRR)
            case .punpcklbw: d.fast(.punpcklbwRR)
            case .punpcklwd: d.fast(.punpcklwdRR)
            case .punpckldq: d.fast(.punpckldqRR)
            case .punpcklqdq: d.fast(.punpcklqdqRR)
            case .punpckhbw: d.fast(.punpckhbwRR)
            case .punpckhwd: d.fast(.punpckhwdRR)
            case .punpckhdq: d.fast(.punpckhdqRR)
            case .punpckhqdq: d.fast(.punpckhqdqRR)
            default: return
            }
            return
        }
        guard let op = SSEOp(rawValue: d.aux) else { return }
        switch op {
        case .movapsRM: d.fast(mem ? .xmmLoadA : .xmmMovRR)
        case .movupsRM: d.fast(mem ? .xmmLoadU : .xmmMovRR)
        case .movapsMR, .movupsMR:
            if mem { d.fast(op == .movapsMR ? .xmmStoreA : .xmmStoreU) } else { d.fast(.xmmMovRR); swap(&d.r, &d.b) }
        case .movsdRM: d.fast(mem ? .xmmLoadQ : .movsdRR)
        case .movsdMR:
            if mem { d.fast(.xmmStoreQ) } else { d.fast(.movsdRR); swap(&d.r, &d.b) }
        case .movssRM where mem: d.fast(.xmmLoadD)
        case .movssMR where mem: d.fast(.xmmStoreD)
        case .movqRM: d.fast(mem ? .xmmLoadQ : .movqRR)
        case .movqMR:
            if mem { d.fast(.xmmStoreQ) } else { d.fast(.movqRR); swap(&d.r, &d.b) }
        case .movlpsMR: d.fast(.xmmStoreQ)
        case .movdRM: d.fast(mem ? (d.osz == 8 ? .xmmLoadQ : .xmmLoadD) : .movdXR)
        case .movdMR: d.fast(mem ? (d.osz == 8 ? .xmmStoreQ : .xmmStoreD) : .movdRX)
        case .andps where !mem: d.fast(.pandRR)
        case .andnps where !mem: d.fast(.pandnRR)
        case .orps where !mem: d.fast(.porRR)
        case .xorps where !mem: d.fast(.pxorRR)
        case .pshufd where !mem: d.fast(.pshufdRR)
        case .psrldq, .pslldq:
            // Counts above 15 clear the register (SDM Vol. 2B "PSRLDQ", "PSLLDQ").
            d.imm &= 0xFF
            d.fast(d.imm > 15 ? .xmmZero : op == .psrldq ? .psrldqI : .pslldqI)
        case .addpd: d.fast(mem ? .addpdRM : .addpdRR)
        case .subpd: d.fast(mem ? .subpdRM : .subpdRR)
        case .mulpd: d.fast(mem ? .mulpdRM : .mulpdRR)
        case .divpd: d.fast(mem ? .divpdRM : .divpdRR)
        case .addsd: d.fast(mem ? .addsdRM : .addsdRR)
        case .subsd: d.fast(mem ? .subsdRM : .subsdRR)
        case .mulsd: d.fast(mem ? .mulsdRM : .mulsdRR)
        case .divsd: d.fast(mem ? .divsdRM : .divsdRR)
        case .maxsd where !mem: d.fast(.maxsdRR)
        case .minsd where !mem: d.fast(.minsdRR)
        default: return
        }
    }

    /// PSRLx PSLLx PSRAx xmm, imm8: a logical count of at least the lane width clears the
    /// register, an arithmetic one acts as width − 1 (SDM Vol. 2B "PSLLW/PSLLD/PSLLQ", "PSRAW/PSRAD").
    static func specialiseShift(_ d: inout DecodedInstruction, _ op: PackedIntOp) {
        let c = d.imm & 0xFF
        let width: UInt64
        switch op {
        case .psrlw, .psllw, .psraw: width = 16
        case .psrld, .pslld, .psrad: width = 32
        default: width = 64
        }
        switch op {
        case .psraw, .psrad:
            d.imm = min(c, width - 1)
            d.fast(op == .psraw ? .psrawI : .psradI)
        default:
            d.imm = c
            if c >= width { d.fast(.xmmZero); return }
            switch op {
            case .psrlw: d.fast(.psrlwI)
            case .psrld: d.fast(.psrldI)
            case .psrlq: d.fast(.psrlqI)
            case .psllw: d.fast(.psllwI)
            case .pslld: d.fast(.pslldI)
            default: d.fast(.psllqI)
            }
        }
    }
}

extension DecodedInstruction {
    /// Makes this the `.sseFast` record of `op`.
    mutating func fast(_ op: SSEFastOp) { self.op = .sseFast; sub = op }
}
