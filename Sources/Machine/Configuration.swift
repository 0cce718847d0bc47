// SPDX-License-Identifier: MIT
// What a machine is built from: memory size, where serial and debugcon output go, and the
// bounds on a run (DESIGN.md §8).

public struct Configuration: Sendable {
    /// Guest RAM in bytes (default 1 GiB).
    public var memory: UInt64 = 1 << 30
    /// Where UART output goes (COM1, 0x3F8).
    public var serial: Output = .stdout
    /// Where the second UART's output goes (COM2, 0x2F8: a roottask's stderr).
    public var serial2: Output = .stderr
    /// Where debugcon (port 0xE9) output goes.
    public var debugcon: Output = .none
    /// Stop after this many retired instructions (status 126).
    public var maxInstructions: UInt64? = nil
    /// Stop after this many seconds of host time (status 124).
    public var timeout: Double? = nil
    /// The kernel command line (`--append`).
    public var commandLine: String = ""

    public enum Output: Equatable, Sendable {
        case stdout, stderr, none
        case file(String)
    }

    public init() {}
}

/// emu's own exit statuses (docs/boot-protocol.md); exit-port statuses are odd and distinct.
public enum ExitStatus {
    public static let usage: Int32 = 64
    public static let badInput: Int32 = 65
    public static let noInput: Int32 = 66
    public static let internalError: Int32 = 70
    public static let tripleFault: Int32 = 120
    public static let halted: Int32 = 122
    public static let timeout: Int32 = 124
    public static let instructionLimit: Int32 = 126
}
