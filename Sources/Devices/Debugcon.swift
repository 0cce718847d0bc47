// SPDX-License-Identifier: MIT
// Debugcon: the Bochs/QEMU debug console at port 0xE9, a write-only byte sink for early kernel
// output. Source of truth: QEMU hw/char/debugcon.c (reads return 0xE9 so guests can probe it).

/// The port 0xE9 debug console.
public final class Debugcon: PortDevice {
    /// The debug console's port.
    public static let base: UInt16 = 0xE9
    /// The number of ports it decodes.
    public static let portCount: UInt16 = 1

    /// Receives the low byte of every write.
    public var output: (UInt8) -> Void

    public init(output: @escaping (UInt8) -> Void = { _ in }) {
        self.output = output
    }

    public func read(port: UInt16, offset: UInt16, size: Int) -> UInt32 {
        0xE9
    }

    /// Like QEMU, a write of any size sends only its low byte.
    public func write(port: UInt16, offset: UInt16, size: Int, value: UInt32) {
        output(UInt8(truncatingIfNeeded: value))
    }
}
