// SPDX-License-Identifier: MIT
// Message transfer descriptor: which register groups an exception-style IPC moves between an EC
// and a UTCB. Hedron: include/mtd.hpp `Mtd::Item`; thesis digest §2.7.

/// Message transfer descriptor (MTD, `Mtd`): one bit per register group. For normal ECs only
/// `gprACDB`, `gprBSD`, `gprR8R15`, `rsp`, `ripLength`, `rflags`, `qualification`, `fsGS` and
/// `fpu` have an effect (UTCB+Exception.swift); the rest describe vCPU state.
public struct MTD: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit 0 `GPR_ACDB`: rax, rcx, rdx, rbx.
    public static let gprACDB = MTD(rawValue: 1 << 0)
    /// Bit 1 `GPR_BSD`: rbp, rsi, rdi.
    public static let gprBSD = MTD(rawValue: 1 << 1)
    /// Bit 2 `RSP`.
    public static let rsp = MTD(rawValue: 1 << 2)
    /// Bit 3 `RIP_LEN`: rip (and the instruction length for vCPUs).
    public static let ripLength = MTD(rawValue: 1 << 3)
    /// Bit 4 `RFLAGS`.
    public static let rflags = MTD(rawValue: 1 << 4)
    /// Bit 5 `DS_ES`.
    public static let dsES = MTD(rawValue: 1 << 5)
    /// Bit 6 `FS_GS`: for normal ECs the FS and GS *bases* (the fork's addition, commit d08eea4).
    public static let fsGS = MTD(rawValue: 1 << 6)
    /// Bit 7 `CS_SS`.
    public static let csSS = MTD(rawValue: 1 << 7)
    /// Bit 8 `TR`.
    public static let tr = MTD(rawValue: 1 << 8)
    /// Bit 9 `LDTR`.
    public static let ldtr = MTD(rawValue: 1 << 9)
    /// Bit 10 `GDTR`.
    public static let gdtr = MTD(rawValue: 1 << 10)
    /// Bit 11 `IDTR`.
    public static let idtr = MTD(rawValue: 1 << 11)
    /// Bit 12 `CR`.
    public static let cr = MTD(rawValue: 1 << 12)
    /// Bit 13 `DR`.
    public static let dr = MTD(rawValue: 1 << 13)
    /// Bit 14 `SYSENTER`.
    public static let sysenter = MTD(rawValue: 1 << 14)
    /// Bit 15 `QUAL`: for exceptions the error code and CR2.
    public static let qualification = MTD(rawValue: 1 << 15)
    /// Bit 16 `CTRL`.
    public static let ctrl = MTD(rawValue: 1 << 16)
    /// Bit 17 `INJ`.
    public static let inj = MTD(rawValue: 1 << 17)
    /// Bit 18 `STA`.
    public static let sta = MTD(rawValue: 1 << 18)
    /// Bit 19 `TSC`.
    public static let tsc = MTD(rawValue: 1 << 19)
    /// Bit 20 `EFER_PAT`.
    public static let eferPAT = MTD(rawValue: 1 << 20)
    /// Bit 21 `PDPTE`.
    public static let pdpte = MTD(rawValue: 1 << 21)
    /// Bit 22 `GPR_R8_R15`.
    public static let gprR8R15 = MTD(rawValue: 1 << 22)
    /// Bit 23 `SYSCALL_SWAPGS`.
    public static let syscallSwapGS = MTD(rawValue: 1 << 23)
    /// Bit 24 `TSC_TIMEOUT`.
    public static let tscTimeout = MTD(rawValue: 1 << 24)
    /// Bit 26 `VINTR`.
    public static let vintr = MTD(rawValue: 1 << 26)
    /// Bit 27 `EOI`.
    public static let eoi = MTD(rawValue: 1 << 27)
    /// Bit 28 `TPR`.
    public static let tpr = MTD(rawValue: 1 << 28)
    /// Bit 30 `TLB`.
    public static let tlb = MTD(rawValue: 1 << 30)
    /// Bit 31 `FPU`: lend the caller's x87/SSE state to the handler (not through the UTCB).
    public static let fpu = MTD(rawValue: 1 << 31)

    /// The runtime's `Mtd::DEFAULT`, bits 0…23 (`0x00FF_FFFF`): what the roottask gives its
    /// foreign-syscall portals (FPU deliberately off).
    public static let runtimeDefault = MTD(rawValue: 0x00FF_FFFF)
    /// The groups `load_exc`/`save_exc` honour for a normal EC.
    public static let exceptionGroups: MTD = [.gprACDB, .gprBSD, .gprR8R15, .rsp, .ripLength, .rflags,
                                              .qualification, .fsGS, .fpu]
}
