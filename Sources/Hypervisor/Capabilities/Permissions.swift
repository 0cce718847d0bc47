// SPDX-License-Identifier: MIT
// The permission bits of each capability kind, side by side: the 5-bit CRD attribute field.
// Hedron: `PERM_*` enums in include/{pd,ec,sc,pt,sm}.hpp, `Mdb::MEM_*`; thesis digest §2.4.

/// The permission set of one capability kind: five bits, as in a CRD's `[6:2]` field.
public protocol CapabilityPermissions: OptionSet, Sendable where RawValue == UInt8 {
    /// Every permission the kind defines; what a freshly created capability holds.
    static var all: Self { get }
}

/// Memory capability permissions (`Mdb::MEM_R/W/X`): read, write, execute.
public struct MemoryPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `r`.
    public static let read = MemoryPermissions(rawValue: 1 << 0)
    /// Bit 1 `w`.
    public static let write = MemoryPermissions(rawValue: 1 << 1)
    /// Bit 2 `x`.
    public static let execute = MemoryPermissions(rawValue: 1 << 2)
    public static let all: MemoryPermissions = [.read, .write, .execute]
}

/// Port I/O capability permissions: bit 0 `a` grants IN and OUT.
public struct PortPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `a`: read and write the port.
    public static let access = PortPermissions(rawValue: 1 << 0)
    public static let all: PortPermissions = [.access]
}

/// Protection domain (PD) capability permissions (`Pd::PERM_*`).
public struct PDPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `create` (`PERM_OBJ_CREATION`): create objects on behalf of this PD.
    public static let create = PDPermissions(rawValue: 1 << 0)
    public static let all: PDPermissions = [.create]
}

/// Execution context (EC) capability permissions (`Ec::PERM_*`).
public struct ECPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `ct` (`PERM_EC_CTRL`): `ec_ctrl`.
    public static let control = ECPermissions(rawValue: 1 << 0)
    /// Bit 2 `sc` (`PERM_CREATE_SC`): bind a scheduling context.
    public static let bindSC = ECPermissions(rawValue: 1 << 2)
    /// Bit 3 `pt` (`PERM_CREATE_PT`): bind a portal.
    public static let bindPT = ECPermissions(rawValue: 1 << 3)
    public static let all: ECPermissions = [.control, .bindSC, .bindPT]
}

/// Scheduling context (SC) capability permissions (`Sc::PERM_*`).
public struct SCPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `ct` (`PERM_SC_CTRL`): `sc_ctrl`.
    public static let control = SCPermissions(rawValue: 1 << 0)
    public static let all: SCPermissions = [.control]
}

/// Portal (PT) capability permissions (`Pt::PERM_*`).
public struct PTPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `ct` (`PERM_CTRL`): `pt_ctrl`.
    public static let control = PTPermissions(rawValue: 1 << 0)
    /// Bit 1 `call` (`PERM_CALL`): `call` through the portal.
    public static let call = PTPermissions(rawValue: 1 << 1)
    public static let all: PTPermissions = [.control, .call]
}

/// Semaphore (SM) capability permissions (`Sm::PERM_*`).
public struct SMPermissions: CapabilityPermissions, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x1F }
    /// Bit 0 `up` (`PERM_UP`).
    public static let up = SMPermissions(rawValue: 1 << 0)
    /// Bit 1 `down` (`PERM_DOWN`).
    public static let down = SMPermissions(rawValue: 1 << 1)
    public static let all: SMPermissions = [.up, .down]
}
