// SPDX-License-Identifier: MIT
// An EC's user registers for a debugger, whether the EC is in the CPU (`current`) or saved in its
// `state`, and its x87/SSE state wherever lazy FPU switching left it (Engine/UserContext.swift).
// Called only while the machine is stopped between two `CPU.run` calls; off the hot path.
import CPUCore

/// The user-visible registers of an EC as a debugger shows them (what the EC finds in the CPU
/// when it next runs).
public struct DebugRegisters: Equatable, Sendable {
    /// RAX…R15 in encoding order (`Reg`).
    public var gprs = [UInt64](repeating: 0, count: 16)
    public var rip: UInt64 = 0
    /// RFLAGS with the lazy flags materialised.
    public var rflags: UInt64 = 0x202
    /// Selectors of ES, CS, SS, DS, FS, GS (`Segment` order).
    public var selectors = [UInt16](repeating: 0, count: 6)
    public var fsBase: UInt64 = 0
    public var gsBase: UInt64 = 0
    /// The x87/SSE state as an FXSAVE64 image (SDM Vol. 1 §10.5.1).
    public var fxsave = FXSAVEImage()

    public init() {}
}

extension Hypervisor {
    /// The registers `ec` has now: the CPU's if it is `current`, else its saved state as it will
    /// be loaded (a sysret-style continuation resumes at rcx with RSP from r11 and RFLAGS 0x202,
    /// `loadUserState`).
    public func debugRegisters(of ec: ExecutionContext) -> DebugRegisters {
        var r = DebugRegisters()
        for k in 0..<6 { r.selectors[k] = cpu.segs[k].selector }
        if current === ec {
            for k in 0..<16 { r.gprs[k] = cpu.regs[k] }
            r.rip = cpu.rip
            r.rflags = cpu.rflags
            r.fsBase = cpu.segs[Segment.fs.rawValue].base
            r.gsBase = cpu.segs[Segment.gs.rawValue].base
        } else {
            for k in 0..<16 { r.gprs[k] = ec.state[gpr: k] }
            r.rip = ec.state.rip
            r.rflags = ec.state.rflags | RFlags.fixed1
            if ec.continuation == .sysret {
                r.rip = ec.state.rcx
                r.gprs[Reg.rsp] = ec.state.r11
                r.gprs[Reg.r11] = 0x200
                r.rflags = 0x202
            }
            r.fsBase = ec.state.fsBase
            r.gsBase = ec.state.gsBase
        }
        r.fxsave = debugFPU(of: ec)
        return r
    }

    /// Sets `ec`'s registers (selectors are not changed: every user EC runs with the same flat
    /// ones). An FXSAVE image with reserved MXCSR bits leaves the x87/SSE state alone.
    public func debugSetRegisters(_ r: DebugRegisters, of ec: ExecutionContext) {
        if current === ec {
            for k in 0..<16 { cpu.regs[k] = r.gprs[k] }
            cpu.rip = r.rip
            cpu.rflags = r.rflags
            if cpu.segs[Segment.fs.rawValue].base != r.fsBase { cpu.setSegmentBase(.fs, r.fsBase) }
            if cpu.segs[Segment.gs.rawValue].base != r.gsBase { cpu.setSegmentBase(.gs, r.gsBase) }
        } else {
            for k in 0..<16 { ec.state[gpr: k] = r.gprs[k] }
            if ec.continuation == .sysret {
                ec.state.rcx = r.rip
                ec.state.r11 = r.gprs[Reg.rsp]
            } else {
                ec.state.rip = r.rip
                ec.state.rflags = r.rflags
            }
            ec.state.fsBase = r.fsBase
            ec.state.gsBase = r.gsBase
        }
        if debugFPU(of: ec) != r.fxsave { debugSetFPU(r.fxsave, of: ec) }
    }

    /// `ec`'s x87/SSE state: the CPU's if `ec` owns the FPU, else the saved image.
    func debugFPU(of ec: ExecutionContext) -> FXSAVEImage {
        guard fpuOwner === ec else { return ec.state.fpu }
        var image = ec.state.fpu
        image.bytes.withUnsafeMutableBytes { cpu.saveFPUImage(into: $0.baseAddress!) }
        return image
    }

    func debugSetFPU(_ image: FXSAVEImage, of ec: ExecutionContext) {
        if fpuOwner === ec {
            _ = image.bytes.withUnsafeBytes { cpu.restoreFPUImage(from: $0.baseAddress!) }
        } else {
            ec.state.fpu = image
        }
    }
}
