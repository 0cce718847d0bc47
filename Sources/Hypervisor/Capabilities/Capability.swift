// SPDX-License-Identifier: MIT
// An object capability: the object it names and the permission bits it grants.
// Hedron: include/capability.hpp (`Capability`, `capability_cast`); thesis digest §2.4.

/// Capability (`Capability`): an object reference plus five permission bits. As in Hedron, a
/// capability without permissions is the null capability: it names no object.
public struct Capability {
    /// The object, or nil for the null capability.
    public let object: KernelObject?
    /// Permission bits, `[4:0]`; their meaning depends on the object's kind (Permissions.swift).
    public let permissions: UInt8

    /// The null capability.
    public static var null: Capability { Capability() }

    public init() { object = nil; permissions = 0 }

    /// A capability for `object` with `permissions` (masked to five bits); null if none remain,
    /// as `Capability(Kobject*, mword)`.
    public init(_ object: KernelObject, permissions: UInt8) {
        let p = permissions & 0x1F
        self.object = p == 0 ? nil : object
        self.permissions = self.object == nil ? 0 : p
    }

    /// A capability for `object` with a typed permission set.
    public init<T: TypedKernelObject>(_ object: T, _ permissions: T.Permissions) {
        self.init(object, permissions: permissions.rawValue)
    }

    /// True for the null capability.
    public var isNull: Bool { object == nil }

    /// The same object with only the permissions also in `mask`: what a delegation hands on.
    public func restricted(to mask: UInt8) -> Capability {
        guard let object else { return .null }
        return Capability(object, permissions: permissions & mask)
    }

    /// The object as a `T` if it is one and this capability grants every permission in
    /// `required`; otherwise nil (`capability_cast<T>(cap, required_permissions)`). The one
    /// check every hypercall makes before it touches an object.
    @inline(__always)
    public func validate<T: TypedKernelObject>(_ type: T.Type, _ required: T.Permissions = []) -> T? {
        guard let object, object.kind == T.objectKind,
              permissions & required.rawValue == required.rawValue else { return nil }
        // The stored kind identifies the class exactly (each kind has one final class).
        return unsafeDowncast(object, to: T.self)
    }
}
