// SPDX-License-Identifier: MIT
// The x87/MMX/SSE half of a differential case: a random input state in the request's FXSAVE64
// image (every case gets one, so integer forms are checked to leave it alone), MXCSR and FCW
// with random rounding, precision, DAZ/FTZ and exception masks, random x87 stack depth, and
// vector operands in registers or memory filled with biased lanes (CaseRandom+Float.swift).

/// How to fill a vector operand.
enum Lanes {
    case f32, f64, i8, i16, i32, i64
    /// Anything: each 64-bit half gets one of the others.
    case mixed
}

/// A vector instruction's register file.
enum VectorKind {
    case xmm, mm, r32, r64

    var bytes: Int { self == .xmm ? 16 : (self == .r32 ? 4 : 8) }
    var name: String { self == .xmm ? "xmm" : (self == .mm ? "mm" : (self == .r32 ? "r32" : "r64")) }
}

extension CaseBuilder {
    // MARK: - Random state

    /// The state every case starts from, drawn from its own stream so the integer forms' operand
    /// streams are the ones they had before x87/SSE state was compared.
    static func randomFPU(_ s: inout SnippetState, _ r: inout CaseRandom) {
        for k in 0..<16 { s.xmm.replaceSubrange((16 * k)..<(16 * k + 16), with: lanes(&r, .mixed, bytes: 16)) }
        s.mxcsr = randomMXCSR(&r, unmaskPercent: 0)
        randomX87(&s, &r, unmaskPercent: 10, pendingPercent: 0)
    }

    /// MXCSR with random flags, rounding control, DAZ and FZ; with `unmaskPercent` chance some
    /// exceptions are unmasked. Never bit 17 (AMD's MM, outside emu's MXCSR_MASK 0xFFFF).
    static func randomMXCSR(_ r: inout CaseRandom, unmaskPercent: Int) -> UInt32 {
        var m: UInt32 = 0x1F80
        if r.chance(30) { m |= UInt32(r.next() & 0x3F) }
        if r.chance(25) { m |= 0x40 }                                   // DAZ
        if r.chance(25) { m |= 0x8000 }                                 // FZ
        m |= UInt32(r.below(4)) << 13                                   // RC
        if r.chance(unmaskPercent) { m &= ~(UInt32(r.next() & 0x3F) << 7) }
        return m
    }

    /// A random x87 state in the image: FCW (PC 24/53/64 bits, any RC, some exceptions unmasked with
    /// `unmaskPercent` chance), FSW (sticky flags, condition codes, TOP; ES and B set exactly when
    /// a flag is unmasked, which happens with `pendingPercent` chance), a random stack depth and
    /// biased register contents.
    static func randomX87(_ s: inout SnippetState, _ r: inout CaseRandom, unmaskPercent: Int, pendingPercent: Int) {
        var fcw: UInt16 = 0x0040 | 0x3F
        fcw |= UInt16(r.pick([0, 2, 3, 3])) << 8                        // PC (01 is reserved)
        fcw |= UInt16(r.below(4)) << 10                                 // RC
        if r.chance(10) { fcw |= 0x1000 }                               // X (infinity control, ignored since the 80387)
        if r.chance(unmaskPercent) { fcw &= ~UInt16(r.next() & 0x3F) }
        var flags: UInt16 = r.chance(30) ? UInt16(r.next() & 0x7F) : 0
        if flags & 0x40 != 0 { flags |= 1 }                             // SF comes with IE
        let unmasked = ~fcw & 0x3F
        if r.chance(pendingPercent) && unmasked != 0 {
            if flags & unmasked == 0 { flags |= unmasked & (0 &- unmasked) }
        } else {
            flags &= ~unmasked
        }
        var fsw = flags | UInt16(r.next() & 0x4700)                     // C3 C2 C1 C0
        if flags & unmasked != 0 { fsw |= 0x8080 }                      // ES, B
        let top = r.below(8)
        fsw |= UInt16(top) << 11
        let depth = r.pick([0, 1, 2, 8, 8, 3 + r.below(5), 3 + r.below(5)])
        var tags: UInt8 = 0
        for k in 0..<depth { tags |= 1 << UInt8((top + k) & 7) }
        if r.chance(10) { tags = r.byte() }
        setX87Header(&s, fcw: fcw, fsw: fsw, tags: tags)
        for k in 0..<8 { setST(&s, k, r.f80()) }
    }

    static func setX87Header(_ s: inout SnippetState, fcw: UInt16, fsw: UInt16, tags: UInt8) {
        s.fxsave[0] = UInt8(fcw & 0xFF); s.fxsave[1] = UInt8(fcw >> 8)
        s.fxsave[2] = UInt8(fsw & 0xFF); s.fxsave[3] = UInt8(fsw >> 8)
        s.fxsave[4] = tags
    }

    /// Writes ST(k) (image slot k).
    static func setST(_ s: inout SnippetState, _ k: Int, _ v: (sig: UInt64, se: UInt16)) {
        for b in 0..<8 { s.fxsave[32 + 16 * k + b] = UInt8(truncatingIfNeeded: v.sig >> (8 * UInt64(b))) }
        s.fxsave[32 + 16 * k + 8] = UInt8(v.se & 0xFF)
        s.fxsave[32 + 16 * k + 9] = UInt8(v.se >> 8)
    }

