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
            case .pxor: d.op = .pxorRR
            case .por: d.op = .porRR
            case .pand: d.op = .pandRR
            case .pandn: d.op = .pandnRR
            case .paddb: d.op = .paddbRR
            case .paddw: d.op = .paddwRR
            case .paddd: d.op = .padddRR
            case .paddq: d.op = .paddqRR
            case .psubb: d.op = .psubbRR
            case .psubw: d.op = .psubwRR
            case .psubd: d.op = .psubdRR
            case .psubq: d.op = .psubqRR
            case .pcmpeqb: d.op = .pcmpeqbRR
            case .pcmpeqd: d.op = .pcmpeqdRR
            case .pmuludq: d.op = .pmuludqRR
            case .punpcklbw: d.op = .punpcklbwRR
            case .punpcklwd: d.op = .punpcklwdRR
            case .punpckldq: d.op = .punpckldqRR
            case .punpcklqdq: d.op = .punpcklqdqRR
            case .punpckhbw: d.op = .punpckhbwRR
            case .punpckhwd: d.op = .punpckhwdRR
            case .punpckhdq: d.op = .punpckhdqRR
            case .punpckhqdq: d.op = .punpckhqdqRR
            default: return
            }
            return
        }
        guard let op = SSEOp(rawValue: d.aux) else { return }
        switch op {
        case .movapsRM: d.op = mem ? .xmmLoadA : .xmmMovRR
        case .movupsRM: d.op = mem ? .xmmLoadU : .xmmMovRR
        case .movapsMR, .movupsMR:
            if mem { d.op = op == .movapsMR ? .xmmStoreA : .xmmStoreU } else { d.op = .xmmMovRR; swap(&d.r, &d.b) }
        case .movsdRM: d.op = mem ? .xmmLoadQ : .movsdRR
        case .movsdMR:
            if mem { d.op = .xmmStoreQ } else { d.op = .movsdRR; swap(&d.r, &d.b) }
        case .movssRM where mem: d.op = .xmmLoadD
        case .movssMR where mem: d.op = .xmmStoreD
        case .movqRM: d.op = mem ? .xmmLoadQ : .movqRR
        case .movqMR:
            if mem { d.op = .xmmStoreQ } else { d.op = .movqRR; swap(&d.r, &d.b) }
        case .movlpsMR: d.op = .xmmStoreQ
        case .movdRM: d.op = mem ? (d.osz == 8 ? .xmmLoadQ : .xmmLoadD) : .movdXR
        case .movdMR: d.op = mem ? (d.osz == 8 ? .xmmStoreQ : .xmmStoreD) : .movdRX
        case .andps where !mem: d.op = .pandRR
        case .andnps where !mem: d.op = .pandnRR
        case .orps where !mem: d.op = .porRR
        case .xorps where !mem: d.op = .pxorRR
        case .pshufd where !mem: d.op = .pshufdRR
        case .psrldq, .pslldq:
            // Counts above 15 clear the register (SDM Vol. 2B "PSRLDQ", "PSLLDQ").
            d.imm &= 0xFF
            d.op = d.imm > 15 ? .xmmZero : op == .psrldq ? .psrldqI : .pslldqI
        case .addpd: d.op = mem ? .addpdRM : .addpdRR
        case .subpd: d.op = mem ? .subpdRM : .subpdRR
        case .mulpd: d.op = mem ? .mulpdRM : .mulpdRR
        case .divpd: d.op = mem ? .divpdRM : .divpdRR
        case .addsd: d.op = mem ? .addsdRM : .addsdRR
        case .subsd: d.op = mem ? .subsdRM : .subsdRR
        case .mulsd: d.op = mem ? .mulsdRM : .mulsdRR
        case .divsd: d.op = mem ? .divsdRM : .divsdRR
        case .maxsd where !mem: d.op = .maxsdRR
        case .minsd where !mem: d.op = .minsdRR
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
            d.op = op == .psraw ? .psrawI : .psradI
        default:
            d.imm = c
            if c >= width { d.op = .xmmZero; return }
            switch op {
            case .psrlw: d.op = .psrlwI
            case .psrld: d.op = .psrldI
            case .psrlq: d.op = .psrlqI
            case .psllw: d.op = .psllwI
            case .pslld: d.op = .pslldI
            default: d.op = .psllqI
            }
        }
    }
}
