// SPDX-License-Identifier: MIT
// Protection domain: the unit of isolation, owning an object, a memory and an I/O-port space.
// Hedron: include/pd.hpp, src/pd.cpp (the fork adds the foreign flag and base); digest §1.2.

/// Protection domain (PD, `Pd`): three capability spaces and the fork's foreign-syscall setting.
public final class ProtectionDomain: KernelObject, TypedKernelObject {
    public typealias Permissions = PDPermissions
    public static let objectKind = KernelObject.Kind.pd

    /// Object space (`Space_obj`): selector → capability.
    public let objects = ObjectSpace()
    /// Memory space (`Space_mem`): the page tables the CPU walks for this PD's ECs. Nil for the
    /// kernel PD, which owns all memory in the mapping database but has no user mappings.
    public let memory: MemorySpace?
    /// I/O-port space (`Space_pio`): the TSS with this PD's I/O bitmap. Nil for the kernel PD.
    public let ports: PortSpace?

    /// Privileged (`is_priv`): only the root PD; its delegations may take memory and ports from
    /// the kernel PD (delegate flag `hypervisor`).
    public let isPrivileged: Bool
    /// Passthrough (`is_passthrough`): MSR access and `machine_ctrl`; inherited only from a
    /// passthrough parent.
    public let isPassthrough: Bool
    /// Foreign PD (`is_foreign_pd`, create_pd ARG4`[0]`): every `syscall` of its ECs whose UTCB
    /// NSCT bit is clear is forwarded to a portal instead of being decoded.
    public let isForeign: Bool
    /// Foreign-syscall portal base (`syscall_handler_pt_base`, create_pd ARG4 >> 1): the portal
    /// is at `EC.eventBase + foreignSyscallBase + CPU` (digest §1.4).
    public let foreignSyscallBase: UInt64

    /// A PD over given spaces.
    public init(memory: MemorySpace?, ports: PortSpace?, privileged: Bool = false, passthrough: Bool = false,
                foreign: Bool = false, foreignSyscallBase: UInt64 = 0) {
        self.memory = memory
        self.ports = ports
        isPrivileged = privileged
        isPassthrough = passthrough
        isForeign = foreign
        self.foreignSyscallBase = foreignSyscallBase
        super.init(kind: .pd)
    }

    /// A PD with fresh page tables and I/O bitmap in `kernelMemory` (`Pd::Pd`). ABORT if kernel
    /// memory is exhausted.
    public convenience init(kernelMemory: KernelMemory, privileged: Bool = false, passthrough: Bool = false,
                            foreign: Bool = false, foreignSyscallBase: UInt64 = 0) throws(Status) {
        let memory = try MemorySpace(kernelMemory: kernelMemory)
        let ports = try PortSpace(kernelMemory: kernelMemory, memory: memory)
        self.init(memory: memory, ports: ports, privileged: privileged, passthrough: passthrough,
                  foreign: foreign, foreignSyscallBase: foreignSyscallBase)
    }

    /// The kernel PD (`Pd::kern`): the root of every memory and port delegation, with no page
    /// tables of its own.
    public static func kernel() -> ProtectionDomain {
        ProtectionDomain(memory: nil, ports: nil, privileged: true, passthrough: true)
    }
}