    /// `bytes` bytes of `kind` lanes.
    static func lanes(_ r: inout CaseRandom, _ kind: Lanes, bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < bytes {
            var k = kind
            if k == .mixed { k = r.pick([.f32, .f64, .i8, .i16, .i32, .i64, .i64]) }
            var q: UInt64 = 0
            switch k {
            case .f32: q = UInt64(r.f32()) | UInt64(r.f32()) << 32
            case .f64: q = r.f64()
            case .i8: for b in 0..<8 { q |= (r.value(bits: 8) & 0xFF) << (8 * UInt64(b)) }
            case .i16: for b in 0..<4 { q |= (r.value(bits: 16) & 0xFFFF) << (16 * UInt64(b)) }
            case .i32: q = r.value(bits: 32) & 0xFFFF_FFFF | r.value(bits: 32) << 32
            default: q = r.value(bits: 64)
            }
            out += Encoder.le(q, min(8, bytes - out.count))
        }
        return out
    }

    // MARK: - State for the form under test

    /// SSE forms: MXCSR with some exceptions unmasked now and then (#XM when one is raised).
    func sseState(unmaskPercent: Int = 15) {
        state.mxcsr = CaseBuilder.randomMXCSR(&rng, unmaskPercent: unmaskPercent)
    }

    /// x87 forms: a fresh x87 state from the form's stream.
    func x87State(unmaskPercent: Int = 30, pendingPercent: Int = 5) {
        CaseBuilder.randomX87(&state, &rng, unmaskPercent: unmaskPercent, pendingPercent: pendingPercent)
    }

    /// FSW bits the SDM leaves undefined for this case (x87 condition codes).
    func undefineFSW(_ bits: UInt16) {
        fxMask[2] &= ~UInt8(bits & 0xFF)
        fxMask[3] &= ~UInt8(bits >> 8)
    }

    /// ST(k) is tagged empty in the input.
    func stEmpty(_ k: Int) -> Bool { state.fxsave[4] & (1 << UInt8((x87Top + k) & 7)) == 0 }

    /// TOP of the input FSW.
    var x87Top: Int { Int(state.fxsave[3] >> 3) & 7 }

    func setST(_ k: Int, _ v: (sig: UInt64, se: UInt16)) { CaseBuilder.setST(&state, k, v) }

    // MARK: - Vector registers and operands

    func setXMM(_ r: Int, _ lanes: Lanes) {
        state.xmm.replaceSubrange((16 * r)..<(16 * r + 16), with: CaseBuilder.lanes(&rng, lanes, bytes: 16))
    }

    /// MMi: the significand of physical register Ri, i.e. image slot (i − TOP) mod 8; its
    /// exponent field keeps what the random state put there (MMX writes set it to ones).
    func setMM(_ r: Int, _ lanes: Lanes) {
        let v = CaseBuilder.lanes(&rng, lanes, bytes: 8)
        let slot = 32 + 16 * ((r - x87Top) & 7)
        for b in 0..<8 { state.fxsave[slot + b] = v[b] }
    }

    /// A register operand of `kind`, filled with `lanes` (GPRs: a biased integer; pinned).
    func vectorReg(_ kind: VectorKind, _ lanes: Lanes, avoid: Set<Int> = []) -> Int {
        switch kind {
        case .xmm:
            let r = rng.below(16); setXMM(r, lanes); return r
        case .mm:
            let r = rng.below(8); setMM(r, lanes)
            return rng.chance(10) ? r + 8 : r                           // REX.R/B are ignored for MMX registers
        case .r32, .r64:
            let r = gpr(avoid: avoid)
            set(r, rng.value(bits: kind == .r32 ? rng.pick([16, 32]) : rng.pick([32, 64])))
            return r
        }
    }

    /// Fills `bytes` bytes of the data page at `off` (what lies inside it) with `lanes`.
    func fillMemory(_ off: Int, bytes: Int, _ lanes: Lanes) {
        let v = CaseBuilder.lanes(&rng, lanes, bytes: bytes)
        for k in 0..<bytes where off + k >= 0 && off + k < SnippetState.pageSize { state.mem[off + k] = v[k] }
    }

    /// A memory operand of `bytes` bytes filled with `lanes`. With `alignment` > 1 it is mostly
    /// aligned and misaligned with `misalignPercent` chance (#GP for legacy-SSE 16-byte operands);
    /// now and then it runs into a guard page or is non-canonical.
    func vectorMem(bytes: Int, _ lanes: Lanes, alignment: Int = 1, misalignPercent: Int = 8, faultPercent: Int = 3) -> MemOperand {
        if rng.chance(faultPercent / 3) {
            let ea = (SnippetState.dataAddress + UInt64(rng.below(256) * 16)) ^ rng.pick([0x8000_0000_0000_0000, 0x0000_8000_0000_0000])
            notes.append("memory operand at non-canonical 0x\(String(ea, radix: 16))")
            return memOperand(ea: ea, addr32Percent: 0)
        }
        var off: Int
        if rng.chance(faultPercent) {
            off = rng.chance(50) ? -rng.below(bytes) - 1 : SnippetState.pageSize - bytes + 1 + rng.below(bytes)
            if alignment > 1 && rng.chance(50) { off = off >= 0 ? SnippetState.pageSize : -alignment }
        } else {
            off = rng.below(SnippetState.pageSize - bytes + 1)
            let a = alignment > 1 ? alignment : (bytes & (bytes - 1) == 0 ? bytes : 8)
            if alignment > 1 ? !rng.chance(misalignPercent) : rng.chance(60) { off &= ~(a - 1) }
        }
        let m = mem(size: bytes, offset: off)
        fillMemory(off, bytes: bytes, lanes)
        return m
    }
}
