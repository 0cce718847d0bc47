// SPDX-License-Identifier: MIT
// SSE/SSE2/MMX data movement (SDM Vol. 1 §9.4.4, §10.4.1, §11.4.1; Vol. 2D Table A-3 rows 0F 10–17,
// 28/29, 2B, 50, 6E/6F, 7E/7F, C3, D6, D7, E7, F7): MOVUPS/UPD/SS/SD, MOVAPS/APD, MOVLPS/HPS/LPD/HPD,
// MOVHLPS/LHPS, MOVNTPS/NTPD/NTDQ/NTQ/NTI, MOVMSKPS/PD, PMOVMSKB, MOVDQA/DQU, MOVD/MOVQ between
// GPRs or memory and XMM or MMX registers (REX.W for 64 bits), MOVQ, MOVQ2DQ, MOVDQ2Q and
// MASKMOVDQU/MASKMOVQ. 16-byte operands of the aligned forms fault (#GP) when misaligned.

extension Forms {
    static var sseMoves: [Form] {
        var f: [Form] = []
        for (p, mn, bytes, lanes): (UInt8?, String, Int, Lanes) in [(nil, "movups", 16, .f32), (0x66, "movupd", 16, .f64),
                                                                    (0xF3, "movss", 4, .f32), (0xF2, "movsd", 8, .f64)] {
            f += vector(VectorSpec(mn, p, [0x10], mem: bytes, lanes: lanes))
            f += vector(VectorSpec(mn, p, [0x11], mem: bytes, lanes: lanes).with { $0.store = true })
        }
        for (p, mn, lanes): (UInt8?, String, Lanes) in [(nil, "movaps", .f32), (0x66, "movapd", .f64)] {
            f += vector(VectorSpec(mn, p, [0x28], mem: 16, aligned: true, lanes: lanes))
            f += vector(VectorSpec(mn, p, [0x29], mem: 16, aligned: true, lanes: lanes).with { $0.store = true })
            f += vector(VectorSpec(mn == "movaps" ? "movntps" : "movntpd", p, [0x2B], mem: 16, aligned: true, lanes: lanes)
                .with { $0.store = true; $0.registerForm = false })
        }
        // 0F 12/16 with a register source are MOVHLPS/MOVLHPS; 66 0F 12/16 exist only with memory.
        f += vector(VectorSpec("movlps", nil, [0x12], mem: 8, lanes: .f32).with { $0.registerForm = false })
        f += vector(VectorSpec("movhlps", nil, [0x12], mem: nil, lanes: .f32))
        f += vector(VectorSpec("movhps", nil, [0x16], mem: 8, lanes: .f32).with { $0.registerForm = false })
        f += vector(VectorSpec("movlhps", nil, [0x16], mem: nil, lanes: .f32))
        f += vector(VectorSpec("movlpd", 0x66, [0x12], mem: 8, lanes: .f64).with { $0.registerForm = false })
        f += vector(VectorSpec("movhpd", 0x66, [0x16], mem: 8, lanes: .f64).with { $0.registerForm = false })
        for (p, mn) in [(nil, "movlps"), (UInt8(0x66), "movlpd")] {
            f += vector(VectorSpec(mn, p, [0x13], mem: 8).with { $0.store = true; $0.registerForm = false })
        }
        for (p, mn) in [(nil, "movhps"), (UInt8(0x66), "movhpd")] {
            f += vector(VectorSpec(mn, p, [0x17], mem: 8).with { $0.store = true; $0.registerForm = false })
        }
        for w in [false, true] {
            f += vector(VectorSpec("movmskps", nil, [0x50], reg: w ? .r64 : .r32, mem: nil, lanes: .f32).with { $0.rexW = w })
            f += vector(VectorSpec("movmskpd", 0x66, [0x50], reg: w ? .r64 : .r32, mem: nil, lanes: .f64).with { $0.rexW = w })
            f += vector(VectorSpec("pmovmskb", 0x66, [0xD7], reg: w ? .r64 : .r32, mem: nil, lanes: .i8).with { $0.rexW = w })
            f += vector(VectorSpec("pmovmskb", nil, [0xD7], reg: w ? .r64 : .r32, rm: .mm, mem: nil, lanes: .i8).with { $0.rexW = w })
        }
        f += vector(VectorSpec("movdqa", 0x66, [0x6F], mem: 16, aligned: true))
        f += vector(VectorSpec("movdqa", 0x66, [0x7F], mem: 16, aligned: true).with { $0.store = true })
        f += vector(VectorSpec("movdqu", 0xF3, [0x6F], mem: 16))
        f += vector(VectorSpec("movdqu", 0xF3, [0x7F], mem: 16).with { $0.store = true })
        f += vector(VectorSpec("movntdq", 0x66, [0xE7], mem: 16, aligned: true).with { $0.store = true; $0.registerForm = false })
        // MOVD/MOVQ with a GPR or memory (REX.W selects 64 bits), on XMM (66) and MMX registers.
        for w in [false, true] {
            let g: VectorKind = w ? .r64 : .r32, mn = w ? "movq" : "movd", n = w ? 8 : 4
            f += vector(VectorSpec(mn, 0x66, [0x6E], rm: g, mem: n, lanes: .i64).with { $0.rexW = w })
            f += vector(VectorSpec(mn, 0x66, [0x7E], rm: g, mem: n, lanes: .i64).with { $0.rexW = w; $0.store = true })
            f += vector(VectorSpec(mn, nil, [0x6E], reg: .mm, rm: g, mem: n, lanes: .i64).with { $0.rexW = w })
            f += vector(VectorSpec(mn, nil, [0x7E], reg: .mm, rm: g, mem: n, lanes: .i64).with { $0.rexW = w; $0.store = true })
            f += vector(VectorSpec("movnti", nil, [0xC3], reg: g, rm: g, mem: n, lanes: .i64)
                .with { $0.rexW = w; $0.store = true; $0.registerForm = false })
        }
        f += vector(VectorSpec("movq", 0xF3, [0x7E], mem: 8))
        f += vector(VectorSpec("movq", 0x66, [0xD6], mem: 8).with { $0.store = true })
        f += vector(VectorSpec("movq", nil, [0x6F], reg: .mm, rm: .mm, mem: 8))
        f += vector(VectorSpec("movq", nil, [0x7F], reg: .mm, rm: .mm, mem: 8).with { $0.store = true })
        f += vector(VectorSpec("movntq", nil, [0xE7], reg: .mm, rm: .mm, mem: 8).with { $0.store = true; $0.registerForm = false })
        f += vector(VectorSpec("movq2dq", 0xF3, [0xD6], rm: .mm, mem: nil))
        f += vector(VectorSpec("movdq2q", 0xF2, [0xD6], reg: .mm, mem: nil))
        f.append(maskedMove(xmm: true))
        f.append(maskedMove(xmm: false))
        return f
    }

    /// MASKMOVDQU xmm, xmm / MASKMOVQ mm, mm: a byte-masked store to DS:[RDI] (EDI with 67).
    /// The target stays inside the data page: whether a fully masked-off part in a guard page
    /// faults is left to the implementation (SDM Vol. 2B "MASKMOVDQU").
    static func maskedMove(xmm: Bool) -> Form {
        let n = xmm ? 16 : 8
        return Form(xmm ? "66 0f f7 maskmovdqu xmm, xmm" : "0f f7 maskmovq mm, mm") { b in
            b.sseState()
            if !xmm { b.x87State() }
            let kind: VectorKind = xmm ? .xmm : .mm
            let data = b.vectorReg(kind, .mixed), mask = b.vectorReg(kind, .i8)
            let off = b.rng.below(SnippetState.pageSize - n + 1)
            let a32 = b.rng.chance(15)
            b.set(7, (SnippetState.dataAddress + UInt64(off)) | (a32 ? b.rng.next() << 32 : 0))
            b.emit((a32 ? [0x67] : []) + Encoder.encode(Instr([0x0F, 0xF7], reg: data, rm: .reg(mask), prefixes: xmm ? [0x66] : []), at: 0))
        }
    }
}
