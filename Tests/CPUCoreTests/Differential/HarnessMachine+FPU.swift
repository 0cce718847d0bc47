// SPDX-License-Identifier: MIT
// The x87/SSE half of emu's harness machine: loads a case's FXSAVE64 image as the runner's
// FXRSTOR64 does (Tests/Native/README.md, "Execution details": `xmm` and `mxcsr` are copied over
// the image first) and reads the state back as the image FXSAVE64 would write. The loading
// follows CPU.fxrstor (Instructions/FXSave.swift) step for step; the image's FOP/FIP/FDP are
// loaded too, though the comparison masks them.
@testable import CPUCore

extension HarnessMachine {
    /// FXRSTOR64 of `input.fxsave`, with `input.xmm` and `input.mxcsr` taking precedence.
    func loadFPU(_ input: SnippetState) {
        let f = input.fxsave
        func w(_ o: Int) -> UInt16 { UInt16(f[o]) | UInt16(f[o + 1]) << 8 }
        func q(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(f[o + $1]) << (8 * UInt64($1)) } }
        cpu.x87.statusWord = w(FXSaveLayout.fsw)
        cpu.x87SetControlWord(w(FXSaveLayout.fcw))
        cpu.x87.fop = w(FXSaveLayout.fop) & 0x7FF
        cpu.x87.fip = q(FXSaveLayout.fip)
        cpu.x87.fdp = q(FXSaveLayout.fdp)
        // FXRSTOR64 has no selector fields: start every case from a fresh process's zeros rather
        // than from what the previous case left.
        cpu.x87.fcs = 0
        cpu.x87.fds = 0
        for k in 0..<8 {
            let slot = FXSaveLayout.st + 16 * k
            cpu.x87.store(physical: cpu.x87.physical(k), Ext80(sig: q(slot), se: w(slot + 8)))
        }
        cpu.x87.setAbridgedTag(f[FXSaveLayout.ftw])
        cpu.sse.mxcsr = input.mxcsr
        for k in 0..<16 {
            var lo: UInt64 = 0, hi: UInt64 = 0
            for b in 0..<8 {
                lo |= UInt64(input.xmm[16 * k + b]) << (8 * UInt64(b))
                hi |= UInt64(input.xmm[16 * k + 8 + b]) << (8 * UInt64(b))
            }
            cpu.sse.set(k, lo: lo, hi: hi)
        }
    }

    /// Writes emu's x87/SSE state into `out` as FXSAVE64 would (bytes 416…511 zero, as the runner
    /// reports them), and the `xmm` and `mxcsr` copies.
    func storeFPU(_ out: inout SnippetState) {
        var f = [UInt8](repeating: 0, count: 512)
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for k in 0..<n { f[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        put(FXSaveLayout.fcw, UInt64(cpu.x87.fcw), 2)
        put(FXSaveLayout.fsw, UInt64(cpu.x87.statusWord), 2)
        f[FXSaveLayout.ftw] = cpu.x87.abridgedTag
        put(FXSaveLayout.fop, UInt64(cpu.x87.fop & 0x7FF), 2)
        put(FXSaveLayout.fip, cpu.x87.fip, 8)
        put(FXSaveLayout.fdp, cpu.x87.fdp, 8)
        put(FXSaveLayout.mxcsr, UInt64(cpu.sse.mxcsr), 4)
        put(FXSaveLayout.mxcsrMask, UInt64(SSEState.mxcsrMask), 4)
        for k in 0..<8 {
            let v = cpu.x87.st(k)
            put(FXSaveLayout.st + 16 * k, v.sig, 8)
            put(FXSaveLayout.st + 16 * k + 8, UInt64(v.se), 2)
        }
        for k in 0..<16 {
            put(FXSaveLayout.xmm + 16 * k, cpu.sse.lo(k), 8)
            put(FXSaveLayout.xmm + 16 * k + 8, cpu.sse.hi(k), 8)
        }
        out.fxsave = f
        out.mxcsr = cpu.sse.mxcsr
        out.xmm = Array(f[FXSaveLayout.xmm..<(FXSaveLayout.xmm + 256)])
    }
}
