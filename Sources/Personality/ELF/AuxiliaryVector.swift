// SPDX-License-Identifier: MIT
// The ELF auxiliary vector of a new process (System V x86-64 psABI §3.4.3 "Auxiliary Vector";
// Linux fs/binfmt_elf.c create_elf_tables). Key numbers: include/uapi/linux/auxvec.h and
// arch/x86/include/uapi/asm/auxvec.h.

public struct AuxiliaryVector: Equatable, Sendable {
    public enum Key: UInt64, Sendable, CaseIterable {
        case null = 0, phdr = 3, phent = 4, phnum = 5, pageSize = 6, base = 7, flags = 8, entry = 9
        case uid = 11, euid = 12, gid = 13, egid = 14, platform = 15, hwcap = 16, clockTicks = 17
        case secure = 23, random = 25, hwcap2 = 26, execfn = 31, minSignalStackSize = 51
    }

    /// AT_HWCAP: Linux passes CPUID.1:EDX (ELF_HWCAP = boot_cpu_data.x86_capability[CPUID_1_EDX],
    /// arch/x86/include/asm/elf.h). This is emu's CPU model's value, duplicated from
    /// Sources/CPUCore/State/CPUIDModel.swift `leaf1EDX` (Personality may not import CPUCore,
    /// DESIGN.md §3; PersonalityTests checks the two agree): FPU TSC MSR PAE CX8 PGE CMOV PAT
    /// CLFSH MMX FXSR SSE SSE2.
    public static let emuHWCAP: UInt64 = 1 << 0 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 13 | 1 << 15
        | 1 << 16 | 1 << 19 | 1 << 23 | 1 << 24 | 1 << 25 | 1 << 26

    /// AT_MINSIGSTKSZ as Linux computes it for emu's CPU (FXSR, no XSAVE) on a kernel with
    /// CONFIG_IA32_EMULATION (Debian's): arch/x86/kernel/signal.c init_sigframe_size =
    /// round_up(sizeof(struct sigframe_ia32) 732 + MAX_FRAME_PADDING 15
    ///          + fpu__get_fpstate_size() (fxregs_state 512 + fregs_state 112) + MAX_XSAVE_PADDING 63,
    ///          FRAME_ALIGNMENT 16) = 1440;
    /// ARCH_DLINFO (arch/x86/include/asm/elf.h) passes it as get_sigframe_size().
    public static let emuMinSignalStackSize: UInt64 = 1440

    public var phdr: UInt64
    public var phent: UInt64
    public var phnum: UInt64
    public var pageSize: UInt64 = 4096          // ELF_EXEC_PAGESIZE
    public var base: UInt64 = 0                 // no interpreter
    public var flags: UInt64 = 0
    public var entry: UInt64
    public var uid: UInt64 = 0
    public var euid: UInt64 = 0
    public var gid: UInt64 = 0
    public var egid: UInt64 = 0
    public var secure: UInt64 = 0
    public var hwcap: UInt64 = AuxiliaryVector.emuHWCAP
    public var hwcap2: UInt64 = 0
    public var clockTicks: UInt64 = 100         // CLOCKS_PER_SEC = USER_HZ
    public var minSignalStackSize: UInt64 = AuxiliaryVector.emuMinSignalStackSize

    public init(phdr: UInt64, phent: UInt64, phnum: UInt64, entry: UInt64) {
        self.phdr = phdr; self.phent = phent; self.phnum = phnum; self.entry = entry
    }

    /// The values for `image` with the defaults above.
    public init(image: ELFImage) {
        self.init(phdr: image.phdrAddress, phent: image.phent, phnum: image.phnum, entry: image.entry)
    }

    /// The entries in create_elf_tables' order, without the closing AT_NULL. AT_RANDOM, AT_EXECFN
    /// and AT_PLATFORM point into the stack, so InitialStack supplies them. Linux also writes
    /// AT_SYSINFO_EHDR (first, from ARCH_DLINFO: emu maps no vDSO) and, with CONFIG_RSEQ,
    /// AT_RSEQ_FEATURE_SIZE and AT_RSEQ_ALIGN (last: emu's rseq returns ENOSYS); those are left
    /// out, as are AT_BASE_PLATFORM and AT_EXECFD, which x86-64 and a plain execve never give.
    public func entries(random: UInt64, execfn: UInt64, platform: UInt64) -> [(key: Key, value: UInt64)] {
        [(.minSignalStackSize, minSignalStackSize),
         (.hwcap, hwcap), (.pageSize, pageSize), (.clockTicks, clockTicks),
         (.phdr, phdr), (.phent, phent), (.phnum, phnum), (.base, base), (.flags, flags),
         (.entry, entry), (.uid, uid), (.euid, euid), (.gid, gid), (.egid, egid),
         (.secure, secure), (.random, random), (.hwcap2, hwcap2), (.execfn, execfn),
         (.platform, platform)]
    }
}
