// SPDX-License-Identifier: MIT
// SSE/SSE2 floating-point arithmetic, logic and comparison (SDM Vol. 1 §10.4.2–10.4.4, §11.4.1;
// Vol. 2D Table A-3 rows 0F 51–5F, 54–57, C2, 2E/2F): ADD SUB MUL DIV MIN MAX SQRT in PS SS PD SD,
// RCPPS RCPSS RSQRTPS RSQRTSS (compared within the SDM's error bound), AND ANDN OR XOR PS/PD,
// CMPPS/SS/PD/SD with each of the 8 predicates, and COMISS/COMISD/UCOMISS/UCOMISD, whose RFLAGS
// result (ZF PF CF; OF SF AF cleared) is compared in full. MXCSR has random rounding, DAZ, FZ and
// sometimes unmasked exceptions (#XM).

extension Forms {
    /// The PS SS PD SD variants of a 0F row: prefix, suffix, memory size, lanes, alignment.
    static let floatVariants: [(prefix: UInt8?, suffix: String, bytes: Int, lanes: Lanes, aligned: Bool)] = [
        (nil, "ps", 16, .f32, true), (0xF3, "ss", 4, .f32, false), (0x66, "pd", 16, .f64, true), (0xF2, "sd", 8, .f64, false),
    ]

    static var sseArithmetic: [Form] {
        var f: [Form] = []
        for (op, mn) in [(UInt8(0x58), "add"), (0x59, "mul"), (0x5C, "sub"), (0x5D, "min"), (0x5E, "div"), (0x5F, "max"), (0x51, "sqrt")] {
            for v in floatVariants {
                f += vector(VectorSpec(mn + v.suffix, v.prefix, [op], mem: v.bytes, aligned: v.aligned, lanes: v.lanes)
                    .with { $0.relatedLane = v.lanes == .f32 ? 4 : 8 })
            }
        }
        for (op, mn) in [(UInt8(0x53), "rcp"), (0x52, "rsqrt")] {
            for v in floatVariants where v.lanes == .f32 {
                let lanes: UInt8 = v.suffix == "ps" ? 0xF : 0x1
                f += vector(VectorSpec(mn + v.suffix, v.prefix, [op], mem: v.bytes, aligned: v.aligned, lanes: .f32)
                    .with { $0.finish = { b, r, _ in b.approximateLanes[r] = lanes } })
            }
        }
        for (op, mn) in [(UInt8(0x54), "and"), (0x55, "andn"), (0x56, "or"), (0x57, "xor")] {
            for v in floatVariants where v.aligned {
                f += vector(VectorSpec(mn + v.suffix, v.prefix, [op], mem: 16, aligned: true, lanes: v.lanes))
            }
        }
        return f
    }

    static let cmpPredicates = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"]

    static var sseCompares: [Form] {
        var f: [Form] = []
        for v in floatVariants {
            for (k, pred) in cmpPredicates.enumerated() {
                // Legacy SSE uses imm8[2:0]; bits 7:3 are reserved (SDM Vol. 2A "CMPPS"): set now and then.
                f += vector(VectorSpec("cmp\(pred)\(v.suffix)", v.prefix, [0xC2], mem: v.bytes, aligned: v.aligned, lanes: v.lanes)
                    .with {
                        $0.relatedLane = v.lanes == .f32 ? 4 : 8
                        $0.imm = { r in UInt8(k) | (r.chance(10) ? r.byte() & 0xF8 : 0) }
                    })
            }
        }
        for (p, mn, lanes, bytes): (UInt8?, String, Lanes, Int) in [(nil, "ucomiss", .f32, 4), (nil, "comiss", .f32, 4),
                                                                    (0x66, "ucomisd", .f64, 8), (0x66, "comisd", .f64, 8)] {
            f += vector(VectorSpec(mn, p, [mn.hasPrefix("u") ? 0x2E : 0x2F], mem: bytes, lanes: lanes)
                .with { $0.relatedLane = bytes })
        }
        return f
    }
}
