// SPDX-License-Identifier: MIT
// FXSAVE FXRSTOR LDMXCSR STMXCSR (SDM Vol. 2A "FXSAVE", Table 3-53 (64-bit layouts) and
// Vol. 1 §10.5.1). The 512-byte image: FCW FSW FTW(abridged) FOP FIP FDP MXCSR MXCSR_MASK at
// 0–31, ST0–ST7 in stack order at 32 + 16i, XMM0–XMM15 at 160 + 16i; bytes 416–511 are not
// written (464–511 belong to software).

/// Offsets in the FXSAVE image.
enum FXSaveLayout {
    static let fcw = 0, fsw = 2, ftw = 4, fop = 6, fip = 8, fcs = 12, fdp = 16, fds = 20
    static let mxcsr = 24, mxcsrMask = 28, st = 32, xmm = 160, written = 416, size: UInt64 = 512
}

extension CPU {
    // MARK: - LDMXCSR STMXCSR — SDM Vol. 2A "LDMXCSR", Vol. 2B "STMXCSR"

    /// LDMXCSR m32: #GP(0) if a reserved bit (outside MXCSR_MASK) is set.
    func ldmxcsr(_ i: Inst) -> Bool {
        guard let v: UInt32 = load(ea(i)) else { memFault(i); return false }
        guard v & ~SSEState.mxcsrMask == 0 else { exception = .gp(0); return false }
        sse.mxcsr = v
        return true
    }

    func stmxcsr(_ i: Inst) -> Bool { storeMemory(i, sse.mxcsr) }

    // MARK: - FXSAVE FXRSTOR — SDM Vol. 2A "FXSAVE", "FXRSTOR"

    /// FXSAVE m512: `osz` 8 is FXSAVE64 (64-bit FIP/FDP), else the 32-bit pointer form with FCS/FDS.
    func fxsave(_ i: Inst) -> Bool {
        let va = ea(i)
        guard checkAligned16(va) else { return false }
        guard probeWrite(va, length: FXSaveLayout.size) else { memFault(i); return false }
        let header0 = UInt64(x87.fcw) | UInt64(x87.statusWord) << 16 | UInt64(x87.abridgedTag) << 32
            | UInt64(x87.fop & 0x7FF) << 48
        let header1: UInt64, header2: UInt64
        if i.pointee.osz == 8 {
            header1 = x87.fip
            header2 = x87.fdp
        } else {
            header1 = x87.fip & 0xFFFF_FFFF | UInt64(x87.fcs) << 32
            header2 = x87.fdp & 0xFFFF_FFFF | UInt64(x87.fds) << 32
        }
        let header3 = UInt64(sse.mxcsr) | UInt64(SSEState.mxcsrMask) << 32
        var ok = store(va, header0) && store(va &+ 8, header1) && store(va &+ 16, header2) && store(va &+ 24, header3)
        for k in 0..<8 where ok {
            let v = x87.st(k)
            let slot = va &+ UInt64(FXSaveLayout.st + 16 * k)
            ok = store(slot, v.sig) && store(slot &+ 8, UInt64(v.se))
        }
        for k in 0..<16 where ok {
            let slot = va &+ UInt64(FXSaveLayout.xmm + 16 * k)
            ok = store(slot, sse.lo(k)) && store(slot &+ 8, sse.hi(k))
        }
        guard ok else { memFault(i); return false }   // not reached: the range was probed
        return true
    }

    /// FXRSTOR m512: #GP(0) if the image's MXCSR has reserved bits set. The image spans at most
    /// two pages (it is aligned), so reading its first and last byte proves it all readable and
    /// nothing changes on a fault.
    func fxrstor(_ i: Inst) -> Bool {
        let va = ea(i)
        guard checkAligned16(va) else { return false }
        guard let _: UInt8 = load(va), let _: UInt8 = load(va &+ (FXSaveLayout.size - 1)),
              let mxcsr: UInt32 = load(va &+ UInt64(FXSaveLayout.mxcsr)) else { memFault(i); return false }
        guard mxcsr & ~SSEState.mxcsrMask == 0 else { exception = .gp(0); return false }
        func q(_ off: Int) -> UInt64 { load(va &+ UInt64(off), UInt64.self) ?? 0 }
        func w(_ off: Int) -> UInt16 { load(va &+ UInt64(off), UInt16.self) ?? 0 }

        x87.statusWord = w(FXSaveLayout.fsw)
        x87SetControlWord(w(FXSaveLayout.fcw))          // reserved bits fixed, ES and B recomputed
        x87.fop = w(FXSaveLayout.fop) & 0x7FF
        if i.pointee.osz == 8 {
            x87.fip = q(FXSaveLayout.fip)
            x87.fdp = q(FXSaveLayout.fdp)
        } else {
            x87.fip = q(FXSaveLayout.fip) & 0xFFFF_FFFF
            x87.fcs = w(FXSaveLayout.fcs)
            x87.fdp = q(FXSaveLayout.fdp) & 0xFFFF_FFFF
            x87.fds = w(FXSaveLayout.fds)
        }
        // ST(i) is relative to the TOP just loaded; the tag is physical (bit r = register Rr).
        for k in 0..<8 {
            let slot = FXSaveLayout.st + 16 * k
            x87.store(physical: x87.physical(k), Ext80(sig: q(slot), se: w(slot + 8)))
        }
        x87.setAbridgedTag(load(va &+ UInt64(FXSaveLayout.ftw), UInt8.self) ?? 0)
        sse.mxcsr = mxcsr
        for k in 0..<16 {
            let slot = FXSaveLayout.xmm + 16 * k
            sse.set(k, lo: q(slot), hi: q(slot + 8))
        }
        return true
    }
}
