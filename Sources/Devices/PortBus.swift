// SPDX-License-Identifier: MIT
// PortBus: the x86 I/O port space (IN/OUT/INS/OUTS), 64 Ki byte-wide ports, and the devices
// that claim ranges of it. Unclaimed ports float high, as on the ISA bus (QEMU's unassigned I/O).

/// A device that claims a range of I/O ports on a ``PortBus``.
public protocol PortDevice: AnyObject {
    /// Handles an `IN` of `size` bytes (1, 2 or 4) at `port`, which is `offset` past the base
    /// the device was registered at. Bits above `size` bytes are ignored by the bus.
    func read(port: UInt16, offset: UInt16, size: Int) -> UInt32
    /// Handles an `OUT` of `size` bytes (1, 2 or 4); `value` has no bits above `size` bytes.
    func write(port: UInt16, offset: UInt16, size: Int, value: UInt32)
}

/// Maps each I/O port to the device that claims it.
///
/// An access goes to the device that claims its first port, with the access size unchanged.
public final class PortBus {
    private struct Claim {
        let device: any PortDevice
        let base: UInt16
    }

    /// Index + 1 into `claims` for every port, 0 for unclaimed: one load per access, however
    /// many devices there are, because guests poll ports (the UART's LSR) in tight loops.
    private var table = [UInt16](repeating: 0, count: 0x1_0000)
    private var claims: [Claim] = []

    /// How many accesses each unclaimed port has had.
    public private(set) var unclaimedAccesses: [UInt16: Int] = [:]

    /// Receives one line the first time each unclaimed port is accessed.
    public var log: ((String) -> Void)?

    public init() {}

    /// Claims `count` ports starting at `base` for `device`.
    ///
    /// - Precondition: the range is non-empty, ends at or below port 0xFFFF and claims no port
    ///   that is already claimed.
    public func register(_ device: any PortDevice, base: UInt16, count: UInt16) {
        let end = Int(base) + Int(count)
        precondition(count > 0 && end <= 0x1_0000, "port range out of the I/O space")
        precondition(claims.count < Int(UInt16.max), "too many port devices")
        for port in Int(base)..<end {
            precondition(table[port] == 0, "port 0x\(hex(UInt16(port))) is already claimed")
        }
        claims.append(Claim(device: device, base: base))
        let index = UInt16(claims.count)
        for port in Int(base)..<end { table[port] = index }
    }

    /// Performs an `IN` of `size` bytes (1, 2 or 4) from `port`.
    public func read(port: UInt16, size: Int) -> UInt32 {
        let mask = Self.mask(size)
        let index = Int(table[Int(port)])
        guard index != 0 else {
            noteUnclaimed("read", port: port, size: size)
            return mask
        }
        let claim = claims[index - 1]
        return claim.device.read(port: port, offset: port &- claim.base, size: size) & mask
    }

    /// Performs an `OUT` of the low `size` bytes (1, 2 or 4) of `value` to `port`.
    public func write(port: UInt16, size: Int, value: UInt32) {
        let mask = Self.mask(size)
        let index = Int(table[Int(port)])
        guard index != 0 else {
            noteUnclaimed("write", port: port, size: size)
            return
        }
        let claim = claims[index - 1]
        claim.device.write(port: port, offset: port &- claim.base, size: size, value: value & mask)
    }

    private static func mask(_ size: Int) -> UInt32 {
        switch size {
        case 1: return 0xFF
        case 2: return 0xFFFF
        case 4: return 0xFFFF_FFFF
        default: preconditionFailure("I/O access size \(size) is not 1, 2 or 4")
        }
    }

    private func noteUnclaimed(_ kind: String, port: UInt16, size: Int) {
        let count = unclaimedAccesses[port, default: 0]
        unclaimedAccesses[port] = count + 1
        if count == 0 { log?("io: unclaimed \(kind) of port 0x\(hex(port)) (size \(size))") }
    }
}

private func hex(_ port: UInt16) -> String {
    String(port, radix: 16, uppercase: true)
}
