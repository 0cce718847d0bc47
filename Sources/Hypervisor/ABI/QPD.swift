// SPDX-License-Identifier: MIT
// Quantum-priority descriptor, `create_sc` ARG4. Hedron: include/qpd.hpp `Qpd`; the checks are
// `Ec::sys_create_sc` (src/syscall.cpp); thesis digest §2.2.

/// Quantum-priority descriptor (QPD, `Qpd`): the priority and time quantum of a new SC.
///
/// ```
///  63                     12 11      8 7        0
/// +-------------------------+---------+----------+
/// | quantum (µs)            |    0    | priority |
/// +-------------------------+---------+----------+
/// ```
public struct QPD: RawRepresentable, Hashable, Sendable {
    /// `NUM_PRIORITIES` (include/config.hpp): valid priorities are 1…127.
    public static let priorityCount: UInt32 = 128

    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(priority: UInt8, quantum: UInt32) {
        rawValue = UInt64(quantum) << 12 | UInt64(priority)
    }

    /// Priority, bits `[7:0]` (`Qpd::prio`).
    public var priority: UInt32 { UInt32(rawValue & 0xFF) }
    /// Quantum in microseconds, bits `[63:12]` truncated to 32 bits as Hedron's `unsigned`
    /// (`Qpd::quantum`); the SC's budget is `freq_tsc / 1000 * quantum` TSC ticks.
    public var quantum: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 12) }

    /// What `create_sc` accepts: priority 1…127 and a nonzero quantum (else BAD_PAR).
    public var isValid: Bool { priority != 0 && priority < QPD.priorityCount && quantum != 0 }
}
