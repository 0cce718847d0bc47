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
    /// The range is probed first, so a fault writes nothing.
    func fxsave(_ i: Inst) -> Bool {
        let va = ea(i)
        guard checkAligned16(va) else { return false }
        guard probeWrite(va, length: FXSaveLayout.size) else { memFault(i); return false }
        var image = [UInt64](repeating: 0, count: FXSaveLayout.written / 8)
        image.withUnsafeMutableBytes { saveFPUImage(into: $0.baseAddress!, wide: i.pointee.osz == 8) }
        for (k, q) in image.enumerated() where !store(va &+ UInt64(8 * k), q) {
            memFault(i); return false   // not reached: the range was probed
        }
        return true
    }

    /// FXRSTOR m512: #GP(0) if the image's MXCSR has reserved bits set. The image spans at most
    /// two pages (it is aligned), so reading its first and last byte proves it all readable and
    /// nothing changes on a fault.
    func fxrstor(_ i: Inst) -> Bool {
        let va = ea(i)
        guard checkAligned16(va) else { return false }
        guard let _: UInt8 = load(va), let _: UInt8 = load(va &+ (FXSaveLayout.size - 1)) else { memFault(i); return false }
        var words = [UInt64](repeating: 0, count: FXSaveLayout.written / 8)
        for k in words.indices { words[k] = load(va &+ UInt64(8 * k), UInt64.self) ?? 0 }
        let ok = words.withUnsafeBytes { restoreFPUImage(from: $0.baseAddress!, wide: i.pointee.osz == 8) }
        guard ok else { exception = .gp(0); return false }
        return true
    }
}
