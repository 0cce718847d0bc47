// SPDX-License-Identifier: MIT
// The packed-integer instructions on XMM (66 prefix) and MMX registers (SDM Vol. 1 §9.4, §10.4.4,
// §11.4.3; Vol. 2D Table A-3 rows 0F 60–6D, 71–76, D1–FE): PADD/PSUB (wrapping, signed and
// unsigned saturating), PMULLW PMULHW PMULHUW PMULUDQ PMADDWD PSADBW, PCMPEQ/PCMPGT, PAND PANDN
// POR PXOR, PAVGB/W, PMAXSW PMAXUB PMINSW PMINUB, shifts by register or memory count and by
// immediate (counts past the lane width clear or fill the lanes), PACKSSWB PACKSSDW PACKUSWB
// and the PUNPCK family. The MMX forms also exercise the x87 state switch (TOP = 0, all tags
// valid) and #MF for a pending x87 exception.

extension Forms {
    /// Opcode, mnemonic, lane width in bytes (0: a shift whose count is the source), XMM-only.
    static let packedIntegerOps: [(op: UInt8, mn: String, lane: Int, xmmOnly: Bool)] = [
        (0x60, "punpcklbw", 1, false), (0x61, "punpcklwd", 2, false), (0x62, "punpckldq", 4, false),
        (0x63, "packsswb", 2, false), (0x64, "pcmpgtb", 1, false), (0x65, "pcmpgtw", 2, false), (0x66, "pcmpgtd", 4, false),
        (0x67, "packuswb", 2, false), (0x68, "punpckhbw", 1, false), (0x69, "punpckhwd", 2, false), (0x6A, "punpckhdq", 4, false),
        (0x6B, "packssdw", 4, false), (0x6C, "punpcklqdq", 8, true), (0x6D, "punpckhqdq", 8, true),
        (0x74, "pcmpeqb", 1, false), (0x75, "pcmpeqw", 2, false), (0x76, "pcmpeqd", 4, false),
        (0xD1, "psrlw", 0, false), (0xD2, "psrld", 0, false), (0xD3, "psrlq", 0, false), (0xD4, "paddq", 8, false),
        (0xD5, "pmullw", 2, false), (0xD8, "psubusb", 1, false), (0xD9, "psubusw", 2, false), (0xDA, "pminub", 1, false),
        (0xDB, "pand", 8, false), (0xDC, "paddusb", 1, false), (0xDD, "paddusw", 2, false), (0xDE, "pmaxub", 1, false),
        (0xDF, "pandn", 8, false), (0xE0, "pavgb", 1, false), (0xE1, "psraw", 0, false), (0xE2, "psrad", 0, false),
        (0xE3, "pavgw", 2, false), (0xE4, "pmulhuw", 2, false), (0xE5, "pmulhw", 2, false), (0xE8, "psubsb", 1, false),
        (0xE9, "psubsw", 2, false), (0xEA, "pminsw", 2, false), (0xEB, "por", 8, false), (0xEC, "paddsb", 1, false),
        (0xED, "paddsw", 2, false), (0xEE, "pmaxsw", 2, false), (0xEF, "pxor", 8, false),
        (0xF1, "psllw", 0, false), (0xF2, "pslld", 0, false), (0xF3, "psllq", 0, false), (0xF4, "pmuludq", 4, false),
        (0xF5, "pmaddwd", 2, false), (0xF6, "psadbw", 1, false), (0xF8, "psubb", 1, false), (0xF9, "psubw", 2, false),
        (0xFA, "psubd", 4, false), (0xFB, "psubq", 8, false), (0xFC, "paddb", 1, false), (0xFD, "paddw", 2, false),
        (0xFE, "paddd", 4, false),
    ]

    static func laneKind(_ bytes: Int) -> Lanes { [1: .i8, 2: .i16, 4: .i32][bytes] ?? .i64 }

    static var packedInteger: [Form] {
        var f: [Form] = []
        for o in packedIntegerOps {
            for mmx in [false, true] where !(mmx && o.xmmOnly) {
                let k: VectorKind = mmx ? .mm : .xmm
                // The MMX PUNPCKL* forms read only 32 bits of memory (mm, mm/m32).
                let bytes = mmx ? (o.op >= 0x60 && o.op <= 0x62 ? 4 : 8) : 16
                var s = VectorSpec(o.mn, mmx ? nil : 0x66, [o.op], reg: k, rm: k, mem: bytes, aligned: !mmx,
                                   lanes: o.lane == 0 ? .mixed : laneKind(o.lane))
                if o.lane == 0 {
                    let width = 8 << (o.op & 3)                         // D1/E1/F1 words, D2/E2/F2 dwords, D3/F3 quadwords
                    s.regLanes = laneKind(width / 8)
                    s.finish = { b, _, rm in shiftCount(b, rm, mmx: mmx, bits: width) }
                } else {
                    s.relatedLane = o.lane
                }
                f += vector(s)
            }
        }
        // Shifts by an immediate: 0F 71 (words), 72 (dwords), 73 (quadwords) /2 PSRL, /4 PSRA, /6 PSLL.
        for (op, width) in [(UInt8(0x71), 16), (0x72, 32), (0x73, 64)] {
            let suffix = ["w", "d", "q"][Int(op - 0x71)]
            for (ext, mn) in [(2, "psrl"), (4, "psra"), (6, "psll")] where !(op == 0x73 && ext == 4) {
                for mmx in [false, true] {
                    let k: VectorKind = mmx ? .mm : .xmm
                    f += vector(VectorSpec(mn + suffix, mmx ? nil : 0x66, [op], reg: k, rm: k, mem: nil, lanes: laneKind(width / 8))
                        .with { $0.ext = ext; $0.imm = shiftImm(bits: width) })
                }
            }
        }
        return f
    }

    /// Makes the count operand (the source's low quadword) mostly a count near the lane width.
    static func shiftCount(_ b: CaseBuilder, _ rm: RMOperand, mmx: Bool, bits: Int) {
        guard b.rng.chance(85) else { return }
        let count = b.rng.chance(90) ? UInt64(b.rng.below(bits + 2)) : UInt64(1) << UInt64(b.rng.below(64))
        let bytes = Encoder.le(count, 8)
        for k in 0..<8 {
            switch rm {
            case .reg(let x):
                if mmx { b.state.fxsave[32 + 16 * (((x & 7) - b.x87Top) & 7) + k] = bytes[k] } else { b.state.xmm[16 * x + k] = bytes[k] }
            case .mem(let m):
                if let o = m.offset, o + k >= 0, o + k < SnippetState.pageSize { b.state.mem[o + k] = bytes[k] }
            }
        }
    }
}
