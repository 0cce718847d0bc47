// SPDX-License-Identifier: MIT
// The user-mode register state an EC keeps while it is not on the CPU: what Hedron's `Cpu_regs`
// (include/regs.hpp: GPRs, the iret frame, err, cr2, fs/gs bases) and `Fpu` hold for a normal EC.

/// User state (`Cpu_regs` + `Fpu`): the 16 GPRs, RIP, RFLAGS, FS/GS bases, the exception
/// qualification (error code and CR2, for MTD `QUAL`) and the x87/SSE state as an FXSAVE image.
/// Switching ECs saves the CPU into one of these and loads the next.
public struct UserState: Equatable, Sendable {
    public var rax: UInt64 = 0, rcx: UInt64 = 0, rdx: UInt64 = 0, rbx: UInt64 = 0
    public var rsp: UInt64 = 0, rbp: UInt64 = 0, rsi: UInt64 = 0, rdi: UInt64 = 0
    public var r8: UInt64 = 0, r9: UInt64 = 0, r10: UInt64 = 0, r11: UInt64 = 0
    public var r12: UInt64 = 0, r13: UInt64 = 0, r14: UInt64 = 0, r15: UInt64 = 0
    public var rip: UInt64 = 0
    /// RFLAGS; a new EC starts with IF only, `EFL_IF` as Hedron's `Ec` constructor sets it (the
    /// CPU adds reserved bit 1 when the state is loaded).
    public var rflags: UInt64 = 0x200
    public var fsBase: UInt64 = 0
    public var gsBase: UInt64 = 0
    /// Error code of the last exception (`Exc_regs::err`): `QUAL[0]`.
    public var errorCode: UInt64 = 0
    /// Faulting address of the last #PF (`Sys_regs::cr2`): `QUAL[1]`.
    public var cr2: UInt64 = 0
    /// x87/SSE state in FXSAVE layout (SDM Vol. 1 §10.5.1, Table 10-2).
    public var fpu = FXSAVEImage()

    public init() {}

    /// GPR by encoding number (0 = rax … 15 = r15), the order of `CPU.regs`.
    public subscript(gpr n: Int) -> UInt64 {
        get {
            switch n {
            case 0: rax
            case 1: rcx
            case 2: rdx
            case 3: rbx
            case 4: rsp
            case 5: rbp
            case 6: rsi
            case 7: rdi
            case 8: r8
            case 9: r9
            case 10: r10
            case 11: r11
            case 12: r12
            case 13: r13
            case 14: r14
            default: r15
            }
        }
        set {
            switch n {
            case 0: rax = newValue
            case 1: rcx = newValue
            case 2: rdx = newValue
            case 3: rbx = newValue
            case 4: rsp = newValue
            case 5: rbp = newValue
            case 6: rsi = newValue
            case 7: rdi = newValue
            case 8: r8 = newValue
            case 9: r9 = newValue
            case 10: r10 = newValue
            case 11: r11 = newValue
            case 12: r12 = newValue
            case 13: r13 = newValue
            case 14: r14 = newValue
            default: r15 = newValue
            }
        }
    }
}

/// A 512-byte FXSAVE image (SDM Vol. 1 §10.5.1). The default is the state after FNINIT with
/// MXCSR at its reset value: FCW 0x037F, MXCSR 0x1F80, everything else zero.
public struct FXSAVEImage: Equatable, Sendable {
    public static let size = 512
    public var bytes: [UInt8]

    public init() {
        bytes = [UInt8](repeating: 0, count: FXSAVEImage.size)
        bytes[0] = 0x7F; bytes[1] = 0x03        // FCW
        bytes[24] = 0x80; bytes[25] = 0x1F      // MXCSR
    }

    /// An image from exactly 512 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == FXSAVEImage.size else { return nil }
        self.bytes = bytes
    }
}
