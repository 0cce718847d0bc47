// SPDX-License-Identifier: MIT
// Shared fixtures: a small RAM with a kernel-memory region, and PDs and ECs built in it.
import MMU
@testable import Hypervisor

/// 64 MiB of RAM whose top 4 MiB are kernel memory.
final class Fixture {
    let ram: PhysicalMemory
    let kernel: KernelMemory

    init(ramSize: UInt64 = 64 << 20, kernelSize: UInt64 = 4 << 20) {
        ram = PhysicalMemory(size: ramSize)!
        kernel = KernelMemory(ram: ram, reservingTop: kernelSize)!
    }

    func pd(foreign: Bool = false, base: UInt64 = 0) throws -> ProtectionDomain {
        try ProtectionDomain(kernelMemory: kernel, foreign: foreign, foreignSyscallBase: base)
    }

    func ec(_ pd: ProtectionDomain, global: Bool = false, utcb: UInt64 = 0, cpu: UInt16 = 0, eventBase: UInt64 = 0) throws -> ExecutionContext {
        try ExecutionContext(pd: pd, global: global, cpu: cpu, utcbAddress: utcb, eventBase: eventBase, kernelMemory: kernel)
    }
}

/// A PD without spaces, for tests that only need identities (the mapping database).
func barePD() -> ProtectionDomain { ProtectionDomain(memory: nil, ports: nil) }
