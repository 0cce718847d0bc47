// SPDX-License-Identifier: MIT
// ExitPort: QEMU's isa-debug-exit at port 0xF4, which ends the run with status (v << 1) | 1.
// Source of truth: QEMU hw/misc/debugexit.c and docs/boot-protocol.md ("Leaving the machine").

/// The isa-debug-exit device: a guest writes `v` to request process exit status `(v << 1) | 1`.
public final class ExitPort: PortDevice {
    /// The exit port.
    public static let base: UInt16 = 0xF4
    /// The number of ports it decodes.
    public static let portCount: UInt16 = 1

    /// `(v << 1) | 1` for the last value `v` written, truncated to 32 bits, or nil if none was.
    public private(set) var requestedValue: UInt32?

    /// The status a process exit with ``requestedValue`` gives: its low 8 bits, always odd.
    public var exitStatus: Int32? {
        requestedValue.map { Int32($0 & 0xFF) }
    }

    /// Called with ``exitStatus`` on every write.
    public var onExit: ((Int32) -> Void)?

    public init(onExit: ((Int32) -> Void)? = nil) {
        self.onExit = onExit
    }

    public func read(port: UInt16, offset: UInt16, size: Int) -> UInt32 {
        0xFFFF_FFFF
    }

    public func write(port: UInt16, offset: UInt16, size: Int, value: UInt32) {
        let requested = value &<< 1 | 1
        requestedValue = requested
        onExit?(Int32(requested & 0xFF))
    }
}
