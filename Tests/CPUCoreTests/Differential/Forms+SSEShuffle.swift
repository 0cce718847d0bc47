// SPDX-License-Identifier: MIT
// SSE/SSE2 shuffles, unpacks, byte shifts and word insertion/extraction (SDM Vol. 1 §10.4.5,
// §11.4.4–11.4.5; Vol. 2D Table A-3 rows 0F 14/15, 70, 73 /3 /7, C4–C6): SHUFPS SHUFPD UNPCKLPS
// UNPCKHPS UNPCKLPD UNPCKHPD PSHUFD PSHUFHW PSHUFLW PSHUFW PSRLDQ PSLLDQ PEXTRW PINSRW (XMM and
// MMX; the word index is taken modulo the lane count).

extension Forms {
    static var sseShuffles: [Form] {
        var f: [Form] = []
        f += vector(VectorSpec("shufps", nil, [0xC6], mem: 16, aligned: true, lanes: .f32).with { $0.imm = anyImm })
        f += vector(VectorSpec("shufpd", 0x66, [0xC6], mem: 16, aligned: true, lanes: .f64).with { $0.imm = anyImm })
        f += vector(VectorSpec("unpcklps", nil, [0x14], mem: 16, aligned: true, lanes: .f32))
        f += vector(VectorSpec("unpckhps", nil, [0x15], mem: 16, aligned: true, lanes: .f32))
        f += vector(VectorSpec("unpcklpd", 0x66, [0x14], mem: 16, aligned: true, lanes: .f64))
        f += vector(VectorSpec("unpckhpd", 0x66, [0x15], mem: 16, aligned: true, lanes: .f64))
        f += vector(VectorSpec("pshufd", 0x66, [0x70], mem: 16, aligned: true, lanes: .i32).with { $0.imm = anyImm })
        f += vector(VectorSpec("pshufhw", 0xF3, [0x70], mem: 16, aligned: true, lanes: .i16).with { $0.imm = anyImm })
        f += vector(VectorSpec("pshuflw", 0xF2, [0x70], mem: 16, aligned: true, lanes: .i16).with { $0.imm = anyImm })
        f += vector(VectorSpec("pshufw", nil, [0x70], reg: .mm, rm: .mm, mem: 8, lanes: .i16).with { $0.imm = anyImm })
        for (ext, mn) in [(3, "psrldq"), (7, "pslldq")] {
            f += vector(VectorSpec(mn, 0x66, [0x73], mem: nil, lanes: .i8).with { $0.ext = ext; $0.imm = shiftImm(bits: 16) })
        }
        for w in [false, true] {
            let g: VectorKind = w ? .r64 : .r32
            f += vector(VectorSpec("pextrw", 0x66, [0xC5], reg: g, mem: nil, lanes: .i16).with { $0.rexW = w; $0.imm = anyImm })
            f += vector(VectorSpec("pextrw", nil, [0xC5], reg: g, rm: .mm, mem: nil, lanes: .i16).with { $0.rexW = w; $0.imm = anyImm })
        }
        f += vector(VectorSpec("pinsrw", 0x66, [0xC4], rm: .r32, mem: 2, lanes: .i16).with { $0.imm = anyImm })
        f += vector(VectorSpec("pinsrw", nil, [0xC4], reg: .mm, rm: .r32, mem: 2, lanes: .i16).with { $0.imm = anyImm })
        return f
    }
}
