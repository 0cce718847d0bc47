// SPDX-License-Identifier: MIT
// Capability range descriptor: a naturally aligned range of pages, ports or selectors with
// permissions. Hedron: include/crd.hpp `Crd`; thesis digest §2.5.

/// Capability range descriptor (CRD, `Crd`): one 64-bit word naming `2^order` pages, ports or
/// object selectors starting at `base`, with the permission bits that apply to them.
///
/// ```
///  63                     12 11    7 6      2 1  0
/// +-------------------------+-------+--------+----+
/// | base                    | order | perms  |kind|
/// +-------------------------+-------+--------+----+
/// ```
public struct CRD: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// CRD kind (`Crd::Type`), bits `[1:0]`.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// The null CRD: names nothing (a receive window that accepts nothing).
        case null = 0
        /// `MEM`: pages of a memory space; base is a page number.
        case memory = 1
        /// `PIO`: I/O ports; base is a port number.
        case io = 2
        /// `OBJ`: object capability selectors.
        case object = 3
    }

    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Builds `base << 12 | order << 7 | permissions << 2 | kind`, as `Crd(Type, b, o, a)`.
    /// Hedron's defaults (order 0x1f, all permissions) describe a whole space.
    public init(kind: Kind, base: UInt64 = 0, order: UInt8 = 0x1F, permissions: UInt8 = 0x1F) {
        rawValue = base << 12 | UInt64(order & 0x1F) << 7 | UInt64(permissions & 0x1F) << 2 | UInt64(kind.rawValue)
    }

    /// The null CRD (`Crd()`, value 0).
    public static let null = CRD(rawValue: 0)

    /// A memory CRD of `2^order` pages from page number `page`.
    public static func memory(page: UInt64, order: UInt8 = 0, permissions: MemoryPermissions) -> CRD {
        CRD(kind: .memory, base: page, order: order, permissions: permissions.rawValue)
    }

    /// An I/O-port CRD of `2^order` ports from `port`.
    public static func io(port: UInt64, order: UInt8 = 0, permissions: PortPermissions = .all) -> CRD {
        CRD(kind: .io, base: port, order: order, permissions: permissions.rawValue)
    }

    /// An object CRD of `2^order` selectors from `selector`; `permissions` are kind-specific.
    public static func object(selector: UInt64, order: UInt8 = 0, permissions: UInt8 = 0x1F) -> CRD {
        CRD(kind: .object, base: selector, order: order, permissions: permissions)
    }

    /// Kind, bits `[1:0]` (`Crd::type`).
    public var kind: Kind { Kind(rawValue: UInt8(rawValue & 0x3))! }
    /// Permissions, bits `[6:2]` (`Crd::attr`); their meaning depends on the kind (Permissions.swift).
    public var permissions: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 2) & 0x1F }
    /// Order, bits `[11:7]` (`Crd::order`): log2 of the number of pages, ports or selectors.
    public var order: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 7) & 0x1F }
    /// Base, bits `[63:12]` (`Crd::base`): page number, port number or selector.
    public var base: UInt64 { rawValue >> 12 }

    /// Number of pages, ports or selectors: `2^order`.
    public var count: UInt64 { 1 << UInt64(order) }
    /// True when `base` is a multiple of `2^order`, as every range in a space must be.
    public var isAligned: Bool { base & (count - 1) == 0 }
    /// The permissions read as memory permissions (meaningful for `.memory`).
    public var memoryPermissions: MemoryPermissions { MemoryPermissions(rawValue: permissions) }

    public var description: String {
        "CRD(\(kind) base:0x\(String(base, radix: 16)) order:\(order) perms:0x\(String(permissions, radix: 16)))"
    }
}

/// Typed item (`Xfer`): a CRD and its delegate-flags word, 16 bytes in the UTCB.
public struct TypedItem: Hashable, Sendable {
    public var crd: CRD
    public var flags: DelegateFlags
    public init(crd: CRD, flags: DelegateFlags) { self.crd = crd; self.flags = flags }
}
