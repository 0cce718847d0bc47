// SPDX-License-Identifier: MIT
// x87/MMX/SSE state management (SDM Vol. 1 §10.5, Vol. 2A "FXSAVE", "FXRSTOR", "LDMXCSR",
// "EMMS"; Vol. 2D Table A-6 group 15, 0F 77): LDMXCSR (with #GP(0) for reserved bits), STMXCSR,
// FXSAVE/FXRSTOR in the 32-bit and the REX.W (64-bit pointer) form, with misaligned images (#GP)
// and images running into a guard page (#PF), and EMMS.

extension Forms {
    static var simdState: [Form] {
        var f: [Form] = []
        f.append(Form("0f ae /2 ldmxcsr m32") { b in
            b.x87State()
            let m = b.vectorMem(bytes: 4, .i32, alignment: 1)
            var v = CaseBuilder.randomMXCSR(&b.rng, unmaskPercent: 30)
            // Reserved bits: #GP(0). Not bit 17: the host's MXCSR_MASK has AMD's MM bit, emu's does not.
            if b.rng.chance(10) { v |= UInt32(1) << UInt32(b.rng.pick([16, 18, 20, 24, 31])) }
            if let o = m.offset, o >= 0, o + 4 <= SnippetState.pageSize { b.writeMem(o, size: 4, UInt64(v)) }
            b.emit(Instr([0x0F, 0xAE], ext: 2, rm: .mem(m)))
        })
        f.append(Form("0f ae /3 stmxcsr m32") { b in
            b.sseState(unmaskPercent: 30)
            b.emit(Instr([0x0F, 0xAE], ext: 3, rm: .mem(b.vectorMem(bytes: 4, .i32, alignment: 1))))
        })
        for w in [false, true] {
            f.append(Form("\(w ? "48 " : "")0f ae /0 fxsave\(w ? "64" : "") m512") { b in
                b.sseState(unmaskPercent: 30)
                b.x87State()
                let m = b.vectorMem(bytes: 512, .mixed, alignment: 16, misalignPercent: 5, faultPercent: 6)
                if let o = m.offset {
                    for r in Comparison.fxMasked { b.ignore(memory: (o + r.lowerBound)..<(o + r.upperBound)) }
                }
                b.emit(Instr([0x0F, 0xAE], size: w ? 8 : 4, ext: 0, rm: .mem(m)))
            })
            f.append(Form("\(w ? "48 " : "")0f ae /1 fxrstor\(w ? "64" : "") m512") { b in
                b.sseState(unmaskPercent: 30)
                let m = b.vectorMem(bytes: 512, .mixed, alignment: 16, misalignPercent: 5, faultPercent: 6)
                if let o = m.offset, o >= 0, o + 512 <= SnippetState.pageSize { randomImage(b, at: o) }
                b.emit(Instr([0x0F, 0xAE], size: w ? 8 : 4, ext: 1, rm: .mem(m)))
                if b.rng.chance(30) { b.emit([0x9B]) }                   // FWAIT: #MF if the image left an exception pending
            })
        }
        f.append(Form("0f 77 emms") { b in
            b.x87State()
            b.emit([0x0F, 0x77])
        })
        return f
    }

    /// An FXSAVE image at page offset `o`: a random x87 state (sometimes inconsistent: ES without
    /// an unmasked flag or the reverse), XMM registers and MXCSR, sometimes with a reserved MXCSR
    /// bit (#GP(0); never bit 17, see LDMXCSR).
    static func randomImage(_ b: CaseBuilder, at o: Int) {
        var s = SnippetState()
        CaseBuilder.randomX87(&s, &b.rng, unmaskPercent: 30, pendingPercent: 10)
        if b.rng.chance(10) { s.fxsave[2] ^= 0x80 }                     // FSW.ES
        if b.rng.chance(10) { s.fxsave[3] ^= 0x80 }                     // FSW.B
        for k in 6..<24 { s.fxsave[k] = b.rng.byte() }                  // FOP FIP FDP
        var mxcsr = CaseBuilder.randomMXCSR(&b.rng, unmaskPercent: 30)
        if b.rng.chance(5) { mxcsr |= UInt32(1) << UInt32(b.rng.pick([16, 18, 22, 31])) }
        for k in 0..<4 { s.fxsave[24 + k] = UInt8(truncatingIfNeeded: mxcsr >> (8 * UInt32(k))) }
        for k in 0..<8 { s.fxsave[32 + 16 * k + 10] = b.rng.chance(5) ? b.rng.byte() : 0 }   // reserved bytes of ST slots
        for r in 0..<16 { s.fxsave.replaceSubrange((160 + 16 * r)..<(176 + 16 * r), with: CaseBuilder.lanes(&b.rng, .mixed, bytes: 16)) }
        for k in 0..<512 where !(k >= 416 && b.rng.chance(50)) { b.state.mem[o + k] = s.fxsave[k] }
    }
}
