// SPDX-License-Identifier: MIT
// The x87/SSE state as a 512-byte FXSAVE image (SDM Vol. 1 §10.5.1, Vol. 2A "FXSAVE" Table 3-53):
// what FXSAVE/FXRSTOR move to and from guest memory, and what a supervisor keeps per thread when
// it switches user contexts (DESIGN.md §2: the hosted hypervisor's EC switch).

extension CPU {
    /// Writes the FXSAVE image of the current x87/MMX/SSE state into `p` (bytes 0–415; 416–511
    /// are left alone, as FXSAVE leaves them). `wide` is the FXSAVE64 layout (64-bit FIP/FDP);
    /// otherwise FIP/FDP are 32 bits with FCS/FDS above them.
    public func saveFPUImage(into p: UnsafeMutableRawPointer, wide: Bool = true) {
        func put(_ off: Int, _ v: UInt64) { p.storeBytes(of: v, toByteOffset: off, as: UInt64.self) }
        put(0, UInt64(x87.fcw) | UInt64(x87.statusWord) << 16 | UInt64(x87.abridgedTag) << 32
            | UInt64(x87.fop & 0x7FF) << 48)
        if wide {
            put(FXSaveLayout.fip, x87.fip)
            put(FXSaveLayout.fdp, x87.fdp)
        } else {
            put(FXSaveLayout.fip, x87.fip & 0xFFFF_FFFF | UInt64(x87.fcs) << 32)
            put(FXSaveLayout.fdp, x87.fdp & 0xFFFF_FFFF | UInt64(x87.fds) << 32)
        }
        put(FXSaveLayout.mxcsr, UInt64(sse.mxcsr) | UInt64(SSEState.mxcsrMask) << 32)
        for k in 0..<8 {
            let v = x87.st(k)
            put(FXSaveLayout.st + 16 * k, v.sig)
            put(FXSaveLayout.st + 16 * k + 8, UInt64(v.se))
        }
        for k in 0..<16 {
            put(FXSaveLayout.xmm + 16 * k, sse.lo(k))
            put(FXSaveLayout.xmm + 16 * k + 8, sse.hi(k))
        }
    }

    /// Loads the x87/MMX/SSE state from the FXSAVE image at `p`. Returns false, changing
    /// nothing, if the image's MXCSR has reserved bits set (FXRSTOR's #GP(0)).
    @discardableResult
    public func restoreFPUImage(from p: UnsafeRawPointer, wide: Bool = true) -> Bool {
        func q(_ off: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: off, as: UInt64.self) }
        func w(_ off: Int) -> UInt16 { p.loadUnaligned(fromByteOffset: off, as: UInt16.self) }
        let mxcsr = p.loadUnaligned(fromByteOffset: FXSaveLayout.mxcsr, as: UInt32.self)
        guard mxcsr & ~SSEState.mxcsrMask == 0 else { return false }
        x87.statusWord = w(FXSaveLayout.fsw)
        x87SetControlWord(w(FXSaveLayout.fcw))          // reserved bits fixed, ES and B recomputed
        x87.fop = w(FXSaveLayout.fop) & 0x7FF
        if wide {
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
        x87.setAbridgedTag(p.load(fromByteOffset: FXSaveLayout.ftw, as: UInt8.self))
        sse.mxcsr = mxcsr
        for k in 0..<16 {
            let slot = FXSaveLayout.xmm + 16 * k
            sse.set(k, lo: q(slot), hi: q(slot + 8))
        }
        return true
    }
}
