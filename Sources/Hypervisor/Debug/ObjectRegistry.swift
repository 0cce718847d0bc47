// SPDX-License-Identifier: MIT
// Every kernel object the hypervisor created, in creation order, for debuggers (the gdb stub's
// threads and `monitor pds`): weak references, so the registry never keeps an object alive.
// Not part of Hedron's interface; nothing in the kernel reads it, and it is off the hot path
// (one append per created object, in `insertRoot`).
import CPUCore

/// The objects created so far, oldest first; destroyed ones drop out.
public final class ObjectRegistry {
    struct Entry {
        weak var object: KernelObject?
    }

    var entries: [Entry] = []
    /// Registrations since the dead entries were last dropped.
    var sinceCompaction = 0

    init() {}

    func register(_ object: KernelObject) {
        entries.append(Entry(object: object))
        sinceCompaction += 1
        if sinceCompaction > 256 && sinceCompaction > entries.count / 2 { compact() }
    }

    func compact() {
        entries.removeAll { $0.object == nil }
        sinceCompaction = 0
    }

    /// The live objects in creation order.
    public var all: [KernelObject] { entries.compactMap(\.object) }

    /// The live objects of one class in creation order (`ExecutionContext.self`, …).
    public func all<T: KernelObject>(_ type: T.Type) -> [T] { entries.compactMap { $0.object as? T } }
}

/// The hypervisor's state for debuggers.
public final class HypervisorDebug {
    /// Every object created.
    public let objects = ObjectRegistry()
    /// Makes a page of a PD present for a debugger's access, as the roottask's page-fault handler
    /// would for the PD's own access (address, write); false if nothing is there. Set by a
    /// roottask that maps memory lazily (`RootAPI.setDebugPager`); like ptrace's access to a
    /// page not yet touched, which faults it in.
    var pager: ((ProtectionDomain, UInt64, Bool) -> Bool)?
    /// The signal an EC's exception becomes, nil if the roottask resolves it (Hypervisor+DebugSignals.swift).
    var faultSignal: ((ExecutionContext, CPUException) -> Int32?)?
    /// The signal that killed the program whose end ended the run (`RootAPI.setDebugEndSignal`).
    public internal(set) var endSignal: Int32?
    /// While a debugger lets one EC run alone (`Hypervisor.debugHold`): that EC; the SCs of the
    /// others it picked wait in `parked`, out of the ready queues.
    var runAlone: ExecutionContext?
    var parked: [SchedulingContext] = []

    init() {}
}
