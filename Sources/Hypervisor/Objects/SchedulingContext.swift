// SPDX-License-Identifier: MIT
// Scheduling context: a priority and a time quantum that let a global EC run.
// Hedron: include/sc.hpp, src/sc.cpp (`budget = freq_tsc / 1000 * quantum`); digest §2.2.

/// Scheduling context (SC, `Sc`): CPU time for `ec`, `budget` TSC ticks per round at `priority`.
/// Time is virtual: one tick per retired guest instruction (docs/hypervisor.md "Time").
public final class SchedulingContext: KernelObject, TypedKernelObject {
    public typealias Permissions = SCPermissions
    public static let objectKind = KernelObject.Kind.sc

    /// `Sc::default_prio`: the root SC's priority.
    public static let defaultPriority: UInt32 = 1
    /// `Sc::default_quantum`, µs: the root SC's quantum.
    public static let defaultQuantum: UInt32 = 10_000

    /// The global EC this SC runs (`ec`).
    public let ec: ExecutionContext
    /// CPU (`cpu`): the EC's.
    public let cpu: UInt16
    /// Priority, 1…127 (`prio`); higher runs first.
    public let priority: UInt32
    /// Quantum in µs as given to `create_sc`.
    public let quantum: UInt32
    /// Ticks per time slice (`budget`): `tscKHz / 1000 * quantum`.
    public let budget: UInt64
    /// Ticks left in the current slice (`left`); 0 = refill on the next enqueue.
    public var left: UInt64 = 0
    /// Ticks consumed in total (`time`), reported by `sc_ctrl`.
    public private(set) var consumed: UInt64 = 0

    public init(ec: ExecutionContext, priority: UInt32, quantum: UInt32, tscKHz: UInt32 = HIP.tscFrequencyKHz) {
        self.ec = ec
        cpu = ec.cpu
        self.priority = priority
        self.quantum = quantum
        budget = UInt64(tscKHz / 1000) * UInt64(quantum)
        super.init(kind: .sc)
    }

    /// Accounts `ticks` of run time to this SC.
    public func charge(_ ticks: UInt64) {
        consumed &+= ticks
        left = left > ticks ? left - ticks : 0
    }

    /// Consumed time in µs as `sc_ctrl` returns it: `time * 1000 / freq_tsc`.
    public func consumedMicroseconds(tscKHz: UInt32 = HIP.tscFrequencyKHz) -> UInt64 {
        consumed &* 1000 / UInt64(tscKHz)
    }
}
