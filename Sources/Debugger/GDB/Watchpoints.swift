// SPDX-License-Identifier: MIT
// Z2/Z3/Z4 watchpoints (gdb manual §E.2 `Z2`–`Z4`, §E.3 `watch`/`rwatch`/`awatch` stop reasons):
// while any is set the MMU records every data access (`MMU.observing`, AccessObserver.swift) and
// the run goes one instruction at a time; after each, the accesses of the EC that ran are
// matched. x86 data breakpoints trap after the access (SDM Vol. 3B §17.3.1.2), so the stop is
// after the instruction. A write watchpoint reports every write, changed or not: gdb itself
// compares the old and new value of a `watch` expression and resumes silently if equal.
import Hypervisor
import MMU

struct Watchpoints {
    struct Watch: Equatable {
        var kind: BreakpointKind
        var address: UInt64
        var length: UInt64
        /// Accesses count only in this PD's address space (the one gdb's selected thread had).
        var pd: ObjectIdentifier
    }

    var watches: [Watch] = []

    var isEmpty: Bool { watches.isEmpty }

    mutating func insert(_ w: Watch) -> Bool {
        guard w.length > 0, w.length <= 8, [.write, .read, .access].contains(w.kind) else { return false }
        if !watches.contains(w) { watches.append(w) }
        return true
    }

    /// Removes the watch of that kind and range (gdb may remove it with another thread selected).
    mutating func remove(kind: BreakpointKind, address: UInt64, length: UInt64) -> Bool {
        guard let i = watches.firstIndex(where: { $0.kind == kind && $0.address == address && $0.length == length }) else {
            return false
        }
        watches.remove(at: i)
        return true
    }

    /// The stop reason for the first watch one of `accesses` (made in `pd`) hits, if any.
    func hit(_ accesses: [ObservedAccess], in pd: ProtectionDomain) -> StopEvent.Reason? {
        let key = ObjectIdentifier(pd)
        for a in accesses {
            for w in watches where w.pd == key && a.overlaps(w.address, length: w.length) {
                switch w.kind {
                case .write where a.isWrite: return .watch(w.address)
                case .read where !a.isWrite: return .readWatch(w.address)
                case .access: return .accessWatch(w.address)
                default: continue
                }
            }
        }
        return nil
    }
}
