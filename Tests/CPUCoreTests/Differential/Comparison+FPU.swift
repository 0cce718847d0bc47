// SPDX-License-Identifier: MIT
// Compares the x87/MMX/SSE state of a case through the FXSAVE64 images of both sides: FCW, FSW,
// the abridged FTW, ST0–7 (MM0–7) as 80-bit values, MXCSR and XMM0–15. Only what the SDM leaves
// to the implementation is masked (`fxMasked`, and per case `CaseBuilder.fxMask`: the x87
// condition codes an instruction leaves undefined), and the RCP/RSQRT approximations are
// compared within the SDM's error bound.

extension Comparison {
    /// Image bytes never compared.
    static let fxMasked: [Range<Int>] = [
        6..<24,     // FOP FIP FDP: AMD saves them only while an exception is pending (FSW.ES = 1); emu always does, as Intel
        28..<32,    // MXCSR_MASK: the host's 0x2FFFF has AMD's misaligned-SSE mode bit 17 (MM), which emu does not model (0xFFFF)
    ]

    static func fpuDifferences(native n: SnippetState, emu e: SnippetState, case b: CaseBuilder) -> [String] {
        var d: [String] = []
        // The request's `xmm` and `mxcsr` fields are the input; the runner copies them over its image.
        var input = b.state
        input.fxsave.replaceSubrange(160..<416, with: b.state.xmm)
        for k in 0..<4 { input.fxsave[24 + k] = UInt8(truncatingIfNeeded: b.state.mxcsr >> (8 * UInt32(k))) }
        func differ(_ range: Range<Int>) -> Bool {
            range.contains { i in (n.fxsave[i] ^ e.fxsave[i]) & b.fxMask[i] != 0 && !fxMasked.contains { $0.contains(i) } }
        }
        func field(_ s: SnippetState, _ range: Range<Int>) -> String {
            range.reversed().map { hex(UInt64(s.fxsave[$0]), 2) }.joined()
        }
        func report(_ name: String, _ range: Range<Int>) {
            if differ(range) {
                d.append("\(name): in \(field(input, range)) native \(field(n, range)) emu \(field(e, range))")
            }
        }
        report("fcw", 0..<2)
        report("fsw", 2..<4)
        report("ftw (abridged)", 4..<5)
        report("fxsave byte 5 (reserved)", 5..<6)
        report("mxcsr", 24..<28)
        // Slots are in stack order: ST(k) is MMk only while TOP = 0.
        for k in 0..<8 { report("st\(k)", (32 + 16 * k)..<(48 + 16 * k)) }
        for r in 0..<16 {
            let base = 160 + 16 * r
            let lanes = b.approximateLanes[r]
            if lanes == 0 { report("xmm\(r)", base..<(base + 16)); continue }
            var bad = false
            for k in 0..<4 {
                let o = base + 4 * k
                let nv = lane32(n, o), ev = lane32(e, o)
                bad = bad || (lanes & (1 << k) != 0 ? !approximatelyEqual(native: nv, emu: ev) : nv != ev)
            }
            if bad {
                d.append("xmm\(r) (lanes \(lanes) approximate): in \(field(input, base..<(base + 16))) native \(field(n, base..<(base + 16))) emu \(field(e, base..<(base + 16)))")
            }
        }
        return d
    }

    static func lane32(_ s: SnippetState, _ o: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(s.fxsave[o + $1]) << (8 * UInt32($1)) }
    }

    /// RCPPS RCPSS RSQRTPS RSQRTSS (SDM Vol. 2B): "|Relative Error| ≤ 1.5 ∗ 2^−12"; the tables
    /// are the vendor's. Emu returns the correctly rounded value, so it stands for the exact one.
    /// ±0, ±∞ and NaN results (zero, denormal, infinite and NaN inputs, flushed tiny results)
    /// are specified exactly and must match bit for bit, with one exception: RCPPS inputs between
    /// 1.11111111110100000000000B∗2^125 and 1.00000000000110000000001B∗2^126 in magnitude "may
    /// or may not produce tiny results, depending on the implementation" (tiny results are
    /// flushed to 0), so there a zero on one side may meet a result next to 2^−126 on the other.
    static func approximatelyEqual(native n: UInt32, emu e: UInt32) -> Bool {
        if n == e { return true }
        let nf = Float(bitPattern: n), ef = Float(bitPattern: e)
        if (nf == 0) != (ef == 0) && nf.sign == ef.sign {
            let other = abs(nf == 0 ? ef : nf)
            return other >= 0x1p-126 && other <= 0x1p-126 * (1 + 0x1p-10)
        }
        guard nf.isFinite, ef.isFinite, nf != 0, ef != 0, nf.sign == ef.sign else { return false }
        return abs(Double(nf) - Double(ef)) <= 1.5 * 0x1p-12 * abs(Double(ef))
    }

    /// The x87/SSE input for a report: control and status words, tags and the XMM registers' bytes.
    static func fpuInput(_ s: SnippetState) -> [String] {
        let f = s.fxsave
        func w(_ o: Int) -> UInt64 { UInt64(f[o]) | UInt64(f[o + 1]) << 8 }
        func st(_ k: Int) -> String { "st\(k)=" + ((32 + 16 * k)..<(42 + 16 * k)).reversed().map { hex(UInt64(f[$0]), 2) }.joined() }
        return ["fcw=\(hex(w(0), 4)) fsw=\(hex(w(2), 4)) (top \(w(2) >> 11 & 7)) ftw=\(hex(UInt64(f[4]), 2)) mxcsr=\(hex(UInt64(s.mxcsr), 8))",
                (0..<4).map(st).joined(separator: " "), (4..<8).map(st).joined(separator: " ")]
    }
}
