// SPDX-License-Identifier: MIT
// SSE/SSE2 conversions (SDM Vol. 1 §10.4.6, §11.4.6; Vol. 2D Table A-3 rows 0F 2A, 2C, 2D, 5A, 5B,
// E6): between packed and scalar singles and doubles, doubleword integers in XMM and MMX registers,
// and 32- or 64-bit (REX.W) integers in GPRs or memory; rounding by MXCSR.RC or by truncation, the
// integer indefinite for out-of-range and NaN sources, DAZ/FZ, and #XM for unmasked exceptions.
// The forms with an MMX operand also switch the x87 unit to MMX mode (or raise #MF first).

extension Forms {
    static var sseConversions: [Form] {
        var f: [Form] = []
        // Between integers and floats.
        for w in [false, true] {
            let g: VectorKind = w ? .r64 : .r32, n = w ? 8 : 4
            f += vector(VectorSpec("cvtsi2ss", 0xF3, [0x2A], rm: g, mem: n, lanes: w ? .i64 : .i32).with { $0.rexW = w; $0.regLanes = .f32 })
            f += vector(VectorSpec("cvtsi2sd", 0xF2, [0x2A], rm: g, mem: n, lanes: w ? .i64 : .i32).with { $0.rexW = w; $0.regLanes = .f64 })
            for (op, t) in [(UInt8(0x2C), "t"), (0x2D, "")] {
                f += vector(VectorSpec("cvt\(t)ss2si", 0xF3, [op], reg: g, mem: 4, lanes: .f32).with { $0.rexW = w })
                f += vector(VectorSpec("cvt\(t)sd2si", 0xF2, [op], reg: g, mem: 8, lanes: .f64).with { $0.rexW = w })
            }
        }
        f += vector(VectorSpec("cvtpi2ps", nil, [0x2A], rm: .mm, mem: 8, lanes: .i32).with { $0.regLanes = .f32 })
        f += vector(VectorSpec("cvtpi2pd", 0x66, [0x2A], rm: .mm, mem: 8, lanes: .i32).with { $0.regLanes = .f64 })
        for (op, t) in [(UInt8(0x2C), "t"), (0x2D, "")] {
            f += vector(VectorSpec("cvt\(t)ps2pi", nil, [op], reg: .mm, mem: 8, lanes: .f32))
            f += vector(VectorSpec("cvt\(t)pd2pi", 0x66, [op], reg: .mm, mem: 16, aligned: true, lanes: .f64))
        }
        f += vector(VectorSpec("cvtdq2ps", nil, [0x5B], mem: 16, aligned: true, lanes: .i32))
        f += vector(VectorSpec("cvtps2dq", 0x66, [0x5B], mem: 16, aligned: true, lanes: .f32))
        f += vector(VectorSpec("cvttps2dq", 0xF3, [0x5B], mem: 16, aligned: true, lanes: .f32))
        f += vector(VectorSpec("cvttpd2dq", 0x66, [0xE6], mem: 16, aligned: true, lanes: .f64))
        f += vector(VectorSpec("cvtdq2pd", 0xF3, [0xE6], mem: 8, lanes: .i32))
        f += vector(VectorSpec("cvtpd2dq", 0xF2, [0xE6], mem: 16, aligned: true, lanes: .f64))
        // Between singles and doubles.
        f += vector(VectorSpec("cvtps2pd", nil, [0x5A], mem: 8, lanes: .f32))
        f += vector(VectorSpec("cvtpd2ps", 0x66, [0x5A], mem: 16, aligned: true, lanes: .f64))
        f += vector(VectorSpec("cvtss2sd", 0xF3, [0x5A], mem: 4, lanes: .f32))
        f += vector(VectorSpec("cvtsd2ss", 0xF2, [0x5A], mem: 8, lanes: .f64))
        return f
    }
}
